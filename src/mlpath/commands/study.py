"""The study timer: `mlpath study ID` shows it live; `mlpath study --stop` logs one from any terminal."""


from typing import Annotated

import typer

from mlpath.commands.common import complete_ids, state
from mlpath.errors import UsageProblem

app = typer.Typer()


@app.command("study")
def study_command(
    ctx: typer.Context,
    resource: Annotated[str | None, typer.Argument(help="The resource you are about to study, e.g. mml-book.",
                                                   autocompletion=complete_ids, show_default=False,
                                                   metavar="ID")] = None,
    minutes: Annotated[int | None, typer.Option("--minutes", min=1, max=24 * 60, show_default=False, metavar="MINUTES",
                                                help="Count down this many minutes and ring the bell (a Pomodoro), "
                                                "e.g. --minutes 25; with --stop, log this many instead of "
                                                "all.")] = None,
    stop: Annotated[bool, typer.Option("--stop", help="Stop and log the running timer, from any terminal "
                                       "(e.g. one whose terminal was closed), e.g. mlpath study --stop.")] = False,
) -> None:
    """Time a study session live on the terminal; q or Enter stops it and logs the time.

    Example: mlpath study mml-book --minutes 25"""
    from mlpath import live, render

    store = state(ctx).store(report_timer=False)
    if stop:
        if resource is not None:
            raise UsageProblem("--stop stops the running timer; it takes no id", hint="mlpath study --stop")
        render.studied(live.stop(store, minutes))
        return
    if resource is None:
        raise UsageProblem("say which resource you are studying", hint="e.g. mlpath study mml-book")
    render.studied(live.study(store, resource, minutes))
