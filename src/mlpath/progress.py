"""Pure progress logic: statuses, percentages, id resolution, and what `next` recommends and why.

Nothing here touches the database, the clock or the terminal: data in, data out.

Value types across mlpath are NamedTuples rather than frozen dataclasses: every command builds
them at start-up and per resource, and NamedTuples are several times cheaper to define and to
make (it shows in `mlpath next` at 10,000 resources and in every command's start-up).
"""

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from mlpath.errors import AmbiguousResource, UnknownResource, UnknownStage
from mlpath.vocab import Status, resource_number

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
    fraction: float | None = None  # the share done the learner last set with `mlpath progress`, 0-1
    # Resource or stage ids the roadmap says should be done first; None: the previous stage's core path.
    after: tuple[str, ...] | None = None
    roadmap: str = "mlpath"  # the roadmap's name (catalog.FIRST for the first)
    roadmap_position: int = 0  # its roadmap's place in the order roadmaps were added (0: the first)
    short_id: str = ""  # its id in its roadmap file; id is name/short_id when another roadmap had it first
    same_as: str | None = None  # the resource, the same page in a roadmap tracked before, whose records count

    @property
    def number(self) -> str:
        return resource_number(self.stage_number, self.position)

    @property
    def record_id(self) -> str:
        """The resource id its records are written under and read from (one piece of study, see catalog)."""
        return self.same_as or self.id


class ListRow(NamedTuple):
    """What `list` shows of an item: read for every resource of a roadmap of any size, so it holds
    only these (an Item's fields of the same names), each as SQLite gives it (see Store.listed): the
    core mark as 1 or 0, the status as its text (which a Status equals, and hashes as)."""

    id: str
    stage_number: int
    position: int
    title: str
    kind: str
    core: int  # 1 (or True) for a core resource
    hours: float
    status: str  # a Status's value
    roadmap: str

    @property
    def number(self) -> str:
        return resource_number(self.stage_number, self.position)

    @classmethod
    def of(cls, item: Item) -> "ListRow":
        return cls(item.id, item.stage_number, item.position, item.title, item.kind, item.core, item.hours,
                   item.status.value, item.roadmap)


class ListEntry(NamedTuple):
    """What `list --json` gives of an item (an Item's fields and number of the same names; see
    export.item_record), read for every resource like ListRow (see Store.list_entries)."""

    id: str
    number: str
    title: str
    stage_id: str
    kind: str
    core: bool
    hours: float
    url: str | None
    status: Status
    done_at: str | None
    roadmap: str


class StageInfo(NamedTuple):
    id: str
    number: int
    title: str
    summary: str | None = None
    roadmap: str = "mlpath"


class Event(NamedTuple):
    resource_id: str
    status: Status
    at: str
    note: str | None = None
    rating: int | None = None


def places(events: Iterable[tuple[str, str]], latest: dict[str, str]) -> list[str]:
    """Each (resource id, stamp) event's place among its resource's events (schema.EVENT): its stamp,
    or the latest place before it when that is later (the clock went back), so the events keep the
    order given.

    `latest` holds each resource's latest place so far (and is updated): for a local change every
    place already stored, so the change is the latest whatever the clock says; for an imported
    batch only the batch's own, so an event older than the work stored here is placed before it.
    """
    out = []
    for resource_id, at in events:
        place = max(at, latest.get(resource_id, at))
        latest[resource_id] = place
        out.append(place)
    return out


class Undone(NamedTuple):
    """What `mlpath undo` reverted: one earlier command, and how many records it had written."""

    command: str  # done, log, note, import...
    at: str  # when that command ran (UTC)
    summary: str  # what it did, in words
    records: int


class Change(NamedTuple):
    """A status set on an item, and whether that really changed anything."""

    item: Item
    status: Status
    changed: bool


class Checklist(NamedTuple):
    """What importing a markdown checklist did, and the unticks it refused."""

    changes: list[Change]
    refused: list[str]  # ids finished after the export was made: left done
    exported_at: str | None  # when the checklist was exported (UTC), when it says


