"""Commands that record progress: start, done, skip, reset, log, note, open."""


from typing import Annotated

import typer

from mlpath import session
from mlpath.commands.common import Ids, NoteOption, OneId, check_text, state
from mlpath.errors import UsageProblem
from mlpath.vocab import Status

app = typer.Typer()


def _mark(ctx: typer.Context, queries: list[str], status: Status, note: str | None = None,
          rating: int | None = None, reopen: bool = False) -> None:
    session.mark(state(ctx), queries, status, note, rating, reopen)


@app.command("start")
def start_command(
    ctx: typer.Context,
    ids: Ids,
    reopen: Annotated[bool, typer.Option("--reopen", help="Start resources that are done again, without asking, "
                                         "e.g. mlpath start --reopen mml-book.")] = False,
) -> None:
    """Mark resources as in progress (a finished one only after a yes, or with --reopen).

    Example: mlpath start mml-book"""
    from mlpath.errors import ReopenNeeded

    try:
        _mark(ctx, ids, Status.doing, reopen=reopen)
    except ReopenNeeded as exc:
        from mlpath import live

        if not live.on_terminal() or not typer.confirm(f"{exc.message}. Reopen?", default=False):
            raise
        _mark(ctx, ids, Status.doing, reopen=True)


@app.command("done")
def done_command(
    ctx: typer.Context,
    ids: Ids,
    note: NoteOption = None,
    stars: Annotated[int | None, typer.Option("--stars", min=1, max=5, show_default=False, metavar="1-5",
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


DateOption = Annotated[str | None, typer.Option("--date", metavar="DAY",
                                                help="The day you studied: today, yesterday, -3d, a "
                                                "weekday (the most recent one) or YYYY-MM-DD, e.g. --date yesterday.",
                                                show_default=False)]


@app.command("undo")
def undo_command(ctx: typer.Context) -> None:
    """Undo the last command that changed progress (done, start, log, note, review, import...); run it
    again to undo the one before. Nothing is deleted: the undo is recorded, and backups carry it.

    Example: mlpath undo"""
    from mlpath import actions, clock, render

    render.undone(actions.undo(state(ctx).store(), clock.stamp(clock.now())), clock.zone())


@app.command("log", context_settings={"ignore_unknown_options": True})  # so `log X -1` reaches our check
def log_command(
    ctx: typer.Context,
    resource: OneId,
    hours: Annotated[str, typer.Argument(help="Time studied: 1.5, 1.5h, 90m, 1h30m, 1h30 or 1:30; at most 24 h "
                                         "in one day, e.g. 1h30m.", show_default=False, metavar="DURATION")],
    note: NoteOption = None,
    day: DateOption = None,
) -> None:
    """Record study time on a resource (starting it if it was todo); it never marks it done.

    Example: mlpath log mml-book 1h30m --date yesterday"""
    from mlpath import actions, clock, entry, render

    check_text(note, "--note")
    duration = entry.duration(hours)
    today = clock.today()
    studied = entry.day(day, today) if day is not None else today
    done = actions.log(state(ctx).store(), resource, duration, studied, note, clock.stamp(clock.now()))
    render.logged(done.item, done.session, done.day_total, done.started)


@app.command("progress")
def progress_command(
    ctx: typer.Context,
    resource: OneId,
    share: Annotated[str, typer.Argument(help="How much of it you have done: parts done of all (chapters, "
                                         "lectures) or a percentage, e.g. 5/12 or 40%.", show_default=False,
                                         metavar="DONE")],
) -> None:
    """Say how far through a resource you are; its bar and hours left follow (history is kept).

    Example: mlpath progress mml-book 5/12"""
    from mlpath import actions, clock, entry, render

    done = actions.set_progress(state(ctx).store(), resource, entry.fraction(share), " ".join(share.split()),
                                clock.stamp(clock.now()))
    render.progressed(done.item, done.mark, done.started)


@app.command("goal", context_settings={"ignore_unknown_options": True})  # so `goal -1` reaches our check
def goal_command(
    ctx: typer.Context,
    hours: Annotated[str | None, typer.Argument(help="Hours a week you mean to study (any duration form), or off "
                                                "to clear the goal; leave out to see it, e.g. 8 or off.",
                                                show_default=False, metavar="HOURS|off")] = None,
) -> None:
    """Show or set your weekly study goal; it gives finish dates and a plan for the week.

    Example: mlpath goal 8"""
    from mlpath import actions, clock, entry, render

    if hours is None:
        render.goal(state(ctx).store().goal(), set_now=False)
        return
    weekly = None if hours.strip().lower() in ("off", "none") else entry.weekly_hours(hours)
    render.goal(actions.set_goal(state(ctx).store(), weekly, clock.stamp(clock.now())), set_now=True)


@app.command("note")
def note_command(
    ctx: typer.Context,
    resource: OneId,
    text: Annotated[str, typer.Argument(help='The note, quoted, e.g. "chapter 3 explains SVD best".',
                                        show_default=False, metavar="TEXT")],
) -> None:
    """Add a dated note to a resource; `show` lists them.

    Example: mlpath note mml-book "ch. 3 is key\""""
    from mlpath import actions, clock, render

    check_text(text, "the note")
    done = actions.add_note(state(ctx).store(), resource, text, clock.stamp(clock.now()))
    render.noted(done.item, done.note)


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
    from mlpath import actions, render

    url = actions.link(state(ctx).store(), resource)
    render.link(url, launch(url))
