"""Spaced review: list what is due, record how well a finished resource was remembered."""


from typing import Annotated

import typer

from mlpath.commands.common import JsonFlag, complete_ids, state
from mlpath.errors import UsageProblem

app = typer.Typer()


@app.command("review")
def review_command(
    ctx: typer.Context,
    resource: Annotated[str | None, typer.Argument(help="The resource you reviewed (with --rating), e.g. mml-book; "
                                                   "leave out to list what is due.", autocompletion=complete_ids,
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
    store = state(ctx).store()
    if resource is None:
        if rating is not None:
            raise UsageProblem("--rating needs the resource you reviewed",
                               hint="e.g. mlpath review mml-book --rating 3")
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
