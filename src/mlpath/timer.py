"""The study timer's arithmetic: elapsed time, what a stopped timer logs, the week's totals.

Pure apart from `host` and `alive`, which ask the operating system whether a timer's process
still runs.

A running timer lives in the database from the moment it starts (see store.start_timer), so a
terminal closed or killed mid-session loses nothing: `mlpath study --stop` logs it later.
"""

import math
import os
from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo
from typing import NamedTuple

from mlpath.clock import local_day, parse_stamp
from mlpath.habits import MAX_HOURS_PER_DAY, Session, hours_between, week_start

TRIM_AFTER_HOURS = 4  # a timer running longer was probably forgotten: offer to log less
ZERO = timedelta(0)


class Timer(NamedTuple):
    resource_id: str
    started_at: str  # UTC
    minutes: int | None  # a countdown's length; None counts up
    pid: int  # the process showing it
    host: str


class Totals(NamedTuple):
    """Hours logged before this session, today and this week (Monday start)."""

    today: float
    week: float
    goal: float | None  # hours a week, when the learner has set one


def host() -> str:
    return os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")


def alive(timer: Timer) -> bool:
    """Whether the process showing timer still runs (assumed so when it runs on another machine)."""
    if timer.host != host():
        return True
    try:
        os.kill(timer.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process
        return True
    return True


def elapsed(timer: Timer, now: datetime) -> timedelta:
    return max(ZERO, now - parse_stamp(timer.started_at))


def remaining(timer: Timer, now: datetime) -> timedelta | None:
    """Time left on a countdown (never negative); None for a timer counting up."""
    if timer.minutes is None:
        return None
    return max(ZERO, timedelta(minutes=timer.minutes) - elapsed(timer, now))


def minutes_to_log(timer: Timer, now: datetime) -> int:
    """Whole minutes studied: a countdown counts at most its length, a day at most 24 hours."""
    minutes = math.floor(elapsed(timer, now).total_seconds() / 60)
    if timer.minutes is not None:
        minutes = min(minutes, timer.minutes)
    return min(minutes, int(MAX_HOURS_PER_DAY * 60))


def too_long(minutes: int) -> bool:
    return minutes > TRIM_AFTER_HOURS * 60


def parse_minutes(answer: str, ran: int) -> int | None:
    """The answer to "how many minutes to log": Enter for all of them, else 0 to ran; None if neither."""
    text = answer.strip()
    if not text:
        return ran
    if text.isdigit() and int(text) <= ran:
        return int(text)
    return None


def session(timer: Timer, minutes: int, at: str, tz: tzinfo, note: str | None) -> Session:
    """The study session a stopped timer logs, on the local day it started."""
    return Session(timer.resource_id, local_day(timer.started_at, tz).isoformat(), round(minutes / 60, 4), at, note)


def totals(sessions: Iterable[Session], today: date, goal: float | None = None) -> Totals:
    logged = list(sessions)
    return Totals(hours_between(logged, today, today), hours_between(logged, week_start(today), today), goal)


def duration(minutes: int) -> str:
    """45 min, 1 h 05 min."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"
