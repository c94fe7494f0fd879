"""The Typer app: parse arguments, call the core, hand results to render, set the exit code.

Rendering, storage and the ORM are imported inside the commands that need them, so that
`mlpath --version` and shell completion start as fast as Typer itself.

No `from __future__ import annotations` here, unlike the other modules: Typer would then have
to evaluate every annotation string at start-up, which measurably slows `mlpath --help`.
"""


import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer.core import TyperGroup

from mlpath import __version__, paths
from mlpath.errors import MlpathError, UsageProblem
from mlpath.vocab import Kind, Status

if TYPE_CHECKING:  # imported lazily at run time
    from mlpath.store import Store


class _Group(TyperGroup):
    """Errors as one line on stderr: MlpathError exits 1, a command-line mistake exits 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except MlpathError as exc:
            from mlpath import render

            render.error(exc)
            raise typer.Exit(1) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Typer draws usage errors as a multi-line box; run non-standalone to print one line.
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        try:
            code = super().main(*args, **{**kwargs, "standalone_mode": False})
        except ClickException as exc:
            if isinstance(exc, NoArgsIsHelpError):  # the help has been shown: nothing went wrong
                sys.exit(0)
            from mlpath import render

            context = getattr(exc, "ctx", None)
            render.usage_error(exc.format_message(), context.command_path if context else "mlpath")
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.stderr.write("Aborted.\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_Group,
    name="mlpath",
    help="mlpath: a study tracker for learning machine learning, one resource at a time.\n\n"
    "Run it alone for a dashboard; `mlpath next` says what to study next.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Session:
    """What the global options chose; opens the database on first use."""

    def __init__(self, roadmap: Path | None) -> None:
        self.roadmap = roadmap
        self._store: Store | None = None  # not evaluated at run time

    def store(self, sync: bool = True) -> "Store":
        if self._store is None:
            from mlpath import render, roadmap
            from mlpath.store import Store

            db = paths.db_path()
            source = roadmap.read_source(self.roadmap)
            self._store, info = Store.open(db, source, roadmap.parse, sync=sync)
            render.opened(str(db), info)
        return self._store


def _session(ctx: typer.Context) -> _Session:
    return ctx.obj  # set by the callback, inherited by every subcommand's context


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlpath {__version__}")
        raise typer.Exit()


def _complete_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Resource ids for shell completion, read straight from the database (never seeding it)."""
    try:
        from mlpath.store import completion_candidates

        first = {"done": ("todo", "doing"), "start": ("todo",), "skip": ("todo", "doing"), "log": ("todo", "doing"),
                 "review": ("done",)}.get(ctx.info_name or "", ())
        return completion_candidates(paths.db_path(), incomplete, first)
    except Exception:  # completion must never print a traceback into the shell
        return []


JsonFlag = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout and nothing else, e.g. `mlpath list --json`.")]
Ids = Annotated[
    list[str],
    typer.Argument(help="Resource ids, unique id prefixes or numbers, e.g. mml-book 1.2.",
                   autocompletion=_complete_ids,
                   show_default=False, metavar="ID..."),
]
OneId = Annotated[
    str,
    typer.Argument(help="A resource id, unique id prefix or number, e.g. mml-book, mml or 1.1.",
                   autocompletion=_complete_ids,
                   show_default=False, metavar="ID"),
]
Note = Annotated[str | None, typer.Option("--note", help='A note kept with this change, e.g. --note "chapters 1-3 only".')]


@app.callback()
def main_callback(
    ctx: typer.Context,
    roadmap: Annotated[
        Path | None,
        typer.Option(
            "--roadmap",
            help="Track your own roadmap file (same schema as data/roadmap.yaml) instead of the bundled one; "
            "MLPATH_ROADMAP does the same. Example: mlpath --roadmap my-roadmap.yaml next",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", help="Print mlpath's version and exit, e.g. mlpath --version.", callback=_version,
                           is_eager=True)
    ] = False,
) -> None:
    """Show the dashboard: overall progress, a bar per stage and what to study next.

    Example: mlpath"""
    ctx.obj = _Session(paths.roadmap_override(str(roadmap) if roadmap else None))
    if ctx.invoked_subcommand is None:
        from mlpath import clock, render, report

        view = report.overview(ctx.obj.store(), clock.today(), clock.zone())
        top = view.recommend(n=1)
        render.dashboard(view, top[0] if top else None)


@app.command("path")
def path_command() -> None:
    """Print the database file in use (set MLPATH_DB to move it).

    Example: mlpath path"""
    typer.echo(str(paths.db_path()))


