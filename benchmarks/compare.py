"""Side by side: every command benchmarks/run.py times, for two installs of mlpath, interleaved.

    python benchmarks/compare.py OLD/bin/mlpath [NEW/bin/mlpath] [--rounds N]

NEW defaults to the mlpath beside this Python (as run.py finds it). Each install gets its own
database, prepared the same way (run.py's prepare_db: the bundled roadmap, two resources done,
one started), so each reads the schema it writes. Every case of run.py's command table
(floors left out: they are the same for both) runs for both installs in one interleaved
series: one untimed warm-up each, then N rounds in a shuffled, seeded order, so drift of a busy
machine falls on both alike. Reported per command: the median wall time of each install, their
ratio (new / old), the spread of the per-round ratios (25th to 75th percentile of new/old in
the same round), which says how much of a difference is noise, and the median CPU time (user +
system) of each, which a busy machine disturbs less than wall time. Standard library only;
never a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import run

FLOORS = ("python -c pass", run.FLOOR_TYPER, run.FLOOR)


def cases(mlpath: Path, work: Path, label: str) -> list[list[run.Case]]:
    """run.py's command cases for one install, its own database prepared, floors left out."""
    env = run.base_env(work / f"{label}.db")
    run.prepare_db(mlpath, env)
    units, _ = run.command_cases(run.mlpath_python(mlpath), mlpath, env)
    kept = [[c for c in unit if c.name not in FLOORS] for unit in units]
    for unit in kept:
        for case in unit:
            case.name = f"{label}:{case.name}"
    return [unit for unit in kept if unit]


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


def cpu_ms(case: run.Case) -> float | None:
    ok = [r.cpu_seconds for r in case.runs if r.returncode == 0]
    return statistics.median(ok) * 1000 if ok else None


def report(old: list[list[run.Case]], new: list[list[run.Case]]) -> tuple[str, int]:
    """The table, and how many commands came out slower than old beyond their own noise (by
    wall time; the CPU time columns, user + system, are less disturbed by other work)."""
    rows, slower = [], 0
    for a, b in zip((c for u in old for c in u), (c for u in new for c in u), strict=True):
        name = a.name.split(":", 1)[1]
        old_ms, new_ms = a.median_ms, b.median_ms
        paired = [y.seconds / x.seconds for x, y in zip(a.runs, b.runs, strict=False)
                  if x.returncode == 0 and y.returncode == 0]
        old_cpu, new_cpu = cpu_ms(a), cpu_ms(b)
        if old_ms is None or new_ms is None or not paired or not old_cpu or new_cpu is None:
            rows.append([name, run.fmt(old_ms), run.fmt(new_ms), "?", "?", "?", "?", "?",
                         a.error or b.error or "failed"])
            continue
        low, high = quartiles(paired)
        ratio = new_ms / old_ms
        verdict = "faster" if high < 1 else "slower" if low > 1 else "same within noise"
        slower += verdict == "slower"
        rows.append([name, run.fmt(old_ms), run.fmt(new_ms), f"{ratio:.2f}x", f"{low:.2f}-{high:.2f}",
                     run.fmt(old_cpu), run.fmt(new_cpu), f"{new_cpu / old_cpu:.2f}x", verdict])
    headers = ["command", "old ms", "new ms", "new/old", "per-round IQR", "old cpu", "new cpu", "cpu new/old",
               "verdict"]
    return run.table(headers, rows), slower


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time two installs of mlpath side by side.")
    parser.add_argument("old", type=Path, help="the baseline's mlpath script, e.g. /tmp/ab/venv-old/bin/mlpath")
    parser.add_argument("new", type=Path, nargs="?", default=None,
                        help="the mlpath to compare (default: the one beside this Python)")
    parser.add_argument("--rounds", type=int, default=15, metavar="N", help="timed rounds (default 15)")
    args = parser.parse_args(argv)
    new_script = args.new or run.find_mlpath()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    print(run.header(run.mlpath_python(new_script), new_script, args.rounds))
    print(f"old:      {args.old} ({run.last_line(run.run_checked([str(args.old), '--version'], {}).stdout)})")
    print(f"new:      {new_script} ({run.last_line(run.run_checked([str(new_script), '--version'], {}).stdout)})")
    launcher = run.Launcher()
    try:
        with tempfile.TemporaryDirectory(prefix="mlpath-compare-") as tmp:
            old, new = cases(args.old, Path(tmp), "old"), cases(new_script, Path(tmp), "new")
            run.run_interleaved(launcher, old + new, args.rounds, "compare")
    finally:
        launcher.close()
    text, slower = report(old, new)
    print(f"\n== new against old: medians of {args.rounds} interleaved rounds ==")
    print(text)
    print(f"\n{slower} command(s) slower than old beyond the per-round spread")
    return 0


if __name__ == "__main__":
    sys.exit(main())
