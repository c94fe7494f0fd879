"""End to end: build the wheel, install it into a fresh venv, run the installed `mlpath`.

The venv gets mlpath from the wheel alone (no source checkout on its path); its third-party
dependencies are borrowed from the test environment through a .pth file, so the test needs no
network. `.ci/run` separately installs with real dependency resolution (`pip install .`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from gfm import check_export, listed_items

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w",
         str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("mlpath-*.whl")
    return built


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
         str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "_mlpath_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return root


def test_wheel_packages_the_bundled_roadmap(wheel):
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("mlpath/data/roadmap.yaml") == (REPO / "data" / "roadmap.yaml").read_bytes()
        assert "mlpath/cli.py" in zf.namelist() and "mlpath/commands/views.py" in zf.namelist()


def test_installed_command_runs_the_daily_loop(venv, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLPATH_")}
    env |= {"MLPATH_DB": str(tmp_path / "data" / "mlpath.db"), "NO_COLOR": "1"}
    mlpath = str(venv / "bin" / "mlpath")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([mlpath, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "from mlpath import roadmap; print(roadmap._bundled_path())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(venv)), where

    first = run("next")
    assert first.returncode == 0, first.stderr
    assert first.stderr.startswith(f"Created {tmp_path / 'data' / 'mlpath.db'}: 6 stages, ")
    assert "Mathematics for Machine Learning" in first.stdout

    done = run("done", "mml-book", "--note", "first pass")
    assert done.returncode == 0 and done.stdout.startswith("done: mml-book"), done.stderr

    exported = run("export", "-o", "progress.md")
    assert exported.returncode == 0, exported.stderr
    text = (tmp_path / "progress.md").read_text()
    assert "- [x] [Mathematics for Machine Learning](https://mml-book.github.io/) · book · done " in text
    check_export(text, listed_items(run))

    bad = run("done", "no-such-thing")
    assert bad.returncode == 1 and bad.stderr.startswith("error: no resource") and "Traceback" not in bad.stderr

    module = subprocess.run([str(venv / "bin" / "python"), "-m", "mlpath", "--version"], env=env,
                            capture_output=True, text=True)
    assert module.returncode == 0 and module.stdout.startswith("mlpath ")
