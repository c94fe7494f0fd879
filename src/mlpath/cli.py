"""The Typer app: parse arguments, call the core, hand results to render, set the exit code.

Rendering, storage and the ORM are imported inside the commands that need them, so that
`mlpath --version` and shell completion start as fast as Typer itself.

No `from __future__ import annotations` here, unlike the other modules: Typer would then have
to evaluate every annotation string at start-up, which measurably slows `mlpath --help`.
"""


from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from mlpath import __version__, paths
from mlpath.errors import MlpathError, UsageProblem
from mlpath.vocab import Kind, Status

if TYPE_CHECKING:  # imported lazily at run time
    from mlpath.store import Store


class _Group(TyperGroup):
    """Turns every MlpathError raised by a command into one message on stderr and exit 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except MlpathError as exc:
            from mlpath import render

            render.error(exc)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="mlpath",
    help="mlpath: a study tracker for learning machine learning, one resource at a time. "
    "Run it alone for a dashboard; `mlpath next` says what to study next.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Session:
    """What the global options chose; opens the database on first use."""

    def __init__(self, roadmap: Path | None) -> None:
        self.roadmap = roadmap
        self._store: "Store | None" = None

    def store(self) -> "Store":
        if self._store is None:
            from mlpath import render, roadmap
            from mlpath.store import Store

            db = paths.db_path()
            source = roadmap.read_source(self.roadmap)
            self._store, info = Store.open(db, source, roadmap.parse)
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

        first = ("todo", "doing") if ctx.info_name in ("done", "start", "skip") else ()
        return completion_candidates(paths.db_path(), incomplete, first)
    except Exception:  # completion must never print a traceback into the shell
        return []


JsonFlag = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout and nothing else, e.g. `mlpath list --json`.")]
Ids = Annotated[
    list[str],
    typer.Argument(help="Resource ids, unique id prefixes or numbers such as 2.5.", autocompletion=_complete_ids,
                   show_default=False),
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
        bool, typer.Option("--version", help="Print mlpath's version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """Show the dashboard: overall progress, a bar per stage and what to study next. Example: mlpath"""
    ctx.obj = _Session(paths.roadmap_override(str(roadmap) if roadmap else None))
    if ctx.invoked_subcommand is None:
        from mlpath import progress, render

        store = ctx.obj.store()
        stages, items = store.stages(), store.items()
        per_stage = progress.stage_progress(stages, items)
        top = progress.recommend(stages, items, n=1)
        render.dashboard(store.roadmap_title(), per_stage, progress.overall(per_stage), top[0] if top else None)


@app.command("path")
def path_command() -> None:
    """Print the database file in use (set MLPATH_DB to move it). Example: mlpath path"""
    typer.echo(str(paths.db_path()))


@app.command("stages")
def stages_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the stages with done/total, percent, a progress bar and hours left. Example: mlpath stages"""
    from mlpath import export, progress, render

    store = _session(ctx).store()
    per_stage = progress.stage_progress(store.stages(), store.items())
    if as_json:
        render.json_out([export.stage_record(p) for p in per_stage])
    else:
        render.stages(per_stage, progress.overall(per_stage))


@app.command("list")
def list_command(
    ctx: typer.Context,
    stage: Annotated[
        str | None, typer.Argument(help="A stage number or id, e.g. 2 or intro-ml; all stages when left out.",
                                   show_default=False)
    ] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Only this status, e.g. --status doing.",
                                                  show_default=False)] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only this kind, e.g. --kind book.",
                                              show_default=False)] = None,
    core: Annotated[bool, typer.Option("--core", help="Only the core path (leave out optional extras).")] = False,
    search: Annotated[str | None, typer.Option("--search", help='Only resources whose id, title, authors or note '
                                               'contain this text, e.g. --search "transformer".',
                                               show_default=False)] = None,
    as_json: JsonFlag = False,
) -> None:
    """List resources with their id, number, kind, hours and status. Example: mlpath list 2 --core"""
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
def show_command(
    ctx: typer.Context,
    resource: Annotated[str, typer.Argument(help="A resource id, unique id prefix or number such as 2.5.",
                                            autocompletion=_complete_ids, show_default=False)],
    as_json: JsonFlag = False,
) -> None:
    """Show everything about one resource, with its dated history. Example: mlpath show mml-book"""
    from mlpath import export, progress, render

    store = _session(ctx).store()
    item = progress.resolve(resource, store.items(include_retired=True))
    history = store.history(item.id)
    if as_json:
        render.json_out(export.show_record(item, history))
    else:
        titles = {s.id: s.title for s in store.stages()}
        render.show(item, titles.get(item.stage_id, item.stage_id), history)


