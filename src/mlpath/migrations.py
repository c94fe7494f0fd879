"""The ordered register of schema migrations, and the SQL views every schema version gets.

A new database is created at the latest schema straight from schema.py; an older one is brought
forward here. db.upgrade applies every pending step inside ONE write transaction (with the version
read and the backup written under the same lock), so concurrent processes never both upgrade.
Steps are plain SQL so that they keep describing the schema as it was when they were written;
SQL may call mlpath_stamp(text) and mlpath_day(text), which return a stored stamp or day in
the one normal form (see clock.repaired_stamp). Views are derived data: they are dropped and
recreated after every upgrade.
"""

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from mlpath import clock
from mlpath.errors import SchemaTooNew
from mlpath.roadmap import SyncReport

# What each resource's records add up to: its status (latest event by place, then id; see
# schema.EVENT), when it was finished and started, the hours logged, the share last set and when
# its next review is due. Read through the live_* views, so an undone record no longer counts.
# One resource's row, worked out from its records with index lookups (what the triggers below
# store after every write that can change it).
STATE_OF = """
    SELECT r.id AS resource_id,
           COALESCE(last.status, 'todo') AS status,
           CASE WHEN last.status = 'done' THEN last.at END AS done_at,
           CASE WHEN last.status = 'done' THEN last.note END AS done_note,
           CASE WHEN last.status = 'done' THEN last.rating END AS rating,
           (SELECT e.at FROM live_event e WHERE e.resource_id = r.id AND e.status = 'doing'
            ORDER BY e.place DESC, e.id DESC LIMIT 1) AS started_at,
           (SELECT COALESCE(SUM(ss.hours), 0) FROM live_study_session ss WHERE ss.resource_id = r.id)
               AS logged_hours,
           (SELECT p.fraction FROM live_progress_mark p WHERE p.resource_id = r.id
            ORDER BY p.place DESC, p.id DESC LIMIT 1) AS fraction,
           (SELECT v.due FROM live_review v WHERE v.resource_id = r.id ORDER BY v.at DESC, v.id DESC LIMIT 1)
               AS review_due
    FROM resource r
    LEFT JOIN event last ON last.id = (
        SELECT e.id FROM live_event e WHERE e.resource_id = r.id ORDER BY e.place DESC, e.id DESC LIMIT 1
    )"""
# The stored state: one row per resource that has records (none: todo, nothing logged). It is
# derived data like the views: rebuilt from the records after every upgrade, and kept current by
# the triggers of STATE_TRIGGERS, which fire on every path that writes a record (commands,
# imports, undo's tombstones, a script's plain INSERT), so reads never work it out per resource.
STATE_TABLE = """
    CREATE TABLE resource_state (
        resource_id VARCHAR NOT NULL PRIMARY KEY, status VARCHAR NOT NULL, done_at VARCHAR, done_note VARCHAR,
        rating INTEGER, started_at VARCHAR, logged_hours FLOAT NOT NULL, fraction FLOAT, review_due VARCHAR)"""
STATE_COLUMNS = "resource_id, status, done_at, done_note, rating, started_at, logged_hours, fraction, review_due"
# The tables whose rows make up a resource's state.
STATE_SOURCES = ("event", "study_session", "progress_mark", "review")


def _store_state(ids: str) -> str:
    """The statement that stores the state of the resources whose ids the SQL expression ids yields:
    STATE_OF through its view, which SQLite narrows to those ids through the indexes. (Every trigger
    once held the whole query: SQLite parses every trigger when a command first reads, and sixteen
    copies were most of that time.)"""
    return f"INSERT OR REPLACE INTO resource_state ({STATE_COLUMNS}) SELECT {STATE_COLUMNS} FROM state_of " \
           f"WHERE resource_id IN ({ids});"


STATE_TRIGGERS = tuple(
    f"CREATE TRIGGER state_{table}_{when.split()[0].lower()} AFTER {when} ON {table} BEGIN "
    f"{_store_state(ids)} END"
    for table in STATE_SOURCES
    for when, ids in (("INSERT", "NEW.resource_id"), ("UPDATE", "NEW.resource_id, OLD.resource_id"),
                      ("DELETE", "OLD.resource_id"))
) + tuple(
    f"CREATE TRIGGER state_tombstone_{table} AFTER INSERT ON tombstone WHEN NEW.table_name = '{table}' BEGIN "
    f"{_store_state(f'SELECT resource_id FROM {table} WHERE id = NEW.row_id')} END"
    for table in STATE_SOURCES
)