class StageProgress(NamedTuple):
    """How far a learner is through a stage, in items and in estimated hours.

    `total` counts what is expected of the learner: skipped items are left out, and the members
    of a choose_one group count once, as the one choice they offer. The hours weigh each item by
    its estimate (stretched when more time was logged than estimated; see `effort`).
    """

    stage: StageInfo
    done: int
    total: int
    doing: int
    hours_done: float
    hours_total: float
    core_hours_left: float = 0.0

    @property
    def hours_left(self) -> float:
        return round(max(0.0, self.hours_total - self.hours_done), 1)

    @property
    def percent(self) -> float:
        """Share of the estimated hours done, 0-100, one decimal; an empty stage counts as complete."""
        return percent(self.hours_done, self.hours_total)


class Effort(NamedTuple):
    """How much of one resource is done, as a share and in hours."""

    progress: float  # 0-1
    estimate: float  # hours: the roadmap's, stretched when the logged time passed it
    planned: float  # the roadmap's estimate
    source: str  # what the share rests on: done, set (with `mlpath progress`), logged, or none

    @property
    def hours_done(self) -> float:
        return self.estimate * self.progress

    @property
    def hours_left(self) -> float:
        return max(0.0, self.estimate * (1.0 - self.progress))

    @property
    def stretched(self) -> bool:
        return self.estimate > self.planned


class Recommendation(NamedTuple):
    item: Item
    reason: str
    factors: tuple[str, ...] = ()


# Logged time alone never says a resource is finished: it counts for at most this share. Once more
# time is logged than the roadmap estimated, the estimate stretches (to logged / LOGGED_CAP: the
# learner is slower than the roadmap guessed) instead of h left going negative.
LOGGED_CAP = 0.9


def effort(item: Item) -> Effort:
    """A resource's progress: 1 when done; else the share the learner set; else logged over estimate, capped."""
    return effort_of(item.status, item.hours, item.logged_hours, item.fraction)


def effort_of(status: Status, planned: float, logged: float, fraction: float | None) -> Effort:
    """effort() from the four facts it rests on (for rows read without making an Item)."""
    over = status is not Status.done and logged > planned
    estimate = logged / LOGGED_CAP if over else planned
    if status is Status.done:
        return Effort(1.0, estimate, planned, "done")
    if fraction is not None:
        return Effort(min(1.0, max(0.0, fraction)), estimate, planned, "set")
    if logged > 0 and estimate > 0:
        return Effort(min(LOGGED_CAP, logged / estimate), estimate, planned, "logged")
    return Effort(0.0, estimate, planned, "none")


def percent(done: float, total: float) -> float:
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


def units(items: Iterable[Item]) -> list[Item]:
    """What a learner is expected to study: skipped items left out, each choose_one group as one item.

    A group counts as its chosen member: the one done, else the one under way (most progress
    first), else its cheapest member. A group whose members are all skipped leaves too.
    """
    chosen: list[Item] = []
    groups: dict[str, list[Item]] = {}
    for item in items:
        if item.status is Status.skipped:
            continue
        if item.choose_one:
            groups.setdefault(item.choose_one, []).append(item)
        else:
            chosen.append(item)
    for members in groups.values():
        chosen.append(min(members, key=lambda m: (m.status is not Status.done, -effort(m).progress,
                                                  m.status is not Status.doing, m.hours, m.position)))
    chosen.sort(key=lambda i: (i.stage_number, i.position))
    return chosen


def stage_progress(stages: Sequence[StageInfo], items: Sequence[Item]) -> list[StageProgress]:
    """Per stage: items done of total, and estimated hours done of total (see `units`)."""
    return stage_totals(stages, [as_unit(i) for i in units(items)])


class Unit(NamedTuple):
    """What a stage's totals need of one of its units (see `units`)."""

    stage_id: str
    stage_number: int
    position: int
    core: bool
    status: Status
    effort: Effort


def as_unit(item: Item) -> Unit:
    """What the stage totals need of an item that was read whole."""
    return Unit(item.stage_id, item.stage_number, item.position, item.core, item.status, effort(item))


class Tally(NamedTuple):
    """The sums over some units of one stage (`tally`, or the store's SQL aggregates): added up
    per stage by `stage_sums`."""

    stage_id: str
    done: int
    total: int
    doing: int
    hours_done: float
    hours_total: float
    core_hours_left: float


