"""The `mlpath` command (console script and `python -m mlpath`).

`mlpath --version` alone is answered here, and the daily forms that carry no option (`mlpath`,
`mlpath next`, `mlpath done ID...`, bash's completion of ids) by the light path in light.py,
all before Typer is imported: importing it costs several times what these commands do.
Everything else, `--version` among other arguments included, goes to the Typer app in cli.py,
which declares every option (with its help) and runs the same functions for the same forms.
"""

import os
import sys

from mlpath import VERSION_OPTION, version_line


def main() -> None:
    argv = sys.argv[1:]
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
