"""The only module that knows Rich: every screen mlpath prints, and how it is laid out.

Every line of command output goes through one Terminal per process (`terminal()`), built once:
it knows the width, the height, whether colour is on, and it is the only place that writes to
stdout or starts a pager. Screens are built as lines of styled spans by the layout helpers
below (`wrap`, `shorten`, `columns`); the terminal writes them plain, or through the one Rich
Console when colour is on. Piped output and NO_COLOR output carry no escape codes and never
import Rich, so the daily commands stay fast.

The layout rules every screen follows:
- text wraps at word boundaries with a hanging indent; a URL or an id is one word and is never
  split: when it does not fit, it goes on its own line and may overflow it (a terminal shows the
  rest on the next row, but the text itself holds no newline, so a copied link works);
- a title is shortened only when the terminal is too narrow for the fixed columns beside it,
  at the end of a word, with an ellipsis;
- core items carry a visible sign (CORE_MARK) in every mode, explained where it is shown;
- a count always has the right plural (vocab.plural).

User text (titles, notes) is never parsed as markup.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

from mlpath.errors import MlpathError
from mlpath.progress import Change, Checklist, Effort, Event, Item, ListRow, Recommendation, Status, Undone, effort
from mlpath.vocab import amount, grade_name, plural

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator
    from datetime import date, datetime, timedelta, tzinfo
    from pathlib import Path

    from rich.console import Console

    from mlpath.backup import MergeReport
    from mlpath.catalog import Added, RoadmapInfo, RoadmapProgress
    from mlpath.convert import Report as ConversionReport
    from mlpath.habits import Mark, Note, Session, Streaks
    from mlpath.listing import Listing
    from mlpath.live import Stopped, Summary
    from mlpath.migrations import Opened
    from mlpath.report import Entry, History, Overview, Suggestions, Week
    from mlpath.reviewing import Answered, DueReview, ReviewRecord
    from mlpath.roadmap import SyncReport
    from mlpath.timer import Timer, Totals

Span = tuple[str, str]  # (text, style); style "" is the terminal's default colour
Line = list[Span]
# What Terminal.emit prints as one line: styled spans, or plain text in the default style (how a
# long screen without colour is made, a few string operations a row; see items).
Printed = Line | str

STATUS_STYLE = {
    Status.todo: "",
    Status.doing: "bold yellow",
    Status.done: "green",
    Status.skipped: "dim",
}
CORE_MARK = "*"
CORE_LEGEND = f"{CORE_MARK} marks the core path"
BAR_WIDTH = 16  # the widest a progress bar gets
BAR_MIN = 8  # ... and the narrowest, before the stage titles give way
GAP = "  "  # between columns
NBSP = "\u00a0"  # joins words that must stay on one line (printed as a space)
DEFAULT_PAGER = "less -R"
STREAM_BATCH = 2000  # lines printed at a time (more than any screen is high)


# ------------------------------------------------------------------ the output sanitiser

# C0 and C1 control characters, DEL, and lone surrogates (bytes that were not UTF-8): text from a
# roadmap, a backup or the command line must never move the cursor, retitle the terminal or make
# the SVG card invalid XML.
# Compiled on first use: a class holding the surrogates takes longer to compile than most modules
# take to import, so ASCII text (nearly all of it) is searched with the ASCII part alone.
@functools.cache
def _controls(newlines: bool, ascii_only: bool) -> re.Pattern[str]:
    low = "\x00-\x09\x0b-\x1f" if newlines else "\x00-\x1f"
    return re.compile(f"[{low}\x7f]" if ascii_only else f"[{low}\x7f-\x9f\ud800-\udfff]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x09:
        return " "
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␊ for a newline ...
    return "␡" if code == 0x7F else "�"  # ␡ for DEL; C1 and lone surrogates have no picture


def clean(text: str, newlines: bool = False) -> str:
    """Text that is safe to print: every control character shown as a visible one-column sign.

    ESC becomes ␛, a tab a space, DEL ␡, a C1 character or a lone surrogate �. Every output
    path calls it: each screen line (Terminal.emit and the SVG card), the one-line messages, and
    exports. Each sign takes the one column that `cells` counts for the character it replaces,
    so layouts stay exact. Newlines are kept only where a layout wants them (a whole document).
    """
    pattern = _controls(newlines, text.isascii())
    return pattern.sub(_picture, text) if pattern.search(text) else text


def _has_controls(text: str) -> bool:
    """Whether text holds a character clean() would replace, newlines apart. ASCII text (nearly
    all of it) is checked as bytes: deleting every printable one leaves nothing, several times
    faster than a regular expression's search (it shows in `list` at 10,000 resources)."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _PRINTABLE_ASCII))
    return _controls(True, False).search(text) is not None


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n"


def _clean_lines(lines: Iterable[Printed]) -> list[Line]:
    return [[(clean(line), "")] if isinstance(line, str) else [(clean(text), style) for text, style in line]
            for line in lines]


# In JSON the encoder escapes C0; DEL, C1, lone surrogates and the JavaScript line separators are
# escaped here too (\\uXXXX), so --json and backups stay lossless and inert in a terminal.
def json_text(data: Any) -> str:
    """data as indented JSON (UTF-8 kept readable), every control character escaped."""
    try:
        text = _indented(data, 0)
    except _NotPlain:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    if text.isascii() and "\x7f" not in text:
        return text
    unsafe = re.compile("[\x7f-\x9f\ud800-\udfff\u2028\u2029]")  # compiled here: only --json and backups use it
    return unsafe.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _NotPlain(Exception):
    """A key that is not a string: json.dumps does that JSON itself."""


_SCALARS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _encoder(indent: str) -> json.JSONEncoder:
    """The C encoder, writing a container's members one per line at this indent."""
    return json.JSONEncoder(ensure_ascii=False, separators=("," + indent, ": "))


def _flat(values: Iterable[Any]) -> bool:
    return set(map(type, values)) <= _SCALARS


def _text(keys: Iterable[Any]) -> bool:
    return set(map(type, keys)) == {str}


def _indented(data: Any, level: int) -> str:
    """json.dumps(data, indent=2, ensure_ascii=False), byte for byte. Given an indent, json uses its
    pure-Python encoder (about 5 µs a value: a third of `list --json` at 10,000 resources), so the
    C encoder writes here every container that holds no other, its separator carrying the indent;
    a list of such dicts (list --json, a backup's tables) is one call, each record's braces put on
    their own lines after (a raw newline is never inside a JSON string, so `},<newline>` is never
    text)."""
    inner, outer = "\n" + "  " * (level + 1), "\n" + "  " * level
    if isinstance(data, dict):
        if not data:
            return "{}"
        if not _text(data):
            raise _NotPlain
        if _flat(data.values()):
            return "{" + inner + _encoder(inner).encode(data)[1:-1] + outer + "}"
        return "{" + inner + f",{inner}".join(f"{_encoder(inner).encode(key)}: {_indented(value, level + 1)}"
                                             for key, value in data.items()) + outer + "}"
    if isinstance(data, (list, tuple)):
        if not data:
            return "[]"
        if _flat(data):
            return "[" + inner + _encoder(inner).encode(data)[1:-1] + outer + "]"
        deeper = "\n" + "  " * (level + 2)
        if (set(map(type, data)) == {dict} and all(data) and _text(itertools.chain.from_iterable(data))
                and _flat(itertools.chain.from_iterable(map(dict.values, data)))):
            text = _encoder(deeper).encode(data)[2:-2].replace("}," + deeper + "{", f"{inner}}},{inner}{{{deeper}")
            return "[" + inner + "{" + deeper + text + inner + "}" + outer + "]"
        return "[" + inner + f",{inner}".join(_indented(value, level + 1) for value in data) + outer + "]"
    return _encoder(inner).encode(data)


# ------------------------------------------------------------------ the terminal


