"""Special paths as the database, the roadmap, an import or an export: device nodes, FIFOs, symlinks,
directories, read-only files and directories, and the database itself.

Every case runs as the current user (a real process) and, when the tests run as root, also as the
unprivileged user `nobody`: a forked copy of this process drops to nobody's uid and runs the CLI in
place (nobody cannot start this machine's Python, which lives under /root). A refusal must be one
line on stderr with exit 1, must not hang (generous timeouts), and must leave the database and the
special file exactly as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlpath import render

pytestmark = pytest.mark.slow

TIMEOUT = 60  # generous for a loaded machine; a hang fails the test, slowness does not
SMALL = Path(__file__).parent / "data" / "small.yaml"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def _nobody() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        return None


USERS = ["current", "nobody"]


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLPATH_", "PYTEST_"))}
    return env | {"MLPATH_DB": str(db), "MLPATH_ROADMAP": str(SMALL), "NO_COLOR": "1", "COLUMNS": "80"} | extra


def _subprocess(args: list[str], env: dict[str, str]) -> Result:
    done = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'mlpath'; "
                           "from mlpath.cli import main; main()", *args],
                          env=env, capture_output=True, text=True, errors="replace", timeout=TIMEOUT)
    return Result(done.returncode, done.stdout, done.stderr)


def _forked_as(user: pwd.struct_passwd, args: list[str], env: dict[str, str]) -> Result:
    """Run the CLI in a forked child that has become `user`; the parent reads its output with a deadline."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            os.close(out_r)
            os.close(err_r)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
            os.environ.clear()
            os.environ.update(env | {"HOME": env.get("HOME", "/nonexistent")})
            os.chdir("/")
            sys.argv = ["mlpath", *args]
            render.terminal.cache_clear()
            from mlpath.cli import main

            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 70
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    os.close(out_w)
    os.close(err_w)
    chunks: dict[int, list[bytes]] = {out_r: [], err_r: []}
    deadline = time.monotonic() + TIMEOUT
    open_fds = [out_r, err_r]
    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"mlpath {args} as {user.pw_name} did not finish in {TIMEOUT} s (a hang)")
        ready, _, _ = select.select(open_fds, [], [], left)
        for fd in ready:
            data = os.read(fd, 65536)
            if data:
                chunks[fd].append(data)
            else:
                open_fds.remove(fd)
                os.close(fd)
    _, status = os.waitpid(pid, 0)
    return Result(os.waitstatus_to_exitcode(status), b"".join(chunks[out_r]).decode(errors="replace"),
                  b"".join(chunks[err_r]).decode(errors="replace"))


@pytest.fixture(params=USERS)
def user(request: pytest.FixtureRequest) -> str:
    if request.param == "nobody":
        if os.geteuid() != 0:
            pytest.skip("running as another user needs root (these tests run unprivileged already)")
        if _nobody() is None:
            pytest.skip("this machine has no user `nobody`")
    return str(request.param)


@dataclass
class Place:
    """A world-readable scratch directory (pytest's own tmp is private to root) and a runner."""

    root: Path
    user: str

    @property
    def db(self) -> Path:
        return self.root / "home" / "mlpath.db"

    def run(self, *args: str, db: Path | None = None, **env: str) -> Result:
        environment = _env(db or self.db, HOME=str(self.root / "home"), **env)
        if self.user == "nobody":
            user = _nobody()
            assert user is not None
            return _forked_as(user, list(args), environment)
        return _subprocess(list(args), environment)

    def own(self, path: Path) -> Path:
        """Give path to the user the test runs as (so a `nobody` run may write where it should)."""
        if self.user == "nobody":
            user = _nobody()
            assert user is not None
            os.chown(path, user.pw_uid, user.pw_gid)
        return path


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A database with one thing done, made once; every test starts from a copy of it."""
    db = tmp_path_factory.mktemp("seed") / "mlpath.db"
    made = _subprocess(["done", "linear-algebra", "--note", "kept"], _env(db))
    assert made.returncode == 0, made.stderr
    return db.read_bytes()


@pytest.fixture(scope="module")
def warmed(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Everything a `nobody` child might import lazily, imported once before any child loses /root."""
    import zoneinfo

    from typer.testing import CliRunner

    from mlpath.cli import app

    zoneinfo.ZoneInfo("UTC")
    root = tmp_path_factory.mktemp("warm")
    saved = os.environ.get("MLPATH_DB")
    os.environ["MLPATH_DB"] = str(root / "warm.db")
    try:
        runner = CliRunner()
        for args in (["next"], ["export", "--format", "svg"], ["export", "-o", str(root / "w.md")],
                     ["import", str(root / "w.md")], ["--roadmap", str(SMALL), "roadmap", "diff"], ["done", "1.1"]):
            render.terminal.cache_clear()
            runner.invoke(app, args)
        render.terminal.cache_clear()
    finally:
        if saved is None:
            os.environ.pop("MLPATH_DB", None)
        else:
            os.environ["MLPATH_DB"] = saved


@pytest.fixture
def place(user: str, seed: bytes, warmed: None) -> Iterator[Place]:
    root = Path(tempfile.mkdtemp(prefix="mlpath-special-"))
    try:
        root.chmod(0o755)
        home = root / "home"
        home.mkdir()
        here = Place(root, user)
        here.own(home)
        here.db.write_bytes(seed)
        here.own(here.db)
        yield here
    finally:
        shutil.rmtree(root, ignore_errors=True)


