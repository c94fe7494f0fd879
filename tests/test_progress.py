"""Pure progress logic: ranking, percentages, resolution and suggestions."""

from __future__ import annotations

import pytest

from mlpath.errors import AmbiguousResource, UnknownResource, UnknownStage
from mlpath.progress import (
    LOGGED_CAP,
    Effort,
    Item,
    StageInfo,
    Status,
    effort,
    overall,
    percent,
    places,
    recommend,
    resolve,
    resolve_all,
    resolve_stage,
    stage_progress,
    waiting_for,
)

STAGES = [StageInfo("one", 1, "One"), StageInfo("two", 2, "Two")]


def item(rid: str, stage: int, pos: int, core: bool = True, status: Status = Status.todo, hours: float = 1,
         group: str | None = None) -> Item:
    return Item(id=rid, stage_id=STAGES[stage - 1].id, stage_number=stage, position=pos, title=rid.title(),
                kind="book", core=core, hours=hours, status=status, choose_one=group)


def ids(recs) -> list[str]:
    return [r.item.id for r in recs]


def test_in_progress_comes_first_even_from_a_later_stage():
    items = [item("a", 1, 1), item("b", 2, 1, status=Status.doing)]
    recs = recommend(STAGES, items, n=2)
    assert ids(recs) == ["b", "a"]
    assert recs[0].reason.startswith("in progress")


def test_earlier_stage_then_core_then_roadmap_order():
    items = [
        item("opt1", 1, 1, core=False),
        item("core2", 1, 2),
        item("core3", 1, 3),
        item("later", 2, 1),
    ]
    assert ids(recommend(STAGES, items, n=4)) == ["core2", "core3", "opt1", "later"]


def test_done_and_skipped_are_never_suggested():
    items = [item("a", 1, 1, status=Status.done), item("b", 1, 2, status=Status.skipped), item("c", 1, 3)]
    assert ids(recommend(STAGES, items, n=5)) == ["c"]


def test_choose_one_group_is_satisfied_by_one_done_member():
    items = [item("colab", 1, 1, group="nb"), item("sagemaker", 1, 2, group="nb"), item("x", 1, 3)]
    recs = recommend(STAGES, items, n=5)
    assert ids(recs) == ["colab", "sagemaker", "x"]
    assert "alternatives: sagemaker" in recs[0].reason
    items[0] = item("colab", 1, 1, group="nb", status=Status.done)
    assert ids(recommend(STAGES, items, n=5)) == ["x"]


def test_everything_done_gives_no_recommendation():
    items = [item("a", 1, 1, status=Status.done), item("b", 2, 1, status=Status.skipped)]
    assert recommend(STAGES, items, n=3) == []


def test_stage_filter_and_count():
    items = [item("a", 1, 1), item("b", 2, 1), item("c", 2, 2)]
    assert ids(recommend(STAGES, items, n=1, stage_id="two")) == ["b"]
    assert ids(recommend(STAGES, items, n=10, stage_id="two")) == ["b", "c"]


def test_reasons_say_why():
    items = [item("a", 1, 1), item("b", 1, 2), item("o", 1, 3, core=False)]
    recs = recommend(STAGES, items, n=3)
    assert recs[0].reason == "core path of stage 1 (One), prerequisites met: 2 core items to go"
    assert recs[0].factors == ("prerequisites met", "core path")
    assert recs[2].reason == "optional extra in stage 1 (One)"
    only_optional = recommend(STAGES, [item("o", 1, 1, core=False)], n=1)
    assert "its core items are done or under way" in only_optional[0].reason


def test_percent_and_stage_progress():
    assert percent(0, 0) == 100.0
    assert percent(1, 3) == 33.3
    items = [
        item("a", 1, 1, status=Status.done, hours=10),
        item("b", 1, 2, hours=5),
        item("c", 1, 3, status=Status.skipped, hours=7),
        item("g1", 2, 1, status=Status.done, group="g", hours=2),
        item("g2", 2, 2, group="g", hours=3),
        item("d", 2, 3, status=Status.doing, hours=4),
    ]
    one, two = stage_progress(STAGES, items)
    # weighed by hours: 10 of 15, the skipped item leaving both sides
    assert (one.done, one.total, one.percent, one.hours_left) == (1, 2, 66.7, 5)
    # g2 is covered by g1, so it leaves the total and the hours
    assert (two.done, two.total, two.hours_left, two.doing) == (1, 2, 4, 1)
    assert (two.hours_done, two.hours_total, two.percent) == (2, 6, 33.3)
    total = overall([one, two])
    assert (total.done, total.total, total.hours_done, total.hours_total, total.percent) == (2, 4, 12, 21, 57.1)


