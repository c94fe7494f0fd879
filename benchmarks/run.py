"""Benchmark mlpath's start-up, daily commands and scaling by timing whole processes.

Run it with the Python that has mlpath installed:

    python benchmarks/run.py            # full run (several minutes: it seeds 100,000 resources)
    python benchmarks/run.py --quick    # 150 and 1,000 resources, 5 rounds
    python benchmarks/run.py --strict   # exit 1 if any target fails

Every case is a separate process, timed with time.perf_counter around the child's whole life
and measured for peak memory with os.wait4 (ru_maxrss). Cases run side by side: one untimed
warm-up each, then R interleaved rounds (every case once per round, in a shuffled but seeded
order), so slow drift of the machine affects all cases alike. Medians are reported.

Standard library only; this is not a test and pytest never collects it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import marshal
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DONE_ID = "khan-academy-linear-algebra"
SETUP_DONE_IDS = ("mml-book", "edx-essential-math-python")
SETUP_DOING_IDS = ("imperial-math-for-ml-coursera",)
DEFAULT_SCALE = (150, 1000, 10_000, 100_000)
QUICK_SCALE = (150, 1000)
BASE_N = 150
KINDS = (
    "book", "course", "paper", "video", "article", "tutorial", "project",
    "podcast", "newsletter", "person", "tool", "dataset", "website",
)
SEED = 20260101
# The light path (mlpath/light.py) answers these without Typer, Rich or the ORM.
HEAVY_MODULES = ("sqlalchemy", "sqlmodel", "typer", "click", "rich")

# Prints the top-level heavy packages that running mlpath's entry point (the console script's
# function, mlpath.__main__.main) imported.
IMPORT_PROBE = textwrap.dedent(
    """
    import sys
    sys.argv = {argv!r}
    from mlpath.__main__ import main
    try:
        main()
    except SystemExit:
        pass
    heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {heavy!r})
    print('LOADED', ','.join(heavy) or '-', file=sys.stderr)
    """
)


# --------------------------------------------------------------------------- processes


@dataclass(frozen=True)
class Run:
    """One finished child process."""

    seconds: float
    maxrss_kib: int
    returncode: int
    cpu_seconds: float = 0.0  # user + system time of the child: less disturbed by a busy machine


# The launcher: a minimal Python (no site, only os/time/marshal) that starts each timed child.
# Requests and replies are length-prefixed marshal blobs on its stdin/stdout.
LAUNCHER = textwrap.dedent(
    """
    import marshal, os, sys, time
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    null = os.open(os.devnull, os.O_RDWR)
    quiet = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]
    while len(head := requests.read(4)) == 4:
        argv, env = marshal.loads(requests.read(int.from_bytes(head, 'little')))
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, env, file_actions=quiet)
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - start
        cpu = usage.ru_utime + usage.ru_stime
        reply = marshal.dumps((seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status), cpu))
        replies.write(len(reply).to_bytes(4, 'little') + reply)
        replies.flush()
    """
)


class Launcher:
    """Starts timed children from a small helper process, so that their peak RSS is their own.

    On Linux a child's ru_maxrss starts at the high-water mark of the address space it replaced
    at exec, i.e. that of whichever process spawned it. Spawned straight from this script, every
    child would read at least this script's size (about 18 MiB, and 130+ MiB once it has handled
    a 100,000-resource roadmap). The helper is a bare `python -S -I` of about 8.5 MiB, below even
    `python -c pass`. It times each child with time.perf_counter around spawn and os.wait4, and
    reads ru_maxrss (KiB on Linux) from os.wait4; the child's output goes to /dev/null.
    """

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-S", "-I", "-c", LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def run(self, argv: Sequence[str], env: dict[str, str]) -> Run:
        """Run argv to completion with output discarded; its wall time, peak RSS and exit code."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        request = marshal.dumps((list(argv), dict(env)))
        self._proc.stdin.write(len(request).to_bytes(4, "little") + request)
        self._proc.stdin.flush()
        head = self._proc.stdout.read(4)
        if len(head) != 4:
            raise RuntimeError(f"the benchmark's launcher process died (exit {self._proc.wait()})")
        seconds, maxrss, code, cpu = marshal.loads(self._proc.stdout.read(int.from_bytes(head, "little")))
        return Run(seconds, maxrss, code, cpu)

    def close(self) -> None:
        """Let the helper finish (end of input) and reap it."""
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        self._proc.wait(timeout=10)