class Terminal:
    """Where command output goes: one per process (see terminal()), built once.

    Colour is on when stdout is a terminal (or FORCE_COLOR is set), NO_COLOR is not set and the
    terminal is not a dumb one. Screens are written by this class alone, colour as ANSI codes from
    the small table below (the bytes Rich's Console writes for the same styles), so printing a
    screen never imports Rich; its Console is built only for the screens redrawn in place.
    """

    def __init__(self) -> None:
        env = os.environ
        self.colour = not env.get("NO_COLOR") and env.get("TERM") not in ("dumb", "unknown") and (
            bool(env.get("FORCE_COLOR")) or _isatty(sys.stdout))
        width, height = _terminal_size()
        self.width = _env_int("COLUMNS") or width
        self.height = _env_int("LINES") or height
        self._console: Console | None = None

    def console(self) -> Console:
        """The Rich Console behind colour output (the one per process)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(markup=False, highlight=False, emoji=False, soft_wrap=True,
                                    force_terminal=True)
        return self._console

    def emit(self, lines: Iterable[Printed], page: bool = False) -> None:
        """Print lines; with page=True, through the pager when they are more than a screenful
        and stdout is a terminal (never when piped).

        Lines may come from a generator: they are printed in batches as they come (a list of
        100,000 resources never sits in memory as lines), except on a terminal with page=True,
        where all of them are gathered for the pager once they pass a screenful.
        """
        stream = iter(lines)
        batch = list(itertools.islice(stream, STREAM_BATCH))
        if page and len(batch) >= self.height and _isatty(sys.stdout):
            batch.extend(stream)
            if _page(self._text(batch)):
                return
        while batch:
            sys.stdout.write(self._text(batch))
            batch = list(itertools.islice(stream, STREAM_BATCH))

    def _text(self, lines: Sequence[Printed]) -> str:
        if not self.colour:
            # (a line of plain text or of one span, as most of a long list are, needs no join)
            rows = [(line if isinstance(line, str) else line[0][0] if len(line) == 1
                     else "".join([text for text, _ in line])).rstrip(" ") for line in lines]
            text = "\n".join(rows) + "\n"
            # One search over the whole text instead of one per span: control characters are
            # rare, and only then is each span cleaned on its own (a newline inside a span is
            # user text and must show as a sign, not break the line).
            if _has_controls(text) or text.count("\n") != len(rows):
                rows = ["".join(text for text, _ in line).rstrip(" ") for line in _clean_lines(lines)]
                text = "\n".join(rows) + "\n"
            return text
        out: list[str] = []
        for line in _clean_lines(lines):
            out.extend(f"\x1b[{_sgr(style)}m{text}\x1b[0m" if style else text for text, style in line if text)
            out.append("\n")
        return "".join(out)


# Style words to SGR codes, as Rich writes them: attributes in code order, then the colour.
_ATTRIBUTES = {"bold": 1, "dim": 2, "italic": 3, "underline": 4, "reverse": 7, "strike": 9}
_COLOURS = {"black": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36,
            "white": 37}


@functools.cache
def _sgr(style: str) -> str:
    """The ANSI code list for a style such as "bold green" (an unknown word is a KeyError)."""
    words = style.split()
    codes = sorted(_ATTRIBUTES[w] for w in words if w not in _COLOURS)
    codes += [_COLOURS[w] for w in words if w in _COLOURS]
    return ";".join(map(str, codes))


@functools.cache
def terminal() -> Terminal:
    """The Terminal of this process (tests clear the cache between commands)."""
    return Terminal()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _env_int(name: str) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else 0


def _terminal_size() -> tuple[int, int]:
    """The terminal's size from stdout, stdin or stderr; 80x25 when none is a terminal."""
    for fd in (1, 0, 2):
        try:
            size = os.get_terminal_size(fd)
        except (OSError, ValueError):
            continue
        if size.columns > 0 and size.lines > 0:
            return size.columns, size.lines
    return 80, 25


def _rich_text(lines: Sequence[Line]) -> Any:
    from rich.text import Text

    text = Text(end="")
    for line in lines:
        for chunk, style in line:
            text.append(chunk, style or None)
        text.append("\n")
    return text


def _page(text: str) -> bool:
    """Show text through $PAGER (default `less -R`); False when no pager could run."""
    import subprocess

    command = os.environ.get("PAGER") or DEFAULT_PAGER
    sys.stdout.flush()
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, encoding="utf-8", errors="replace")
    except OSError:
        return False
    assert pager.stdin is not None
    try:
        pager.stdin.write(text)
        pager.stdin.close()
    except BrokenPipeError:  # the reader quit the pager before the end: nothing more to show
        pass
    while True:
        try:
            code = pager.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less uses it to stop a search)
            continue
    return code != 127  # 127: the shell found no such pager; print the text instead


# ------------------------------------------------------------------ layout helpers


def cells(text: str) -> int:
    """How many terminal columns text takes (wide East Asian characters take two, marks none)."""
    if text.isascii():
        return len(text)
    return sum(_char_cells(c) for c in text)


def _char_cells(char: str) -> int:
    import unicodedata  # only for text that is not ASCII

    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def shorten(text: str, width: int) -> str:
    """text cut to width at the end of a word, with an ellipsis; unchanged when it fits."""
    if cells(text) <= width:
        return text
    room = max(width - 1, 0)
    words = text.split(" ")
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if cells(candidate) > room:
            break
        kept = candidate
    if not kept:  # one word longer than the room: cut it
        for char in text:
            if cells(kept + char) > room:
                break
            kept += char
    return kept.rstrip(" ,;:-") + "…"


_TOKEN = re.compile(r"( +)|([^ ]+)")


class _Unit(NamedTuple):
    gap: str  # the spaces before it, dropped at a line break
    pieces: list[Span]  # words glued together (no space between spans)


def wrap(spans: Sequence[Span], width: int, indent: str | Span = "", hang: str | None = None) -> list[Line]:
    """Word-wrap styled spans into lines of at most width columns.

    The first line starts with `indent`, the others with `hang` (default: the same). Words are
    runs of non-space characters, so a URL or an id is never split: one that does not fit goes
    on its own line and overflows it. NBSP joins words that must stay together. An indent given
    as a (text, style) span is a label: the first word stays beside it even when it overflows.
    """
    lead_span = indent if isinstance(indent, tuple) else (indent, "")
    indent = lead_span[0]
    hang = indent if hang is None else hang
    units: list[_Unit] = []
    gap = ""
    glued = False
    for text, style in spans:
        for m in _TOKEN.finditer(text):
            if m.group(1):
                gap += m.group(1)
                glued = False
                continue
            words = [m.group(2)]
            if NBSP in words[0]:  # kept together when that fits a line, else words like any other
                joined = words[0].replace(NBSP, " ")
                words = [joined] if cells(joined) <= width - cells(hang) else words[0].split(NBSP)
            for n, word in enumerate(words):
                if n == 0 and glued and not gap and units:
                    units[-1].pieces.append((word, style))
                else:
                    units.append(_Unit(gap if n == 0 else " ", [(word, style)]))
            gap, glued = "", True
    lines: list[Line] = []
    line: Line = [lead_span] if indent else []
    col, empty = cells(indent), True
    for unit in units:
        size = sum(cells(w) for w, _ in unit.pieces)
        if empty:
            lead = unit.gap if not lines and not indent else ""
        elif col + len(unit.gap) + size <= width:
            lead = unit.gap
        else:
            lines.append(line)
            line, col, lead = ([(hang, "")] if hang else []), cells(hang), ""
        if lead:  # a gap between words of one style takes that style, so the spans merge
            line.append((lead, unit.pieces[0][1] if line and line[-1][1] == unit.pieces[0][1] else ""))
        line.extend(unit.pieces)
        col += len(lead) + size
        empty = False
    lines.append(line)
    return [_merged(line) for line in lines]


def _merged(line: Line) -> Line:
    """Adjacent spans of one style joined into one."""
    out: Line = []
    for text, style in line:
        if out and out[-1][1] == style:
            out[-1] = (out[-1][0] + text, style)
        elif text:
            out.append((text, style))
    return out


def say(text: str, style: str = "", hang: str = "  ", width: int | None = None) -> list[Line]:
    """A message wrapped to the terminal, continuation lines indented."""
    return wrap([(text, style)], width or terminal().width, hang=hang)


class Column(NamedTuple):
    width: int
    right: bool = False  # right-aligned (numbers)


Cell = Span | list[Span]  # one span takes the row's style when it has none; a list is used as it is


