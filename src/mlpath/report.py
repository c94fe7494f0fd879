"""Assembles what the overview commands show from the store and the pure logic.

The dashboard, `stages`, `next`, `history` and the SVG card all need the same facts (progress,
pace, finish dates, reviews due, streaks); this is the one place that gathers them, so each
command stays a few lines long. No printing here, and no SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from mlpath import catalog, clock, habits, progress
from mlpath.catalog import RoadmapInfo, RoadmapProgress
from mlpath.habits import Finish, Mark, Note, Pace, Streaks
from mlpath.progress import Event, Item, Recommendation, StageInfo, StageProgress
from mlpath.store import Store

if TYPE_CHECKING:  # reviewing: only `show` needs it
    from mlpath.reviewing import ReviewRecord


class Overview(NamedTuple):
    title: str
    today: date
    stages: list[StageInfo]
    items: list[Item]
    progress: list[StageProgress]
    total: StageProgress
    pace: Pace
    etas: list[date | None]  # per stage, at the learner's pace
    reviews_due: int
    goal: float | None  # hours a week
    etas_goal: tuple[date | None, ...]  # per stage, at the goal
    finish: Finish
    week_logged: float  # hours logged since Monday
    last_notes: dict[str, Note]  # each resource's latest note
    # With several roadmaps in scope, one line each (else empty); items then holds each piece of
    # study once (catalog.distinct), and total counts a page two roadmaps share once.
    roadmaps: tuple[RoadmapProgress, ...] = ()

    @property
    def week_hours_left(self) -> float | None:
        """What is left of this week's goal; None without a goal."""
        return None if self.goal is None else max(0.0, self.goal - self.week_logged)

    def recommend(self, n: int = 1, stage_id: str | None = None) -> list[Recommendation]:
        return progress.recommend(self.stages, self.items, n=n, stage_id=stage_id,
                                  week_hours_left=self.week_hours_left)


def overview(store: Store, today: date, tz: tzinfo, every_item: bool = True) -> Overview:
    """What the dashboard, `stages`, the card and `week` show. With every_item=False the per-stage
    totals come from the store's tallies (Store.stage_tallies) and `items` is empty: what the
    dashboard, `stages` and the card need, without making an Item of every resource."""
    stages = store.stages()
    # per_stage counts a page two roadmaps share in each; once_per_stage in the one tracked first
    if every_item:
        every = store.items()
        per_stage = progress.stage_progress(stages, every)
        items = catalog.distinct(every)
        once_per_stage = per_stage if len(items) == len(every) else progress.stage_progress(stages, items)
    else:
        tallies, once = store.stage_tallies()
        per_stage, items = progress.stage_sums(stages, tallies), []
        once_per_stage = per_stage if once == tallies else progress.stage_sums(stages, once)
    total = progress.overall(once_per_stage)
    adds = [p.hours_left for p in once_per_stage]
    since = min(today - timedelta(weeks=habits.PACE_WEEKS, days=6), habits.week_start(today))  # pace_window's reach
    sessions = store.sessions(since_day=since.isoformat())
    first = habits.first_day(*store.first_activity(), tz)
    pace = habits.pace(sessions, today, first)
    goal = store.goal()
    scoped = store.scoped_roadmaps()
    lines = roadmap_lines(scoped, per_stage, store.default_roadmap(), pace.hours_per_week or goal, today) \
        if len(scoped) > 1 else []
    return Overview(
        title=scoped[0].title if len(scoped) == 1 else f"{len(scoped)} roadmaps",
        today=today,
        stages=stages,
        items=items,
        progress=per_stage,
        total=total,
        pace=pace,
        etas=habits.stage_etas(per_stage, pace.hours_per_week, today, adds),
        reviews_due=store.reviews_due(today, tz),
        goal=goal,
        etas_goal=tuple(habits.stage_etas(per_stage, goal, today, adds)),
        finish=habits.finish(total.core_hours_left, total.hours_left, pace.hours_per_week, goal, today),
        week_logged=habits.hours_between(sessions, habits.week_start(today), today),
        last_notes=store.last_notes(),
        roadmaps=tuple(lines),
    )


def roadmap_lines(roadmaps: Sequence[RoadmapInfo], per_stage: Sequence[StageProgress], default: str | None,
                  hours_per_week: float | None, today: date) -> list[RoadmapProgress]:
    """Each roadmap's progress over its own resources (the sum of its stages'), with a finish date
    at hours_per_week."""
    by_roadmap: dict[str, list[StageProgress]] = {}
    for p in per_stage:
        by_roadmap.setdefault(p.stage.roadmap, []).append(p)
    totals = [progress.overall(by_roadmap.get(r.name, [])) for r in roadmaps]
    # each on its own (a roadmap studied alone): one after another would count a page they share twice
    etas = [habits.eta(t.hours_left, hours_per_week, today) for t in totals]
    return [RoadmapProgress(r, total, r.name == default, eta)
            for r, total, eta in zip(roadmaps, totals, etas, strict=True)]


