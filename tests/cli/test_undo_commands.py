"""Corrections: `undo` (recorded, never a silent delete), `start --reopen`, a checklist import that
will not untick newer work, and backups that carry what was undone."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

from mlpath import migrations, schema

DATA = Path(__file__).parents[1] / "data"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def text(result) -> str:
    return " ".join(result.stdout.split())  # wrapped lines joined


def show(run, rid: str) -> dict:
    return json.loads(ok(run("show", rid, "--json")).stdout)


def rows(db: Path, table: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_undo_reverts_each_kind_of_change_newest_first_saying_what(run, small_roadmap, clock, db_path):
    ok(run("start", "linear-algebra"))
    clock.advance(minutes=1)
    ok(run("log", "linear-algebra", "15"))  # meant 1.5
    clock.advance(minutes=1)
    ok(run("note", "linear-algebra", "chapter 2"))
    clock.advance(minutes=1)
    ok(run("done", "linear-algebra", "--stars", "4"))
    clock.advance(minutes=1)
    ok(run("review", "linear-algebra", "good"))
    clock.advance(minutes=1)
    ok(run("progress", "colab", "40%"))
    clock.advance(minutes=1)
    ok(run("goal", "6"))
    events_before = rows(db_path, "event")

    assert "undid: goal 6 h a week" in text(ok(run("undo")))
    assert "undid: progress 40% on colab" in text(ok(run("undo")))
    assert show(run, "colab")["status"] == "todo"  # the start that came with the progress is undone too
    assert "undid: review of linear-algebra (good)" in text(ok(run("undo")))  # the grade by its name
    assert show(run, "linear-algebra")["reviews"] == []
    assert "undid: done linear-algebra" in text(ok(run("undo")))
    assert show(run, "linear-algebra")["status"] == "doing"
    assert "undid: note on linear-algebra" in text(ok(run("undo")))
    assert show(run, "linear-algebra")["notes"] == []
    assert "undid: log 15 h on linear-algebra" in text(ok(run("undo")))
    assert show(run, "linear-algebra")["logged_hours"] == 0
    assert "undid: start linear-algebra" in text(ok(run("undo")))
    assert show(run, "linear-algebra")["status"] == "todo"
    assert "nothing to undo" in text(ok(run("undo")))
    # never a silent delete: every row is still there, each undo recorded with a tombstone per row
    assert rows(db_path, "event") == events_before
    assert rows(db_path, "action") == 14 and rows(db_path, "tombstone") == 8


def test_the_hours_of_an_undone_log_no_longer_count_against_the_day(run, small_roadmap, clock):
    ok(run("log", "linear-algebra", "20"))
    assert run("log", "colab", "5").exit_code == 1
    ok(run("undo"))
    ok(run("log", "colab", "5"))


def test_a_command_that_changed_nothing_is_not_undone(run, small_roadmap, clock):
    ok(run("done", "colab"))
    clock.advance(minutes=1)
    assert "already done" in ok(run("done", "colab")).stdout
    assert "undid: done colab" in text(ok(run("undo")))
    assert show(run, "colab")["status"] == "todo"


def test_a_backup_taken_before_an_undo_does_not_bring_the_record_back(run, small_roadmap, clock, tmp_path):
    ok(run("log", "linear-algebra", "15"))
    before_undo = tmp_path / "before.json"
    ok(run("export", "--format", "json", "-o", str(before_undo)))
    ok(run("undo"))
    result = ok(run("import", str(before_undo)))
    assert "0 events, 0 study sessions" in text(result)
    assert show(run, "linear-algebra")["logged_hours"] == 0
    assert show(run, "linear-algebra")["status"] == "todo"


def test_the_backup_carries_what_was_undone_into_another_database(run, small_roadmap, clock, tmp_path,
                                                                  monkeypatch):
    ok(run("log", "linear-algebra", "2"))
    clock.advance(minutes=1)
    ok(run("log", "linear-algebra", "15"))
    clock.advance(minutes=1)
    ok(run("undo"))
    exported = ok(run("export", "--format", "json")).stdout
    doc = json.loads(exported)
    assert doc["version"] == 5
    assert [s["undone"] for s in doc["sessions"]] == [None, "2026-11-24T12:02:00Z"]
    backup_file = tmp_path / "b.json"
    backup_file.write_text(exported)
    monkeypatch.setenv("MLPATH_DB", str(tmp_path / "other" / "mlpath.db"))
    result = ok(run("import", str(backup_file)))
    assert "undone here too: 1 record" in text(result)  # the 15 h (the start came with the first log)
    assert show(run, "linear-algebra")["logged_hours"] == 2
    again = json.loads(ok(run("export", "--format", "json")).stdout)
    assert {k: v for k, v in again.items() if k != "generated_at"} == {
        k: v for k, v in doc.items() if k != "generated_at"}


def test_a_backup_holding_every_kind_of_undone_record_restores_into_an_empty_database(run, small_roadmap, clock,
                                                                                     tmp_path, monkeypatch):
    """Undone reviews too: a review's row holds its schedule besides the answer the backup keeps."""
    ok(run("done", "colab"))
    clock.advance(minutes=1)
    ok(run("review", "colab", "good"))
    clock.advance(minutes=1)
    ok(run("log", "linear-algebra", "2"))
    clock.advance(minutes=1)
    ok(run("note", "linear-algebra", "gone"))
    clock.advance(minutes=1)
    ok(run("progress", "linear-algebra", "50%"))
    clock.advance(minutes=1)
    ok(run("goal", "5"))
    for _ in range(6):
        clock.advance(minutes=1)
        ok(run("undo"))
    exported = ok(run("export", "--format", "json")).stdout
    doc = json.loads(exported)
    assert all(r["undone"] for key in ("events", "sessions", "notes", "reviews", "progress", "goals")
               for r in doc[key]), doc
    backup_file = tmp_path / "b.json"
    backup_file.write_text(exported)
    monkeypatch.setenv("MLPATH_DB", str(tmp_path / "other" / "mlpath.db"))
    ok(run("import", str(backup_file)))
    assert show(run, "colab")["status"] == "todo" and show(run, "colab")["reviews"] == []
    clock.advance(hours=3)  # the undo times must be the original ones, not the import's
    again = json.loads(ok(run("export", "--format", "json")).stdout)
    for key in ("events", "sessions", "notes", "reviews", "progress", "goals"):  # undone here by the import
        assert again[key] == doc[key]
    assert "undid: import of a backup" in text(ok(run("undo")))  # the import is still what undo reverts