def test_resolve_by_id_number_and_unique_prefix():
    items = [item("deep-learning-book", 1, 1), item("deep-rl", 1, 2), item("stats", 2, 1)]
    assert resolve("deep-rl", items).id == "deep-rl"
    assert resolve("2.1", items).id == "stats"
    assert resolve("sta", items).id == "stats"
    assert resolve("DEEP-L", items).id == "deep-learning-book"


def test_resolve_ambiguous_and_unknown_suggest_matches():
    items = [item("deep-learning-book", 1, 1), item("deep-rl", 1, 2)]
    with pytest.raises(AmbiguousResource, match="deep-learning-book, deep-rl"):
        resolve("deep", items)
    with pytest.raises(UnknownResource) as info:
        resolve("deep-lerning-book", items)
    assert info.value.hint == "did you mean deep-learning-book?"
    with pytest.raises(UnknownResource) as info:
        resolve("zzz", items)
    assert info.value.hint == "run `mlpath list` to see the ids"


def test_resolve_all_fails_before_anything_when_one_id_is_bad():
    items = [item("a-thing", 1, 1)]
    with pytest.raises(UnknownResource):
        resolve_all(["a-thing", "nope"], items)
    assert [i.id for i in resolve_all(["a-thing", "1.1"], items)] == ["a-thing"]


def test_resolve_stage_by_number_id_and_prefix():
    assert resolve_stage("2", STAGES).id == "two"
    assert resolve_stage("one", STAGES).number == 1
    assert resolve_stage("tw", STAGES).id == "two"
    with pytest.raises(UnknownStage) as info:
        resolve_stage("9", STAGES)
    assert "1 (one)" in info.value.hint


def test_an_open_choose_one_group_counts_once_at_its_cheapest_member():
    items = [item("g1", 1, 1, group="g", hours=10), item("g2", 1, 2, group="g", hours=3), item("x", 1, 3, hours=1)]
    (one, _) = stage_progress(STAGES, items)
    assert (one.done, one.total, one.hours_left) == (0, 2, 4)
    items[1] = item("g2", 1, 2, group="g", hours=3, status=Status.skipped)
    (one, _) = stage_progress(STAGES, items)
    assert (one.total, one.hours_left) == (2, 11)


def test_effort_without_logs_is_nothing_and_done_is_everything():
    assert effort(item("a", 1, 1, hours=60)) == Effort(0.0, 60, 60, "none")
    done = effort(item("a", 1, 1, hours=60, status=Status.done)._replace(logged_hours=80))
    assert (done.progress, done.hours_left, done.estimate, done.stretched) == (1.0, 0, 60, False)


def test_logged_time_counts_but_never_finishes_and_past_the_estimate_stretches_it():
    book = item("book", 1, 1, hours=60, status=Status.doing)
    half = effort(book._replace(logged_hours=30))
    assert (half.progress, half.hours_done, half.hours_left, half.source) == (0.5, 30, 30, "logged")
    near = effort(book._replace(logged_hours=60))
    assert near.progress == LOGGED_CAP and not near.stretched and near.hours_left == pytest.approx(6)
    over = effort(book._replace(logged_hours=90))
    assert over.stretched and over.estimate == pytest.approx(100) and over.progress == LOGGED_CAP
    assert over.hours_left == pytest.approx(10) and over.hours_left > 0


def test_a_share_set_by_the_learner_wins_over_logged_time():
    book = item("book", 1, 1, hours=60, status=Status.doing)._replace(logged_hours=10, fraction=5 / 12)
    work = effort(book)
    assert (work.source, work.hours_done, work.hours_left) == ("set", pytest.approx(25), pytest.approx(35))


def test_logging_30_hours_on_a_60_hour_book_adds_30_to_its_stage():
    items = [item("book", 1, 1, hours=60), item("article", 1, 2, hours=2)]
    (before, _) = stage_progress(STAGES, items)
    items[0] = items[0]._replace(status=Status.doing, logged_hours=30)
    (after, _) = stage_progress(STAGES, items)
    assert after.hours_done - before.hours_done == 30
    assert (after.done, after.total, after.hours_total) == (0, 2, 62)


def test_skipped_members_of_a_group_leave_and_a_started_member_is_the_choice():
    items = [item("g1", 1, 1, group="g", hours=10, status=Status.skipped), item("g2", 1, 2, group="g", hours=30),
             item("g3", 1, 3, group="g", hours=20)]
    (one, _) = stage_progress(STAGES, items)
    assert (one.total, one.hours_total) == (1, 20)  # the cheapest member still open
    items[1] = items[1]._replace(status=Status.doing, logged_hours=3)
    (one, _) = stage_progress(STAGES, items)
    assert (one.total, one.hours_total, one.hours_done, one.doing) == (1, 30, 3, 1)
    skipped_all = [i._replace(status=Status.skipped) for i in items]
    (one, _) = stage_progress(STAGES, skipped_all)
    assert (one.total, one.hours_total, one.percent) == (0, 0, 100.0)