@app.command("next")
def next_command(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("-n", "--count", min=1, help="How many suggestions, e.g. -n 5.")] = 1,
    stage: Annotated[str | None, typer.Option("--stage", help="Only suggest from this stage (number or id), "
                                              "e.g. --stage 4.", show_default=False)] = None,
    as_json: JsonFlag = False,
) -> None:
    """Say what to study next, and why. Example: mlpath next -n 3"""
    from mlpath import export, progress, render

    store = _session(ctx).store()
    stages, items = store.stages(), store.items()
    stage_id = progress.resolve_stage(stage, stages).id if stage is not None else None
    recs = progress.recommend(stages, items, n=count, stage_id=stage_id)
    if as_json:
        render.json_out([export.item_record(r.item) | {"reason": r.reason} for r in recs])
    else:
        empty = "Everything on the roadmap is done or skipped. Well done!"
        if stage_id is not None:
            empty = f"Nothing left to study in stage {stage}: it is done or skipped. Try `mlpath next`."
        render.recommendations(recs, empty)


def _mark(ctx: typer.Context, queries: list[str], status: Status, note: str | None = None) -> None:
    from mlpath import clock, progress, render

    if note is not None and not note.strip():
        raise UsageProblem("--note is empty", hint='give it some text, e.g. --note "skimmed chapter 2"')
    store = _session(ctx).store()
    items = progress.resolve_all(queries, store.items())  # all ids first: nothing changes on a typo
    render.changes(store.record(items, status, clock.stamp(clock.now()), note))


@app.command("start")
def start_command(ctx: typer.Context, ids: Ids) -> None:
    """Mark resources as in progress. Example: mlpath start mml-book"""
    _mark(ctx, ids, Status.doing)


@app.command("done")
def done_command(ctx: typer.Context, ids: Ids, note: Note = None) -> None:
    """Mark resources as done. Example: mlpath done mml-book 1.2 --note "skipped the exercises\""""
    _mark(ctx, ids, Status.done, note)


@app.command("skip")
def skip_command(ctx: typer.Context, ids: Ids) -> None:
    """Skip resources you will not study; they leave the totals. Example: mlpath skip 2.14"""
    _mark(ctx, ids, Status.skipped)


@app.command("reset")
def reset_command(ctx: typer.Context, ids: Ids) -> None:
    """Put resources back to todo (history is kept). Example: mlpath reset mml-book"""
    _mark(ctx, ids, Status.todo)


class ExportFormat(str, Enum):
    markdown = "markdown"


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Output format, e.g. --format markdown.")] =
    ExportFormat.markdown,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file (atomically) instead "
                                                "of stdout, e.g. -o progress.md.", show_default=False)] = None,
) -> None:
    """Export progress as a GitHub-flavoured markdown checklist. Example: mlpath export -o progress.md"""
    from mlpath import clock, export

    store = _session(ctx).store()
    text = export.markdown(store.roadmap_title(), store.stages(), store.items(), clock.now().date().isoformat())
    if output is None:
        typer.echo(text, nl=False)
    else:
        paths.write_atomic(output, text)
        typer.echo(f"Wrote {output}", err=True)


def main() -> None:
    """Console-script entry point."""
    app()