def columns(specs: Sequence[Column], values: Sequence[Cell], style: str = "") -> Line:
    """One table row: each value padded to its column, columns joined by GAP.

    A value wider than its column pushes the rest along (callers shorten titles beforehand, and
    ids and numbers are never cut).
    """
    line: Line = []
    last = len(specs) - 1
    for n, (spec, value) in enumerate(zip(specs, values, strict=True)):
        spans = value if isinstance(value, list) else [(value[0], value[1] or style)]
        pad = " " * max(spec.width - sum(cells(text) for text, _ in spans), 0)
        if spec.right:
            line.append((pad, ""))
        line.extend(spans)
        if not spec.right and n < last:
            line.append((pad, ""))
        if n < last:
            line.append((GAP, ""))
    return line


def _rule(width: int) -> Line:
    return [("─" * width, "")]


def _bar(percent: float, width: int) -> list[Span]:
    """A progress bar: green full cells, empty cells in the terminal's default colour, so that it
    reads the same on dark and light themes (and without colour)."""
    filled = round(width * percent / 100)
    return [("█" * filled, "green"), ("░" * (width - filled), "")]


def _keep(text: str) -> str:
    """text as one unbreakable word (a command to copy, a label with its value)."""
    return text.replace(" ", NBSP)


def _hours(h: float) -> str:
    return amount(h)


# ------------------------------------------------------------------ messages (plain, no Rich)


def _line(text: str, stderr: bool = False) -> None:
    (sys.stderr if stderr else sys.stdout).write(clean(text) + "\n")


def wrote(path: Path) -> None:
    _line(f"Wrote {path}", stderr=True)


def database_path(where: Path) -> None:
    _line(str(where))


def link(url: str, launched: bool) -> None:
    _line(f"Opened {url}" if launched else f"No browser here; open this link yourself: {url}")


def error(exc: MlpathError) -> None:
    """One line (plus the hint) on stderr; roadmap errors add one line per problem."""
    lines = exc.lines()
    first = f"error: {lines[0]}"
    if exc.hint and len(lines) == 1:
        first += f" ({exc.hint})"
    _line(first, stderr=True)
    for line in lines[1:]:
        _line(line, stderr=True)
    if exc.hint and len(lines) > 1:
        _line(f"hint: {exc.hint}", stderr=True)


def deprecated(old: str, new: str) -> None:
    _line(f"note: `{old}` is deprecated and will be removed in a later release; use `{new}`", stderr=True)


def usage_error(message: str, command_path: str) -> None:
    """A command-line mistake (unknown option, bad value), as one line."""
    _line(f"error: {' '.join(message.split())} (see `{command_path} --help`)", stderr=True)


def opened(path: str, info: Opened) -> None:
    """What opening the database did, one line on stderr (nothing when it did nothing)."""
    if info.created:
        _line(f"Created {path}: {plural(info.stages, 'stage')}, {plural(info.resources, 'resource')}", stderr=True)
    if info.migrated is not None:
        old, new = info.migrated
        _line(f"Upgraded {path} from schema {old} to {new} (the old file is kept as {info.backup})", stderr=True)
    if info.sync is not None and info.sync.anything:
        _line(sync_summary(info.sync), stderr=True)


def sync_summary(s: SyncReport) -> str:
    return (f"roadmap {s.old_version} -> {s.new_version}: {len(s.added)} new, {len(s.changed)} changed, "
            f"{len(s.retired)} retired")


def json_out(data: Any) -> None:
    sys.stdout.write(json_text(data) + "\n")


def _say(text: str, label: str = "") -> None:
    """A message; its label (e.g. `done: `) keeps the first word beside it."""
    terminal().emit(wrap([(text, "")], terminal().width, (label, ""), "  "))


def changes(done: Sequence[Change]) -> None:
    verbs = {Status.todo: "reset to todo", Status.doing: "started", Status.done: "done",
             Status.skipped: "skipped"}
    for c in done:
        prefix = verbs[c.status] if c.changed else f"already {c.status.value}"
        shared = f" (the same page as {c.item.same_as}, which shows it too)" if c.item.same_as else ""
        _say(f"{c.item.id}  {c.item.title}{shared}", f"{prefix}: ")


def logged(item: Item, session: Session, day_total: float, started: bool) -> None:
    _say(f"logged {_hours(session.hours)} h on {session.day}: {item.id} "
         f"({_hours(item.logged_hours + session.hours)} h on it in all; {_hours(day_total)} h studied that day)")
    if started:
        _say(f"started: {item.id} (it was todo)")


def noted(item: Item, note: Note) -> None:
    _say(f"{item.id}  {item.title}", f"noted on {note.at[:10]}: ")


def _about_left(hours: float) -> str:
    """'about 56.5 h left', 'about 40 h left': one decimal at most, read like every other amount."""
    return f"about {amount(round(hours, 1))} h left"


def progressed(item: Item, mark: Mark, started: bool) -> None:
    work = effort(item)
    left = _about_left(work.hours_left) if work.hours_left > 0 else f"nothing left: mlpath done {item.id}"
    _say(f"progress {mark.label} ({100 * work.progress:.0f}%): {item.id}; {left}")
    if started:
        _say(f"started: {item.id} (it was todo)")


def goal(hours: float | None, set_now: bool) -> None:
    if hours is None:
        _say("weekly goal cleared" if set_now else "no weekly goal; set one with: mlpath goal 8")
    else:
        said = "weekly goal set: " if set_now else "weekly goal: "
        _say(f"{said}{_hours(hours)} h a week (mlpath week shows the plan)")


def reviewed(done: Answered) -> None:
    _say(f"{done.item.id}  {done.item.title}; next review on {done.due.isoformat()}",
         f"reviewed ({grade_name(done.review.grade)}): ")


def merged(path: Path, report: MergeReport) -> None:
    counts = [_keep(plural(n, noun)) for n, noun in ((report.events, "event"), (report.sessions, "study session"),
                                                    (report.notes, "note"), (report.reviews, "review"))]
    extra = ((report.progress, "progress setting"), (report.goals, "goal"))
    counts += [_keep(plural(n, noun)) for n, noun in extra if n]
    _say(f"{', '.join(counts)} (records already here were skipped)", f"imported {path}: ")
    if report.undone:
        _say(f"{plural(report.undone, 'record')} the backup says were undone", "undone here too: ")
    if report.retired_created:
        _say(", ".join(report.retired_created), "kept as retired (not in the current roadmap): ")
    if report.roadmaps:
        _say(", ".join(report.roadmaps) + " (see mlpath roadmap list)", "roadmaps tracked again: ")


def imported(path: Path, result: MergeReport | Checklist) -> None:
    """A JSON backup's merge report, or the changes a markdown checklist made (and refused)."""
    if not isinstance(result, Checklist):
        merged(path, result)
        return
    changes(result.changes)
    if result.refused:
        when = f" ({result.exported_at[:16].replace('T', ' ')} UTC)" if result.exported_at else ""
        _line(f"kept done: {plural(len(result.refused), 'resource')} finished after this export was made{when}, "
              f"which it shows unticked: {', '.join(result.refused)}; `mlpath import --force {path}` unticks "
              f"{'it' if len(result.refused) == 1 else 'them'}", stderr=True)


def undone(result: Undone | None, tz: tzinfo) -> None:
    """What `mlpath undo` reverted, or that there was nothing left to undo."""
    if result is None:
        _say("no command that changed progress is left to undo", "nothing to undo: ")
        return
    _say(f"{result.summary} (from {local_time(result.at, tz)}; {plural(result.records, 'record')} left out, "
         "still kept in the history)", "undid: ")


def sync_preview(report: SyncReport) -> None:
    if not report.anything:
        _say(f"roadmap {report.old_version} -> {report.new_version}: no changes to resources")
        return
    lines = say(sync_summary(report))
    for label, ids in (("new", report.added), ("changed", report.changed), ("retired", report.retired)):
        lines += [[(f"  {label:8} {rid}", "")] for rid in ids]
    terminal().emit(lines)


# ------------------------------------------------------------------ stages, dashboard, card


def _stage_lines(view: Overview, width: int) -> list[Line]:
    """The stage table (see _progress_table)."""
    at_pace = view.pace.hours_per_week > 0
    etas = view.etas if at_pace or not view.etas_goal else list(view.etas_goal)
    several = len({p.stage.roadmap for p in view.progress}) > 1  # numbers as they are typed: name/2
    rows = [(f"{p.stage.roadmap}/{p.stage.number}" if several else str(p.stage.number), p.stage.title, p, eta)
            for p, eta in zip(view.progress, etas, strict=True)]
    return _progress_table(view, rows, "stage", "All stages", width)


