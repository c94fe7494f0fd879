"""Export writers: pure functions from progress data to text (markdown and JSON records)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from mlpath.progress import Event, Item, StageInfo, StageProgress, Status, overall, stage_progress

# Characters with a meaning in CommonMark/GFM inline text, plus HTML's own.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\v\f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def escape_markdown(text: str) -> str:
    """Make text safe inside one markdown list item: it renders literally, as one line.

    Line breaks fold to spaces (so nothing can start a new list item or heading), control
    characters are dropped, HTML is entity-encoded and every markdown punctuation mark that
    could start emphasis, a link, code, a table cell or a strike-through is backslash-escaped.
    """
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", text)).strip()
    text = "".join(_HTML.get(c, c) for c in text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def escape_url(url: str) -> str:
    """Percent-encode whatever could end a markdown link destination early."""
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def markdown(
    title: str,
    stages: Sequence[StageInfo],
    items: Sequence[Item],
    generated: str,
) -> str:
    """A GitHub-flavoured markdown checklist: one task item per resource, grouped by stage."""
    progress = stage_progress(stages, items)
    total = overall(progress)
    lines = [
        f"# {escape_markdown(title)}: progress",
        "",
        f"Exported {generated} by mlpath. Overall: {total.percent:g}% "
        f"({total.done} of {total.total} done, {total.hours_left:g} hours left).",
        "",
    ]
    by_stage: dict[str, list[Item]] = {}
    for item in items:
        by_stage.setdefault(item.stage_id, []).append(item)
    for p in progress:
        lines.append(f"## {p.stage.number}. {escape_markdown(p.stage.title)} ({p.done}/{p.total})")
        lines.append("")
        lines.extend(task_line(i) for i in by_stage.get(p.stage.id, []))
        lines.append("")
    return "\n".join(lines)


def task_line(item: Item) -> str:
    box = "x" if item.status is Status.done else " "
    title = escape_markdown(item.title)
    if item.url:
        title = f"[{title}]({escape_url(item.url)})"
    parts = [title, item.kind]
    if item.status is Status.done and item.done_at:
        parts.append(f"done {item.done_at[:10]}")
    elif item.status in (Status.doing, Status.skipped):
        parts.append(item.status.value)
    if item.done_note:
        parts.append(f"note: {escape_markdown(item.done_note)}")
    parts.append(f"`{item.id}`")
    return f"- [{box}] " + " · ".join(parts)


def item_record(item: Item) -> dict[str, Any]:
    """The JSON keys of `list` (pinned by the contract test and documented in the README)."""
    return {
        "id": item.id,
        "number": item.number,
        "title": item.title,
        "stage": item.stage_id,
        "kind": item.kind,
        "core": item.core,
        "hours": item.hours,
        "url": item.url,
        "status": item.status.value,
        "done_at": item.done_at,
    }


def show_record(item: Item, history: Sequence[Event]) -> dict[str, Any]:
    return item_record(item) | {
        "authors": list(item.authors),
        "note": item.note,
        "history": [{"status": e.status.value, "at": e.at, "note": e.note} for e in history],
    }


def stage_record(p: StageProgress) -> dict[str, Any]:
    return {
        "id": p.stage.id,
        "number": p.stage.number,
        "title": p.stage.title,
        "done": p.done,
        "total": p.total,
        "percent": p.percent,
        "hours_left": p.hours_left,
    }
