"""`list` on the screen reads its rows as it prints them (Store.listed, listing.listing), with the
filters applied by SQL: the same rows, in the same order, as filtering every item."""

from __future__ import annotations

import inspect
import itertools
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from mlpath import export, listing, progress, roadmap
from mlpath.errors import DatabaseDamaged
from mlpath.progress import ListEntry, ListRow, Status
from mlpath.store import Store

SHOWN = ListRow._fields  # what the list shows of each item (an Item's fields of the same names)


@pytest.fixture
def store(small_roadmap, db_path, clock):
    store, _ = Store.open(db_path, roadmap.read_source(small_roadmap), roadmap.parse)
    items = {i.id: i for i in store.items()}
    store.set_status([items["linear-algebra"]], Status.done, "2026-11-20T10:00:00Z")
    store.set_status([items["colab"]], Status.doing, "2026-11-21T10:00:00Z")
    store.set_status([items["deep-learning-book"]], Status.skipped, "2026-11-22T10:00:00Z")
    store.set_status([items["sagemaker"]], Status.done, "2026-11-22T11:00:00Z")
    store.undo("2026-11-22T12:00:00Z")  # sagemaker's finish undone: todo again
    store.db.refresh()
    yield store
    store.close()


@pytest.mark.parametrize(("stage", "status", "kind", "core"), list(itertools.product(
    (None, "1", "tools"), (None, *Status), (None, "book", "tool"), (False, True))))
def test_the_streamed_list_has_the_rows_filtering_every_item_gives(store, stage, status, kind, core):
    expected = listing.resources(store, stage, status, kind, core)
    found = listing.listing(store, stage, status, kind, core)
    rows = list(found.rows)
    assert [tuple(getattr(i, f) for f in SHOWN) for i in rows] == [tuple(getattr(i, f) for f in SHOWN)
                                                                   for i in expected]
    assert found.total == len(expected)
    assert found.number_width == max((len(i.number) for i in expected), default=0)
    assert found.id_width == max((len(i.id) for i in expected), default=0)


def test_the_list_rows_come_as_they_are_read_and_search_filters_every_item(store):
    assert inspect.isgenerator(listing.listing(store).rows)
    searched = listing.listing(store, search="axler")  # authors are only in the full items
    assert [i.id for i in searched.rows] == ["linear-algebra"]
    assert [i.id for i in progress.search_items(store.items(), "axler")] == ["linear-algebra"]


def test_sagemaker_s_undone_finish_is_not_listed_as_done(store):
    rows = {i.id: i.status for i in listing.listing(store).rows}
    assert rows["sagemaker"] == Status.todo and rows["linear-algebra"] == Status.done


# Two more roadmaps beside the first, added in an order their names do not sort in, sharing ids with
# it (stored as name/id), with stages of ten and more resources (numbers of two widths), positions
# that do not follow the ids, and a resource each roadmap no longer has (retired).
def _roadmap(path: Path, title: str, stages: dict[str, list[tuple[str, str, bool]]]) -> Path:
    lines = ["version: 1", f"title: {title}", "stages:"]
    for stage, resources in stages.items():
        lines += [f"  - id: {stage}", f"    title: {stage.title()}", "    resources:"]
        lines += [f"      - {{id: {rid}, title: '{rid} title', kind: {kind}, core: {str(core).lower()}, hours: 1.5}}"
                  for rid, kind, core in resources]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ZETA = {"warm-up": [(f"z-{n:02d}", "book" if n % 3 else "tool", n % 2 == 0) for n in range(12, 0, -1)],
        "basics": [("colab", "tool", True), ("linear-algebra", "book", False), ("gone", "paper", True)]}
ALPHA = {"tools": [("sagemaker", "tool", False), ("a-1", "course", True), ("old", "video", False)]}


@pytest.fixture
def several(store, tmp_path):
    for name, stages, gone in (("zeta", ZETA, "gone"), ("alpha", ALPHA, "old")):
        path = _roadmap(tmp_path / f"{name}.yaml", name.title(), stages)
        store.add_roadmap(roadmap.load(path), name, str(path))
        kept = {stage: [r for r in resources if r[0] != gone] for stage, resources in stages.items()}
        store.add_roadmap(roadmap.load(_roadmap(path, name.title(), kept)), name, str(path))  # retires `gone`
    items = {i.id: i for i in store.items()}
    store.set_status([items["zeta/colab"], items["z-03"]], Status.doing, "2026-11-23T10:00:00Z")
    store.set_status([items["alpha/sagemaker"]], Status.done, "2026-11-23T11:00:00Z")
    store.db.refresh()
    return store


@pytest.mark.parametrize(("scope", "stage", "status", "kind", "core"), [
    (scope, stage, status, kind, core) for scope, stage, status, kind, core in itertools.product(
        (None, "zeta", "alpha", "mlpath"), (None, "1", "zeta/2"), (None, Status.todo, Status.doing),
        (None, "book", "tool"), (False, True)) if stage != "zeta/2" or scope in (None, "zeta")])
