"""Export writers: pure functions from progress data to text (markdown and JSON records)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from mlpath.catalog import distinct
from mlpath.progress import (
    Event,
    Item,
    ListEntry,
    Recommendation,
    StageInfo,
    StageProgress,
    Status,
    effort,
    overall,
    stage_progress,
)
from mlpath.vocab import STORED_ID, amount, grade_name, plural

if TYPE_CHECKING:
    from mlpath.catalog import RoadmapInfo, RoadmapProgress
    from mlpath.habits import Note
    from mlpath.report import Overview, Week
    from mlpath.reviewing import Answered, DueReview, ReviewRecord

# What GFM would read as markup inside a line of text that does not start the line (every escaped
# text follows "- [ ] ", "# " or a date): a backslash escape, a code span, emphasis, a link or
# image, a strike-through. A line break could start a new block, so it folds to a space. Other
# punctuation (`-`, `.`, `#`, `(`, `|`, `>`, `!` ...) means something only at the start of a line
# or after one of these, so it is left alone: `ch 8-9 (PCA)` stays as it is written. The patterns are
# compiled on first use (re's cache), not at import: `list --json` imports this module for its records.
_ALWAYS = r"[\\`*\[\]~]"
_UNDERSCORE = r"(?<![^\W_])_|_(?![^\W_])"  # snake_case is never emphasis: left alone
_ENTITY = r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
_LINE_BREAKS = r"[\r\n\u2028\u2029\x85\v\f]+"
_CONTROL = r"[\x00-\x08\x0e-\x1f\x7f]"


def escape_markdown(text: str) -> str:
    """Make text render literally inside one line of a GFM document, escaping only what GFM reads.

    Line breaks fold to spaces (so nothing can start a new list item or heading), control
    characters are dropped, `<` becomes `&lt;` (no HTML, no autolink) and `&` becomes `&amp;` only
    where it would start an entity.
    """
    text = re.sub(_CONTROL, "", re.sub(_LINE_BREAKS, " ", text)).strip()
    text = re.sub(_ENTITY, "&amp;", text).replace("<", "&lt;")
    text = re.sub(_ALWAYS, r"\\\g<0>", text)
    return re.sub(_UNDERSCORE, r"\\_", text)


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
    exported_at: str | None = None,
    roadmaps: Sequence[RoadmapInfo] = (),
) -> str:
    """A GitHub-flavoured markdown checklist: one task item per resource, grouped by stage (and,
    with several roadmaps, first by roadmap: a heading each, its stages one level down).

    Retired resources (no longer in the roadmap, history kept) come last under "Retired";
    notes are indented under their resource, as a plain sub-list. The export's time (UTC) ends
    it in an HTML comment (invisible when rendered), so that importing it later never unticks
    what was finished after it was made. The overall figure counts a page two roadmaps share once.
    """
    notes_of: dict[str, list[Note]] = {}
    for n in notes:
        notes_of.setdefault(n.resource_id, []).append(n)
    current = [i for i in items if not i.retired]
    retired = [i for i in items if i.retired]
    total = overall(stage_progress(stages, distinct(current)))
    lines = [
        f"# {escape_markdown(title)}: progress",
        "",
        f"Exported {generated} by mlpath. Overall: {total.percent:g}% "
        f"({total.done} of {total.total} done, {plural(total.hours_left, 'hour')} left).",
        "",
    ]
    sections: list[tuple[str, list[Item]]] = []
    if len(roadmaps) > 1:
        for road in roadmaps:
            own = [s for s in stages if s.roadmap == road.name]
            part = overall(stage_progress(own, [i for i in current if i.roadmap == road.name]))
            sections.append((f"## {escape_markdown(road.title)} (`{road.name}`, {part.done}/{part.total})", []))
            sections += _stage_sections(own, current, "###")
    else:
        sections += _stage_sections(stages, current, "##")
    if retired:
        sections.append(("## Retired (no longer in the roadmap)", retired))
    for heading, members in sections:
        lines.append(heading)
        lines.append("")
        for item in members:
            lines.append(task_line(item))
            lines.extend(f"  - {n.at[:10]}: {escape_markdown(n.text)}" for n in notes_of.get(item.record_id, ()))
        lines.append("")
    if exported_at:
        lines += [f"<!-- exported {exported_at} by mlpath -->", ""]
    return "\n".join(lines)


def _stage_sections(stages: Sequence[StageInfo], current: Sequence[Item], level: str
                    ) -> list[tuple[str, list[Item]]]:
    """A heading (`level` is its #s) and the items of each stage."""
    by_stage: dict[str, list[Item]] = {}
    for item in current:
        by_stage.setdefault(item.stage_id, []).append(item)
    return [(f"{level} {p.stage.number}. {escape_markdown(p.stage.title)} ({p.done}/{p.total})",
             by_stage.get(p.stage.id, []))
            for p in stage_progress(stages, current)]


SKIPPED = "(skipped)"
_EXPORTED_AT = r"(?m)^<!-- exported (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) by mlpath -->$"
_EXPORTED_ON = r"(?m)^Exported (\d{4}-\d\d-\d\d) by mlpath"


def exported_at(text: str) -> str | None:
    """When a markdown export was made (UTC); from an older export only its day (its end is taken)."""
    found = re.search(_EXPORTED_AT, text)
    if found:
        return found.group(1)
    day = re.search(_EXPORTED_ON, text)
    return f"{day.group(1)}T23:59:59Z" if day else None


def task_line(item: Item) -> str:
    """One task item: ticked when done, or skipped (struck through, marked "(skipped)").

    A skipped resource is ticked because it is closed, like a done one; the mark tells them
    apart, for a reader and for `mlpath import`.
    """
    closed = item.status in (Status.done, Status.skipped)
    title = escape_markdown(item.title) or item.id  # a blank title would leave nothing to strike through
    if item.url:
        title = f"[{title}]({escape_url(item.url)})"
    if item.status is Status.skipped:
        title = f"~~{title}~~ {SKIPPED}"
    parts = [title, item.kind]
    if item.status is Status.done and item.done_at:
        parts.append(f"done {item.done_at[:10]}")
    elif item.status is Status.doing:
        parts.append(item.status.value)
    if item.logged_hours:
        parts.append(f"{amount(item.logged_hours)} h spent")
    if item.rating:
        parts.append(f"rated {item.rating}/5")
    if item.done_note:
        parts.append(f"note: {escape_markdown(item.done_note)}")
    parts.append(f"`{item.id}`")
    return f"- [{'x' if closed else ' '}] " + " · ".join(parts)


class Tick(NamedTuple):
    """A task item read back from a markdown export."""

    ticked: bool
    skipped: bool  # marked "(skipped)"; older exports left skipped items unticked and unmarked


_TASK = rf"^[-*+] \[( |x|X)\] (.*)`({STORED_ID})`\s*$"
_SKIPPED = r"^~~.*~~ " + re.escape(SKIPPED) + " · "


def parse_checklist(text: str) -> dict[str, Tick]:
    """Read back a markdown export: resource id -> its tick, from top-level task items.

    Only lines that are task items and end with an id in backticks count, so notes, headings
    and anything a learner added by hand are ignored. A repeated id keeps its last state. Reads
    both the current layout and the one before skipped items were marked (unticked, with
    "skipped" among the details), which has no skipped mark.
    """
    states: dict[str, Tick] = {}
    task, skipped = re.compile(_TASK), re.compile(_SKIPPED)
    for line in text.splitlines():
        m = task.match(line.rstrip("\r"))
        if m:
            states[m.group(3)] = Tick(m.group(1) != " ", bool(skipped.match(m.group(2))))
    return states


def ticked_status(tick: Tick, status: Status) -> Status | None:
    """The status a task item read back asks for, or None when it asks for no change.

    Ticking an open item makes it done; unticking a done item, or a skipped one still marked
    "(skipped)", reopens it (todo). A ticked skipped item stays skipped, and an item in
    progress stays so while unticked: a checkbox cannot say more than open or closed.
    """
    if tick.skipped:
        return Status.todo if not tick.ticked and status is Status.skipped else None
    if tick.ticked:
        return Status.done if status is not Status.done else None
    return Status.todo if status is Status.done else None


def item_record(item: Item | ListEntry) -> dict[str, Any]:
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
        "roadmap": item.roadmap,
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
        "logged_hours": round(item.logged_hours, 4),  # a sum of sessions: no float noise
        "notes": [{"at": n.at, "text": n.text} for n in notes],
        "retired": item.retired,
        "reviews": [{"at": r.at, "grade": grade_name(r.grade)} for r in done],
        "next_review": next_due.isoformat() if next_due else None,
        "progress": round(work.progress, 4),
        "hours_left": round(work.hours_left, 2),
        "estimate_hours": round(work.estimate, 2),
        "same_as": item.same_as,
    }


