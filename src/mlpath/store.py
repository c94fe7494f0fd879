"""The only module that talks to SQLite: creation, migration, seeding, roadmap sync, queries, writes.

Two paths share one file:
- daily commands use the standard library's sqlite3: reads against the views in migrations.py,
  and the small appends of `done`, `log`, `note`, `review` as plain INSERTs whose column lists
  (APPEND_COLUMNS) a test checks against schema.py. Importing SQLModel alone costs more than a
  whole `mlpath next`, so these commands never load it;
- creating, migrating, seeding, syncing the roadmap and importing go through SQLModel's engine,
  with schema.py the one definition of the tables.
Every command's writes are one transaction (BEGIN IMMEDIATE, with a busy timeout and WAL, so
concurrent mlpath processes wait for each other instead of failing).

A new database is built in a temporary file and linked into place only when complete, so a
crash during the first seed never leaves a half-made database behind.
"""

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlpath import files, migrations
from mlpath.backup import Dump, MergeReport, ResourceInfo, identity
from mlpath.errors import DatabaseDamaged, DatabaseUnavailable, NotADatabase, SchemaTooNew, database_problem
from mlpath.habits import Goal, Mark, Note, Session
from mlpath.migrations import Opened
from mlpath.progress import Change, Event, Item, StageInfo, Status
from mlpath.roadmap import Roadmap, RoadmapFile, SyncReport
from mlpath.spaced import Review
from mlpath.timer import Timer

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

SQLITE_HEADER = files.SQLITE_HEADER
# The columns the daily commands append to, checked against schema.py by tests/test_store.py.
APPEND_COLUMNS = {
    "event": ("resource_id", "status", "at", "note", "rating"),
    "study_session": ("resource_id", "day", "hours", "at", "note"),
    "note": ("resource_id", "at", "text"),
    "review": ("resource_id", "at", "grade", "stability", "difficulty", "due"),
    "timer": ("resource_id", "started_at", "minutes", "pid", "host"),
    "progress_mark": ("resource_id", "at", "fraction", "label"),
    "goal": ("at", "hours_per_week"),
}
BUSY_TIMEOUT_MS = 30_000
RETIRED_STAGE_BASE = 1000  # numbers for stages that exist only because imported history needs them