@app.command("stages")
def stages_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the stages with done/total, percent, a progress bar, hours left and an estimated finish date.

    Example: mlpath stages"""
    from mlpath import clock, render, report

    view = report.overview(_session(ctx).store(), clock.today(), clock.zone())
    if as_json:
        from mlpath import export

        render.json_out([export.stage_record(p, eta, view.pace.hours_per_week)
                         for p, eta in zip(view.progress, view.etas)])
    else:
        render.stages(view)


@app.command("list")
def list_command(
    ctx: typer.Context,
    stage: Annotated[
        str | None, typer.Argument(help="A stage number or id, e.g. 2 or intro-ml; all stages when left out.",
                                   show_default=False, metavar="STAGE")
    ] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Only this status, e.g. --status doing.",
                                                  show_default=False)] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only this kind, e.g. --kind book.",
                                              show_default=False)] = None,
    core: Annotated[bool, typer.Option("--core", help="Only the core path, leaving out optional extras, e.g. mlpath list 2 --core.")] = False,
    search: Annotated[str | None, typer.Option("--search", help='Only resources whose id, title, authors or note '
                                               'contain this text, e.g. --search "transformer".',
                                               show_default=False)] = None,
    as_json: JsonFlag = False,
) -> None:
    """List resources with their id, number, kind, hours and status.

    Example: mlpath list 2 --core"""
    from mlpath import export, progress, render

    store = _session(ctx).store()
    items = store.items()
    if stage is not None:
        chosen = progress.resolve_stage(stage, store.stages())
        items = [i for i in items if i.stage_id == chosen.id]
    if status is not None:
        items = [i for i in items if i.status is status]
    if kind is not None:
        items = [i for i in items if i.kind == kind.value]
    if core:
        items = [i for i in items if i.core]
    if search:
        items = progress.search(items, search)
    if as_json:
        render.json_out([export.item_record(i) for i in items])
    else:
        render.items(items)


@app.command("show")
def show_command(ctx: typer.Context, resource: OneId, as_json: JsonFlag = False) -> None:
    """Show everything about one resource: details, notes, time spent and dated history.

    Example: mlpath show mml-book"""
    from mlpath import export, progress, render

    store = _session(ctx).store()
    item = progress.resolve(resource, store.items(include_retired=True))
    history, notes = store.history(item.id), store.notes(item.id)
    if as_json:
        render.json_out(export.show_record(item, history, notes))
    else:
        titles = {s.id: s.title for s in store.stages(include_retired=True)}
        render.show(item, titles.get(item.stage_id, item.stage_id), history, notes)


@app.command("next")
def next_command(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("-n", "--count", min=1, help="How many suggestions, e.g. -n 5.")] = 1,
    stage: Annotated[str | None, typer.Option("--stage", help="Only suggest from this stage (number or id), "
                                              "e.g. --stage 4.", show_default=False)] = None,
    as_json: JsonFlag = False,
) -> None:
    """Say what to study next, and why.

    Example: mlpath next -n 3"""
    from mlpath import clock, progress, render, report

    view = report.overview(_session(ctx).store(), clock.today(), clock.zone())
    stage_id = progress.resolve_stage(stage, view.stages).id if stage is not None else None
    recs = view.recommend(n=count, stage_id=stage_id)
    if as_json:
        from mlpath import export

        render.json_out([export.item_record(r.item) | {"reason": r.reason} for r in recs])
    else:
        empty = "Everything on the roadmap is done or skipped. Well done!"
        if stage_id is not None:
            empty = f"Nothing left to study in stage {stage}: it is done or skipped. Try `mlpath next`."
        render.recommendations(recs, empty, view.reviews_due)


def _mark(ctx: typer.Context, queries: list[str], status: Status, note: str | None = None,
          rating: int | None = None) -> None:
    from mlpath import clock, progress, render

    _check_text(note, "--note")
    store = _session(ctx).store()
    items = progress.resolve_all(queries, store.items())  # all ids first: nothing changes on a typo
    render.changes(store.record(items, status, clock.stamp(clock.now()), note, rating))


def _check_text(value: str | None, what: str) -> None:
    if value is not None and not value.strip():
        raise UsageProblem(f"{what} is empty", hint='give it some text, e.g. --note "skimmed chapter 2"')


@app.command("start")
def start_command(ctx: typer.Context, ids: Ids) -> None:
    """Mark resources as in progress.

    Example: mlpath start mml-book"""
    _mark(ctx, ids, Status.doing)


@app.command("done")
def done_command(
    ctx: typer.Context,
    ids: Ids,
    note: Note = None,
    rating: Annotated[int | None, typer.Option("--rating", min=1, max=5, show_default=False,
                                               help="How good the resource was, 1 (poor) to 5 (excellent), "
                                               "e.g. --rating 4.")] = None,
) -> None:
    """Mark resources as done.

    Example: mlpath done mml-book 1.2 --note "skipped the exercises" --rating 4"""
    _mark(ctx, ids, Status.done, note, rating)


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
    note: Note = None,
    day: Annotated[str | None, typer.Option("--date", help="The day you studied, YYYY-MM-DD (default: today), "
                                            "e.g. --date 2026-11-20.", show_default=False)] = None,
) -> None:
    """Record study time on a resource (starting it if it was todo).

    Example: mlpath log mml-book 1.5"""
    from mlpath import clock, habits, progress, render

    _check_text(note, "--note")
    store = _session(ctx).store()
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

    _check_text(text, "the note")
    store = _session(ctx).store()
    item = progress.resolve(resource, store.items(include_retired=True))
    note = habits.Note(item.id, clock.stamp(clock.now()), text.strip())
    store.add_note(note)
    render.noted(item, note)


@app.command("history")
def history_command(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, max=3660, help="How many days back, e.g. --days 90.")] = 28,
) -> None:
    """Show dated activity (newest first), a calendar of study days, streaks and hours per week.

    Example: mlpath history --days 56"""
    from mlpath import clock, render, report

    tz = clock.zone()
    render.history(report.history(_session(ctx).store(), days, clock.today(tz), tz))


@app.command("review")
def review_command(
    ctx: typer.Context,
    resource: Annotated[str | None, typer.Argument(help="The resource you reviewed (with --rating), e.g. mml-book; "
                                                   "leave out to list what is due.", autocompletion=_complete_ids,
                                                   show_default=False)] = None,
    rating: Annotated[int | None, typer.Option("--rating", min=1, max=4, show_default=False,
                                               help="How well you remembered it: 1 forgot, 2 hard, 3 good, 4 easy, "
                                               "e.g. --rating 3.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List finished resources due for review today, or record a review.

    Example: mlpath review mml-book --rating 3"""
    from mlpath import clock, habits, progress, render, report

    tz = clock.zone()
    today = clock.today(tz)
    store = _session(ctx).store()
    if resource is None:
        if rating is not None:
            raise UsageProblem("--rating needs the resource you reviewed", hint="e.g. mlpath review mml-book --rating 3")
        due = report.due_reviews(store, today, tz)
        if as_json:
            render.json_out([{"id": i.id, "title": i.title, "due": when.isoformat()} for i, when in due])
        else:
            render.reviews_due(due)
        return
    if rating is None:
        raise UsageProblem("say how well you remembered it with --rating 1-4",
                           hint=f"1 forgot, 2 hard, 3 good, 4 easy; e.g. mlpath review {resource} --rating 3")
    item = progress.resolve(resource, store.items())
    review = habits.review(item, store.latest_reviews().get(item.id), rating, today, clock.stamp(clock.now()))
    store.add_review(review)
    if as_json:
        render.json_out({"id": item.id, "title": item.title, "due": review.due})
    else:
        render.reviewed(item, review)


