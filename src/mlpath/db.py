"""The connection: one factory, snapshots and transactions, creation and upgrades.

A command opens one Database. Its first read begins a read transaction that lasts until the
command writes or ends (`snapshot`), so everything a command reads comes from one consistent
state of the file; `transaction()` is one write transaction (BEGIN IMMEDIATE: concurrent mlpath
processes queue for the write lock instead of failing). The pragmas (WAL, busy timeout, foreign
keys) are set in `connect` and nowhere else.

Creation builds a new database in a temporary file and links it into place only when complete.
An upgrade reads the schema version, writes the backup and applies every step under one write
lock, so among processes started together exactly one upgrades and the others wait and go on.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any, NamedTuple

from mlpath import files, migrations, schema
from mlpath.errors import (
    DatabaseDamaged,
    DatabaseFailed,
    DatabaseUnavailable,
    NotADatabase,
    SchemaTooNew,
    database_problem,
)

BUSY_TIMEOUT_MS = 30_000
CACHE_KIB = 16384  # the page cache's limit (16 MiB; see connect)


def exists(path: Path) -> bool:
    """Whether path holds an SQLite database (an empty file counts as none); refuses other files.

    Only a regular file is ever opened (a FIFO would hang).
    """
    if files.regular_or_missing(path, "database", DatabaseUnavailable) is None:
        return False
    header = files.read_head(path, "database", len(files.SQLITE_HEADER), DatabaseUnavailable)
    if header == b"":
        return False  # an empty file (e.g. from `touch`) holds no data to lose: treat it as new
    if header != files.SQLITE_HEADER:
        raise NotADatabase(f"{path} is not an SQLite database; refusing to touch it")
    return True


def connect(path: Path, wal: bool = False) -> sqlite3.Connection:
    """The one connection factory: explicit transactions, busy timeout, foreign keys (and WAL when asked)."""
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise database_problem(exc, path) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # SQLite's default page cache is 2 MiB: `list` reads every resource row twice (its widths and
        # count, then the rows), and past about 5,000 resources the second pass read every page
        # from the file again. Pages are cached only as they are read, so a small
        # database never holds more than its size.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except sqlite3.Error as exc:
        conn.close()
        raise database_problem(exc, path) from None
    if wal:
        set_wal(conn)
    return conn


def set_wal(conn: sqlite3.Connection) -> None:
    """Readers and one writer at once. Persistent in the file, so this is a no-op once set; on a
    database not yet in WAL it changes the file, so it waits for the first write (a database that
    is refused, e.g. from a newer mlpath, is left byte for byte untouched)."""
    if conn.in_transaction or conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    with suppress(sqlite3.Error):  # e.g. a read-only file: the write itself will say what is wrong
        conn.execute("PRAGMA journal_mode = WAL")


class Upgrade(NamedTuple):
    old: int
    new: int
    backup: Path


class Database:
    """One open database file: one connection for the whole command."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._wal = False

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.path)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def snapshot(self) -> sqlite3.Connection:
        """The connection inside the command's read transaction (begun on first use)."""
        conn = self.conn
        if not conn.in_transaction:
            conn.execute("BEGIN")
        return conn

    def refresh(self) -> None:
        """End the read snapshot, so the next read sees what other processes wrote since.

        For the long-running screens (a study timer watching for `study --stop` from elsewhere);
        an ordinary command keeps its one snapshot."""
        conn = self._conn
        if conn is not None and conn.in_transaction:
            conn.execute("COMMIT")

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows as plain tuples, from the command's snapshot."""
        try:
            return self.snapshot().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise database_problem(exc, self.path) from None

    def stream(self, sql: str, params: Sequence[Any] = (), batch: int = 256,
               first: int | None = None) -> Iterator[list[Any]]:
        """Rows in batches as they are wanted, from the command's snapshot (a reader that stops early
        never reads the rest); the first batch may be smaller, for a reader that likely wants few."""
        try:
            cursor = self.snapshot().execute(sql, params)
            size = batch if first is None else first
            while rows := cursor.fetchmany(size):
                yield rows
                size = batch
        except sqlite3.Error as exc:
            raise database_problem(exc, self.path) from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE); reads after it see what it wrote."""
        conn = self.conn
        try:
            if conn.in_transaction:
                conn.execute("COMMIT")  # end the read snapshot: a write starts from the latest state
            if not self._wal:
                set_wal(conn)
                self._wal = True
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise database_problem(exc, self.path) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise database_problem(exc, self.path) from None
            raise

    def schema_version(self) -> int:
        rows = self.read("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(rows[0][0]) if rows else 1

    def upgrade(self) -> Upgrade | None:
        """Bring an older schema to the latest under one write lock; None if another process did it."""
        backup = None
        try:
            with self.transaction() as conn:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                current = int(row[0]) if row else 1
                if current > migrations.LATEST:
                    raise SchemaTooNew(f"{self.path} was written by a newer mlpath (schema {current}; this one "
                                       f"knows {migrations.LATEST})")
                if current == migrations.LATEST:
                    return None
                backup = _backup(self.path, current)
                migrations.migrate(conn, current)
        except (DatabaseUnavailable, DatabaseDamaged, DatabaseFailed) as exc:
            where = f" (a copy from before is at {backup})" if backup else ""
            raise type(exc)(f"could not upgrade{where}: {exc.message}", hint=exc.hint) from None
        return Upgrade(current, migrations.LATEST, backup)


def _backup(path: Path, version: int) -> Path:
    """Copy the database to <name>.bak-v<version>, never replacing a backup already there."""
    target = files.target(path.with_name(f"{path.name}.bak-v{version}"), "database backup")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        # Copied through a second, reading connection (a connection cannot back itself up while it
        # holds the write lock); that lock means the copy is exactly the state being upgraded.
        with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as source, \
                closing(sqlite3.connect(tmp)) as copy:
            source.backup(copy)
        files.install(tmp, target, "database backup", only_over_empty=True)
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
    return target


def create(path: Path, seed: Callable[[sqlite3.Connection], None]) -> bool:
    """Build a database at the latest schema beside path, seed it, then link it into place.

    Returns False when another process created the database first (its copy wins).
    """
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create directory {parent}: {exc.strerror}") from None
    _remove_stale_temp_files(parent, path.name)
    tmp = parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        with closing(connect(tmp)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            for sql in schema.create_statements():
                conn.execute(sql)
            migrations.create_derived(conn)
            conn.execute(schema.META.insert(), ("schema_version", str(migrations.LATEST)))
            seed(conn)
            conn.execute("COMMIT")
            set_wal(conn)  # in the header already; closing folds the log back: one file to link
        # Never replaces a database made meanwhile; an empty regular file holds nothing to lose.
        return files.install(tmp, path, "database", only_over_empty=True)
    except sqlite3.Error as exc:  # a full disk or a read-only directory, mid-seed
        raise database_problem(exc, path) from None
    except PermissionError as exc:
        raise DatabaseUnavailable(f"cannot write database in {parent}: {exc.strerror}") from None
    except OSError as exc:
        raise database_problem(exc, path) from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with suppress(OSError):  # a read-only directory refuses even to unlink what is not there
                leftover.unlink(missing_ok=True)


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
