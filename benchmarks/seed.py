"""First seed and re-sync of big roadmaps: wall time and peak memory, for one install or two side by side.

    python benchmarks/seed.py                                  # 150 and 100,000 resources, 3 rounds
    python benchmarks/seed.py --sizes 150,10000 --rounds 5
    python benchmarks/seed.py --against OLD/bin/mlpath         # the same cases for another install, interleaved

Two cases per size, each a whole `mlpath stages` process on run.py's synthetic roadmap (6 stages):
- seed: a new database, seeded from the roadmap (run.py's "first-run seed");
- resync: a database seeded from that roadmap (a copy made before each round, untimed) meets a
  changed one: every tenth resource retitled, the last 1% gone (retired) and as many new ones.
Cases run interleaved (run.run_interleaved: one warm-up, then shuffled rounds); medians and the
highest peak RSS (os.wait4) are reported. Standard library only; never a test.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import run


def changed_roadmap(original: Path, path: Path, n: int) -> None:
    """original with every tenth resource retitled, its last 1% of resources replaced by new ones."""
    gone = max(1, n // 100)
    last_kept = f"      - id: r-{n - gone:06d}"
    with open(original, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        for line in src:
            if line.rstrip("\n") == last_kept:
                break
            if line.startswith('        title: "Resource ') and line.split(":")[1].strip().endswith("0"):
                line = line.replace('title: "Resource ', 'title: "Revised resource ', 1)
            out.write(line)
        for i in range(gone):
            out.write(f"      - {{id: new-{i:06d}, title: New resource {i}, kind: book, hours: 2}}\n")


def cases(mlpath: Path, sizes: Sequence[int], work: Path, label: str) -> list[list[run.Case]]:
    """The seed and resync cases of one install, for every size."""
    units = []
    for n in sizes:
        original, changed = work / f"roadmap-{n}.yaml", work / f"changed-{n}.yaml"
        if not original.exists():
            run.write_roadmap(original, n)
            changed_roadmap(original, changed, n)
        env = run.base_env(work / f"{label}-synced-{n}.db") | {"MLPATH_ROADMAP": str(original)}
        seeded = run.run_checked([str(mlpath), "stages"], env)  # the database every resync starts from
        if seeded.returncode != 0:
            sys.exit(f"seed.py: seeding {n:,} resources with {mlpath} failed: {run.last_line(seeded.stderr)}")

        def fresh_seed(number: int, n: int = n, env: dict[str, str] = env) -> dict[str, str]:
            db = work / f"{label}-seed-{n}-{number + 1}.db"
            return env | {"MLPATH_DB": str(db)}

        def fresh_resync(number: int, n: int = n, env: dict[str, str] = env, changed: Path = changed) -> dict[str, str]:
            db = work / f"{label}-resync-{n}-{number + 1}.db"
            shutil.copyfile(env["MLPATH_DB"], db)  # untimed: made before the launch
            return env | {"MLPATH_DB": str(db), "MLPATH_ROADMAP": str(changed)}

        units.append([run.Case(f"{label}:seed {n}", [str(mlpath), "stages"], env, fresh=fresh_seed)])
        units.append([run.Case(f"{label}:resync {n}", [str(mlpath), "stages"], env, fresh=fresh_resync)])
    return units


def report(groups: list[list[list[run.Case]]]) -> str:
    """One row per case: each install's median and peak memory, and new/old when there are two."""
    rows = []
    for same in zip(*([c for unit in units for c in unit] for units in groups), strict=True):
        name = same[0].name.split(":", 1)[1]
        row = [name]
        for case in same:
            row += [run.fmt(case.median_ms / 1000 if case.median_ms else None, ".2f"), run.fmt(case.peak_mib, ".0f")]
        if len(same) == 2:
            old, new = same[0].median_ms, same[1].median_ms
            row.append(run.fmt(new / old if old and new else None, ".2f", "x"))
        rows.append(row)
    headers = ["case"]
    for units in groups:
        label = units[0][0].name.split(":", 1)[0]
        headers += [f"{label} s", f"{label} MiB"]
    if len(groups) == 2:
        headers.append("new/old")
    text = run.table(headers, rows)
    errors = [f"  {c.name}: {c.error}" for units in groups for unit in units for c in unit if c.error]
    return text + ("\nerrors:\n" + "\n".join(errors) if errors else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time first seeds and re-syncs of big roadmaps.")
    parser.add_argument("--sizes", default="150,100000", help="comma-separated roadmap sizes (default 150,100000)")
    parser.add_argument("--rounds", type=int, default=3, metavar="N", help="timed rounds (default 3)")
    parser.add_argument("--against", type=Path, default=None, metavar="MLPATH",
                        help="another install's mlpath script, timed in the same rounds (shown as old)")
    args = parser.parse_args(argv)
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    mlpath = run.find_mlpath()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    print(run.header(run.mlpath_python(mlpath), mlpath, args.rounds))
    launcher = run.Launcher()
    try:
        with tempfile.TemporaryDirectory(prefix="mlpath-seed-") as tmp:
            work = Path(tmp)
            groups = ([cases(args.against, sizes, work, "old")] if args.against else []) + [
                cases(mlpath, sizes, work, "new" if args.against else "mlpath")]
            run.run_interleaved(launcher, [unit for units in groups for unit in units], args.rounds, "seed")
    finally:
        launcher.close()
    print(f"\n== first seed and re-sync (`mlpath stages`; medians of {args.rounds} rounds, peak RSS) ==")
    print(report(groups))
    return 0


if __name__ == "__main__":
    sys.exit(main())
