"""Read-only views: path, stages, list, show, next, history."""


from typing import Annotated

import typer

from mlpath import paths, session
from mlpath.commands.common import JsonFlag, NoPager, OneId, state
from mlpath.vocab import Kind, Status, words

app = typer.Typer()


@app.command("path")
def path_command() -> None:
    """Print the database file in use (set MLPATH_DB to move it).

    Example: mlpath path"""
    from mlpath import render

    render.database_path(paths.db_path())


@app.command("stages")
def stages_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the stages with done/total, percent, a progress bar, hours left and an estimated finish date.

    Example: mlpath stages"""
    from mlpath import clock, render, report

    view = report.overview(state(ctx).store(), clock.today(), clock.zone(), every_item=False)
    if as_json:
        from mlpath import export

        render.json_out(export.stage_records(view))
    else:
        render.stages(view)


@app.command("list")
def list_command(
    ctx: typer.Context,
    stage: Annotated[
        str | None, typer.Argument(help="A stage number or id, e.g. 2 or intro-ml; all stages when left out.",
                                   show_default=False, metavar="STAGE")
    ] = None,
    status: Annotated[Status | None, typer.Option("--status", metavar="STATUS",
                                                  help=f"Only this status ({words(Status)}), e.g. --status doing.",
                                                  show_default=False)] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", metavar="KIND",
                                              help=f"Only this kind ({words(Kind)}), e.g. --kind book.",
                                              show_default=False)] = None,
    core: Annotated[bool, typer.Option("--core", help="Only the core path, leaving out optional extras, "
                                       "e.g. mlpath list 2 --core.")] = False,
    search: Annotated[str | None, typer.Option("--search", metavar="TEXT",
                                               help='Only resources whose id, title, authors or note '
                                               'contain this text, e.g. --search "transformer".',
                                               show_default=False)] = None,
    as_json: JsonFlag = False,
    no_pager: NoPager = False,
) -> None:
    """List resources with their id, number, kind, hours and status.

    Example: mlpath list 2 --core"""
    from mlpath import export, listing, render

    filters = (stage, status, kind.value if kind else None, core, search)
    if as_json:
        render.json_out(export.item_records(listing.entries(state(ctx).store(), *filters)))
    else:
        render.items(listing.listing(state(ctx).store(), *filters), page=not no_pager)


@app.command("show")
def show_command(ctx: typer.Context, resource: OneId, as_json: JsonFlag = False) -> None:
    """Show everything about one resource: details, notes, time spent and dated history.

    Example: mlpath show mml-book"""
    from mlpath import clock, export, render, report

    d = report.resource_detail(state(ctx).store(), resource, clock.zone())
    if as_json:
        render.json_out(export.show_record(d.item, d.events, d.notes, d.reviews))
    else:
        render.show(d.item, d.stage_title, d.events, d.notes, d.reviews, d.marks)


@app.command("next")
def next_command(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("-n", "--count", min=1, metavar="N",
                                       help="How many suggestions, e.g. -n 5.")] = 1,
    stage: Annotated[str | None, typer.Option("--stage", metavar="STAGE",
                                              help="Only suggest from this stage (number or id), "
                                              "e.g. --stage 4.", show_default=False)] = None,
    as_json: JsonFlag = False,
) -> None:
    """Say what to study next, and why.

    Example: mlpath next -n 3"""
    session.next_screen(state(ctx), count, stage, as_json)


@app.command("week")
def week_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """This week: hours against your goal, streak, reviews due, what is under way and a plan for the rest of it.

    Example: mlpath week"""
    from mlpath import clock, render, report

    tz = clock.zone()
    w = report.week(state(ctx).store(), clock.today(tz), tz)
    if as_json:
        from mlpath import export

        render.json_out(export.week_record(w))
    else:
        render.week(w)


@app.command("history")
def history_command(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, max=3660, metavar="DAYS",
                                      help="How many days back, e.g. --days 90.")] = 28,
    no_pager: NoPager = False,
) -> None:
    """Show dated activity (newest first), a calendar of study days, streaks and hours per week.

    Example: mlpath history --days 56"""
    from mlpath import clock, render, report

    tz = clock.zone()
    render.history(report.history(state(ctx).store(), days, clock.today(tz), tz), page=not no_pager)
