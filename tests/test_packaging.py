"""Packaging: the sdist carries everything the tests read, and the metadata says what is true.

Running the whole suite from an unpacked sdist is a documented check (CONTRIBUTING.md,
"Releasing"); this file keeps its preconditions: every file the tests and `.ci/run` need is in
the archive, the licence file exists, and dependency floors are no lower than what Typer needs.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
from importlib.metadata import requires
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
JUNK = ("__pycache__", ".pyc", ".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache")


def _floor(requirements: list[str], name: str) -> tuple[int, ...]:
    spec = next(r for r in requirements if r.replace(" ", "").lower().startswith(f"{name}>="))
    version = spec.split(">=", 1)[1].split(",")[0].split(";")[0].strip()
    parts = [int(part) for part in version.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def test_licence_file_matches_the_declared_licence():
    assert PYPROJECT["project"]["license"] == "MIT"
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "mlpath contributors" in text


def test_rich_floor_is_what_typer_itself_requires():
    ours = _floor(PYPROJECT["project"]["dependencies"], "rich")
    typers = _floor([r for r in requires("typer") or [] if "extra ==" not in r], "rich")
    assert ours >= typers, f"pyproject.toml asks rich>={ours}, but the installed Typer needs rich>={typers}"


@pytest.mark.e2e
def test_sdist_holds_everything_the_tests_read(tmp_path):
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)], cwd=REPO,
                   check=True, capture_output=True)
    (archive,) = tmp_path.glob("mlpath-*.tar.gz")
    with tarfile.open(archive) as tar:
        packed = {Path(*Path(name).parts[1:]).as_posix() for name in tar.getnames()}
    needed = {"pyproject.toml", "README.md", "LICENSE", "CONTRIBUTING.md", ".ci/run"}
    for folder in ("src", "tests", "data", "benchmarks"):
        needed |= {p.relative_to(REPO).as_posix() for p in (REPO / folder).rglob("*")
                   if p.is_file() and not any(j in p.as_posix() for j in JUNK)}
    assert needed - packed == set()
