"""Pure study-habit logic: study days and streaks, the calendar, pace and ETA (spaced review: spaced.py).

Dates here are the learner's local calendar dates; callers convert UTC timestamps with
`clock.local_day`, passing the time zone in, so nothing here reads the clock or the environment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from mlpath.clock import local_day
from mlpath.errors import HabitInvalid
from mlpath.progress import Event, Item, StageProgress, Status, effort
from mlpath.vocab import plural

if TYPE_CHECKING:
    from mlpath.spaced import Review

PACE_WEEKS = 8
MAX_HOURS_PER_DAY = 24.0
MIN_HOURS = 1 / 60  # one minute: anything less is a typo (5e-324 h was accepted once)


class Session(NamedTuple):
    resource_id: str
    day: str  # local date YYYY-MM-DD
    hours: float
    at: str  # UTC timestamp of logging
    note: str | None = None


class Note(NamedTuple):
    resource_id: str
    at: str
    text: str


class Mark(NamedTuple):
    """A share of a resource the learner says is done, set with `mlpath progress`."""

    resource_id: str
    at: str
    fraction: float  # 0-1
    label: str  # "5/12" or "40%"


class Goal(NamedTuple):
    """A weekly study goal; hours_per_week None is `goal off`."""

    at: str
    hours_per_week: float | None


# ------------------------------------------------------------------ days


def study_days(events: Iterable[Event], sessions: Iterable[Session], reviews: Iterable[Review],
               tz: tzinfo, marks: Iterable[Mark] = ()) -> set[date]:
    """Days with any study: time logged, a resource started or done, a review answered, or progress set."""
    days = {date.fromisoformat(s.day) for s in sessions}
    days |= {local_day(e.at, tz) for e in events if e.status in (Status.doing, Status.done)}
    days |= {local_day(r.at, tz) for r in reviews}
    days |= {local_day(m.at, tz) for m in marks}
    return days


class Streaks(NamedTuple):
    current: int
    longest: int


def streaks(days: Iterable[date], today: date) -> Streaks:
    """The current streak (alive while yesterday or today was a study day) and the longest."""
    ordered = sorted(set(days))
    longest = run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    present = set(ordered)
    current = 0
    cursor = today if today in present else today - timedelta(days=1)
    while cursor in present:
        current += 1
        cursor -= timedelta(days=1)
    return Streaks(current=current, longest=longest)


def week_start(day: date) -> date:
    """The Monday of day's week."""
    return day - timedelta(days=day.weekday())


def calendar(days_hours: dict[date, float], studied: set[date], today: date, weeks: int) -> list[list[float | None]]:
    """A heatmap grid: 7 rows (Monday first) by `weeks` columns ending with today's week.

    A cell holds the hours logged that day (0.0 on a study day with nothing logged), -1.0 for
    a day without study, and None for days after today.
    """
    first = week_start(today) - timedelta(weeks=weeks - 1)
    grid: list[list[float | None]] = [[None] * weeks for _ in range(7)]
    for w in range(weeks):
        for d in range(7):
            day = first + timedelta(weeks=w, days=d)
            if day > today:
                continue
            grid[d][w] = days_hours.get(day, 0.0) if day in studied or day in days_hours else -1.0
    return grid


def hours_per_week(sessions: Iterable[Session], today: date, weeks: int) -> list[tuple[date, float]]:
    """Logged hours per week (Monday start), oldest first, for the last `weeks` weeks."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    totals = {first + timedelta(weeks=w): 0.0 for w in range(weeks)}
    for s in sessions:
        start = week_start(date.fromisoformat(s.day))
        if start in totals:
            totals[start] += s.hours
    return [(start, round(h, 2)) for start, h in totals.items()]


def check_hours(hours: float, already: float, day: date) -> float:
    """Validate a study session's hours against the day's total; return the new day total."""
    if not math.isfinite(hours) or hours <= 0:
        raise HabitInvalid(f"hours must be a positive number, got {hours:g}", hint="e.g. mlpath log mml-book 1h30m")
    if hours < MIN_HOURS:
        raise HabitInvalid(f"{hours:.3g} h is less than a minute ({MIN_HOURS:.4f} h), the least a session records",
                           hint="e.g. mlpath log mml-book 15m for a quarter of an hour")
    total = already + hours
    if total > MAX_HOURS_PER_DAY + 1e-9:
        raise HabitInvalid(
            f"{hours:g} h would make {total:g} h logged on {day}, more than a day has",
            hint=f"at most {MAX_HOURS_PER_DAY - already:g} h more can be logged on {day}",
        )
    return total


# ------------------------------------------------------------------ pace and ETA


class Pace(NamedTuple):
    hours_per_week: float
    basis: str  # said beside the dates so the learner knows what they rest on


def pace_window(first: date | None, today: date) -> tuple[date, date, int]:
    """The days the pace is measured over, and how many weeks they count as.

    Whole weeks counted from the first activity (at most the last PACE_WEEKS of them), so that a
    steady weekly rhythm gives the same pace whichever day of the week you look; while the first
    week is under way, its days so far count as one week. With no activity, the last 7 days.
    """
    if first is None or first > today:
        return today - timedelta(days=6), today, 1
    whole = ((today - first).days + 1) // 7
    if whole == 0:
        return first, today, 1
    weeks = min(whole, PACE_WEEKS)
    until = first + timedelta(days=7 * whole - 1)
    return until - timedelta(days=7 * weeks - 1), until, weeks


def pace(sessions: Iterable[Session], today: date, first: date | None = None) -> Pace:
    """Hours logged a week over the whole weeks since the first activity (at most the last 8).

    Measuring from the first activity keeps a steady learner's pace steady from the first week;
    the week under way joins when it is complete. Marking things done does not make a pace (they
    may have been studied before), logging does.
    """
    since, until, weeks = pace_window(first, today)
    if since == first:
        span = "your first week" if weeks == 1 else f"the {weeks} weeks since you began"
    else:
        span = f"the last {plural(weeks, 'week')}"
    logged = sum(s.hours for s in sessions if since <= date.fromisoformat(s.day) <= until)
    if logged > 0:
        return Pace(round(logged / weeks, 2), f"{plural(logged, 'hour')} logged in {span}")
    return Pace(0.0, f"no time logged in {span}")


def first_day(first_logged: str | None, first_stamp: str | None, tz: tzinfo) -> date | None:
    """The learner's first study day, from the first logged day and the first timestamped activity."""
    days = [date.fromisoformat(first_logged)] if first_logged else []
    if first_stamp:
        days.append(local_day(first_stamp, tz))
    return min(days) if days else None


def eta(hours_left: float, hours_per_week: float | None, today: date) -> date | None:
    """The finish date at this pace; None when nothing is left or there is no pace."""
    if hours_left <= 0 or not hours_per_week or hours_per_week <= 0:
        return None
    return today + timedelta(days=math.ceil(hours_left / hours_per_week * 7))


def stage_etas(progress: Sequence[StageProgress], hours_per_week: float | None, today: date,
               adds: Sequence[float] | None = None) -> list[date | None]:
    """Finish dates per stage, studying the stages in order: a stage ends after the ones before it.

    `adds` is what each stage adds to the hours studied before it, when that is not its own hours
    left: a page it shares with a stage of a roadmap tracked before was studied there (so the last
    stage ends when everything does)."""
    result = []
    cumulative = 0.0
    for p, added in zip(progress, [p.hours_left for p in progress] if adds is None else adds, strict=True):
        cumulative += added
        result.append(eta(cumulative, hours_per_week, today) if p.hours_left > 0 else None)
    return result


class Finish(NamedTuple):
    """When the core path and the whole roadmap would be done, at the learner's pace and at their goal."""

    core_at_pace: date | None
    all_at_pace: date | None
    core_at_goal: date | None
    all_at_goal: date | None


def finish(core_left: float, all_left: float, pace_hours: float, goal: float | None, today: date) -> Finish:
    return Finish(eta(core_left, pace_hours, today), eta(all_left, pace_hours, today),
                  eta(core_left, goal, today), eta(all_left, goal, today))


# ------------------------------------------------------------------ this week


class Planned(NamedTuple):
    item: Item
    hours: float  # of its remaining hours, what this week's plan gives it


def plan(items: Iterable[Item], hours: float) -> list[Planned]:
    """Fill `hours` with items in the order given (recommendation order), each up to its hours left."""
    planned = []
    remaining = hours
    for item in items:
        if remaining <= 0:
            break
        left = effort(item).hours_left
        if left <= 0:
            continue
        take = min(left, remaining)
        planned.append(Planned(item, round(take, 2)))
        remaining -= take
    return planned


def hours_between(sessions: Iterable[Session], first: date, last: date) -> float:
    return round(sum(s.hours for s in sessions if first <= date.fromisoformat(s.day) <= last), 2)