def roadmaps(store: Store, today: date) -> list[RoadmapProgress]:
    """`roadmap list`: every roadmap the database tracks (removed ones too), with its progress."""
    every = store.roadmaps()
    per_stage = progress.stage_progress(store.stages(every_roadmap=True), store.items(every_roadmap=True))
    return roadmap_lines(every, per_stage, store.default_roadmap(), None, today)


class Week(NamedTuple):
    """This week at a glance: hours against the goal, streak, reviews, what is under way, a plan."""

    start: date  # Monday
    today: date
    goal: float | None
    logged: float
    pace: float
    streak: int
    reviews_due: int
    in_progress: list[tuple[Item, Note | None]]
    plan: list[habits.Planned]
    basis: str  # what the plan fills: "goal", "pace", or "" (no plan)

    @property
    def target(self) -> float | None:
        """The hours this week is measured against: the goal, else the pace."""
        return self.goal if self.basis == "goal" else self.pace if self.basis == "pace" else None


def week(store: Store, today: date, tz: tzinfo) -> Week:
    """This week's hours, and a plan for the rest of it: resources in recommendation order whose
    remaining hours fill what is left of the goal (of the pace, without a goal)."""
    view = overview(store, today, tz)
    basis = "goal" if view.goal else "pace" if view.pace.hours_per_week > 0 else ""
    target = view.goal or view.pace.hours_per_week
    left = max(0.0, target - view.week_logged) if basis else 0.0
    recs = view.recommend(n=len(view.items))
    doing = [r.item for r in recs if r.item.status.value == "doing"]
    return Week(
        start=habits.week_start(today),
        today=today,
        goal=view.goal,
        logged=view.week_logged,
        pace=view.pace.hours_per_week,
        streak=streaks(store, today, tz).current,
        reviews_due=view.reviews_due,
        in_progress=[(i, view.last_notes.get(i.record_id)) for i in doing],
        plan=habits.plan([r.item for r in recs], left),
        basis=basis,
    )


class Suggestions(NamedTuple):
    recommendations: list[Recommendation]
    stage: StageInfo | None  # the stage they were limited to
    reviews_due: int
    last_notes: dict[str, Note]  # each resource's latest note (shown for work under way)


def suggestions(store: Store, today: date, tz: tzinfo, count: int = 1, stage: str | None = None) -> Suggestions:
    """`next`: what to study next and why (`recommendations`), with the reviews due and the latest
    note of each suggestion."""
    recs, chosen = recommendations(store, today, count, stage)
    return Suggestions(recs, chosen, store.reviews_due(today, tz), store.last_notes([r.item.record_id for r in recs]))


def recommendations(store: Store, today: date, count: int = 1,
                    stage: str | None = None) -> tuple[list[Recommendation], StageInfo | None]:
    """What to study next and why, from one stage (number or id) or all, and that stage.

    Only what is shown is worked out, from a few candidates and aggregates the store reads
    (never every item): the same suggestions as progress.recommend over every item.
    """
    stages = store.stages()
    chosen = progress.resolve_stage(stage, stages) if stage is not None else None
    goal = store.goal()
    week_left = None
    if goal is not None:
        monday = habits.week_start(today)
        week_left = max(0.0, goal - habits.hours_between(store.sessions(since_day=monday.isoformat()), monday, today))
    standing = store.standing(stages)
    top = progress.best(candidates(store, stages, standing, count, chosen.id if chosen else None), count)
    core_left = store.core_left(sorted({c.item.stage_id for c in top}), standing.satisfied)
    groups = store.choice_groups(sorted({c.item.choose_one for c in top if c.item.choose_one}))
    titles = {s.id: s.title for s in stages}
    return [progress.explain(c, titles, core_left, groups, week_left) for c in top], chosen