def test_core_hours_left_leave_out_optional_extras():
    items = [item("c", 1, 1, hours=10), item("o", 1, 2, core=False, hours=50)]
    (one, _) = stage_progress(STAGES, items)
    assert (one.core_hours_left, one.hours_left) == (10, 60)


def test_prerequisites_let_a_later_stage_run_alongside():
    stages = [StageInfo("one", 1, "One"), StageInfo("two", 2, "Two"), StageInfo("three", 3, "Three")]

    def at(rid: str, stage: int, pos: int, **kw) -> Item:
        return Item(id=rid, stage_id=stages[stage - 1].id, stage_number=stage, position=pos, title=rid, kind="book",
                    core=True, hours=5, **kw)

    items = [at("basics", 1, 1, status=Status.done), at("course", 2, 1, status=Status.done), at("more", 2, 2),
             at("more2", 2, 3), at("project", 3, 1, after=("one", "course")), at("project2", 3, 2)]
    recs = recommend(stages, items, n=4)
    assert [r.item.id for r in recs] == ["more", "project", "more2", "project2"]
    assert "prerequisites met" in recs[1].factors
    # without the first course done, the project waits, and says for what
    items[1] = items[1]._replace(status=Status.todo)
    recs = recommend(stages, items, n=10)
    waiting = next(r for r in recs if r.item.id == "project")
    assert waiting.factors[0] == "waits for course" and recs[-1].item.stage_id == "three"
    assert waiting_for(items, stages)["project2"] == ("two",)


def test_fits_this_weeks_hours_is_a_factor():
    items = [item("a", 1, 1, hours=3), item("b", 1, 2, hours=30)]
    recs = recommend(STAGES, items, n=2, week_hours_left=5)
    assert "fits this week's remaining hours" in recs[0].factors
    assert "fits this week's remaining hours" not in recs[1].factors


def test_places_keep_the_order_given_and_a_batch_starts_from_what_it_is_told():
    events = [("a", "2026-11-20T09:00:00Z"), ("a", "2026-11-10T09:00:00Z"), ("b", "2026-11-01T09:00:00Z"),
              ("a", "2026-11-21T09:00:00Z")]
    # alone (an import): each at its stamp unless an earlier one of its resource is later
    assert places(events, {}) == ["2026-11-20T09:00:00Z", "2026-11-20T09:00:00Z", "2026-11-01T09:00:00Z",
                                  "2026-11-21T09:00:00Z"]
    # after stored work (a local change): never before the latest place stored
    latest = {"b": "2026-12-01T00:00:00Z"}
    assert places([("b", "2026-11-01T09:00:00Z"), ("c", "2026-11-02T09:00:00Z")], latest) == [
        "2026-12-01T00:00:00Z", "2026-11-02T09:00:00Z"]
    assert latest == {"b": "2026-12-01T00:00:00Z", "c": "2026-11-02T09:00:00Z"}


def test_a_stages_tallies_from_several_parts_add_up_to_its_totals_over_every_unit():
    # the store sums most units in SQL and a few in Python, giving a stage several tallies:
    # stage_sums adds them up to what stage_totals gives over all the units at once
    from mlpath.progress import as_unit, stage_sums, stage_totals, tally, units

    every = [item("a", 1, 1, hours=3), item("b", 1, 2, status=Status.done, hours=2.5), item("c", 1, 3, core=False),
             item("d", 2, 1, status=Status.doing, hours=7), item("e", 2, 2, status=Status.skipped),
             item("f", 2, 3, group="g", hours=4), item("h", 2, 4, group="g", status=Status.done, hours=9)]
    found = [as_unit(i) for i in units(every)]
    parts = tally(found[:2]) + tally(found[2:4]) + tally(found[4:])
    assert len(parts) > len(STAGES)  # some stage has more than one tally
    assert stage_sums(STAGES, parts) == stage_totals(STAGES, found) == stage_progress(STAGES, every)
    assert [p.total for p in stage_sums(STAGES, parts)] == [3, 2]  # e skipped, the group once
    assert stage_sums(STAGES, []) == stage_totals(STAGES, [])  # an empty stage counts nothing


def test_an_enumeration_s_words_for_a_help_text():
    from enum import Enum

    from mlpath.vocab import Kind, Status, words

    assert words(Status) == "todo, doing, done or skipped"
    assert words(Kind).startswith("book, course, ") and words(Kind).count(" or ") == 1
    assert words(Enum("One", {"only": "only"})) == "only"