def test_a_version_2_backup_still_imports(run, small_roadmap):
    result = ok(run("import", str(DATA / "backup-v2.json")))
    assert "7 events, 3 study sessions, 1 note, 3 reviews" in text(result)
    assert show(run, "mml-book")["logged_hours"] == 4.0


def test_an_import_is_undone_as_one_command(run, small_roadmap, db_path):
    ok(run("import", str(DATA / "backup-v1.json")))
    assert "undid: import of a backup (14 records)" in text(ok(run("undo")))
    assert json.loads(ok(run("list", "--json")).stdout) == json.loads(ok(run("list", "--json")).stdout)
    assert all(i["status"] == "todo" for i in json.loads(ok(run("list", "--json")).stdout))


def test_start_on_a_finished_resource_needs_reopen_when_not_on_a_terminal(run, small_roadmap, clock):
    ok(run("done", "colab"))
    refused = run("start", "colab")
    assert refused.exit_code == 1
    assert "colab is done already; starting again reopens it" in refused.stderr
    assert "mlpath start --reopen colab" in refused.stderr
    assert show(run, "colab")["status"] == "done"
    assert "started: colab" in text(ok(run("start", "--reopen", "colab")))
    assert show(run, "colab")["status"] == "doing"


def test_start_on_a_finished_resource_asks_on_a_terminal(run, small_roadmap, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    ok(run("done", "colab", "linear-algebra"))
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "80"}
    child = pexpect.spawn(sys.executable, ["-m", "mlpath", "start", "colab"], env=env, encoding="utf-8", timeout=30)
    child.expect(r"colab is done already; starting again reopens it\. Reopen\? \[y/N\]")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert show(run, "colab")["status"] == "done"
    child = pexpect.spawn(sys.executable, ["-m", "mlpath", "start", "linear-algebra"], env=env, encoding="utf-8",
                          timeout=30)
    child.expect(r"Reopen\? \[y/N\]")
    child.sendline("y")
    child.expect("started: linear-algebra")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert show(run, "linear-algebra")["status"] == "doing"


