"""The versioned JSON progress format: the complete record of a learner's progress (pure).

Document (format version 2):

    {
      "format": "mlpath-progress",
      "version": 2,
      "generated_at": "2026-11-24T12:00:00Z",
      "roadmap": {"title": "...", "version": 1},
      "resources": [{"id", "title", "kind", "stage", "hours"}],   # every resource with records
      "events":   [{"resource", "status", "at", "note", "rating"}],
      "sessions": [{"resource", "day", "hours", "at", "note"}],
      "notes":    [{"resource", "at", "text"}],
      "reviews":  [{"resource", "at", "grade"}]                  # grade 1 again .. 4 easy
    }

Version 1 (until the move from SM-2 to FSRS) held each review as {"resource", "at", "rating",
"repetitions", "ease", "interval_days", "due"}: its rating is the grade (the same 1-4 scale) and
the SM-2 schedule is not needed, since importing schedules the reviews again with FSRS.
Every earlier version still imports.

Timestamps are UTC ISO 8601 with a Z suffix; days are local dates (YYYY-MM-DD). Records are
ordered by time, so an export imported into an empty database exports identically.
"""

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NamedTuple

from mlpath.errors import ImportInvalid
from mlpath.habits import Note, Session
from mlpath.progress import Event
from mlpath.spaced import Answer
from mlpath.vocab import ID_PATTERN, Kind, Status

FORMAT = "mlpath-progress"
VERSION = 2
READS = (1, 2)  # every version this mlpath imports
SURROGATE = re.compile("[\ud800-\udfff]")  # a lone \\udXXX escape: no text, and SQLite refuses it
INT_LIMIT = 2**63  # SQLite's INTEGER


class ResourceInfo(NamedTuple):
    id: str
    title: str
    kind: str
    stage: str
    hours: float


class Dump(NamedTuple):
    roadmap_title: str = ""
    roadmap_version: int = 0
    resources: tuple[ResourceInfo, ...] = ()
    events: tuple[Event, ...] = ()
    sessions: tuple[Session, ...] = ()
    notes: tuple[Note, ...] = ()
    reviews: tuple[Answer, ...] = ()


class MergeReport(NamedTuple):
    """How many records of each kind an import added, and the resources it had to keep as retired."""

    events: int = 0
    sessions: int = 0
    notes: int = 0
    reviews: int = 0
    retired_created: tuple[str, ...] = ()


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 19 or not -INT_LIMIT <= int(text) < INT_LIMIT:
        raise ValueError(f"the integer {text[:20]}... is too large")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def load_json(text: str, name: str) -> Any:
    """Strict JSON: NaN, Infinity, integers beyond 64 bits and runaway nesting are refused."""
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise ImportInvalid(f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except ValueError as exc:
        raise ImportInvalid(f"{name} is not a usable JSON export: {exc}") from None
    except RecursionError:
        raise ImportInvalid(f"{name} nests brackets too deeply to be an mlpath export") from None


def to_json(dump: Dump, generated_at: str) -> str:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": generated_at,
        "roadmap": {"title": dump.roadmap_title, "version": dump.roadmap_version},
        "resources": [
            {"id": r.id, "title": r.title, "kind": r.kind, "stage": r.stage, "hours": r.hours} for r in dump.resources
        ],
        "events": [
            {"resource": e.resource_id, "status": e.status.value, "at": e.at, "note": e.note, "rating": e.rating}
            for e in dump.events
        ],
        "sessions": [
            {"resource": s.resource_id, "day": s.day, "hours": s.hours, "at": s.at, "note": s.note}
            for s in dump.sessions
        ],
        "notes": [{"resource": n.resource_id, "at": n.at, "text": n.text} for n in dump.notes],
        "reviews": [
            {"resource": r.resource_id, "at": r.at, "grade": r.grade} for r in dump.reviews
        ],
    }
    from mlpath import render

    return render.json_text(doc) + "\n"


def looks_like_json(text: str) -> bool:
    return text.lstrip().startswith("{")


def _is_utc_stamp(text: str) -> bool:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


