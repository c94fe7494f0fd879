"""The stored state of each resource (migrations.STATE_OF, kept by triggers) always equals what
its records say: after every kind of write, after undo's tombstones, after imports, and after
an upgrade from every earlier schema."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from mlpath import migrations, roadmap
from mlpath.store import Store

DATA = Path(__file__).parent / "data"


def stored_and_worked_out(db: Path) -> tuple[list[tuple], list[tuple]]:
    """The stored state rows, and the same rows worked out afresh from the records."""
    with closing(sqlite3.connect(db)) as conn:
        stored = conn.execute(f"SELECT {migrations.STATE_COLUMNS} FROM resource_state ORDER BY resource_id").fetchall()
        sources = " UNION ".join(f"SELECT resource_id FROM {t}" for t in migrations.STATE_SOURCES)
        fresh = conn.execute(f"SELECT * FROM ({migrations.STATE_OF} WHERE r.id IN ({sources})) "
                             "ORDER BY resource_id").fetchall()
    return stored, fresh


def assert_state_current(db: Path) -> list[tuple]:
    stored, fresh = stored_and_worked_out(db)
    assert stored == fresh
    return stored


def state(db: Path, resource_id: str) -> tuple:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT i.status, i.logged_hours, i.fraction, i.done_at IS NOT NULL, "
                            "x.review_due IS NOT NULL FROM item i LEFT JOIN resource_state x ON x.resource_id = i.id "
                            "WHERE i.id = ?", (resource_id,)).fetchone()


@pytest.mark.parametrize("fixture", ["mlpath-schema1.db", "mlpath-schema2.db", "mlpath-schema3.db",
                                     "mlpath-schema4.db", "mlpath-schema7.db", "mlpath-schema8.db",
                                     "mlpath-schema10.db"])
def test_every_earlier_schema_upgrades_to_a_stored_state_that_matches_its_records(tmp_path, fixture):
    db = tmp_path / "mlpath.db"
    shutil.copy(DATA / fixture, db)
    store, info = Store.open(db, roadmap.read_source(None), roadmap.parse)
    store.close()
    assert info.migrated is not None and info.migrated[1] == migrations.LATEST
    assert assert_state_current(db)  # every fixture has records


def test_every_trigger_stores_the_state_through_the_one_view(tmp_path):
    # SQLite parses every trigger when a command first reads: each holds one short statement that
    # reads the state_of view (schema 11), not its own copy of STATE_OF
    db = tmp_path / "mlpath.db"
    shutil.copy(DATA / "mlpath-schema8.db", db)
    Store.open(db, roadmap.read_source(None), roadmap.parse)[0].close()
    with closing(sqlite3.connect(db)) as conn:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        (view,), = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'state_of'").fetchall()
    assert len(triggers) == len(migrations.STATE_TRIGGERS) > 10
    assert all("FROM state_of" in sql and len(sql) < len(view) / 2 for _, sql in triggers), triggers


def test_schema_7_keeps_every_status_hours_and_share_and_leaves_undone_records_out(tmp_path):
    db = tmp_path / "mlpath.db"
    shutil.copy(DATA / "mlpath-schema7.db", db)
    Store.open(db, roadmap.read_source(None), roadmap.parse)[0].close()
    assert state(db, "mml-book") == ("done", 2.0, 0.4167, 1, 1)  # the share as stored
    assert state(db, "khan-academy-linear-algebra") == ("skipped", 0, None, 0, 0)
    assert state(db, "ng-ml-coursera") == ("doing", 1.5, 0.3, 0, 0)  # the undone hour left out
    assert state(db, "imperial-math-for-ml-coursera") == ("todo", 0, None, 0, 0)  # its undone finish too


def test_every_kind_of_write_undo_and_import_keeps_the_stored_state_current(run, small_roadmap, clock, db_path,
                                                                          tmp_path):
    steps = [
        ("start", "linear-algebra"), ("log", "linear-algebra", "2", "--note", "ch 1"),
        ("progress", "linear-algebra", "1/4"), ("done", "linear-algebra", "--stars", "4"),
        ("review", "linear-algebra", "good"), ("skip", "calculus-videos"), ("reset", "calculus-videos"),
        ("log", "stats-course", "1"), ("undo",), ("done", "stats-course"), ("undo",), ("undo",),
    ]
    for step in steps:
        assert run(*step).exit_code == 0, step
        clock.advance(hours=1)
        assert_state_current(db_path)
    assert state(db_path, "linear-algebra")[0] == "done"
    assert state(db_path, "calculus-videos")[0] == "skipped"  # the last undo took back its reset
    assert state(db_path, "stats-course")[:2] == ("todo", 0)  # its log and finish undone
    backup = tmp_path / "backup.json"
    assert run("export", "--format", "json", "--output", str(backup)).exit_code == 0
    other = tmp_path / "other" / "mlpath.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLPATH_DB", str(other))
        assert run("import", str(backup)).exit_code == 0
        assert stored_and_worked_out(other)[0] == stored_and_worked_out(db_path)[0]
        assert_state_current(other)


def test_a_plain_insert_by_a_script_updates_the_stored_state(run, small_roadmap, db_path):
    assert run("stages").exit_code == 0
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("INSERT INTO event (resource_id, status, at) "
                     "VALUES ('calculus-videos', 'done', '2026-01-01T00:00:00Z')")
        conn.execute("INSERT INTO study_session (resource_id, day, hours, at) "
                     "VALUES ('calculus-videos', '2026-01-01', 1.5, '2026-01-01T00:00:00Z')")
    assert state(db_path, "calculus-videos") == ("done", 1.5, None, 1, 0)
    assert_state_current(db_path)
