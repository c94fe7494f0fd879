"""Fault injection: a write fails, or the process dies, at a chosen statement of the first seed
and of an import; afterwards the database holds exactly what it held before (nothing
half-written), the error is one line, and the next command works.

tests/faults.py places the fault at the n-th SQL statement matching a pattern, and every test
checks that it landed, so none passes because the fault came too early or too late.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

import faults

DATA = Path(__file__).parent / "data"
BACKUP = DATA / "backup-v1.json"  # every kind of record, and four resources the small roadmap lacks
TABLES = ("stage", "resource", "event", "study_session", "note", "review")

# (pattern, n): the n-th statement matching pattern
SEED_POINTS = {
    "creating the tables": (r"^\s*CREATE TABLE resource\b", 1),
    "creating the views": (r"^\s*CREATE VIEW\b", 1),
    "writing the first stage": (r"^\s*INSERT INTO stage\b", 1),
    "in the middle of the resources": (r"^\s*INSERT INTO resource\b", 3),
    "writing the roadmap's metadata": (r"^\s*INSERT INTO meta\b", 1),
    "committing": (r"^\s*COMMIT\b", 1),
}
IMPORT_POINTS = {
    "adding a retired stage": (r"^\s*INSERT INTO stage\b", 1),
    "adding retired resources": (r"^\s*INSERT INTO resource\b", 2),
    "in the middle of the events": (r"^\s*INSERT INTO event\b", 4),
    "adding study sessions": (r"^\s*INSERT INTO study_session\b", 1),
    "adding notes": (r"^\s*INSERT INTO note\b", 1),
    "adding the last review": (r"^\s*INSERT INTO review\b", 3),
    "committing": (r"^\s*COMMIT\b", 1),
}


@pytest.fixture
def fault():
    yield faults
    faults.uninstall()


def contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table that holds the learner's data or the roadmap."""
    with closing(sqlite3.connect(db)) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    ignorable = {"mlpath.db", "mlpath.db-wal", "mlpath.db-shm"} | keep
    return sorted(p.name for p in folder.iterdir() if p.name not in ignorable and not p.name.endswith(".lock"))


@pytest.fixture
def clean_seed(run, db_path, small_roadmap, tmp_path, monkeypatch) -> dict[str, list[tuple[object, ...]]]:
    """What a fault-free first run writes for the small roadmap (in another database)."""
    clean = tmp_path / "clean" / "mlpath.db"
    monkeypatch.setenv("MLPATH_DB", str(clean))
    assert run("stages").exit_code == 0
    monkeypatch.setenv("MLPATH_DB", str(db_path))
    return contents(clean)


def one_line_error(result) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    assert len([line for line in result.stderr.splitlines() if not line.startswith("hint:")]) == 1, result.stderr


@pytest.mark.parametrize("point", SEED_POINTS)
def test_a_write_failing_during_the_first_seed_leaves_no_database(run, db_path, clean_seed, fault, point):
    fault.install(*SEED_POINTS[point])
    failed = run("stages")
    assert fault.landed()
    one_line_error(failed)
    assert not db_path.exists() or db_path.stat().st_size == 0
    fault.uninstall()
    assert run("stages").exit_code == 0
    assert contents(db_path) == clean_seed
    assert leftovers(db_path.parent, set()) == []


@pytest.mark.parametrize("point", IMPORT_POINTS)
def test_a_write_failing_during_an_import_changes_nothing(run, db_path, small_roadmap, clock, fault, point):
    assert run("done", "linear-algebra", "--note", "before the import").exit_code == 0
    before = contents(db_path)
    fault.install(*IMPORT_POINTS[point])
    failed = run("import", str(BACKUP))
    assert fault.landed()
    one_line_error(failed)
    assert contents(db_path) == before
    fault.uninstall()
    again = run("import", str(BACKUP))
    assert again.exit_code == 0, again.stderr
    after = contents(db_path)
    assert [len(after[t]) - len(before[t]) for t in ("event", "study_session", "note", "review")] == [7, 3, 1, 3]


# ------------------------------------------------------------------ real processes, SIGKILL


def child_env(db: Path, roadmap_file: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLPATH_")}
    path = os.pathsep.join(filter(None, [str(faults.HERE), env.get("PYTHONPATH")]))
    return env | {"MLPATH_DB": str(db), "MLPATH_ROADMAP": str(roadmap_file), "NO_COLOR": "1", "TZ": "UTC",
                  "PYTHONPATH": path}


@pytest.mark.slow
def test_sigkill_in_the_middle_of_the_first_seed_leaves_no_half_database(tmp_path, clean_seed):
    db, roadmap_file = tmp_path / "child" / "mlpath.db", DATA / "small.yaml"
    env = child_env(db, roadmap_file)
    killed = subprocess.run(faults.command(r"^\s*INSERT INTO resource\b", "kill", "stages", nth=3), env=env,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # it died where it was told to
    assert not db.exists() or db.stat().st_size == 0
    again = subprocess.run(faults.command("^never$", "kill", "stages"), env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    assert contents(db) == clean_seed
    assert leftovers(db.parent, set()) == []


@pytest.mark.slow
def test_sigkill_in_the_middle_of_an_import_leaves_the_database_as_it_was(tmp_path):
    db, roadmap_file = tmp_path / "child" / "mlpath.db", DATA / "small.yaml"
    env = child_env(db, roadmap_file)
    first = subprocess.run(faults.command("^never$", "kill", "done", "colab"), env=env, capture_output=True,
                           text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = contents(db)
    killed = subprocess.run(faults.command(r"^\s*INSERT INTO note\b", "kill", "import", str(BACKUP)), env=env,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert contents(db) == before
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