def fingerprint(path: Path) -> Any:
    if not os.path.lexists(path):
        return None
    st = os.lstat(path)
    if stat.S_ISREG(st.st_mode):
        return hashlib.sha256(path.read_bytes()).hexdigest(), stat.S_IMODE(st.st_mode), st.st_ino
    return st.st_ino, st.st_mode, st.st_rdev, os.readlink(path) if stat.S_ISLNK(st.st_mode) else None


def refused(result: Result) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


def char_device(root: Path) -> Path:
    """A character device node: a twin of /dev/null made here when we may (root), else /dev/null."""
    node = root / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        return node
    except (PermissionError, OSError):
        return Path("/dev/null")


def fifo(root: Path) -> Path:
    path = root / "pipe"
    os.mkfifo(path, 0o666)
    return path


# (what is special, args built from the scratch root and the database)
SPECIAL: dict[str, Callable[[Place], tuple[list[str], Path, Path | None]]] = {
    "device as the database": lambda p: (["next"], char_device(p.root), None),
    "FIFO as the database": lambda p: (["next"], fifo(p.root), None),
    "directory as the database": lambda p: (["next"], p.root, None),
    "device as --roadmap": lambda p: (["--roadmap", str(char_device(p.root)), "next"], char_device(p.root), p.db),
    "FIFO as --roadmap": lambda p: (["--roadmap", str(fifo(p.root)), "next"], p.root / "pipe", p.db),
    "directory as --roadmap": lambda p: (["--roadmap", str(p.root), "next"], p.root, p.db),
    "device to import": lambda p: (["import", "/dev/zero"], Path("/dev/zero"), p.db),
    "FIFO to import": lambda p: (["import", str(fifo(p.root))], p.root / "pipe", p.db),
    "directory to import": lambda p: (["import", str(p.root)], p.root, p.db),
    "device as export target": lambda p: (["export", "-o", str(char_device(p.root))], char_device(p.root), p.db),
    "FIFO as export target": lambda p: (["export", "-o", str(fifo(p.root))], p.root / "pipe", p.db),
    "directory as export target": lambda p: (["export", "-o", str(p.root)], p.root, p.db),
    "the database as export target": lambda p: (["export", "-o", str(p.db)], p.db, p.db),
    "a symlink to the database as export target": lambda p: (
        (p.root / "home" / "link.md").symlink_to(p.db) or ["export", "-o", str(p.root / "home" / "link.md")],
        p.root / "home" / "link.md", p.db),
}


@pytest.mark.parametrize("case", list(SPECIAL))
def test_special_paths_are_refused_and_left_alone(place, case):
    args, special, db = SPECIAL[case](place)
    db_path = place.db if db is not None else special
    before = fingerprint(special), fingerprint(place.db)
    refused(place.run(*args, db=db_path))
    assert (fingerprint(special), fingerprint(place.db)) == before


def test_a_symlinked_database_and_export_are_followed(place):
    target = place.root / "home" / "real.db"
    target.write_bytes(b"")
    place.own(target)
    link = place.root / "home" / "link.db"
    link.symlink_to(target)
    result = place.run("next", db=link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.read_bytes()[:16] == b"SQLite format 3\x00"
    page = place.root / "home" / "card.svg"
    page.write_text("old")
    place.own(page)
    page.chmod(0o644)
    card = place.root / "home" / "card-link.svg"
    card.symlink_to(page)
    result = place.run("export", "--format", "svg", "-o", str(card))
    assert result.returncode == 0, result.stderr
    assert card.is_symlink() and page.read_text().startswith("<svg") and stat.S_IMODE(page.stat().st_mode) == 0o644


def test_a_read_only_database_is_read_but_not_written(place):
    place.db.chmod(0o444)
    before = fingerprint(place.db)
    assert place.run("next").returncode == 0
    result = place.run("done", "stats-course")
    if place.user == "nobody" or os.geteuid() != 0:
        refused(result)
        assert "read-only" in result.stderr
        assert fingerprint(place.db) == before
    else:  # root may write any file: the write goes through, as for every other program
        assert result.returncode == 0, result.stderr


def test_a_read_only_export_file_is_not_replaced(place):
    target = place.root / "home" / "progress.md"
    target.write_text("mine")
    place.own(target)
    target.chmod(0o444)
    before = fingerprint(target)
    result = place.run("export", "-o", str(target))
    if place.user == "nobody" or os.geteuid() != 0:
        refused(result)
        assert fingerprint(target) == before
    else:
        assert result.returncode == 0, result.stderr


def test_a_read_only_directory_gets_no_database_and_no_export(place):
    locked = place.root / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if place.user == "current" and os.geteuid() == 0:
        pytest.skip("root writes into any directory; tests/test_hostile.py covers a read-only file system")
    refused(place.run("next", db=locked / "mlpath.db"))
    refused(place.run("export", "-o", str(locked / "progress.md")))
    assert list(locked.iterdir()) == []


def test_a_regular_backup_next_to_them_still_imports(place):
    backup = place.root / "home" / "backup.json"
    backup.write_text(json.dumps({"format": "mlpath-progress", "version": 2, "events": []}))
    assert place.run("import", str(backup)).returncode == 0
