"""The JSON progress format: round trips and every kind of malformed document."""

from __future__ import annotations

import json

import pytest

from mlpath import backup
from mlpath.errors import ImportInvalid
from mlpath.habits import Goal, Mark, Note, Session
from mlpath.progress import Event, Status
from mlpath.spaced import Answer

DUMP = backup.Dump(
    roadmap_title="T",
    roadmap_version=3,
    resources=(backup.BackupResource("a", "A <b>", "book", "s", 2.0),),
    events=(Event("a", Status.doing, "2026-11-01T10:00:00Z"), Event("a", Status.done, "2026-11-02T10:00:00Z",
                                                                       "fine\nnote", 5)),
    sessions=(Session("a", "2026-11-01", 1.5, "2026-11-01T11:00:00Z", "ch 1"),),
    notes=(Note("a", "2026-11-01T12:00:00Z", "ünïcode ✓"),),
    reviews=(Answer("a", "2026-11-03T10:00:00Z", 3),),
    progress=(Mark("a", "2026-11-01T12:30:00Z", 5 / 12, "5/12"),),
    goals=(Goal("2026-11-01T09:00:00Z", 8.0), Goal("2026-11-05T09:00:00Z", None)),
)


def test_round_trip_is_lossless():
    text = backup.to_json(DUMP, "2026-11-24T00:00:00Z")
    assert backup.parse(text, "f.json") == DUMP
    doc = json.loads(text)
    assert (doc["format"], doc["version"]) == ("mlpath-progress", backup.VERSION)
    assert list(doc) == ["format", "version", "generated_at", "roadmap", "resources", "events", "sessions", "notes",
                         "reviews", "progress", "goals", "roadmaps"]


def test_round_trip_carries_added_roadmaps_whole():
    road = backup.BackupRoadmap(
        ("dl", 1, "Deep learning", 2, "12-ab", "/x/dl.yaml", 0),
        (("dl/books", 1, "Books", None, 0, "dl", "books"),),
        (("dl/intro", "dl/books", 1, "Intro", "book", 1, 3.0, "https://d2l.ai", '["A. Author"]', None, None, 0,
          '["dl/books"]', "dl", "intro", "d2l-book"),))
    dump = DUMP._replace(roadmaps=(road,))
    text = backup.to_json(dump, "2026-11-24T00:00:00Z")
    assert backup.parse(text, "f.json") == dump
    doc = json.loads(text)
    assert doc["roadmaps"][0]["hidden"] is False and doc["roadmaps"][0]["resources"][0]["core"] is True
    doc["roadmaps"][0]["resources"][0]["after"] = "not a list"
    doc["roadmaps"][0]["stages"][0]["id"] = "Bad Id"
    with pytest.raises(ImportInvalid, match="is not an id"):
        backup.parse(json.dumps(doc), "f.json")


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
        (broken(lambda d: d.update(version=6)), "progress format version 6; this mlpath reads versions 1-5"),
        (broken(lambda d: d["progress"][0].update(fraction=1.5)), "fraction must be 0-1"),
        (broken(lambda d: d["progress"][0].pop("label")), "progress[0]: missing field 'label'"),
        (broken(lambda d: d["goals"][0].update(hours_per_week=-1)), "hours_per_week must be more than 0"),
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


def test_the_record_keys_are_the_tables_columns():
    from mlpath import schema

    doc = json.loads(backup.to_json(DUMP, "2026-11-24T00:00:00Z"))
    assert list(doc["events"][0]) == ["resource", "status", "at", "note", "rating", "undone"]
    for key, table, record_type in backup.SECTIONS:
        assert list(doc[key][0]) == [c.json_key or c.name for c in table.columns if c.name in record_type._fields] + [
            "undone"]
    assert list(doc["reviews"][0]) == ["resource", "at", "grade", "undone"]
    assert schema.EVENT.columns[0].key == "resource"


@pytest.mark.parametrize("stamp, stored", [("20261101T100000Z", "2026-11-01T10:00:00Z"),
                                           ("2026-11-01T12:00:00+02:00", "2026-11-01T10:00:00Z"),
                                           ("2026-W44-7T10:00:00Z", "2026-11-01T10:00:00Z")])
def test_other_iso_forms_are_stored_in_the_one_form(stamp, stored):
    dump = backup.parse(broken(lambda d: d["events"][0].update(at=stamp)), "f.json")
    assert dump.events[0].at == stored
    day = backup.parse(broken(lambda d: d["sessions"][0].update(day="20261124")), "f.json")
    assert day.sessions[0].day == "2026-11-24"


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d["events"][1].update(at="9999-12-31T23:59:59Z"), "events[1]: at '9999-12-31T23:59:59Z'"),
    (lambda d: d["notes"][0].update(at="0001-01-01T00:00:00+10:00"), "notes[0]: at '0001-01-01T00:00:00+10:00'"),
    (lambda d: d["sessions"][0].update(day="9999-01-01"), "sessions[0]: day '9999-01-01' is not a date in 1970-2100"),
    (lambda d: d["reviews"][0].update(at="1969-12-31T23:59:59Z"), "reviews[0]: at '1969-12-31T23:59:59Z'"),
    (lambda d: d["sessions"].extend([d["sessions"][0] | {"hours": 20, "at": f"2026-11-01T1{n}:00:00Z"}
                                     for n in range(5)]), "sessions on 2026-11-01: add up to"),
])
def test_stamps_days_and_hours_beyond_reason_are_refused_naming_the_record(mutate, fragment):
    with pytest.raises(ImportInvalid) as info:
        backup.parse(broken(mutate), "f.json")
    assert fragment in info.value.message and "nothing was imported" in info.value.message
    assert len(info.value.lines()) == 1


def test_merge_plan_adds_only_new_records_and_placeholders_for_unknown_ids():
    have = backup.Dump(events=DUMP.events[:1], sessions=DUMP.sessions)
    dump = DUMP._replace(events=DUMP.events + DUMP.events[1:] + (Event("gone", Status.done, "2026-11-05T00:00:00Z"),))
    plan = backup.merge_plan(dump, have, known={"a"}, day_hours={"2026-11-01": 1.5})
    assert plan.events == (DUMP.events[1], Event("gone", Status.done, "2026-11-05T00:00:00Z"))
    assert plan.sessions == () and plan.notes == DUMP.notes and plan.reviews == DUMP.reviews
    assert plan.resources == (backup.placeholder("gone"),)
    described = backup.merge_plan(DUMP, backup.Dump(), known=set(), day_hours={})
    assert described.resources == DUMP.resources


def test_merge_plan_refuses_a_day_over_its_hours_with_what_is_already_logged():
    with pytest.raises(ImportInvalid, match=r"24\.5 h logged on 2026-11-01"):
        backup.merge_plan(DUMP, backup.Dump(), known={"a"}, day_hours={"2026-11-01": 23.0})


def test_version_3_imports_without_progress_or_goals():
    doc = json.loads(backup.to_json(DUMP, "2026-11-24T00:00:00Z"))
    doc["version"] = 3
    del doc["progress"], doc["goals"]
    assert backup.parse(json.dumps(doc), "v3.json") == DUMP._replace(progress=(), goals=())


def test_merge_plan_adds_progress_shares_and_goals_once():
    plan = backup.merge_plan(DUMP, backup.Dump(progress=DUMP.progress), known={"a"}, day_hours={})
    assert plan.progress == () and plan.goals == DUMP.goals
