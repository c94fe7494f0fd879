"""The versioned JSON progress format: the complete record of a learner's progress (pure).

Document (format version 5):

    {
      "format": "mlpath-progress",
      "version": 5,
      "generated_at": "2026-11-24T12:00:00Z",
      "roadmap": {"title": "...", "version": 1},
      "resources": [{"id", "title", "kind", "stage", "hours"}],   # every resource with records
      "events":   [{"resource", "status", "at", "note", "rating"}],
      "sessions": [{"resource", "day", "hours", "at", "note"}],
      "notes":    [{"resource", "at", "text"}],
      "reviews":  [{"resource", "at", "grade"}],                 # grade 1 again .. 4 easy
      "progress": [{"resource", "at", "fraction", "label"}],     # `mlpath progress`, fraction 0-1
      "goals":    [{"at", "hours_per_week"}],                    # `mlpath goal`; null is `goal off`
      "roadmaps": [{"name", "position", "title", "version", "digest", "source", "hidden",
                    "stages": [{stage columns}], "resources": [{resource columns}]}]
    }

"roadmaps" (since version 5) holds every roadmap tracked beside the first (`mlpath roadmap add`),
whole: its row, stages and resources with the columns schema.py declares for them, as stored
(ids name/id where another roadmap had the id first; authors and after as JSON list text), so
importing into a fresh database brings them back with their ids. The first roadmap comes from
the roadmap file, as before. Version 4 had no "roadmaps"; record ids never held a "/".

Version 3 (until progress shares and weekly goals travelled too) had no "progress" and no
"goals"; importing it leaves those as they are.

Since version 3 every record also has "undone": null, or when `mlpath undo` reverted it, the
time it did (UTC). Undone records are kept, so an import makes them undone here too and a
backup taken before an undo never brings an undone record back. Version 2 had no "undone".

Version 1 (until the move from SM-2 to FSRS) held each review as {"resource", "at", "rating",
"repetitions", "ease", "interval_days", "due"}: its rating is the grade (the same 1-4 scale) and
the SM-2 schedule is not needed, since importing schedules the reviews again with FSRS.
Every earlier version still imports.

The record keys are the columns schema.py declares for each table (`resource_id` is written
`resource`), limited to the fields the record type keeps. Timestamps are UTC
`YYYY-MM-DDTHH:MM:SSZ`; days are local dates (YYYY-MM-DD), all within 1970-2100: an import
normalises any other ISO 8601 form and refuses what is outside. Records are in the order they
were recorded (events in the order they count, reviews by time), so an export imported into an
empty database exports identically. An imported event is placed among its resource's events by
its stamp, so one older than the work already stored never becomes the status.
"""

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from mlpath import clock, schema
from mlpath.entry import HOURS_PER_WEEK
from mlpath.errors import ImportInvalid, has_surrogate
from mlpath.habits import MAX_HOURS_PER_DAY, Goal, Mark, Note, Session
from mlpath.progress import Event
from mlpath.spaced import Answer
from mlpath.vocab import ID_PATTERN, STORED_ID_PATTERN, Kind, Status

FORMAT = "mlpath-progress"
VERSION = 5
READS = (1, 2, 3, 4, 5)  # every version this mlpath imports
INT_LIMIT = 2**63  # SQLite's INTEGER


class BackupResource(NamedTuple):
    """A resource as the backup describes it (enough to keep history of one the roadmap lost).

    One resource shape per layer: roadmap.Resource (the roadmap file), schema.RESOURCE (the
    database row), progress.Item (what commands see), and this one for the backup file.
    """

    id: str
    title: str
    kind: str
    stage: str
    hours: float


class BackupRoadmap(NamedTuple):
    """A roadmap tracked beside the first, whole: its rows as stored, each in its table's column order."""

    row: tuple[Any, ...]  # schema.ROADMAP
    stages: tuple[tuple[Any, ...], ...]  # schema.STAGE
    resources: tuple[tuple[Any, ...], ...]  # schema.RESOURCE

    @property
    def name(self) -> str:
        return str(self.row[0])


class Dump(NamedTuple):
    roadmap_title: str = ""
    roadmap_version: int = 0
    resources: tuple[BackupResource, ...] = ()
    events: tuple[Event, ...] = ()
    sessions: tuple[Session, ...] = ()
    notes: tuple[Note, ...] = ()
    reviews: tuple[Answer, ...] = ()
    # Records that `mlpath undo` reverted: (section, record, when it was undone). The record is in
    # its section too; an undone record is kept (history is never lost), just left out of reads.
    undone: tuple[tuple[str, Any, str], ...] = ()
    progress: tuple[Mark, ...] = ()  # shares set with `mlpath progress`
    goals: tuple[Goal, ...] = ()
    roadmaps: tuple[BackupRoadmap, ...] = ()  # those tracked beside the first

    def record_count(self) -> int:
        return (len(self.events) + len(self.sessions) + len(self.notes) + len(self.reviews) + len(self.progress)
                + len(self.goals))


