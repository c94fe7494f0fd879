"""Faults with real processes: concurrent writers, unusable database paths, files that are not ours.

SIGKILL in the middle of a write is tests/test_faults.py's job: it places the kill at a chosen
statement instead of after a guessed delay.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
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
