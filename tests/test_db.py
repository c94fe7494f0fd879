"""The database layer: one connection per command, upgrades under one lock, time stored one way."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from mlpath import clock, db, migrations, roadmap
from mlpath.errors import DatabaseFailed, DatabaseUnavailable, database_problem
from mlpath.store import Store

DATA = Path(__file__).parent / "data"


def mlpath(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; sys.argv[0] = 'mlpath'; from mlpath.cli import main; main()", *args]


def env_for(path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLPATH_")}
    return env | {"MLPATH_DB": str(path), "NO_COLOR": "1", "TZ": "UTC"}


def query(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def schema_of(path: Path) -> int:
    return int(query(path, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0])


@pytest.mark.slow
def test_twelve_processes_on_a_first_release_database_upgrade_it_once(tmp_path):
    path = tmp_path / "mlpath.db"
    shutil.copy(DATA / "mlpath-schema1.db", path)
    before = len(query(path, "SELECT id FROM event"))
    ids = [r.id for r in roadmap.load().resources[20:32]]
    procs = [subprocess.Popen(mlpath("note", rid, f"note from process {n}"), env=env_for(path),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n, rid in enumerate(ids)]
    results = [(p.wait(timeout=180), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [rc for rc, _, _ in results] == [0] * 12, [err for _, _, err in results]
    upgraded = [err for _, _, err in results if "Upgraded" in err]
    assert len(upgraded) == 1, [err for _, _, err in results]
    synced = [err for _, _, err in results if "roadmap 1 -> " in err]  # step 4 asks for a sync: one does it
    assert len(synced) == 1, synced
    backup = tmp_path / "mlpath.db.bak-v1"
    assert schema_of(backup) == 1 and len(query(backup, "SELECT id FROM event")) == before
    assert schema_of(path) == migrations.LATEST
    notes = {text for (text,) in query(path, "SELECT text FROM note")}
    assert notes == {f"note from process {n}" for n in range(12)}
    assert len(query(path, "SELECT id FROM event")) == before
    assert query(path, "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.slow
def test_concurrent_logs_never_exceed_a_day(tmp_path):
    path = tmp_path / "mlpath.db"
    assert subprocess.run(mlpath("list"), env=env_for(path), capture_output=True).returncode == 0
    procs = [subprocess.Popen(mlpath("log", "mml-book", "5", "--date", "2026-11-20"), env=env_for(path),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(10)]
    codes = [p.wait(timeout=180) for p in procs]
    errors = [p.stderr.read() for p in procs]
    for p in procs:
        p.stderr.close()
    assert codes.count(0) == 4 and codes.count(1) == 6
    assert all("more than a day has" in e for e, c in zip(errors, codes, strict=True) if c)
    assert query(path, "SELECT SUM(hours) FROM study_session WHERE day = '2026-11-20'") == [(20.0,)]


def test_a_command_uses_one_connection(run, small_roadmap, monkeypatch):
    run("list")
    opened = []
    real = db.connect

    def counting(*args, **kwargs):
        opened.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(db, "connect", counting)
    for command in (["next"], ["stages"], [], ["done", "1.1"], ["log", "1.2", "1"], ["show", "1.1"]):
        opened.clear()
        assert run(*command).exit_code == 0
        assert len(opened) == 1, command


def test_a_read_sees_one_snapshot_even_while_another_process_writes(db_path, small_roadmap):
    store, _ = Store.open(db_path, roadmap.read_source(small_roadmap), roadmap.parse)
    first = store.items()
    with closing(sqlite3.connect(db_path)) as other:
        other.execute("INSERT INTO event (resource_id, status, at) VALUES ('colab', 'done', '2026-11-24T12:00:00Z')")
        other.commit()
    assert store.items() == first  # same command, same state
    store.close()
    again, _ = Store.open(db_path, roadmap.read_source(small_roadmap), roadmap.parse)
    assert {i.id: i.status.value for i in again.items()}["colab"] == "done"
    again.close()


def test_the_schema_two_database_upgrades_keeping_everything(tmp_path, run, monkeypatch):
    path = tmp_path / "mlpath.db"
    shutil.copy(DATA / "mlpath-schema2.db", path)
    monkeypatch.setenv("MLPATH_DB", str(path))
    tables = ("event", "study_session", "note")
    before = {t: query(path, f"SELECT * FROM {t} ORDER BY id") for t in tables}
    answers = query(path, "SELECT id, resource_id, at, rating FROM review ORDER BY id")
    result = run("show", "ng-ml-coursera", "--json")
    assert "Upgraded" in result.stderr and "from schema 2" in result.stderr
    assert schema_of(tmp_path / "mlpath.db.bak-v2") == 2
    after = {t: query(path, f"SELECT * FROM {t} ORDER BY id") for t in tables}
    # already normal; no action behind them; each event placed at its stamp (the clock went forward)
    assert after == {t: [(*r, None, r[3]) if t == "event" else (*r, None) for r in rows] for t, rows in before.items()}
    assert query(path, "SELECT id, resource_id, at, grade FROM review ORDER BY id") == answers
    assert query(path, "SELECT * FROM stamp_repair") == []
    assert all(clock.normal_stamp(due) == due for (due,) in query(path, "SELECT due FROM review"))
    shown = json.loads(result.stdout)
    assert shown["status"] == "done" and [h["status"] for h in shown["history"]] == ["done", "todo", "done"]
    assert json.loads(run("show", "mml-book", "--json").stdout)["logged_hours"] == 4.0


def test_odd_and_impossible_stamps_are_repaired_by_the_upgrade_keeping_the_originals(tmp_path, run, monkeypatch):
    path = tmp_path / "mlpath.db"
    shutil.copy(DATA / "mlpath-schema2.db", path)
    odd = {"9999-12-31T23:59:59Z": "2100-12-31T23:59:59Z", "0001-01-01T00:00:00+10:00": "1970-01-01T00:00:00Z",
           "20261101T000000Z": "2026-11-01T00:00:00Z", "2026-W44-7T10:00:00+02:00": "2026-11-01T08:00:00Z"}
    with closing(sqlite3.connect(path)) as conn:
        for stamp in odd:
            conn.execute("INSERT INTO event (resource_id, status, at) VALUES ('mml-book', 'doing', ?)", (stamp,))
        conn.execute("INSERT INTO study_session (resource_id, day, hours, at) VALUES ('mml-book', '99991231', 1, "
                     "'9999-12-31T23:59:59Z')")
        conn.execute("INSERT INTO review (resource_id, at, rating, repetitions, ease, interval_days, due) "
                     "VALUES ('mml-book', '9999-12-31T23:59:59Z', 3, 1, 2.5, 1, '9999-12-31')")
        conn.commit()
    monkeypatch.setenv("MLPATH_DB", str(path))
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # +14:00: where 9999-12-31T23:59:59Z overflowed
    for command in ([], ["next"], ["stages"], ["review"], ["history"], ["show", "mml-book"],
                    ["export", "--format", "svg"], ["export", "--format", "json"]):
        result = run(*command)
        assert result.exit_code == 0, (command, result.stderr)
    stamps = [at for (at,) in query(path, "SELECT at FROM event ORDER BY id")][-len(odd):]
    assert stamps == list(odd.values())
    originals = query(path, "SELECT table_name, column_name, original FROM stamp_repair ORDER BY id")
    assert ("event", "at", "9999-12-31T23:59:59Z") in originals and ("study_session", "day", "99991231") in originals
    assert ("review", "at", "9999-12-31T23:59:59Z") in originals


def test_status_is_the_latest_event_even_after_the_clock_went_back(run, small_roadmap, clock):
    assert run("done", "1.1").exit_code == 0
    clock.advance(days=-30)
    result = run("reset", "1.1")
    assert "reset to todo" in result.stdout
    assert json.loads(run("show", "1.1", "--json").stdout)["status"] == "todo"
    clock.advance(hours=1)
    run("start", "1.1")
    assert json.loads(run("show", "1.1", "--json").stdout)["status"] == "doing"


def test_the_writable_path_hint_only_for_errors_about_the_path(tmp_path):
    path = tmp_path / "x.db"
    for message in ("database is locked", "database or disk is full", "duplicate column name: rating",
                    "disk I/O error", "database disk image is malformed"):
        problem = database_problem(sqlite3.OperationalError(message), path)
        assert "MLPATH_DB" not in problem.hint, message
    assert isinstance(database_problem(sqlite3.OperationalError("database is locked"), path), DatabaseFailed)
    assert "MLPATH_DB" in DatabaseUnavailable(f"database path {path} is a directory, not a file").hint


def test_a_failed_upgrade_step_names_no_path_hint(tmp_path, run, monkeypatch):
    path = tmp_path / "mlpath.db"
    shutil.copy(DATA / "mlpath-schema1.db", path)
    monkeypatch.setenv("MLPATH_DB", str(path))
    monkeypatch.setattr(migrations, "REGISTER", (migrations.Step(2, "broken", ("ALTER TABLE event ADD COLUMN note "
                                                                               "VARCHAR",)),))
    result = run("next")
    assert result.exit_code == 1
    assert "duplicate column name" in result.stderr and "MLPATH_DB" not in result.stderr
    assert schema_of(path) == 1 and schema_of(tmp_path / "mlpath.db.bak-v1") == 1


def test_an_existing_backup_is_never_replaced(tmp_path):
    path = tmp_path / "mlpath.db"
    shutil.copy(DATA / "mlpath-schema1.db", path)
    old = tmp_path / "mlpath.db.bak-v1"
    old.write_bytes(b"an earlier backup")
    store, info = Store.open(path, roadmap.read_source(None), roadmap.parse)
    store.close()
    assert info.migrated == (1, migrations.LATEST) and old.read_bytes() == b"an earlier backup"


def test_the_one_factory_sets_every_pragma(tmp_path):
    """busy timeout, foreign keys and the page cache (list reads a large roadmap's rows twice: with
    SQLite's 2 MiB default the second pass read them from the file again), WAL when asked."""
    with closing(db.connect(tmp_path / "x.db", wal=True)) as conn:
        conn.execute("CREATE TABLE t (x)")  # WAL is set by the first write's file
        pragmas = {p: conn.execute(f"PRAGMA {p}").fetchone()[0]
                   for p in ("busy_timeout", "foreign_keys", "cache_size", "journal_mode")}
    assert pragmas == {"busy_timeout": db.BUSY_TIMEOUT_MS, "foreign_keys": 1, "cache_size": -db.CACHE_KIB,
                       "journal_mode": "wal"}