class _Reader:
    """Checks one document, collecting problems so the first few can be reported together."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def get(self, obj: dict[str, Any], key: str, where: str, kinds: tuple[type, ...], optional: bool = False) -> Any:
        if key not in obj:
            if not optional:
                self.fail(where, f"missing field {key!r}")
            return None
        value = obj[key]
        if value is None and optional:
            return None
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.fail(where, f"{key} must be {names}, got {_short(value)}")
            return None
        if isinstance(value, str) and SURROGATE.search(value):
            self.fail(where, f"{key} holds a lone surrogate escape (\\ud800-\\udfff), which is not text")
            return None
        return value

    def matching(self, obj: dict[str, Any], key: str, where: str, valid: Callable[[str], Any],
                 expected: str) -> str | None:
        """A text field that `valid` accepts; otherwise a problem saying what was expected."""
        value: str | None = self.get(obj, key, where, (str,))
        if value is not None and not valid(value):
            self.fail(where, f"{key} {value!r} is not {expected}")
            return None
        return value

    def stamp(self, obj: dict[str, Any], key: str, where: str) -> str | None:
        return self.matching(obj, key, where, _is_utc_stamp, "a UTC timestamp like 2026-11-24T12:00:00Z")

    def day(self, obj: dict[str, Any], key: str, where: str) -> str | None:
        return self.matching(obj, key, where, _is_date, "a date like 2026-11-24")

    def resource(self, obj: dict[str, Any], where: str) -> str | None:
        return self.matching(obj, "resource", where, ID_PATTERN.match, "a resource id")

    def records(self, doc: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
        items = doc.get(key, [])
        if not isinstance(items, list):
            self.fail(key, "must be a list")
            return []
        out = []
        for n, obj in enumerate(items):
            where = f"{key}[{n}]"
            if not isinstance(obj, dict):
                self.fail(where, "must be an object")
                continue
            out.append((where, obj))
        return out


def parse(text: str, name: str) -> Dump:
    """Read a progress document; raise ImportInvalid naming what is wrong (nothing is applied)."""
    doc = load_json(text, name)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ImportInvalid(f"{name} is not an mlpath progress export (no \"format\": \"{FORMAT}\")")
    version = doc.get("version")
    if isinstance(version, bool) or version not in READS:
        raise ImportInvalid(f"{name} is progress format version {_short(version)}; this mlpath reads "
                            f"versions {READS[0]}-{READS[-1]}", hint="upgrade mlpath to import it")
    r = _Reader(name)
    statuses = {s.value for s in Status}
    kinds = {k.value for k in Kind}
    resources = []
    for where, obj in r.records(doc, "resources"):
        rid = r.matching(obj, "id", where, ID_PATTERN.match, "a resource id")
        title = r.get(obj, "title", where, (str,))
        kind = r.matching(obj, "kind", where, kinds.__contains__, f"one of {', '.join(sorted(kinds))}")
        stage = r.matching(obj, "stage", where, ID_PATTERN.match, "a stage id")
        hours = r.get(obj, "hours", where, (int, float))
        if hours is not None and not hours > 0:
            r.fail(where, f"hours must be positive, got {hours!r}")
        elif rid is not None and title is not None and kind is not None and stage is not None and hours is not None:
            resources.append(ResourceInfo(rid, title, kind, stage, float(hours)))
    events = []
    for where, obj in r.records(doc, "events"):
        rid = r.resource(obj, where)
        status = r.get(obj, "status", where, (str,))
        at = r.stamp(obj, "at", where)
        note = r.get(obj, "note", where, (str,), optional=True)
        rating = r.get(obj, "rating", where, (int,), optional=True)
        if status is not None and status not in statuses:
            r.fail(where, f"unknown status {status!r} (one of {', '.join(sorted(statuses))})")
        elif rating is not None and not 1 <= rating <= 5:
            r.fail(where, f"rating must be 1-5, got {rating}")
        elif rid is not None and status is not None and at is not None:
            events.append(Event(rid, Status(status), at, note, rating))
    sessions = []
    for where, obj in r.records(doc, "sessions"):
        rid = r.resource(obj, where)
        day = r.day(obj, "day", where)
        hours = r.get(obj, "hours", where, (int, float))
        at = r.stamp(obj, "at", where)
        note = r.get(obj, "note", where, (str,), optional=True)
        if hours is not None and not 0 < hours <= 24:
            r.fail(where, f"hours must be more than 0 and at most 24, got {hours!r}")
        elif rid is not None and day is not None and hours is not None and at is not None:
            sessions.append(Session(rid, day, float(hours), at, note))
    notes = []
    for where, obj in r.records(doc, "notes"):
        rid = r.resource(obj, where)
        at = r.stamp(obj, "at", where)
        body = r.get(obj, "text", where, (str,))
        if rid is not None and at is not None and body is not None:
            notes.append(Note(rid, at, body))
    reviews = []
    grade_key = "rating" if version == 1 else "grade"
    for where, obj in r.records(doc, "reviews"):
        rid = r.resource(obj, where)
        at = r.stamp(obj, "at", where)
        grade = r.get(obj, grade_key, where, (int,))
        if grade is not None and not 1 <= grade <= 4:
            r.fail(where, f"{grade_key} must be 1-4, got {grade}")
        elif rid is not None and at is not None and grade is not None:
            reviews.append(Answer(rid, at, grade))
    roadmap: dict[str, Any] = doc["roadmap"] if isinstance(doc.get("roadmap"), dict) else {}
    if r.problems:
        more = f" (and {len(r.problems) - 1} more problems)" if len(r.problems) > 1 else ""
        raise ImportInvalid(f"{name}: {r.problems[0]}{more}; nothing was imported")
    return Dump(
        roadmap_title=str(roadmap.get("title", "")),
        roadmap_version=roadmap["version"] if isinstance(roadmap.get("version"), int) else 0,
        resources=tuple(resources),
        events=tuple(events),
        sessions=tuple(sessions),
        notes=tuple(notes),
        reviews=tuple(reviews),
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def identity(record: Any) -> tuple[Any, ...]:
    """What makes two records the same record (for merging without duplicates)."""
    return tuple(record)
