"""The `mlpath` command (console script and `python -m mlpath`).

`mlpath --version` alone is answered here, before Typer and the command modules are imported:
they cost several times what printing the version does. Everything else, `--version` among
other arguments included, goes to the Typer app in cli.py, which declares the option (with its
help) and prints the same line through the same function.
"""

import sys

from mlpath import VERSION_OPTION, version_line


def main() -> None:
    if sys.argv[1:] == [VERSION_OPTION]:
        sys.stdout.write(version_line() + "\n")
        return
    from mlpath.cli import main as run

    run()


if __name__ == "__main__":
    main()