def tally(found: Sequence[Unit]) -> list[Tally]:
    """Each stage's sums over these units, added in roadmap order, one Tally per stage."""
    by_stage: dict[str, list[Unit]] = {}
    for unit in sorted(found, key=lambda u: (u.stage_number, u.position)):
        by_stage.setdefault(unit.stage_id, []).append(unit)
    return [Tally(
        stage_id,
        done=sum(u.status is Status.done for u in members),
        total=len(members),
        doing=sum(u.status is Status.doing for u in members),
        hours_done=sum(u.effort.hours_done for u in members),
        hours_total=sum(u.effort.estimate for u in members),
        core_hours_left=sum(u.effort.hours_left for u in members if u.core),
    ) for stage_id, members in by_stage.items()]


def stage_sums(stages: Sequence[StageInfo], tallies: Sequence[Tally]) -> list[StageProgress]:
    """Per stage, its tallies added up (one from `tally`, or several from the store), hours rounded."""
    by_stage: dict[str, list[Tally]] = {s.id: [] for s in stages}
    for t in tallies:
        by_stage.setdefault(t.stage_id, []).append(t)
    return [StageProgress(
        stage,
        done=sum(t.done for t in by_stage[stage.id]),
        total=sum(t.total for t in by_stage[stage.id]),
        doing=sum(t.doing for t in by_stage[stage.id]),
        hours_done=round(sum(t.hours_done for t in by_stage[stage.id]), 2),
        hours_total=round(sum(t.hours_total for t in by_stage[stage.id]), 2),
        core_hours_left=round(sum(t.core_hours_left for t in by_stage[stage.id]), 2),
    ) for stage in stages]


def stage_totals(stages: Sequence[StageInfo], found: Sequence[Unit]) -> list[StageProgress]:
    """Per stage, the totals of its units, added up in roadmap order."""
    return stage_sums(stages, tally(found))


def overall(progress: Sequence[StageProgress]) -> StageProgress:
    """The whole roadmap as one pseudo-stage."""
    return StageProgress(
        StageInfo(id="all", number=0, title="All stages"),
        done=sum(p.done for p in progress),
        total=sum(p.total for p in progress),
        doing=sum(p.doing for p in progress),
        hours_done=round(sum(p.hours_done for p in progress), 2),
        hours_total=round(sum(p.hours_total for p in progress), 2),
        core_hours_left=round(sum(p.core_hours_left for p in progress), 2),
    )


class Standing(NamedTuple):
    """What ranking needs to know about the whole roadmap besides the candidates themselves:
    worked out from every item by `standing`, or by the store with a few SQL aggregates."""

    satisfied: frozenset[str]  # choose_one groups a finished member satisfies
    stages: frozenset[str]  # the stages that have items
    open_stages: frozenset[str]  # those whose core path (every item, if none is core) is finished
    previous: dict[str, str]  # each stage's previous stage


class Candidate(NamedTuple):
    """An item `next` may suggest, with its unmet prerequisites and its turn among its stage's
    ready items of the same kind (core or optional): 0 for the first, 1 for the next..."""

    item: Item
    waits: tuple[str, ...]
    turn: int = 0


def finished(status: Status, choose_one: str | None, satisfied: frozenset[str] | dict[str, Item]) -> bool:
    """Whether a prerequisite is met: done or skipped, or its choose_one group finished by another member."""
    return status in (Status.done, Status.skipped) or (choose_one is not None and choose_one in satisfied)


def standing(stages: Sequence[StageInfo], items: Sequence[Item]) -> Standing:
    """The Standing of a roadmap, from all its items."""
    satisfied = frozenset(satisfied_groups(items))
    core: dict[str, list[Item]] = {}
    every: dict[str, list[Item]] = {}
    for i in items:
        every.setdefault(i.stage_id, []).append(i)
        if i.core:
            core.setdefault(i.stage_id, []).append(i)
    open_stages = frozenset(sid for sid, members in every.items()
                            if all(finished(i.status, i.choose_one, satisfied) for i in core.get(sid) or members))
    return Standing(satisfied, frozenset(every), open_stages, previous_stages(stages))


def previous_stages(stages: Sequence[StageInfo]) -> dict[str, str]:
    """Each stage's previous stage in the same roadmap: another roadmap's first stage waits for nothing
    of this one."""
    return {s.id: stages[n - 1].id for n, s in enumerate(stages) if n and stages[n - 1].roadmap == s.roadmap}