def _roadmap_lines(view: Overview, width: int) -> list[Line]:
    """With several roadmaps, one row per roadmap (a page in two counts in each; in the total once)."""
    rows = [(r.roadmap.name, r.roadmap.title, r.progress, r.eta) for r in view.roadmaps]
    return _progress_table(view, rows, "roadmap", "All roadmaps", width)


def _progress_table(view: Overview, rows: list[tuple[str, str, Any, date | None]], what: str, all_label: str,
                    width: int) -> list[Line]:
    """A progress table: the titles take the free width; when the terminal is too narrow
    for all of them, the bar gives way first (down to BAR_MIN), then the longest titles are
    shortened at a word end. Numbers (and roadmap names) are never cut."""
    total = view.total
    at_pace = view.pace.hours_per_week > 0
    total_eta = view.finish.all_at_pace if at_pace else view.finish.all_at_goal
    done = [f"{p.done}/{p.total}" for _, _, p, _ in rows] + [f"{total.done}/{total.total}"]
    left = [f"{p.hours_left:.0f}" for _, _, p, _ in rows] + [f"{total.hours_left:.0f}"]
    number_w = max([1] + [len(n) for n, *_ in rows])
    done_w = max(len("done"), *map(len, done))
    left_w = max(len("h left"), *map(len, left))
    fixed = number_w + done_w + len("100%") + left_w + len("2026-01-01") + 6 * len(GAP)
    longest = max([len(all_label)] + [cells(t) for _, t, *_ in rows])
    room = width - fixed
    bar = max(BAR_MIN, min(BAR_WIDTH, room - longest))
    title_w = max(len(what), min(longest, room - bar))
    specs = [Column(number_w, what == "stage"), Column(title_w), Column(done_w, True), Column(4, True), Column(bar),
             Column(left_w, True), Column(10)]

    def row(number: str, title: str, p: Any, eta: date | None, style: str = "") -> Line:
        return columns(specs, [(number, ""), (shorten(title, title_w), ""), *figures(p, eta)], style)

    def figures(p: Any, eta: date | None) -> list[Cell]:
        return [(f"{p.done}/{p.total}", ""), (f"{p.percent:.0f}%", ""), _bar(p.percent, bar),
                (f"{p.hours_left:.0f}", ""), (_date(eta, p.hours_left), "")]

    # the total's label has no number: when the title's column is too narrow for it, it takes the
    # number's column too
    label = Column(number_w + len(GAP) + title_w)
    total_row = row("", all_label, total, total_eta, "bold") if cells(all_label) <= title_w else columns(
        [label, *specs[2:]], [(shorten(all_label, label.width), ""), *figures(total, total_eta)], "bold")

    header = columns(specs, [("#" if what == "stage" else "name", ""), (what, ""), ("done", ""), ("%", ""),
                             ("progress", ""), ("h left", ""), ("eta", "")], "bold")
    lines = [header, _rule(sum(s.width for s in specs) + 6 * len(GAP))]
    lines += [row(*r) for r in rows]
    lines += [[], total_row]
    return lines


def _date(when: date | None, hours_left: float) -> str:
    if hours_left <= 0:
        return "done"
    return when.isoformat() if when else "-"


def _by(what: str, hours_left: float, when: date | None, amount: str = "") -> str:
    """"core path (58 h left) by 2027-08-24", or "core path done" when nothing of it is left (a
    roadmap without core items, or its core path finished), never "by done"."""
    if hours_left <= 0:
        return f"{what} done"
    return f"{what}{f' ({_keep(amount)})' if amount else ''} by {_date(when, hours_left)}"


def _pace_lines(view: Overview) -> list[str]:
    """Pace, goal and the finish dates they give, for the core path and for everything."""
    pace, goal, f = view.pace, view.goal, view.finish
    core, every = view.total.core_hours_left, view.total.hours_left
    if every <= 0:
        return ["Everything is done or skipped."]
    if pace.hours_per_week <= 0 and not goal:
        return [f"No finish dates yet ({pace.basis}): log time with `mlpath log ID 1h30m`, "
                "or set a weekly goal with `mlpath goal 8`."]
    lines = []
    if pace.hours_per_week > 0:
        lines.append(f"Pace {_keep(f'{_hours(pace.hours_per_week)} h/week')} ({pace.basis}): "
                     f"{_by('core path', core, f.core_at_pace, f'{core:.0f} h left')}, "
                     f"{_by('everything', every, f.all_at_pace, f'{every:.0f} h')}.")
    else:
        lines.append(f"No pace yet ({pace.basis}): the eta column is at your goal; log time with "
                     "`mlpath log ID 1h30m`.")
    if goal:
        lines.append(f"At your goal of {_hours(goal)} h/week: {_by('core path', core, f.core_at_goal)}, "
                     f"{_by('everything', every, f.all_at_goal)}.")
    else:
        lines.append("Set a weekly goal for dates at it and a plan for the week: mlpath goal 8")
    return lines


def _pace_block(view: Overview, width: int) -> list[Line]:
    return [line for text in _pace_lines(view) for line in say(text, "dim", width=width)]


def _week_line(view: Overview) -> str:
    """This week in one line: hours against the goal, as a bar."""
    logged = view.week_logged
    if not view.goal:
        return f"This week: {_hours(logged)} h logged (no weekly goal: mlpath goal 8)"
    share = min(100.0, 100.0 * logged / view.goal)
    filled = round(10 * share / 100)
    return f"This week: {_hours(logged)} of {_hours(view.goal)} h  {'█' * filled}{'░' * (10 - filled)}  (mlpath week)"


def _title_line(view: Overview) -> str:
    total = view.total
    return f"{view.title}: {total.percent:.0f}% of the hours done ({total.done} of {total.total} resources)"


def stages(view: Overview) -> None:
    width = terminal().width
    terminal().emit(_stage_lines(view, width) + _pace_block(view, width))


def dashboard(view: Overview, top: Recommendation | None) -> None:
    width = terminal().width
    table = _roadmap_lines(view, width) if view.roadmaps else _stage_lines(view, width)
    lines = say(_title_line(view), "bold", width=width) + table
    lines += _pace_block(view, width) + say(_week_line(view), width=width)
    if view.reviews_due:
        lines += say(_reviews_line(view.reviews_due), "bold", width=width)
    if top is None:
        terminal().emit(lines + say("Everything is done or skipped. Well done!", width=width))
        return
    lines += [[("Next up:", "bold")], *_recommendation(top, None, width, view.last_notes.get(top.item.record_id))]
    rid = top.item.id
    finish = _keep(f"finished: mlpath done {rid}")
    hint = f"When {finish}" if top.item.status is Status.doing else f"{_keep(f'Begin: mlpath start {rid}')}   {finish}"
    terminal().emit(lines + say(hint, "dim", width=width))


def card_svg(view: Overview, streaks: Streaks) -> str:
    """A progress card (overall and per-stage bars, streak, date) as a standalone SVG.

    An SVG has no terminal width: the card is as wide as the longest stage title needs, so no
    title is ever cut. It is drawn by its own recording Console, which never prints.
    """
    import io

    from rich.console import Console

    longest = max([len("All stages")] + [cells(p.stage.title) for p in view.progress])
    width = max(60, longest + 70)  # the fixed columns and a full bar take under 70
    lines = say(_title_line(view), "bold", width=width) + _stage_lines(view, width)
    lines += say(f"Streak: {plural(streaks.current, 'day')} (longest {streaks.longest})  ·  "
                 f"{view.today.isoformat()}", width=width)
    used = max(sum(cells(text) for text, _ in line) for line in lines)
    card = Console(record=True, file=io.StringIO(), width=used, color_system="truecolor", force_terminal=True,
                   markup=False, highlight=False, emoji=False)
    card.print(_rich_text(_clean_lines(lines)), end="", soft_wrap=True)
    return card.export_svg(title="mlpath progress")


# ------------------------------------------------------------------ next