def _launch(url: str) -> bool:
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
    from mlpath import progress

    item = progress.resolve(resource, _session(ctx).store().items(include_retired=True))
    if not item.url:
        raise UsageProblem(f"{item.id} has no link in the roadmap", hint=f"search for its title: {item.title}")
    if _launch(item.url):
        typer.echo(f"Opened {item.url}")
    else:
        typer.echo(f"No browser here; open this link yourself: {item.url}")


class ExportFormat(str, Enum):
    markdown = "markdown"
    json = "json"
    svg = "svg"


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="markdown (a checklist), json (a complete backup) "
                                              "or svg (a progress card), e.g. --format json.")] =
    ExportFormat.markdown,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file (atomically) instead "
                                                "of stdout, e.g. -o progress.md.", show_default=False)] = None,
) -> None:
    """Export progress: a markdown checklist, a JSON backup, or an SVG card.

    Example: mlpath export --format json -o backup.json"""
    from mlpath import backup, clock, export, render, report

    store = _session(ctx).store()
    if fmt is ExportFormat.json:
        text = backup.to_json(store.dump(), clock.stamp(clock.now()))
    elif fmt is ExportFormat.svg:
        tz = clock.zone()
        view = report.overview(store, clock.today(tz), tz)
        text = render.card_svg(view, report.streaks(store, view.today, tz))
    else:
        text = export.markdown(store.roadmap_title(), store.stages(), store.items(include_retired=True),
                               clock.today().isoformat(), store.notes())
    if output is None:
        typer.echo(text, nl=False)
    else:
        paths.write_atomic(output, text)
        typer.echo(f"Wrote {output}", err=True)


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A JSON backup or a markdown checklist made by `mlpath export`, "
                                         "e.g. backup.json.", show_default=False)],
) -> None:
    """Restore a JSON backup (merging, never deleting) or bring back ticks from a markdown export.

    Example: mlpath import backup.json"""
    from mlpath import backup, clock, importer, render

    text = importer.read_text(file)
    store = _session(ctx).store()
    if backup.looks_like_json(text):
        render.merged(file, store.merge(backup.parse(text, str(file))))
    else:
        render.changes(importer.apply_checklist(store, text, str(file), clock.stamp(clock.now())))


roadmap_app = typer.Typer(help="Inspect the roadmap in use.\n\nExample: mlpath roadmap diff new-roadmap.yaml",
                          no_args_is_help=True)
app.add_typer(roadmap_app, name="roadmap")


@roadmap_app.command("diff")
def roadmap_diff_command(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="A roadmap file to compare with the database (default: the "
                                                "roadmap in use), e.g. roadmap-v2.yaml.", show_default=False)] = None,
) -> None:
    """Preview what a roadmap change would add, change and retire, without writing anything.

    Example: mlpath roadmap diff my-roadmap.yaml"""
    from mlpath import render, roadmap

    session = _session(ctx)
    store = session.store(sync=False)
    render.sync_preview(store.plan_sync(roadmap.load(file or session.roadmap)))


def main() -> None:
    """Console-script entry point."""
    app()