class MergeReport(NamedTuple):
    """How many records of each kind an import added, and the resources it had to keep as retired."""

    events: int = 0
    sessions: int = 0
    notes: int = 0
    reviews: int = 0
    retired_created: tuple[str, ...] = ()
    undone: int = 0  # records the backup says were undone, undone here too
    progress: int = 0
    goals: int = 0
    roadmaps: tuple[str, ...] = ()  # roadmaps the backup brought (names)


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


# The document's record lists: the table each one comes from, and the record type it holds.
SECTIONS: tuple[tuple[str, schema.Table, type], ...] = (
    ("events", schema.EVENT, Event), ("sessions", schema.STUDY_SESSION, Session), ("notes", schema.NOTE, Note),
    ("reviews", schema.REVIEW, Answer), ("progress", schema.PROGRESS_MARK, Mark), ("goals", schema.GOAL, Goal))


def section_keys(table: schema.Table, record_type: type) -> list[str]:
    """A section's JSON keys: its table's columns that the record type keeps, in column order."""
    fields = record_type._fields  # type: ignore[attr-defined]  # a NamedTuple
    return [c.key for c in table.columns if c.name in fields]


def _json_value(value: Any) -> Any:
    return value.value if isinstance(value, Status) else value


def to_json(dump: Dump, generated_at: str) -> str:
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": generated_at,
        "roadmap": {"title": dump.roadmap_title, "version": dump.roadmap_version},
        "resources": [r._asdict() for r in dump.resources],
    }
    undone = {(section, record): at for section, record, at in dump.undone}
    for key, table, record_type in SECTIONS:
        keys = section_keys(table, record_type)
        doc[key] = [dict(zip(keys, map(_json_value, record), strict=True)) | {"undone": undone.get((key, record))}
                    for record in getattr(dump, key)]
    doc["roadmaps"] = [_columns(schema.ROADMAP, road.row)
                       | {"stages": [_columns(schema.STAGE, row) for row in road.stages],
                          "resources": [_columns(schema.RESOURCE, row) for row in road.resources]}
                       for road in dump.roadmaps]
    from mlpath import render

    return render.json_text(doc) + "\n"


def _columns(table: schema.Table, row: tuple[Any, ...]) -> dict[str, Any]:
    return {c.key: bool(v) if c.type == "BOOLEAN" else v for c, v in zip(table.columns, row, strict=True)}


def looks_like_json(text: str) -> bool:
    return text.lstrip().startswith("{")


def _normal(normalise: Callable[[str], str]) -> Callable[[str], str | None]:
    """A check that gives a value's stored form, or None when it has none."""

    def check(text: str) -> str | None:
        try:
            return normalise(text)
        except ValueError:
            return None

    return check


