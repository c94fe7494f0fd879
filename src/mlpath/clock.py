"""The one place mlpath reads the system clock and time zone, so tests can move both.

In-process tests replace `now`. Tests that drive the real program in a pseudo-terminal (the
study timer, the review session) cannot, so `now` also reads MLPATH_CLOCK_FILE when it is set:
a file holding one ISO 8601 time (e.g. 2026-11-24T12:25:00Z) that the test rewrites to move
the clock. It is a test hook, harmless outside tests: it only changes what time mlpath thinks it
is, for the person who set it; a missing or unreadable file means the real time.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo


def now() -> datetime:
    """The current time, timezone-aware, in UTC. Tests replace this function.

    A clock outside FIRST_YEAR-LAST_YEAR is refused here, before anything is stamped with it.
    """
    moment = _system_time()
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        from mlpath.errors import ClockWrong

        raise ClockWrong(f"the system clock says {moment:%Y-%m-%d %H:%M} UTC, outside the years "
                         f"{FIRST_YEAR}-{LAST_YEAR} that mlpath records")
    return moment


def _system_time() -> datetime:
    fake = os.environ.get("MLPATH_CLOCK_FILE")
    if fake:
        try:
            with open(fake, encoding="utf-8") as fh:
                return datetime.fromisoformat(fh.read().strip().replace("Z", "+00:00")).astimezone(UTC)
        except (OSError, ValueError, OverflowError):
            pass
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """An event timestamp: UTC, ISO 8601, second precision, with a Z suffix."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone() -> tzinfo:
    """The learner's time zone: $TZ when it names one, else the system's local zone."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo or UTC


def parse_stamp(text: str) -> datetime:
    """A stored stamp as a timezone-aware UTC time: the inverse of `stamp`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def local_day(text: str, tz: tzinfo) -> date:
    """The learner's calendar date of a stored UTC stamp."""
    return parse_stamp(text).astimezone(tz).date()


def today(tz: tzinfo | None = None) -> date:
    """The learner's calendar date now."""
    return now().astimezone(tz or zone()).date()


# Every stamp mlpath stores is UTC YYYY-MM-DDTHH:MM:SSZ and every day YYYY-MM-DD, within these
# years, so text order is time order and no date arithmetic can overflow.
FIRST_YEAR, LAST_YEAR = 1970, 2100


def normal_stamp(text: str) -> str:
    """The stored form of an ISO 8601 timestamp with a zone (an offset, Z, basic or week form).

    Raises ValueError for text that is not one, has no zone, or lies outside FIRST_YEAR-LAST_YEAR.
    """
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        raise ValueError("no time zone (end it with Z for UTC)")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"outside the years {FIRST_YEAR}-{LAST_YEAR}") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return stamp(moment)


def normal_day(text: str) -> str:
    """The stored form of an ISO 8601 calendar date (YYYY-MM-DD, basic or week form)."""
    day = date.fromisoformat(text.strip())
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return day.isoformat()


# What an upgrade stores for a stamp or day it cannot normalise: the end of the range nearer to it.
_MIDDLE_YEAR = (FIRST_YEAR + LAST_YEAR) // 2


def repaired_stamp(text: object) -> str:
    """normal_stamp, or for text beyond repair the nearest stamp in range (for upgrades).

    A stamp without a zone was meant as UTC; text that is no stamp at all becomes the first one.
    """
    try:
        moment = datetime.fromisoformat(str(text).strip())
    except ValueError:
        return f"{FIRST_YEAR}-01-01T00:00:00Z"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return normal_stamp(moment.isoformat())
    except (ValueError, OverflowError):  # outside the years, or at their edge once in UTC
        return f"{LAST_YEAR}-12-31T23:59:59Z" if moment.year > _MIDDLE_YEAR else f"{FIRST_YEAR}-01-01T00:00:00Z"


def repaired_day(text: object) -> str:
    """normal_day, or for text beyond repair the nearest day in range (for upgrades)."""
    try:
        day = date.fromisoformat(str(text).strip())
    except ValueError:
        return f"{FIRST_YEAR}-01-01"
    try:
        return normal_day(day.isoformat())
    except ValueError:
        return f"{LAST_YEAR}-12-31" if day.year > _MIDDLE_YEAR else f"{FIRST_YEAR}-01-01"
