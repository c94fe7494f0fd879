"""Commands that record progress: start, done, skip, reset, log, note, open."""


from typing import Annotated

import typer

from mlpath.commands.common import Ids, NoteOption, OneId, check_text, state
from mlpath.errors import UsageProblem
from mlpath.vocab import Status

app = typer.Typer()


def _mark(ctx: typer.Context, queries: list[str], status: Status, note: str | None = None,
          rating: int | None = None) -> None:
    from mlpath import clock, progress, render

    check_text(note, "--note")
    store = state(ctx).store()
    items = progress.resolve_all(queries, store.items())  # all ids first: nothing changes on a typo
    render.changes(store.record(items, status, clock.stamp(clock.now()), note, rating))


@app.command("start")
def start_command(ctx: typer.Context, ids: Ids) -> None:
    """Mark resources as in progress.

    Example: mlpath start mml-book"""
    _mark(ctx, ids, Status.doing)


@app.command("done")
def done_command(
    ctx: typer.Context,
    ids: Ids,
    note: NoteOption = None,
    stars: Annotated[int | None, typer.Option("--stars", min=1, max=5, show_default=False,
                                              help="How good the resource was, 1 (poor) to 5 (excellent) stars, "
                                              "e.g. --stars 4.")] = None,
    rating: Annotated[int | None, typer.Option("--rating", min=1, max=5, hidden=True,
                                               help="Deprecated name of --stars, e.g. --stars 4.")] = None,
) -> None:
    """Mark resources as done.

    Example: mlpath done mml-book 1.2 --note "skipped the exercises" --stars 4"""
    if rating is not None:
        from mlpath import render

        if stars is not None and stars != rating:
            raise UsageProblem("--stars and --rating disagree", hint="give only --stars")
        render.deprecated("done --rating", "done --stars")
    _mark(ctx, ids, Status.done, note, stars if stars is not None else rating)


@app.command("skip")
def skip_command(ctx: typer.Context, ids: Ids) -> None:
    """Skip resources you will not study; they leave the totals.

    Example: mlpath skip 2.14"""
    _mark(ctx, ids, Status.skipped)


@app.command("reset")
def reset_command(ctx: typer.Context, ids: Ids) -> None:
    """Put resources back to todo (history is kept).

    Example: mlpath reset mml-book"""
    _mark(ctx, ids, Status.todo)


@app.command("log", context_settings={"ignore_unknown_options": True})  # so `log X -1` reaches our check
def log_command(
    ctx: typer.Context,
    resource: OneId,
    hours: Annotated[float, typer.Argument(help="Hours studied, more than 0; at most 24 in one day, e.g. 1.5.",
                                           show_default=False, metavar="HOURS")],
    note: NoteOption = None,
    day: Annotated[str | None, typer.Option("--date", help="The day you studied, YYYY-MM-DD (default: today), "
                                            "e.g. --date 2026-11-20.", show_default=False)] = None,
) -> None:
    """Record study time on a resource (starting it if it was todo).

    Example: mlpath log mml-book 1.5"""
    from mlpath import clock, habits, progress, render

    check_text(note, "--note")
    store = state(ctx).store()
    item = progress.resolve(resource, store.items())
    today = clock.today()
    studied = habits.parse_day(day, today) if day is not None else today
    total = habits.check_hours(hours, habits.hours_on(store.sessions(since_day=studied.isoformat()),
                                                      studied.isoformat()), studied)
    session = habits.Session(item.id, studied.isoformat(), hours, clock.stamp(clock.now()), note)
    start = item.status is Status.todo
    store.log_time(item, session, start)
    render.logged(item, session, total, start)


@app.command("note")
def note_command(
    ctx: typer.Context,
    resource: OneId,
    text: Annotated[str, typer.Argument(help='The note, quoted, e.g. "chapter 3 explains SVD best".',
                                        show_default=False, metavar="TEXT")],
) -> None:
    """Add a dated note to a resource; `show` lists them.

    Example: mlpath note mml-book "ch. 3 is key\""""
    from mlpath import clock, habits, progress, render

    check_text(text, "the note")
    store = state(ctx).store()
    item = progress.resolve(resource, store.items(include_retired=True))
    note = habits.Note(item.id, clock.stamp(clock.now()), text.strip())
    store.add_note(note)
    render.noted(item, note)


def launch(url: str) -> bool:
    """Open url in the browser; False when this machine has none (e.g. over SSH)."""
    import shutil
    import webbrowser

    if not shutil.which("xdg-open") and not shutil.which("open"):
        try:
            webbrowser.get()
        except webbrowser.Error:
            return False
    return typer.launch(url) == 0


@app.command("open")
def open_command(ctx: typer.Context, resource: OneId) -> None:
    """Open a resource's link in your browser (or print it when there is none).

    Example: mlpath open 1.1"""
    from mlpath import progress, render

    item = progress.resolve(resource, state(ctx).store().items(include_retired=True))
    if not item.url:
        raise UsageProblem(f"{item.id} has no link in the roadmap", hint=f"search for its title: {item.title}")
    render.link(item.url, launch(item.url))
