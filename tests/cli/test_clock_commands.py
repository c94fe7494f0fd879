"""The system clock as mlpath finds it: gone back before recorded work, or outside the years it records."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def status(run, rid: str) -> str:
    return json.loads(ok(run("show", rid, "--json")).stdout)["status"]


def dump(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return list(conn.iterdump())


@pytest.mark.parametrize("moment", ["2200-01-01T00:00:00Z", "1969-12-31T23:00:00Z"])
@pytest.mark.parametrize("args", [("done", "colab"), ("reset", "linear-algebra"), ("log", "colab", "1"),
                                  ("note", "colab", "x"), ("undo",), ("next",)])
def test_a_clock_outside_the_recorded_years_is_one_line_and_changes_nothing(run, small_roadmap, db_path, tmp_path,
                                                                            monkeypatch, moment, args):
    ok(run("done", "linear-algebra"))
    before = dump(db_path)
    clock_file = tmp_path / "clock"
    clock_file.write_text(moment)
    monkeypatch.setenv("MLPATH_CLOCK_FILE", str(clock_file))  # the real clock.now, reading this time
    result = run(*args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"error: the system clock says {moment[:10]}"), result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert dump(db_path) == before


def test_a_clock_gone_back_before_recorded_work_still_changes_status_and_undoes(run, small_roadmap, clock):
    ok(run("done", "linear-algebra"))
    clock.set("2026-01-01T00:00:00Z")  # months before that
    ok(run("reset", "linear-algebra"))
    assert status(run, "linear-algebra") == "todo"
    ok(run("done", "linear-algebra"))
    assert status(run, "linear-algebra") == "done"
    ok(run("undo"))
    assert status(run, "linear-algebra") == "todo"
    ok(run("undo"))
    assert status(run, "linear-algebra") == "done"