def recommendations(found: Suggestions) -> None:
    """`next`: one recommendation in full; several in a compact list, one line each; or why there is none."""
    width = terminal().width
    recs, notes, reviews_due = found.recommendations, found.last_notes, found.reviews_due
    lines: list[Line] = []
    if not recs:
        s = found.stage
        empty = ("Everything on the roadmap is done or skipped. Well done!" if s is None else
                 f"Nothing left to study in stage {s.number} ({s.title}): it is done or skipped. Try `mlpath next`.")
        lines = say(empty, width=width)
    if len(recs) == 1:
        lines += _recommendation(recs[0], None, width, notes.get(recs[0].item.record_id))
    elif recs:
        lines += _compact(recs, width, notes)
    if reviews_due:
        lines += say(_reviews_line(reviews_due), "bold", width=width)
    terminal().emit(lines)


def _reviews_line(count: int) -> str:
    noun = "resource is" if count == 1 else "resources are"
    return f"{count} finished {noun} due for review: mlpath review"


def _why(rec: Recommendation) -> str:
    """The rules behind a recommendation, shortest first: what a compact line has room for."""
    i = rec.item
    if i.status is Status.doing:
        return ", ".join(["in progress", *_under_way(i)])
    shown = [f for f in rec.factors if f not in ("prerequisites met", "optional extra")]
    if not i.core and not any(f.startswith("waits") for f in shown):
        shown.insert(0, "optional")
    shown = ["fits this week" if f == "fits this week's remaining hours" else f for f in shown]
    shown = ["one of a choice" if f.startswith("one of a choice") else f for f in shown]
    return ", ".join([*shown, f"stage{NBSP}{i.stage_number}"])


def _under_way(item: Item) -> list[str]:
    """What is known of a resource in progress: the share set, the hours logged."""
    shown = []
    if item.fraction is not None:
        shown.append(f"{100 * item.fraction:.0f}%{NBSP}done")
    if item.logged_hours:
        shown.append(f"{_hours(item.logged_hours)}{NBSP}h logged")
    return shown


def _where_it_stands(item: Item) -> str:
    """A resource in progress in one phrase: the share set, the hours logged, about how many are left."""
    return ", ".join([*_under_way(item), _keep(_about_left(effort(item).hours_left))])


def _compact(recs: Sequence[Recommendation], width: int, notes: Mapping[str, Note]) -> list[Line]:
    """`next -n N`: one line per resource (number, id, hours left, why, then as much title as fits);
    an item in progress adds its last note on the line below. When even the why does not fit
    beside the ids (a narrow terminal, long ids), it goes under its id."""
    rank_w = len(f"{len(recs)}.")
    id_w = max(len(r.item.id) for r in recs)
    left = [f"{effort(r.item).hours_left:.0f} h" for r in recs]
    left_w = max(len(h) for h in left)
    whys = [_why(r) for r in recs]
    why_w = max(len(w) for w in whys)
    hang = " " * (rank_w + len(GAP))
    narrow = rank_w + id_w + left_w + why_w + 3 * len(GAP) > width
    specs = [Column(rank_w, True), Column(id_w), Column(left_w, True)] + ([] if narrow else [Column(why_w)])
    lines: list[Line] = []
    for n, (rec, hours, why) in enumerate(zip(recs, left, whys, strict=True), start=1):
        i = rec.item
        cells_ = [(f"{n}.", ""), (i.id, "bold" if i.core else ""), (hours, "")]
        row = columns(specs, cells_ if narrow else [*cells_, (why.replace(NBSP, " "), "italic")])
        title_w = width - sum(cells(text) for text, _ in row) - len(GAP)  # what this row leaves free
        if title_w >= 12:
            row += [(GAP, ""), (shorten(i.title, title_w), "dim")]
        lines.append(row)
        if narrow:
            lines += wrap([(why, "italic")], width, hang, hang)
        note = notes.get(i.record_id)
        if i.status is Status.doing and note is not None:
            lines += wrap([(f"last note {note.at[:10]}: {note.text}", "dim")], width, hang, hang)
    lines += say("hours are what is left of each; `mlpath next` alone explains the first in full", "dim",
                 width=width)
    return lines


def _recommendation(rec: Recommendation, n: int | None, width: int, note: Note | None = None) -> list[Line]:
    """Title and [id, number] on the first line(s), the details indented under it."""
    i = rec.item
    indent = "   "
    head: list[Span] = [(f"{n}. ", "")] if n is not None else []
    head += [(i.title, "bold"), (f"  [{i.id},{NBSP}{i.number}{f',{NBSP}core' if i.core else ''}]", "")]
    lines = wrap(head, width, hang=indent)
    details = f"{i.kind}, about {_hours(i.hours)} h" + (f", {i.url}" if i.url else "")
    lines += wrap([(details, "")], width, indent)
    lines += wrap([(f"why: {rec.reason}", "italic")], width, indent)
    if i.status is Status.doing:
        lines += wrap([(_where_it_stands(i), "")], width, indent)
        if note is not None:
            lines += wrap([(f"your last note ({note.at[:10]}): {note.text}", "")], width, indent)
    if i.note:
        lines += wrap([(i.note, "")], width, indent)
    return lines


# ------------------------------------------------------------------ week


def week(w: Week) -> None:
    """This week: hours against the goal as a bar, streak and reviews, what is under way, the plan."""
    from datetime import timedelta

    width = terminal().width
    end = w.start + timedelta(days=6)
    lines = say(f"This week, {w.start.isoformat()} to {end.isoformat()}", "bold", width=width)
    target = w.target
    if target:
        share = min(100.0, 100.0 * w.logged / target)
        what = "goal" if w.basis == "goal" else "pace (no goal set)"
        head, tail = f"  {_hours(w.logged)} of {_hours(target)} h  ", f"  {share:.0f}% of your {what}"
        bar = max(BAR_MIN, min(BAR_WIDTH * 2, width - len(head) - len(tail)))  # the line fits the width
        if len(head) + bar + len(tail) <= width:
            lines.append([(head, ""), *_bar(share, bar), (tail, "")])
        else:  # too narrow for all three: the words go under the bar
            lines.append([(head, ""), *_bar(share, bar)])
            lines += say(f"  {tail.strip()}", width=width)
    else:
        lines += say(f"  {_hours(w.logged)} h logged; set a weekly goal to measure it against: mlpath goal 8",
                     width=width)
    streak = f"streak {plural(w.streak, 'day')}"
    reviews = f"{plural(w.reviews_due, 'review')} due (mlpath review)" if w.reviews_due else "no reviews due"
    lines += say(f"  {streak} · {reviews}", width=width)
    if w.in_progress:
        lines.append([("In progress", "bold")])
        for item, note in w.in_progress:
            lines += wrap([(item.id, "bold"), (f"  {_where_it_stands(item)}", "")], width, "  ", "    ")
            if note is not None:
                lines += wrap([(f"last note {note.at[:10]}: {note.text}", "dim")], width, "    ", "    ")
    if not w.basis:
        lines += say("No plan yet: set a weekly goal (mlpath goal 8) or log some time (mlpath log ID 1h).",
                     width=width)
    elif not w.plan:
        lines += say(f"Nothing left to plan: this week's {w.basis} is reached. Well done!", width=width)
    else:
        left = max(0.0, (target or 0) - w.logged)
        lines.append([(f"Plan for the rest of the week: {_hours(left)} h", "bold")])
        hours_w = max(len(f"{_hours(p.hours)} h") for p in w.plan)
        id_w = max(len(p.item.id) for p in w.plan)
        title_w = width - 2 - hours_w - id_w - 2 * len(GAP)
        specs = [Column(hours_w, True), Column(id_w)]
        for p in w.plan:
            cells: list[Span] = [(f"{_hours(p.hours)} h", ""), (p.item.id, "bold" if p.item.core else "")]
            row = [("  ", ""), *columns(specs, cells)]
            if title_w >= 12:
                row += [(GAP, ""), (shorten(p.item.title, title_w), "dim")]
            lines.append(row)
    terminal().emit(lines)


# ------------------------------------------------------------------ list


