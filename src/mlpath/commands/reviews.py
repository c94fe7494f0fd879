"""Spaced review: a session on a terminal, the list of what is due, or one answer recorded."""


from typing import Annotated

import typer

from mlpath.commands.common import JsonFlag, complete_ids, state
from mlpath.errors import UsageProblem

app = typer.Typer()


@app.command("review")
def review_command(
    ctx: typer.Context,
    resource: Annotated[str | None, typer.Argument(help="The resource you reviewed, e.g. mml-book; leave out to "
                                                   "review what is due (a list when not on a terminal).",
                                                   autocompletion=complete_ids, show_default=False,
                                                   metavar="[ID]")] = None,
    grade: Annotated[str | None, typer.Argument(help="How well you remembered it: again, hard, good or easy "
                                                "(or 1-4), e.g. good.", show_default=False,
                                                metavar="[GRADE]")] = None,
    rating: Annotated[int | None, typer.Option("--rating", min=1, max=4, hidden=True,
                                               help="Deprecated: give the grade after the id, "
                                               "e.g. mlpath review mml-book good.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Review finished resources: step through what is due, or record how well you remembered one.

    Example: mlpath review mml-book good"""
    from mlpath import clock, live, render, reviewing, spaced

    if rating is not None:
        render.deprecated("review ID --rating N", "review ID GRADE")
        grade = grade or str(rating)
    tz = clock.zone()
    store = state(ctx).store()
    if resource is None:
        if grade is not None:
            raise UsageProblem("a grade needs the resource you reviewed", hint="e.g. mlpath review mml-book good")
        due = reviewing.due(store, clock.today(tz), tz)
        if as_json:
            from mlpath import export

            render.json_out(export.due_review_records(due))
        elif live.on_terminal():
            render.review_summary(live.review_session(store, due, tz))
        else:
            render.reviews_due(due)
        return
    if grade is None:
        raise UsageProblem("say how well you remembered it: again, hard, good or easy",
                           hint=f"e.g. mlpath review {resource} good")
    done = reviewing.answer_query(store, resource, spaced.parse_grade(grade), clock.stamp(clock.now()), tz)
    if as_json:
        from mlpath import export

        render.json_out(export.answered_record(done))
    else:
        render.reviewed(done)