class _Reader:
    """Checks one document, collecting problems so the first few can be reported together."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []
        self.undone: list[tuple[str, Any, str]] = []

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
        if isinstance(value, str) and has_surrogate(value):
            self.fail(where, f"{key} holds a lone surrogate escape (\\ud800-\\udfff), which is not text")
            return None
        return value

    def matching(self, obj: dict[str, Any], key: str, where: str, valid: Callable[[str], Any],
                 expected: str) -> str | None:
        """A text field that `valid` accepts; otherwise a problem saying what was expected.

        When `valid` returns text, that is the value in its stored form (a normalised stamp).
        """
        value: str | None = self.get(obj, key, where, (str,))
        if value is None:
            return None
        result = valid(value)
        if not result:
            self.fail(where, f"{key} {value!r} is not {expected}")
            return None
        return result if isinstance(result, str) else value

    def stamp(self, obj: dict[str, Any], key: str, where: str) -> str | None:
        return self.matching(obj, key, where, _normal(clock.normal_stamp),
                             f"a UTC timestamp (Z or an offset) in {clock.FIRST_YEAR}-{clock.LAST_YEAR}, "
                             "like 2026-11-24T12:00:00Z")

    def day(self, obj: dict[str, Any], key: str, where: str) -> str | None:
        return self.matching(obj, key, where, _normal(clock.normal_day),
                             f"a date in {clock.FIRST_YEAR}-{clock.LAST_YEAR} like 2026-11-24")

    def resource(self, obj: dict[str, Any], where: str) -> str | None:
        return self.matching(obj, "resource", where, STORED_ID_PATTERN.match, "a resource id")

    def row(self, obj: dict[str, Any], where: str, table: schema.Table) -> tuple[Any, ...] | None:
        """One stored row of table, every column checked against its declared type; None if any is wrong."""
        kinds: dict[str, tuple[type, ...]] = {"VARCHAR": (str,), "INTEGER": (int,), "FLOAT": (int, float),
                                              "BOOLEAN": (bool, int)}
        values, before = [], len(self.problems)
        for c in table.columns:
            value = self.get(obj, c.key, where, kinds[c.type], optional=c.nullable)
            if isinstance(value, str) and c.name in _ID_COLUMNS and not STORED_ID_PATTERN.match(value):
                self.fail(where, f"{c.key} {value!r} is not an id")
            if isinstance(value, str) and c.name in _LIST_COLUMNS and not _text_list(value):
                self.fail(where, f"{c.key} must be a JSON list of text, got {_short(value)}")
            values.append(int(value) if c.type == "BOOLEAN" and value is not None else value)
        return tuple(values) if len(self.problems) == before else None

    def roadmaps(self, doc: dict[str, Any]) -> list[BackupRoadmap]:
        out = []
        for where, obj in self.records(doc, "roadmaps"):
            row = self.row(obj, where, schema.ROADMAP)
            if row is not None and not ID_PATTERN.match(row[0]):
                self.fail(where, f"name {row[0]!r} is not a roadmap name")
            stages = [self.row(o, f"{where}.{w}", schema.STAGE) for w, o in self.records(obj, "stages")]
            resources = [self.row(o, f"{where}.{w}", schema.RESOURCE) for w, o in self.records(obj, "resources")]
            if row is not None and None not in stages and None not in resources:
                out.append(BackupRoadmap(row, tuple(s for s in stages if s), tuple(r for r in resources if r)))
        return out

    def kept(self, obj: dict[str, Any], where: str, section: str, record: Any) -> Any:
        """record, noted as undone when the document says it was (version 3 on)."""
        if obj.get("undone") is not None:
            at = self.stamp(obj, "undone", where)
            if at is not None:
                self.undone.append((section, record, at))
        return record

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
        rid = r.matching(obj, "id", where, STORED_ID_PATTERN.match, "a resource id")
        title = r.get(obj, "title", where, (str,))
        kind = r.matching(obj, "kind", where, kinds.__contains__, f"one of {', '.join(sorted(kinds))}")
        stage = r.matching(obj, "stage", where, STORED_ID_PATTERN.match, "a stage id")
        hours = r.get(obj, "hours", where, (int, float))
        if hours is not None and not hours > 0:
            r.fail(where, f"hours must be positive, got {hours!r}")
        elif rid is not None and title is not None and kind is not None and stage is not None and hours is not None:
            resources.append(BackupResource(rid, title, kind, stage, float(hours)))
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
            events.append(r.kept(obj, where, "events", Event(rid, Status(status), at, note, rating)))
    sessions = []
    for where, obj in r.records(doc, "sessions"):
        rid = r.resource(obj, where)
        day = r.day(obj, "day", where)
        hours = r.get(obj, "hours", where, (int, float))
        at = r.stamp(obj, "at", where)
        note = r.get(obj, "note", where, (str,), optional=True)
        if hours is not None and not 0 < hours <= 24:
            r.fail(where, f"hours must be more than 0 and at most {MAX_HOURS_PER_DAY:g}, got {hours!r}")
        elif rid is not None and day is not None and hours is not None and at is not None:
            sessions.append(r.kept(obj, where, "sessions", Session(rid, day, float(hours), at, note)))
    gone = {record for section, record, _ in r.undone if section == "sessions"}
    for day, total in _day_totals(s for s in sessions if s not in gone).items():
        if total > MAX_HOURS_PER_DAY + 1e-9:
            r.fail(f"sessions on {day}", f"add up to {total:g} h, more than a day has")
    notes = []
    for where, obj in r.records(doc, "notes"):
        rid = r.resource(obj, where)
        at = r.stamp(obj, "at", where)
        body = r.get(obj, "text", where, (str,))
        if rid is not None and at is not None and body is not None:
            notes.append(r.kept(obj, where, "notes", Note(rid, at, body)))
    reviews = []
    grade_key = "rating" if version == 1 else "grade"
    for where, obj in r.records(doc, "reviews"):
        rid = r.resource(obj, where)
        at = r.stamp(obj, "at", where)
        grade = r.get(obj, grade_key, where, (int,))
        if grade is not None and not 1 <= grade <= 4:
            r.fail(where, f"{grade_key} must be 1-4, got {grade}")
        elif rid is not None and at is not None and grade is not None:
            reviews.append(r.kept(obj, where, "reviews", Answer(rid, at, grade)))
    marks = []
    for where, obj in r.records(doc, "progress"):
        rid = r.resource(obj, where)
        at = r.stamp(obj, "at", where)
        fraction = r.get(obj, "fraction", where, (int, float))
        label = r.get(obj, "label", where, (str,))
        if fraction is not None and not 0 <= fraction <= 1:
            r.fail(where, f"fraction must be 0-1, got {fraction!r}")
        elif rid is not None and at is not None and fraction is not None and label is not None:
            marks.append(r.kept(obj, where, "progress", Mark(rid, at, float(fraction), label)))
    goals = []
    for where, obj in r.records(doc, "goals"):
        at = r.stamp(obj, "at", where)
        hours = r.get(obj, "hours_per_week", where, (int, float), optional=True)
        if hours is not None and not 0 < hours <= HOURS_PER_WEEK:
            r.fail(where, f"hours_per_week must be more than 0 and at most {HOURS_PER_WEEK}, or null, got {hours!r}")
        elif at is not None:
            goals.append(r.kept(obj, where, "goals", Goal(at, None if hours is None else float(hours))))
    roadmaps = r.roadmaps(doc) if version >= 5 else []
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
        undone=tuple(r.undone),
        progress=tuple(marks),
        goals=tuple(goals),
        roadmaps=tuple(roadmaps),
    )


# Columns of a stored stage or resource row that hold ids, and those that hold a JSON list as text.
_ID_COLUMNS = {"id", "stage_id", "same_as", "short_id"}
_LIST_COLUMNS = {"authors", "after"}


def _text_list(text: str) -> bool:
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def identity(record: Any) -> tuple[Any, ...]:
    """What makes two records the same record (for merging without duplicates)."""
    return tuple(record)


def _day_totals(sessions: Any) -> dict[str, float]:
    totals: dict[str, float] = {}
    for s in sessions:
        totals[s.day] = totals.get(s.day, 0.0) + s.hours
    return totals


def _new(records: Any, have: Any) -> tuple[Any, ...]:
    """Records not already stored, and not repeated within the batch either."""
    seen = {identity(r) for r in have}
    out = []
    for record in records:
        key = identity(record)
        if key not in seen:
            seen.add(key)
            out.append(record)
    return tuple(out)


def placeholder(rid: str) -> BackupResource:
    """What stands for a resource the backup names but does not describe (an old export)."""
    return BackupResource(rid, rid, Kind.website.value, "retired", 1.0)


def merge_plan(dump: Dump, have: Dump, known: set[str], day_hours: dict[str, float]) -> Dump:
    """What importing dump adds to a database holding `have`: only new records, nothing removed.

    A record `have` holds already is never added again, even when it was undone there, so a backup
    taken before an undo cannot bring the undone record back. The plan's `undone` are the
    records the backup says were undone that are not undone here yet.

    `resources` of the plan are the retired placeholders to create for ids the database does not
    know; `day_hours` is the hours already logged per day, for the hours-per-day limit (raises
    ImportInvalid naming the day, and then nothing is imported).
    """
    events, sessions = _new(dump.events, have.events), _new(dump.sessions, have.sessions)
    notes, reviews = _new(dump.notes, have.notes), _new(dump.reviews, have.reviews)
    gone = {(section, record) for section, record, _ in have.undone}
    undone = tuple((section, record, at) for section, record, at in dump.undone if (section, record) not in gone)
    buried = {record for section, record, _ in undone if section == "sessions"}
    for day, hours in sorted(_day_totals(s for s in sessions if s not in buried).items()):
        total = day_hours.get(day, 0.0) + hours
        if total > MAX_HOURS_PER_DAY + 1e-9:
            raise ImportInvalid(f"importing would make {total:g} h logged on {day}, more than a day has; "
                                "nothing was imported", hint="remove or shorten sessions of that day in the file")
    marks, goals = _new(dump.progress, have.progress), _new(dump.goals, have.goals)
    info = {r.id: r for r in dump.resources}
    used = {r.resource_id for group in (events, sessions, notes, reviews, marks) for r in group}
    missing = tuple(info.get(rid) or placeholder(rid) for rid in sorted(used - known))
    return Dump(dump.roadmap_title, dump.roadmap_version, missing, events, sessions, notes, reviews, undone,
                progress=marks, goals=goals, roadmaps=dump.roadmaps)
