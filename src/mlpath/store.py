"""The only module that talks to SQLite: creation, seeding, roadmap sync, queries and writes.

Two paths share one file:
- reads (every daily command) use the standard library's sqlite3 against the views below, so
  they never import SQLAlchemy or SQLModel;
- creation and writes go through SQLModel, the one definition of the schema (schema.py).

A new database is built in a temporary file and linked into place only when complete, so a
crash during the first seed never leaves a half-made database behind.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlpath.errors import DatabaseUnavailable, NotADatabase, SchemaTooNew
from mlpath.progress import Event, Item, StageInfo, Status

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from mlpath.roadmap import Roadmap, RoadmapFile

SQLITE_HEADER = b"SQLite format 3\x00"
SCHEMA_VERSION = 1  # mirrors schema.SCHEMA_VERSION without importing the ORM on the read path
BUSY_TIMEOUT_MS = 10_000

VIEWS = (
    """
    CREATE VIEW IF NOT EXISTS item AS
    SELECT r.id, r.stage_id, s.number AS stage_number, r.position, r.title, r.kind, r.core,
           r.hours, r.url, r.choose_one, r.authors, r.note, r.retired,
           COALESCE(last.status, 'todo') AS status,
           CASE WHEN last.status = 'done' THEN last.at END AS done_at,
           CASE WHEN last.status = 'done' THEN last.note END AS done_note,
           (SELECT MAX(e.at) FROM event e WHERE e.resource_id = r.id AND e.status = 'doing')
               AS started_at
    FROM resource r
    JOIN stage s ON s.id = r.stage_id
    LEFT JOIN event last
           ON last.id = (SELECT MAX(e.id) FROM event e WHERE e.resource_id = r.id)
    """,
)
INDEXES = ("CREATE INDEX IF NOT EXISTS ix_event_resource_order ON event (resource_id, id)",)


@dataclass(frozen=True, slots=True)
class Opened:
    """What opening the database did, for the CLI to report on stderr."""

    created: bool = False
    stages: int = 0
    resources: int = 0
    sync: SyncReport | None = None


@dataclass(frozen=True, slots=True)
class SyncReport:
    old_version: int
    new_version: int
    added: int
    changed: int
    retired: int

    @property
    def anything(self) -> bool:
        return bool(self.added or self.changed or self.retired)


@dataclass(frozen=True, slots=True)
class Change:
    item: Item
    status: Status
    changed: bool


class Store:
    """An open mlpath database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine: Engine | None = None

    # ---------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: Path, source: RoadmapFile, parse: Any) -> tuple[Store, Opened]:
        """Open (creating and seeding if needed) the database at path for the roadmap source.

        `parse` turns the source into a Roadmap; it is called only when the database is new or
        the roadmap's bytes changed since the last sync, so daily commands never parse YAML.
        """
        store = cls(path)
        if not store._exists():
            roadmap = parse(source)
            if store._create(roadmap):
                return store, Opened(True, len(roadmap.stages), len(roadmap.resources))
        meta = store.meta()
        if meta.get("roadmap_digest") != source.digest:
            report = store.sync(parse(source))
            return store, Opened(sync=report)
        return store, Opened()

    def _exists(self) -> bool:
        path = self.path
        if path.is_dir():
            raise DatabaseUnavailable(f"database path {path} is a directory, not a file")
        try:
            with open(path, "rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            return False
        except NotADirectoryError:
            raise DatabaseUnavailable(f"cannot use database {path}: a parent of it is a file, not a directory") from None
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot read database {path}: {exc.strerror}") from None
        if header == b"":
            # An empty file (e.g. from `touch`) holds no data to lose: treat it as new.
            return False
        if header != SQLITE_HEADER:
            raise NotADatabase(f"{path} is not an SQLite database; refusing to touch it")
        return True

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise DatabaseUnavailable(f"cannot open database {self.path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        return conn

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            with closing(self._connect()) as conn:
                return conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise NotADatabase(f"{self.path} is not a usable mlpath database ({exc})") from None

    def meta(self) -> dict[str, str]:
        try:
            rows = self._read("SELECT key, value FROM meta")
        except NotADatabase as exc:
            if "no such table" in str(exc):
                raise NotADatabase(f"{self.path} is an SQLite database but not an mlpath one; refusing to touch it") from None
            raise
        meta = {r["key"]: r["value"] for r in rows}
        schema = int(meta.get("schema_version", "0"))
        if schema > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"{self.path} was written by a newer mlpath (schema {schema}; this one knows {SCHEMA_VERSION})"
            )
        return meta

    # ---------------------------------------------------------------- ORM side

    def _engine_for(self, path: Path, wal: bool = True) -> Engine:
        from sqlalchemy import event
        from sqlmodel import create_engine

        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        # pysqlite opens transactions lazily and not before DDL; take control so that every
        # write (schema included) is one transaction, begun IMMEDIATE to avoid upgrade deadlocks.
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            dbapi_conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            dbapi_conn.execute("PRAGMA foreign_keys = ON")
            if wal:  # lets readers and one writer work at once; set outside any transaction
                dbapi_conn.execute("PRAGMA journal_mode = WAL")

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def _writer(self) -> Engine:
        if self._engine is None:
            self._engine = self._engine_for(self.path)
        return self._engine

    def _create(self, roadmap: Roadmap) -> bool:
        """Build a seeded database beside the target, then link it into place.

        Returns False when another process created the database first (its copy wins).
        """
        from sqlmodel import SQLModel

        from mlpath import schema  # noqa: F401  (registers the tables)

        parent = self.path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot create directory {parent}: {exc.strerror}") from None
        tmp = parent / f".{self.path.name}.{os.getpid()}.tmp"
        try:
            engine = self._engine_for(tmp, wal=False)  # one file to link; WAL starts on first write
            try:
                with engine.begin() as conn:
                    SQLModel.metadata.create_all(conn)
                    for sql in (*VIEWS, *INDEXES):
                        conn.exec_driver_sql(sql)
                    _write_roadmap(conn, roadmap, existing=None)
                    _set_meta(conn, _meta_for(roadmap) | {"schema_version": str(SCHEMA_VERSION)})
            finally:
                engine.dispose()
            try:
                os.link(tmp, self.path)  # atomic, and never replaces a database made meanwhile
            except FileExistsError:
                if self.path.stat().st_size == 0:
                    os.replace(tmp, self.path)
                    return True
                return False
            except OSError:
                os.replace(tmp, self.path)  # file systems without hard links
            return True
        except PermissionError as exc:
            raise DatabaseUnavailable(f"cannot write database in {parent}: {exc.strerror}") from None
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot create database {self.path}: {exc.strerror}") from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)

    def sync(self, roadmap: Roadmap) -> SyncReport:
        """Bring the stored stages and resources in line with roadmap; progress is never touched.

        Resources no longer in the roadmap are marked retired (hidden, history kept), never deleted.
        """
        old_version = int(self.meta().get("roadmap_version", "0"))
        existing = {r["id"]: dict(r) for r in self._read("SELECT * FROM resource")}
        with self._writer().begin() as conn:
            added, changed = _write_roadmap(conn, roadmap, existing=existing)
            keep = {r.id for r in roadmap.resources}
            gone = [rid for rid, row in existing.items() if rid not in keep and not row["retired"]]
            for rid in gone:
                conn.exec_driver_sql("UPDATE resource SET retired = 1 WHERE id = ?", (rid,))
            keep_stages = [s.id for s in roadmap.stages]
            marks = ",".join("?" * len(keep_stages))
            conn.exec_driver_sql(f"UPDATE stage SET retired = 1 WHERE id NOT IN ({marks})", tuple(keep_stages))
            _set_meta(conn, _meta_for(roadmap))
        return SyncReport(old_version, roadmap.version, added, changed, len(gone))

    # ---------------------------------------------------------------- reads

    def stages(self) -> list[StageInfo]:
        rows = self._read("SELECT id, number, title, summary FROM stage WHERE retired = 0 ORDER BY number")
        return [StageInfo(r["id"], r["number"], r["title"], r["summary"]) for r in rows]

    def items(self, include_retired: bool = False) -> list[Item]:
        where = "" if include_retired else "WHERE retired = 0"
        rows = self._read(f"SELECT * FROM item {where} ORDER BY stage_number, position")
        return [_item(r) for r in rows]

    def history(self, resource_id: str) -> list[Event]:
        rows = self._read(
            "SELECT resource_id, status, at, note FROM event WHERE resource_id = ? ORDER BY id",
            (resource_id,),
        )
        return [Event(r["resource_id"], Status(r["status"]), r["at"], r["note"]) for r in rows]

    def roadmap_title(self) -> str:
        return self.meta().get("roadmap_title", "mlpath")

    # ---------------------------------------------------------------- writes

    def record(self, items: Sequence[Item], status: Status, at: str, note: str | None = None) -> list[Change]:
        """Append one event per item whose status really changes, all in one transaction."""
        from mlpath.schema import EventRow

        changes = [Change(i, status, i.status is not status or bool(note)) for i in items]
        rows = [EventRow(resource_id=c.item.id, status=status.value, at=at, note=note) for c in changes if c.changed]
        if rows:
            from sqlmodel import Session

            try:
                with Session(self._writer()) as session:
                    session.add_all(rows)
                    session.commit()
            except Exception as exc:  # sqlalchemy errors: disk full, read-only file, locked too long
                raise DatabaseUnavailable(f"could not write to {self.path}: {_short(exc)}") from None
        return changes


def _short(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]


def _item(r: sqlite3.Row) -> Item:
    return Item(
        id=r["id"],
        stage_id=r["stage_id"],
        stage_number=r["stage_number"],
        position=r["position"],
        title=r["title"],
        kind=r["kind"],
        core=bool(r["core"]),
        hours=r["hours"],
        status=Status(r["status"]),
        url=r["url"],
        choose_one=r["choose_one"],
        authors=tuple(json.loads(r["authors"] or "[]")),
        note=r["note"],
        done_at=r["done_at"],
        started_at=r["started_at"],
        done_note=r["done_note"],
    )


def _meta_for(roadmap: Roadmap) -> dict[str, str]:
    return {
        "roadmap_version": str(roadmap.version),
        "roadmap_digest": roadmap.digest,
        "roadmap_title": roadmap.title,
    }


def _set_meta(conn: Any, values: dict[str, str]) -> None:
    conn.exec_driver_sql(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        list(values.items()),
    )


def _write_roadmap(conn: Any, roadmap: Roadmap, existing: dict[str, dict[str, Any]] | None) -> tuple[int, int]:
    """Upsert stages and resources with set-based statements; count new and changed resources."""
    conn.exec_driver_sql(
        "INSERT INTO stage (id, number, title, summary, retired) VALUES (?, ?, ?, ?, 0) "
        "ON CONFLICT(id) DO UPDATE SET number = excluded.number, title = excluded.title, "
        "summary = excluded.summary, retired = 0",
        [(s.id, s.number, s.title, s.summary) for s in roadmap.stages],
    )
    rows = [
        (r.id, r.stage_id, r.position, r.title, r.kind, int(r.core), r.hours, r.url,
         json.dumps(list(r.authors), ensure_ascii=False), r.note, r.choose_one)
        for r in roadmap.resources
    ]
    added = changed = 0
    if existing is not None:
        fields = ("id", "stage_id", "position", "title", "kind", "core", "hours", "url", "authors", "note", "choose_one")
        for row in rows:
            old = existing.get(row[0])
            if old is None:
                added += 1
            elif old["retired"] or any(old[f] != v for f, v in zip(fields[1:], row[1:]) if f != "position"):
                changed += 1
    else:
        added = len(rows)
    conn.exec_driver_sql(
        "INSERT INTO resource (id, stage_id, position, title, kind, core, hours, url, authors, note, choose_one, retired) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) "
        "ON CONFLICT(id) DO UPDATE SET stage_id = excluded.stage_id, position = excluded.position, "
        "title = excluded.title, kind = excluded.kind, core = excluded.core, hours = excluded.hours, "
        "url = excluded.url, authors = excluded.authors, note = excluded.note, "
        "choose_one = excluded.choose_one, retired = 0",
        rows,
    )
    return added, changed


def completion_candidates(path: Path, prefix: str, first: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(id, title) pairs starting with prefix, statuses in `first` ahead; [] without a database.

    Shell completion runs this on every Tab press: plain sqlite3, read-only, never creating or
    seeding a database.
    """
    if not path.is_file():
        return []
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=1)) as conn:
        marks = ",".join("?" * len(first)) or "''"
        rows = conn.execute(
            f"SELECT id, title, status IN ({marks}) AS preferred FROM item "
            "WHERE retired = 0 AND id LIKE ? ESCAPE '\\' ORDER BY preferred DESC, stage_number, position",
            (*first, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"),
        ).fetchall()
    return [(rid, title) for rid, title, _ in rows]
