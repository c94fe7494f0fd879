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
    """The current time, timezone-aware, in UTC. Tests replace this function."""
    fake = os.environ.get("MLPATH_CLOCK_FILE")
    if fake:
        try:
            with open(fake, encoding="utf-8") as fh:
                return datetime.fromisoformat(fh.read().strip().replace("Z", "+00:00")).astimezone(UTC)
        except (OSError, ValueError):
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


def today(tz: tzinfo | None = None) -> date:
    """The learner's calendar date now."""
    return now().astimezone(tz or zone()).date()
