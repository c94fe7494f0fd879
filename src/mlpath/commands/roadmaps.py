"""`mlpath roadmap ...`: inspect the roadmap in use, or convert another curriculum into one."""


from pathlib import Path
from typing import Annotated

import typer

from mlpath.commands.common import JsonFlag, state

app = typer.Typer(name="roadmap", help="Track several roadmaps, inspect the one in use, or convert another "
                  "curriculum into one.\n\n"
                  "Example: mlpath roadmap diff new-roadmap.yaml",
                  no_args_is_help=True)


@app.command("diff")
def roadmap_diff_command(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="A roadmap file to compare with the database (default: the "
                                                "roadmap in use), e.g. roadmap-v2.yaml.", show_default=False)] = None,
) -> None:
    """Preview what a roadmap change would add, change and retire, without writing anything.

    Example: mlpath roadmap diff my-roadmap.yaml"""
    from mlpath import render, roadmap

    app_state = state(ctx)
    store = app_state.store(sync=False)
    render.sync_preview(store.plan_sync(roadmap.load(file or app_state.roadmap)))


@app.command("import")
def roadmap_import_command(
    file: Annotated[Path, typer.Argument(help="A markdown outline (awesome list, course README, notes) or a "
                                         "roadmap.sh roadmap JSON, e.g. awesome-ml.md.", show_default=False,
                                         metavar="FILE")],
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="FILE",
                                                help="Write the roadmap to this file (atomically) "
                                                "instead of stdout, e.g. -o my-roadmap.yaml.",
                                                show_default=False)] = None,
    stage_level: Annotated[int | None, typer.Option("--stage-level", min=1, max=6, metavar="N",
                                                    help="Make a stage of every "
                                                    "heading of this level (default: the level that best splits "
                                                    "the list), e.g. --stage-level 2.", show_default=False)] = None,
) -> None:
    """Convert a markdown outline or a roadmap.sh roadmap into a roadmap file you can edit and track.

    Example: mlpath roadmap import awesome-ml.md -o awesome-ml.yaml"""
    from mlpath import actions, files, paths, render

    result = actions.convert_roadmap(file, output, stage_level)
    if output is None:
        typer.echo(result.text, nl=False)
    else:
        files.write_text(output, result.text, "the roadmap", paths.db_path())
    render.converted(result.report, str(output) if output else None)


@app.command("add")
def roadmap_add_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A roadmap file (e.g. what `mlpath roadmap import` wrote), or a "
                                         "markdown outline or roadmap.sh JSON to convert on the way in, e.g. "
                                         "awesome-ml.yaml.", show_default=False, metavar="FILE")],
    name: Annotated[str | None, typer.Option("--name", metavar="NAME",
                                             help="What to call it in --in and name/ID (default: from "
                                             "the file's name), e.g. --name fastai.", show_default=False)] = None,
) -> None:
    """Track another roadmap beside the ones you have; again, to refresh it (progress is kept).

    Example: mlpath roadmap add awesome-ml.yaml --name awesome-ml"""
    from mlpath import actions, render

    to_add = actions.read_roadmap_to_add(file, name)  # before the store opens: a bad file creates no database
    render.roadmap_added(actions.add_roadmap(state(ctx).store(), to_add))


@app.command("list")
def roadmap_list_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Show every tracked roadmap with its progress, the default and the removed ones.

    Example: mlpath roadmap list"""
    from mlpath import clock, export, render, report

    lines = report.roadmaps(state(ctx).store(), clock.today())
    if as_json:
        render.json_out(export.roadmap_records(lines))
    else:
        render.roadmap_list(lines)


@app.command("remove")
def roadmap_remove_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The roadmap's name from `mlpath roadmap list`, e.g. fastai.",
                                        show_default=False, metavar="NAME")],
) -> None:
    """Hide a tracked roadmap; its history is kept, and `roadmap add` brings it back.

    Example: mlpath roadmap remove fastai"""
    from mlpath import render

    render.roadmap_removed(state(ctx).store().remove_roadmap(name))


@app.command("use")
def roadmap_use_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The roadmap every command sees from now on, or all for every "
                                        "roadmap again, e.g. fastai.", show_default=False, metavar="NAME")],
) -> None:
    """Make one roadmap the default for every command (`all` goes back to every roadmap).

    Example: mlpath roadmap use fastai"""
    from mlpath import render

    render.roadmap_used(state(ctx).store().use_roadmap(name))
