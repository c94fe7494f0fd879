"""`mlpath roadmap ...`: inspect the roadmap in use."""


from pathlib import Path
from typing import Annotated

import typer

from mlpath.commands.common import state

app = typer.Typer(name="roadmap", help="Inspect the roadmap in use.\n\nExample: mlpath roadmap diff new-roadmap.yaml",
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
