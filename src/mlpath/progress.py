"""Pure progress logic: statuses, percentages, id resolution, and what `next` recommends and why.

Nothing here touches the database, the clock or the terminal: data in, data out.

Value types across mlpath are NamedTuples rather than frozen dataclasses: every command builds
them at start-up and per resource, and NamedTuples are several times cheaper to define and to
make (it shows in `mlpath next` at 10,000 resources and in every command's start-up).
"""

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from mlpath.errors import AmbiguousResource, UnknownResource, UnknownStage
from mlpath.vocab import Status

__all__ = ["Status"]  # re-exported: the domain's statuses


class Item(NamedTuple):
    """A roadmap resource together with the learner's current state of it."""

    id: str
    stage_id: str
    stage_number: int
    position: int
    title: str
    kind: str
    core: bool
    hours: float
    status: Status = Status.todo
    url: str | None = None
    choose_one: str | None = None
    authors: tuple[str, ...] = ()
    note: str | None = None
    done_at: str | None = None
    started_at: str | None = None
    done_note: str | None = None
    rating: int | None = None  # how good the learner found it, 1-5, given with `done --rating`
    logged_hours: float = 0.0
    retired: bool = False  # no longer in the roadmap: hidden, but its history is kept

    @property
    def number(self) -> str:
        return f"{self.stage_number}.{self.position}"


class StageInfo(NamedTuple):
    id: str
    number: int
    title: str
    summary: str | None = None


class Event(NamedTuple):
    resource_id: str
    status: Status
    at: str
    note: str | None = None
    rating: int | None = None


class StageProgress(NamedTuple):
    """How far a learner is through a stage.

    `total` counts what is expected of the learner: skipped items are left out, and the members
    of a choose_one group count once, as the one choice they offer.
    """

    stage: StageInfo
    done: int
    total: int
    hours_left: float
    doing: int

    @property
    def percent(self) -> float:
        return percent(self.done, self.total)


class Recommendation(NamedTuple):
    item: Item
    reason: str


def percent(done: int, total: int) -> float:
    """Share done, 0-100, one decimal; an empty total counts as complete."""
    if total <= 0:
        return 100.0
    return round(100.0 * done / total, 1)


def satisfied_groups(items: Iterable[Item]) -> dict[str, Item]:
    """choose_one groups that a finished member satisfies, with the member that did."""
    groups: dict[str, Item] = {}
    for item in items:
        if item.choose_one and item.status is Status.done and item.choose_one not in groups:
            groups[item.choose_one] = item
    return groups


def stage_progress(stages: Sequence[StageInfo], items: Sequence[Item]) -> list[StageProgress]:
    """Done/total per stage, counting each choose_one group as one unit and leaving out skipped items.

    A group is done once any member is done; until then it costs the hours of its cheapest
    member that is not skipped.
    """
    by_stage: dict[str, list[Item]] = {s.id: [] for s in stages}
    for item in items:
        if item.status is not Status.skipped:
            by_stage.setdefault(item.stage_id, []).append(item)
    result = []
    for stage in stages:
        done = doing = total = 0
        left = 0.0
        groups: dict[str, list[Item]] = {}
        for item in by_stage[stage.id]:
            if item.choose_one:
                groups.setdefault(item.choose_one, []).append(item)
                continue
            total += 1
            if item.status is Status.done:
                done += 1
            else:
                left += item.hours
                doing += item.status is Status.doing
        for members in groups.values():
            total += 1
            if any(m.status is Status.done for m in members):
                done += 1
                continue
            doing += any(m.status is Status.doing for m in members)
            left += min(m.hours for m in members)
        result.append(StageProgress(stage, done, total, round(left, 1), doing))
    return result


def overall(progress: Sequence[StageProgress]) -> StageProgress:
    """The whole roadmap as one pseudo-stage."""
    return StageProgress(
        StageInfo(id="all", number=0, title="All stages"),
        done=sum(p.done for p in progress),
        total=sum(p.total for p in progress),
        hours_left=round(sum(p.hours_left for p in progress), 1),
        doing=sum(p.doing for p in progress),
    )


