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
from mlpath.progress import Event, Item, Recommendation, StageProgress, Status
from mlpath.store import Change, Opened, SyncReport

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table

STATUS_STYLE = {
    Status.todo: "",
    Status.doing: "bold yellow",
    Status.done: "green",
    Status.skipped: "dim",
}
BAR_WIDTH = 16


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))
    return Console(
        stderr=stderr,
        markup=False,
        highlight=False,
        emoji=False,
        color_system=None if plain else "auto",
    )


def out() -> Console:
    return _console()


def err() -> Console:
    return _console(stderr=True)


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


def _bar(percent: float, width: int = BAR_WIDTH) -> RenderableType:
    from rich.progress_bar import ProgressBar
    from rich.text import Text

    console = out()
    if console.color_system is None:
        filled = round(width * percent / 100)
        return Text("█" * filled + "░" * (width - filled))
    return ProgressBar(total=100, completed=percent, width=width)


def _status(item: Item) -> RenderableType:
    from rich.text import Text

    return Text(item.status.value, style=STATUS_STYLE[item.status])


def _hours(h: float) -> str:
    return f"{h:g}"


def _stage_table(progress: Sequence[StageProgress], total: StageProgress | None) -> Table:
    from rich import box
    from rich.table import Table

    # The bar gives way first on narrow terminals, so numbers are never cut.
    columns = out().width
    width = max(4, min(BAR_WIDTH, columns - 63))
    stage_width = max(8, min(30, columns - 34 - width))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", no_wrap=True, width=1)
    table.add_column("stage", overflow="ellipsis", no_wrap=True, width=stage_width)
    table.add_column("done", justify="right", no_wrap=True, width=7)
    table.add_column("%", justify="right", no_wrap=True, width=4)
    table.add_column("progress", no_wrap=True, width=width)
    table.add_column("h left", justify="right", no_wrap=True, width=6)
    for p in progress:
        table.add_row(
            str(p.stage.number),
            p.stage.title,
            f"{p.done}/{p.total}",
            f"{p.percent:.0f}%",
            _bar(p.percent, width),
            f"{p.hours_left:.0f}",
        )
    if total is not None:
        table.add_section()
        table.add_row("", "All stages", f"{total.done}/{total.total}", f"{total.percent:.0f}%",
                      _bar(total.percent, width), f"{total.hours_left:.0f}", style="bold")
    return table


# ------------------------------------------------------------------ commands


def stages(progress: Sequence[StageProgress], total: StageProgress) -> None:
    out().print(_stage_table(progress, total))


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


def show(item: Item, stage_title: str, history: Sequence[Event]) -> None:
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
    grid.add_row("status", _status(item))
    console.print(grid)
    console.print(Text("history", style="bold"))
    if not history:
        console.print(Text("  nothing yet"))
    for e in history:
        line = f"  {e.at.replace('T', ' ').rstrip('Z')} UTC  {e.status.value}"
        if e.note:
            line += f"  {e.note}"
        console.print(Text(line), soft_wrap=True)


def recommendations(recs: Sequence[Recommendation], empty: str) -> None:
    from rich.text import Text

    console = out()
    if not recs:
        console.print(Text(empty))
        return
    for n, rec in enumerate(recs, start=1):
        console.print(_recommendation(rec, n if len(recs) > 1 else None))


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


def dashboard(title: str, progress: Sequence[StageProgress], total: StageProgress,
              top: Recommendation | None) -> None:
    from rich.text import Text

    console = out()
    console.print(Text(f"{title}: {total.percent:.0f}% done ({total.done} of {total.total})", style="bold"))
    console.print(_stage_table(progress, total))
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
