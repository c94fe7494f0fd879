"""The one family of errors the core raises and the CLI turns into a message and exit code 1."""

from __future__ import annotations


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

    def lines(self) -> list[str]:
        return [self.message, *(f"  {p}" for p in self.problems)]


class RoadmapNotFound(MlpathError):
    hint = "check the path given to --roadmap or MLPATH_ROADMAP"


class NotADatabase(MlpathError):
    hint = "point MLPATH_DB at another file; mlpath never overwrites a file it did not create"


class DatabaseUnavailable(MlpathError):
    hint = "set MLPATH_DB to a writable file path"


class SchemaTooNew(MlpathError):
    hint = "upgrade mlpath (pip install -U mlpath) to open this database"


class ExportFailed(MlpathError):
    hint = "choose another -o path"


class ImportInvalid(MlpathError):
    hint = "check that the file is an export from `mlpath export --format json` or `--format markdown`"


class HabitInvalid(MlpathError):
    """Bad input to log, note, review or rating: hours out of range, a date in the future..."""