VIEWS = {
    # Each resource's state worked out from its records (STATE_OF), which the triggers store.
    "state_of": f"CREATE VIEW state_of AS {STATE_OF}",
    # Every resource with its stage's number, its roadmap's position and its stored state (see
    # STATE_OF): a resource that is the same page as one tracked before (resource.same_as) shows
    # that one's state. Every resource column is in it (r.*), so a new one needs no change here.
    "item": """
    CREATE VIEW item AS
    SELECT r.*, s.number AS stage_number, rm.position AS roadmap_position,
           COALESCE(x.status, 'todo') AS status, x.done_at, x.done_note, x.rating, x.started_at,
           COALESCE(x.logged_hours, 0) AS logged_hours, x.fraction
    FROM resource r
    JOIN stage s ON s.id = r.stage_id
    JOIN roadmap rm ON rm.name = r.roadmap
    LEFT JOIN resource_state x ON x.resource_id = COALESCE(r.same_as, r.id)
    """,
}
INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_event_resource_at ON event (resource_id, at, id)",
    "CREATE INDEX IF NOT EXISTS ix_event_resource_place ON event (resource_id, place, id)",
    "CREATE INDEX IF NOT EXISTS ix_review_resource_at ON review (resource_id, at, id)",
    "CREATE INDEX IF NOT EXISTS ix_progress_mark_resource_at ON progress_mark (resource_id, at, id)",
    "CREATE INDEX IF NOT EXISTS ix_progress_mark_resource_place ON progress_mark (resource_id, place, id)",
    "CREATE INDEX IF NOT EXISTS ix_tombstone_row ON tombstone (table_name, row_id)",
    "CREATE INDEX IF NOT EXISTS ix_action_undoes ON action (undoes)",
    # `next` walks a stage's candidates in order, and `list` every resource in order
    "CREATE INDEX IF NOT EXISTS ix_resource_stage_position ON resource (stage_id, core, position, id)",
    "CREATE INDEX IF NOT EXISTS ix_resource_stage_after ON resource (stage_id, core, position, id) "
    "WHERE after IS NOT NULL",
    # choose_one groups and retired resources are few: `next` finds them without reading every resource
    "CREATE INDEX IF NOT EXISTS ix_resource_choose_one ON resource (choose_one) WHERE choose_one IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS ix_resource_retired ON resource (id) WHERE retired != 0",
    "CREATE INDEX IF NOT EXISTS ix_resource_same_as ON resource (same_as) WHERE same_as IS NOT NULL",
)


class Opened(NamedTuple):
    """What opening a database did (created and seeded it, upgraded its schema, synced its
    roadmap), for the CLI to report on stderr."""

    created: bool = False
    stages: int = 0
    resources: int = 0
    sync: SyncReport | None = None
    migrated: tuple[int, int] | None = None  # (from, to) schema versions
    backup: Path | None = None  # the copy kept from before an upgrade


class Step(NamedTuple):
    version: int  # the schema version this step produces
    name: str
    apply: Callable[[sqlite3.Connection], None] | tuple[str, ...]  # plain SQL statements, or code