def stage_prerequisites(stage_id: str, standing: Standing) -> tuple[str, ...]:
    """What an item without its own `after:` waits for: the previous stage, if there is one."""
    return (standing.previous[stage_id],) if stage_id in standing.previous else ()


def unmet(refs: Iterable[str], standing: Standing, finished_resource: Callable[[str], bool | None]) -> tuple[str, ...]:
    """The prerequisites (resource or stage ids) not yet met. finished_resource says whether a resource
    id is finished (None: no such resource, or a retired one)."""
    return tuple(r for r in refs if (r in standing.stages and r not in standing.open_stages)
                 or finished_resource(r) is False)


def waits(item: Item, standing: Standing, finished_resource: Callable[[str], bool | None]) -> tuple[str, ...]:
    """The item's prerequisites not yet met (see `unmet`)."""
    refs = item.after if item.after is not None else stage_prerequisites(item.stage_id, standing)
    return unmet(refs, standing, finished_resource)


def waiting_for(items: Sequence[Item], stages: Sequence[StageInfo]) -> dict[str, tuple[str, ...]]:
    """Each item's prerequisites not yet met (resource or stage ids), for items that have any.

    A resource prerequisite is met once it is done or skipped (or its choose_one group is done);
    a stage prerequisite once the stage's core path is (every item, if it has no core ones).
    An item without `after:` waits for the previous stage.
    """
    known = standing(stages, items)
    done = {i.id: finished(i.status, i.choose_one, known.satisfied) for i in items}
    result: dict[str, tuple[str, ...]] = {}
    for i in items:
        unmet = waits(i, known, done.get)
        if unmet:
            result[i.id] = unmet
    return result


def is_candidate(item: Item, satisfied: frozenset[str] | dict[str, Item]) -> bool:
    """Whether `next` may suggest the item: todo or under way, and not in a choose_one group already finished."""
    return item.status in (Status.todo, Status.doing) and item.choose_one not in satisfied


def recommend(
    stages: Sequence[StageInfo], items: Sequence[Item], n: int = 1, stage_id: str | None = None,
    week_hours_left: float | None = None,
) -> list[Recommendation]:
    """The best next resources, best first, each with the rules that put it there.

    In-progress items come first. Then items whose prerequisites (`after:`) are met, core before
    optional; stages whose prerequisites are met run side by side, taking turns (the first core
    item of each, then the second...), so projects go along with the courses. Items still waiting
    for prerequisites come last. Done and skipped items are never suggested, nor the other members
    of a choose_one group once one member is done, nor a page a roadmap tracked before also has.

    This works from every item; `next` gets the same answer from the store's few candidates
    (report.recommendations), through `best` and `explain` below.
    """
    satisfied = satisfied_groups(items)
    waiting = waiting_for(items, stages)
    ids = {i.id for i in items}
    candidates = [i for i in items if is_candidate(i, satisfied) and (stage_id is None or i.stage_id == stage_id)
                  and (i.same_as is None or i.same_as not in ids)]  # a page two roadmaps share: suggested once
    turn: dict[tuple[str, bool], int] = {}
    ranked = []
    for i in candidates:
        unmet = waiting.get(i.id, ())
        key = (i.stage_id, i.core)
        ranked.append(Candidate(i, unmet, 0 if unmet else turn.get(key, 0)))
        if not unmet:
            turn[key] = turn.get(key, 0) + 1
    core_left: dict[str, int] = {}
    for i in candidates:
        if i.core:
            core_left[i.stage_id] = core_left.get(i.stage_id, 0) + 1
    groups: dict[str, list[str]] = {}
    for i in items:
        if i.choose_one:
            groups.setdefault(i.choose_one, []).append(i.id)
    titles = {s.id: s.title for s in stages}
    return [explain(c, titles, core_left, groups, week_hours_left) for c in best(ranked, n)]


def best(candidates: Iterable[Candidate], n: int) -> list[Candidate]:
    """The n best candidates, best first (see `recommend`); among equals by stage number and position,
    then in roadmap order."""
    ordered = sorted(candidates, key=lambda c: (c.item.stage_number, c.item.position, c.item.roadmap_position,
                                                c.item.id))
    ordered.sort(key=lambda c: (c.item.status is not Status.doing, bool(c.waits), not c.item.core, c.turn))
    return ordered[: max(n, 0)]


