"""files.py: the one way mlpath reads and writes files (regular files only, atomic, modes kept)."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from mlpath import files
from mlpath.errors import UnsafePath


def make_db(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_read_bytes_reads_a_regular_file_and_follows_a_symlink(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello")
    (tmp_path / "link").symlink_to(path)
    assert files.read_bytes(path, "file", 100) == b"hello"
    assert files.read_bytes(tmp_path / "link", "file", 100) == b"hello"


@pytest.mark.parametrize("special", ["fifo", "/dev/null", "/dev/zero", "/dev/urandom", "directory"])
def test_read_bytes_refuses_anything_but_a_regular_file_without_opening_it(tmp_path, fifo, special):
    path = {"fifo": fifo, "directory": tmp_path}.get(special, Path(special))
    with pytest.raises(UnsafePath, match="not a regular file") as caught:
        files.read_bytes(path, "file", 100)
    assert files.kind(os.stat(path).st_mode) in caught.value.message


def test_read_bytes_counts_the_limit_while_reading_not_from_st_size(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"x" * 101)
    assert files.read_bytes(path, "file", 101) == b"x" * 101
    with pytest.raises(UnsafePath, match="larger than 100 bytes"):
        files.read_bytes(path, "file", 100)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_file_whose_st_size_is_zero_is_still_limited():
    assert os.stat("/proc/self/status").st_size == 0  # what the old st_size check trusted
    with pytest.raises(UnsafePath, match="larger than 10 bytes"):
        files.read_bytes(Path("/proc/self/status"), "file", 10)


def test_missing_file_and_missing_parent_are_one_line(tmp_path):
    with pytest.raises(UnsafePath, match="does not exist"):
        files.read_bytes(tmp_path / "nope", "file", 10)
    (tmp_path / "f").write_text("x")
    with pytest.raises(UnsafePath, match="a parent of it is a file"):
        files.read_bytes(tmp_path / "f" / "g", "file", 10)


def test_a_new_file_gets_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        files.write_text(tmp_path / "card.svg", "<svg/>", "the export", tmp_path / "mlpath.db")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "card.svg").stat().st_mode) == 0o640


def test_a_replaced_file_keeps_its_mode_and_nothing_is_left_behind(tmp_path):
    target = tmp_path / "card.svg"
    target.write_text("old")
    target.chmod(0o604)
    files.write_text(target, "new", "the export", tmp_path / "mlpath.db")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.svg"]


def test_a_symlink_is_followed_and_its_target_replaced(tmp_path):
    real = tmp_path / "site" / "card.svg"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "card.svg"
    link.symlink_to(real)
    files.write_text(link, "new", "the export", tmp_path / "mlpath.db")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "real.md")
    files.write_text(link, "text", "the export", tmp_path / "mlpath.db")
    assert link.is_symlink() and (tmp_path / "real.md").read_text() == "text"


@pytest.mark.parametrize("special", ["fifo", "/dev/null", "directory"])
def test_write_refuses_devices_fifos_and_directories(tmp_path, fifo, special):
    path = {"fifo": fifo, "directory": tmp_path}.get(special, Path(special))
    before = os.stat(path)
    with pytest.raises(UnsafePath, match="not a regular file"):
        files.write_text(path, "text", "the export", tmp_path / "mlpath.db")
    after = os.stat(path)
    assert (before.st_ino, before.st_mode, before.st_rdev) == (after.st_ino, after.st_mode, after.st_rdev)
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("name", ["mlpath.db", "mlpath.db-wal", "mlpath.db-shm", "mlpath.db-journal",
                                  "mlpath.db.bak-v1"])
def test_the_database_and_its_files_are_never_an_export_target(tmp_path, name):
    db = tmp_path / "mlpath.db"
    make_db(db)
    target = tmp_path / name
    if not target.exists():
        target.write_bytes(b"")
    before = target.read_bytes()
    with pytest.raises(UnsafePath, match="database"):
        files.write_text(target, "text", "the export", db)
    assert target.read_bytes() == before


def test_the_database_is_recognised_through_a_symlink_a_hard_link_and_by_its_header(tmp_path):
    db = tmp_path / "mlpath.db"
    make_db(db)
    (tmp_path / "sym").symlink_to(db)
    os.link(db, tmp_path / "hard")
    other = tmp_path / "other.db"
    make_db(other)
    (tmp_path / "mlpath.db-shm").write_bytes(b"\x00" * 32)  # no header to recognise it by
    os.link(tmp_path / "mlpath.db-shm", tmp_path / "hard-shm")
    for target in ("sym", "hard", "other.db", "hard-shm"):
        with pytest.raises(UnsafePath, match="database"):
            files.write_text(tmp_path / target, "text", "the export", db)
    assert db.read_bytes()[:16] == files.SQLITE_HEADER


def test_install_over_empty_only_keeps_a_non_empty_file(tmp_path):
    final = tmp_path / "db"
    final.write_text("data")
    tmp = tmp_path / "tmp"
    tmp.write_text("new")
    assert files.install(tmp, final, "database", only_over_empty=True) is False
    assert final.read_text() == "data"
    final.write_text("")
    final.chmod(0o640)
    assert files.install(tmp, final, "database", only_over_empty=True) is True
    assert final.read_text() == "new" and stat.S_IMODE(final.stat().st_mode) == 0o640