def items(listing: Listing, page: bool = True) -> None:
    """The resource list: one line with number, core mark, id, kind, hours and status, then the
    title wrapped under the id. Laid out by hand, not by a Rich table, so a row costs a few
    string operations (the list can hold 100,000 resources), and printed as the rows are read."""
    term = terminal()
    width = term.width
    if not listing.total:
        term.emit(say("No resources match.", width=width))
        return
    number_w = max(len("#"), listing.number_width)
    status_w = len("skipped")
    fixed = number_w + 1 + _KIND_W + _HOURS_W + status_w + 5 * len(GAP)
    id_w = max(len("id / title"), min(listing.id_width, width - fixed))
    specs = [Column(number_w, True), Column(1), Column(id_w), Column(_KIND_W), Column(_HOURS_W, True),
             Column(status_w)]
    title_indent = " " * (number_w + 1 + 2 * len(GAP))

    def lines() -> Iterator[Printed]:
        """The screen, line by line, so that it is printed as it is made."""
        yield columns(specs, [("#", ""), ("", ""), ("id / title", ""), ("kind", ""), ("hours", ""), ("status", "")],
                      "bold")
        yield _rule(fixed + id_w)
        rows = _styled_rows if term.colour else _plain_rows
        core, hours = yield from rows(listing.rows, number_w, id_w, width, title_indent, listing.named)
        yield []
        yield from say(f"{_keep(plural(listing.total, 'resource'))}, {core} of them core ({CORE_LEGEND}), "
                       f"{_keep(plural(hours, 'hour'))}", width=width)

    term.emit(lines(), page=page)


# Each row is built from a few padded strings rather than through columns() and wrap(): the same
# layout, at a small fraction of the cost per row. The cells that repeat (kind, hours, status, core
# mark) are made once. A title fits on one line unless it is too long, holds what wrap() must look
# at (double spaces, edge spaces) or is not plain ASCII (wide characters, control characters).
_KIND_W, _HOURS_W = len("newsletter"), len("hours")


def _plain_rows(rows: Iterable[ListRow], number_w: int, id_w: int, width: int, title_indent: str,
                named: bool) -> Generator[Printed, None, tuple[int, float]]:
    """items' rows without colour, each line one string (what the terminal writes as it is); returns
    how many are core and their hours."""
    room = width - len(title_indent)
    marks = {1: f"{GAP}{CORE_MARK}{GAP}", 0: f"{GAP} {GAP}"}  # by the core mark, 1 or 0 (True or False)
    kinds: dict[str, str] = {}
    amounts: dict[float, str] = {}
    core, hours = 0, 0.0
    for rid, stage_number, position, title, kind, is_core, h, status, road in rows:
        core += is_core
        hours += h
        kind_cell = kinds.get(kind)
        if kind_cell is None:
            kind_cell = kinds[kind] = f"{GAP}{kind.ljust(_KIND_W)}{GAP}"
        hours_cell = amounts.get(h)
        if hours_cell is None:
            hours_cell = amounts[h] = f"{_hours(h).rjust(_HOURS_W)}{GAP}"
        number = f"{road}/{stage_number}.{position}" if named else f"{stage_number}.{position}"  # without a call
        lead = number.rjust(number_w) + marks[is_core]
        if len(rid) > id_w:  # an id is never cut: alone on its line, the columns below it
            yield lead + rid
            yield f"{' ' * (len(lead) + id_w)}{kind_cell}{hours_cell}{status}"
        else:
            yield f"{lead}{rid.ljust(id_w)}{kind_cell}{hours_cell}{status}"
        if len(title) <= room and title.isascii() and "  " not in title and title.strip() == title:
            yield title_indent + title
        else:
            yield from wrap([(title, "dim")], width, title_indent)
    return core, hours


def _styled_rows(rows: Iterable[ListRow], number_w: int, id_w: int, width: int, title_indent: str,
                  named: bool) -> Generator[Printed, None, tuple[int, float]]:
    """items' rows in colour (ids of core items in bold, statuses in their colours, titles dim); returns
    how many are core and their hours."""
    room = width - len(title_indent)
    statuses = {s.value: (s.value, STATUS_STYLE[s]) for s in Status}  # by the row's status text
    marks = {1: f"{GAP}{CORE_MARK}{GAP}", 0: f"{GAP} {GAP}"}
    amounts: dict[float, str] = {}
    core, hours = 0, 0.0
    for i in rows:
        core += i.core
        hours += i.hours
        cell = amounts.get(i.hours)
        if cell is None:
            cell = amounts[i.hours] = _hours(i.hours).rjust(_HOURS_W)
        lead = (f"{i.roadmap}/{i.number}" if named else i.number).rjust(number_w) + marks[i.core]
        rest = f"{GAP}{i.kind.ljust(_KIND_W)}{GAP}{cell}{GAP}"
        rid = (i.id, "bold" if i.core else "")
        if len(i.id) > id_w:  # an id is never cut: alone on its line, the columns below it
            yield [(lead, ""), rid]
            yield [(" " * (len(lead) + id_w) + rest, ""), statuses[i.status]]
        else:
            yield [(lead, ""), rid, (" " * (id_w - len(i.id)) + rest, ""), statuses[i.status]]
        title = i.title
        if len(title) <= room and title.isascii() and "  " not in title and title.strip() == title:
            yield [(title_indent + title, "dim")]
        else:
            yield from wrap([(title, "dim")], width, title_indent)
    return core, hours


# ------------------------------------------------------------------ show


def show(item: Item, stage_title: str, history: Sequence[Event], notes: Sequence[Note] = (),
         reviews: ReviewRecord | None = None, marks: Sequence[Mark] = ()) -> None:
    width = terminal().width
    label_w = len("next review")
    hang = " " * (label_w + len(GAP))
    lines = wrap([(item.title, "bold")], width, hang="  ")

    def field(label: str, value: str, style: str = "") -> None:
        lines.extend(wrap([(value, style)], width, (label.ljust(label_w) + GAP, "dim"), hang))

    field("id", f"{item.id}  ({item.number})")
    if item.roadmap != "mlpath" or item.same_as:  # with several roadmaps: whose, and what it shares
        shared = f"; the same page as {item.same_as}, whose history this is" if item.same_as else ""
        field("roadmap", f"{item.roadmap}{shared}")
    field("stage", f"{item.stage_number}. {stage_title}")
    field("kind", f"{item.kind}, {'core' if item.core else 'optional'}")
    if item.authors:
        field("authors", ", ".join(item.authors))
    field("hours", _hours(item.hours))
    field("url", item.url or "(none)")
    if item.choose_one:
        field("choose one", f"group {item.choose_one}: finishing one member is enough")
    if item.note:
        field("note", item.note)
    if item.retired:
        field("status", f"{item.status.value} (retired: no longer in the roadmap)")
    else:
        field("status", item.status.value, STATUS_STYLE[item.status])
    if item.logged_hours:
        field("time spent", f"{_hours(item.logged_hours)} h")
    work = effort(item)
    if item.status is not Status.skipped:
        field("progress", _progress_text(item, work, marks[-1] if marks else None))
    if work.stretched:
        field("estimate", f"stretched from {_hours(work.planned)} h to {work.estimate:.0f} h: you have logged "
              f"{_hours(item.logged_hours)} h, more than the roadmap's estimate")
    if item.rating:
        field("stars", f"{'★' * item.rating}{'☆' * (5 - item.rating)} ({item.rating}/5)")
    if reviews and (reviews.reviews or reviews.next_due):
        field("reviews", ", ".join(f"{r.at[:10]}{NBSP}{grade_name(r.grade)}" for r in reviews.reviews) or "none yet")
        if reviews.next_due:
            field("next review", reviews.next_due.isoformat())
    stamp_hang = " " * (2 + len("2026-01-01 00:00:00 UTC") + len(GAP))
    if notes:
        lines.append([("notes", "bold")])
        for n in notes:
            lines += wrap([(f"{_when(n.at)}{GAP}{n.text}", "")], width, "  ", stamp_hang)
    lines.append([("history", "bold")])
    if not history:
        lines.append([("  nothing yet", "")])
    for e in history:
        text = f"{_when(e.at)}{GAP}{e.status.value}"
        if e.rating:
            text += f"{GAP}{e.rating}/5 stars"
        if e.note:
            text += f"{GAP}{e.note}"
        lines += wrap([(text, "")], width, "  ", stamp_hang)
    terminal().emit(lines)


def _progress_text(item: Item, work: Effort, mark: Mark | None) -> str:
    share = f"{100 * work.progress:.0f}%"
    left = _keep(_about_left(work.hours_left))
    if work.source == "done":
        return "100% (done)"
    if work.source == "set" and mark is not None:
        return f"{share} ({mark.label}, set {mark.at[:10]}); {left}"
    if work.source == "logged":
        return f"{share} from time logged ({_keep(f'mlpath progress {item.number} 5/12')} sets it); {left}"
    return f"0%; {left}"


