"""Faults with real processes: concurrent writers, SIGKILL mid-write, unusable database paths."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from mlpath import roadmap

pytestmark = pytest.mark.slow


def env_for(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLPATH_")}
    return env | {"MLPATH_DB": str(db), "NO_COLOR": "1"} | extra


def mlpath(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; sys.argv[0] = 'mlpath'; from mlpath.cli import main; main()", *args]


def integrity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def count(db: Path, table: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_twenty_concurrent_done_processes_on_a_new_database_all_succeed(tmp_path):
    db = tmp_path / "mlpath.db"
    ids = [r.id for r in roadmap.load().resources[:20]]
    procs = [subprocess.Popen(mlpath("done", rid), env=env_for(db), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for rid in ids]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for rc, out, err in results:
        assert rc == 0, err
        assert "locked" not in err and out.startswith("done: ")
    created = [err for _, _, err in results if err.startswith("Created ")]
    assert len(created) >= 1  # the race to create is won by one copy; the rest open it
    assert count(db, "event") == 20
    with closing(sqlite3.connect(db)) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT resource_id FROM event WHERE status = 'done'")) == sorted(ids)
    assert integrity(db) == "ok"
    assert not list(tmp_path.glob(".*.tmp*"))


def big_backup(path: Path, events: int) -> None:
    ids = [r.id for r in roadmap.load().resources]
    records = [{"resource": ids[n % len(ids)], "status": ("doing", "done", "todo")[n % 3],
                "at": f"2020-01-01T00:00:{n % 60:02d}Z", "note": f"note {n}", "rating": None} for n in range(events)]
    path.write_text(json.dumps({"format": "mlpath-progress", "version": 1, "generated_at": "2026-01-01T00:00:00Z",
                                "roadmap": {"title": "x", "version": 1}, "resources": [], "events": records,
                                "sessions": [], "notes": [], "reviews": []}))


@pytest.mark.parametrize("delay", [0.5, 1.0, 1.6, 2.4])
def test_sigkill_during_a_large_import_leaves_before_or_after(tmp_path, delay):
    db = tmp_path / "mlpath.db"
    assert subprocess.run(mlpath("done", "mml-book"), env=env_for(db), capture_output=True).returncode == 0
    backup = tmp_path / "big.json"
    big_backup(backup, 150_000)
    proc = subprocess.Popen(mlpath("import", str(backup)), env=env_for(db), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert integrity(db) == "ok"
    assert count(db, "event") in (1, 150_001)
    after = subprocess.run(mlpath("stages"), env=env_for(db), capture_output=True, text=True)
    assert after.returncode == 0, after.stderr


@pytest.mark.parametrize("delay", [0.4, 0.9, 1.5])
def test_sigkill_during_a_large_first_seed_leaves_no_half_database(tmp_path, delay):
    big = tmp_path / "big.yaml"
    lines = ["version: 1", "title: Big", "stages:"]
    for s in range(5):
        lines += [f"  - id: s{s}", f"    title: Stage {s}", "    resources:"]
        lines += [f"      - {{id: r{s}-{n}, title: Resource {n}, kind: book, hours: 2}}" for n in range(6000)]
    big.write_text("\n".join(lines) + "\n")
    db = tmp_path / "mlpath.db"
    env = env_for(db, MLPATH_ROADMAP=str(big))
    proc = subprocess.Popen(mlpath("stages"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if db.exists():  # linked into place only when complete
        assert integrity(db) == "ok" and count(db, "resource") == 30_000
    again = subprocess.run(mlpath("stages", "--json"), env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert sum(s["total"] for s in json.loads(again.stdout)) == 30_000
    assert not list(tmp_path.glob(".mlpath.db.*.tmp*"))  # the killed seed's leftovers are cleaned up


@pytest.mark.parametrize(
    "make_path",
    [
        lambda tmp: tmp,  # a directory
        lambda tmp: Path("/proc/mlpath-test/mlpath.db"),  # a read-only location
        lambda tmp: (tmp / "file").write_text("x") and tmp / "file" / "mlpath.db",  # parent is a file
    ],
    ids=["directory", "read-only location", "parent is a file"],
)
def test_unusable_database_paths_are_one_clear_line(tmp_path, make_path):
    path = make_path(tmp_path)
    result = subprocess.run(mlpath("next"), env=env_for(path), capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_sqlite_is_never_overwritten(tmp_path):
    db = tmp_path / "mlpath.db"
    db.write_bytes(b"%PDF-1.7 my thesis" * 100)
    before = db.read_bytes()
    for args in (["done", "mml-book"], ["import", str(db)], ["export", "--format", "json"]):
        result = subprocess.run(mlpath(*args), env=env_for(db), capture_output=True, text=True)
        assert result.returncode == 1 and "not an SQLite database" in result.stderr
    assert db.read_bytes() == before
