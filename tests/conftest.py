"""Every test runs isolated: its own database, no colour, a fixed width, no user roadmap."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlpath.cli import app

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"


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
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke
