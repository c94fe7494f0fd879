"""Schema versions: the first released schema migrates without losing anything; newer is refused."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from mlpath import migrations, roadmap, schema
from mlpath.errors import SchemaTooNew
from mlpath.store import Store

FIXTURE = Path(__file__).parent / "data" / "mlpath-schema1.db"
FIXTURE3 = Path(__file__).parent / "data" / "mlpath-schema3.db"
FIXTURE2 = Path(__file__).parent / "data" / "mlpath-schema2.db"


def columns(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                             "ORDER BY name")]
        result = {t: [tuple(r[1:]) for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    conn.close()
    return result


def events(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, resource_id, status, at, note FROM event ORDER BY id").fetchall()
    conn.close()
    return rows


def open_bundled(db: Path):
    return Store.open(db, roadmap.read_source(None), roadmap.parse)


def test_the_schema_version_is_the_register_s_last_step():
    assert migrations.REGISTER[-1].version == schema.SCHEMA_VERSION
    migrations.check_register()
    bad = (*migrations.REGISTER, migrations.REGISTER[0])
    with pytest.raises(RuntimeError, match="strictly increasing"):
        migrations.check_register(bad)


def test_first_released_schema_migrates_keeping_every_event(tmp_path):
    db = tmp_path / "mlpath.db"
    shutil.copy(FIXTURE, db)
    before = events(db)
    assert len(before) == 9
    original = hashlib.sha256(db.read_bytes()).hexdigest()
    store, info = open_bundled(db)
    assert info.migrated == (1, migrations.LATEST)
    assert info.backup == tmp_path / "mlpath.db.bak-v1"
    assert hashlib.sha256(info.backup.read_bytes()).hexdigest() == original or events(info.backup) == before
    assert [row[:5] for row in events(db)] == before
    state = {i.id: i for i in store.items()}
    assert state["mml-book"].status.value == "done" and state["mml-book"].done_note == "first pass, chapters 1-6"
    assert state["khan-academy-linear-algebra"].status.value == "skipped"
    assert state["boykis-how-i-learn-ml"].status.value == "todo"
    assert state["google-colab"].status.value == "done"
    # the migrated database is exactly what a new one looks like
    fresh = tmp_path / "fresh.db"
    open_bundled(fresh)
    assert columns(db) == columns(fresh)
    # and it is not migrated twice
    _, again = open_bundled(db)
    assert again.migrated is None


def test_a_newer_schema_is_refused_and_untouched(tmp_path):
    db = tmp_path / "mlpath.db"
    open_bundled(db)[0].close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNew):
        open_bundled(db)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_failing_step_rolls_back_completely(tmp_path, monkeypatch):
    db = tmp_path / "mlpath.db"
    shutil.copy(FIXTURE3, db)

    def half_then_fail(conn):
        conn.execute("ALTER TABLE event ADD COLUMN half INTEGER")
        raise sqlite3.OperationalError("disk on fire")

    broken = migrations.Step(migrations.LATEST, "broken", half_then_fail)
    monkeypatch.setattr(migrations, "REGISTER", (*migrations.REGISTER[:-1], broken))
    with pytest.raises(Exception, match="disk on fire"):
        open_bundled(db)
    assert columns(db) == columns(FIXTURE3)


def reviews(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, resource_id, at, grade FROM review ORDER BY id").fetchall()
    conn.close()
    return rows


def test_schema_2_migrates_keeping_every_review_rescheduled_by_fsrs(tmp_path):
    """SM-2's answers (1 forgot .. 4 easy) are FSRS's grades; each is replayed from the finish."""
    db = tmp_path / "mlpath.db"
    shutil.copy(FIXTURE2, db)
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT id, resource_id, at, rating FROM review ORDER BY id").fetchall()
        sessions = conn.execute("SELECT * FROM study_session ORDER BY id").fetchall()
    conn.close()
    assert len(before) == 3
    store, info = open_bundled(db)
    assert info.migrated == (2, migrations.LATEST)
    assert reviews(db) == before
    # every row kept as it was, with no action behind it (action_id NULL: written before undo existed)
    assert [tuple(r) for r in sqlite3.connect(db).execute("SELECT * FROM study_session ORDER BY id")] == [
        (*r, None) for r in sessions]
    replayed = store.reviews()
    for review in replayed:
        assert review.stability > 0 and 1 <= review.difficulty <= 10 and review.due > review.at
    mml = [r for r in replayed if r.resource_id == "mml-book"]
    assert [r.grade for r in mml] == [3, 2]
    fresh = tmp_path / "fresh.db"
    open_bundled(fresh)
    assert columns(db) == columns(fresh)
    assert store.running_timer() is None


def migrated(table: str, rows: list[tuple]) -> list[tuple]:
    """Rows as an upgrade keeps them: action_id NULL (written before undo existed), and each event
    and progress share placed at its stamp (the fixtures' clocks only went forward)."""
    at = {"event": 3, "progress_mark": 2}.get(table)  # the column of `at`
    return [(*r, None) if at is None else (*r, None, r[at]) for r in rows]


def test_schema_1_migrates_through_every_step(tmp_path):
    db = tmp_path / "mlpath.db"
    shutil.copy(FIXTURE, db)
    store, info = open_bundled(db)
    assert info.migrated == (1, migrations.LATEST)
    assert store.reviews() == []
    assert [r.resource_id for r in reviews(db)] == []


def test_schema_3_migrates_keeping_everything_and_gains_goals_marks_and_after(tmp_path):
    db = tmp_path / "mlpath.db"
    shutil.copy(FIXTURE3, db)
    with sqlite3.connect(db) as conn:
        before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                  for t in ("event", "study_session", "note", "review")}
    conn.close()
    store, info = open_bundled(db)
    assert info.migrated == (3, migrations.LATEST)
    with sqlite3.connect(db) as conn:
        after = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in before}
    conn.close()
    assert after == {t: migrated(t, rows) for t, rows in before.items()}
    fresh = tmp_path / "fresh.db"
    open_bundled(fresh)
    assert columns(db) == columns(fresh)
    assert store.goal() is None and store.marks() == []
    items = {i.id: i for i in store.items()}
    assert items["mml-book"].logged_hours == 4 and items["mml-book"].status.value == "done"
    bundled = {r.id: r.after for r in roadmap.load().resources}
    assert {rid: i.after for rid, i in items.items()} == bundled  # the roadmap synced again to fill after