class Store:
    """An open mlpath database."""

    def __init__(self, path: Path) -> None:
        # A symlink is followed: the database (and its -wal, -shm and backups) live at its target.
        self.path = Path(os.path.realpath(path.expanduser()))
        self._engine: Engine | None = None

    # ---------------------------------------------------------------- opening

    @classmethod
    def open(
        cls, path: Path, source: RoadmapFile, parse: Callable[[RoadmapFile], Roadmap], sync: bool = True
    ) -> "tuple[Store, Opened]":
        """Open (creating and seeding if needed, migrating if old) the database for a roadmap.

        `parse` turns the source into a Roadmap; it is called only when the database is new or
        the roadmap's bytes changed since the last sync, so daily commands never parse YAML.
        With sync=False a changed roadmap is not applied (for previews).
        """
        store = cls(path)
        if not store._exists():
            roadmap = parse(source)
            if store._create(roadmap):
                return store, Opened(True, len(roadmap.stages), len(roadmap.resources))
        meta = store.meta()
        migrated = backup = None
        schema = int(meta["schema_version"])  # checked by meta()
        if schema < migrations.LATEST:
            backup = store._migrate(schema)
            migrated = (schema, migrations.LATEST)
        report = None
        if sync and meta.get("roadmap_digest") != source.digest:
            report = store.sync(parse(source))
        return store, Opened(sync=report, migrated=migrated, backup=backup)

    def _exists(self) -> bool:
        """Whether the database is there; only a regular file is ever opened (a FIFO would hang)."""
        path = self.path
        if files.regular_or_missing(path, "database", DatabaseUnavailable) is None:
            return False
        header = files.read_head(path, "database", len(SQLITE_HEADER), DatabaseUnavailable)
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
            raise database_problem(exc, self.path) from None
        conn.row_factory = sqlite3.Row
        return conn

    def _read(self, sql: str, params: Sequence[Any] = (), plain: bool = False) -> list[Any]:
        """Rows as sqlite3.Row (by name), or as plain tuples where speed matters."""
        try:
            with closing(self._connect()) as conn:
                if plain:
                    conn.row_factory = None
                return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise database_problem(exc, self.path) from None

    def meta(self) -> dict[str, str]:
        try:
            rows = self._read("SELECT key, value FROM meta")
        except DatabaseDamaged as exc:
            if "no such table: meta" in str(exc):
                raise NotADatabase(
                    f"{self.path} is an SQLite database but not an mlpath one; refusing to touch it") from None
            raise
        meta = {str(r["key"]): str(r["value"]) for r in rows}
        version = meta.get("schema_version", "")
        if not (version.isascii() and version.isdigit() and 0 < len(version) < 6 and int(version) > 0):
            raise DatabaseDamaged(f"{self.path} has no valid schema version (meta.schema_version = {version!r}); "
                                  "refusing to touch it")
        schema = int(version)
        if schema > migrations.LATEST:
            raise SchemaTooNew(
                f"{self.path} was written by a newer mlpath (schema {schema}; this one knows {migrations.LATEST})"
            )
        return meta

    def _migrate(self, current: int) -> Path:
        """Copy the database to mlpath.db.bak-v<N>, then apply the pending migrations."""
        backup = files.target(self.path.with_name(f"{self.path.name}.bak-v{current}"), "database backup")
        tmp = backup.with_name(f".{backup.name}.{os.getpid()}.tmp")
        try:
            try:
                with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)) as conn, \
                        closing(sqlite3.connect(tmp)) as copy:
                    conn.backup(copy)  # a consistent copy, even with other readers about
                files.install(tmp, backup, "database backup")
            finally:
                tmp.unlink(missing_ok=True)
            with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)) as conn:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                # Another process may have migrated meanwhile: read the version inside the lock.
                conn.execute("BEGIN IMMEDIATE")
                now = int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
                conn.execute("COMMIT")
                migrations.migrate(conn, now)
        except sqlite3.Error as exc:
            problem = database_problem(exc, self.path)
            raise type(problem)(f"could not upgrade: {problem.message}", hint=problem.hint) from None
        return backup

    # ---------------------------------------------------------------- ORM side

    def _engine_for(self, path: Path, wal: bool = True) -> "Engine":
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

    @contextmanager
    def _transaction(self) -> "Iterator[Connection]":
        """One write transaction; database failures become one clear error."""
        from sqlalchemy.exc import SQLAlchemyError

        if self._engine is None:
            self._engine = self._engine_for(self.path)
        try:
            with self._engine.begin() as conn:
                yield conn
        except (SQLAlchemyError, sqlite3.Error) as exc:  # disk full, read-only file, locked for too long
            raise database_problem(exc, self.path) from None

    def _create(self, roadmap: Roadmap) -> bool:
        """Build a seeded database beside the target, then link it into place.

        Returns False when another process created the database first (its copy wins).
        """
        from sqlalchemy.exc import SQLAlchemyError
        from sqlmodel import SQLModel

        from mlpath import schema  # noqa: F401  (registers the tables)

        parent = self.path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot create directory {parent}: {exc.strerror}") from None
        _remove_stale_temp_files(parent, self.path.name)
        tmp = parent / f".{self.path.name}.{os.getpid()}.tmp"
        try:
            engine = self._engine_for(tmp, wal=False)  # one file to link; WAL starts on first write
            try:
                with engine.begin() as conn:
                    SQLModel.metadata.create_all(conn)
                    migrations.create_derived(_sqlite3_connection(conn))
                    _write_roadmap(conn, roadmap)
                    _set_meta(conn, _meta_for(roadmap) | {"schema_version": str(migrations.LATEST)})
            finally:
                engine.dispose()
            # Never replaces a database made meanwhile; an empty regular file holds nothing to lose.
            return files.install(tmp, self.path, "database", only_over_empty=True)
        except (SQLAlchemyError, sqlite3.Error) as exc:  # a full disk or a read-only directory, mid-seed
            raise database_problem(exc, self.path) from None
        except PermissionError as exc:
            raise DatabaseUnavailable(f"cannot write database in {parent}: {exc.strerror}") from None
        except OSError as exc:
            raise database_problem(exc, self.path) from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                with suppress(OSError):  # a read-only directory refuses even to unlink what is not there
                    leftover.unlink(missing_ok=True)

    # ---------------------------------------------------------------- roadmap sync

    def plan_sync(self, roadmap: Roadmap) -> SyncReport:
        """What syncing roadmap would change, without writing anything."""
        existing = {r["id"]: dict(r) for r in self._read("SELECT * FROM resource")}
        added, changed = _diff(roadmap, existing)
        keep = {r.id for r in roadmap.resources}
        retired = tuple(rid for rid, row in existing.items() if rid not in keep and not row["retired"])
        old = int(self.meta().get("roadmap_version", "0"))
        return SyncReport(old, roadmap.version, added, changed, retired)

    def sync(self, roadmap: Roadmap) -> SyncReport:
        """Bring stored stages and resources in line with roadmap; progress is never touched.

        Resources no longer in the roadmap are marked retired (hidden, history kept), never deleted.
        """
        report = self.plan_sync(roadmap)
        with self._transaction() as conn:
            _write_roadmap(conn, roadmap)
            if report.retired:
                conn.exec_driver_sql("UPDATE resource SET retired = 1 WHERE id = ?", [(r,) for r in report.retired])
            keep_stages = [s.id for s in roadmap.stages]
            marks = ",".join("?" * len(keep_stages))
            conn.exec_driver_sql(f"UPDATE stage SET retired = 1 WHERE id NOT IN ({marks})", tuple(keep_stages))
            _set_meta(conn, _meta_for(roadmap))
        return report

    # ---------------------------------------------------------------- reads

    def stages(self, include_retired: bool = False) -> list[StageInfo]:
        where = "" if include_retired else "WHERE retired = 0"
        rows = self._read(f"SELECT id, number, title, summary FROM stage {where} ORDER BY number")
        return [StageInfo(r["id"], r["number"], r["title"], r["summary"]) for r in rows]

    def items(self, include_retired: bool = False) -> list[Item]:
        where = "" if include_retired else "WHERE retired = 0"
        rows = self._read(f"SELECT {_ITEM_COLUMNS} FROM item {where} ORDER BY retired, stage_number, position, id",
                          plain=True)
        return self._convert(rows, _item)

    def _convert(self, rows: Sequence[Any], make: Any) -> list[Any]:
        """Rows made into objects; a stored value that cannot be (bit flips, hand edits) is one clear error."""
        try:
            return [make(r) for r in rows]
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise database_problem(exc, self.path) from None

    def _records(self, select: str, filters: Sequence[tuple[str, Any]], order: str) -> list[sqlite3.Row]:
        """Rows of a SELECT narrowed by each (condition, value) whose value is given."""
        used = [(condition, value) for condition, value in filters if value is not None]
        where = " WHERE " + " AND ".join(c for c, _ in used) if used else ""
        return self._read(f"{select}{where} ORDER BY {order}", [v for _, v in used])

    def events(self, resource_id: str | None = None, since: str | None = None) -> list[Event]:
        """Status events, oldest first: of one resource, or of all since a UTC timestamp."""
        rows = self._records("SELECT resource_id, status, at, note, rating FROM event",
                             [("resource_id = ?", resource_id), ("at >= ?", since)], "at, id")
        return self._convert(rows, lambda r: Event(r["resource_id"], Status(r["status"]), r["at"], r["note"],
                                                   r["rating"]))

    def sessions(self, resource_id: str | None = None, since_day: str | None = None) -> list[Session]:
        rows = self._records("SELECT resource_id, day, hours, at, note FROM study_session",
                             [("resource_id = ?", resource_id), ("day >= ?", since_day)], "day, at, id")
        return self._convert(rows, lambda r: Session(*r))

    def notes(self, resource_id: str | None = None) -> list[Note]:
        rows = self._records("SELECT resource_id, at, text FROM note", [("resource_id = ?", resource_id)], "at, id")
        return self._convert(rows, lambda r: Note(*r))

    def reviews(self, resource_id: str | None = None, since: str | None = None) -> list[Review]:
        rows = self._records(f"SELECT {', '.join(APPEND_COLUMNS['review'])} FROM review",
                             [("resource_id = ?", resource_id), ("at >= ?", since)], "at, id")
        return self._convert(rows, lambda r: Review(*r))

    def marks(self, resource_id: str | None = None) -> list[Mark]:
        """Progress shares set with `mlpath progress`, oldest first."""
        rows = self._records("SELECT resource_id, at, fraction, label FROM progress_mark",
                             [("resource_id = ?", resource_id)], "at, id")
        return self._convert(rows, lambda r: Mark(*r))

    def goals(self) -> list[Goal]:
        """Weekly goals as set over time, oldest first; the last one is in force."""
        return self._convert(self._read("SELECT at, hours_per_week FROM goal ORDER BY at, id"), lambda r: Goal(*r))

    def goal(self) -> float | None:
        """The weekly goal in force, in hours; None when none is set."""
        rows = self._read("SELECT hours_per_week FROM goal ORDER BY at DESC, id DESC LIMIT 1", plain=True)
        return rows[0][0] if rows else None

    def first_activity(self) -> tuple[str | None, str | None]:
        """The first day time was logged, and the first time (UTC) anything was started, done or reviewed."""
        row = self._read(
            "SELECT (SELECT MIN(day) FROM study_session), "
            "(SELECT MIN(at) FROM event WHERE status IN ('doing', 'done')), "
            "(SELECT MIN(at) FROM review), (SELECT MIN(at) FROM progress_mark)", plain=True)[0]
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
        """Everything the learner recorded, for the JSON export."""

        meta = self.meta()
        events, sessions, notes, reviews = self.events(), self.sessions(), self.notes(), self.reviews()
        used = {r.resource_id for group in (events, sessions, notes, reviews) for r in group}
        resources = tuple(
            ResourceInfo(r["id"], r["title"], r["kind"], r["stage_id"], r["hours"])
            for r in self._read("SELECT id, title, kind, stage_id, hours FROM resource ORDER BY id")
            if r["id"] in used
        )
        return Dump(meta.get("roadmap_title", ""), int(meta.get("roadmap_version", "0")), resources,
                    tuple(events), tuple(sessions), tuple(notes), tuple(r.answer for r in reviews))

    # ---------------------------------------------------------------- writes

    def set_status(self, items: Sequence[Item], status: Status, at: str, note: str | None = None,
                   rating: int | None = None) -> list[Change]:
        """Set one status on every item: an event for each whose status really changes (or that gets a
        note or rating)."""
        changes = [Change(i, status, i.status is not status or note is not None or rating is not None) for i in items]
        self._insert_events([(c.item, c.status) for c in changes if c.changed], at, note, rating)
        return changes

    def set_statuses(self, pairs: Sequence[tuple[Item, Status]], at: str, note: str | None = None) -> list[Change]:
        """Set each item's own status (as an import does), all in one transaction."""
        self._insert_events(pairs, at, note, None)
        return [Change(item, status, True) for item, status in pairs]

    def _insert_events(self, pairs: Sequence[tuple[Item, Status]], at: str, note: str | None,
                       rating: int | None) -> None:
        self._append({"event": [(item.id, status.value, at, note, rating) for item, status in pairs]})

    def log_time(self, item: Item, session: Session, start: bool) -> None:
        """Record a study session, and mark a todo resource as started, in one transaction."""
        self._append({
            "event": [(item.id, Status.doing.value, session.at, None, None)] if start else [],
            "study_session": [(item.id, session.day, session.hours, session.at, session.note)],
        })

    def set_progress(self, item: Item, mark: Mark, start: bool) -> None:
        """Record a progress share, and mark a todo resource as started, in one transaction."""
        self._append({
            "event": [(item.id, Status.doing.value, mark.at, None, None)] if start else [],
            "progress_mark": [(mark.resource_id, mark.at, mark.fraction, mark.label)],
        })

    def set_goal(self, goal: Goal) -> None:
        self._append({"goal": [(goal.at, goal.hours_per_week)]})

    def add_note(self, note: Note) -> None:
        self._append({"note": [(note.resource_id, note.at, note.text)]})

    def add_review(self, review: Review) -> None:
        self._append({"review": [tuple(review)]})

    def _append(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        """Append rows (tuples in APPEND_COLUMNS order) to their tables in one transaction."""
        if not any(rows.values()):
            return
        with self._plain_transaction() as conn:
            _insert(conn, rows)

    @contextmanager
    def _plain_transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction with the standard library's sqlite3 (no ORM import)."""
        try:
            with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)) as conn:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:  # disk full, read-only file, locked for too long
            raise database_problem(exc, self.path) from None

    # ---------------------------------------------------------------- the study timer

    def running_timer(self) -> Timer | None:
        rows = self._read(f"SELECT {', '.join(APPEND_COLUMNS['timer'])} FROM timer ORDER BY id LIMIT 1", plain=True)
        return Timer(*rows[0]) if rows else None

    def start_timer(self, timer: Timer) -> Timer | None:
        """Store timer as the running one; if one is running already, change nothing and return it."""
        with self._plain_transaction() as conn:
            row = conn.execute(f"SELECT {', '.join(APPEND_COLUMNS['timer'])} FROM timer LIMIT 1").fetchone()
            if row is not None:
                return Timer(*row)
            _insert(conn, {"timer": [tuple(timer)]})
        return None

    def stop_timer(self, timer: Timer, session: Session | None, start: bool) -> bool:
        """End timer, logging session (and starting a todo resource) in the same transaction.

        False, with nothing written, when the timer was already stopped (from another terminal).
        """
        with self._plain_transaction() as conn:
            gone = conn.execute("DELETE FROM timer WHERE resource_id = ? AND started_at = ?",
                                (timer.resource_id, timer.started_at)).rowcount
            if not gone:
                return False
            if session is not None:
                _insert(conn, {
                    "event": [(session.resource_id, Status.doing.value, session.at, None, None)] if start else [],
                    "study_session": [tuple(session)],
                })
        return True

    def merge(self, dump: Dump) -> MergeReport:
        """Add what the dump holds that the database lacks, in one transaction; nothing is removed.

        Records for resources the roadmap no longer has are kept under retired resources.
        """

        known = {r["id"] for r in self._read("SELECT id FROM resource")}
        info = {r.id: r for r in dump.resources}
        referenced = [r.resource_id for group in (dump.events, dump.sessions, dump.notes, dump.reviews) for r in group]
        missing = sorted(set(referenced) - known)
        have_events = {identity(e) for e in self.events()}
        have_sessions = {identity(s) for s in self.sessions()}
        have_notes = {identity(n) for n in self.notes()}
        have_reviews = {identity(r.answer) for r in self.reviews()}
        events = _new(dump.events, have_events)
        sessions = _new(dump.sessions, have_sessions)
        notes = _new(dump.notes, have_notes)
        reviews = _new(dump.reviews, have_reviews)
        from sqlalchemy import insert

        from mlpath.schema import EventRow, NoteRow, ReviewRow, StudySessionRow

        batches = [
            (EventRow, [{"resource_id": e.resource_id, "status": e.status.value, "at": e.at, "note": e.note,
                         "rating": e.rating} for e in events]),
            (StudySessionRow, [{"resource_id": s.resource_id, "day": s.day, "hours": s.hours, "at": s.at,
                                "note": s.note} for s in sessions]),
            (NoteRow, [{"resource_id": n.resource_id, "at": n.at, "text": n.text} for n in notes]),
            (ReviewRow, [{"resource_id": r.resource_id, "at": r.at, "grade": r.grade, "stability": 0.0,
                          "difficulty": 0.0, "due": r.at} for r in reviews]),
        ]
        with self._transaction() as conn:
            if missing:
                _add_retired(conn, [info.get(rid) or rid for rid in missing])
            for table, rows in batches:
                if rows:
                    conn.execute(insert(table), rows)
            # new answers, or a new finish before old ones, change a card's schedule: replay it
            rescheduled = {r.resource_id for r in reviews} | {e.resource_id for e in events if e.status is Status.done}
            if rescheduled:
                raw = conn.connection.driver_connection
                assert raw is not None  # an open transaction has its DB-API connection
                migrations.replay_reviews(raw, "review", sorted(rescheduled))
        return MergeReport(len(events), len(sessions), len(notes), len(reviews), tuple(missing))


