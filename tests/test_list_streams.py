"""`list` on the screen reads its rows as it prints them (Store.listed, report.listing), with the
filters applied by SQL: the same rows, in the same order, as filtering every item."""

from __future__ import annotations

import inspect
import itertools

import pytest

from mlpath import progress, report, roadmap
from mlpath.progress import ListRow, Status
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
    expected = report.resources(store, stage, status, kind, core)
    found = report.listing(store, stage, status, kind, core)
    rows = list(found.rows)
    assert [tuple(getattr(i, f) for f in SHOWN) for i in rows] == [tuple(getattr(i, f) for f in SHOWN)
                                                                   for i in expected]
    assert found.total == len(expected)
    assert found.number_width == max((len(i.number) for i in expected), default=0)
    assert found.id_width == max((len(i.id) for i in expected), default=0)


def test_the_list_rows_come_as_they_are_read_and_search_filters_every_item(store):
    assert inspect.isgenerator(report.listing(store).rows)
    searched = report.listing(store, search="axler")  # authors are only in the full items
    assert [i.id for i in searched.rows] == ["linear-algebra"]
    assert [i.id for i in progress.search_items(store.items(), "axler")] == ["linear-algebra"]


def test_sagemaker_s_undone_finish_is_not_listed_as_done(store):
    rows = {i.id: i.status for i in report.listing(store).rows}
    assert rows["sagemaker"] is Status.todo and rows["linear-algebra"] is Status.done
