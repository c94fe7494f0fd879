"""lean.only: a command line that starts with a command's name runs an app holding that command alone.

The lean app must answer exactly as the whole app does: the same help, the same output, the same
errors. Every command (and the `roadmap` group) is compared through CliRunner.
"""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

from mlpath import cli

NAMES = sorted(typer.main.get_command(cli.app).commands)  # type: ignore[attr-defined]


def test_every_command_has_a_lean_app_and_nothing_else_does() -> None:
    assert len(NAMES) > 15
    for name in NAMES:
        lean = cli.only(cli.app, name)
        assert lean is not None, name
        assert sorted(typer.main.get_command(lean).commands) == [name]  # type: ignore[attr-defined]
    assert cli.only(cli.app, "nexxt") is None
    assert cli.only(cli.app, "--help") is None


def _both(args: list[str]) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    runner = CliRunner()
    lean = cli.only(cli.app, args[0])
    assert lean is not None
    a = runner.invoke(cli.app, args)
    b = runner.invoke(lean, args)
    return (a.exit_code, a.stdout, a.stderr), (b.exit_code, b.stdout, b.stderr)


@pytest.mark.parametrize("name", NAMES)
def test_the_lean_app_prints_the_same_help(name: str) -> None:
    whole, lean = _both([name, "--help"])
    assert whole[0] == 0
    assert lean == whole


@pytest.mark.parametrize("args", [
    ["next", "-n", "3"],
    ["list", "--json"],
    ["done", "mml-book"],
    ["reset", "no-such-id"],
    ["log", "mml-book", "abc"],
    ["list", "--no-such-option"],
    ["roadmap", "list"],
    ["roadmap", "nope"],
    ["export", "--format", "nope"],
])
def test_the_lean_app_answers_as_the_whole_app_does(args: list[str], tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    outputs = []
    for where, target in (("whole-app", cli.app), ("lean-app", cli.only(cli.app, args[0]))):
        assert target is not None
        monkeypatch.setenv("MLPATH_DB", str(tmp_path / where / "mlpath.db"))
        result = CliRunner().invoke(target, args)
        outputs.append((result.exit_code, result.stdout.replace(where, "DIR"), result.stderr.replace(where, "DIR")))
    assert outputs[0][0] in (0, 1, 2)
    assert outputs[1] == outputs[0]


def test_help_is_plain_text_with_an_example() -> None:
    # click's formatter, not Rich's panels: no box drawing, piped or not
    runner = CliRunner()
    for args in [["--help"], ["roadmap"], *([name, "--help"] for name in NAMES), ["roadmap", "add", "--help"]]:
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0 and result.stdout.startswith("Usage: mlpath"), args
        assert not set(result.stdout) & set("╭╮╰╯│─"), args
        assert "Example: mlpath" in result.stdout or args == ["--help"], args


@pytest.mark.parametrize("width", [60, 80, 120])
def test_help_fits_the_terminal(width: int, tmp_path) -> None:
    # in a real process (CliRunner fixes click's width at 80): every line fits (choices are named
    # in the help text, after a short metavar, never as one long word)
    import os
    import subprocess
    import sys

    from conftest import check_layout

    env = os.environ | {"COLUMNS": str(width), "MLPATH_DB": str(tmp_path / "mlpath.db")}
    for args in [["--help"], ["roadmap"], ["list", "--help"], ["log", "--help"], ["roadmap", "add", "--help"]]:
        done = subprocess.run([sys.executable, "-m", "mlpath", *args], env=env, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0 and done.stdout.startswith("Usage: "), (args, done.stderr)
        check_layout(done.stdout, width)
        assert max(map(len, done.stdout.splitlines())) <= width, args
        assert max(map(len, done.stdout.splitlines())) > min(width, 80) - 12, args  # and uses the width