def test_schema_4_migrates_keeping_everything_and_every_record_stays_undoable(tmp_path):
    db = tmp_path / "mlpath.db"
    shutil.copy(Path(__file__).parent / "data" / "mlpath-schema4.db", db)
    tables = ("event", "study_session", "note", "review", "progress_mark", "goal")
    with closing(sqlite3.connect(db)) as conn:
        before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in tables}
    store, info = open_bundled(db)
    assert info.migrated == (4, migrations.LATEST)
    with closing(sqlite3.connect(db)) as conn:
        after = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in tables}
    assert after == {t: migrated(t, rows) for t, rows in before.items()}
    assert store.goal() == 6 and [m.label for m in store.marks()] == ["40%"]
    assert {i.id: i.status.value for i in store.items()}["mml-book"] == "done"
    assert store.undo("2026-11-24T12:00:00Z") is None  # what came before undo existed is not undone
    store.close()
    fresh = tmp_path / "fresh.db"
    open_bundled(fresh)[0].close()
    assert columns(db) == columns(fresh)


def test_placing_events_changes_no_status_and_keeps_the_order_they_had(tmp_path):
    """Before events (and progress shares) had a place, the latest inserted one counted, even when the
    clock had gone back or an import had added an older one: the upgrade keeps exactly that status
    (and share) and that order."""
    db = tmp_path / "mlpath.db"
    shutil.copy(Path(__file__).parent / "data" / "mlpath-schema4.db", db)
    with closing(sqlite3.connect(db)) as conn:
        conn.executemany("INSERT INTO event (resource_id, status, at) VALUES (?, ?, ?)", [
            ("ng-ml-coursera", "done", "2026-11-20T09:00:00Z"),
            ("ng-ml-coursera", "doing", "2026-11-10T09:00:00Z"),  # clock back, or an older import
            ("ng-ml-coursera", "todo", "2026-11-15T09:00:00Z"),
            ("ng-cs229-youtube", "doing", "2026-11-02T09:00:00Z")])
        conn.executemany("INSERT INTO progress_mark (resource_id, at, fraction, label) VALUES (?, ?, ?, ?)", [
            ("ng-ml-coursera", "2026-11-20T09:00:00Z", 0.8, "80%"),
            ("ng-ml-coursera", "2026-11-10T09:00:00Z", 0.3, "30%")])
        conn.commit()
        latest = "SELECT resource_id, status FROM event e WHERE id = (SELECT MAX(id) FROM event WHERE resource_id = " \
                 "e.resource_id) ORDER BY resource_id"
        before = conn.execute(latest).fetchall()
        order = conn.execute("SELECT id FROM event ORDER BY resource_id, id").fetchall()
    assert ("ng-ml-coursera", "todo") in before
    store, info = open_bundled(db)
    assert info.migrated == (4, migrations.LATEST)
    statuses = {i.id: i.status.value for i in store.items(include_retired=True)}
    assert [(rid, statuses[rid]) for rid, _ in before] == before
    assert [e.status.value for e in store.events("ng-ml-coursera")] == ["done", "doing", "todo"]
    assert [m.label for m in store.marks("ng-ml-coursera")] == ["80%", "30%"]
    assert {i.id: i.fraction for i in store.items()}["ng-ml-coursera"] == 0.3
    store.close()
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT id FROM event ORDER BY resource_id, place, id").fetchall() == order
        assert conn.execute("SELECT place FROM event WHERE resource_id = 'ng-ml-coursera' ORDER BY id").fetchall() \
            == [("2026-11-20T09:00:00Z",)] * 3


