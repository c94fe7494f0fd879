"""The `mlpath` command (console script and `python -m mlpath`).

`mlpath --version` alone is answered here, and the daily forms that carry no option (`mlpath`,
`mlpath next`, `mlpath done ID...`, `mlpath reset ID...`, `mlpath skip ID...`, bash's completion
of ids) by the light path in light.py, all before Typer is imported: importing it costs several
times what these commands do. Everything else, `--version` among other arguments included, goes
to the Typer app in cli.py, which declares every option (with its help) and runs the same
functions for the same forms.
"""

import os
import sys

from mlpath import VERSION_OPTION, version_line


def main() -> None:
    try:
        _run(sys.argv[1:])
    finally:
        # At exit the interpreter runs the cycle collector over everything still alive, then empties
        # the modules and takes apart the cycles their classes and functions form, object by object:
        # 8-10 ms of every Typer command on the development machine (about as much as skipping the
        # interpreter's shutdown altogether with os._exit saves), more than most commands' own work,
        # to free memory the process is about to give back anyway. The collector leaves frozen
        # objects alone. Nothing mlpath must finish waits for it: the session closes the database,
        # files are written and closed inside `with`, and the interpreter flushes stdout and stderr
        # after this. While a command works the collector runs as usual, so a long `study` session
        # or a 100,000-resource seed frees its cycles as before.
        import gc

        gc.freeze()


def _run(argv: list[str]) -> None:
    if argv == [VERSION_OPTION]:
        sys.stdout.write(version_line() + "\n")
        return
    from mlpath import light

    body = light.command(argv, os.environ, light.program_name())
    if body is not None:
        light.run(body)
    from mlpath.cli import main as run

    run()


if __name__ == "__main__":
    main()
