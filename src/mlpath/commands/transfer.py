"""Moving progress in and out: export (markdown, JSON backup, SVG card) and import."""


from pathlib import Path
from typing import Annotated

import typer

from mlpath import formats, paths
from mlpath.commands.common import state
from mlpath.formats import FORMATS

app = typer.Typer()


def _known_format(name: str) -> str:
    if name not in FORMATS:
        raise typer.BadParameter(f"{name!r} is not one of {formats.names()}")
    return name


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help=f"{formats.described()}, e.g. --format json.",
                                     callback=_known_format, autocompletion=formats.names_starting,
                                     metavar="FORMAT")] = "markdown",
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="FILE",
                                                help="Write to this file (atomically) instead "
                                                "of stdout, e.g. -o progress.md.", show_default=False)] = None,
) -> None:
    """Export progress: a markdown checklist, a JSON backup, or an SVG card.

    Example: mlpath export --format json -o backup.json"""
    from mlpath import clock, files, render

    text = formats.write(fmt, state(ctx).store(), clock.now(), clock.zone())
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
    force: Annotated[bool, typer.Option("--force", help="From a markdown checklist, untick even resources you "
                                        "finished after it was exported, e.g. mlpath import --force old.md.")] = False,
) -> None:
    """Restore a JSON backup (merging, never deleting) or bring back ticks from a markdown export.

    Example: mlpath import backup.json"""
    from mlpath import actions, clock, render

    render.imported(file, actions.import_file(state(ctx).store(), file, clock.stamp(clock.now()), force))
