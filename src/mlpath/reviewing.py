"""The review workflow in the learner's terms: what is due (with the notes to recall from), one
answer recorded, and a resource's review record for `show`. No printing; FSRS lives in spaced.py.
"""

from datetime import date, tzinfo
from typing import NamedTuple

from mlpath import catalog, clock, spaced
from mlpath.habits import Note
from mlpath.progress import Item
from mlpath.spaced import Review
from mlpath.store import Store

RECALL_PROMPT = "What were the 3 main ideas? Recall them, then check against your notes."


class DueReview(NamedTuple):
    item: Item
    due: date
    overdue_days: int
    finished_days: int  # how long ago it was finished
    notes: list[Note]  # the note given when it was finished, then the dated notes


class Answered(NamedTuple):
    item: Item
    review: Review
    due: date  # the next review, the learner's local date


class ReviewRecord(NamedTuple):
    """What `show` says about a resource's reviews."""

    reviews: list[Review]
    next_due: date | None


def _notes(item: Item, notes: list[Note]) -> list[Note]:
    done = [Note(item.record_id, item.done_at, item.done_note)] if item.done_note and item.done_at else []
    return done + notes


def due(store: Store, today: date, tz: tzinfo) -> list[DueReview]:
    """Finished resources due for review today or earlier, most overdue first, with their notes."""
    # each piece of study once: a page two roadmaps share is reviewed once (its first roadmap's id)
    found = spaced.due_reviews(catalog.distinct(store.items()), store.latest_reviews(), today, tz)
    notes: dict[str, list[Note]] = {}
    if found:
        for n in store.notes():
            notes.setdefault(n.resource_id, []).append(n)
    return [DueReview(d.item, d.due, d.overdue_days, (today - clock.local_day(d.item.done_at or "", tz)).days,
                      _notes(d.item, notes.get(d.item.record_id, []))) for d in found]


def answer(store: Store, item: Item, grade: int, at: str, tz: tzinfo) -> Answered:
    """Record one answer and reschedule the resource."""
    earlier = store.reviews(item.record_id)  # this resource's own rows only, the latest last
    review = spaced.review(item, earlier[-1] if earlier else None, grade, at)
    store.add_review(review)
    return Answered(item, review, clock.local_day(review.due, tz))


def answer_query(store: Store, query: str, grade: int, at: str, tz: tzinfo) -> Answered:
    """`mlpath review ID GRADE`: resolve the id, then record the answer."""
    return answer(store, store.find([query])[0], grade, at, tz)


def resource_reviews(store: Store, item: Item, tz: tzinfo) -> ReviewRecord:
    """A resource's reviews, oldest first, and when it is next due (for `show`)."""
    reviews = store.reviews(item.record_id)
    latest = {item.record_id: reviews[-1]} if reviews else {}
    return ReviewRecord(reviews, spaced.next_due([item], latest, tz))


def next_due(store: Store, today: date, tz: tzinfo) -> date | None:
    """The first day after today that something comes due (for the end of a session)."""
    return spaced.next_due(store.items(), store.latest_reviews(), tz, after=today)
