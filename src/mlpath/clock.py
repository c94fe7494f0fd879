"""The one place mlpath reads the system clock and time zone, so tests can move both."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo


def now() -> datetime:
    """The current time, timezone-aware, in UTC. Tests replace this function."""
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