def _when(stamp: str) -> str:
    return stamp.replace("T", " ").rstrip("Z") + " UTC"


def converted(report: ConversionReport, output: str | None) -> None:
    """What `roadmap import` made and guessed, on stderr (stdout may be carrying the roadmap)."""
    split = f", stages from level-{report.stage_level} headings" if report.stage_level else ""
    lines = [f"Converted {report.source} ({report.source_format}{split}): {plural(report.stages, 'stage')}, "
             f"{plural(report.resources, 'resource')}.",
             "Guessed the kind from links and words: " + ", ".join(f"{n} {k}" for k, n in report.kinds.items()) + "."]
    if report.defaulted:
        used = ", ".join(f"{kind} {_hours(hours)} h" for kind, hours in report.default_hours.items())
        lines.append(f"Guessed hours for {report.defaulted} from a default per kind ({used}).")
    if report.hours_from_source:
        lines.append(f"Hours from the source's tables: {report.hours_from_source}.")
    if report.hours_from_weeks:
        lines.append(f"Guessed hours for {report.hours_from_weeks} from a duration with no effort given, "
                     f"at {_hours(report.hours_per_week)} h/week.")
    if report.after_links:
        where = "written into the notes, as this mlpath's roadmaps have no after:" if report.after_in_notes \
            else "written as after:"
        lines.append(f"Prerequisites: {plural(report.after_links, 'link')} {where}.")
    if report.dropped_cycles:
        lines.append(f"Dropped {plural(report.dropped_cycles, 'prerequisite')} that would have made a cycle.")
    if report.left_out:
        lines.append("Left out: " + "; ".join(report.left_out) + ".")
    state = f"version {report.version}" if report.changed else f"unchanged, version {report.version}"
    lines.append(f"Wrote {output or 'the roadmap to stdout'} ({state}). Nothing is marked core: "
                 "set core: true on the path you mean to follow.")
    width = _terminal_size()[0] if _isatty(sys.stderr) else 0
    for line in lines:
        for part in wrap([(line, "")], width - 1, hang="  ") if width > 20 else [[(line, "")]]:
            _line("".join(text for text, _ in part), stderr=True)


def roadmap_added(added: Added) -> None:
    """What `roadmap add` did: tracked a new roadmap, or refreshed one, and the pages it shares."""
    info = added.roadmap
    if added.created:
        what = f"Tracking {info.name} ({info.title}): {plural(added.stages, 'stage')}, " \
               f"{plural(added.resources, 'resource')}"
    else:
        what = f"Refreshed {info.name} ({info.title}, version {info.version}): {len(added.added)} new, " \
               f"{len(added.changed)} changed, {len(added.retired)} retired"
    lines = say(what + ".")
    if added.shared:
        lines += say("The same page as one tracked in another roadmap (status, hours, notes and reviews shared): "
                     + ", ".join(f"{rid} = {other}" for rid, other in added.shared[:5])
                     + (f" and {len(added.shared) - 5} more" if len(added.shared) > 5 else "") + ".")
    lines += say(f"See it with: mlpath --in {info.name}   (all roadmaps: mlpath roadmap list)", "dim")
    terminal().emit(lines)


def roadmap_list(lines: Sequence[RoadmapProgress]) -> None:
    """`roadmap list`: one row per roadmap, its progress, which one is the default and which are removed."""
    width = terminal().width
    name_w = max(len("name"), *(len(r.roadmap.name) for r in lines))
    done = [f"{r.progress.done}/{r.progress.total}" for r in lines]
    done_w = max(len("done"), *map(len, done))
    left_w = max(len("h left"), *(len(f"{r.progress.hours_left:.0f}") for r in lines))
    marks = ["default" if r.default else "removed" if r.roadmap.hidden else "" for r in lines]
    mark_w = max(map(len, marks))
    fixed = name_w + done_w + 4 + left_w + mark_w + 5 * len(GAP)
    title_w = max(len("title"), width - fixed)
    specs = [Column(name_w), Column(title_w), Column(done_w, True), Column(4, True), Column(left_w, True),
             Column(mark_w)]
    out = [columns(specs, [("name", ""), ("title", ""), ("done", ""), ("%", ""), ("h left", ""), ("", "")], "bold"),
           _rule(sum(s.width for s in specs) + 5 * len(GAP))]
    for r, d, mark in zip(lines, done, marks, strict=True):
        out.append(columns(specs, [(r.roadmap.name, ""), (shorten(r.roadmap.title, title_w), ""), (d, ""),
                                   (f"{r.progress.percent:.0f}%", ""), (f"{r.progress.hours_left:.0f}", ""),
                                   (mark, "dim")]))
    terminal().emit(out)


def roadmap_removed(info: RoadmapInfo) -> None:
    _say(f"{info.name} is hidden; its resources and history are kept (mlpath roadmap add "
         f"{info.source or 'FILE'} --name {info.name} brings it back)", "removed: ")


def roadmap_used(info: RoadmapInfo | None) -> None:
    if info is None:
        _say("every command sees every roadmap again", "default: ")
        return
    _say(f"every command sees only {info.name} ({info.title}); back to all: mlpath roadmap use all", "default: ")


# ------------------------------------------------------------------ review, history


def _ago(days: int) -> str:
    if days == 0:
        return "today"
    if days < 60:
        return f"{plural(days, 'day')} ago"
    return f"{days // 30} months ago"


def _overdue(days: int) -> str:
    return "due today" if days == 0 else f"{plural(days, 'day')} overdue"


def reviews_due(due: Sequence[DueReview]) -> None:
    width = terminal().width
    if not due:
        terminal().emit(say("Nothing is due for review today.", width=width))
        return
    lines: list[Line] = []
    for d in due:
        lines += wrap([(f"{d.item.id}{GAP}{d.item.title}{GAP}({_keep(_overdue(d.overdue_days))})", "")], width,
                      (f"{d.due.isoformat()}{GAP}", ""), " " * (len("2026-01-01") + len(GAP)))
    lines += say("Review them one by one with `mlpath review` on a terminal, or record one with: "
                 f"{_keep('mlpath review ID again|hard|good|easy')}", "dim", width=width)
    terminal().emit(lines)


# ------------------------------------------------------------------ the study timer

NOTE_PROMPT = "Note for this session (Enter for none): "


def local_time(stamp: str, tz: tzinfo) -> str:
    """A UTC timestamp as the learner's local date and time, to the minute."""
    from mlpath.clock import parse_stamp

    return parse_stamp(stamp).astimezone(tz).strftime("%Y-%m-%d %H:%M")


@contextmanager
def live_screen(first: list[Line]) -> Iterator[Callable[[list[Line]], None]]:
    """A screen redrawn in place (Rich Live, through the one Console); yields the function that
    shows the next frame. Only for a terminal: the interactive commands refuse to run without one."""
    from rich.live import Live

    term = terminal()

    def frame(lines: list[Line]) -> Any:  # without colour (NO_COLOR), no style either
        return _rich_text(lines if term.colour else [[(text, "") for text, _ in line] for line in lines])

    with Live(frame(first), console=term.console(), auto_refresh=False, redirect_stdout=False,
              redirect_stderr=False) as live:
        yield lambda lines: live.update(frame(lines), refresh=True)


def bell() -> None:
    sys.stdout.write("\a")
    sys.stdout.flush()


def _boxed(title: str, body: Sequence[Line], width: int) -> list[Line]:
    """Lines framed by a rounded box as wide as the terminal, the title in its top edge."""
    inner = width - 4
    top = f"╭─ {title} "
    lines: list[Line] = [[(top + "─" * max(width - cells(top) - 1, 0) + "╮", "dim")]]
    for line in body:
        used = sum(cells(text) for text, _ in line)
        lines.append([("│ ", "dim"), *line, (" " * max(inner - used, 0) + " │", "dim")])
    lines.append([("╰" + "─" * (width - 2) + "╯", "dim")])
    return lines


