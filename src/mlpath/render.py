"""The only module that knows Rich: tables, bars, the dashboard, and plain output.

User text (titles, notes) is never parsed as markup. Colour only on a terminal and never with
NO_COLOR set; piped output carries no escape codes at all.

One-line messages (errors, notices, what `done` changed) are plain text and never import Rich;
the views that need it import it when called, so a write command does not pay for it.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mlpath.errors import MlpathError
from mlpath.progress import Event, Item, Recommendation, Status
from mlpath.spaced import grade_name
from mlpath.store import Change, MergeReport, Opened, SyncReport

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from rich.console import Console, RenderableType
    from rich.table import Table

    from mlpath.habits import Note, Session, Streaks
    from mlpath.report import History, Overview
    from mlpath.reviewing import Answered, DueReview, ReviewRecord

STATUS_STYLE = {
    Status.todo: "",
    Status.doing: "bold yellow",
    Status.done: "green",
    Status.skipped: "dim",
}
BAR_WIDTH = 16


def out() -> Console:
    """The console for command output."""
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))
    return Console(
        markup=False,
        highlight=False,
        emoji=False,
        color_system=None if plain else "auto",
    )


# ------------------------------------------------------------------ messages


def _line(text: str, stderr: bool = False) -> None:
    (sys.stderr if stderr else sys.stdout).write(text + "\n")


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
        _line(f"Created {path}: {info.stages} stages, {info.resources} resources", stderr=True)
    if info.migrated is not None:
        old, new = info.migrated
        _line(f"Upgraded {path} from schema {old} to {new} (the old file is kept as {info.backup})", stderr=True)
    if info.sync is not None and info.sync.anything:
        _line(sync_summary(info.sync), stderr=True)


def sync_summary(s: SyncReport) -> str:
    return (f"roadmap {s.old_version} -> {s.new_version}: {len(s.added)} new, {len(s.changed)} changed, "
            f"{len(s.retired)} retired")


def json_out(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# ------------------------------------------------------------------ pieces


def _bar(percent: float, width: int = BAR_WIDTH, console: Console | None = None) -> RenderableType:
    from rich.progress_bar import ProgressBar
    from rich.text import Text

    console = console or out()
    if console.color_system is None:
        filled = round(width * percent / 100)
        return Text("█" * filled + "░" * (width - filled))
    return ProgressBar(total=100, completed=percent, width=width)


def _status(item: Item) -> RenderableType:
    from rich.text import Text

    return Text(item.status.value, style=STATUS_STYLE[item.status])


def _hours(h: float) -> str:
    return f"{h:g}"


def _stage_table(view: Overview, console: Console | None = None) -> Table:
    from rich import box
    from rich.table import Table

    # Fixed columns take 46 characters; the bar gives way first on narrow terminals, then the
    # stage title, so numbers are never cut.
    columns = (console or out()).width
    width = max(4, min(BAR_WIDTH, columns - 46 - 24))
    stage_width = max(8, min(30, columns - 47 - width))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", no_wrap=True, width=1)
    table.add_column("stage", overflow="ellipsis", no_wrap=True, width=stage_width)
    table.add_column("done", justify="right", no_wrap=True, width=7)
    table.add_column("%", justify="right", no_wrap=True, width=4)
    table.add_column("progress", no_wrap=True, width=width)
    table.add_column("h left", justify="right", no_wrap=True, width=6)
    table.add_column("eta", no_wrap=True, width=10)
    for p, eta in zip(view.progress, view.etas, strict=True):
        table.add_row(str(p.stage.number), p.stage.title, f"{p.done}/{p.total}", f"{p.percent:.0f}%",
                      _bar(p.percent, width, console), f"{p.hours_left:.0f}", _date(eta, p.hours_left))
    total = view.total
    table.add_section()
    table.add_row("", "All stages", f"{total.done}/{total.total}", f"{total.percent:.0f}%",
                  _bar(total.percent, width, console), f"{total.hours_left:.0f}",
                  _date(view.total_eta, total.hours_left), style="bold")
    return table


def _date(when: date | None, hours_left: float) -> str:
    if hours_left <= 0:
        return "done"
    return when.isoformat() if when else "-"


def _pace_line(view: Overview) -> str:
    pace = view.pace
    if pace.hours_per_week <= 0:
        return f"No finish dates yet: {pace.basis}. Log time with `mlpath log ID HOURS`."
    return f"Finish dates assume {pace.hours_per_week:g} h/week ({pace.basis})."


# ------------------------------------------------------------------ commands


def stages(view: Overview) -> None:
    from rich.text import Text

    console = out()
    console.print(_stage_table(view))
    console.print(Text(_pace_line(view), style="dim"))


def items(rows: Sequence[Item]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = out()
    if not rows:
        console.print(Text("No resources match."))
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("id / title", overflow="fold", ratio=1)
    table.add_column("kind", no_wrap=True)
    table.add_column("hours", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for i in rows:
        cell = Text(i.id, style="bold" if i.core else "")
        cell.append("\n" + i.title, style="dim")
        table.add_row(i.number, cell, i.kind, _hours(i.hours), _status(i))
    console.print(table)
    core = sum(1 for i in rows if i.core)
    console.print(Text(f"{len(rows)} resources, {core} of them core (ids in bold when colour is on), "
                        f"{sum(i.hours for i in rows):.0f} hours"))


def show(item: Item, stage_title: str, history: Sequence[Event], notes: Sequence[Note] = (),
         reviews: ReviewRecord | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    console = out()
    console.print(Text(item.title, style="bold"), soft_wrap=True)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("id", f"{item.id}  ({item.number})")
    grid.add_row("stage", f"{item.stage_number}. {stage_title}")
    grid.add_row("kind", f"{item.kind}, {'core' if item.core else 'optional'}")
    if item.authors:
        grid.add_row("authors", ", ".join(item.authors))
    grid.add_row("hours", _hours(item.hours))
    grid.add_row("url", item.url or "(none)")
    if item.choose_one:
        grid.add_row("choose one", f"group {item.choose_one}: finishing one member is enough")
    if item.note:
        grid.add_row("note", item.note)
    grid.add_row("status", _status(item) if not item.retired else Text(f"{item.status.value} (retired: no longer "
                                                                        "in the roadmap)"))
    if item.logged_hours:
        grid.add_row("time spent", f"{item.logged_hours:g} h")
    if item.rating:
        grid.add_row("stars", f"{'★' * item.rating}{'☆' * (5 - item.rating)} ({item.rating}/5)")
    if reviews and (reviews.reviews or reviews.next_due):
        done = ", ".join(f"{r.at[:10]} {grade_name(r.grade)}" for r in reviews.reviews) or "none yet"
        grid.add_row("reviews", done)
        if reviews.next_due:
            grid.add_row("next review", reviews.next_due.isoformat())
    console.print(grid)
    if notes:
        console.print(Text("notes", style="bold"))
        for n in notes:
            console.print(Text(f"  {_when(n.at)}  {n.text}"), soft_wrap=True)
    console.print(Text("history", style="bold"))
    if not history:
        console.print(Text("  nothing yet"))
    for e in history:
        line = f"  {_when(e.at)}  {e.status.value}"
        if e.rating:
            line += f"  {e.rating}/5 stars"
        if e.note:
            line += f"  {e.note}"
        console.print(Text(line), soft_wrap=True)


def _when(stamp: str) -> str:
    return stamp.replace("T", " ").rstrip("Z") + " UTC"


def recommendations(recs: Sequence[Recommendation], empty: str, reviews_due: int = 0) -> None:
    from rich.text import Text

    console = out()
    if not recs:
        console.print(Text(empty))
    for n, rec in enumerate(recs, start=1):
        console.print(_recommendation(rec, n if len(recs) > 1 else None))
    if reviews_due:
        console.print(Text(_reviews_line(reviews_due), style="bold"))


def _reviews_line(count: int) -> str:
    noun = "resource is" if count == 1 else "resources are"
    return f"{count} finished {noun} due for review: mlpath review"


def _recommendation(rec: Recommendation, n: int | None) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    i = rec.item
    head = Text()
    if n is not None:
        head.append(f"{n}. ")
    head.append(i.title, style="bold")
    head.append(f"  [{i.id}, {i.number}]")
    width = out().width
    body = [
        (f"{i.kind}, about {_hours(i.hours)} h" + (f", {i.url}" if i.url else ""), ""),
        (f"why: {rec.reason}", "italic"),
    ]
    if i.note:
        body.append((i.note, ""))
    lines = [Text(_indent(text, width), style=style) for text, style in body]
    return Group(head, *lines)


def _indent(text: str, width: int) -> str:
    """Wrap text under a heading, indented, without padding lines to the terminal width."""
    return textwrap.fill(text, width=max(20, width - 1), initial_indent="   ", subsequent_indent="   ",
                         break_long_words=False, break_on_hyphens=False)


def dashboard(view: Overview, top: Recommendation | None) -> None:
    from rich.text import Text

    console = out()
    total = view.total
    console.print(Text(f"{view.title}: {total.percent:.0f}% done ({total.done} of {total.total})", style="bold"))
    console.print(_stage_table(view))
    console.print(Text(_pace_line(view), style="dim"))
    if view.reviews_due:
        console.print(Text(_reviews_line(view.reviews_due), style="bold"))
    if top is None:
        console.print(Text("Everything is done or skipped. Well done!"))
        return
    console.print(Text("Next up:", style="bold"))
    console.print(_recommendation(top, None))
    rid = top.item.id
    hint = f"When finished: mlpath done {rid}" if top.item.status is Status.doing else \
        f"Begin: mlpath start {rid}   finished: mlpath done {rid}"
    console.print(Text(hint, style="dim"), soft_wrap=True)


def changes(done: Sequence[Change]) -> None:
    verbs = {Status.todo: "reset to todo", Status.doing: "started", Status.done: "done",
             Status.skipped: "skipped"}
    for c in done:
        prefix = verbs[c.status] if c.changed else f"already {c.status.value}"
        _line(f"{prefix}: {c.item.id}  {c.item.title}")


def logged(item: Item, session: Session, day_total: float, started: bool) -> None:
    _line(f"logged {session.hours:g} h on {session.day}: {item.id} "
          f"({item.logged_hours + session.hours:g} h on it in all; {day_total:g} h studied that day)")
    if started:
        _line(f"started: {item.id} (it was todo)")


def noted(item: Item, note: Note) -> None:
    _line(f"noted on {note.at[:10]}: {item.id}  {item.title}")


def reviewed(done: Answered) -> None:
    _line(f"reviewed ({grade_name(done.review.grade)}): {done.item.id}  {done.item.title}; "
          f"next review on {done.due.isoformat()}")


def merged(path: Path, report: MergeReport) -> None:
    _line(f"imported {path}: {report.events} events, {report.sessions} study sessions, {report.notes} notes, "
          f"{report.reviews} reviews (records already here were skipped)")
    if report.retired_created:
        _line(f"kept as retired (not in the current roadmap): {', '.join(report.retired_created)}")


def sync_preview(report: SyncReport) -> None:
    if not report.anything:
        _line(f"roadmap {report.old_version} -> {report.new_version}: no changes to resources")
        return
    _line(sync_summary(report))
    for label, ids in (("new", report.added), ("changed", report.changed), ("retired", report.retired)):
        for rid in ids:
            _line(f"  {label:8} {rid}")


def _ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "1 day ago"
    if days < 60:
        return f"{days} days ago"
    return f"{days // 30} months ago"


def _overdue(days: int) -> str:
    return "due today" if days == 0 else f"{days} day{'s' if days != 1 else ''} overdue"


def reviews_due(due: Sequence[DueReview]) -> None:
    from rich.text import Text

    console = out()
    if not due:
        console.print(Text("Nothing is due for review today."))
        return
    for d in due:
        console.print(Text(f"{d.due.isoformat()}  {d.item.id}  {d.item.title}  ({_overdue(d.overdue_days)})"),
                      soft_wrap=True)
    console.print(Text("Review them one by one with `mlpath review` on a terminal, or record one with: "
                       "mlpath review ID again|hard|good|easy", style="dim"))


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


def history(h: History) -> None:
    from rich.text import Text

    console = out()
    console.print(Text(f"Activity in the last {h.days} days, newest first", style="bold"))
    if not h.entries:
        console.print(Text("  nothing recorded yet"))
    for e in h.entries:
        detail = f"  {e.detail}" if e.detail else ""
        console.print(Text(f"  {e.day.isoformat()}  {e.what:8} {e.resource_id}{detail}"), soft_wrap=True)
    console.print()
    weeks = len(h.grid[0])
    first = h.weekly[0][0] if h.weekly else h.today
    noun = "week" if weeks == 1 else "weeks"
    console.print(Text(f"Study days, {weeks} {noun} from {first.isoformat()} (columns are weeks)", style="bold"))
    for name, row in zip(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), h.grid, strict=True):
        line = Text(f"  {name} ")
        for cell in row:
            glyph, style = _heat(cell)
            line.append(glyph + " ", style=style)
        console.print(line)
    console.print(Text("  · none  ░ studied, under 1 h logged  ▒ 1-2 h  ▓ 2-4 h  █ 4 h or more", style="dim"))
    noun = "day" if h.streaks.current == 1 else "days"
    console.print(Text(f"Current streak: {h.streaks.current} {noun}; longest: {h.streaks.longest}", style="bold"))
    console.print(Text("Hours logged per week:", style="bold"))
    top = max((hours for _, hours in h.weekly), default=0) or 1
    for start, hours in h.weekly:
        bar = "█" * round(20 * hours / top)
        console.print(Text(f"  week of {start.isoformat()}  {hours:6.1f} h  {bar}"))


def card_svg(view: Overview, streaks: Streaks) -> str:
    """A progress card (overall and per-stage bars, streak, date) as a standalone SVG."""
    import io

    from rich.console import Console
    from rich.text import Text

    console = Console(record=True, file=io.StringIO(), width=80, color_system="truecolor", force_terminal=True,
                      markup=False, highlight=False, emoji=False)
    total = view.total
    console.print(Text(f"{view.title}: {total.percent:.0f}% done ({total.done} of {total.total})", style="bold"))
    console.print(_stage_table(view, console))
    console.print(Text(f"Streak: {streaks.current} days (longest {streaks.longest})  ·  {view.today.isoformat()}"))
    return console.export_svg(title="mlpath progress")
