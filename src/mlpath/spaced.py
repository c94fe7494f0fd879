"""Spaced review of finished resources, scheduled by FSRS through the `fsrs` package (pure).

A finished book or course is one "card". Finishing it counts as its first pass, graded good, and
it first comes back FIRST_REVIEW_DAYS later: FSRS would bring a card seen once back in two days,
but a resource was studied for hours over days or weeks, and recalling its main ideas after a
few days is the useful first test. From the first review on, FSRS alone decides: each answer
(again, hard, good, easy — Anki's grades) updates the card's stability and difficulty, and the
next review is due when recall is predicted to drop to 90 %.

The scheduler runs with no learning steps (they are minutes, made for flashcards) and no fuzz
(so the same history always gives the same dates, and a lower grade never gives a longer
interval than a higher one). Only the scheduler is used, never the optimizer.

`fsrs` is imported only when a review is answered or a history is replayed, so the commands that
merely count what is due never load it.
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from mlpath.clock import local_day, parse_stamp, stamp
from mlpath.errors import HabitInvalid
from mlpath.progress import Item, Status
from mlpath.vocab import GRADES

if TYPE_CHECKING:
    from fsrs import Card, Scheduler

FIRST_REVIEW_DAYS = 5
MAX_INTERVAL_DAYS = 3650
GOOD = 3


class Answer(NamedTuple):
    """A review as history keeps it (the schedule is derived from the answers)."""

    resource_id: str
    at: str
    grade: int


class Review(NamedTuple):
    """One answered review; its stability, difficulty and due are the card's state after it."""

    resource_id: str
    at: str  # UTC timestamp of the answer
    grade: int  # 1 again, 2 hard, 3 good, 4 easy
    stability: float  # days until recall is predicted to fall to 90 %
    difficulty: float  # 1 (easy) to 10 (hard)
    due: str  # UTC timestamp of the next review

    @property
    def answer(self) -> Answer:
        return Answer(self.resource_id, self.at, self.grade)


class Due(NamedTuple):
    item: Item
    due: date  # the learner's local date
    overdue_days: int


def parse_grade(text: str) -> int:
    """again, hard, good or easy (or 1-4, or a unique prefix) as 1-4."""
    word = text.strip().lower()
    if word in ("1", "2", "3", "4"):
        return int(word)
    matches = [n for n, name in enumerate(GRADES, start=1) if word and name.startswith(word)]
    if len(matches) != 1:
        raise HabitInvalid(f"{text!r} is not a grade: say again, hard, good or easy (or 1-4)")
    return matches[0]


def first_due(done_at: str) -> str:
    """When a resource finished at done_at and never reviewed is first due."""
    return stamp(parse_stamp(done_at) + timedelta(days=FIRST_REVIEW_DAYS))


def _scheduler() -> "Scheduler":
    from fsrs import Scheduler

    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False,
                     maximum_interval=MAX_INTERVAL_DAYS)


def _finished_card(scheduler: "Scheduler", done_at: str) -> "Card":
    """The card of a resource just finished: one pass graded good, due FIRST_REVIEW_DAYS later."""
    from fsrs import Card, Rating

    when = parse_stamp(done_at)
    card, _ = scheduler.review_card(Card(card_id=0, due=when), Rating(GOOD), when)
    card.due = parse_stamp(first_due(done_at))
    return card


def _card(previous: Review) -> "Card":
    from fsrs import Card, State

    return Card(card_id=0, state=State.Review, step=None, stability=previous.stability,
                difficulty=previous.difficulty, due=parse_stamp(previous.due), last_review=parse_stamp(previous.at))


def _answer(scheduler: "Scheduler", card: "Card", resource_id: str, grade: int, at: str) -> Review:
    from fsrs import Rating

    when = max(parse_stamp(at), card.last_review or parse_stamp(at))  # never review before the last review
    new, _ = scheduler.review_card(card, Rating(grade), when)
    assert new.stability is not None and new.difficulty is not None
    return Review(resource_id, at, grade, round(new.stability, 4), round(new.difficulty, 4), stamp(new.due))


def answer(previous: Review | None, done_at: str, grade: int, at: str, resource_id: str) -> Review:
    """The card after answering `grade` at `at`: from its last review, or from the finish."""
    if grade not in (1, 2, 3, 4):
        raise ValueError(f"grade must be 1-4, got {grade}")
    scheduler = _scheduler()
    card = _card(previous) if previous is not None else _finished_card(scheduler, done_at)
    return _answer(scheduler, card, resource_id, grade, at)


def review(item: Item, previous: Review | None, grade: int, at: str) -> Review:
    """Answer a review of a finished resource; only done resources come up for review."""
    if item.status is not Status.done or not item.done_at:
        raise HabitInvalid(f"{item.id} is {item.status.value}, not done; only finished resources come up for review",
                           hint=f"mark it done first: mlpath done {item.id}")
    return answer(previous, item.done_at, grade, at, item.record_id)


def replay(resource_id: str, done_ats: Sequence[str], answers: Sequence[tuple[str, int]]) -> list[Review]:
    """Every answer (at, grade) of one resource, oldest first, scheduled again from the start.

    The card starts at the latest finish before the first answer (or at the first answer itself
    when no finish is recorded, e.g. history imported without its events).
    """
    if not answers:
        return []
    first = answers[0][0]
    before = [d for d in done_ats if d <= first]
    scheduler = _scheduler()
    card: Any = _finished_card(scheduler, max(before) if before else first)
    out = []
    for at, grade in answers:
        result = _answer(scheduler, card, resource_id, grade, at)
        out.append(result)
        card = _card(result)
    return out


def due_reviews(items: Iterable[Item], latest: dict[str, Review], today: date, tz: tzinfo) -> list[Due]:
    """Done resources whose review is due today or earlier, most overdue first."""
    due = []
    for item in items:
        if item.status is not Status.done or not item.done_at:
            continue
        review = latest.get(item.record_id)
        when = local_day(review.due if review else first_due(item.done_at), tz)
        if when <= today:
            due.append(Due(item, when, (today - when).days))
    due.sort(key=lambda d: (d.due, d.item.stage_number, d.item.position))
    return due


def next_due(items: Iterable[Item], latest: dict[str, Review], tz: tzinfo, after: date | None = None) -> date | None:
    """The earliest due date of any finished resource (only those after `after`, if given), or None."""
    dates = [local_day(latest[i.record_id].due if i.record_id in latest else first_due(i.done_at), tz)
             for i in items if i.status is Status.done and i.done_at]
    return min((d for d in dates if after is None or d > after), default=None)