def _centred(spans: Sequence[Span], width: int) -> Line:
    used = sum(cells(text) for text, _ in spans)
    return [(" " * max((width - used) // 2, 0), ""), *spans]


def clock_face(span: timedelta) -> str:
    """H:MM:SS, or MM:SS under an hour."""
    seconds = int(span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def study_screen(item: Item, running: Timer, now: datetime, before: Totals) -> list[Line]:
    """The timer across the terminal: the resource, the clock, today's and this week's hours."""
    from mlpath import timer

    width = max(_env_int("COLUMNS") or _terminal_size()[0], 30)  # asked each frame: the window may be resized
    inner = width - 4
    spent = timer.elapsed(running, now)
    left = timer.remaining(running, now)
    hours = timer.minutes_to_log(running, now) / 60 if left == timer.ZERO else spent.total_seconds() / 3600
    if left is None:
        face: list[Span] = [(clock_face(spent), "bold"), ("  studied", "dim")]
    elif left == timer.ZERO:
        face = [(f"{plural(running.minutes or 0, 'minute')}: time is up", "bold")]
    else:
        face = [(clock_face(left), "bold"), (f"  left of {running.minutes} min", "dim")]
    label = len("this week") + len(GAP)
    week = before.week + hours
    if before.goal:
        percent = min(100.0, 100 * week / before.goal)
        goal: list[Span] = [(f"{week:.1f} h of your {_hours(before.goal)} h goal{GAP}", ""),
                            *_bar(percent, max(BAR_MIN, min(BAR_WIDTH, inner - label - 40))),
                            (f" {percent:.0f}%", "")]
    else:
        goal = [(f"{week:.1f} h", "")]
    body: list[Line] = wrap([(item.title, "bold")], inner)
    body += wrap([(f"{item.id} · {item.kind}, about {_hours(item.hours)} h · "
                   f"{item.logged_hours + hours:.1f} h on it so far", "dim")], inner)
    body += [[], _centred(face, inner), []]
    body += [[("today".ljust(label), "dim"), (f"{before.today + hours:.1f} h", "")]]
    body += wrap(goal, inner, ("this week".ljust(label), "dim"), " " * label)
    body += [[], *wrap([("q or Enter: stop and log it · Ctrl-C: the same", "dim")], inner)]
    return _boxed("mlpath study", body, width)


def studied(result: Stopped) -> None:
    from mlpath import timer

    item = result.item
    if result.how == "elsewhere":
        _say(f"the timer for {item.id} was stopped from another terminal (logged there)")
        return
    if result.how == "finished":
        _say(f"time is up: {plural(result.minutes, 'minute')} on {item.id}")
    if result.session is None:
        _say(f"under a minute on {item.id}: nothing logged")
        return
    s = result.session
    _say(f"logged {timer.duration(result.minutes)} on {s.day}: {item.id} ({item.logged_hours + s.hours:.1f} h in all; "
         f"{result.day_total:.1f} h that day)")


def trim_prompt(running: Timer, ran: int, since: str) -> str:
    from mlpath import timer

    return (f"The timer for {running.resource_id} ran {timer.duration(ran)} (since {since}), more than "
            f"{timer.TRIM_AFTER_HOURS} hours.\nMinutes to log (0-{ran}, Enter for all of them): ")


def timer_left_running(running: Timer, now: datetime, tz: tzinfo) -> None:
    from mlpath import timer

    _line(f"note: a study timer for {running.resource_id} was left running since "
          f"{local_time(running.started_at, tz)} ({timer.duration(timer.minutes_to_log(running, now))}); "
          "log it with: mlpath study --stop", stderr=True)


# ------------------------------------------------------------------ the review session

GRADE_KEYS = ("space: your notes", "1 again", "2 hard", "3 good", "4 easy", "s skip", "q stop")


def review_card(d: DueReview, n: int, total: int) -> None:
    """One resource to recall: what it was, when it was finished, the prompt and the keys."""
    from mlpath.reviewing import RECALL_PROMPT

    width = terminal().width
    head = f"review {n} of {total} "
    lines: list[Line] = [[(head + "─" * max(width - cells(head), 0), "dim")]]
    lines += wrap([(d.item.title, "bold")], width, hang="  ")
    lines += wrap([(f"{d.item.id} · {d.item.kind} · finished {_keep(_ago(d.finished_days))} · "
                    f"{_keep(_overdue(d.overdue_days))}", "dim")], width, hang="  ")
    lines += say(RECALL_PROMPT, "bold", width=width)
    lines += say(" · ".join(_keep(key) for key in GRADE_KEYS), "dim", width=width)  # a key and its word stay together
    terminal().emit(lines)


def review_notes(d: DueReview) -> None:
    """The learner's notes, shown once they have tried to recall."""
    width = terminal().width
    if not d.notes:
        terminal().emit(say("  no notes on it (add some with: mlpath note ID TEXT)", "dim", width=width))
        return
    hang = " " * (3 + len("2026-01-01") + len(GAP))
    lines: list[Line] = []
    for note in d.notes:
        lines += wrap([(note.text, "")], width, (f"   {note.at[:10]}{GAP}", "dim"), hang)
    terminal().emit(lines)


def review_answered(done: Answered) -> None:
    _say(f"{grade_name(done.review.grade)}: next review on {done.due.isoformat()}", "  ")


def review_skipped() -> None:
    _say("skipped: still due", "  ")


def review_summary(summary: Summary) -> None:
    if not summary.answered and not summary.left:
        _say("Nothing is due for review today." + (f" Next review on {summary.next_due.isoformat()}."
                                                   if summary.next_due else ""))
        return
    counts: dict[str, int] = {}
    for done in summary.answered:
        name = grade_name(done.review.grade)
        counts[name] = counts.get(name, 0) + 1
    grades = ", ".join(f"{n} {g}" for g, n in counts.items())
    line = f"Reviewed {len(summary.answered)}" + (f" ({grades})" if grades else "")
    if summary.left:
        line += f"; {summary.left} still due"
    _say(line + ".")
    if summary.next_due:
        _say(f"Next review due on {summary.next_due.isoformat()}.")


HEAT = (("·", "dim"), ("░", "green"), ("▒", "green"), ("▓", "bold green"), ("█", "bold green"))


def _heat(cell: float | None) -> tuple[str, str]:
    if cell is None:
        return " ", ""
    if cell < 0:
        return HEAT[0]
    if cell < 1:
        return HEAT[1]
    if cell < 2:
        return HEAT[2]
    if cell < 4:
        return HEAT[3]
    return HEAT[4]


def _entry_detail(e: Entry) -> str:
    """What follows the resource id on a line of `history`: a review's grade, a session's hours, a note."""
    if e.grade is not None:
        return f"{grade_name(e.grade)}, next on {e.next_due}"
    if e.hours is not None:
        return f"{amount(e.hours)} h" + (f"  {e.note}" if e.note else "")
    return e.note


def history(h: History, page: bool = True) -> None:
    width = terminal().width
    lines = say(f"Activity in the last {plural(h.days, 'day')}, newest first", "bold", width=width)
    if not h.entries:
        lines.append([("  nothing recorded yet", "")])
    hang = " " * (2 + len("2026-01-01") + len(GAP) + 9)
    for e in h.entries:
        detail = f"{GAP}{text}" if (text := _entry_detail(e)) else ""
        lines += wrap([(f"{e.resource_id}{detail}", "")], width, (f"  {e.day.isoformat()}{GAP}{e.what:8} ", ""), hang)
    lines.append([])
    weeks = len(h.grid[0])
    first = h.weekly[0][0] if h.weekly else h.today
    lines += say(f"Study days, {plural(weeks, 'week')} from {first.isoformat()} (columns are weeks)", "bold",
                 width=width)
    for name, row in zip(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), h.grid, strict=True):
        line: Line = [(f"  {name} ", "")]
        for cell in row:
            glyph, style = _heat(cell)
            line += [(glyph, style), (" ", "")]
        lines.append(line)
    legend = GAP.join(_keep(entry) for entry in ("· none", "░ studied, under 1 h logged", "▒ 1-2 h", "▓ 2-4 h",
                                                  "█ 4 h or more"))
    lines += wrap([(legend, "dim")], width, "  ")
    lines += say(f"Current streak: {plural(h.streaks.current, 'day')}; longest: {plural(h.streaks.longest, 'day')}",
                 "bold", width=width)
    lines.append([("Hours logged per week:", "bold")])
    top = max((hours for _, hours in h.weekly), default=0) or 1
    for start, hours in h.weekly:
        lines.append([(f"  week of {start.isoformat()}  {hours:6.1f} h  ", ""), ("█" * round(20 * hours / top), "")])
    terminal().emit(lines, page=page)
