"""What `list` shows: the resources that pass its filters, streamed to the screen or as records.

Apart from report.py (which gathers what the overview commands show), so that `list` imports only
the store and progress: report's value types and habits were a measurable part of `list --json`.
No printing here, and no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from mlpath import progress
from mlpath.progress import ListRow

if TYPE_CHECKING:
    from mlpath.progress import Item, ListEntry, Status
    from mlpath.store import Store


def resources(store: Store, stage: str | None = None, status: Status | None = None, kind: str | None = None,
              core: bool = False, search: str | None = None) -> list[Item]:
    """`list`: the resources that pass every filter given (a stage by number or id)."""
    return progress.filter_items(store.items(), stage_id=_stage_id(store, stage), status=status, kind=kind, core=core,
                                 search=search)


class Listing(NamedTuple):
    """`list`'s screen: how many rows, the longest number and id, and the rows (read as they are shown)."""

    total: int  # how many rows
    number_width: int
    id_width: int
    named: bool  # numbers shown as typed with several roadmaps in scope: name/2.1 (as `stages` shows them)
    rows: Iterable[ListRow]


def listing(store: Store, stage: str | None = None, status: Status | None = None, kind: str | None = None,
            core: bool = False, search: str | None = None) -> Listing:
    """`list` on the terminal: the filters but --search applied by SQL, so the rows stream from the
    database to the screen; --search (which reads titles, authors and notes) filters every item."""
    if search is not None:
        items = resources(store, stage, status, kind, core, search)
        named = len(store.scoped_roadmaps()) > 1
        return Listing(len(items), max((len(i.roadmap) + 1 if named else 0) + len(i.number) for i in items)
                       if items else 0, max((len(i.id) for i in items), default=0), named,
                       [ListRow.of(i) for i in items])
    return Listing(*store.listed(_stage_id(store, stage), status, kind, core))


def entries(store: Store, stage: str | None = None, status: Status | None = None, kind: str | None = None,
            core: bool = False, search: str | None = None) -> Iterable[Item | ListEntry]:
    """`list --json`: what it gives of each resource that passes every filter, read as it is written
    (like `listing`), except with --search, which filters every item."""
    if search is not None:
        return resources(store, stage, status, kind, core, search)
    return store.list_entries(_stage_id(store, stage), status, kind, core)


def _stage_id(store: Store, stage: str | None) -> str | None:
    """The id of the stage `list --stage` names (by number or id), if any."""
    return progress.resolve_stage(stage, store.stages()).id if stage is not None else None
