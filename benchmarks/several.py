"""Benchmark the daily commands with five tracked roadmaps of 2,000 resources each beside the
bundled one, against the bundled roadmap alone, side by side in one run.

    python benchmarks/several.py              # 10 interleaved rounds
    python benchmarks/several.py --rounds 20
    python benchmarks/several.py --strict     # exit 1 if a command with a target is slower than 1.5x

Two databases: one tracking only the bundled roadmap, one tracking it and five synthetic
roadmaps (`mlpath roadmap add`) of 2,000 resources each, whose ids are the same in all five
(so four of them are stored as name/id) and one link in ten the same page in all five (one
piece of study, see catalog.py). Both have the same progress on the bundled roadmap, and the
second a fifth of every added roadmap done. Every daily command runs unscoped (every roadmap
at once) against both, and once more scoped to the bundled roadmap (MLPATH_ROADMAP_NAME=mlpath,
what `--in mlpath` or `roadmap use mlpath` do) in the database holding all six, interleaved, with
run.py's launcher and runner; medians are compared. The target applies to the unscoped runs, of
every command but `list` and `list --json`, timed with no target (see NO_TARGET). Standard library
only; this is not a test.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import run as base  # the launcher, the interleaved runner and the roadmap writer

ROADMAPS = 5
RESOURCES = 2000
TARGET = 1.5  # the five-roadmap median at most this times the bundled-alone median
# Measured with no target: each prints a line or a record for every resource, 52 times as many
# with the five roadmaps (10,197 against 197), so its time follows its output. The target is
# for the daily commands (issue 13 names them: next, done, the dashboard, completion); `reset` and
# `stages` are held to it too.
NO_TARGET = {"mlpath list": "a line per resource: no target", "mlpath list --json": "a record per resource: no target"}
DONE_ID = base.DONE_ID  # a bundled resource: the same command in both databases


def write_tracked(path: Path, name: str, n: int) -> None:
    """run.py's synthetic roadmap, its links made this roadmap's own except one in ten (shared)."""
    with open(path, "w", encoding="utf-8") as fh:
        for line in base._roadmap_lines(n, base.json.dumps):
            if "url: https://example.org/resources/r-" in line and not line.rstrip().endswith("0"):
                line = line.replace("/resources/", f"/{name}/")
            fh.write(line.replace("Synthetic roadmap", f"Synthetic roadmap {name}") + "\n")


def prepare(mlpath: Path, env: dict[str, str], work: Path, several: bool) -> None:
    base.prepare_db(mlpath, env)
    if not several:
        return
    for number in range(1, ROADMAPS + 1):
        name = f"road{number}"
        path = work / f"{name}.yaml"
        write_tracked(path, name, RESOURCES)
        done = base.run_checked([str(mlpath), "roadmap", "add", str(path), "--name", name], env)
        if done.returncode != 0:
            sys.exit(f"several.py: `roadmap add {path}` failed: {done.stderr.strip()}")
    with sqlite3.connect(env["MLPATH_DB"], timeout=30) as conn:  # a fifth of every added roadmap done
        ids = [(rid,) for (rid,) in conn.execute("SELECT id FROM resource WHERE roadmap != 'mlpath' "
                                                 "AND same_as IS NULL AND rowid % 5 = 0")]
        conn.executemany("INSERT INTO event (resource_id, status, at, note, place) "
                         "VALUES (?, 'done', '2026-01-01T00:00:00Z', NULL, '2026-01-01T00:00:00Z')", ids)
    conn.close()


def cases(mlpath: Path, env: dict[str, str], label: str) -> list[list[base.Case]]:
    ml = str(mlpath)
    return [
        [base.Case(f"{label}|mlpath (dashboard)", [ml], env)],
        [base.Case(f"{label}|mlpath next", [ml, "next"], env)],
        [base.Case(f"{label}|mlpath done {DONE_ID}", [ml, "done", DONE_ID], env),
         base.Case(f"{label}|mlpath reset {DONE_ID}", [ml, "reset", DONE_ID], env)],
        [base.Case(f"{label}|mlpath list", [ml, "list", "--no-pager"], env)],
        [base.Case(f"{label}|mlpath list --json", [ml, "list", "--json"], env)],
        [base.Case(f"{label}|mlpath stages", [ml, "stages"], env)],
        [base.Case(f"{label}|completion (done ml<Tab>)", [ml], base.completion_env(env))],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    mlpath = base.find_mlpath()
    print(base.header(base.mlpath_python(mlpath), mlpath, args.rounds), flush=True)
    launcher = base.Launcher()
    verdicts = base.Verdicts()
    try:
        with tempfile.TemporaryDirectory(prefix="mlpath-several-") as tmp:
            work = Path(tmp)
            alone_env = base.base_env(work / "alone.db")
            several_env = base.base_env(work / "several.db")
            prepare(mlpath, alone_env, work, several=False)
            prepare(mlpath, several_env, work, several=True)
            alone, several = cases(mlpath, alone_env, "alone"), cases(mlpath, several_env, "several")
            scoped = cases(mlpath, several_env | {"MLPATH_ROADMAP_NAME": "mlpath"}, "scoped")
            base.run_interleaved(launcher, alone + several + scoped, args.rounds, "several roadmaps")
    finally:
        launcher.close()
    rows = []
    for unit_a, unit_b, unit_c in zip(alone, several, scoped, strict=True):
        for a, b, c in zip(unit_a, unit_b, unit_c, strict=True):
            ratio = b.median_ms / a.median_ms if a.median_ms and b.median_ms else None
            in_one = c.median_ms / a.median_ms if a.median_ms and c.median_ms else None
            name = a.name.split("|", 1)[1]
            if name in NO_TARGET:
                target, verdict, note = "-", "-", NO_TARGET[name]
            else:
                target, note = f"<={TARGET:g}x", ""
                verdict = verdicts.mark(ratio is not None and ratio <= TARGET) if ratio is not None else "?"
            rows.append([name, base.fmt(a.median_ms), base.fmt(b.median_ms), base.fmt(ratio, ".2f", "x"), target,
                         verdict, base.fmt(c.median_ms), base.fmt(in_one, ".2f", "x"),
                         a.error or b.error or c.error or note])
    print(f"\n== Daily commands: the bundled roadmap alone vs. it and {ROADMAPS} roadmaps of {RESOURCES:,} "
          f"resources (unscoped; medians of {args.rounds} rounds) ==")
    print(base.table(["command", "alone ms", f"+{ROADMAPS}x{RESOURCES} ms", "ratio", "target", "result",
                      "--in mlpath ms", "ratio", "note"], rows))
    print(f"\ntargets: {verdicts.passed} passed, {verdicts.failed} failed")
    return 1 if args.strict and verdicts.failed else 0


if __name__ == "__main__":
    sys.exit(main())