def test_the_list_from_the_tables_is_every_item_s_list_across_roadmaps(several, scope, stage, status, kind, core):
    scoped = Store(several.path)  # as a command with --in NAME sees it
    scoped.wanted = scope
    expected = listing.resources(scoped, stage, status, kind, core)
    found = listing.listing(scoped, stage, status, kind, core)
    assert [tuple(r) for r in found.rows] == [tuple(ListRow.of(i)) for i in expected]
    scoped.close()
    # with several roadmaps in scope numbers are shown as typed, name/2.1 (as `stages` shows them)
    assert found.named == (scope is None)
    shown = [f"{i.roadmap}/{i.number}" if found.named else i.number for i in expected]
    assert (found.total, found.number_width, found.id_width) == (
        len(expected), max(map(len, shown), default=0), max((len(i.id) for i in expected), default=0))
    # and `list --json`'s records, read the same way, are every item's records
    scoped = Store(several.path)
    scoped.wanted = scope
    entries = listing.entries(scoped, stage, status, kind, core)
    assert inspect.isgenerator(entries)
    assert export.item_records(entries) == export.item_records(expected)
    scoped.close()


def test_several_roadmaps_are_listed_in_the_order_they_were_added_each_in_stage_and_position_order(several):
    rows = list(listing.listing(several).rows)
    assert [r.id for r in rows][:6] == ["linear-algebra", "calculus-videos", "stats-course", "colab", "sagemaker",
                                        "deep-learning-book"]
    zeta = [r.id for r in rows[6:-2]]
    assert zeta == [f"z-{n:02d}" for n in range(12, 0, -1)] + ["zeta/colab", "zeta/linear-algebra"]
    assert [r.id for r in rows[-2:]] == ["alpha/sagemaker", "a-1"]
    assert "gone" not in zeta and "old" not in [r.id for r in rows]  # retired
    assert [r.number for r in rows[6:9]] == ["1.1", "1.2", "1.3"] and rows[17].number == "1.12"
    assert {r.id: r.status for r in rows if r.status != Status.todo} == {
        "linear-algebra": Status.done, "colab": Status.doing, "deep-learning-book": Status.skipped,
        "zeta/colab": Status.doing, "z-03": Status.doing, "alpha/sagemaker": Status.done}


def test_list_row_of_an_item_keeps_the_fields_of_the_same_names(store):
    for item in store.items():
        assert tuple(ListRow.of(item)) == tuple(getattr(item, f) for f in ListRow._fields)


def test_a_list_entry_is_its_item_s_fields_of_the_same_names(store):
    items = {i.id: i for i in store.items()}
    entries = list(store.list_entries())
    assert [e.id for e in entries] == list(items)
    for entry in entries:
        assert tuple(entry) == tuple(getattr(items[entry.id], f) for f in ListEntry._fields)


def _damage(store, sql: str) -> None:
    store.close()
    with closing(sqlite3.connect(store.path)) as conn:
        conn.execute(sql)
        conn.commit()


@pytest.mark.parametrize("hours", ["'abc'", "9e999", "-9e999", "X'00'"])
def test_hours_list_json_cannot_give_are_one_clear_error(store, hours):
    _damage(store, f"UPDATE resource SET hours = {hours} WHERE id = 'colab'")
    with pytest.raises(DatabaseDamaged, match=r"damaged value .*resource 'colab': hours holds"):
        list(listing.entries(store))
    assert list(listing.entries(store, "basics"))  # a stage without it lists as before


def test_an_unknown_status_is_one_clear_error_in_list_json_too(store):
    _damage(store, "UPDATE resource_state SET status = 'dine' WHERE resource_id = 'colab'")
    with pytest.raises(DatabaseDamaged, match=r"damaged value .*'dine'"):
        list(listing.entries(store))


@pytest.mark.parametrize("hours", ["'abc'", "9e999", "-9e999", "X'00'"])
def test_hours_the_list_cannot_show_are_one_clear_error_before_any_row(store, hours):
    _damage(store, f"UPDATE resource SET hours = {hours} WHERE id = 'colab'")
    with pytest.raises(DatabaseDamaged, match=r"damaged value .*resource 'colab': hours holds"):
        listing.listing(store)
    assert list(listing.listing(store, "basics").rows)  # a stage without it lists as before


def test_an_unknown_stored_status_is_one_clear_error_before_any_row(store):
    """Like damaged hours: found before the screen's first line, and only in the rows listed."""
    _damage(store, "UPDATE resource_state SET status = 'dine' WHERE resource_id = 'colab'")
    with pytest.raises(DatabaseDamaged, match=r"damaged value .*'dine'"):
        listing.listing(store)
    with pytest.raises(DatabaseDamaged, match=r"damaged value .*'dine'"):
        listing.listing(store, kind="tool")
    assert list(listing.listing(store, "basics").rows)  # a stage without it lists as before
    assert list(listing.listing(store, kind="book").rows)
