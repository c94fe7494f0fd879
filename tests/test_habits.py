"""Pure study-habit logic: streaks and calendars at day/week boundaries and across time zones,
pace and ETA arithmetic (the review schedule: test_spaced.py)."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import pytest

from mlpath.clock import local_day
from mlpath.errors import HabitInvalid
from mlpath.habits import (
    Mark,
    Session,
    calendar,
    check_hours,
    eta,
    finish,
    hours_per_week,
    pace,
    pace_window,
    plan,
    stage_etas,
    streaks,
    study_days,
    week_start,
)
from mlpath.progress import Event, Item, StageInfo, StageProgress, Status
from mlpath.spaced import Review

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
D = date.fromisoformat


def days(*isos: str) -> set[date]:
    return {D(i) for i in isos}


def test_local_day_depends_on_the_time_zone():
    stamp = "2026-11-24T23:30:00Z"
    assert local_day(stamp, UTC) == D("2026-11-24")
    assert local_day(stamp, BERLIN) == D("2026-11-25")
    assert local_day(stamp, NEW_YORK) == D("2026-11-24")
    assert local_day("2026-11-24T16:00:00Z", TOKYO) == D("2026-11-25")


def test_study_days_count_logs_starts_dones_and_reviews_but_not_resets():
    events = [
        Event("a", Status.doing, "2026-11-01T10:00:00Z"),
        Event("a", Status.done, "2026-11-03T10:00:00Z"),
        Event("a", Status.todo, "2026-11-05T10:00:00Z"),
        Event("b", Status.skipped, "2026-11-06T10:00:00Z"),
    ]
    sessions = [Session("a", "2026-11-02", 1.0, "2026-11-09T10:00:00Z")]  # the day studied, not the day logged
    reviews = [Review("a", "2026-11-04T10:00:00Z", 3, 5.0, 5.0, "2026-11-09T10:00:00Z")]
    assert study_days(events, sessions, reviews, UTC) == days("2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04")


def test_a_late_evening_session_counts_for_the_local_day():
    events = [Event("a", Status.done, "2026-11-24T23:30:00Z")]
    assert study_days(events, [], [], BERLIN) == days("2026-11-25")
    marks = [Mark("a", "2026-11-27T10:00:00Z", 0.5, "1/2")]  # setting progress is studying too
    assert study_days([], [], [], UTC, marks) == days("2026-11-27")
    assert study_days(events, [], [], NEW_YORK) == days("2026-11-24")


@pytest.mark.parametrize(
    ("studied", "today", "current", "longest"),
    [
        ([], "2026-11-24", 0, 0),
        (["2026-11-24"], "2026-11-24", 1, 1),
        (["2026-11-22", "2026-11-23"], "2026-11-24", 2, 2),  # yesterday keeps the streak alive
        (["2026-11-21", "2026-11-22"], "2026-11-24", 0, 2),  # a missed day ends it
        (["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-24"], "2026-11-24", 1, 3),
        (["2026-12-30", "2026-12-31", "2027-01-01"], "2027-01-01", 3, 3),  # across a year end
        (["2028-02-28", "2028-02-29", "2028-03-01"], "2028-03-01", 3, 3),  # across a leap day
    ],
)
def test_streaks(studied, today, current, longest):
    result = streaks({D(d) for d in studied}, D(today))
    assert (result.current, result.longest) == (current, longest)


def test_the_same_moments_make_different_streaks_in_different_zones():
    # 23:30 UTC on two consecutive days, then 00:30 UTC two days later
    events = [Event("a", Status.doing, s) for s in ("2026-11-20T23:30:00Z", "2026-11-21T23:30:00Z",
                                                    "2026-11-23T00:30:00Z")]
    in_utc = study_days(events, [], [], UTC)
    in_ny = study_days(events, [], [], NEW_YORK)
    assert in_utc == days("2026-11-20", "2026-11-21", "2026-11-23")
    assert in_ny == days("2026-11-20", "2026-11-21", "2026-11-22")
    assert streaks(in_utc, D("2026-11-23")).longest == 2
    assert streaks(in_ny, D("2026-11-22")).current == 3


def test_weeks_start_on_monday_and_hours_are_bucketed_at_the_boundary():
    assert week_start(D("2026-11-29")) == D("2026-11-23")  # Sunday
    assert week_start(D("2026-11-30")) == D("2026-11-30")  # Monday
    sessions = [Session("a", "2026-11-29", 2.0, "x"), Session("a", "2026-11-30", 1.5, "x"),
                Session("a", "2026-11-01", 9.0, "x")]
    weekly = hours_per_week(sessions, D("2026-12-01"), weeks=2)
    assert weekly == [(D("2026-11-23"), 2.0), (D("2026-11-30"), 1.5)]


def test_calendar_grid_marks_study_no_study_and_the_future():
    today = D("2026-11-25")  # a Wednesday
    grid = calendar({D("2026-11-24"): 2.5}, days("2026-11-24", "2026-11-18"), today, weeks=2)
    assert len(grid) == 7 and all(len(row) == 2 for row in grid)
    assert grid[1][1] == 2.5  # Tuesday this week
    assert grid[2][0] == 0.0  # Wednesday last week: studied, nothing logged
    assert grid[0][0] == -1.0  # Monday last week: no study
    assert grid[3][1] is None  # Thursday this week is still to come


def item(rid: str, hours: float, status: Status = Status.todo, done_at: str | None = None) -> Item:
    return Item(id=rid, stage_id="s", stage_number=1, position=1, title=rid, kind="book", core=True, hours=hours,
                status=status, done_at=done_at)


def test_pace_from_logs_in_the_last_eight_weeks_only():
    today = D("2026-11-24")
    inside = (today - timedelta(days=55)).isoformat()
    outside = (today - timedelta(days=56)).isoformat()
    sessions = [Session("a", inside, 4.0, "x"), Session("a", today.isoformat(), 12.0, "x"),
                Session("a", outside, 100.0, "x")]
    p = pace(sessions, today, first=today - timedelta(weeks=20, days=-1))  # the 20th whole week ends today
    assert p.hours_per_week == 2.0
    assert "16 hours logged in the last 8 weeks" in p.basis


def test_pace_counts_from_the_first_activity_at_least_a_week():
    today = D("2026-11-24")
    # a window of one day: the first activity was today, so the pace is over a week, not a day
    one_day = pace([Session("a", today.isoformat(), 2.5, "x")], today, first=today)
    assert one_day.hours_per_week == 2.5 and "your first week" in one_day.basis
    # ten days in: the first whole week counts; the second joins when it is complete
    first = today - timedelta(days=9)
    logs = [Session("a", first.isoformat(), 5.0, "x"), Session("a", today.isoformat(), 5.0, "x")]
    ten = pace(logs, today, first)
    assert ten.hours_per_week == pytest.approx(5.0) and "5 hours logged in your first week" in ten.basis
    two = pace(logs, first + timedelta(days=13), first)
    assert two.hours_per_week == pytest.approx(5.0) and "10 hours logged in the 2 weeks since you began" in two.basis


def test_a_steady_rhythm_gives_the_same_pace_whichever_day_you_look():
    """Mon, Wed and Fri every week: looked at on any day after the first week, the pace is the same."""
    start = D("2026-11-02")  # a Monday
    sessions = [Session("a", (start + timedelta(weeks=w, days=d)).isoformat(), h, "x")
                for w in range(8) for d, h in ((0, 1.5), (2, 2.0), (4, 0.75))]
    paces = {pace(sessions, start + timedelta(days=n), first=start).hours_per_week for n in range(6, 56)}
    assert paces == {4.25}


def test_a_steady_learner_has_a_steady_pace_from_the_first_week():
    start = D("2026-11-02")  # a Monday
    sessions = []
    paces = []
    for week in range(12):
        for day, hours in ((0, 2.5), (2, 2.5), (4, 2.5), (6, 2.5)):  # 10 h a week over four evenings
            sessions.append(Session("a", (start + timedelta(weeks=week, days=day)).isoformat(), hours, "x"))
        paces.append(pace(sessions, start + timedelta(weeks=week, days=6), first=start).hours_per_week)
    assert paces == [10.0] * 12


def test_no_logs_no_pace_however_much_is_done():
    p = pace([], D("2026-11-24"), first=D("2026-01-01"))
    assert p.hours_per_week == 0 and "no time logged" in p.basis
    since, until, weeks = pace_window(None, D("2026-11-24"))
    assert ((until - since).days + 1, weeks) == (7, 1)


def test_a_goal_of_zero_or_none_gives_no_date():
    today = D("2026-11-24")
    assert eta(100, 0, today) is None and eta(100, None, today) is None
    f = finish(50, 100, 10, 0, today)
    assert (f.core_at_pace, f.all_at_pace) == (D("2026-12-29"), D("2027-02-02"))
    assert (f.core_at_goal, f.all_at_goal) == (None, None)


def test_plan_fills_the_hours_in_order_with_what_is_left():
    items = [item("a", 10, Status.doing)._replace(logged_hours=8), item("b", 3), item("c", 40), item("d", 5)]
    planned = plan(items, 8)
    assert [(p.item.id, p.hours) for p in planned] == [("a", 2.0), ("b", 3.0), ("c", 3.0)]
    assert plan(items, 0) == []


def test_eta_arithmetic_rounds_up_to_whole_days():
    today = D("2026-11-24")
    assert eta(10, 10, today) == D("2026-12-01")  # exactly one week
    assert eta(10.1, 10, today) == D("2026-12-02")
    assert eta(1, 70, today) == D("2026-11-25")  # a tenth of a day still ends tomorrow


def test_stage_etas_accumulate_in_stage_order():
    info = [StageInfo("a", 1, "A"), StageInfo("b", 2, "B"), StageInfo("c", 3, "C")]
    progress = [StageProgress(info[0], 1, 2, 0, 20, 30), StageProgress(info[1], 3, 3, 0, 5, 5),
                StageProgress(info[2], 0, 1, 0, 0, 20)]
    assert stage_etas(progress, 10, D("2026-11-24")) == [D("2026-12-01"), None, D("2026-12-15")]
    # the third stage shares 10 of its 20 hours with the first (studied there): it adds 10
    assert stage_etas(progress, 10, D("2026-11-24"), adds=[10, 0, 10]) == [D("2026-12-01"), None, D("2026-12-08")]


def test_check_hours():
    today = D("2026-11-24")
    assert check_hours(2, 21.5, today) == 23.5
    assert check_hours(24, 0, today) == 24
    with pytest.raises(HabitInvalid, match="more than a day has"):
        check_hours(3, 21.5, today)
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(HabitInvalid, match="positive"):
            check_hours(bad, 0, today)
