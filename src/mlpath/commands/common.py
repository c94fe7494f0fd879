"""What every command group shares: the per-process state, the repeated options and arguments.

No `from __future__ import annotations` in the command modules: Typer would then evaluate every
annotation string at start-up, which measurably slows `mlpath --help`.
"""


from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlpath import paths
from mlpath.errors import UsageProblem

if TYPE_CHECKING:  # imported lazily at run time
    from mlpath.store import Store


class AppState:
    """What the global options chose; opens the database on first use."""

    def __init__(self, roadmap: Path | None) -> None:
        self.roadmap = roadmap
        self._store: Store | None = None  # not evaluated at run time

    def store(self, sync: bool = True, report_timer: bool = True) -> "Store":
        """The open database; the first call reports on stderr what opening it did, and a study
        timer left running by a closed terminal (except to `study`, which says so itself)."""
        if self._store is None:
            from mlpath import render, roadmap
            from mlpath.store import Store

            db = paths.db_path()
            source = roadmap.read_source(self.roadmap)
            self._store, info = Store.open(db, source, roadmap.parse, sync=sync)
            render.opened(str(db), info)
            if report_timer and self._store.running_timer() is not None:  # rare: live only then
                from mlpath import live

                live.left_running(self._store)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def state(ctx: typer.Context) -> AppState:
    """The AppState set by the root callback, inherited by every subcommand's context."""
    found = ctx.find_object(AppState)
    assert found is not None, "the root callback sets the AppState"
    return found


def complete_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Resource ids for shell completion, read straight from the database (never seeding it)."""
    try:
        from mlpath.store import completion_candidates
        from mlpath.vocab import ACTS_ON

        return completion_candidates(paths.db_path(), incomplete, ACTS_ON.get(ctx.info_name or "", ()))
    except Exception:  # completion must never print a traceback into the shell
        return []


def check_text(value: str | None, what: str) -> None:
    if value is not None and not value.strip():
        raise UsageProblem(f"{what} is empty", hint='give it some text, e.g. --note "skimmed chapter 2"')


JsonFlag = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout and nothing else, "
                                        "e.g. `mlpath list --json`.")]
Ids = Annotated[
    list[str],
    typer.Argument(help="Resource ids, unique id prefixes or numbers, e.g. mml-book 1.2.",
                   autocompletion=complete_ids,
                   show_default=False, metavar="ID..."),
]
OneId = Annotated[
    str,
    typer.Argument(help="A resource id, unique id prefix or number, e.g. mml-book, mml or 1.1.",
                   autocompletion=complete_ids,
                   show_default=False, metavar="ID"),
]
NoPager = Annotated[bool, typer.Option("--no-pager", help="Print everything at once, without a pager, even when it "
                                      "is longer than the screen, e.g. mlpath list --no-pager.")]
NoteOption = Annotated[str | None, typer.Option("--note", help='A note kept with this change, '
                                                'e.g. --note "chapters 1-3 only".')]
