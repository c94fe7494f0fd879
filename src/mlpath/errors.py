"""The one family of errors the core raises and the CLI turns into a message and exit code 1."""

from __future__ import annotations

import errno
import functools
import re
from collections.abc import Sequence
from pathlib import Path


class MlpathError(Exception):
    """An expected failure a user can cause or fix; never shown as a traceback."""

    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if hint:
            self.hint = hint

    def lines(self) -> list[str]:
        """The message lines the CLI prints (the first is the summary)."""
        return [self.message]


class UnknownResource(MlpathError):
    hint = "run `mlpath list` to see the ids"


class AmbiguousResource(MlpathError):
    hint = "type more of the id, or use its number from `mlpath list`"


class UnknownStage(MlpathError):
    hint = "run `mlpath stages` to see the stage numbers and ids"


class UsageProblem(MlpathError):
    """A value the command line parser accepted but the domain cannot use."""


class RoadmapInvalid(MlpathError):
    hint = "fix the lines named above, or drop --roadmap / MLPATH_ROADMAP to use the bundled roadmap"

    def __init__(self, source: str, problems: list[str]) -> None:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{source} is not a valid roadmap ({count} {noun}):")
        self.source = source
        self.problems = problems
        if count == 1:
            self.hint = self.hint.replace("the lines named above", "that line")

    def lines(self) -> list[str]:
        if len(self.problems) == 1:  # one problem, one line
            return [f"not a valid roadmap: {self.problems[0]}"]
        return [self.message, *(f"  {p}" for p in self.problems)]


class RoadmapNotFound(MlpathError):
    hint = "check the path given to --roadmap or MLPATH_ROADMAP"


class NotADatabase(MlpathError):
    hint = "point MLPATH_DB at another file; mlpath never overwrites a file it did not create"


class DatabaseUnavailable(MlpathError):
    """The database's path cannot be used: a directory, unreadable, read-only, missing parent."""

    hint = "set MLPATH_DB to a writable file path"


class ReopenNeeded(MlpathError):
    """`start` on a finished resource: reopening it needs --reopen (or a yes on a terminal)."""

    def __init__(self, ids: list[str]) -> None:
        shown = ", ".join(ids)
        verb = "is" if len(ids) == 1 else "are"
        super().__init__(f"{shown} {verb} done already; starting again reopens {'it' if len(ids) == 1 else 'them'}",
                         hint=f"to reopen: mlpath start --reopen {' '.join(ids)}")
        self.ids = ids


class DatabaseFailed(MlpathError):
    """A database operation failed for a reason other than its path (locked too long, disk full)."""


class SchemaTooNew(MlpathError):
    hint = "upgrade mlpath (pip install -U mlpath) to open this database"


class ImportInvalid(MlpathError):
    hint = "check that the file is an export from `mlpath export --format json` or `--format markdown`"


class HabitInvalid(MlpathError):
    """Bad input to log, note, review or rating: hours out of range, a date in the future..."""


class UnsafePath(MlpathError):
    """A path mlpath will not read or write: a device, FIFO, directory, or the database itself."""

    hint = "give the path of a regular file"


class DatabaseDamaged(MlpathError):
    hint = "restore a copy of it (or a .bak-v* file beside it), or move it away and `mlpath import` your last backup"


# SQLite's messages (also inside SQLAlchemy's wrappers) and errno values, to what a learner can do.
_DATABASE_PROBLEMS = (
    (("disk is full", "database or disk is full"), DatabaseFailed, "the disk holding {path} is full",
     "free some space and run the command again; nothing was written"),
    (("readonly", "read-only"), DatabaseUnavailable, "cannot write {path}: it is read-only",
     "check the permissions of the file and of its directory"),
    (("database is locked", "database table is locked", "busy"), DatabaseFailed,
     "{path} stayed locked by another program for too long",
     "wait for the other mlpath command (or program using the file) to finish, then try again"),
    (("unable to open",), DatabaseUnavailable, "cannot open {path}",
     "check that its directory exists and that you may write there"),
    (("disk i/o error",), DatabaseFailed, "the disk failed while using {path}",
     "check the disk (and free space), then try again"),
    (("malformed", "not a database", "decode", "corrupt", "no such table", "no such column"),
     DatabaseDamaged, "{path} is damaged ({detail})", ""),
)
_ERRNO = {errno.ENOSPC: "disk is full", errno.EDQUOT: "disk is full", errno.EROFS: "read-only",
          errno.EACCES: "unable to open", errno.EPERM: "unable to open", errno.EIO: "disk i/o error"}


def database_problem(exc: BaseException, path: Path | str) -> MlpathError:
    """One clear error for a failure of SQLite (or the file under it) while using the database at path."""
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the sqlite3 error
    detail = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    if isinstance(orig, OSError) and orig.errno in _ERRNO:
        detail = _ERRNO[orig.errno]
    if isinstance(orig, (UnicodeError, ValueError, KeyError, TypeError)):  # a stored value that cannot be read
        return DatabaseDamaged(f"{path} holds a damaged value ({type(orig).__name__}: {detail[:80]})")
    lowered = detail.lower()
    if "disk i/o error" in lowered and _full(path):  # SQLite says I/O error when it cannot grow the -shm file
        lowered = "disk is full"
    for needles, kind, message, hint in _DATABASE_PROBLEMS:
        if any(n in lowered for n in needles):
            return kind(message.format(path=path, detail=detail[:80]), hint=hint)
    return DatabaseFailed(f"could not use {path}: {detail[:120]}")  # not about the path: no MLPATH_DB hint


def has_surrogate(text: str) -> bool:
    """Whether text holds a lone surrogate: how Python keeps bytes that are not UTF-8 (command-line
    arguments, \\udXXX escapes in JSON); not text, and SQLite refuses it."""
    return not text.isascii() and _surrogate().search(text) is not None


@functools.cache
def _surrogate() -> re.Pattern[str]:
    return re.compile("[\ud800-\udfff]")  # compiled on first use: it takes longer than most imports


def first_undecodable(argv: Sequence[str]) -> int | None:
    """The 1-based position of the first command-line argument that is not valid UTF-8, if any."""
    return next((n for n, arg in enumerate(argv, start=1) if has_surrogate(arg)), None)


class TimerProblem(MlpathError):
    """The study timer cannot do that: one is running already, none is, it was stopped elsewhere."""


class ConvertFailed(MlpathError):
    """A file `roadmap import` cannot turn into a roadmap: no links, not JSON, not a roadmap.sh roadmap."""

    hint = "give a markdown outline with links, or a roadmap.sh roadmap JSON"


class ClockWrong(MlpathError):
    """The system clock reads a time outside the years mlpath records (a dead clock battery, a typo)."""

    hint = "set the computer's clock right, then run the command again"


class InputInvalid(MlpathError):
    """A duration, day, fraction or goal typed in a form mlpath does not read."""


def _full(path: Path | str) -> bool:
    """Whether the file system holding path has (almost) no space left."""
    import os

    try:
        fs = os.statvfs(Path(path).parent)
    except OSError:
        return False
    return fs.f_bavail * fs.f_frsize < 64 * 1024


class UnknownRoadmap(MlpathError):
    """A roadmap name (--in, MLPATH_ROADMAP_NAME, `roadmap use/remove`) the database does not track."""

    hint = "run `mlpath roadmap list` to see the names"
