"""Queries and writes in the learner's terms, built on db.py (which owns the connection).

Which path does what:
- everything at run time goes through the standard library's sqlite3 and db.Database: one
  connection per command, its reads from one snapshot, each command's writes one transaction.
  Creating a database runs the CREATE statements schema.py generates; upgrades run the plain-SQL
  steps of migrations.py; reads use the views there; writes and imports are INSERTs whose column
  lists come from schema.py.
- SQLModel is not imported by mlpath's commands: importing it costs more than a whole `mlpath
  next`, and more than creating and seeding a database. schema.orm_models() builds SQLModel
  classes from the same declarations for scripts and ad-hoc queries (a test checks they agree).

The rules that are not about storage live in pure modules: what a roadmap change adds, changes
and retires (roadmap.diff), which imported records are new and which resources they need
(backup.merge_plan), the hours-per-day limit (habits.check_hours). Limits are checked inside the
write transaction, so concurrent commands cannot together break them.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mlpath import catalog, clock, db, migrations, paths, progress, roadmap, schema
from mlpath.errors import (
    DatabaseDamaged,
    MlpathError,
    NotADatabase,
    SchemaTooNew,
    UnknownResource,
    UnknownRoadmap,
    UsageProblem,
    database_problem,
)
from mlpath.migrations import Opened
from mlpath.progress import Change, Event, Item, ListEntry, ListRow, StageInfo, Status, Undone, resolve_all
from mlpath.roadmap import Roadmap, RoadmapFile, SyncReport
from mlpath.vocab import amount, grade_name

if TYPE_CHECKING:  # backup is imported by export and import only; the others by what reads their records
    from mlpath.backup import BackupResource, BackupRoadmap, Dump, MergeReport
    from mlpath.habits import Goal, Mark, Note, Session
    from mlpath.spaced import Review
    from mlpath.timer import Timer


@functools.cache
def record_types() -> tuple[tuple[schema.Table, type], ...]:
    """Each record type and its table: the type's fields are the table's data columns, in order.
    Their modules are imported on first use: `list` and the other reads of resources alone need none."""
    from mlpath.habits import Goal, Mark, Note, Session
    from mlpath.spaced import Review
    from mlpath.timer import Timer

    return ((schema.EVENT, Event), (schema.STUDY_SESSION, Session), (schema.NOTE, Note), (schema.REVIEW, Review),
            (schema.TIMER, Timer), (schema.PROGRESS_MARK, Mark), (schema.GOAL, Goal))


class Store:
    """An open mlpath database, seen through one connection and one snapshot per command."""

    def __init__(self, path: Path) -> None:
        # A symlink is followed: the database (and its -wal, -shm and backups) live at its target.
        self.path = Path(os.path.realpath(path.expanduser()))
        self.db = db.Database(self.path)
        self._meta: dict[str, str] | None = None
        self.wanted: str | None = None  # the roadmap --in names (see scope)
        self._scope: tuple[str, ...] | None = None
        self._everything_in_scope = True

    def close(self) -> None:
        self.db.close()

    # ---------------------------------------------------------------- opening

    @classmethod
    def open(
        cls, path: Path, source: RoadmapFile, parse: Callable[[RoadmapFile], Roadmap], sync: bool = True
    ) -> tuple[Store, Opened]:
        """Open (creating and seeding if needed, upgrading if old) the database for a roadmap.

        `parse` turns the source into a Roadmap; it is called only when the database is new or
        the roadmap's bytes changed since the last sync, so daily commands never parse YAML.
        With sync=False a changed roadmap is not applied (for previews).
        """
        store = cls(path)
        if not db.exists(store.path):
            road = parse(source)

            def seed(conn: sqlite3.Connection) -> None:
                _seed(conn, road)
                _note_stamp(conn, source.stamp, road.digest)

            if db.create(store.path, seed):
                return store, Opened(True, len(road.stages), len(road.resources))
        try:
            migrated = backup_path = None
            if int(store.meta()["schema_version"]) < migrations.LATEST:  # checked by meta()
                upgrade = store.db.upgrade()
                store._meta = None
                if upgrade is not None:
                    migrated, backup_path = (upgrade.old, upgrade.new), upgrade.backup
            report = None
            # the file found in sync last time (same stamp) is not read again; else its bytes are compared
            if sync and (source.stamp is None or store._stamp() != source.stamp):
                if store.meta().get("roadmap_digest") != source.digest:
                    report = store.sync(parse(source))
                store._remember_stamp(source.stamp)
        except BaseException:
            store.close()
            raise
        return store, Opened(sync=report, migrated=migrated, backup=backup_path)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.db.read(sql, params)

    def _stamp(self) -> str | None:
        """The stamp (roadmap.file_stamp) of the roadmap file last found in sync, while the digest
        synced then is still the one stored (an upgrade that clears it forces a sync)."""
        stamp, _, digest = self.meta().get("roadmap_stamp", "").partition(" ")
        return stamp if digest and digest == self.meta().get("roadmap_digest") else None

    def _remember_stamp(self, stamp: str | None) -> None:
        """Note the stamp of the roadmap file just found in sync, with its digest. It only saves
        reading the file again: a database that cannot be written (read-only) goes on without it."""
        digest = self.meta().get("roadmap_digest")
        if stamp is None or digest is None or self._stamp() == stamp:
            return
        try:
            with self.db.transaction() as conn:
                _note_stamp(conn, stamp, digest)
        except MlpathError:
            return
        self._meta = None

    def meta(self) -> dict[str, str]:
        if self._meta is None:
            try:
                rows = self._read("SELECT key, value FROM meta")
            except MlpathError as exc:
                if "no such table: meta" in exc.message:
                    raise NotADatabase(f"{self.path} is an SQLite database but not an mlpath one; "
                                       "refusing to touch it") from None
                raise
            meta = {str(k): str(v) for k, v in rows}
            version = meta.get("schema_version", "")
            if not (version.isascii() and version.isdigit() and 0 < len(version) < 6 and int(version) > 0):
                raise DatabaseDamaged(f"{self.path} has no valid schema version (meta.schema_version = "
                                      f"{version!r}); refusing to touch it")
            schema_version = int(version)
            if schema_version > migrations.LATEST:
                raise SchemaTooNew(f"{self.path} was written by a newer mlpath (schema {schema_version}; this one "
                                   f"knows {migrations.LATEST})")
            self._meta = meta
        return self._meta

    # ---------------------------------------------------------------- roadmap sync

    def plan_sync(self, road: Roadmap, name: str = catalog.FIRST) -> SyncReport:
        """What syncing road into roadmap `name` would change, without writing anything.

        The stored rows are compared one at a time as they are read, against the roadmap's rows as
        tuples: at 100,000 resources, both sides as dicts of dicts took over 300 MiB."""
        try:
            conn = self.db.snapshot()
            new = {row[0]: row for row in _placed(conn, road, name).resources()}
            stored = conn.execute(f"{schema.RESOURCE.select()} WHERE roadmap = ?", (name,))
            added, changed, retired = roadmap.diff(new, stored, schema.RESOURCE.names)
        except sqlite3.Error as exc:
            raise database_problem(exc, self.path) from None
        return SyncReport(self._version(name), road.version, added, changed, retired)

    def _version(self, name: str) -> int:
        if name == catalog.FIRST:
            return int(self.meta().get("roadmap_version", "0"))
        rows = self._read("SELECT version FROM roadmap WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def _digest(self, name: str) -> str | None:
        if name == catalog.FIRST:
            return self.meta().get("roadmap_digest")
        rows = self._read("SELECT digest FROM roadmap WHERE name = ? AND hidden = 0", (name,))
        return rows[0][0] if rows else None

    def sync(self, road: Roadmap, name: str = catalog.FIRST, source: str | None = None) -> SyncReport:
        """Bring roadmap `name`'s stored stages and resources in line with road; progress is never touched.

        Resources no longer in the roadmap are marked retired (hidden, history kept), never deleted.
        """
        with self.db.transaction() as conn:
            # Planned under the write lock, from the latest state: when another process synced this
            # roadmap while this one waited, there is nothing left to report or write.
            self._meta = None
            report = self.plan_sync(road, name)
            if self._digest(name) == road.digest:
                return SyncReport(report.old_version, road.version)
            _apply(conn, road, name, source, report.retired)
        self._meta = None
        self._scope = None
        return report

    # ---------------------------------------------------------------- several roadmaps

    def roadmaps(self) -> list[catalog.RoadmapInfo]:
        """Every roadmap the database tracks, hidden ones too, in the order they were added."""
        fields = ", ".join(catalog.RoadmapInfo._fields)
        rows = self._read(f"SELECT {fields} FROM roadmap ORDER BY position")
        return [catalog.RoadmapInfo._make((*r[:-1], bool(r[-1]))) for r in rows]

    def default_roadmap(self) -> str | None:
        """The roadmap `roadmap use` chose, if it is still tracked."""
        return self.meta().get("roadmap_default")

    def scope(self) -> tuple[str, ...] | None:
        """The roadmaps this command sees: the one named by --in (self.wanted), MLPATH_ROADMAP_NAME
        or `roadmap use`, else every roadmap not removed; None when that is all of them (no filter)."""
        if self._scope is None:
            if self.wanted is not None and not self.wanted.strip():
                raise UsageProblem("--in names no roadmap", hint="give a name from mlpath roadmap list")
            every = self.roadmaps()
            wanted = self.wanted or os.environ.get(paths.ROADMAP_NAME_ENV) or self.default_roadmap()
            if wanted and wanted != catalog.SCOPE_ALL:
                name = wanted.strip().lower()
                found = [r for r in every if r.name == name]
                if not found:
                    raise UnknownRoadmap(f"no roadmap named {wanted!r}")
                if found[0].hidden:
                    raise UnknownRoadmap(f"roadmap {name!r} was removed",
                                         hint=f"bring it back with mlpath roadmap add {found[0].source or 'FILE'}")
                self._scope = (name,)
            else:
                self._scope = tuple(r.name for r in every if not r.hidden)
            self._everything_in_scope = len(self._scope) == len(every)
        return None if self._everything_in_scope else self._scope

    def scoped_roadmaps(self) -> list[catalog.RoadmapInfo]:
        """The roadmaps this command sees, in order."""
        self.scope()
        return [r for r in self.roadmaps() if r.name in (self._scope or ())]

    def _in_scope(self, column: str = "roadmap") -> tuple[str, list[str]]:
        """A WHERE condition (starting with AND) keeping rows of the roadmaps in scope, and its parameters."""
        scope = self.scope()
        if scope is None:
            return "", []
        return f" AND {column} IN ({','.join('?' * len(scope))})", list(scope)

    def add_roadmap(self, road: Roadmap, name: str, source: str) -> catalog.Added:
        """Track road beside the others as `name`, or refresh it (ids kept, gone resources retired,
        history kept), bringing it back if it was removed."""
        catalog.check_added(name)
        tracked = self.roadmaps()
        catalog.check_source(name, source, tracked)
        existed = {r.name: r for r in tracked}.get(name)
        with self.db.transaction() as conn:
            self._meta = None
            report = self.plan_sync(road, name)
            placed = _apply(conn, road, name, source, report.retired)
        self._scope = None
        info = {r.name: r for r in self.roadmaps()}[name]
        added = report.added if existed is not None else ()
        return catalog.Added(info, existed is None, len(road.stages), len(road.resources), added, report.changed,
                             report.retired, placed.links)

    def remove_roadmap(self, name: str) -> catalog.RoadmapInfo:
        """Hide roadmap `name` (its resources and history stay; `roadmap add` brings it back)."""
        found = self._named(name)
        if found.name == catalog.FIRST:
            raise UsageProblem(f"{name!r} is the first roadmap: it cannot be removed",
                               hint="to see only another one: mlpath roadmap use NAME")
        with self.db.transaction() as conn:
            conn.execute("UPDATE roadmap SET hidden = 1 WHERE name = ?", (found.name,))
            conn.execute("DELETE FROM meta WHERE key = 'roadmap_default' AND value = ?", (found.name,))
        self._meta = self._scope = None
        return found._replace(hidden=True)

    def use_roadmap(self, name: str) -> catalog.RoadmapInfo | None:
        """Make roadmap `name` the default scope of every command; `all` (None returned) goes back to all."""
        found = None if name.strip().lower() == catalog.SCOPE_ALL else self._named(name)
        if found is not None and found.hidden:
            raise UnknownRoadmap(f"roadmap {found.name!r} was removed",
                                 hint=f"bring it back with mlpath roadmap add {found.source or 'FILE'}")
        with self.db.transaction() as conn:
            if found is None:
                conn.execute("DELETE FROM meta WHERE key = 'roadmap_default'")
            else:
                conn.execute(f"{schema.META.insert()} ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                             ("roadmap_default", found.name))
        self._meta = self._scope = None
        return found

    def _named(self, name: str) -> catalog.RoadmapInfo:
        found = {r.name: r for r in self.roadmaps()}.get(name.strip().lower())
        if found is None:
            raise UnknownRoadmap(f"no roadmap named {name!r}")
        return found

    # ---------------------------------------------------------------- reads

    def stages(self, include_retired: bool = False, every_roadmap: bool = False) -> list[StageInfo]:
        """The stages of the roadmaps in scope (or of every roadmap, removed ones too), roadmap by roadmap."""
        scoped, params = ("", []) if every_roadmap else self._in_scope()
        where = ("1" if include_retired else "retired = 0") + scoped
        fields = ", ".join(StageInfo._fields)
        rows = self._read(f"SELECT {fields} FROM stage WHERE {where} "
                          "ORDER BY (SELECT position FROM roadmap WHERE name = stage.roadmap), number", params)
        return [StageInfo(*r) for r in rows]

    def items(self, include_retired: bool = False, every_roadmap: bool = False) -> list[Item]:
        """The resources of the roadmaps in scope (or of every roadmap, removed ones too), with the
        learner's state of each."""
        scoped, params = ("", []) if every_roadmap else self._in_scope()
        where = ("1" if include_retired else "retired = 0") + scoped
        rows = self._read(f"SELECT {_ITEM_COLUMNS} FROM item WHERE {where} "
                          "ORDER BY retired, roadmap_position, stage_number, position, id", params)
        return self._convert(rows, _item)

    def listed(self, stage_id: str | None = None, status: Status | None = None, kind: str | None = None,
               core: bool = False) -> tuple[int, int, int, bool, Iterator[ListRow]]:
        """`list`'s rows (the items of the roadmaps in scope that pass every filter given): how many,
        the longest number and id (so the screen's columns are known before its first row), whether
        numbers are shown as typed with several roadmaps in scope (name/2.1, as in `stages`), and the
        rows in roadmap order as they are read.

        Read from the tables, not the item view, with only what the list shows, stage by stage: the
        stage's number and roadmap are given to its query rather than joined to every row, and each
        row comes from SQLite as the ListRow it is, with no Python per row. The stored values a row
        could hold that the screen cannot show (hours that are not a finite number, a status that is
        none of mlpath's) are looked for first, so that a damaged one is one clear error before any
        row is printed."""
        where, params = self._listed_where(stage_id, status, kind, core)
        # the state is joined for the count only when --status asks
        state = f"LEFT JOIN resource_state x ON {_STATE_OF_R} " if status is not None else ""
        several = len(self._scope or ()) > 1  # (_listed_where found the scope)
        named = "LENGTH(r.roadmap) + 1 + " if several else ""
        (count, number_w, id_w, damaged), = self._read(  # (a number's length added up: cheaper than made)
            f"SELECT COUNT(*), COALESCE(MAX({named}LENGTH(s.number) + 1 + LENGTH(r.position)), 0), "
            f"COALESCE(MAX(LENGTH(r.id)), 0), MIN(CASE WHEN {_FINITE_HOURS} THEN NULL ELSE r.id END) "
            f"FROM resource r JOIN stage s ON s.id = r.stage_id {state}WHERE {where}", params)
        if damaged is not None:
            (hours,), = self._read("SELECT hours FROM resource WHERE id = ?", [damaged])
            self._convert([hours], lambda h: _check(f"resource {damaged!r:.40}: hours", h, "FLOAT", nullable=False))
        # (the few stored states, not the rows: a status is stored once for every resource showing it)
        unknown = self._read(f"SELECT x.status FROM resource_state x WHERE x.status NOT IN ({_STATUS_VALUES}) AND "
                             f"EXISTS (SELECT 1 FROM resource r WHERE {_STATE_OF_R} AND {where}) LIMIT 1", params)
        if unknown:
            raise database_problem(KeyError(unknown[0][0]), self.path)
        roadmaps, first = ("JOIN roadmap m ON m.name = s.roadmap ", "m.position, ") if several else ("", "")
        scoped, scope = self._in_scope("s.roadmap")
        chosen, stage_params = (" AND s.id = ?", [stage_id]) if stage_id is not None else ("", [])
        stages = self._read(f"SELECT s.id, s.number, s.roadmap FROM stage s {roadmaps}WHERE 1{scoped}{chosen} "
                            f"ORDER BY {first}s.number, s.id", [*scope, *stage_params])
        sql = (f"SELECT {_LIST_COLUMNS} FROM resource r LEFT JOIN resource_state x ON {_STATE_OF_R} "
               f"WHERE r.stage_id = ? AND {where} ORDER BY r.position, r.id")

        def rows() -> Iterator[ListRow]:
            make = functools.partial(tuple.__new__, ListRow)
            for stage, number, road in stages:
                for batch in self.db.stream(sql, [number, road, stage, *params], 1024):
                    yield from map(make, batch)

        return count, number_w, id_w, several, rows()

    def list_entries(self, stage_id: str | None = None, status: Status | None = None, kind: str | None = None,
                     core: bool = False) -> Iterator[ListEntry]:
        """`list --json`'s rows: listed()'s, in its order, with what the JSON gives of each, read as
        they are wanted. A stored value that cannot be given (hours that are not a finite number, an
        unknown status) is one clear error."""
        where, params = self._listed_where(stage_id, status, kind, core)
        make, statuses = tuple.__new__, _STATUS
        for batch in self.db.stream(self._listed_sql(_ENTRY_COLUMNS, where), params, 1024):
            damaged = next((row for row in batch if not row[-1]), None)  # hours that are not a finite number
            if damaged is not None:
                self._convert([damaged], _entry_hours)
            try:
                made = [make(ListEntry, (rid, number, title, stage, kind, core == 1, hours, url, statuses[status],
                                         done_at, road))
                        for rid, number, title, stage, kind, core, hours, url, status, done_at, road, _ in batch]
            except KeyError as exc:  # an unknown status
                raise database_problem(exc, self.path) from None
            yield from made

    def _listed_where(self, stage_id: str | None, status: Status | None, kind: str | None,
                      core: bool) -> tuple[str, list[Any]]:
        """The condition on the tables (resource r, its stage s, its state x) that keeps `list`'s rows,
        and its parameters: the roadmaps in scope and each filter given."""
        given: list[tuple[str, list[Any]]] = []  # each filter given: its condition on the tables, its parameters
        given += [("r.stage_id = ?", [stage_id])] if stage_id is not None else []
        given += [("COALESCE(x.status, 'todo') = ?", [status.value])] if status is not None else []
        given += [("r.kind = ?", [kind])] if kind is not None else []
        given += [("r.core != 0", [])] if core else []
        scoped, scope = self._in_scope("r.roadmap")
        where = f"r.retired = 0{scoped}" + "".join(f" AND {condition}" for condition, _ in given)
        return where, [*scope, *(p for _, ps in given for p in ps)]

    def _listed_sql(self, columns: str, where: str) -> str:
        """`list`'s rows' query: these columns of the rows `where` keeps, in roadmap order (by the
        roadmaps' places only when there are several in scope)."""
        several = len(self._scope or ()) > 1
        roadmaps, first = ("JOIN roadmap m ON m.name = r.roadmap ", "m.position, ") if several else ("", "")
        return (f"SELECT {columns} FROM resource r JOIN stage s ON s.id = r.stage_id {roadmaps}"
                f"LEFT JOIN resource_state x ON {_STATE_OF_R} WHERE {where} ORDER BY {first}s.number, r.position, r.id")

    def find(self, queries: Sequence[str], include_retired: bool = False) -> list[Item]:
        """The items a learner names by id, unique id prefix or number (progress.resolve_all's rules).

        Reads only the rows the queries could name (an id range and a number lookup per query,
        through the indexes), so `done ID` costs the same with 150 resources or 100,000; the
        whole list is read only when a query names nothing, to suggest what was meant.
        """
        parts: list[str] = []
        params: list[str | int] = []
        for query in queries:
            q = query.strip().lower()
            name, rest = progress.split_id(q)
            parts.append("SELECT id FROM resource WHERE id >= ? AND id < ?")
            params += [q, q + _AFTER_ID_CHARS]
            parts.append("SELECT id FROM resource WHERE short_id >= ? AND short_id < ?"
                         + (" AND roadmap = ?" if name else ""))
            params += [rest, rest + _AFTER_ID_CHARS, *([name] if name else [])]
            number = _NUMBER.fullmatch(rest)
            if number:
                parts.append("SELECT r.id FROM resource r JOIN stage s ON s.id = r.stage_id "
                             "WHERE s.number = ? AND r.position = ?" + (" AND r.roadmap = ?" if name else ""))
                params += [int(number[1]), int(number[2]), *([name] if name else [])]
        scoped, scope_params = self._in_scope()
        where = ("" if include_retired else "retired = 0 AND ") + "1" + scoped
        rows = self._read(f"SELECT {_ITEM_COLUMNS} FROM item WHERE {where} AND id IN ({' UNION '.join(parts)}) "
                          "ORDER BY retired, roadmap_position, stage_number, position, id", [*scope_params, *params])
        try:
            return resolve_all(queries, self._convert(rows, _item))
        except UnknownResource:
            return resolve_all(queries, self.items(include_retired))  # raises, with suggestions

    # What `next` reads (report.recommendations): the few candidates it ranks and the aggregates its
    # rules need, never the whole item view; so it costs about the same at 150 resources or 100,000.
    # Like items(), each reads the roadmaps in scope, and a resource the same page as one tracked
    # before (same_as) has that one's state.

    def standing(self, stages: Sequence[StageInfo]) -> progress.Standing:
        """progress.Standing from SQL: the groups a done member satisfies, and which stages' core paths
        are finished (each an EXISTS that stops at the first unfinished item)."""
        scoped, scope = self._in_scope("r.roadmap")
        rows = self._read(f"SELECT DISTINCT r.choose_one FROM resource r JOIN resource_state x ON {_STATE_OF_R} "
                          f"WHERE r.choose_one IS NOT NULL AND r.retired = 0{scoped} AND x.status = 'done'", scope)
        satisfied = frozenset(str(group) for (group,) in rows)
        scoped, scope = self._in_scope("s.roadmap")
        rows = self._read(f"SELECT s.id, EXISTS ({_IN_STAGE}), EXISTS ({_IN_STAGE} AND r.core = 1), "
                          f"EXISTS ({_UNFINISHED_IN_STAGE} AND r.core = 1), EXISTS ({_UNFINISHED_IN_STAGE}) "
                          f"FROM stage s WHERE 1{scoped}", [json.dumps(sorted(satisfied))] * 2 + scope)
        finished = frozenset(sid for sid, has, core, core_left, left in rows
                             if has and not (core_left if core else left))
        with_items = frozenset(sid for sid, has, *_ in rows if has)
        return progress.Standing(satisfied, with_items, finished, progress.previous_stages(stages))

    def _candidates(self, satisfied: frozenset[str]) -> tuple[str, list[Any]]:
        """The items `next` may suggest: todo or under way, not in a choose_one group already finished,
        not the same page as an item in scope tracked before (progress.recommend's rules)."""
        scoped, scope = self._in_scope()
        other, other_scope = self._in_scope("o.roadmap")
        return (f"SELECT {_ITEM_COLUMNS} FROM item WHERE retired = 0{scoped} AND status IN ('todo', 'doing') AND "
                "(choose_one IS NULL OR choose_one NOT IN (SELECT value FROM json_each(?))) AND (same_as IS NULL "
                f"OR NOT EXISTS (SELECT 1 FROM resource o WHERE o.id = item.same_as AND o.retired = 0{other}))",
                [*scope, json.dumps(sorted(satisfied)), *other_scope])

    def doing(self, satisfied: frozenset[str], stage_id: str | None = None) -> list[Item]:
        """The items under way that `next` may suggest (of one stage, or all), in roadmap order."""
        sql, params = self._candidates(satisfied)
        doing = "SELECT resource_id FROM resource_state WHERE status = 'doing'"
        where = " AND stage_id = ?" if stage_id is not None else ""
        rows = self._read(f"{sql} AND status = 'doing' AND (id IN ({doing}) OR same_as IN ({doing})){where} "
                          "ORDER BY roadmap_position, stage_number, position, id",
                          [*params, *([stage_id] if stage_id is not None else [])])
        return self._convert(rows, _item)

    def candidates(self, satisfied: frozenset[str], stage_id: str, core: bool, after: bool | None = None,
                   limit: int = -1, batch: int = 64, first: int | None = None) -> Iterator[list[Item]]:
        """The items `next` may suggest in one stage, core or optional, in roadmap order, in batches read
        as they are wanted (`first` rows, then `batch` at a time): all of them, or only those with
        (after=True) or without (False) their own prerequisites."""
        sql, params = self._candidates(satisfied)
        where = "" if after is None else " AND after IS NOT NULL" if after else " AND after IS NULL"
        for rows in self.db.stream(f"{sql} AND stage_id = ? AND core = ?{where} ORDER BY position, id LIMIT ?",
                                   [*params, stage_id, int(core), min(limit, _MOST_ROWS)], batch, first):
            yield self._convert(rows, _item)

    def finished(self, ids: Sequence[str], satisfied: frozenset[str]) -> dict[str, bool]:
        """Whether each of these resources is finished (progress.finished); those retired or out of scope,
        and unknown ids, are left out."""
        scoped, scope = self._in_scope("r.roadmap")
        rows = self._read(f"SELECT r.id, COALESCE(x.status, 'todo'), r.choose_one FROM resource r LEFT JOIN "
                          f"resource_state x ON {_STATE_OF_R} WHERE r.retired = 0{scoped} AND r.id IN "
                          "(SELECT value FROM json_each(?))", [*scope, json.dumps(list(ids))])
        return dict(self._convert(rows, lambda r: (r[0], progress.finished(_STATUS[r[1]], r[2], satisfied))))

    def core_left(self, stage_ids: Sequence[str], satisfied: frozenset[str]) -> dict[str, int]:
        """How many core items `next` may still suggest in each of these stages."""
        sql, params = self._candidates(satisfied)
        rows = self._read(f"SELECT stage_id, COUNT(*) FROM ({sql} AND core = 1 AND stage_id IN "
                          "(SELECT value FROM json_each(?))) GROUP BY stage_id", [*params, json.dumps(list(stage_ids))])
        return dict(rows)

    def choice_groups(self, names: Sequence[str]) -> dict[str, list[str]]:
        """The members of each of these choose_one groups, in roadmap order."""
        scoped, scope = self._in_scope()
        groups: dict[str, list[str]] = {}
        for group, rid in self._read(f"SELECT choose_one, id FROM item WHERE retired = 0{scoped} AND choose_one IN "
                                     "(SELECT value FROM json_each(?)) "
                                     "ORDER BY roadmap_position, stage_number, position, id",
                                     [*scope, json.dumps(list(names))]):
            groups.setdefault(group, []).append(rid)
        return groups

    def stage_tallies(self) -> tuple[list[progress.Tally], list[progress.Tally]]:
        """What the per-stage totals add up (progress.stage_sums), without making every item: the
        tallies of the roadmaps in scope, and the same with every page counted once (catalog.distinct).

        Resources in no choose_one group are summed by SQL (progress.effort_of's rules, written in
        _EFFORT_SUMS), one row per stage and per whether the page is one tracked before; the members
        of groups, which need progress.units' choice, are read whole. A stored value progress could
        not read (bit flips, hand edits) is counted too, and then the rows are read one by one, so
        the error names it."""
        scoped, scope = self._in_scope("r.roadmap")
        other, other_scope = self._in_scope("o.roadmap")
        source = (f"SELECT r.stage_id, {{number}}r.core, COALESCE(x.status, 'todo') AS status, r.hours AS planned, "
                  f"COALESCE(x.logged_hours, 0) AS logged, x.fraction, CASE WHEN r.same_as IS NULL THEN 0 ELSE "
                  f"EXISTS (SELECT 1 FROM resource o WHERE o.id = r.same_as AND o.retired = 0{other}) END AS linked "
                  f"FROM resource r {{stage}}LEFT JOIN resource_state x ON {_STATE_OF_R} "
                  f"WHERE r.retired = 0{scoped} AND r.choose_one IS NULL AND COALESCE(x.status, 'todo') != 'skipped'")
        rows = self._read(_EFFORT_SUMS.format(source=source.format(number="", stage="")), [*other_scope, *scope])
        (state_ok,), = self._read(_STATE_READABLE)
        if not state_ok or any(bad for *_, bad in rows):  # read again row by row: an error names the value
            self._convert(self._read(source.format(number="s.number, r.position, ", stage="JOIN stage s ON "
                                                   "s.id = r.stage_id "), [*other_scope, *scope]), _unit)
        every = [progress.Tally(*row[:7]) for row in rows]
        once = [progress.Tally(*row[:7]) for row in rows if not row[7]]
        rows = self._read(f"SELECT {_ITEM_COLUMNS} FROM item r WHERE retired = 0{scoped} AND choose_one IS NOT NULL "
                          "ORDER BY roadmap_position, stage_number, position, id", scope)
        members = self._convert(rows, _item)
        if members:
            shown = {rid for (rid,) in self._read(
                f"SELECT o.id FROM resource o WHERE o.retired = 0{other} AND o.id IN (SELECT value FROM json_each(?))",
                [*other_scope, json.dumps(sorted({m.same_as for m in members if m.same_as}))])}
            every += progress.tally([progress.as_unit(i) for i in progress.units(members)])
            once += progress.tally([progress.as_unit(i) for i in progress.units(
                [m for m in members if m.same_as not in shown])])
        return every, once

    def reviews_due(self, today: date, tz: tzinfo) -> int:
        """How many finished pieces of study in scope are due for review on or before today
        (spaced.due_reviews' count over catalog.distinct's items: a page two roadmaps share counts once).

        Counted from the stored state, each state once when a resource in scope shows it. SQL counts
        those surely due (before yesterday began in UTC, whatever the time zone); the few due around
        today are checked in the learner's time zone. With every roadmap in scope the count is every
        due state but the few that no resource shows (its own resource retired or showing another's,
        and none the same page as it in view), so the states are counted, not probed one by one."""
        from mlpath import spaced

        first = timedelta(days=spaced.FIRST_REVIEW_DAYS)
        surely, unsure = (f"{today + timedelta(days=days)}T00:00:00Z" for days in (-1, 2))
        # a resource never reviewed is due FIRST_REVIEW_DAYS after its finish: compared by its finish
        bounds = [(at, clock.stamp(clock.parse_stamp(at) - first)) for at in (surely, unsure)]
        before, after = _DUE.format("<", "<"), _DUE.format(">=", ">=")
        scoped, scope = self._in_scope("r.roadmap")
        shown = _SHOWN.format(scoped=scoped)
        if scoped:
            (count,), = self._read(f"SELECT COUNT(*) FROM resource_state x WHERE {_DONE} AND {before} AND {shown}",
                                   [*bounds[0], *scope, *scope])
        else:
            (count,), = self._read(f"SELECT (SELECT COUNT(*) FROM resource_state x WHERE {_DONE} AND {before}) "
                                   f"- (SELECT COUNT(*) FROM resource_state x WHERE x.resource_id IN ({_NOT_ITS_OWN}) "
                                   f"AND {_DONE} AND {before} AND NOT {shown})", [*bounds[0]] * 2)
        # the few near today: read from the stored state, not by joining every resource to it
        near = self._read(f"SELECT x.review_due, x.done_at FROM resource_state x "
                          f"WHERE {_DONE} AND {after} AND {before} AND {shown}",
                          [*bounds[0], *bounds[1], *scope, *scope])
        due: list[bool] = self._convert(near, lambda r: clock.local_day(r[0] or spaced.first_due(r[1]), tz) <= today)
        return int(count) + sum(due)

    def _convert(self, rows: Sequence[Any], make: Callable[[Any], Any]) -> list[Any]:
        """Rows made into objects; a stored value that cannot be (bit flips, hand edits) is one clear error."""
        try:
            return [make(r) for r in rows]
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise database_problem(exc, self.path) from None

    def _everything(self, conn: sqlite3.Connection) -> tuple[dict[str, tuple[Any, ...]],
                                                             tuple[tuple[str, Any, str], ...]]:
        try:
            return _everything(conn)
        except (ValueError, KeyError, TypeError, IndexError) as exc:  # a damaged stored value
            raise database_problem(exc, self.path) from None

    def _records(self, table: schema.Table, filters: Sequence[tuple[str, Any]], order: str) -> list[Any]:
        """The records of a table, narrowed by each (condition, value) whose value is given."""
        used = [(condition, value) for condition, value in filters if value is not None]
        where = " WHERE " + " AND ".join(c for c, _ in used) if used else ""
        rows = self._read(f"{table.select()}{where} ORDER BY {order}", [v for _, v in used])
        return self._convert(rows, lambda r: _record(table, r))

    def events(self, resource_id: str | None = None, since: str | None = None) -> list[Event]:
        """Status events in the order they count (by place, see schema.EVENT): of one resource, or of all
        since a UTC stamp."""
        return self._records(schema.EVENT, [("resource_id = ?", resource_id), ("at >= ?", since)], "place, id")

    def sessions(self, resource_id: str | None = None, since_day: str | None = None) -> list[Session]:
        return self._records(schema.STUDY_SESSION, [("resource_id = ?", resource_id), ("day >= ?", since_day)],
                             "day, at, id")

    def notes(self, resource_id: str | None = None) -> list[Note]:
        return self._records(schema.NOTE, [("resource_id = ?", resource_id)], "at, id")

    def reviews(self, resource_id: str | None = None, since: str | None = None) -> list[Review]:
        # by time: answers are replayed in time order, so the latest in time holds the schedule
        return self._records(schema.REVIEW, [("resource_id = ?", resource_id), ("at >= ?", since)], "at, id")

    def marks(self, resource_id: str | None = None) -> list[Mark]:
        """Progress shares set with `mlpath progress`, in the order they count (by place; the last counts)."""
        return self._records(schema.PROGRESS_MARK, [("resource_id = ?", resource_id)], "place, id")

    def last_notes(self, ids: Sequence[str] | None = None) -> dict[str, Note]:
        """Each resource's latest note (of every resource, or of these): a dated note or the note of a logged
        session, whichever is newer."""
        where = "" if ids is None else " AND resource_id IN (SELECT value FROM json_each(?))"
        rows = self._read(f"SELECT resource_id, at, text FROM (SELECT resource_id, at, text, id, 1 AS kind "
                          f"FROM {schema.NOTE.live} WHERE 1{where} UNION ALL SELECT resource_id, at, note, id, 0 "
                          f"FROM {schema.STUDY_SESSION.live} WHERE note IS NOT NULL{where}) ORDER BY at, kind, id",
                          [] if ids is None else [json.dumps(list(ids))] * 2)
        return {n.resource_id: n for n in self._convert(rows, lambda r: _record(schema.NOTE, r))}

    def goals(self) -> list[Goal]:
        """Weekly goals in the order they were set; the last one is in force."""
        return self._records(schema.GOAL, [], "id")

    def goal(self) -> float | None:
        """The weekly goal in force, in hours; None when none is set."""
        rows = self._read("SELECT hours_per_week FROM live_goal ORDER BY id DESC LIMIT 1")
        hours = self._convert(rows, lambda r: _check("goal.hours_per_week", r[0], "FLOAT"))
        return hours[0] if hours else None

    def first_activity(self) -> tuple[str | None, str | None]:
        """The first day time was logged, and the first time (UTC) anything was started, done or reviewed."""
        rows = self._read(
            "SELECT (SELECT MIN(day) FROM live_study_session), "
            "(SELECT MIN(at) FROM live_event WHERE status IN ('doing', 'done')), "
            "(SELECT MIN(at) FROM live_review), (SELECT MIN(at) FROM live_progress_mark)")
        row = self._convert(rows, lambda r: [_check("first day", r[0], "VARCHAR", time="day")]
                            + [_check("first stamp", at, "VARCHAR", time="stamp") for at in r[1:]])[0]
        stamps = [at for at in row[1:] if at]
        return row[0], min(stamps) if stamps else None

    def latest_reviews(self) -> dict[str, Review]:
        """Each reviewed resource's latest review (its current schedule)."""
        latest: dict[str, Review] = {}
        for review in self.reviews():
            latest[review.resource_id] = review
        return latest

    def roadmap_title(self) -> str:
        return self.meta().get("roadmap_title", "mlpath")

    def dump(self) -> Dump:
        """Everything the learner recorded, for the JSON export: undone records too, marked so."""
        from mlpath.backup import BackupResource, BackupRoadmap, Dump

        meta = self.meta()
        records, undone = self._everything(self.db.snapshot())
        used = {r.resource_id for key, group in records.items() if key != "goals" for r in group}
        resources = tuple(
            BackupResource(*r) for r in self._read("SELECT id, title, kind, stage_id, hours FROM resource ORDER BY id")
            if r[0] in used
        )
        roadmaps = tuple(
            BackupRoadmap(row, tuple(self._read(f"{schema.STAGE.select()} WHERE roadmap = ? ORDER BY number, id",
                                                (row[0],))),
                          tuple(self._read(f"{schema.RESOURCE.select()} WHERE roadmap = ? ORDER BY id", (row[0],))))
            for row in self._read(f"{schema.ROADMAP.select()} WHERE name != ? ORDER BY position", (catalog.FIRST,)))
        return Dump(meta.get("roadmap_title", ""), int(meta.get("roadmap_version", "0")), resources,
                    records["events"], records["sessions"], records["notes"], records["reviews"], undone,
                    progress=records["progress"], goals=records["goals"], roadmaps=roadmaps)

    # ---------------------------------------------------------------- writes
    # Every write that changes progress is one action: its rows carry the action's id, so that
    # `undo` can leave them out later (see schema.ACTION), and nothing is ever deleted.

    @contextmanager
    def _action(self, command: str, summary: str, at: str) -> Iterator[_Action]:
        with self.db.transaction() as conn:
            yield _Action(conn, command, summary, at)

    def set_status(self, items: Sequence[Item], status: Status, at: str, note: str | None = None,
                   rating: int | None = None) -> list[Change]:
        """Set one status on every item: an event for each whose status really changes (or that gets a
        note or rating)."""
        changes = [Change(i, status, i.status is not status or note is not None or rating is not None) for i in items]
        changed = [c for c in changes if c.changed]
        command = COMMANDS[status]
        with self._action(command, f"{command} {', '.join(c.item.id for c in changed)}", at) as action:
            action.insert([Event(c.item.record_id, c.status, at, note, rating) for c in changed])
        return changes

    def set_statuses(self, pairs: Sequence[tuple[Item, Status]], at: str, note: str | None = None) -> list[Change]:
        """Set each item's own status (as an import does), all in one transaction."""
        summary = f"import of a checklist ({len(pairs)} changed{'; ' + note if note else ''})"
        with self._action("import", summary, at) as action:
            action.insert([Event(item.record_id, status, at, note) for item, status in pairs])
        return [Change(item, status, True) for item, status in pairs]

    def log_time(self, item: Item, session: Session, start: bool) -> float:
        """Record a study session (and start a todo resource) in one transaction; the day's new total.

        The hours-per-day limit is checked inside that transaction, so concurrent `log`s cannot
        together exceed it.
        """
        with self._action("log", f"log {amount(session.hours)} h on {item.id} for {session.day}", session.at) as action:
            total = _check_day(action.conn, session)
            action.insert([Event(item.record_id, Status.doing, session.at)] if start else [])
            action.insert([session])
        return total

    def set_progress(self, item: Item, mark: Mark, start: bool) -> None:
        """Record a progress share, and mark a todo resource as started, in one transaction."""
        with self._action("progress", f"progress {mark.label} on {item.id}", mark.at) as action:
            action.insert([Event(item.record_id, Status.doing, mark.at)] if start else [])
            action.insert([mark])

    def set_goal(self, goal: Goal) -> None:
        what = "goal off" if goal.hours_per_week is None else f"goal {amount(goal.hours_per_week)} h a week"
        with self._action("goal", what, goal.at) as action:
            action.insert([goal])

    def add_note(self, note: Note) -> None:
        with self._action("note", f"note on {note.resource_id}", note.at) as action:
            action.insert([note])

    def add_review(self, review: Review) -> None:
        summary = f"review of {review.resource_id} ({grade_name(review.grade)})"
        with self._action("review", summary, review.at) as action:
            action.insert([review])

    def undo(self, at: str) -> Undone | None:
        """Revert the latest action not yet undone: record an undo naming it and a tombstone for each
        row it wrote (nothing is deleted); None when there is nothing left to undo."""
        with self._action("undo", "", at) as action:
            row = action.conn.execute(
                "SELECT id, command, at, summary FROM action a WHERE command != 'undo' AND NOT EXISTS "
                "(SELECT 1 FROM action u WHERE u.undoes = a.id) ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                return None
            target, command, when, summary = row
            undo_id = action.record(f"undo {summary}", undoes=target)
            rows = 0
            for table in schema.UNDOABLE:
                rows += action.conn.execute(
                    f"INSERT INTO tombstone (table_name, row_id, by_action) SELECT '{table.name}', id, ? "
                    f"FROM {table.live} WHERE action_id = ?", (undo_id, target)).rowcount
        return Undone(command, when, summary, rows)

    # ---------------------------------------------------------------- the study timer

    def running_timer(self) -> Timer | None:
        timers = self._records(schema.TIMER, [], "id")
        return timers[0] if timers else None

    def start_timer(self, timer: Timer) -> Timer | None:
        """Store timer as the running one; if one is running already, change nothing and return it."""
        with self.db.transaction() as conn:
            row = conn.execute(f"{schema.TIMER.select()} ORDER BY id LIMIT 1").fetchone()
            if row is not None:
                return type(timer)(*row)  # a Timer
            _insert(conn, [timer])
        return None

    def stop_timer(self, timer: Timer, session: Session | None, start: bool) -> float | None:
        """End timer, logging session (and starting a todo resource) in the same transaction.

        Returns the hours logged on the session's day (0 without a session); None, with nothing
        written, when the timer was already stopped (from another terminal). The hours-per-day
        limit is checked inside the transaction.
        """
        with self.db.transaction() as conn:
            gone = conn.execute("DELETE FROM timer WHERE resource_id = ? AND started_at = ?",
                                (timer.resource_id, timer.started_at)).rowcount
            if not gone:
                return None
            if session is None:
                return 0.0
            action = _Action(conn, "study", f"study {amount(session.hours)} h on {session.resource_id}", session.at)
            total = _check_day(conn, session)
            action.insert([Event(session.resource_id, Status.doing, session.at)] if start else [])
            action.insert([session])
        return total

    def merge(self, dump: Dump, at: str) -> MergeReport:
        """Add what the dump holds that the database lacks, in one transaction; nothing is removed.

        Records for resources the roadmap no longer has are kept under retired resources.
        """
        from mlpath import backup
        from mlpath.backup import Dump, MergeReport

        with self._action("import", "import of a backup", at) as action:
            conn = action.conn
            brought = _restore_roadmaps(conn, dump.roadmaps)  # before the records that name their resources
            records, undone = self._everything(conn)
            have = Dump(events=records["events"], sessions=records["sessions"], notes=records["notes"],
                        reviews=records["reviews"], undone=undone, progress=records["progress"], goals=records["goals"])
            known = {r[0] for r in conn.execute("SELECT id FROM resource")}
            day_hours = dict(conn.execute("SELECT day, SUM(hours) FROM live_study_session GROUP BY day").fetchall())
            plan = backup.merge_plan(dump, have, known, day_hours)
            action.summary = f"import of a backup ({plan.record_count()} records)"
            _add_placeholders(conn, plan.resources)
            for group in (plan.events, plan.sessions, plan.notes, plan.progress, plan.goals):
                action.insert(group, imported=True)
            # an answer's schedule is replayed below, from every answer and finish of its resource
            from mlpath.spaced import Review

            action.insert([Review(*answer, 0.0, 0.0, answer.at) for answer in plan.reviews])
            for section, record, undone_at in plan.undone:  # undone where the backup was made: here too
                action.bury(section_tables()[section], record, undone_at)
            rescheduled = {r.resource_id for r in plan.reviews}
            rescheduled |= {e.resource_id for e in plan.events if e.status is Status.done}
            if rescheduled:
                migrations.replay_reviews(conn, "review", sorted(rescheduled))
        self._scope = None
        return MergeReport(len(plan.events), len(plan.sessions), len(plan.notes), len(plan.reviews),
                           tuple(r.id for r in plan.resources), len(plan.undone), len(plan.progress), len(plan.goals),
                           brought)


def _restore_roadmaps(conn: sqlite3.Connection, roadmaps: Sequence[BackupRoadmap]) -> tuple[str, ...]:
    """The backup's roadmaps this database does not track yet, tracked as they were (ids and links);
    one it tracks already is left as it is here. Returns the names brought."""
    have = {name for (name,) in conn.execute("SELECT name FROM roadmap")}
    ids = {rid for (rid,) in conn.execute("SELECT id FROM resource")}
    stage_ids = {sid for (sid,) in conn.execute("SELECT id FROM stage")}
    brought = []
    for road in roadmaps:
        if road.name in have:
            continue
        position = conn.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM roadmap").fetchone()[0]
        conn.execute(schema.ROADMAP.insert(), (road.name, position, *road.row[2:]))
        stages = [_owned(schema.STAGE, row, road.name) for row in road.stages if row[0] not in stage_ids]
        conn.executemany(schema.STAGE.insert(), stages)
        stage_ids |= {row[0] for row in stages}
        rows = []
        for row in road.resources:  # an id this database has already keeps its resource (and gets the records)
            if row[0] not in ids and row[schema.RESOURCE.names.index("stage_id")] in stage_ids:
                rows.append(_owned(schema.RESOURCE, row, road.name))
                ids.add(row[0])
        same_as = schema.RESOURCE.names.index("same_as")
        conn.executemany(schema.RESOURCE.insert(), [[*r[:same_as], r[same_as] if r[same_as] in ids else None,
                                                     *r[same_as + 1:]] for r in rows])
        have.add(road.name)
        brought.append(road.name)
    return tuple(brought)


def _owned(table: schema.Table, row: Sequence[Any], name: str) -> list[Any]:
    """A backup's stage or resource row, as roadmap `name`'s."""
    out = list(row)
    out[table.names.index("roadmap")] = name
    return out


def _note_stamp(conn: sqlite3.Connection, stamp: str | None, digest: str) -> None:
    """Note in meta the stamp of the roadmap file whose bytes have this digest (see Store._stamp)."""
    if stamp is not None:
        conn.execute(f"{schema.META.insert()} ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     ("roadmap_stamp", f"{stamp} {digest}"))


def _check_day(conn: sqlite3.Connection, session: Session) -> float:
    """The day's total with session, refusing more hours than a day has (inside the write transaction)."""
    logged = conn.execute("SELECT COALESCE(SUM(hours), 0) FROM live_study_session WHERE day = ?",
                          (session.day,)).fetchone()[0]
    from mlpath.habits import check_hours

    return check_hours(session.hours, logged, date.fromisoformat(session.day))


class _Action:
    """The action a write belongs to, recorded with its first row (a command that changes
    nothing leaves no action behind)."""

    def __init__(self, conn: sqlite3.Connection, command: str, summary: str, at: str) -> None:
        self.conn, self.command, self.summary, self.at = conn, command, summary, at
        self.id: int | None = None
        self._undos: dict[str, int] = {}

    def record(self, summary: str | None = None, undoes: int | None = None) -> int:
        if self.id is None:
            cursor = self.conn.execute(schema.ACTION.insert(), (self.command, clock.normal_stamp(self.at),
                                                                summary or self.summary, undoes))
            self.id = cursor.lastrowid
        assert self.id is not None
        return self.id

    def insert(self, records: Sequence[Any], imported: bool = False) -> None:
        if records:
            _insert(self.conn, records, self.record(), imported)

    def bury(self, table: schema.Table, record: Any, undone_at: str) -> None:
        """A tombstone for the live row holding record, if there is one, dated when the backup's
        machine undid it (so a restored database exports the same undo times).

        The row is matched on the record's own fields: a backup's review is its answer, while the
        row also holds the schedule replayed from it."""
        where = " AND ".join(f"{n} IS ?" for n in record._fields)
        row = self.conn.execute(f"SELECT id FROM {table.live} WHERE {where} ORDER BY id LIMIT 1",
                                [_encode(v) for v in record]).fetchone()
        if row is not None:
            self.record()  # the import is still the command `undo` would revert
            self.conn.execute(schema.TOMBSTONE.insert(), (table.name, row[0], self._undone_by(undone_at)))

    def _undone_by(self, at: str) -> int:
        """The action standing for an undo made on the backup's machine at that time: an `undo` that
        reverts no action here, so `undo` never picks it and it carries the original time."""
        found = self._undos.get(at)
        if found is None:
            found = self.conn.execute(schema.ACTION.insert(), ("undo", clock.normal_stamp(at),
                                                               "undone where the backup was made", None)).lastrowid
            assert found is not None
            self._undos[at] = found
        return found


# Commands by the status they set (what `undo` says it reverts).
COMMANDS = {Status.done: "done", Status.doing: "start", Status.skipped: "skip", Status.todo: "reset"}


def section_tables() -> dict[str, schema.Table]:
    """The backup's sections of records, by name (backup is imported only by export and import)."""
    from mlpath import backup

    return {key: table for key, table, _ in backup.SECTIONS}


def _everything(conn: sqlite3.Connection) -> tuple[dict[str, tuple[Any, ...]], tuple[tuple[str, Any, str], ...]]:
    """Every record of the backup's sections, undone ones included, and which are undone (and when)."""
    records: dict[str, tuple[Any, ...]] = {}
    undone: list[tuple[str, Any, str]] = []
    for section, table in section_tables().items():
        rows = conn.execute(
            f"SELECT {', '.join('t.' + n for n in table.names)}, (SELECT a.at FROM tombstone x JOIN action a "
            f"ON a.id = x.by_action WHERE x.table_name = '{table.name}' AND x.row_id = t.id ORDER BY x.id LIMIT 1) "
            f"FROM {table.name} t ORDER BY {_ORDER.get(table.name, 't.id')}").fetchall()
        made = [_record(table, r[:-1]) for r in rows]
        if table is schema.REVIEW:
            made = [r.answer for r in made]
        records[section] = tuple(made)
        undone += [(section, record, r[-1]) for record, r in zip(made, rows, strict=True) if r[-1]]
    return records, tuple(undone)


# A backup lists reviews in time order (they are replayed so), events and progress shares in the
# order they count, so that importing it into an empty database places them the same (progress.places).
_ORDER = {schema.REVIEW.name: "t.at, t.id"} | {t.name: "t.place, t.id" for t in schema.TABLES if t.ordered}


def _encode(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return value


_NORMALISE = {"stamp": "normal_stamp", "day": "normal_day"}


def _insert(conn: sqlite3.Connection, records: Sequence[Any], action_id: int | None = None,
            imported: bool = False) -> None:
    """INSERT records of one value type into its table, stamps and days in their one stored form;
    an undoable table's rows carry the action that wrote them, an ordered table's their place:
    after every stored row of their resource, or for imported ones by their stamp (progress.places)."""
    if not records:
        return
    table = _tables()[type(records[0])]
    timed = [(n, getattr(clock, _NORMALISE[c.time])) for n, c in enumerate(table.columns) if c.time]
    rows = []
    for record in records:
        row = [_encode(v) for v in record]
        for n, normal in timed:
            row[n] = normal(row[n])
        rows.append([*row, action_id] if table.undoable else row)
    if table.ordered:
        resource, at = table.names.index("resource_id"), table.names.index("at")
        latest: dict[str, str] = {}
        if not imported:
            ids = json.dumps(sorted({row[resource] for row in rows}))  # one parameter however many
            latest = dict(conn.execute(f"SELECT resource_id, MAX(place) FROM {table.name} WHERE resource_id IN "
                                       "(SELECT value FROM json_each(?)) GROUP BY resource_id", (ids,)).fetchall())
        for row, place in zip(rows, progress.places([(row[resource], row[at]) for row in rows], latest), strict=True):
            row.append(place)
    conn.executemany(table.insert(), rows)


# The one stored form of stamps and days (clock.normal_stamp, clock.normal_day), years 1970-2100.
_NORMAL_FORM = {"stamp": re.compile(r"(19[7-9]\d|20\d\d|2100)-\d\d-\d\dT\d\d:\d\d:\d\dZ"),
                "day": re.compile(r"(19[7-9]\d|20\d\d|2100)-\d\d-\d\d")}
# What each SQL type must hold when read back (SQLite stores whatever it is given).
_STORED_TYPES: dict[str, Any] = {"VARCHAR": (str,), "INTEGER": (int,), "FLOAT": (int, float), "BOOLEAN": (int,)}


def _check(where: str, value: Any, kind: str, nullable: bool = True, time: str | None = None) -> Any:
    """value as stored; ValueError for a stored value that is not what its column holds (bit flips, hand edits):
    the wrong type, an empty required value, a number that is not finite, a stamp or day not in normal form."""
    if value is None:
        if not nullable:
            raise ValueError(f"{where} is empty")
        return value
    if not isinstance(value, _STORED_TYPES[kind]) or (kind == "FLOAT" and not math.isfinite(value)):
        raise ValueError(f"{where} holds {str(value)[:40]!r}, not a {kind.lower()}")
    if time is not None and not (_NORMAL_FORM[time].fullmatch(value) and _valid_moment(value)):
        raise ValueError(f"{where} holds {value[:40]!r}, not a {time} in normal form")
    return value


def _valid_moment(text: str) -> bool:
    try:
        datetime.fromisoformat(text)  # the regular expression let through 2026-02-30 and 25:00
    except ValueError:
        return False
    return True


def _checked(table: schema.Table, row: Sequence[Any]) -> Sequence[Any]:
    for column, value in zip(table.columns, row, strict=True):
        _check(f"{table.name}.{column.name}", value, column.type, column.nullable, column.time)
    return row


_PLAIN: dict[str, set[type]] = {"FLOAT": {int, float}, "INTEGER": {int}}
_INFINITE = (math.inf, -math.inf)
# The item view's columns that are not text, and those that hold a stamp (the others are the resource's).
_ITEM_CHECKS = tuple((Item._fields.index(name), name, kind, time) for name, kind, time in (
    ("hours", "FLOAT", None), ("logged_hours", "FLOAT", None), ("fraction", "FLOAT", None),
    ("rating", "INTEGER", None), ("done_at", "VARCHAR", "stamp"), ("started_at", "VARCHAR", "stamp")))


def _record(table: schema.Table, row: tuple[Any, ...]) -> Any:
    _checked(table, row)
    if table is schema.EVENT:
        return Event(row[0], _STATUS[row[1]], *row[2:])
    return _types()[table.name](*row)


@functools.cache
def _tables() -> dict[type, schema.Table]:
    return {record_type: table for table, record_type in record_types()}


@functools.cache
def _types() -> dict[str, type]:
    return {table.name: record_type for table, record_type in record_types()}


def _add_placeholders(conn: sqlite3.Connection, resources: Sequence[BackupResource]) -> None:
    """Retired resources (and, if needed, retired stages) for imported history of unknown ids."""
    if not resources:
        return
    stages = {r[0] for r in conn.execute("SELECT id FROM stage")}
    top = conn.execute("SELECT COALESCE(MAX(number), 0) FROM stage").fetchone()[0]
    base = max(RETIRED_STAGE_BASE, top + 1)
    for n, res in enumerate(resources, start=1):
        if res.stage not in stages:
            conn.execute(schema.STAGE.insert(), _stage_row(res.stage, base + len(stages), res.stage, None, retired=1))
            stages.add(res.stage)
        row = {"id": res.id, "stage_id": res.stage, "position": n, "title": res.title, "kind": res.kind, "core": 0,
               "hours": res.hours, "authors": "[]", "retired": 1, "roadmap": catalog.FIRST, "short_id": res.id}
        conn.execute(schema.RESOURCE.insert(), [row.get(name) for name in schema.RESOURCE.names])


RETIRED_STAGE_BASE = 1000  # numbers for stages that exist only because imported history needs them


# The item view's columns in Item's field order, so rows become Items positionally: at 10,000
# resources building them by column name was the largest cost of `mlpath next`. Only the
# fields named here need converting from their stored form.
_ITEM_COLUMNS = ", ".join(Item._fields)
# What `next` reads (Store.standing and after): a resource r's stored state ...
_STATE_OF_R = "x.resource_id = COALESCE(r.same_as, r.id)"
# ... the items of stage s, and those not finished (progress.finished; the parameter is a JSON list
# of the choose_one groups already finished) ...
_IN_STAGE = "SELECT 1 FROM resource r WHERE r.stage_id = s.id AND r.retired = 0"
_UNFINISHED_IN_STAGE = (f"SELECT 1 FROM resource r LEFT JOIN resource_state x ON {_STATE_OF_R} "
                        "WHERE r.stage_id = s.id AND r.retired = 0 AND COALESCE(x.status, 'todo') NOT IN "
                        "('done', 'skipped') AND (r.choose_one IS NULL OR r.choose_one NOT IN "
                        "(SELECT value FROM json_each(?)))")
# ... and the finished resources whose review is due before a stamp (the reviewed ones by their
# latest review, the others by their finish), and the resources that may not show their own stored
# state (retired, or showing another's; both few, found from their indexes).
_DONE = "x.status = 'done' AND x.done_at IS NOT NULL AND x.done_at != ''"
_DUE = "CASE WHEN x.review_due IS NOT NULL THEN x.review_due {} ? ELSE x.done_at {} ? END"
_NOT_ITS_OWN = "SELECT id FROM resource WHERE retired != 0 UNION SELECT id FROM resource WHERE same_as IS NOT NULL"
# ... and progress.effort_of's rules in SQL, summed per stage over the rows of a query (`source`, with
# the columns stage_id, core, status, planned, logged, fraction, linked): the estimate stretched by
# time logged past it, the share done, then a stage's tally per value of linked, and how many rows
# hold hours effort_of could not read (SQLite sorts text and blobs after every number, so a group
# whose least and greatest values lie between these two holds finite numbers only); _STATE_READABLE
# checks the stored states the same way, all at once (they are few beside the resources).
_LOWEST, _HIGHEST = -sys.float_info.max, sys.float_info.max
_EFFORT_SUMS = f"""
SELECT stage_id, SUM(status = 'done'), COUNT(*), SUM(status = 'doing'), SUM(estimate * share), SUM(estimate),
       SUM(CASE WHEN core THEN MAX(0.0, estimate * (1.0 - share)) ELSE 0.0 END), linked,
       NOT (MIN(planned) >= {_LOWEST} AND MAX(planned) <= {_HIGHEST})
FROM (SELECT *, CASE WHEN status = 'done' THEN 1.0
                     WHEN fraction IS NOT NULL THEN MIN(1.0, MAX(0.0, fraction))
                     WHEN logged > 0 AND estimate > 0 THEN MIN({progress.LOGGED_CAP!r}, logged / estimate)
                     ELSE 0.0 END AS share
      FROM (SELECT *, CASE WHEN status != 'done' AND logged > planned THEN logged / {progress.LOGGED_CAP!r}
                           ELSE planned END AS estimate
            FROM ({{source}})))
GROUP BY stage_id, linked
"""
_STATE_READABLE = (f"SELECT MIN(status IN ('todo', 'doing', 'done', 'skipped')) IS NOT 0 "
                   f"AND COALESCE(MIN(logged_hours) >= {_LOWEST} AND MAX(logged_hours) <= {_HIGHEST}, 1) "
                   f"AND COALESCE(MIN(fraction) >= {_LOWEST} AND MAX(fraction) <= {_HIGHEST}, 1) FROM resource_state")
# ... and whether a resource in view shows a stored state x: its own resource (when that shows its own
# state) or one the same page as it (found through their indexes); `scoped` is _in_scope("r.roadmap")'s.
_SHOWN = ("(EXISTS (SELECT 1 FROM resource r WHERE r.id = x.resource_id AND r.same_as IS NULL AND r.retired = 0"
          "{scoped}) OR EXISTS (SELECT 1 FROM resource r WHERE r.same_as = x.resource_id AND r.retired = 0{scoped}))")
_MOST_ROWS = 2**62  # a LIMIT SQLite takes (`next -n` may ask for any number)
_NUMBER = re.compile(r"(\d{1,9})\.(\d{1,9})")  # a resource number, e.g. 2.5 (vocab.resource_number)
_AFTER_ID_CHARS = "~"  # sorts after every character an id may hold ([a-z0-9-]): the end of a prefix range
_STATUS = {s.value: s for s in Status}
_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in Status)  # for SQL: every status mlpath knows


def _authors(value: str | None) -> tuple[str, ...]:
    return () if value in (None, "[]") else tuple(json.loads(value))


def _ids(value: str | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(json.loads(value))


def _unit(r: tuple[Any, ...]) -> tuple[progress.Unit, bool]:
    """A row of stage_tallies' source (stage id, number, position, core, status, hours, logged, fraction,
    linked), checked."""
    for n, name in _UNIT_CHECKS:  # on the hot read: the full check only where it can fail
        value = r[n]
        if (type(value) not in _PLAIN["FLOAT"] or value in _INFINITE) and (value is not None or n != 7):
            _check(f"resource of stage {r[0]!r:.40}: {name}", value, "FLOAT", nullable=name == "fraction")
    status = _STATUS[r[4]]
    return progress.Unit(r[0], r[1], r[2], bool(r[3]), status, progress.effort_of(status, r[5], r[6], r[7])), bool(r[8])


_UNIT_CHECKS = ((5, "hours"), (6, "logged_hours"), (7, "fraction"))


_CONVERT = tuple((Item._fields.index(name), convert) for name, convert in (
    ("core", bool), ("retired", bool), ("status", _STATUS.__getitem__), ("authors", _authors), ("after", _ids)))


# The columns `list` shows of a stage's rows (Store.listed), in ListRow's order: the stage's number and
# roadmap given as parameters, core as 0 or 1, hours and statuses checked beforehand.
_LIST_COLUMNS = ("r.id, ?, r.position, r.title, r.kind, r.core IS NOT NULL AND r.core != 0, r.hours, "
                 "COALESCE(x.status, 'todo'), ?")
# Hours a row can be shown with: a finite number (SQLite stores no NaN, and text or a blob sorts
# after every number; the column's REAL affinity stores text that reads as a number as one).
_FINITE_HOURS = f"r.hours BETWEEN -{sys.float_info.max!r} AND {sys.float_info.max!r}"
# `list --json`'s columns: ListEntry's, then whether the hours can be given.
_ENTRY_COLUMNS = ("r.id, s.number || '.' || r.position, r.title, r.stage_id, r.kind, "
                  "r.core IS NOT NULL AND r.core != 0, r.hours, r.url, COALESCE(x.status, 'todo'), x.done_at, "
                  f"r.roadmap, {_FINITE_HOURS}")


def _entry_hours(r: tuple[Any, ...]) -> Any:
    """A list_entries row's hours, checked (ValueError for a value that is not a finite number)."""
    return _check(f"resource {r[0]!r:.40}: hours", r[6], "FLOAT", nullable=False)


def _item(r: tuple[Any, ...]) -> Item:
    for n, name, kind, time in _ITEM_CHECKS:  # on the hot read: the full check only where it can fail
        value = r[n]
        if value is not None and (time or type(value) not in _PLAIN[kind] or value in _INFINITE):
            _check(f"resource {r[0]!r:.40}: {name}", value, kind, time=time)
    values = list(r)
    for n, convert in _CONVERT:
        values[n] = convert(values[n])
    return Item._make(values)


# Where each resource column comes from: the roadmap field of its name (core and authors then
# encoded), or None for those _Placed fills in.
_RESOURCE_FIELDS = tuple(roadmap.Resource._fields.index(n) if n in roadmap.Resource._fields and n != "after"
                         else None for n in schema.RESOURCE.names)
_ID, _SHORT_ID, _ROADMAP, _RETIRED, _STAGE_ID, _SAME_AS, _AFTER, _CORE, _AUTHORS, _CHOOSE_ONE = (
    schema.RESOURCE.names.index(n)
    for n in ("id", "short_id", "roadmap", "retired", "stage_id", "same_as", "after", "core", "authors", "choose_one"))


class _Placed(NamedTuple):
    """A roadmap's stages and resources under their stored ids (catalog.stored_id)."""

    stages: list[list[Any]]
    links: tuple[tuple[str, str], ...]  # (resource id, the id it is the same page as) made now
    road: Roadmap
    name: str
    ids: dict[str, str]  # resource id in the roadmap -> stored id
    stage_ids: dict[str, str]  # stage id in the roadmap -> stored id
    known: dict[str, tuple[str, str | None]]  # resource id in the roadmap -> (stored id, same_as), when stored before

    def resources(self) -> Iterator[list[Any]]:
        """The resource table's rows in schema.RESOURCE's column order, made one at a time: at 100,000
        resources the rows are never all in memory at once (executemany takes them as they come)."""
        ids, stage_ids, known, links = self.ids, self.stage_ids, self.known, dict(self.links)
        for stage in self.road.stages:
            for r in stage.resources:
                row = [None if n is None else r[n] for n in _RESOURCE_FIELDS]
                row[_CORE] = int(r.core)
                row[_AUTHORS] = _encode(r.authors) if r.authors else "[]"
                row[_ID] = stored = ids[r.id]
                row[_SHORT_ID], row[_ROADMAP], row[_RETIRED], row[_STAGE_ID] = r.id, self.name, 0, stage_ids[r.stage_id]
                row[_SAME_AS] = known[r.id][1] if r.id in known else links.get(stored)
                if r.choose_one and self.name != catalog.FIRST:  # a group is one roadmap's: name/group, like ids
                    row[_CHOOSE_ONE] = f"{self.name}/{r.choose_one}"
                if r.after is not None:
                    row[_AFTER] = json.dumps([ids.get(ref) or stage_ids.get(ref) or ref for ref in r.after])
                yield row


def _placed(conn: sqlite3.Connection, road: Roadmap, name: str) -> _Placed:
    """road's rows for roadmap `name`: stored ids kept for what it had, chosen for what is new
    (its own id when no other roadmap uses it), and new resources linked to the same page tracked
    before in another roadmap (catalog.links). Reads only."""
    stage_ids = dict(conn.execute("SELECT short_id, id FROM stage WHERE roadmap = ?", (name,)).fetchall())
    known = {sid: (rid, same) for sid, rid, same in conn.execute(
        "SELECT short_id, id, same_as FROM resource WHERE roadmap = ?", (name,))}
    new_stages = [st.id for st in road.stages if st.id not in stage_ids]
    if new_stages:
        taken = {r[0] for r in conn.execute("SELECT id FROM stage")}
        for sid in new_stages:
            stage_ids[sid] = catalog.stored_id(sid, name, taken)
            taken.add(stage_ids[sid])
    ids = {sid: rid for sid, (rid, _) in known.items()}
    new = [r for st in road.stages for r in st.resources if r.id not in known]
    if new:
        taken = {r[0] for r in conn.execute("SELECT id FROM resource")}
        for r in new:
            ids[r.id] = catalog.stored_id(r.id, name, taken)
            taken.add(ids[r.id])
    links: dict[str, str] = {}
    others = conn.execute("SELECT EXISTS (SELECT 1 FROM resource WHERE roadmap != ?)", (name,)).fetchone()[0]
    if new and others:
        own = conn.execute("SELECT r.id, r.url FROM resource r JOIN roadmap m ON m.name = r.roadmap "
                           "WHERE r.roadmap != ? AND r.same_as IS NULL AND r.url IS NOT NULL "
                           "ORDER BY m.position, r.rowid", (name,)).fetchall()
        links = catalog.links([(ids[r.id], r.url) for r in new], own)
    stages = [_stage_row(stage_ids[st.id], st.number, st.title, st.summary, retired=0, roadmap=name, short_id=st.id)
              for st in road.stages]
    return _Placed(stages, tuple(links.items()), road, name, ids, stage_ids, known)


def _stage_row(stage_id: str, number: int, title: str, summary: str | None, retired: int,
               roadmap: str = catalog.FIRST, short_id: str | None = None) -> list[Any]:
    """A stage table row in its declared column order (a column added to schema.STAGE fails here, loudly)."""
    row = {"id": stage_id, "number": number, "title": title, "summary": summary, "retired": retired,
           "roadmap": roadmap, "short_id": short_id or stage_id}
    return [row[name] for name in schema.STAGE.names]


def _seed(conn: sqlite3.Connection, road: Roadmap) -> None:
    """A new database's first roadmap."""
    _apply(conn, road, catalog.FIRST, None, ())


def _apply(conn: sqlite3.Connection, road: Roadmap, name: str, source: str | None,
           retired: Sequence[str]) -> _Placed:
    """Write road as roadmap `name` and retire what it no longer has (resources, stages)."""
    placed = _write_roadmap(conn, road, name, source)
    conn.executemany("UPDATE resource SET retired = 1 WHERE id = ?", [(r,) for r in retired])
    keep = [row[0] for row in placed.stages]
    conn.execute(f"UPDATE stage SET retired = 1 WHERE roadmap = ? AND id NOT IN ({','.join('?' * len(keep))})",
                 [name, *keep])
    return placed


def _write_roadmap(conn: sqlite3.Connection, road: Roadmap, name: str = catalog.FIRST,
                   source: str | None = None) -> _Placed:
    """Upsert the roadmap's row, its stages and resources (and the first roadmap's facts in meta)
    with set-based statements. A resource's link (same_as) is set when it first comes in, never changed."""
    conn.execute(f"{schema.ROADMAP.insert()} ON CONFLICT(name) DO UPDATE SET title = excluded.title, "
                 "version = excluded.version, digest = excluded.digest, source = COALESCE(excluded.source, source), "
                 "hidden = 0",
                 (name, conn.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM roadmap").fetchone()[0],
                  road.title, road.version, road.digest, source, 0))
    placed = _placed(conn, road, name)
    stage_cols = schema.STAGE.names
    conn.executemany(
        f"{schema.STAGE.insert()} ON CONFLICT(id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in stage_cols[1:]),
        placed.stages,
    )
    names = schema.RESOURCE.names
    conn.executemany(
        f"{schema.RESOURCE.insert()} ON CONFLICT(id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in names[1:] if c != "same_as"),
        placed.resources(),
    )
    if name == catalog.FIRST:
        conn.executemany(
            f"{schema.META.insert()} ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [("roadmap_version", str(road.version)), ("roadmap_digest", road.digest), ("roadmap_title", road.title)],
        )
    return placed
