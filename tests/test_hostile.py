"""Every reproduction from issue 12, run as a real process against the installed code.

Each must give one line on stderr and exit 1 or 2, never hang (a hang shows as TimeoutExpired:
the timeout is generous for a loaded machine, it is not a speed check), and leave every byte of
the database and of the special file as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

TIMEOUT = 60
BASE = {"format": "mlpath-progress", "version": 2, "generated_at": "2026-01-01T00:00:00Z",
        "roadmap": {"title": "x", "version": 1}, "resources": [], "events": [], "sessions": [], "notes": [],
        "reviews": []}


def mlpath(*args: str | bytes) -> list[str | bytes]:
    return [sys.executable, "-c", "import sys; sys.argv[0] = 'mlpath'; from mlpath.cli import main; main()", *args]


def env_for(db: Path | str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLPATH_")}
    return env | {"MLPATH_DB": str(db), "NO_COLOR": "1", "COLUMNS": "80"} | extra


def run(args: list[str | bytes], db: Path | str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(mlpath(*args), env=env_for(db, **extra), capture_output=True, text=True,
                          errors="replace", timeout=TIMEOUT)


def fingerprint(path: Path) -> Any:
    """Every byte of a regular file; the identity of anything else (a device has no bytes to keep)."""
    if not os.path.lexists(path):
        return None
    st = os.lstat(path)
    if stat.S_ISREG(st.st_mode):
        return hashlib.sha256(path.read_bytes()).hexdigest(), stat.S_IMODE(st.st_mode)
    return st.st_ino, st.st_mode, st.st_rdev, os.readlink(path) if stat.S_ISLNK(st.st_mode) else None


def assert_one_line_refusal(result: subprocess.CompletedProcess[str], codes: tuple[int, ...] = (1,)) -> None:
    assert result.returncode in codes, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with some progress, copied fresh for every test."""
    db = tmp_path_factory.mktemp("seed") / "mlpath.db"
    for args in (["done", "mml-book", "--note", "chapter 1"], ["log", "1.2", "1.5"], ["note", "1.2", "a note"]):
        assert run(args, db).returncode == 0
    return db


