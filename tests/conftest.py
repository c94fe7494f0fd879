"""Every test runs isolated: its own database, no colour, a fixed width, no user roadmap."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlpath import render
from mlpath.cli import app

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"
SCREENS = Path(__file__).parent / "cli" / "screens"
SCREEN_WIDTHS = (60, 80, 120)
UPDATE_SCREENS = "MLPATH_UPDATE_SCREENS"


@pytest.fixture(autouse=True)
def isolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "home" / "mlpath.db"
    monkeypatch.setenv("MLPATH_DB", str(db))
    monkeypatch.delenv("MLPATH_ROADMAP", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # nothing may reach the real user dir
    monkeypatch.setenv("TZ", "UTC")
    return db


class FakeClock:
    """Stands in for the system clock: tests set and move the time."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set(self, iso: str) -> None:
        self.current = datetime.fromisoformat(iso.replace("Z", "+00:00"))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    monkeypatch.setattr("mlpath.clock.now", fake)
    return fake


@pytest.fixture
def db_path(isolation: Path) -> Path:
    return isolation


@pytest.fixture
def small_roadmap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the small test roadmap, selected through MLPATH_ROADMAP."""
    path = tmp_path / "small.yaml"
    shutil.copy(SMALL, path)
    monkeypatch.setenv("MLPATH_ROADMAP", str(path))
    return path


@pytest.fixture
def run() -> Callable[..., object]:
    runner = CliRunner()

    def invoke(*args: str):
        render.terminal.cache_clear()  # one Terminal per process: here, one per command
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def check_layout(text: str, width: int) -> None:
    """The layout rules every screen keeps: no line wider than the terminal, except one whose
    last word (a URL or an id, which are never split) is too long to fit any line."""
    for line in text.splitlines():
        if len(line) > width:
            last = line.rsplit(" ", 1)[-1]
            assert len(last) > width // 2, f"line wider than {width} columns: {line!r}"


@pytest.fixture
def screen(run, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Check a command's exact output at 60, 80 and 120 columns against golden files.

    `screen("list", "list", "--core")` runs `mlpath list --core` at each width and compares its
    stdout with tests/cli/screens/list-60.txt, list-80.txt and list-120.txt. Use the `clock`
    fixture so dates are fixed. To create or refresh golden files after a deliberate change, run
    the tests with MLPATH_UPDATE_SCREENS=1, then read every changed file in `git diff`.
    """

    def check(name: str, *args: str, widths: tuple[int, ...] = SCREEN_WIDTHS) -> None:
        for width in widths:
            monkeypatch.setenv("COLUMNS", str(width))
            result = run(*args)
            assert result.exit_code == 0, (result.stdout, result.stderr)
            check_layout(result.stdout, width)
            golden = SCREENS / f"{name}-{width}.txt"
            if os.environ.get(UPDATE_SCREENS):
                golden.parent.mkdir(parents=True, exist_ok=True)
                golden.write_text(result.stdout, encoding="utf-8")
                continue
            assert golden.exists(), f"no golden file {golden}: run with {UPDATE_SCREENS}=1 and review it"
            assert result.stdout == golden.read_text(encoding="utf-8"), f"{golden} differs (width {width})"

    return check
