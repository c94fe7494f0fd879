"""Spaced review with FSRS: first due date, grade order, replay, what is due (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpath import clock, spaced, vocab
from mlpath.errors import HabitInvalid
from mlpath.progress import Item, Status
from mlpath.spaced import Review

D = date.fromisoformat
DONE = "2026-11-01T10:00:00Z"


def item(rid: str, status: Status = Status.done, done_at: str | None = DONE, position: int = 1) -> Item:
    return Item(id=rid, stage_id="s", stage_number=1, position=position, title=rid, kind="book", core=True,
                hours=60, status=status, done_at=done_at)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def days_between(at: str, due: str) -> int:
    return (clock.local_day(due, UTC) - clock.local_day(at, UTC)).days


def test_a_finished_resource_is_first_due_days_later_never_the_next_day():
    assert 3 <= spaced.FIRST_REVIEW_DAYS <= 7
    assert spaced.first_due(DONE) == "2026-11-06T10:00:00Z"
    today = D("2026-11-02")
    assert spaced.due_reviews([item("a")], {}, today, UTC) == []
    assert spaced.next_due([item("a")], {}, UTC) == D("2026-11-06")


def test_good_answers_grow_the_interval_and_again_shrinks_it():
    at = datetime(2026, 11, 6, 10, tzinfo=UTC)
    review = spaced.answer(None, DONE, 3, stamp(at), "a")
    intervals = []
    for _ in range(5):
        intervals.append(days_between(review.at, review.due))
        at = clock.parse_stamp(review.due)
        review = spaced.answer(review, DONE, 3, stamp(at), "a")
    assert intervals[0] >= spaced.FIRST_REVIEW_DAYS  # recalled after 5 days: longer than that
    assert all(later > earlier for earlier, later in pairwise(intervals))
    forgot = spaced.answer(review, DONE, 1, stamp(at), "a")
    assert days_between(forgot.at, forgot.due) < intervals[-1] and forgot.stability < review.stability


histories = st.lists(st.tuples(st.integers(0, 400), st.integers(1, 4)), max_size=6)


@settings(max_examples=150, deadline=None)
@given(history=histories, gap=st.integers(0, 400))
def test_a_lower_grade_never_gives_a_longer_interval(history, gap):
    """Whatever came before, answering lower never schedules the next review later."""
    at = clock.parse_stamp(DONE)
    review = None
    for wait, grade in history:
        at += timedelta(days=wait, hours=1)
        review = spaced.answer(review, DONE, grade, stamp(at), "a")
    at += timedelta(days=gap, hours=1)
    dues = [spaced.answer(review, DONE, grade, stamp(at), "a").due for grade in (1, 2, 3, 4)]
    assert dues == sorted(dues)


def test_replay_gives_what_answering_one_by_one_gave():
    answers = [("2026-11-06T10:00:00Z", 3), ("2026-11-20T09:00:00Z", 2), ("2026-12-01T08:00:00Z", 4)]
    review = None
    stepwise = []
    for at, grade in answers:
        review = spaced.answer(review, DONE, grade, at, "a")
        stepwise.append(review)
    assert spaced.replay("a", ["2026-10-01T00:00:00Z", DONE, "2027-01-01T00:00:00Z"], answers) == stepwise
    assert spaced.replay("a", [], []) == []


def test_due_reviews_most_overdue_first_with_overdue_days():
    items = [item("a", done_at="2026-11-01T10:00:00Z"), item("b", done_at="2026-11-10T10:00:00Z", position=2),
             item("c", Status.doing, None), item("d", done_at="2026-11-01T10:00:00Z", position=3)]
    latest = {"d": Review("d", "2026-11-06T10:00:00Z", 3, 20.0, 5.0, "2026-11-26T10:00:00Z")}
    due = spaced.due_reviews(items, latest, D("2026-11-20"), UTC)
    assert [(d.item.id, d.due, d.overdue_days) for d in due] == [("a", D("2026-11-06"), 14), ("b", D("2026-11-15"), 5)]


def test_reviewing_needs_a_finished_resource():
    with pytest.raises(HabitInvalid, match="only finished resources"):
        spaced.review(item("c", Status.doing, None), None, 3, DONE)
    with pytest.raises(ValueError):
        spaced.answer(None, DONE, 5, DONE, "a")


@pytest.mark.parametrize(("text", "grade"), [("again", 1), ("hard", 2), ("good", 3), ("easy", 4), ("1", 1), ("4", 4),
                                             ("GOOD", 3), ("e", 4), ("ha", 2)])
def test_grades_are_anki_words_or_numbers(text, grade):
    assert spaced.parse_grade(text) == grade
    assert vocab.grade_name(grade) == vocab.GRADES[grade - 1]


@pytest.mark.parametrize("text", ["5", "0", "", "great", "forgot"])
def test_other_grades_are_refused(text):
    with pytest.raises(HabitInvalid, match="again, hard, good or easy"):
        spaced.parse_grade(text)