@pytest.fixture
def db(seeded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "mlpath.db"
    copy.write_bytes(seeded.read_bytes())
    return copy


def write_json(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def note_json(tmp: Path, text_literal: str) -> Path:
    doc = json.dumps(BASE | {"notes": [{"resource": "mml-book", "at": "2026-01-01T00:00:00Z", "text": "PLACE"}]})
    return write_json(tmp / "backup.json", doc.replace('"PLACE"', text_literal))


def event_json(tmp: Path, rating_literal: str) -> Path:
    doc = json.dumps(BASE | {"events": [{"resource": "mml-book", "status": "done", "at": "2026-01-01T00:00:00Z",
                                        "note": None, "rating": 0}]})
    return write_json(tmp / "backup.json", doc.replace('"rating": 0', f'"rating": {rating_literal}'))


def roadmap(tmp: Path, text: str) -> Path:
    path = tmp / "roadmap.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def alias_bomb(tmp: Path) -> Path:
    """A 1.1 MB roadmap repeating one 1 MB note through 2,000 aliases (2 GB once expanded)."""
    lines = ["version: 1", "title: Bomb", "stages:", "  - id: s", "    title: S", "    resources:",
             f"      - {{id: r0, title: R, kind: book, hours: 1, note: &n '{'x' * 1_000_000}'}}"]
    lines += [f"      - {{id: r{i}, title: R, kind: book, hours: 1, note: *n}}" for i in range(1, 2000)]
    return roadmap(tmp, "\n".join(lines) + "\n")


def fifo(tmp: Path) -> Path:
    path = tmp / "pipe"
    os.mkfifo(path)
    return path


# Each case: (args, environment, the special file to keep) built from (tmp_path, db).
Case = Callable[[Path, Path], tuple[list[str | bytes], dict[str, str], Path | None]]
CASES: dict[str, Case] = {
    "export over the database": lambda t, db: (["export", "-o", str(db)], {}, None),
    "export over the database through a symlink": lambda t, db: (
        (t / "link.md").symlink_to(db) or ["export", "-o", str(t / "link.md")], {}, t / "link.md"),
    "export over a hard link to the database": lambda t, db: (
        os.link(db, t / "hard.md") or ["export", "-o", str(t / "hard.md")], {}, None),
    "export to a character device": lambda t, db: (["export", "-o", "/dev/null"], {}, Path("/dev/null")),
    "export to a FIFO": lambda t, db: (["export", "-o", str(fifo(t))], {}, t / "pipe"),
    "export to a directory": lambda t, db: (["export", "-o", str(t)], {}, None),
    "database is a character device": lambda t, db: (["next"], {"MLPATH_DB": "/dev/null"}, Path("/dev/null")),
    "database is a FIFO": lambda t, db: (["next"], {"MLPATH_DB": str(fifo(t))}, t / "pipe"),
    "roadmap is a FIFO": lambda t, db: (["--roadmap", str(fifo(t)), "next"], {}, t / "pipe"),
    "import /dev/urandom": lambda t, db: (["import", "/dev/urandom"], {}, Path("/dev/urandom")),
    "import /dev/zero": lambda t, db: (["import", "/dev/zero"], {}, Path("/dev/zero")),
    "import a FIFO": lambda t, db: (["import", str(fifo(t))], {}, t / "pipe"),
    "invalid UTF-8 in an argument": lambda t, db: (["note", "1.1", b"\xff"], {}, None),
    "import: a lone surrogate": lambda t, db: (["import", str(note_json(t, '"\\ud800"'))], {}, None),
    "import: a 5,000-digit integer": lambda t, db: (["import", str(event_json(t, "9" * 5000))], {}, None),
    "import: 100,000 nested brackets": lambda t, db: (
        ["import", str(write_json(t / "deep.json", '{"format": "mlpath-progress", "version": 2, "events": '
                                  + "[" * 100_000 + "]" * 100_000 + "}"))], {}, None),
    "import: 1e30 where an integer belongs": lambda t, db: (["import", str(event_json(t, "1e30"))], {}, None),
    "import: NaN": lambda t, db: (["import", str(event_json(t, "NaN"))], {}, None),
    "roadmap: a python tag": lambda t, db: (
        ["--roadmap", str(roadmap(t, "version: 1\ntitle: !!python/object/apply:os.system ['true']\nstages: []\n")),
         "next"], {}, None),
    "roadmap: a recursive alias": lambda t, db: (
        ["--roadmap", str(roadmap(t, "version: 1\ntitle: T\nstages: &s\n  - id: a\n    title: A\n"
                                     "    resources: *s\n")), "next"], {}, None),
    "roadmap: an alias bomb": lambda t, db: (["--roadmap", str(alias_bomb(t)), "next"], {}, None),
    "roadmap: a url with an escape": lambda t, db: (
        ["--roadmap", str(roadmap(t, "version: 1\ntitle: T\nstages:\n  - id: a\n    title: A\n    resources:\n"
                                     "      - {id: x, title: X, kind: book, hours: 1, url: \"https://a.b/\\e]0;x\\a\"}\n"
                                     "      - {id: y, title: Y, kind: book, hours: 1}\n")), "next"], {}, None),
    "log 5e-324 hours": lambda t, db: (["log", "1.1", "5e-324"], {}, None),
    "log under a minute (0.001 h)": lambda t, db: (["log", "1.1", "0.001"], {}, None),
    "log under a minute (0.5m)": lambda t, db: (["log", "1.1", "0.5m"], {}, None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_reproduction_is_one_line_and_changes_nothing(tmp_path, db, name):
    args, env, special = CASES[name](tmp_path, db)
    before = fingerprint(db), special and fingerprint(special)
    result = run(args, env.get("MLPATH_DB", db), **{k: v for k, v in env.items() if k != "MLPATH_DB"})
    assert_one_line_refusal(result, codes=(2,) if name == "invalid UTF-8 in an argument" else (1,))
    assert (fingerprint(db), special and fingerprint(special)) == before


def test_a_symlink_to_an_empty_file_as_database_is_followed(tmp_path):
    target = tmp_path / "real.db"
    target.write_bytes(b"")
    link = tmp_path / "link.db"
    link.symlink_to(target)
    result = run(["next"], link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.read_bytes()[:16] == b"SQLite format 3\x00"


def tamper(db: Path, sql: str) -> None:
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(sql)
        conn.commit()


DAMAGE = {
    "schema_version tampered": "UPDATE meta SET value = 'x9' WHERE key = 'schema_version'",
    "schema_version missing": "DELETE FROM meta WHERE key = 'schema_version'",
    "schema_version lowered": "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
    "invalid UTF-8 in a note": "UPDATE note SET text = CAST(X'41FF42' AS TEXT)",
    "invalid UTF-8 in a title": "UPDATE resource SET title = CAST(X'C3' AS TEXT) WHERE id = 'mml-book'",
    "broken JSON in authors": "UPDATE resource SET authors = '[\"a\" \"b\"]' WHERE id = 'mml-book'",
    "unknown status": "UPDATE event SET status = 'dine'",
}


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("command", [["show", "mml-book"], ["next"], ["history"], ["export", "--format", "json"]])
def test_a_damaged_database_is_one_line_and_left_alone(db, damage, command):
    tamper(db, DAMAGE[damage])
    before = fingerprint(db)
    result = run(command, db)
    if damage.startswith("schema_version") or result.returncode != 0:  # some damage is not on this path
        assert_one_line_refusal(result)
    assert fingerprint(db) == before


def test_bit_flips_in_the_pages_are_one_line(db):
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(2 * page + 8, len(data), page):  # the b-tree page headers after the first two pages
        data[offset:offset + 8] = b"\xff" * 8
    db.write_bytes(bytes(data))
    before = fingerprint(db)
    for command in (["next"], ["show", "mml-book"], ["done", "1.3"], ["export", "--format", "json"]):
        assert_one_line_refusal(run(command, db))
    assert fingerprint(db) == before


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Any:
    """A tmpfs of 160 KiB (the seeded database needs more): needs root and mount."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny file system needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_first_seed_on_a_full_disk_is_one_line_and_leaves_nothing(tiny_disk):
    result = run(["next"], tiny_disk / "mlpath.db")
    assert_one_line_refusal(result)
    assert "full" in result.stderr
    assert list(tiny_disk.iterdir()) == []


def test_new_database_in_a_read_only_directory_is_one_line(tiny_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    for path in (tiny_disk / "mlpath.db", tiny_disk / "sub" / "mlpath.db"):
        assert_one_line_refusal(run(["next"], path))
    assert list(tiny_disk.iterdir()) == []


def test_a_full_disk_after_the_seed_is_one_line_and_changes_nothing(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and mount for a tiny file system")
    try:
        db = mount / "mlpath.db"
        small = str(Path(__file__).parent / "data" / "small.yaml")
        assert run(["done", "colab"], db, MLPATH_ROADMAP=small).returncode == 0
        filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # fill every block left
            while os.write(filler, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(filler)
        backup = write_json(tmp_path / "big.json", json.dumps(BASE | {"notes": [
            {"resource": "colab", "at": f"2026-01-01T00:00:{n % 60:02d}Z", "text": f"{'n' * 1000}{n}"}
            for n in range(300)]}))
        before = fingerprint(db)
        for args in (["done", "linear-algebra"], ["note", "colab", "x" * 20_000], ["import", str(backup)]):
            result = run(args, db, MLPATH_ROADMAP=small)
            assert_one_line_refusal(result)
            assert "full" in result.stderr
        assert fingerprint(db) == before
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_closed_stdout_is_quiet(db):
    proc = subprocess.Popen(mlpath("list"), env=env_for(db), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader went away (`mlpath list | head -1`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=TIMEOUT) in (0, 1)
    assert "Traceback" not in err and "Broken pipe" not in err, err
