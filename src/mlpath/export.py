"""Export writers: pure functions from progress data to text (markdown and JSON records)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from mlpath.habits import Note
from mlpath.progress import (
    Event,
    Item,
    Recommendation,
    StageInfo,
    StageProgress,
    Status,
    effort,
    overall,
    stage_progress,
)
from mlpath.spaced import grade_name
from mlpath.vocab import ID

if TYPE_CHECKING:
    from mlpath.report import Overview
    from mlpath.reviewing import Answered, DueReview, ReviewRecord

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
    from urllib.parse import quote

    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def markdown(
    title: str,
    stages: Sequence[StageInfo],
    items: Sequence[Item],
    generated: str,
    notes: Sequence[Note] = (),
) -> str:
    """A GitHub-flavoured markdown checklist: one task item per resource, grouped by stage.

    Retired resources (no longer in the roadmap, history kept) come last under "Retired";
    notes are indented under their resource, as a plain sub-list.
    """
    notes_of: dict[str, list[Note]] = {}
    for n in notes:
        notes_of.setdefault(n.resource_id, []).append(n)
    current = [i for i in items if not i.retired]
    retired = [i for i in items if i.retired]
    progress = stage_progress(stages, current)
    total = overall(progress)
    lines = [
        f"# {escape_markdown(title)}: progress",
        "",
        f"Exported {generated} by mlpath. Overall: {total.percent:g}% "
        f"({total.done} of {total.total} done, {total.hours_left:g} hours left).",
        "",
    ]
    by_stage: dict[str, list[Item]] = {}
    for item in current:
        by_stage.setdefault(item.stage_id, []).append(item)
    sections = [
        (f"{p.stage.number}. {escape_markdown(p.stage.title)} ({p.done}/{p.total})", by_stage.get(p.stage.id, []))
        for p in progress
    ]
    if retired:
        sections.append(("Retired (no longer in the roadmap)", retired))
    for heading, members in sections:
        lines.append(f"## {heading}")
        lines.append("")
        for item in members:
            lines.append(task_line(item))
            lines.extend(f"  - {n.at[:10]}: {escape_markdown(n.text)}" for n in notes_of.get(item.id, ()))
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
    if item.logged_hours:
        parts.append(f"{item.logged_hours:g} h spent")
    if item.rating:
        parts.append(f"rated {item.rating}/5")
    if item.done_note:
        parts.append(f"note: {escape_markdown(item.done_note)}")
    parts.append(f"`{item.id}`")
    return f"- [{box}] " + " · ".join(parts)


_TASK = re.compile(rf"^[-*+] \[( |x|X)\] .*`({ID})`\s*$")


def parse_checklist(text: str) -> dict[str, bool]:
    """Read back a markdown export: resource id -> ticked, from top-level task items.

    Only lines that are task items and end with an id in backticks count, so notes, headings
    and anything a learner added by hand are ignored. A repeated id keeps its last state.
    """
    states: dict[str, bool] = {}
    for line in text.splitlines():
        m = _TASK.match(line.rstrip("\r"))
        if m:
            states[m.group(2)] = m.group(1) != " "
    return states


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


def show_record(item: Item, history: Sequence[Event], notes: Sequence[Note] = (),
                reviews: ReviewRecord | None = None) -> dict[str, Any]:
    done = reviews.reviews if reviews else []
    next_due = reviews.next_due if reviews else None
    work = effort(item)
    return item_record(item) | {
        "authors": list(item.authors),
        "note": item.note,
        "history": [{"status": e.status.value, "at": e.at, "note": e.note, "rating": e.rating} for e in history],
        "rating": item.rating,
        "logged_hours": item.logged_hours,
        "notes": [{"at": n.at, "text": n.text} for n in notes],
        "retired": item.retired,
        "reviews": [{"at": r.at, "grade": grade_name(r.grade)} for r in done],
        "next_review": next_due.isoformat() if next_due else None,
        "progress": round(work.progress, 4),
        "hours_left": round(work.hours_left, 2),
        "estimate_hours": round(work.estimate, 2),
    }


def due_review_record(d: DueReview) -> dict[str, Any]:
    """The JSON keys of `review --json`."""
    return {"id": d.item.id, "title": d.item.title, "due": d.due.isoformat(), "overdue_days": d.overdue_days,
            "notes": [{"at": n.at, "text": n.text} for n in d.notes]}


def stage_record(p: StageProgress, eta: date | None = None, pace_hours_per_week: float = 0.0,
                 eta_goal: date | None = None, goal_hours_per_week: float | None = None) -> dict[str, Any]:
    """The JSON keys of `stages`: item counts (done, total), hours (percent is of the hours)."""
    return {
        "id": p.stage.id,
        "number": p.stage.number,
        "title": p.stage.title,
        "done": p.done,
        "total": p.total,
        "percent": p.percent,
        "hours_left": p.hours_left,
        "eta": eta.isoformat() if eta else None,
        "pace_hours_per_week": pace_hours_per_week,
        "hours_done": round(p.hours_done, 1),
        "hours_total": round(p.hours_total, 1),
        "core_hours_left": round(p.core_hours_left, 1),
        "eta_goal": eta_goal.isoformat() if eta_goal else None,
        "goal_hours_per_week": goal_hours_per_week,
    }


def item_records(items: Sequence[Item]) -> list[dict[str, Any]]:
    """`list --json`."""
    return [item_record(i) for i in items]


def recommendation_records(recs: Sequence[Recommendation]) -> list[dict[str, Any]]:
    """`next --json`: each item's record and why it is recommended."""
    return [item_record(r.item) | {"reason": r.reason, "factors": list(r.factors)} for r in recs]


def stage_records(view: Overview) -> list[dict[str, Any]]:
    """`stages --json`."""
    return [stage_record(p, eta, view.pace.hours_per_week, eta_goal, view.goal)
            for p, eta, eta_goal in zip(view.progress, view.etas, view.etas_goal, strict=True)]


def due_review_records(due: Sequence[DueReview]) -> list[dict[str, Any]]:
    """`review --json` without a resource: what is due, most overdue first."""
    return [due_review_record(d) for d in due]


def answered_record(done: Answered) -> dict[str, Any]:
    """`review ID GRADE --json`: the resource, the grade given and the next review day."""
    return {"id": done.item.id, "title": done.item.title, "grade": grade_name(done.review.grade),
            "due": done.due.isoformat()}
