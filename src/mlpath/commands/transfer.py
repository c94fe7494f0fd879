"""Moving progress in and out: export (markdown, JSON backup, SVG card) and import."""


from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from mlpath import paths
from mlpath.commands.common import state

app = typer.Typer()


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
    from mlpath import backup, clock, export, files, render, report

    store = state(ctx).store()
    if fmt is ExportFormat.json:
        text = backup.to_json(store.dump(), clock.stamp(clock.now()))
    elif fmt is ExportFormat.svg:
        tz = clock.zone()
        view = report.overview(store, clock.today(tz), tz)
        text = render.card_svg(view, report.streaks(store, view.today, tz))
    else:
        text = export.markdown(store.roadmap_title(), store.stages(), store.items(include_retired=True),
                               clock.today().isoformat(), store.notes())
    text = render.clean(text, newlines=True)  # inert in a terminal and in any file viewer
    if output is None:
        typer.echo(text, nl=False)
    else:
        files.write_text(output, text, "the export", paths.db_path())
        render.wrote(output)


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
    store = state(ctx).store()
    if backup.looks_like_json(text):
        render.merged(file, store.merge(backup.parse(text, str(file))))
    else:
        render.changes(importer.apply_checklist(store, text, str(file), clock.stamp(clock.now())))
