"""Every command, found in the Typer app (so a new one is covered without editing this), run with
hostile arguments: no traceback, exit code 0, 1 or 2, and the database intact afterwards."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpath.cli import app

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def leaf_commands() -> dict[str, Any]:
    found: dict[str, Any] = {}

    def walk(command: Any, path: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found[" ".join(path)] = command

    root = typer.main.get_command(app)
    walk(root, [])
    found["(dashboard)"] = root  # mlpath alone; its own parameters are the global options
    return found


COMMANDS = leaf_commands()
# Typer's own shell-completion installers: what they print depends on the shell that started the test
# run (an unsupported one is "Shell sh is not supported." on stdout, exit 1), and they write to HOME.
TYPER_OWN = {"install_completion", "show_completion"}

# Plausible values (so the run reaches past argument parsing) mixed with hostile ones.
IDS = ["1.1", "2.1", "linear", "colab", "stats-course", "basics", "2"]
PLAUSIBLE = [*IDS, "good", "3", "0.5", "1", "json", "svg", "markdown", "done", "book", "2026-11-20"]
HOSTILE_WORDS = ["5e-324", "1e308", "-1", "0", "nan", "inf", "-inf", "99999999999999999999999", "0x10", "1_0",
                 "", " ", "-", "--", "--json", "\x1b]0;pwned\x07", "\x1b[2J", "\x9b", "\x7f", "\udcff", "a\udcffb",
                 "\u202e", "\ufeff", "../../etc/passwd", "x" * 5000, "%s%n", "{0}", "[bold]x[/]",
                 "'; DROP TABLE event;--", "2026-02-30", "9999-12-31", "0001-01-01", "1.1.1", "1." * 200,
                 "0.001", "0.0166", "24.0001"]
# Any text argv can hold (no NUL), with control characters and undecodable bytes (lone surrogates) likely.
TEXT = st.text(st.one_of(st.characters(exclude_characters="\x00"),
                         st.characters(categories=["Cc", "Cs"], exclude_characters="\x00")), max_size=30)
VALUE = st.one_of(st.sampled_from(PLAUSIBLE), st.sampled_from(HOSTILE_WORDS), st.sampled_from(HOSTILE_WORDS), TEXT)
# A resource argument is usually a real one, so the hostile values beside it reach the core.
RESOURCE = st.one_of(st.sampled_from(IDS), st.sampled_from(IDS), st.sampled_from(IDS), VALUE)


@pytest.fixture
def places(tmp_path: Path, db_path: Path) -> list[str]:
    """Paths for path-typed parameters: the database itself and its files, a directory, a device,
    a missing file, a symlink to the database, junk, and a real backup."""
    (tmp_path / "junk.txt").write_bytes(b"\xff\xfe junk \x00\x1b[2J")
    (tmp_path / "link").symlink_to(db_path)
    (tmp_path / "backup.json").write_text(json.dumps({"format": "mlpath-progress", "version": 2, "events": [
        {"resource": "colab", "status": "done", "at": "2026-01-01T00:00:00Z", "note": "\x1b[2J", "rating": None}]}))
    return [str(db_path), f"{db_path}-wal", f"{db_path}-shm", f"{db_path}.bak-v1", str(tmp_path), "/dev/null",
            str(tmp_path / "missing.md"), str(tmp_path / "link"), str(tmp_path / "junk.txt"),
            str(tmp_path / "backup.json"), str(tmp_path / "out.md"), str(tmp_path / "nodir" / "x.md")]


@st.composite
def argv(draw: st.DrawFn, name: str, places: list[str]) -> list[str]:
    command = COMMANDS[name]
    path_value = st.sampled_from(places)
    args: list[str] = []
    if draw(st.integers(0, 9)) == 0:
        args += ["--roadmap", draw(path_value)]
    args += [] if name == "(dashboard)" else name.split()
    positional: list[str] = []
    for param in command.params:
        if param.name in TYPER_OWN:
            continue
        is_path = getattr(param.type, "name", "") == "path"
        value = path_value if is_path else RESOURCE if param.name in ("resource", "ids") else VALUE
        if param.param_type_name == "argument":
            if param.nargs == -1:
                positional += draw(st.lists(value, min_size=0 if not param.required else 1, max_size=3))
            elif param.required or draw(st.booleans()):
                positional.append(draw(value))
        elif draw(st.booleans()):
            if getattr(param, "is_flag", False):
                args.append(param.opts[0])
            else:
                args += [param.opts[0], draw(value)]
    if positional and draw(st.booleans()):
        args.append("--")  # so values starting with '-' reach the command as values
    return args + positional


def integrity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_with_hostile_arguments(run, small_roadmap, db_path, places, monkeypatch, name):
    monkeypatch.setattr("mlpath.commands.tracking.launch", lambda url: False)  # never a real browser
    assert run("next").exit_code == 0  # a database with something in it

    @SETTINGS
    @given(st.data())
    def check(data: st.DataObject) -> None:
        args = data.draw(argv(name, places))
        result = run(*args)
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr, args
        if result.exit_code:
            assert result.stderr.strip(), (args, "a failure must say what went wrong")
        # The database is sound throughout: a message blaming it (or a catch-all) hides a missing check.
        for wrong in ("damaged", "could not use", "text that is not valid UTF-8", "out of memory", "nested too deeply"):
            assert wrong not in result.stderr, (args, result.stderr)
        assert db_path.read_bytes()[:16] == b"SQLite format 3\x00", args
        assert integrity(db_path) == "ok", args
        for leftover in db_path.parent.glob(".*.tmp"):
            raise AssertionError(f"{args} left {leftover}")

    check()
    assert os.path.exists(db_path)
