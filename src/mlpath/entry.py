"""What a learner types, read into values: durations, days, progress fractions, weekly goals.

Every command that takes one of these goes through this module, so each form is accepted (and
refused, with the same one line naming the accepted forms) everywhere. Pure: `today` is passed in.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta

from mlpath.errors import InputInvalid

DURATION_FORMS = "1.5, 1.5h, 90m, 1h30m, 1h30 or 1:30"
DAY_FORMS = "today, yesterday, -3d (three days ago), a weekday like monday (the most recent one) or 2026-11-20"
FRACTION_FORMS = "5/12 (parts done of all) or 40%"
HOURS_PER_WEEK = 7 * 24

_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"
_HOURS = re.compile(rf"^{_NUMBER}\s*(?:h|hr|hrs|hours?)?$")
_MINUTES = re.compile(rf"^{_NUMBER}\s*(?:m|min|mins|minutes?)$")
_H_M = re.compile(r"^(\d+)\s*h\s*(\d{1,2})\s*(?:m|min)?$")
_CLOCK = re.compile(r"^(\d+):(\d{2})$")
_DAYS_AGO = re.compile(r"^-(\d{1,4})\s*d$")
_PARTS = re.compile(r"^(\d+)\s*/\s*(\d+)$")
_PERCENT = re.compile(rf"^{_NUMBER}\s*%$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def duration(text: str) -> float:
    """Hours from `1.5`, `1.5h`, `90m`, `1h30m`, `1h30` or `1:30`; more than zero."""
    t = text.strip().lower()
    hours: float | None = None
    if m := _HOURS.match(t):
        hours = float(m[1])
    elif m := _MINUTES.match(t):
        hours = float(m[1]) / 60
    elif ((m := _H_M.match(t)) or (m := _CLOCK.match(t))) and int(m[2]) < 60:
        hours = int(m[1]) + int(m[2]) / 60
    if hours is None:
        raise InputInvalid(f"{text!r} is not a duration", hint=f"use {DURATION_FORMS}")
    if hours <= 0:
        raise InputInvalid(f"{text!r} is no time at all", hint=f"give more than zero, e.g. {DURATION_FORMS}")
    return round(hours, 4)


def day(text: str, today: date) -> date:
    """A calendar day from `today`, `yesterday`, `-3d`, a weekday name or an ISO date; never in the future.

    A weekday name means the most recent such day: today when today is that weekday.
    """
    t = text.strip().lower()
    when: date | None = None
    if t == "today":
        when = today
    elif t == "yesterday":
        when = today - timedelta(days=1)
    elif m := _DAYS_AGO.match(t):
        when = today - timedelta(days=int(m[1]))
    elif len(t) >= 3 and (names := [n for n in WEEKDAYS if n.startswith(t)]):
        when = today - timedelta(days=(today.weekday() - WEEKDAYS.index(names[0])) % 7)
    else:
        with contextlib.suppress(ValueError):
            when = date.fromisoformat(t)
    if when is None:
        raise InputInvalid(f"{text!r} is not a day", hint=f"use {DAY_FORMS}")
    if when > today:
        raise InputInvalid(f"{when} is in the future (today is {today})", hint="log time you have spent")
    return when


def fraction(text: str) -> float:
    """How much of a resource is done, from `5/12` or `40%`: 0 to 1."""
    t = text.strip().lower()
    value: float | None = None
    if m := _PARTS.match(t):
        if int(m[2]) == 0:
            raise InputInvalid(f"{text!r} has nothing to divide by", hint=f"use {FRACTION_FORMS}")
        value = int(m[1]) / int(m[2])
    elif m := _PERCENT.match(t):
        value = float(m[1]) / 100
    if value is None:
        raise InputInvalid(f"{text!r} is not a progress fraction", hint=f"use {FRACTION_FORMS}")
    if value > 1:
        raise InputInvalid(f"{text!r} is more than all of it", hint="at most 12/12 or 100%")
    return round(value, 4)


def weekly_hours(text: str) -> float:
    """A weekly goal in hours (any duration form), more than 0 and at most the hours of a week."""
    t = text.strip()
    if t.startswith("-"):
        raise InputInvalid(f"a goal of {t} h a week is negative", hint="give hours a week, e.g. mlpath goal 8, "
                           "or clear it with mlpath goal off")
    try:
        hours = duration(t)
    except InputInvalid:
        if t in ("0", "0h", "0.0"):
            raise InputInvalid("a goal of 0 h a week gives no plan and no finish date",
                               hint="clear it with mlpath goal off, or give hours, e.g. mlpath goal 8") from None
        raise InputInvalid(f"{text!r} is not hours a week", hint=f"use {DURATION_FORMS}, or off") from None
    if hours > HOURS_PER_WEEK:
        raise InputInvalid(f"{hours:g} h is more than a week has ({HOURS_PER_WEEK} h)", hint="e.g. mlpath goal 8")
    return hours
