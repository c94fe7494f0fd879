"""The JSON progress format: round trips and every kind of malformed document."""

from __future__ import annotations

import json

import pytest

from mlpath import backup
from mlpath.errors import ImportInvalid
from mlpath.habits import Note, Session
from mlpath.progress import Event, Status
from mlpath.spaced import Answer

DUMP = backup.Dump(
    roadmap_title="T",
    roadmap_version=3,
    resources=(backup.ResourceInfo("a", "A <b>", "book", "s", 2.0),),
    events=(Event("a", Status.doing, "2026-11-01T10:00:00Z"), Event("a", Status.done, "2026-11-02T10:00:00Z",
                                                                       "fine\nnote", 5)),
    sessions=(Session("a", "2026-11-01", 1.5, "2026-11-01T11:00:00Z", "ch 1"),),
    notes=(Note("a", "2026-11-01T12:00:00Z", "ünïcode ✓"),),
    reviews=(Answer("a", "2026-11-03T10:00:00Z", 3),),
)


def test_round_trip_is_lossless():
    text = backup.to_json(DUMP, "2026-11-24T00:00:00Z")
    assert backup.parse(text, "f.json") == DUMP
    doc = json.loads(text)
    assert (doc["format"], doc["version"]) == ("mlpath-progress", backup.VERSION)
    assert list(doc) == ["format", "version", "generated_at", "roadmap", "resources", "events", "sessions", "notes",
                         "reviews"]


def broken(mutate) -> str:
    doc = json.loads(backup.to_json(DUMP, "2026-11-24T00:00:00Z"))
    mutate(doc)
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("not json at all", "is not valid JSON (line 1, column 1"),
        ("[1, 2]", "is not an mlpath progress export"),
        ('{"format": "other"}', "is not an mlpath progress export"),
        (broken(lambda d: d.update(version=3)), "progress format version 3; this mlpath reads versions 1-2"),
        (broken(lambda d: d.update(version=True)), "progress format version True"),
        (broken(lambda d: d["events"][0].pop("at")), "events[0]: missing field 'at'"),
        (broken(lambda d: d["events"][1].update(status="finished")), "events[1]: unknown status 'finished'"),
        (broken(lambda d: d["events"][0].update(at="yesterday")), "is not a UTC timestamp"),
        (broken(lambda d: d["events"][0].update(resource="Bad Id")), "is not a resource id"),
        (broken(lambda d: d["events"][1].update(rating=9)), "rating must be 1-5"),
        (broken(lambda d: d["sessions"][0].update(hours=30)), "at most 24"),
        (broken(lambda d: d["sessions"][0].update(day="2026-13-01")), "is not a date"),
        (broken(lambda d: d["reviews"][0].update(grade=0)), "grade must be 1-4"),
        (broken(lambda d: d["reviews"][0].pop("grade")), "reviews[0]: missing field 'grade'"),
        (broken(lambda d: d.update(events={"a": 1})), "events: must be a list"),
        (broken(lambda d: d["notes"].append("text")), "notes[1]: must be an object"),
        (broken(lambda d: d["resources"][0].update(kind="blog")), "kind 'blog'"),
    ],
)
def test_malformed_documents_are_refused_with_a_clear_message(text, fragment):
    with pytest.raises(ImportInvalid) as info:
        backup.parse(text, "f.json")
    assert fragment in info.value.message
    assert "\n" not in info.value.message


def test_several_problems_are_counted():
    text = broken(lambda d: [e.pop("at") for e in d["events"]])
    with pytest.raises(ImportInvalid, match=r"and 1 more problems\); nothing was imported"):
        backup.parse(text, "f.json")


def test_version_1_reviews_import_as_grades():
    """Version 1 held SM-2 schedules; the answer (rating 1-4) is the grade, the rest is rescheduled."""
    doc = json.loads(backup.to_json(DUMP, "2026-11-24T00:00:00Z"))
    doc["version"] = 1
    doc["reviews"] = [{"resource": "a", "at": "2026-11-03T10:00:00Z", "rating": 2, "repetitions": 0, "ease": 2.36,
                       "interval_days": 1.0, "due": "2026-11-04"}]
    assert backup.parse(json.dumps(doc), "v1.json").reviews == (Answer("a", "2026-11-03T10:00:00Z", 2),)
    doc["reviews"][0]["rating"] = 5
    with pytest.raises(ImportInvalid, match="rating must be 1-4"):
        backup.parse(json.dumps(doc), "v1.json")