def run_checked(argv: Sequence[str], env: dict[str, str], timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    """Run argv capturing its output (for set-up, warm-ups and probes; never timed)."""
    return subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


def last_line(text: str) -> str:
    """The last non-empty line of text, for short error reports."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def find_mlpath() -> Path:
    """The mlpath console script next to sys.executable, else the one on PATH."""
    beside = Path(sys.executable).parent / "mlpath"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("mlpath")
    if found is None:
        sys.exit("run.py: cannot find `mlpath` next to this Python or on PATH; install it first (pip install -e .)")
    return Path(found)


def mlpath_python(script: Path) -> str:
    """The interpreter mlpath runs on: its shebang's, when that is a Python; else sys.executable.

    The floors and import probes must use the same interpreter as mlpath, which is sys.executable
    whenever mlpath sits next to it.
    """
    if script.parent == Path(sys.executable).parent:
        return sys.executable
    try:
        with open(script, "rb") as fh:
            first = fh.readline().decode("utf-8", "replace").strip()
    except OSError:
        return sys.executable
    if first.startswith("#!"):
        candidate = first[2:].split()[0] if first[2:].split() else ""
        if "python" in Path(candidate).name and Path(candidate).is_file():
            return candidate
    return sys.executable


def base_env(db: Path) -> dict[str, str]:
    """The environment every case runs in: plain output, 80 columns, a private database.

    PYTHONDONTWRITEBYTECODE is dropped: with it, an editable install recompiles mlpath's
    sources on every run, which no installed copy does (pip writes the .pyc files), so the
    warm-up run writes them and the timed runs measure what a user gets.
    """
    env = {k: v for k, v in os.environ.items()
           if k not in ("MLPATH_ROADMAP", "FORCE_COLOR", "COMP_WORDS", "COMP_CWORD", "_MLPATH_COMPLETE",
                        "PYTHONDONTWRITEBYTECODE")}
    env.update(NO_COLOR="1", COLUMNS="80", MLPATH_DB=str(db))
    return env


def completion_env(env: dict[str, str]) -> dict[str, str]:
    """env plus the variables bash sets when completing `mlpath done ml<Tab>`."""
    return env | {"_MLPATH_COMPLETE": "complete_bash", "COMP_WORDS": "mlpath done ml", "COMP_CWORD": "2"}


# --------------------------------------------------------------------------- interleaved runner


@dataclass
class Case:
    """A process to time, with what it must meet (if anything)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    rounds: int | None = None  # None: the run's default
    runs: list[Run] = field(default_factory=list)
    warmup_error: str | None = None  # reported, but the verdict rests on the timed runs
    rerun_note: str | None = None  # what a captured rerun said, when timed runs failed
    fresh: Callable[[int], dict[str, str]] | None = None  # per-round env (e.g. a new database path)

    @property
    def failures(self) -> int:
        return sum(r.returncode != 0 for r in self.runs)

    @property
    def error(self) -> str | None:
        """Why this case cannot be trusted: failed timed runs, or nothing timed at all."""
        if self.failures:
            detail = self.rerun_note or self.warmup_error
            return f"{self.failures}/{len(self.runs)} timed runs failed" + (f"; {detail}" if detail else "")
        if not self.runs:
            return self.warmup_error or "not run"
        return None

    @property
    def median_ms(self) -> float | None:
        ok = [r.seconds for r in self.runs if r.returncode == 0]
        return statistics.median(ok) * 1000 if ok else None

    @property
    def peak_mib(self) -> float | None:
        return max(r.maxrss_kib for r in self.runs) / 1024 if self.runs else None


def run_interleaved(launcher: Launcher, units: list[list[Case]], rounds: int, label: str) -> None:
    """Warm up every case once, then time `rounds` interleaved rounds.

    A unit is a list of cases that always run back to back, in order (e.g. done then reset);
    units are shuffled within each round with a fixed seed. A case with its own `rounds` takes
    part only in that many rounds. The warm-up captures output so failures can be reported.
    """
    for unit in units:
        for case in unit:
            env = case.fresh(-1) if case.fresh else case.env
            done = run_checked(case.argv, env)
            if done.returncode != 0:
                case.warmup_error = f"exit {done.returncode}: {last_line(done.stderr) or last_line(done.stdout)}"
    if not units:
        return
    rng = random.Random(SEED)
    most = max((c.rounds or rounds) for unit in units for c in unit)
    for number in range(most):
        order = units[:]
        rng.shuffle(order)
        for unit in order:
            for case in unit:
                if number >= (case.rounds or rounds):
                    continue
                env = case.fresh(number) if case.fresh else case.env
                case.runs.append(launcher.run(case.argv, env))
        print(f"  {label}: round {number + 1}/{most} done", file=sys.stderr, flush=True)
    for case in (c for unit in units for c in unit if c.failures):
        env = case.fresh(most) if case.fresh else case.env
        again = run_checked(case.argv, env)  # the timed runs discarded their output: find out why
        case.rerun_note = (f"rerun: exit {again.returncode}: {last_line(again.stderr) or last_line(again.stdout)}"
                           if again.returncode else "a rerun afterwards succeeded")


# --------------------------------------------------------------------------- results


@dataclass
class Verdicts:
    """Every PASS/FAIL printed, for the summary line and --strict."""

    passed: int = 0
    failed: int = 0

    def mark(self, ok: bool) -> str:
        if ok:
            self.passed += 1
            return "PASS"
        self.failed += 1
        return "FAIL"


def fmt(value: float | None, spec: str = ".1f", suffix: str = "") -> str:
    """A number for a table cell; '?' when it could not be measured."""
    return "?" if value is None else f"{value:{spec}}{suffix}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """A plain-text table: the first `left` columns left-aligned, the rest right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).ljust(w) if i < left else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


