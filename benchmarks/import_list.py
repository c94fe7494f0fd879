"""Benchmark `mlpath roadmap import` on an awesome list of 2,000 links (target: under 2 s).

Run it with the Python that has mlpath installed:

    python benchmarks/import_list.py            # 2,000 links, 7 rounds
    python benchmarks/import_list.py --links 10000 --rounds 3
    python benchmarks/import_list.py --strict   # exit 1 if the median misses the target

The list is generated (seeded): 40 sections of 50 links, mostly list items with a description,
one table per section with Duration/Effort columns, badges and a table of contents, as awesome
lists are. Each round is a whole `mlpath roadmap import` process (start-up, parsing, writing and
the loader's own check of the file), timed with time.perf_counter; medians are reported, after
one untimed warm-up. Standard library only; this is not a test and pytest never collects it.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 2.0
HOSTS = ("arxiv.org/abs/2101.{n:05d}", "www.youtube.com/watch?v=v{n}", "www.coursera.org/learn/course-{n}",
         "example.org/blog/post-{n}", "github.com/example/repo-{n}", "www.oreilly.com/library/view/book-{n}/")


def awesome_list(links: int, seed: int = 20261125) -> str:
    rng = random.Random(seed)
    sections = max(1, links // 50)
    out = ["# Awesome Benchmark [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)", "",
           "## Contents", ""]
    out += [f"- [Section {s}](#section-{s})" for s in range(sections)]
    n = 0
    for s in range(sections):
        out += ["", f"## Section {s}", "", f"Resources about topic {s}.", ""]
        count = links // sections + (1 if s < links % sections else 0)
        table = min(5, count)
        out += ["| Course | Duration | Effort |", "|---|---|---|"]
        for _ in range(table):
            out.append(f"| [Course {n}](https://{HOSTS[2].format(n=n)}) | {rng.randint(2, 12)} weeks | "
                       f"{rng.randint(2, 8)} hours/week |")
            n += 1
        out.append("")
        for _ in range(count - table):
            host = HOSTS[rng.randrange(len(HOSTS))].format(n=n)
            out.append(f"- [Resource number {n} on topic {s}](https://{host}) - a description of {rng.random():.6f}.")
            n += 1
    out += ["", "## Contributing", "", "Read the guidelines first."]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--strict", action="store_true", help="exit 1 if the median misses the target")
    args = parser.parse_args()
    mlpath = shutil.which("mlpath")
    if mlpath is None:
        print("mlpath is not installed in this environment", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "awesome.md"
        source.write_text(awesome_list(args.links), encoding="utf-8")
        out = Path(tmp) / "out.yaml"
        command = [mlpath, "roadmap", "import", str(source), "-o", str(out)]
        first = subprocess.run(command, capture_output=True, text=True, check=True)  # warm-up
        times = []
        for _ in range(args.rounds):
            out.unlink()
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(first.stderr.splitlines()[0])
    print(f"mlpath roadmap import, {args.links} links: median {median:.2f} s over {args.rounds} rounds "
          f"(min {min(times):.2f}, max {max(times):.2f}); target < {TARGET_SECONDS:.0f} s")
    return 1 if args.strict and median >= TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