def _v2_study_habits(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE event ADD COLUMN rating INTEGER")
    conn.execute("DROP INDEX IF EXISTS ix_event_resource_order")
    conn.execute(
        """CREATE TABLE study_session (
        id INTEGER NOT NULL, resource_id VARCHAR NOT NULL, day VARCHAR NOT NULL,
        hours FLOAT NOT NULL, at VARCHAR NOT NULL, note VARCHAR,
        PRIMARY KEY (id), FOREIGN KEY(resource_id) REFERENCES resource (id))"""
    )
    conn.execute("CREATE INDEX ix_study_session_day ON study_session (day)")
    conn.execute("CREATE INDEX ix_study_session_resource_id ON study_session (resource_id)")
    conn.execute(
        """CREATE TABLE note (
        id INTEGER NOT NULL, resource_id VARCHAR NOT NULL, at VARCHAR NOT NULL, text VARCHAR NOT NULL,
        PRIMARY KEY (id), FOREIGN KEY(resource_id) REFERENCES resource (id))"""
    )
    conn.execute("CREATE INDEX ix_note_resource_id ON note (resource_id)")
    conn.execute(
        """CREATE TABLE review (
        id INTEGER NOT NULL, resource_id VARCHAR NOT NULL, at VARCHAR NOT NULL, rating INTEGER NOT NULL,
        repetitions INTEGER NOT NULL, ease FLOAT NOT NULL, interval_days FLOAT NOT NULL, due VARCHAR NOT NULL,
        PRIMARY KEY (id), FOREIGN KEY(resource_id) REFERENCES resource (id))"""
    )
    conn.execute("CREATE INDEX ix_review_resource_id ON review (resource_id)")


def _v3_fsrs_and_timer(conn: sqlite3.Connection) -> None:
    """Reviews scheduled by FSRS instead of SM-2 (every answer kept, replayed), and the study timer."""
    conn.execute(
        """CREATE TABLE review_fsrs (
        id INTEGER NOT NULL, resource_id VARCHAR NOT NULL, at VARCHAR NOT NULL, grade INTEGER NOT NULL,
        stability FLOAT NOT NULL, difficulty FLOAT NOT NULL, due VARCHAR NOT NULL,
        PRIMARY KEY (id), FOREIGN KEY(resource_id) REFERENCES resource (id))"""
    )
    # SM-2's answers were 1 forgot, 2 hard, 3 good, 4 easy: the same scale as FSRS's grades.
    conn.execute("INSERT INTO review_fsrs (id, resource_id, at, grade, stability, difficulty, due) "
                 "SELECT id, resource_id, at, rating, 0, 0, at FROM review")
    replay_reviews(conn)
    conn.execute("DROP INDEX IF EXISTS ix_review_resource_at")
    conn.execute("DROP TABLE review")
    conn.execute("ALTER TABLE review_fsrs RENAME TO review")
    conn.execute("CREATE INDEX ix_review_resource_id ON review (resource_id)")
    conn.execute(
        """CREATE TABLE timer (
        id INTEGER NOT NULL, resource_id VARCHAR NOT NULL, started_at VARCHAR NOT NULL, minutes INTEGER,
        pid INTEGER NOT NULL, host VARCHAR NOT NULL,
        PRIMARY KEY (id), FOREIGN KEY(resource_id) REFERENCES resource (id))"""
    )


def replay_reviews(conn: sqlite3.Connection, table: str = "review_fsrs",
                   resources: Sequence[str] | None = None) -> None:
    """Schedule every answer again with FSRS from its resource's finish (all resources, or these)."""
    from mlpath import spaced

    # Stamps are read in their repaired form: an upgrade replays before step 4 has normalised them.
    done: dict[str, list[str]] = {}
    for rid, at in conn.execute("SELECT resource_id, at FROM event WHERE status = 'done'"):
        done.setdefault(rid, []).append(clock.repaired_stamp(at))
    answers: dict[str, list[tuple[int, str, int]]] = {}
    for rid, row_id, at, grade in conn.execute(f"SELECT resource_id, id, at, grade FROM {table} ORDER BY id"):
        answers.setdefault(rid, []).append((row_id, clock.repaired_stamp(at), grade))
    for rows in answers.values():
        rows.sort(key=lambda row: (row[1], row[0]))
    wanted = answers.keys() if resources is None else [r for r in resources if r in answers]
    updates = []
    for rid in wanted:
        rows = answers[rid]
        replayed = spaced.replay(rid, done.get(rid, []), [(at, g) for _, at, g in rows])
        for (row_id, _, _), r in zip(rows, replayed, strict=True):
            updates.append((r.stability, r.difficulty, r.due, row_id))
    conn.executemany(f"UPDATE {table} SET stability = ?, difficulty = ?, due = ? WHERE id = ?", updates)


def _v4_effort(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE resource ADD COLUMN after VARCHAR")
    conn.execute(
        """CREATE TABLE progress_mark (
        id INTEGER NOT NULL, resource_id VARCHAR NOT NULL, at VARCHAR NOT NULL, fraction FLOAT NOT NULL,
        label VARCHAR NOT NULL,
        PRIMARY KEY (id), FOREIGN KEY(resource_id) REFERENCES resource (id))"""
    )
    conn.execute("CREATE INDEX ix_progress_mark_resource_id ON progress_mark (resource_id)")
    conn.execute("CREATE TABLE goal (id INTEGER NOT NULL, at VARCHAR NOT NULL, hours_per_week FLOAT, PRIMARY KEY (id))")
    # The roadmap's `after:` lists live in the new column: sync again on the next open to fill it.
    conn.execute("DELETE FROM meta WHERE key = 'roadmap_digest'")


def _repair(table: str, column: str, function: str) -> tuple[str, str]:
    """Keep the original of every stamp or day that is not in normal form, then normalise it."""
    changed = f"{column} IS NOT {function}({column})"
    return (f"INSERT INTO stamp_repair (table_name, row_id, column_name, original) "
            f"SELECT '{table}', id, '{column}', {column} FROM {table} WHERE {changed}",
            f"UPDATE {table} SET {column} = {function}({column}) WHERE {changed}")


_V5_TIME_ONE_WAY = (
    """CREATE TABLE stamp_repair (
    id INTEGER NOT NULL, table_name VARCHAR NOT NULL, row_id INTEGER NOT NULL, column_name VARCHAR NOT NULL,
    original VARCHAR NOT NULL, PRIMARY KEY (id))""",
    *_repair("event", "at", "mlpath_stamp"),
    *_repair("study_session", "at", "mlpath_stamp"),
    *_repair("study_session", "day", "mlpath_day"),
    *_repair("note", "at", "mlpath_stamp"),
    *_repair("review", "at", "mlpath_stamp"),
    *_repair("review", "due", "mlpath_stamp"),
    *_repair("timer", "started_at", "mlpath_stamp"),
    *_repair("progress_mark", "at", "mlpath_stamp"),
    *_repair("goal", "at", "mlpath_stamp"),
)

_V6_UNDO = (
    """CREATE TABLE action (
    id INTEGER NOT NULL, command VARCHAR NOT NULL, at VARCHAR NOT NULL, summary VARCHAR NOT NULL, undoes INTEGER,
    PRIMARY KEY (id), FOREIGN KEY(undoes) REFERENCES action (id))""",
    """CREATE TABLE tombstone (
    id INTEGER NOT NULL, table_name VARCHAR NOT NULL, row_id INTEGER NOT NULL, by_action INTEGER NOT NULL,
    PRIMARY KEY (id), FOREIGN KEY(by_action) REFERENCES action (id))""",
    *(f"ALTER TABLE {table} ADD COLUMN action_id INTEGER REFERENCES action (id)"
      for table in ("event", "study_session", "note", "review", "progress_mark", "goal")),
)

# Every existing event and progress share is placed where insertion order put it (the latest stamp
# of its resource so far), so nothing changes on upgrade; from now on imported ones are placed by
# their stamp.
_V7_PLACE = tuple(sql for table in ("event", "progress_mark") for sql in (
    f"ALTER TABLE {table} ADD COLUMN place VARCHAR",
    f"UPDATE {table} SET place = (SELECT MAX(t.at) FROM {table} t WHERE t.resource_id = {table}.resource_id "
    f"AND t.id <= {table}.id)",
))

# Several roadmaps: the roadmap table, with the one the database tracked as its first (named
# FIRST_ROADMAP, catalog.FIRST); every stage and resource belongs to it, under the id it had.
_V9_ROADMAPS = (
    """CREATE TABLE roadmap (
    name VARCHAR NOT NULL, position INTEGER NOT NULL, title VARCHAR NOT NULL, version INTEGER NOT NULL,
    digest VARCHAR, source VARCHAR, hidden BOOLEAN NOT NULL, PRIMARY KEY (name))""",
    """INSERT INTO roadmap (name, position, title, version, digest, source, hidden) VALUES ('mlpath', 0,
    COALESCE((SELECT value FROM meta WHERE key = 'roadmap_title'), 'mlpath'),
    CAST(COALESCE((SELECT value FROM meta WHERE key = 'roadmap_version'), '0') AS INTEGER),
    (SELECT value FROM meta WHERE key = 'roadmap_digest'), NULL, 0)""",
    "ALTER TABLE stage ADD COLUMN roadmap VARCHAR REFERENCES roadmap (name)",
    "ALTER TABLE stage ADD COLUMN short_id VARCHAR",
    "UPDATE stage SET roadmap = 'mlpath', short_id = id",
    "ALTER TABLE resource ADD COLUMN roadmap VARCHAR REFERENCES roadmap (name)",
    "ALTER TABLE resource ADD COLUMN short_id VARCHAR",
    "ALTER TABLE resource ADD COLUMN same_as VARCHAR REFERENCES resource (id)",
    "UPDATE resource SET roadmap = 'mlpath', short_id = id",
    "CREATE INDEX ix_resource_roadmap ON resource (roadmap)",
    "CREATE INDEX ix_resource_short_id ON resource (short_id)",
)

REGISTER: tuple[Step, ...] = (
    Step(2, "study log, notes, reviews and ratings", _v2_study_habits),
    Step(3, "FSRS review schedule and the study timer", _v3_fsrs_and_timer),
    Step(4, "progress marks, weekly goals and prerequisites", _v4_effort),
    Step(5, "every stamp in UTC YYYY-MM-DDTHH:MM:SSZ and every day YYYY-MM-DD, in 1970-2100", _V5_TIME_ONE_WAY),
    Step(6, "undo: the action behind every record, tombstones for undone ones", _V6_UNDO),
    Step(7, "events and progress shares ordered by place, so a merged older one never becomes the latest",
         _V7_PLACE),
    # The state is derived data (see STATE_TABLE): create_derived builds it after this step.
    Step(8, "each resource's state stored, kept current by triggers, so reads never work it out per resource",
         ()),
    Step(9, "several roadmaps in one database; a page in two of them is one piece of study", _V9_ROADMAPS),
    # Derived data only: create_derived adds the indexes `next` reads through (see INDEXES).
    Step(10, "indexes for reading a stage's items in order, choose_one groups and retired or linked resources", ()),
    # Derived data only: create_derived makes the state_of view and the triggers that read it.
    Step(11, "the stored state's triggers read one view instead of each holding its query", ()),
)
LATEST = REGISTER[-1].version  # the schema version a new database gets


def check_register(register: tuple[Step, ...] | None = None) -> None:
    """Refuse a register with duplicate or out-of-order versions (a programming error)."""
    register = REGISTER if register is None else register
    versions = [s.version for s in register]
    if versions != list(range(2, 2 + len(versions))):
        raise RuntimeError(f"migration register is not a strictly increasing sequence from 2: {versions}")


def pending(current: int) -> list[Step]:
    if current > LATEST:
        raise SchemaTooNew(f"the database was written by a newer mlpath (schema {current}; this one knows {LATEST})")
    return [s for s in REGISTER if s.version > current]


def drop_derived(conn: sqlite3.Connection) -> None:
    """Drop every view and trigger, and the stored state (a step may change a table they name;
    they are rebuilt after the last)."""
    for kind, name in conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger')").fetchall():
        conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
    conn.execute("DROP TABLE IF EXISTS resource_state")


def undoable_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables whose rows `mlpath undo` can revert: those with an action_id column."""
    return [name for (name,) in conn.execute(
        "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c "
        "WHERE m.type = 'table' AND c.name = 'action_id' ORDER BY m.name")]


def create_derived(conn: sqlite3.Connection) -> None:
    """(Re)create the views and extra indexes for the current schema.

    Every undoable table gets live_<table>: its rows without a tombstone, what every read sees.
    The stored state of every resource with records is worked out again from those records.
    """
    drop_derived(conn)
    for table in undoable_tables(conn):
        conn.execute(f"CREATE VIEW live_{table} AS SELECT * FROM {table} t WHERE NOT EXISTS "
                     f"(SELECT 1 FROM tombstone x WHERE x.table_name = '{table}' AND x.row_id = t.id)")
    for sql in INDEXES:
        conn.execute(sql)
    conn.execute(STATE_TABLE)
    for sql in VIEWS.values():
        conn.execute(sql)
    conn.execute(_store_state(" UNION ".join(f"SELECT resource_id FROM {table}" for table in STATE_SOURCES)))
    for sql in STATE_TRIGGERS:
        conn.execute(sql)


def migrate(conn: sqlite3.Connection, current: int) -> list[Step]:
    """Apply every pending step and record the new version; the caller holds the write transaction."""
    check_register()
    conn.create_function("mlpath_stamp", 1, clock.repaired_stamp, deterministic=True)
    conn.create_function("mlpath_day", 1, clock.repaired_day, deterministic=True)
    applied = pending(current)
    drop_derived(conn)  # views may name tables that only a later step makes: rebuilt after the last one
    for step in applied:
        if callable(step.apply):
            step.apply(conn)
        else:
            for sql in step.apply:
                conn.execute(sql)
    if applied:
        create_derived(conn)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(applied[-1].version),))
    return applied