def _insert(conn: sqlite3.Connection, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    for table, batch in rows.items():
        columns = APPEND_COLUMNS[table]
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", batch)


def _remove_stale_temp_files(parent: Path, name: str) -> None:
    """Half-built databases left by a process killed while seeding (their pid is gone)."""
    for leftover in parent.glob(f".{name}.*.tmp*"):
        pid = leftover.name[len(name) + 2:].split(".")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass


def _new(records: Sequence[Any], have: set[tuple[Any, ...]]) -> list[Any]:
    """Records not already stored, and not repeated within the batch either."""

    out = []
    for record in records:
        key = identity(record)
        if key not in have:
            have.add(key)
            out.append(record)
    return out


def _add_retired(conn: Any, resources: Sequence[Any]) -> None:
    """Create retired resources (and, if needed, retired stages) for history of unknown ids."""
    stages = {r["id"] for r in conn.exec_driver_sql("SELECT id FROM stage").mappings()}
    top = conn.exec_driver_sql("SELECT COALESCE(MAX(number), 0) FROM stage").scalar()
    base = max(RETIRED_STAGE_BASE, top + 1)
    rows = []
    for n, res in enumerate(resources, start=1):
        if isinstance(res, str):  # only the id is known
            rid, title, kind, stage, hours = res, res, "website", "retired", 1.0
        else:
            rid, title, kind, stage, hours = res.id, res.title, res.kind, res.stage, res.hours
        if stage not in stages:
            conn.exec_driver_sql("INSERT INTO stage (id, number, title, summary, retired) VALUES (?, ?, ?, NULL, 1)",
                                 (stage, base + len(stages), stage))
            stages.add(stage)
        rows.append((rid, stage, n, title, kind, 0, hours, None, "[]", None, None))
    conn.exec_driver_sql(
        "INSERT INTO resource (id, stage_id, position, title, kind, core, hours, url, authors, note, choose_one, "
        "retired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", rows)


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


def _sqlite3_connection(conn: "Connection") -> sqlite3.Connection:
    """The standard-library connection under an SQLAlchemy one (always sqlite3 here)."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


# The item view's columns in Item's field order, so rows become Items positionally: at 10,000
# resources building them by column name was the largest cost of `mlpath next`.
_ITEM_COLUMNS = ", ".join(Item._fields)
_STATUS = {s.value: s for s in Status}


def _item(r: tuple[Any, ...]) -> Item:
    authors = () if r[11] in (None, "[]") else tuple(json.loads(r[11]))
    after = None if r[20] is None else tuple(json.loads(r[20]))
    return Item._make((*r[:6], r[6] == 1, r[7], _STATUS[r[8]], r[9], r[10], authors, *r[12:18], r[18] == 1, r[19],
                       after))


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


_FIELDS = ("stage_id", "title", "kind", "core", "hours", "url", "authors", "note", "choose_one", "after")


def _rows(roadmap: Roadmap) -> list[tuple[Any, ...]]:
    return [
        (r.id, r.stage_id, r.position, r.title, r.kind, int(r.core), r.hours, r.url,
         json.dumps(list(r.authors), ensure_ascii=False), r.note, r.choose_one,
         None if r.after is None else json.dumps(list(r.after)))
        for r in roadmap.resources
    ]


def _diff(roadmap: Roadmap, existing: dict[str, dict[str, Any]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Resource ids the roadmap adds, and ids whose content (or retirement) it changes."""
    added, changed = [], []
    for row in _rows(roadmap):
        old = existing.get(row[0])
        new = dict(zip(("id", "stage_id", "position", "title", "kind", "core", "hours", "url", "authors", "note",
                        "choose_one", "after"), row, strict=True))
        if old is None:
            added.append(row[0])
        elif old["retired"] or any(old[f] != new[f] for f in _FIELDS):
            changed.append(row[0])
    return tuple(added), tuple(changed)


def _write_roadmap(conn: Any, roadmap: Roadmap) -> None:
    """Upsert stages and resources with set-based statements."""
    conn.exec_driver_sql(
        "INSERT INTO stage (id, number, title, summary, retired) VALUES (?, ?, ?, ?, 0) "
        "ON CONFLICT(id) DO UPDATE SET number = excluded.number, title = excluded.title, "
        "summary = excluded.summary, retired = 0",
        [(s.id, s.number, s.title, s.summary) for s in roadmap.stages],
    )
    conn.exec_driver_sql(
        "INSERT INTO resource "
        "(id, stage_id, position, title, kind, core, hours, url, authors, note, choose_one, after, retired) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) "
        "ON CONFLICT(id) DO UPDATE SET stage_id = excluded.stage_id, position = excluded.position, "
        "title = excluded.title, kind = excluded.kind, core = excluded.core, hours = excluded.hours, "
        "url = excluded.url, authors = excluded.authors, note = excluded.note, "
        "choose_one = excluded.choose_one, after = excluded.after, retired = 0",
        _rows(roadmap),
    )