def due_review_record(d: DueReview) -> dict[str, Any]:
    """The JSON keys of `review --json`."""
    return {"id": d.item.id, "title": d.item.title, "due": d.due.isoformat(), "overdue_days": d.overdue_days,
            "notes": [{"at": n.at, "text": n.text} for n in d.notes], "roadmap": d.item.roadmap}


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
        "roadmap": p.stage.roadmap,
    }


def item_records(items: Iterable[Item | ListEntry]) -> list[dict[str, Any]]:
    """`list --json`."""
    return [item_record(i) for i in items]


def recommendation_records(recs: Sequence[Recommendation]) -> list[dict[str, Any]]:
    """`next --json`: each item's record and why it is recommended."""
    return [item_record(r.item) | {"reason": r.reason, "factors": list(r.factors)} for r in recs]


def week_record(w: Week) -> dict[str, Any]:
    """`week --json`."""
    return {
        "week_start": w.start.isoformat(),
        "goal_hours": w.goal,
        "logged_hours": round(w.logged, 4),
        "pace_hours_per_week": w.pace,
        "streak": w.streak,
        "reviews_due": w.reviews_due,
        "in_progress": [{"id": i.id, "title": i.title, "logged_hours": round(i.logged_hours, 4),
                         "hours_left": round(effort(i).hours_left, 2),
                         "last_note": {"at": n.at, "text": n.text} if n else None} for i, n in w.in_progress],
        "plan_basis": w.basis or None,
        "plan": [{"id": p.item.id, "title": p.item.title, "hours": p.hours} for p in w.plan],
    }


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


def roadmap_records(lines: Sequence[RoadmapProgress]) -> list[dict[str, Any]]:
    """`roadmap list --json`: each tracked roadmap with its progress."""
    return [{"name": r.roadmap.name, "title": r.roadmap.title, "version": r.roadmap.version,
             "source": r.roadmap.source, "removed": r.roadmap.hidden, "default": r.default,
             "done": r.progress.done, "total": r.progress.total, "percent": r.progress.percent,
             "hours_done": r.progress.hours_done, "hours_total": r.progress.hours_total} for r in lines]