def candidates(store: Store, stages: list[StageInfo], standing: progress.Standing, n: int,
               stage_id: str | None = None) -> list[progress.Candidate]:
    """Enough candidates for the n best of progress.recommend's order, read a stage at a time.

    Per stage, core and optional apart: every item under way, the ready items (prerequisites met)
    in roadmap order until n of them besides those under way are found, and the first n that still
    wait. An item's turn counts the ready items before it, so each stage is read from its start;
    a stage that waits for the previous one needs reading only where items name their own
    prerequisites.
    """
    known: dict[str, bool] = {}

    def look_up(items: list[Item]) -> None:
        wanted = sorted({r for i in items for r in i.after or () if r not in known})
        if wanted:
            found = store.finished(wanted, standing.satisfied)
            known.update({r: found[r] for r in wanted if r in found})

    doing = store.doing(standing.satisfied, stage_id)
    look_up(doing)
    picked: dict[str, progress.Candidate] = {}
    for stage in stages:
        if stage_id is not None and stage.id != stage_id:
            continue
        stage_waits = bool(progress.unmet(progress.stage_prerequisites(stage.id, standing), standing, known.get))
        for core in (True, False):
            under_way = [(i.position, i.id) for i in doing if i.stage_id == stage.id and i.core is core]
            need, last = n + len(under_way), max(under_way, default=None)
            turn = waiting = 0
            if stage_waits:  # its items without their own `after:` all wait: the first n are enough
                for batch in store.candidates(standing.satisfied, stage.id, core, after=False, limit=n):
                    picked.update((i.id, progress.Candidate(i, progress.waits(i, standing, known.get)))
                                  for i in batch)
            for batch in store.candidates(standing.satisfied, stage.id, core, after=True if stage_waits else None,
                                          first=min(need + 1, 64)):  # most stages give what is needed at once
                look_up(batch)
                for i in batch:
                    unmet = progress.waits(i, standing, known.get)
                    if unmet:
                        if waiting < n:
                            picked[i.id] = progress.Candidate(i, unmet)
                            waiting += 1
                        continue
                    picked[i.id] = progress.Candidate(i, (), turn)
                    turn += 1
                    if turn >= need and (last is None or (i.position, i.id) >= last):
                        break
                else:
                    continue
                break
    for i in doing:  # under way but not read above: waiting for the previous stage
        if i.id not in picked:
            picked[i.id] = progress.Candidate(i, progress.waits(i, standing, known.get))
    return list(picked.values())


class ResourceDetail(NamedTuple):
    """Everything `show` says about one resource."""

    item: Item
    stage_title: str
    events: list[Event]  # its status changes, oldest first
    notes: list[Note]
    reviews: ReviewRecord
    marks: list[Mark]  # the progress shares set, oldest first


def resource_detail(store: Store, query: str, tz: tzinfo) -> ResourceDetail:
    from mlpath import reviewing

    item = store.find([query], include_retired=True)[0]
    titles = {s.id: s.title for s in store.stages(include_retired=True)}
    rid = item.record_id  # a page shared with a roadmap tracked before shows that one's history
    return ResourceDetail(item, titles.get(item.stage_id, item.stage_id), store.events(rid),
                          store.notes(rid), reviewing.resource_reviews(store, item, tz), store.marks(rid))


def streaks(store: Store, today: date, tz: tzinfo) -> Streaks:
    days = habits.study_days(store.events(), store.sessions(), store.reviews(), tz, store.marks())
    return habits.streaks(days, today)


class Entry(NamedTuple):
    """One line of activity: on the learner's local day, what happened to which resource."""

    day: date
    at: str
    what: str
    resource_id: str
    note: str = ""
    hours: float | None = None  # of a logged session
    grade: int | None = None  # of a review answered
    next_due: date | None = None  # after that review


class History(NamedTuple):
    days: int
    today: date
    entries: list[Entry]  # newest first
    grid: list[list[float | None]]
    streaks: Streaks
    weekly: list[tuple[date, float]]


def history(store: Store, days: int, today: date, tz: tzinfo) -> History:
    """Activity of the last `days` days, and the calendar of the weeks they span."""
    first = today - timedelta(days=days - 1)
    weeks = max(1, (days + 6) // 7)
    # a day earlier in UTC covers every time zone's start of `first`
    since_stamp = (first - timedelta(days=1)).isoformat() + "T00:00:00Z"
    events = [e for e in store.events(since=since_stamp) if clock.local_day(e.at, tz) >= first]
    reviews = [r for r in store.reviews(since=since_stamp) if clock.local_day(r.at, tz) >= first]
    all_sessions = store.sessions()
    sessions = [s for s in all_sessions if s.day >= first.isoformat()]
    studied = habits.study_days(store.events(), all_sessions, store.reviews(), tz, store.marks())
    hours: dict[date, float] = {}
    for s in all_sessions:
        day = date.fromisoformat(s.day)
        hours[day] = hours.get(day, 0.0) + s.hours
    entries = [Entry(clock.local_day(e.at, tz), e.at, e.status.value, e.resource_id, e.note or "") for e in events]
    entries += [Entry(date.fromisoformat(s.day), s.at, "logged", s.resource_id, s.note or "", hours=s.hours)
                for s in sessions]
    entries += [Entry(clock.local_day(r.at, tz), r.at, "reviewed", r.resource_id, grade=r.grade,
                      next_due=clock.local_day(r.due, tz)) for r in reviews]
    # newest first; records made in the same second keep their recorded order, reversed
    entries = [e for _, e in sorted(enumerate(entries), key=lambda p: (p[1].day, p[1].at, p[0]), reverse=True)]
    return History(
        days=days,
        today=today,
        entries=entries,
        grid=habits.calendar(hours, studied, today, weeks),
        streaks=habits.streaks(studied, today),
        weekly=habits.hours_per_week(all_sessions, today, weeks),
    )
