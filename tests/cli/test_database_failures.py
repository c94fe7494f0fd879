"""SQLite failures a user can meet reach them as one line with what to do (exit 1), never a traceback."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from mlpath.errors import DatabaseDamaged, DatabaseFailed, DatabaseUnavailable, database_problem


def test_a_database_locked_past_the_timeout_is_one_line(run, small_roadmap, db_path, monkeypatch):
    assert run("next").exit_code == 0
    monkeypatch.setattr("mlpath.db.BUSY_TIMEOUT_MS", 100)  # 30 s in real use
    with closing(sqlite3.connect(db_path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        result = run("done", "colab")
        holder.execute("ROLLBACK")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    assert "locked" in result.stderr and "try again" in result.stderr
    assert run("done", "colab").exit_code == 0  # once the other program lets go, it works


@pytest.mark.parametrize(("message", "kind", "words"), [
    ("database or disk is full", DatabaseFailed, "full"),
    ("attempt to write a readonly database", DatabaseUnavailable, "read-only"),
    ("database is locked", DatabaseFailed, "locked"),
    ("unable to open database file", DatabaseUnavailable, "cannot open"),
    ("database disk image is malformed", DatabaseDamaged, "damaged"),
    ("file is not a database", DatabaseDamaged, "damaged"),
    ("Could not decode to UTF-8 column 'text' with text 'A\ufffdB'", DatabaseDamaged, "damaged"),
])
def test_each_sqlite_failure_gets_its_own_line_and_hint(message, kind, words):
    problem = database_problem(sqlite3.OperationalError(message), "/x/mlpath.db")
    assert type(problem) is kind and words in problem.message and problem.hint


def test_a_stored_value_that_cannot_be_read_is_damage(run, small_roadmap, db_path):
    assert run("done", "colab").exit_code == 0
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("UPDATE resource SET authors = '[not json' WHERE id = 'linear-algebra'")
        conn.commit()
    result = run("show", "linear-algebra", "--json")
    assert result.exit_code == 1 and "damaged" in result.stderr and len(result.stderr.splitlines()) == 1
    for args in [("list",), ("list", "--json")]:  # neither gives authors, and neither reads them
        assert run(*args).exit_code == 0, args


# Values a few flipped bits or a hand edit leave in a column: each read path must call it damage.
DAMAGE = [
    "UPDATE study_session SET day = '2026-11-81'",
    "UPDATE study_session SET hours = 'abc'",
    "UPDATE event SET at = '2026-13-01T00:00:00Z'",
    "UPDATE event SET rating = 'x' WHERE rating IS NOT NULL",
    "UPDATE note SET at = '2026-11-24X12:00:00Z'",
    "UPDATE review SET at = '2026-02-30T00:00:00Z'",
    "UPDATE review SET due = 'garbage'",
    "UPDATE progress_mark SET at = 'x'",
    "UPDATE goal SET hours_per_week = 'abc'",
    "UPDATE resource SET hours = 'abc' WHERE id = 'colab'",
    "UPDATE study_session SET day = '1900-01-01'",
]
READERS = [(), ("list",), ("show", "colab"), ("show", "colab", "--json"), ("next",), ("stages",), ("history",),
           ("week",), ("goal",), ("review",), ("export", "--format", "json"), ("export", "--format", "svg")]
WRITERS = [("log", "colab", "1"), ("undo",)]  # may succeed when they do not read the damaged value


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_stored_value_is_one_line_on_every_read_path(run, small_roadmap, clock, db_path, damage):
    for args in [("done", "colab", "--rating", "4"), ("log", "colab", "2"), ("note", "colab", "n"),
                 ("review", "colab", "good"), ("progress", "linear-algebra", "50%"), ("goal", "5")]:
        clock.advance(minutes=1)
        assert run(*args).exit_code == 0, args
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute(damage)
        conn.commit()
        before = list(conn.iterdump())
    for args in READERS + WRITERS:
        result = run(*args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 1, (args, result.stderr)
        if result.exit_code:
            assert "damaged value" in result.stderr, (args, result.stderr)
        if args == READERS[-1]:
            with closing(sqlite3.connect(db_path)) as conn:
                assert list(conn.iterdump()) == before


# The dashboard and `stages` add up each stage's effort in SQL (Store.stage_tallies): a value that
# progress.effort_of could not read must still be one line naming it, not a silent wrong total.
EFFORT_DAMAGE = [
    ("UPDATE resource SET hours = 'abc' WHERE id = 'linear-algebra'", "hours"),
    ("UPDATE resource SET hours = 9e999 WHERE id = 'linear-algebra'", "hours"),
    ("UPDATE resource_state SET logged_hours = 'x' WHERE resource_id = 'colab'", "logged_hours"),
    ("UPDATE resource_state SET fraction = 'half' WHERE resource_id = 'linear-algebra'", "fraction"),
    ("UPDATE resource_state SET status = 'Done' WHERE resource_id = 'colab'", "Done"),
]


@pytest.mark.parametrize(("damage", "named"), EFFORT_DAMAGE)
def test_a_damaged_value_the_stage_sums_read_is_one_line_naming_it(run, small_roadmap, clock, db_path, damage, named):
    for args in [("log", "colab", "2"), ("progress", "linear-algebra", "50%")]:
        assert run(*args).exit_code == 0, args
    assert run().exit_code == 0 and run("stages").exit_code == 0
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA ignore_check_constraints = 1")
        conn.execute(damage)
        conn.commit()
    for args in [(), ("stages",), ("stages", "--json")]:
        result = run(*args)
        assert result.exit_code == 1, (args, result.stdout)
        assert "damaged value" in result.stderr and named in result.stderr, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1
