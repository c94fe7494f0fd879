"""`next` reads a few candidates and aggregates from SQL (report.suggestions) instead of every item:
on random roadmaps and states it says exactly what progress.recommend says from every item, and
counts the same reviews due as spaced.due_reviews."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mlpath import catalog, clock, progress, report, roadmap, spaced
from mlpath.progress import Status
from mlpath.spaced import Review
from mlpath.store import Store

TODAY = date(2026, 11, 25)
ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago")
STATUSES = (Status.todo, Status.todo, Status.doing, Status.done, Status.skipped)


@st.composite
def roadmaps(draw: st.DrawFn) -> dict:
    """Stages of resources with core flags, choose_one pairs, `after:` lists naming earlier resources or
    stages (so never a cycle), links (some the same page as one of the first roadmap), a status each,
    finish times and review dates around today, some undone; sometimes a second roadmap, and a scope."""
    first = draw(stages_and_states())
    second = draw(st.none() | stages_and_states())
    return {**first, "second": second, "n": draw(st.integers(1, 6)),
            "stage": draw(st.none() | st.integers(0, len(first["stages"]) - 1)),
            "scope": draw(st.sampled_from([None, "mlpath", "second"] if second else [None, "mlpath"])),
            "zone": draw(st.sampled_from(ZONES))}


@st.composite
def stages_and_states(draw: st.DrawFn) -> dict:
    stages, earlier, states = [], [], []
    pages = iter(draw(st.permutations(range(40))))
    for s in range(draw(st.integers(1, 4))):
        stage_id = f"s{s}"
        resources = []
        for p in range(draw(st.integers(1, 7))):
            rid = f"r{s}-{p}"
            resource = {"id": rid, "title": f"Resource {rid}", "kind": "book", "core": draw(st.booleans()),
                        "hours": draw(st.integers(1, 9)), "url": f"https://example.org/{next(pages)}"}
            group = draw(st.sampled_from([None, None, "a", "b"]))
            if group:
                resource["choose_one"] = f"{stage_id}-{group}"
            if earlier and draw(st.booleans()):
                resource["after"] = draw(st.lists(st.sampled_from(earlier), min_size=0, max_size=3, unique=True))
            resources.append(resource)
            status = draw(st.sampled_from(STATUSES))
            states.append((rid, status, draw(st.integers(-12 * 24, 24)), draw(st.none() | st.integers(-72, 72)),
                           draw(st.integers(0, 4)) == 0))
        for resource in resources:  # a choice needs two members
            if sum(r.get("choose_one") == resource.get("choose_one") for r in resources) < 2:
                resource.pop("choose_one", None)
        stages.append({"id": stage_id, "title": f"Stage {s}", "resources": resources})
        earlier += [stage_id] + [r["id"] for r in resources]
    return {"stages": stages, "states": states}


def write(stages: list[dict], path: Path) -> Path:
    path.write_text(json.dumps({"version": 1, "title": "Random", "stages": stages}))  # JSON is YAML
    return path


def build(case: dict, folder: Path) -> Store:
    store, _ = Store.open(folder / "mlpath.db", roadmap.read_source(write(case["stages"], folder / "first.yaml")),
                          roadmap.parse)
    states = [("mlpath", *state) for state in case["states"]]
    if case["second"]:
        store.add_roadmap(roadmap.load(write(case["second"]["stages"], folder / "second.yaml")), "second", "second")
        states += [("second", *state) for state in case["second"]["states"]]
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    items = {(i.roadmap, i.short_id): i for i in store.items()}
    for name, rid, status, hours_ago, review_in, undone in states:
        if status is Status.todo:
            continue
        at = clock.stamp(now + timedelta(hours=hours_ago - 24 * spaced.FIRST_REVIEW_DAYS))
        store.set_status([items[name, rid]], status, at)
        if status is Status.done and review_in is not None:
            due = clock.stamp(now + timedelta(hours=review_in))
            store.add_review(Review(items[name, rid].record_id, at, 3, 1.0, 5.0, due))
        if undone:  # undo's tombstones hide the review, else the status change
            store.undo(at)
    store.db.refresh()
    store.wanted = case["scope"]
    return store


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roadmaps())
@example({  # a waiting stage whose items name their own prerequisites: each of the n first waiting ones is kept
    "stages": [{"id": "s0", "title": "Stage 0", "resources": [{"id": "r0", "title": "R0", "kind": "book", "core": True,
                                                                "hours": 1}]},
               {"id": "s1", "title": "Stage 1", "resources": [
                   {"id": f"r1-{p}", "title": f"R1 {p}", "kind": "book", "core": True, "hours": 1,
                    **({"after": ["r0"]} if p else {})} for p in range(4)]}],
    "states": [], "second": None, "n": 5, "stage": None, "scope": None, "zone": "UTC"})
def test_next_from_sql_says_what_recommend_says_from_every_item(case):
    with tempfile.TemporaryDirectory() as tmp:
        store = build(case, Path(tmp))
        try:
            tz = ZoneInfo(case["zone"])
            stages, items = store.stages(), store.items()
            stage = None if case["stage"] is None else stages[case["stage"] % len(stages)]
            found = report.suggestions(store, TODAY, tz, case["n"], None if stage is None else stage.id)
            expected = progress.recommend(stages, items, n=case["n"], stage_id=None if stage is None else stage.id)
            assert found.recommendations == expected
            # each piece of study once: a page two roadmaps share is due once
            due = spaced.due_reviews(catalog.distinct(items), store.latest_reviews(), TODAY, tz)
            assert found.reviews_due == len(due)
            assert found.last_notes == {k: v for k, v in store.last_notes().items()
                                        if k in {r.item.record_id for r in expected}}
        finally:
            store.close()


def test_next_asks_for_any_number_of_suggestions(run, small_roadmap):
    """A count past what SQLite's LIMIT takes is all of them (it was an OverflowError)."""
    result = run("next", "-n", str(2**70), "--stage", "2", "--json")  # stage 2 waits: its first n are read
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["colab", "sagemaker", "deep-learning-book"]
