"""One command's session, without Typer: the state the global options chose, and the bodies of the
daily commands that both entry paths run (the Typer commands in mlpath.commands and the light
path in light.py), so that a screen is produced by one piece of code whichever path parsed it.
"""

from __future__ import annotations

from mlpath import paths

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs more than this module
if TYPE_CHECKING:  # imported lazily at run time
    from collections.abc import Sequence
    from pathlib import Path

    from mlpath.store import Store
    from mlpath.vocab import Status


class AppState:
    """What the global options chose; opens the database on first use."""

    def __init__(self, roadmap: Path | None, scope: str | None = None) -> None:
        self.roadmap = roadmap
        self.scope = scope  # --in NAME: the one roadmap every command sees (else Store.scope decides)
        self._store: Store | None = None

    def store(self, sync: bool = True, report_timer: bool = True) -> Store:
        """The open database; the first call reports on stderr what opening it did, and a study
        timer left running by a closed terminal (except to `study`, which says so itself)."""
        if self._store is None:
            from mlpath import render, roadmap
            from mlpath.store import Store

            db = paths.db_path()
            source = roadmap.read_source(self.roadmap)
            self._store, info = Store.open(db, source, roadmap.parse, sync=sync)
            self._store.wanted = self.scope
            render.opened(str(db), info)
            if report_timer and self._store.running_timer() is not None:  # rare: live only then
                from mlpath import live

                live.left_running(self._store)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def state(roadmap_option: str | None = None, scope: str | None = None) -> AppState:
    """The session for the global options given (none on the light path); the environment
    variables they stand for are read here, in paths.py, for both entry paths (MLPATH_ROADMAP_NAME
    and the default `roadmap use` stored, by Store.scope, which every read goes through)."""
    return AppState(paths.roadmap_override(roadmap_option), scope)


def dashboard(app: AppState) -> None:
    """`mlpath` alone: overall progress, a bar per stage and what to study next."""
    from mlpath import clock, render, report

    store, today, tz = app.store(), clock.today(), clock.zone()
    view = report.overview(store, today, tz, every_item=False)
    # what `next` reads, not recommend over every item: the same suggestion (report.recommendations),
    # at a fraction of the cost once several roadmaps hold thousands of resources
    top, _ = report.recommendations(store, today, 1)
    render.dashboard(view, top[0] if top else None)


def next_screen(app: AppState, count: int = 1, stage: str | None = None, as_json: bool = False) -> None:
    """`mlpath next`: what to study next, and why."""
    from mlpath import clock, render, report

    tz = clock.zone()
    found = report.suggestions(app.store(), clock.today(tz), tz, count, stage)
    if as_json:
        from mlpath import export

        render.json_out(export.recommendation_records(found.recommendations))
    else:
        render.recommendations(found)


def mark(app: AppState, queries: Sequence[str], status: Status, note: str | None = None,
         rating: int | None = None, reopen: bool = False) -> None:
    """`mlpath done/start/skip/reset ID...`: record the new status and say what changed."""
    from mlpath import actions, clock, render

    check_text(note, "--note")
    render.changes(actions.mark(app.store(), list(queries), status, clock.stamp(clock.now()), note, rating, reopen))


def check_text(value: str | None, what: str) -> None:
    """Refuse blank text; the hint names the option only when the text came from one (`--note`)."""
    if value is not None and not value.strip():
        from mlpath.errors import UsageProblem

        example = f'{what} "skimmed chapter 2"' if what.startswith("-") else '"skimmed chapter 2"'
        raise UsageProblem(f"{what} is empty", hint=f"give it some text, e.g. {example}")


def id_candidates(command: str, incomplete: str) -> list[tuple[str, str]]:
    """Resource ids (with titles) for shell completion of `mlpath COMMAND incomplete<Tab>`, read
    straight from the database (never seeding it); nothing, never a traceback, when that fails."""
    try:
        from mlpath import completion
        from mlpath.vocab import ACTS_ON

        return completion.candidates(paths.db_path(), incomplete, ACTS_ON.get(command, ()))
    except Exception:  # completion must never print a traceback into the shell
        return []