def old_items(db: Path) -> dict[str, tuple]:
    """What the fixture's own item view (written by its own schema) says, before any upgrade."""
    with closing(sqlite3.connect(db)) as conn:
        names = [r[1] for r in conn.execute("PRAGMA table_info(item)")]
        wanted = [n for n in ("status", "logged_hours", "fraction", "retired", "stage_number", "position")
                  if n in names]
        rows = conn.execute(f"SELECT id, {', '.join(wanted)} FROM item").fetchall()
    return {r[0]: dict(zip(wanted, r[1:], strict=True)) for r in rows}


@pytest.mark.parametrize("version", [1, 2, 3, 4, 7, 8])
def test_every_schema_upgrades_to_one_roadmap_named_mlpath_with_nothing_else_changed(tmp_path, version):
    """Schema 9 (several roadmaps): what the database tracked becomes the first roadmap, every id
    stays as it was, and every resource reads as it did."""
    db = tmp_path / "mlpath.db"
    shutil.copy(Path(__file__).parent / "data" / f"mlpath-schema{version}.db", db)
    before = old_items(db)
    store, info = open_bundled(db)
    assert info.migrated == (version, migrations.LATEST)
    [first] = store.roadmaps()
    assert (first.name, first.position, first.hidden, first.source) == ("mlpath", 0, False, None)
    assert first.title == store.roadmap_title() == "Machine Learning for Engineers"
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM resource WHERE roadmap != 'mlpath' OR short_id != id "
                            "OR same_as IS NOT NULL").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM stage WHERE roadmap != 'mlpath' OR short_id != id").fetchone() == (0,)
    after = {i.id: i for i in store.items(include_retired=True)}
    for rid, old in before.items():
        item = after[rid]
        assert item.roadmap == "mlpath" and item.short_id == rid
        for name, value in old.items():
            if name in ("status",) or (version >= 3 and name != "status"):
                now = getattr(item, name)
                assert (now.value if name == "status" else now) == value, (version, rid, name)
    assert store.scope() is None  # one roadmap: nothing is filtered
    store.close()
    fresh = tmp_path / "fresh.db"
    open_bundled(fresh)[0].close()
    assert columns(db) == columns(fresh)


def test_schema_10_with_two_roadmaps_and_a_shared_page_upgrades_with_every_item_as_it_was(tmp_path):
    """Schema 11 changes derived data only (the stored state's triggers read one view): a schema-10
    database tracking two roadmaps that share a page reads the same after the upgrade, and its
    triggers keep the state current."""
    db = tmp_path / "mlpath.db"
    shutil.copy(Path(__file__).parent / "data" / "mlpath-schema10.db", db)
    before = old_items(db)
    store, info = open_bundled(db)
    assert info.migrated == (10, migrations.LATEST)
    assert [r.name for r in store.roadmaps()] == ["mlpath", "extra"]
    after = {i.id: i for i in store.items(include_retired=True, every_roadmap=True)}
    assert set(after) == set(before)
    for rid, old in before.items():
        for name, value in old.items():
            now = getattr(after[rid], name)
            assert (now.value if name == "status" else now) == value, (rid, name)
    assert after["mml"].same_as == "mml-book" and after["mml"].status.value == "done"
    store.close()
    with closing(sqlite3.connect(db)) as conn:  # a write through the new triggers: the shared page too
        conn.execute("INSERT INTO study_session (resource_id, day, hours, at, note) "
                     "VALUES ('mml-book', '2026-11-24', 1.5, '2026-11-24T10:00:00Z', NULL)")
        conn.commit()
    store, _ = open_bundled(db)
    logged = {i.id: i.logged_hours for i in store.items(every_roadmap=True) if i.id in ("mml-book", "mml")}
    assert logged == {"mml-book": 3.5, "mml": 3.5}
    store.close()
