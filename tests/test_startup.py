"""What each kind of command imports: the fast paths must never load the ORM (or YAML).

Timings are not asserted here (machines are noisy); benchmarks/run.py measures them. These
tests pin the cause of slowness instead: which heavy modules a process loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "yaml")

PROBE = """
import json, os, sys
sys.argv = ["mlpath", *json.loads(os.environ["PROBE_ARGS"])]
from mlpath.cli import main
try:
    main()
except SystemExit:
    pass
heavy = {"sqlalchemy", "sqlmodel", "pydantic", "yaml", "rich"}
print("LOADED=" + json.dumps(sorted({m.split(".")[0] for m in sys.modules} & heavy)), file=sys.stderr)
"""


def loaded_modules(args: list[str], env_extra: dict[str, str], db: Path) -> list[str]:
    """The heavy top-level packages a real `mlpath ARGS` process has imported when it ends."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLPATH_", "_MLPATH", "COMP_"))}
    env |= {"MLPATH_DB": str(db), "NO_COLOR": "1", "PROBE_ARGS": json.dumps(args)} | env_extra
    proc = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("LOADED=")]
    assert line, proc.stderr
    return json.loads(line[-1][len("LOADED="):])


COMPLETE = "import sys; sys.argv = ['mlpath']; from mlpath.cli import main; main()"


@pytest.fixture
def seeded(run, db_path) -> Path:
    assert run("stages").exit_code == 0
    assert run("done", "mml-book").exit_code == 0
    return db_path


def test_version_loads_nothing_heavy(db_path):
    assert loaded_modules(["--version"], {}, db_path) == []


def test_completion_loads_nothing_heavy_and_offers_ids(seeded):
    env = {"_MLPATH_COMPLETE": "complete_bash", "COMP_WORDS": "mlpath done ml", "COMP_CWORD": "2"}
    assert loaded_modules([], env, seeded) == []
    proc = subprocess.run([sys.executable, "-c", COMPLETE],
                          env={**os.environ, **env, "MLPATH_DB": str(seeded)}, capture_output=True, text=True)
    offered = proc.stdout.split()
    assert "ml-design-patterns-book" in offered
    assert all(o.startswith("ml") for o in offered)
    assert "mml-book" not in offered


def test_completion_puts_open_items_first_for_done(seeded):
    env = {"_MLPATH_COMPLETE": "complete_bash", "COMP_WORDS": "mlpath done m", "COMP_CWORD": "2",
           "MLPATH_DB": str(seeded)}
    proc = subprocess.run([sys.executable, "-c", COMPLETE],
                          env={**os.environ, **env}, capture_output=True, text=True)
    offered = proc.stdout.split()
    assert offered[-1] == "mml-book"  # done already: offered last


@pytest.mark.parametrize("args", [["next"], ["stages"], [], ["list", "--json"], ["show", "mml-book"], ["week"],
                                  ["next", "-n", "5"], ["goal"]])
def test_daily_read_commands_never_import_the_orm_or_yaml(seeded, args):
    loaded = loaded_modules(args, {}, seeded)
    assert not set(loaded) & set(HEAVY), loaded


@pytest.mark.parametrize("args", [["reset", "mml-book"], ["done", "1.2", "--rating", "4"], ["log", "1.3", "1"],
                                  ["note", "1.3", "text"], ["log", "1.3", "1h30m", "--date", "yesterday"],
                                  ["progress", "1.3", "5/12"], ["goal", "8"]])
def test_daily_write_commands_do_not_import_the_orm_either(seeded, args):
    assert not set(loaded_modules(args, {}, seeded)) & set(HEAVY)


def test_imports_do_not_import_the_orm_either(seeded, tmp_path):
    backup = tmp_path / "b.json"
    backup.write_text('{"format": "mlpath-progress", "version": 1, "events": []}')
    assert not set(loaded_modules(["import", str(backup)], {}, seeded)) & set(HEAVY)


def test_version_alone_is_answered_before_typer_is_imported(tmp_path):
    probe = ("import runpy, sys; sys.argv = ['mlpath', '--version']; runpy.run_module('mlpath', run_name='__main__'); "
             "print(sorted(m for m in ('typer', 'click', 'rich', 'mlpath.cli') if m in sys.modules), file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLPATH_")} | {"MLPATH_DB": str(tmp_path / "x.db")}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    from mlpath import __version__

    assert done.stdout == f"mlpath {__version__}\n" and done.stderr.strip() == "[]", done.stderr
    assert not (tmp_path / "x.db").exists()


def test_the_benchmark_floor_prints_what_next_prints(run, db_path):
    """benchmarks/floor.py stands for `mlpath next` in plain Python; its ratio means something only
    while it prints the same text (in the benchmark's state: two done, one started)."""
    for args in (["done", "mml-book", "edx-essential-math-python"], ["start", "imperial-math-for-ml-coursera"]):
        assert run(*args).exit_code == 0
    floor = Path(__file__).parents[1] / "benchmarks" / "floor.py"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLPATH_")} | {"MLPATH_DB": str(db_path)}
    done = subprocess.run([sys.executable, str(floor)], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout == run("next").stdout, done.stderr


EXIT_PROBE = """
import gc, json, os, sys
sys.argv = ["mlpath", *json.loads(os.environ["PROBE_ARGS"])]
from mlpath.__main__ import main
enabled = []
gc.callbacks.append(lambda phase, info: enabled.append(gc.isenabled()))
try:
    main()
except SystemExit:
    pass
print("FROZEN=" + json.dumps([gc.get_freeze_count(), bool(enabled)]), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["done", "mml-book"], ["reset", "mml-book"], ["list", "--json"], ["stages"],
                                  ["log", "1.3", "1", "--note", "x"], ["export", "--format", "json", "--output", "OUT"],
                                  ["done", "nope"], ["--version"]])
def test_the_entry_point_leaves_nothing_for_the_collector_at_exit(seeded, tmp_path, args):
    """mlpath.__main__ freezes what is alive when a command ends, so the interpreter's shutdown does
    not walk it with the cycle collector (8-10 ms a command). That is safe only while each command
    has finished its work itself by then: the database closed (SQLite removes its -wal and -shm
    files when the last connection closes), files written. The collector ran during the command."""
    out = tmp_path / "out" / "backup.json"
    out.parent.mkdir()
    args = [str(out) if a == "OUT" else a for a in args]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLPATH_", "_MLPATH", "COMP_"))}
    env |= {"MLPATH_DB": str(seeded), "NO_COLOR": "1", "PROBE_ARGS": json.dumps(args)}
    proc = subprocess.run([sys.executable, "-c", EXIT_PROBE], env=env, capture_output=True, text=True, timeout=60)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("FROZEN=")]
    assert line, proc.stderr
    frozen, collected = json.loads(line[-1][len("FROZEN="):])
    assert frozen > 1000 and (collected or args == ["--version"]), proc.stderr  # (--version allocates too little)
    assert sorted(p.name for p in seeded.parent.iterdir() if p.name.startswith(seeded.name)) == [seeded.name]
    if "export" in args:
        assert json.loads(out.read_text())["format"] == "mlpath-progress"