def explain(candidate: Candidate, titles: dict[str, str], core_left: dict[str, int], groups: dict[str, list[str]],
            week_hours_left: float | None) -> Recommendation:
    """The recommendation of a candidate: why it comes where it does, and the rules behind it.

    core_left: core candidates per stage; groups: the members of each choose_one group, in roadmap order."""
    return _recommendation(candidate.item, titles, core_left, groups, candidate.waits, week_hours_left)


def _recommendation(item: Item, titles: dict[str, str], core_left: dict[str, int], groups: dict[str, list[str]],
                    waits: tuple[str, ...], week_hours_left: float | None) -> Recommendation:
    stage = f"stage {item.stage_number} ({titles.get(item.stage_id, item.stage_id)})"
    factors: list[str] = []
    if item.status is Status.doing:
        since = f" since {item.started_at[:10]}" if item.started_at else ""
        reason = f"in progress{since}: finish what you started"
        factors.append("in progress")
    elif waits:
        reason = f"waits for {', '.join(waits)}: the roadmap puts {'it' if len(waits) == 1 else 'them'} first"
        factors.append(f"waits for {', '.join(waits)}")
    else:
        factors.append("prerequisites met")
        if item.core:
            count = core_left.get(item.stage_id, 0)
            reason = f"core path of {stage}, prerequisites met: {count} core item{'s' if count != 1 else ''} to go"
        elif core_left.get(item.stage_id):
            reason = f"optional extra in {stage}"
        else:
            reason = f"optional extra in {stage}; its core items are done or under way"
    factors.append("core path" if item.core else "optional extra")
    hours_left = effort(item).hours_left
    if week_hours_left is not None and 0 < hours_left <= week_hours_left:
        factors.append("fits this week's remaining hours")
    others = [g for g in groups.get(item.choose_one or "", []) if g != item.id]
    if others:
        reason += f"; alternatives: {', '.join(others)} (finishing one is enough)"
        factors.append(f"one of a choice with {', '.join(others)}")
    return Recommendation(item, reason, tuple(factors))


def resolve(query: str, items: Sequence[Item]) -> Item:
    """Find the item a learner means by an id, a unique id prefix, or a short number like 2.5.

    With several roadmaps, `name/id`, `name/2.5` and `name/prefix` name one roadmap's resource;
    a short id or number that two roadmaps share names the one stored under it, else it is
    ambiguous unless both are the same page (one piece of study).
    """
    q = query.strip().lower()
    name, rest = split_id(q)
    pool = items if name is None else [i for i in items if i.roadmap == name]
    for item in items:
        if item.id == q:
            return item
    exact = [i for i in pool if i.short_id == rest or i.number == rest]
    if exact:
        return _one(query, exact)
    if rest:
        matches = [i for i in pool if i.short_id.startswith(rest) or (name is None and i.id.startswith(q))]
        if matches:
            return _one(query, matches)
    close = suggest(q, [i.id for i in items])
    hint = f"did you mean {' or '.join(close)}?" if close else ""
    raise UnknownResource(f"no resource with id or number {query!r}", hint=hint)


def _one(query: str, matches: Sequence[Item]) -> Item:
    """The one item matches name (several that are one piece of study count as one), or AmbiguousResource."""
    if len({i.record_id for i in matches}) == 1:
        return matches[0]
    several = len({i.roadmap for i in matches}) > 1
    shown = ", ".join(f"{i.roadmap}/{i.short_id}" if several else i.id for i in matches[:5])
    more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
    hint = "put the roadmap's name first, as shown, or choose one with --in NAME" if several else ""
    raise AmbiguousResource(f"{query!r} matches {len(matches)} resources: {shown}{more}", hint=hint)


def split_id(query: str) -> tuple[str | None, str]:
    """A typed id as (roadmap name or None, the rest): 'fastai/intro' gives ('fastai', 'intro')."""
    name, sep, rest = query.rpartition("/")
    return (name, rest) if sep and name else (None, query)


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
    """A stage by number (`2`) or id (`intro-ml`), or a unique id prefix; `name/2` is roadmap name's stage 2."""
    q = query.strip().lower()
    for stage in stages:
        if stage.id == q:
            return stage
    name, rest = split_id(q)
    for stage in stages:
        if str(stage.number) == rest and (name is None or stage.roadmap == name):
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