# --------------------------------------------------------------------------- header


def header(python: str, mlpath: Path, rounds: int) -> str:
    """Machine, interpreter, library versions and date."""
    probe = (
        "import importlib.metadata as m, json, sys\n"
        "def v(n):\n"
        "    try: return m.version(n)\n"
        "    except m.PackageNotFoundError: return 'not installed'\n"
        "print(json.dumps({'python': sys.version.split()[0], 'typer': v('typer'), 'click': v('click'),"
        " 'sqlmodel': v('sqlmodel'), 'sqlalchemy': v('sqlalchemy'), 'mlpath': v('mlpath')}))"
    )
    out = run_checked([python, "-c", probe], dict(os.environ))
    try:
        versions = json.loads(out.stdout)
    except json.JSONDecodeError:
        versions = {}
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [
        "mlpath benchmark",
        f"date:     {now}",
        f"machine:  {platform.platform()}, {os.cpu_count()} CPUs ({platform.machine()})",
        f"python:   {versions.get('python', '?')} ({python})",
        f"mlpath:   {versions.get('mlpath', '?')} ({mlpath})",
        "libs:     " + ", ".join(f"{k} {versions.get(k, '?')}" for k in ("typer", "click", "sqlmodel", "sqlalchemy")),
        f"method:   whole processes; 1 warm-up + {rounds} interleaved rounds per case (shuffled, seed {SEED}); "
        "median wall time; peak RSS via os.wait4",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- part 1: commands


@dataclass(frozen=True)
class Target:
    """median <= factor x the median of the floor case named `floor`."""

    floor: str
    factor: float

    def describe(self) -> str:
        short = "typer" if "typer" in self.floor else "floor"
        return f"<={self.factor:g}x {short}"


FLOOR_TYPER = "python -c 'import typer'"
# The plain-Python floor: benchmarks/floor.py opens the same database with sqlite3 and prints
# the same text as `mlpath next` (checked before timing), with no Typer, Rich or mlpath import.
FLOOR = "floor.py (next in plain Python)"
FLOOR_SCRIPT = Path(__file__).with_name("floor.py")


def prepare_db(mlpath: Path, env: dict[str, str]) -> None:
    """Create and seed the bundled roadmap's database, with a few items done and one started."""
    for argv in (["stages"], ["done", *SETUP_DONE_IDS], ["start", *SETUP_DOING_IDS]):
        done = run_checked([str(mlpath), *argv], env)
        if done.returncode != 0:
            sys.exit(f"run.py: set-up `mlpath {' '.join(argv)}` failed: {done.stderr.strip()}")


def command_cases(python: str, mlpath: Path, env: dict[str, str]) -> tuple[list[list[Case]], dict[str, Target]]:
    """The cases of part 1, as units for run_interleaved, and the targets by case name."""
    ml = str(mlpath)

    def case(name: str, argv: list[str], case_env: dict[str, str] | None = None) -> list[Case]:
        return [Case(name, argv, case_env or env)]

    units = [
        case("python -c pass", [python, "-c", "pass"]),
        case(FLOOR_TYPER, [python, "-c", "import typer"]),
        case(FLOOR, [python, str(FLOOR_SCRIPT)]),
        case("mlpath --version", [ml, "--version"]),
        case("mlpath --help", [ml, "--help"]),
        case("completion (done ml<Tab>)", [ml], completion_env(env)),
        case("mlpath next", [ml, "next"]),
        case("mlpath stages", [ml, "stages"]),
        case("mlpath (dashboard)", [ml]),
        case("mlpath list --json", [ml, "list", "--json"]),
        case("mlpath export", [ml, "export"]),
        [Case(f"mlpath done {DONE_ID}", [ml, "done", DONE_ID], env),
         Case(f"mlpath reset {DONE_ID}", [ml, "reset", DONE_ID], env)],
    ]
    targets = {
        "mlpath --version": Target(FLOOR, 2),
        "completion (done ml<Tab>)": Target(FLOOR, 2),
        "mlpath --help": Target(FLOOR_TYPER, 2.5),
        "mlpath next": Target(FLOOR, 3),
        "mlpath (dashboard)": Target(FLOOR, 3),
        f"mlpath done {DONE_ID}": Target(FLOOR, 3),
    }
    return units, targets


def report_commands(units: list[list[Case]], targets: dict[str, Target], verdicts: Verdicts) -> str:
    """The part-1 table: median, ratios to the two import floors, peak RSS, target and verdict."""
    cases = {c.name: c for unit in units for c in unit}
    typer_ms = cases[FLOOR_TYPER].median_ms
    floor_ms = cases[FLOOR].median_ms
    rows = []
    errors = []
    for name, case in cases.items():
        ms = case.median_ms
        target = targets.get(name)
        result = "-"
        if target is not None:
            floor = cases[target.floor].median_ms
            ok = case.error is None and ms is not None and floor is not None and ms <= target.factor * floor
            result = verdicts.mark(ok)
        rows.append([
            name,
            fmt(ms),
            fmt(ms / typer_ms if ms and typer_ms else None, ".2f", "x"),
            fmt(ms / floor_ms if ms and floor_ms else None, ".2f", "x"),
            fmt(case.peak_mib),
            target.describe() if target else "-",
            result,
        ])
        if case.error:
            errors.append(f"  {name}: {case.error}")
        elif case.warmup_error:
            errors.append(f"  {name}: warm-up failed ({case.warmup_error}); every timed run succeeded")
    text = table(["case", "median ms", "/typer", "/floor", "peak MiB", "target", "result"], rows)
    if errors:
        text += "\nerrors:\n" + "\n".join(errors)
    return text


def floor_check(python: str, mlpath: Path, env: dict[str, str], verdicts: Verdicts) -> str:
    """The floor script must print exactly what `mlpath next` prints, or its ratio means nothing."""
    floor = run_checked([python, str(FLOOR_SCRIPT)], env)
    real = run_checked([str(mlpath), "next"], env)
    ok = floor.returncode == 0 and floor.stdout == real.stdout
    note = "same text as mlpath next" if ok else f"differs from mlpath next: {last_line(floor.stderr) or '(text)'}"
    return f"floor.py prints {note}  {verdicts.mark(ok)}"


def import_checks(python: str, env: dict[str, str], verdicts: Verdicts) -> str:
    """Check that --version, completion, next and the dashboard import neither the ORM nor Typer,
    click or Rich (the light path)."""
    probes = [
        ("mlpath --version", ["mlpath", "--version"], env),
        ("completion (done ml<Tab>)", ["mlpath"], completion_env(env)),
        ("mlpath next", ["mlpath", "next"], env),
        ("mlpath (dashboard)", ["mlpath"], env),
    ]
    lines = [f"imports of {', '.join(HEAVY_MODULES)} (must be none):"]
    for name, argv, probe_env in probes:
        done = run_checked([python, "-c", IMPORT_PROBE.format(argv=argv, heavy=set(HEAVY_MODULES))], probe_env)
        loaded = next((line.split(None, 1)[1] for line in done.stderr.splitlines() if line.startswith("LOADED ")), None)
        if loaded is None:
            lines.append(f"  {name:<28} ?  probe failed: {last_line(done.stderr)}  {verdicts.mark(False)}")
        else:
            ok = loaded == "-"
            lines.append(f"  {name:<28} imported: {'nothing heavy' if ok else loaded:<20} {verdicts.mark(ok)}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- part 2: scale


def write_roadmap(path: Path, n: int) -> None:
    """Write a valid roadmap with 6 stages and n resources spread evenly, in mlpath's schema.

    Kinds cycle through every valid kind, every third resource is core, hours run 1-50, every
    other resource has a url, each has a note, and the first two resources of stages 1 and 4
    form choose_one pairs (when those stages have two or more resources). Lines are written as
    they are made, so that this process stays small (see Launcher).
    """
    q = json.dumps  # a JSON string is a valid YAML double-quoted scalar
    with open(path, "w", encoding="utf-8") as fh:
        for line in _roadmap_lines(n, q):
            fh.write(line + "\n")


def _roadmap_lines(n: int, q: Callable[[str], str]) -> Iterator[str]:
    """The lines of write_roadmap's file."""
    yield from [
        "version: 1",
        f"title: {q(f'Synthetic roadmap ({n} resources)')}",
        'source: "benchmarks/run.py"',
        "stages:",
    ]
    sizes = [n // 6 + (1 if s < n % 6 else 0) for s in range(6)]
    i = 0
    for s, size in enumerate(sizes, start=1):
        yield from [
            f"  - id: stage-{s}",
            f"    title: {q(f'Stage {s}')}",
            f"    summary: {q(f'Synthetic stage {s} with {size} resources.')}",
            "    resources:",
        ]
        for position in range(size):
            rid = f"r-{i:06d}"
            yield from [
                f"      - id: {rid}",
                f"        title: {q(f'Resource {i}: a synthetic title about topic {i % 97}')}",
                f"        kind: {KINDS[i % len(KINDS)]}",
                f"        core: {'true' if i % 3 == 0 else 'false'}",
                f"        hours: {1 + (i * 7) % 50}",
            ]
            if i % 2 == 0:
                yield f"        url: https://example.org/resources/{rid}"
            yield (f"        note: {q(f'Why resource {i} matters and how to use it; part of stage {s}.')}")
            if s in (1, 4) and position < 2 and size >= 2:
                yield f"        choose_one: pair-{s}"
            i += 1


def mark_fifth_done(db: Path, n: int) -> int:
    """Mark every fifth resource done by appending event rows directly; returns how many."""
    ids = [(f"r-{i:06d}",) for i in range(0, n, 5)]
    with sqlite3.connect(db, timeout=30) as conn:
        conn.executemany(
            "INSERT INTO event (resource_id, status, at, note) VALUES (?, 'done', '2026-01-01T00:00:00Z', NULL)", ids
        )
    conn.close()
    return len(ids)


@dataclass
class ScalePoint:
    """The cases measured for one roadmap size."""

    n: int
    seed: Case
    next: Case
    stages: Case
    export: Case
    list: Case


def scale_rounds(n: int, rounds: int) -> tuple[int, int]:
    """(seed rounds, query rounds) for size n: 3 for 10,000+ seeding, 3 for everything at 100,000+."""
    seed = min(rounds, 3) if n >= 10_000 else rounds
    query = min(rounds, 3) if n >= 100_000 else rounds
    return seed, query


def run_scale(launcher: Launcher, sizes: Sequence[int], mlpath: Path, rounds: int, work: Path) -> list[ScalePoint]:
    """Generate the roadmaps, time first-run seeding, then the read commands on 1/5-done databases."""
    ml = str(mlpath)
    points = []
    for n in sizes:
        start = time.perf_counter()
        path = work / f"roadmap-{n}.yaml"
        write_roadmap(path, n)
        print(f"  generated {n:,} resources ({path.stat().st_size / 2**20:.1f} MiB YAML) in "
              f"{time.perf_counter() - start:.1f} s (not timed)", file=sys.stderr, flush=True)
        env = base_env(work / f"query-{n}.db") | {"MLPATH_ROADMAP": str(path)}
        seed_rounds, query_rounds = scale_rounds(n, rounds)

        def fresh(number: int, n: int = n, env: dict[str, str] = env) -> dict[str, str]:
            db = work / f"seed-{n}-{'warm' if number < 0 else number}.db"
            return env | {"MLPATH_DB": str(db)}

        points.append(ScalePoint(
            n,
            seed=Case(f"seed {n}", [ml, "stages"], env, rounds=seed_rounds, fresh=fresh),
            next=Case(f"next {n}", [ml, "next"], env, rounds=query_rounds),
            stages=Case(f"stages {n}", [ml, "stages"], env, rounds=query_rounds),
            export=Case(f"export {n}", [ml, "export"], env, rounds=query_rounds),
            list=Case(f"list {n}", [ml, "list"], env, rounds=query_rounds),
        ))

    run_interleaved(launcher, [[p.seed] for p in points], rounds, "scale: seeding")
    for p in points:
        for leftover in work.glob(f"seed-{p.n}-*.db*"):
            leftover.unlink()
        # The query database: seeded once (untimed), then a fifth of it marked done.
        db = Path(p.next.env["MLPATH_DB"])
        done = run_checked([ml, "stages"], p.next.env)
        if done.returncode != 0:
            for case in (p.next, p.stages, p.export, p.list):
                case.warmup_error = f"seeding the query database failed: {last_line(done.stderr)}"
            continue
        mark_fifth_done(db, p.n)
    ready = [p for p in points if p.next.warmup_error is None]
    queries = [[c] for p in ready for c in (p.next, p.stages, p.export, p.list)]
    run_interleaved(launcher, queries, rounds, "scale: queries")
    return points


def report_scale(points: list[ScalePoint], verdicts: Verdicts) -> str:
    """The part-2 table and its PASS/FAIL rules."""
    by_n = {p.n: p for p in points}
    base = by_n.get(BASE_N)

    def ratio(value: float | None, reference: float | None) -> str:
        return fmt(value / reference if value and reference else None, ".2f", "x")

    def marginal_per_1k(p: ScalePoint) -> float | None:
        """Export ms per 1,000 resources beyond the 150-resource fixed cost."""
        e, e0 = p.export.median_ms, base.export.median_ms if base else None
        if e is None or e0 is None or p.n <= BASE_N:
            return None
        return (e - e0) / (p.n - BASE_N) * 1000

    rows = []
    for p in points:
        e = p.export.median_ms
        rows.append([
            f"{p.n:,}",
            fmt(p.seed.median_ms),
            fmt(p.next.median_ms),
            fmt(p.stages.median_ms),
            fmt(e),
            fmt(p.list.median_ms),
            ratio(p.next.median_ms, base.next.median_ms if base else None),
            ratio(p.list.median_ms, base.list.median_ms if base else None),
            ratio(p.stages.median_ms, base.stages.median_ms if base else None),
            fmt(e / p.n * 1000 if e else None),
            fmt(marginal_per_1k(p), ".2f"),
            fmt(p.seed.peak_mib, ".0f"),
            fmt(p.export.peak_mib, ".0f"),
            f"{len(p.seed.runs)}/{len(p.next.runs)}",
        ])
    lines = [table(
        ["N", "seed ms", "next ms", "stages ms", "export ms", "list ms", "next/150", "list/150", "stages/150",
         "export/1k", "marg/1k", "seed MiB", "exp MiB", "rounds"],
        rows,
    )]
    errors = []
    for c in (c for p in points for c in (p.seed, p.next, p.stages, p.export, p.list)):
        if c.error:
            errors.append(f"  {c.name}: {c.error}")
        elif c.warmup_error:
            errors.append(f"  {c.name}: warm-up failed ({c.warmup_error}); every timed run succeeded")
    if errors:
        lines += ["errors:", *errors]
    lines += [
        "  export/1k = export ms / N x 1000; marg/1k = (export(N) - export(150)) / (N - 150) x 1000,",
        "  i.e. the cost per 1,000 resources once the 150-resource run is taken as fixed cost (start-up).",
        "  rounds = seed rounds / query rounds.",
        "",
        "scale targets:",
    ]

    def rule(text: str, ok: bool | None, why_not: str = "") -> None:
        """One target line: PASS/FAIL, or n/a (not counted) when ok is None."""
        lines.append(f"  {text:<70} {verdicts.mark(ok) if ok is not None else 'n/a (' + why_not + ')'}")

    def measured(*cases: Case) -> bool:
        return all(c.error is None and c.median_ms is not None for c in cases)

    # (size, command, factor): the command's time at that size <= factor x its time at 150 resources
    growth = ((10_000, "list", 1.5), (10_000, "next", 1.3), (10_000, "stages", 2), (100_000, "next", 2))
    for n, what, factor in growth:
        point = by_n.get(n)
        if point is None or base is None:
            rule(f"at {n:,}: {what} <= {factor:g}x its time at 150", None, f"{n:,} not in --scale")
            continue
        case, ref = getattr(point, what), getattr(base, what)
        ok = measured(case, ref) and case.median_ms <= factor * ref.median_ms
        rule(f"at {n:,}: {what} {fmt(case.median_ms)} ms <= {factor:g} x {fmt(ref.median_ms)} ms (at 150)", ok)
    huge = by_n.get(100_000)
    if huge is None:
        rule("seed of 100,000 resources <= 10 s and <= 250 MiB", None, "100,000 not in --scale")
    else:
        ok = measured(huge.seed) and huge.seed.median_ms <= 10_000
        rule(f"seed of 100,000 resources: {fmt(huge.seed.median_ms)} ms <= 10000 ms", ok)
        ok = measured(huge.seed) and huge.seed.peak_mib is not None and huge.seed.peak_mib <= 250
        rule(f"seed of 100,000 resources: peak {fmt(huge.seed.peak_mib, '.0f')} MiB <= 250 MiB", ok)

    largest = max(by_n)
    one_k = by_n.get(1000)
    if one_k is None or base is None or largest <= 1000:
        rule("export grows no worse than linearly", None, "needs 150, 1,000 and a larger N")
    else:
        m_big, m_1k = marginal_per_1k(by_n[largest]), marginal_per_1k(one_k)
        ok = measured(by_n[largest].export, one_k.export, base.export) and m_big <= 1.5 * max(m_1k, 0.0)
        rule(f"export linear: marg/1k at {largest:,} {fmt(m_big, '.2f')} ms"
             f" <= 1.5 x {fmt(m_1k, '.2f')} ms at 1,000", ok)
        lines.append("    rule: take export's 150-resource time as fixed cost (start-up, imports); what is left,")
        lines.append("    per resource, at the largest N may be at most 1.5x what it is at 1,000 resources.")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="Benchmark mlpath by timing whole processes.")
    parser.add_argument("--rounds", type=int, default=None, metavar="N",
                        help="timed rounds per case (default 15; 5 with --quick)")
    parser.add_argument("--scale", default=None, metavar="SIZES",
                        help="comma-separated roadmap sizes (default 150,1000,10000,100000); 150 is always added")
    parser.add_argument("--quick", action="store_true", help="sizes 150,1000 and 5 rounds")
    parser.add_argument("--no-scale", action="store_true", help="skip the scale series")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any target fails")
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 5 if args.quick else 15
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.scale is not None:
        try:
            sizes = {int(s.replace("_", "")) for s in args.scale.split(",") if s.strip()}
        except ValueError:
            parser.error(f"--scale takes comma-separated integers, got {args.scale!r}")
        if any(s < 6 for s in sizes):
            parser.error("--scale sizes must be at least 6 (one resource per stage)")
    else:
        sizes = set(QUICK_SCALE if args.quick else DEFAULT_SCALE)
    args.sizes = sorted(sizes | {BASE_N})
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run both parts, print the report, return the exit code."""
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # keep the report in order with progress on stderr
    mlpath = find_mlpath()
    python = mlpath_python(mlpath)
    verdicts = Verdicts()
    print(header(python, mlpath, args.rounds), flush=True)

    launcher = Launcher()
    try:
        with tempfile.TemporaryDirectory(prefix="mlpath-bench-") as tmp:
            work = Path(tmp)
            env = base_env(work / "bench.db")
            prepare_db(mlpath, env)
            units, targets = command_cases(python, mlpath, env)
            run_interleaved(launcher, units, args.rounds, "commands")
            print(f"\n== Commands (bundled roadmap; {', '.join(SETUP_DONE_IDS)} done, "
                  f"{', '.join(SETUP_DOING_IDS)} started; medians of {args.rounds} rounds) ==")
            print(report_commands(units, targets, verdicts))
            print()
            print(floor_check(python, mlpath, env, verdicts))
            print(import_checks(python, env, verdicts))

            if not args.no_scale:
                points = run_scale(launcher, args.sizes, mlpath, args.rounds, work)
                print("\n== Scale (synthetic roadmaps, 6 stages, a fifth done) ==")
                print(report_scale(points, verdicts))
    finally:
        launcher.close()

    print(f"\ntargets: {verdicts.passed} passed, {verdicts.failed} failed")
    return 1 if args.strict and verdicts.failed else 0


if __name__ == "__main__":
    sys.exit(main())
