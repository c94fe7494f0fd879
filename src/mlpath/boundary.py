"""The error boundary every entry path goes through: the Typer app (cli.py) and the light path
(light.py) report a failure the same way, and this module imports neither Typer nor Rich.

An expected failure (an MlpathError, a damaged, full or busy database, a bad file) is one line on
stderr and exit 1; a closed pipe (`mlpath list | head`) exits 1 quietly; a bug keeps its traceback.
"""

from __future__ import annotations

import os
import sys

from mlpath import paths
from mlpath.errors import MlpathError, database_problem


def handled(exc: BaseException) -> bool:
    """Report exc as a failure the user can cause (True: exit 1), or False for a bug to re-raise."""
    if isinstance(exc, BrokenPipeError):  # the reader has all it wanted
        quiet_stdout()
        return True
    problem = expected_failure(exc) if isinstance(exc, Exception) else None
    if problem is None:
        return False
    from mlpath import render

    render.error(problem)
    return True


def expected_failure(exc: Exception) -> MlpathError | None:
    """The one-line error for a failure a user can cause (bad files, a damaged, full or busy database);
    None for a bug, which keeps its traceback."""
    if isinstance(exc, MlpathError):
        return exc
    sqlite3 = sys.modules.get("sqlite3")  # not imported means not raised: keeps start-up light
    wrapped = type(exc).__module__.startswith("sqlalchemy") and hasattr(exc, "orig")
    if wrapped or (sqlite3 is not None and isinstance(exc, sqlite3.Error)):
        return database_problem(exc, paths.db_path())
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        problem = database_problem(exc, paths.db_path())
        return MlpathError(f"{exc.strerror or exc}{where}", hint=problem.hint or "check the file and the disk")
    if isinstance(exc, UnicodeError):
        return MlpathError(f"text that is not valid UTF-8 ({getattr(exc, 'reason', exc)})",
                           hint="check the file or argument you gave; a damaged database shows this too")
    if isinstance(exc, RecursionError):
        return MlpathError("input nested too deeply to read", hint="check the file you gave")
    if isinstance(exc, MemoryError):
        return MlpathError("out of memory", hint="the input is too large to handle")
    return None


def quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush of a closed pipe stays quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
