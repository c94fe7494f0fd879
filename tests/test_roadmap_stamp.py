"""A roadmap file found in sync before is not read again while its stamp (size, modification time,
inode) is the one noted then: a big roadmap costs no reading and checksumming on every command.
A changed file, or one changed too recently for its stamp to be trusted, is read and compared."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from mlpath import files, roadmap

HOUR_NS = 3600 * 10**9


def age(path: Path, ns: int = HOUR_NS) -> None:
    """Set the file's modification time ns ago (a file edited a while back)."""
    when = time.time_ns() - ns
    os.utime(path, ns=(when, when))


def stamp_in(db: Path) -> str | None:
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'roadmap_stamp'").fetchone()
    return row[0] if row else None


def refuse_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def read_bytes(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the roadmap file was read")

    monkeypatch.setattr(files, "read_bytes", read_bytes)


def test_a_settled_file_synced_before_is_not_read_again(run, small_roadmap, db_path, monkeypatch):
    age(small_roadmap)
    assert run("stages").exit_code == 0  # creates the database from the file, noting its stamp
    assert stamp_in(db_path) is not None
    refuse_reads(monkeypatch)
    result = run("next")
    assert result.exit_code == 0, result.output


def test_an_edited_file_is_read_and_synced_even_with_its_old_size(run, small_roadmap, db_path):
    age(small_roadmap)
    assert run("stages").exit_code == 0
    assert run("stages").exit_code == 0
    before = stamp_in(db_path)
    text = small_roadmap.read_text()
    small_roadmap.write_text(text.replace("Linear Algebra Done Right", "Linear Algebra Done Wrong"))  # same size
    age(small_roadmap, HOUR_NS // 2)
    result = run("list")
    assert "Linear Algebra Done Wrong" in result.stdout
    assert stamp_in(db_path) not in (None, before)


def test_a_file_changed_moments_ago_is_always_read(run, small_roadmap, db_path, monkeypatch):
    assert run("stages").exit_code == 0
    assert run("stages").exit_code == 0  # just written: no stamp to trust
    assert stamp_in(db_path) is None
    assert roadmap.read_source(small_roadmap).stamp is None
    refuse_reads(monkeypatch)
    with pytest.raises(AssertionError, match="was read"):
        run("next")


def test_a_stamp_not_noted_at_creation_is_noted_by_the_next_command_that_reads_the_file(run, small_roadmap,
                                                                                        db_path, monkeypatch):
    assert run("stages").exit_code == 0  # the file was just written: no stamp yet
    assert stamp_in(db_path) is None
    age(small_roadmap)
    assert run("next").exit_code == 0
    assert stamp_in(db_path) is not None
    refuse_reads(monkeypatch)
    assert run("next").exit_code == 0


def test_a_cleared_digest_forces_a_sync_whatever_the_stamp(run, small_roadmap, db_path):
    age(small_roadmap)
    assert run("stages").exit_code == 0
    assert run("stages").exit_code == 0
    with closing(sqlite3.connect(db_path)) as conn, conn:  # as an upgrade does to fill a new column
        conn.execute("DELETE FROM meta WHERE key = 'roadmap_digest'")
        conn.execute("UPDATE resource SET title = 'stale' WHERE id = 'linear-algebra'")
    assert "Linear Algebra Done Right" in run("list").stdout