def recommend(
    stages: Sequence[StageInfo], items: Sequence[Item], n: int = 1, stage_id: str | None = None
) -> list[Recommendation]:
    """The best next resources, best first.

    In-progress items come first; then earlier stages before later ones, core before optional,
    and roadmap order. Done and skipped items are never suggested, nor the other members of a
    choose_one group once one member is done.
    """
    satisfied = satisfied_groups(items)
    titles = {s.id: s.title for s in stages}
    candidates = [
        i
        for i in items
        if i.status in (Status.todo, Status.doing)
        and i.choose_one not in satisfied
        and (stage_id is None or i.stage_id == stage_id)
    ]
    candidates.sort(key=lambda i: (i.status is not Status.doing, i.stage_number, not i.core, i.position))
    core_left: dict[str, int] = {}
    for i in candidates:
        if i.core:
            core_left[i.stage_id] = core_left.get(i.stage_id, 0) + 1
    groups: dict[str, list[str]] = {}
    for i in items:
        if i.choose_one:
            groups.setdefault(i.choose_one, []).append(i.id)
    return [Recommendation(i, _reason(i, titles, core_left, groups)) for i in candidates[: max(n, 0)]]


def _reason(item: Item, titles: dict[str, str], core_left: dict[str, int], groups: dict[str, list[str]]) -> str:
    stage = f"stage {item.stage_number} ({titles.get(item.stage_id, item.stage_id)})"
    if item.status is Status.doing:
        since = f" since {item.started_at[:10]}" if item.started_at else ""
        reason = f"in progress{since}: finish what you started"
    elif item.core:
        left = core_left.get(item.stage_id, 0)
        reason = f"core path of {stage}: {left} core item{'s' if left != 1 else ''} to go"
    elif core_left.get(item.stage_id):
        reason = f"optional extra in {stage}"
    else:
        reason = f"optional extra in {stage}; its core items are done or under way"
    others = [g for g in groups.get(item.choose_one or "", []) if g != item.id]
    if others:
        reason += f"; alternatives: {', '.join(others)} (finishing one is enough)"
    return reason


def resolve(query: str, items: Sequence[Item]) -> Item:
    """Find the item a learner means by an id, a unique id prefix, or a short number like 2.5."""
    q = query.strip().lower()
    for item in items:
        if item.id == q or item.number == q:
            return item
    if q:
        matches = [i for i in items if i.id.startswith(q)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            shown = ", ".join(i.id for i in matches[:5])
            more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
            raise AmbiguousResource(f"{query!r} matches {len(matches)} resources: {shown}{more}")
    close = suggest(q, [i.id for i in items])
    hint = f"did you mean {' or '.join(close)}?" if close else ""
    raise UnknownResource(f"no resource with id or number {query!r}", hint=hint)


def resolve_all(queries: Sequence[str], items: Sequence[Item]) -> list[Item]:
    """Resolve every query or raise for the first that fails, so nothing is half-applied."""
    resolved: list[Item] = []
    seen: set[str] = set()
    for q in queries:
        item = resolve(q, items)
        if item.id not in seen:
            seen.add(item.id)
            resolved.append(item)
    return resolved


def suggest(query: str, candidates: Sequence[str], n: int = 3) -> list[str]:
    """The closest candidates to a mistyped query."""
    import difflib

    close = difflib.get_close_matches(query, candidates, n=n, cutoff=0.6)
    if not close:
        contains = [c for c in candidates if query and query in c]
        close = contains[:n]
    return close


def resolve_stage(query: str, stages: Sequence[StageInfo]) -> StageInfo:
    """A stage by number (`2`) or id (`intro-ml`), or a unique id prefix."""
    q = query.strip().lower()
    for stage in stages:
        if str(stage.number) == q or stage.id == q:
            return stage
    matches = [s for s in stages if q and s.id.startswith(q)]
    if len(matches) == 1:
        return matches[0]
    close = suggest(q, [s.id for s in stages])
    known = ", ".join(f"{s.number} ({s.id})" for s in stages)
    hint = f"did you mean {' or '.join(close)}?" if close else f"stages are {known}"
    raise UnknownStage(f"no stage {query!r}", hint=hint)


def search_items(items: Iterable[Item], text: str) -> list[Item]:
    """Items whose id, title, authors or note contain text, ignoring case."""
    needle = text.casefold()
    return [
        i
        for i in items
        if needle in i.id.casefold()
        or needle in i.title.casefold()
        or any(needle in a.casefold() for a in i.authors)
        or needle in (i.note or "").casefold()
    ]


def filter_items(items: Iterable[Item], *, stage_id: str | None = None, status: Status | None = None,
                 kind: str | None = None, core: bool = False, search: str | None = None) -> list[Item]:
    """The items `list` shows: every filter given must hold."""
    chosen = [
        i for i in items
        if (stage_id is None or i.stage_id == stage_id)
        and (status is None or i.status is status)
        and (kind is None or i.kind == kind)
        and (not core or i.core)
    ]
    return search_items(chosen, search) if search else chosen
