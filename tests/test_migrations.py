"""Schema versions: the first released schema migrates without losing anything; newer is refused."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from mlpath import migrations, roadmap, schema
from mlpath.errors import SchemaTooNew
from mlpath.store import Store

FIXTURE = Path(__file__).parent / "data" / "mlpath-schema1.db"


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


def test_register_and_schema_agree():
    assert migrations.LATEST == schema.SCHEMA_VERSION
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
    open_bundled(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNew):
        open_bundled(db)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_failing_step_rolls_back_completely(tmp_path, monkeypatch):
    db = tmp_path / "mlpath.db"
    shutil.copy(FIXTURE, db)

    def half_then_fail(conn):
        conn.execute("ALTER TABLE event ADD COLUMN rating INTEGER")
        raise sqlite3.OperationalError("disk on fire")

    monkeypatch.setattr(migrations, "REGISTER", (migrations.Step(2, "broken", half_then_fail),))
    with pytest.raises(Exception, match="disk on fire"):
        open_bundled(db)
    assert columns(db) == columns(FIXTURE)