def test_a_checklist_import_keeps_done_what_was_finished_after_the_export(run, small_roadmap, clock, tmp_path):
    ok(run("done", "linear-algebra"))
    old = tmp_path / "old.md"
    ok(run("export", "-o", str(old)))
    assert "<!-- exported 2026-11-24T12:00:00Z by mlpath -->" in old.read_text()
    clock.advance(hours=2)
    ok(run("done", "colab", "calculus-videos"))  # after the export: unticked in it
    result = ok(run("import", str(old)))
    assert "kept done: 2 resources finished after this export was made (2026-11-24 12:00 UTC)" in " ".join(
        result.stderr.split())
    assert "--force" in result.stderr and "colab" in result.stderr
    assert show(run, "colab")["status"] == "done" and show(run, "linear-algebra")["status"] == "done"
    forced = ok(run("import", "--force", str(old)))
    assert "reset to todo: colab" in text(forced) and "kept done" not in forced.stderr
    assert show(run, "colab")["status"] == "todo" and show(run, "calculus-videos")["status"] == "todo"


def test_a_checklist_unticked_after_its_export_still_unticks_what_was_done_before(run, small_roadmap, clock,
                                                                                  tmp_path):
    ok(run("done", "linear-algebra"))
    clock.advance(hours=1)
    md = tmp_path / "p.md"
    ok(run("export", "-o", str(md)))
    md.write_text(md.read_text().replace("- [x]", "- [ ]"))
    result = ok(run("import", str(md)))
    assert "reset to todo: linear-algebra" in text(result) and "kept done" not in result.stderr


def test_every_undoable_table_has_its_live_view_and_an_action_column(db_path, run, small_roadmap):
    ok(run("stages"))
    with closing(sqlite3.connect(db_path)) as conn:
        assert migrations.undoable_tables(conn) == sorted(t.name for t in schema.UNDOABLE)
        views = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert {f"live_{t.name}" for t in schema.UNDOABLE} <= views


def test_an_undone_review_travels_in_the_backup_into_another_database(run, small_roadmap, clock, tmp_path,
                                                                     monkeypatch):
    ok(run("done", "linear-algebra"))
    clock.advance(days=10)
    before = show(run, "linear-algebra")["next_review"]
    ok(run("review", "linear-algebra", "good"))
    clock.advance(seconds=1)
    ok(run("undo"))
    backup_file = tmp_path / "b.json"
    backup_file.write_text(ok(run("export", "--format", "json")).stdout)
    monkeypatch.setenv("MLPATH_DB", str(tmp_path / "other" / "mlpath.db"))
    result = ok(run("import", str(backup_file)))
    assert "undone here too: 1 record" in text(result)
    moved = show(run, "linear-algebra")
    assert moved["reviews"] == [] and moved["next_review"] == before


def test_undo_says_the_hours_it_undid_as_they_read_elsewhere(run, small_roadmap, clock):
    ok(run("log", "linear-algebra", "1h20m"))
    assert "undid: log 1.33 h on linear-algebra" in text(ok(run("undo")))
