"""The database schema: every table's columns declared once, as plain data.

These declarations drive everything that names columns: the CREATE TABLE statements of a new
database, the INSERT and SELECT lists in store.py, and the keys of the JSON backup. Adding a
column to a table is one line here plus one migration step (migrations.py) for existing
databases; nothing else lists columns.

Importing this module is cheap (no ORM): daily commands use it. `orm_models()` builds SQLModel
classes from the same declarations for scripts and for the test that the two agree.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from mlpath.migrations import LATEST as SCHEMA_VERSION  # the last step of the migration register

__all__ = ["SCHEMA_VERSION", "TABLES", "Column", "Table"]


class Column(NamedTuple):
    name: str
    type: str  # the SQL type: VARCHAR, INTEGER, FLOAT or BOOLEAN
    nullable: bool = False
    references: str | None = None  # "table.column" for a foreign key
    indexed: bool = False
    json_key: str | None = None  # its key in the JSON backup when not its name
    time: str | None = None  # "stamp" (UTC YYYY-MM-DDTHH:MM:SSZ) or "day" (YYYY-MM-DD): normalised on every write

    @property
    def key(self) -> str:
        return self.json_key or self.name


# The column that makes a table's rows undoable: the action (one command) that wrote each row.
UNDO_COLUMN = Column("action_id", "INTEGER", nullable=True, references="action.id")
# The column that orders an ordered table's rows within their resource (see progress.places): a
# stamp, the row's own or, when the clock went back, the latest place before it; ties by id.
PLACE_COLUMN = Column("place", "VARCHAR", nullable=True)


class Table(NamedTuple):
    name: str
    columns: tuple[Column, ...]  # the data columns, in the order of the value type's fields
    key: str | None = "id"  # an INTEGER PRIMARY KEY before the data columns, or None when the first column is the key
    # A record of progress that `mlpath undo` can revert: each row carries action_id (after the
    # data columns), and reads go through the view live_<name>, which leaves out undone rows.
    undoable: bool = False
    # Its latest row per resource counts (an event is the status): rows carry `place` (last of all),
    # and reads order by (place, id), so a merged older row never becomes the latest.
    ordered: bool = False

    @property
    def stored(self) -> tuple[Column, ...]:
        """Every column after the key: the data columns, then action_id and place when the table has them."""
        return (*self.columns, *((UNDO_COLUMN,) if self.undoable else ()), *((PLACE_COLUMN,) if self.ordered else ()))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def live(self) -> str:
        """Where reads come from: live_<name> (undone rows left out) for an undoable table."""
        return f"live_{self.name}" if self.undoable else self.name

    def select(self, everything: bool = False) -> str:
        """SELECT of the data columns: live rows, or with everything=True undone ones too."""
        return f"SELECT {', '.join(self.names)} FROM {self.name if everything else self.live}"

    def insert(self) -> str:
        """INSERT of the data columns, then of action_id and place when the table has them."""
        names = tuple(c.name for c in self.stored)
        return f"INSERT INTO {self.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"

    def create(self) -> list[str]:
        """CREATE TABLE and CREATE INDEX statements for a new database."""
        columns = self.stored
        cols = ([f"{self.key} INTEGER NOT NULL"] if self.key else []) + [
            f"{c.name} {c.type}{'' if c.nullable else ' NOT NULL'}" for c in columns]
        primary = self.key or self.columns[0].name
        parts = [*cols, f"PRIMARY KEY ({primary})"] + [
            f"FOREIGN KEY({c.name}) REFERENCES {c.references.split('.')[0]} ({c.references.split('.')[1]})"
            for c in columns if c.references]
        statements = [f"CREATE TABLE {self.name} (\n\t" + ", \n\t".join(parts) + "\n)"]
        statements += [f"CREATE INDEX ix_{self.name}_{c.name} ON {self.name} ({c.name})"
                       for c in self.columns if c.indexed]
        return statements


def _resource_ref(indexed: bool = True) -> Column:
    return Column("resource_id", "VARCHAR", references="resource.id", indexed=indexed, json_key="resource")


META = Table("meta", (Column("key", "VARCHAR"), Column("value", "VARCHAR")), key=None)
# Every roadmap the database tracks: the first (position 0) is the bundled one or the file
# --roadmap names, the others came with `mlpath roadmap add`. A removed one is hidden, never deleted.
ROADMAP = Table("roadmap", (
    Column("name", "VARCHAR"),
    Column("position", "INTEGER"),  # the order roadmaps are shown in: the order they were added
    Column("title", "VARCHAR"),
    Column("version", "INTEGER"),
    Column("digest", "VARCHAR", nullable=True),  # of the file last synced (roadmap.RoadmapFile.digest)
    Column("source", "VARCHAR", nullable=True),  # the file `roadmap add` read; None for the first
    Column("hidden", "BOOLEAN"),
), key=None)
# A stage's or resource's stored id is its id in its roadmap file (short_id), or, when another
# roadmap had that id first, name/short_id (catalog.stored_id). roadmap and short_id are NULL in no
# row; they are declared nullable because an upgrade adds them to existing tables.
STAGE = Table("stage", (
    Column("id", "VARCHAR"),
    Column("number", "INTEGER"),
    Column("title", "VARCHAR"),
    Column("summary", "VARCHAR", nullable=True),
    Column("retired", "BOOLEAN"),
    Column("roadmap", "VARCHAR", nullable=True, references="roadmap.name"),
    Column("short_id", "VARCHAR", nullable=True),
), key=None)
RESOURCE = Table("resource", (
    Column("id", "VARCHAR"),
    Column("stage_id", "VARCHAR", references="stage.id", indexed=True),
    Column("position", "INTEGER"),
    Column("title", "VARCHAR"),
    Column("kind", "VARCHAR"),
    Column("core", "BOOLEAN"),
    Column("hours", "FLOAT"),
    Column("url", "VARCHAR", nullable=True),
    Column("authors", "VARCHAR"),  # a JSON list of names
    Column("note", "VARCHAR", nullable=True),
    Column("choose_one", "VARCHAR", nullable=True),
    Column("retired", "BOOLEAN"),
    Column("after", "VARCHAR", nullable=True),  # a JSON list of resource or stage ids; NULL: the previous stage first
    Column("roadmap", "VARCHAR", nullable=True, references="roadmap.name", indexed=True),
    Column("short_id", "VARCHAR", nullable=True, indexed=True),
    # The resource whose records are this one's progress: the same page (catalog.same_page) in a
    # roadmap tracked before this one; NULL when it is its own. Set when the resource first comes in.
    Column("same_as", "VARCHAR", nullable=True, references="resource.id"),
), key=None)
# One status change; history is appended to, never rewritten. A resource's status is its latest
# event by place (then id): a local change is placed last whatever the clock says, so a clock that
# goes back never hides a change; an imported one is placed by its stamp, so merging a backup from
# another machine never sets a status back to an older state.
EVENT = Table("event", (
    _resource_ref(),
    Column("status", "VARCHAR"),  # todo, doing, done or skipped
    Column("at", "VARCHAR", time="stamp"),
    Column("note", "VARCHAR", nullable=True),
    Column("rating", "INTEGER", nullable=True),  # with `done --rating`: 1-5
), undoable=True, ordered=True)
STUDY_SESSION = Table("study_session", (
    _resource_ref(),
    Column("day", "VARCHAR", indexed=True, time="day"),  # the learner's local date
    Column("hours", "FLOAT"),
    Column("at", "VARCHAR", time="stamp"),  # when it was logged
    Column("note", "VARCHAR", nullable=True),
), undoable=True)
NOTE = Table("note", (_resource_ref(), Column("at", "VARCHAR", time="stamp"), Column("text", "VARCHAR")),
             undoable=True)
# One spaced-review answer and the FSRS card state after it; the latest row is the schedule.
REVIEW = Table("review", (
    _resource_ref(),
    Column("at", "VARCHAR", time="stamp"),
    Column("grade", "INTEGER"),  # 1 again, 2 hard, 3 good, 4 easy
    Column("stability", "FLOAT"),
    Column("difficulty", "FLOAT"),
    Column("due", "VARCHAR", time="stamp"),  # when the next review is due
), undoable=True)
# A running `mlpath study` timer (at most one), kept so a closed terminal loses nothing.
TIMER = Table("timer", (
    _resource_ref(indexed=False),
    Column("started_at", "VARCHAR", time="stamp"),
    Column("minutes", "INTEGER", nullable=True),  # a countdown's length, None for an open-ended timer
    Column("pid", "INTEGER"),  # the process showing it, to tell a running timer from an abandoned one
    Column("host", "VARCHAR"),
))
# A share of a resource the learner says is done (`mlpath progress ID 5/12`); the latest by place
# counts (placed like events, so a merged older share never replaces a newer one).
PROGRESS_MARK = Table("progress_mark", (
    _resource_ref(),
    Column("at", "VARCHAR", time="stamp"),
    Column("fraction", "FLOAT"),  # 0-1
    Column("label", "VARCHAR"),  # as typed, normalised: "5/12" or "40%"
), undoable=True, ordered=True)
# A weekly study goal set with `mlpath goal`; the latest counts, NULL hours is `goal off`.
GOAL = Table("goal", (Column("at", "VARCHAR", time="stamp"), Column("hours_per_week", "FLOAT", nullable=True)),
             undoable=True)
# One command that changed progress (done, log, note, review, import...): the rows it wrote carry
# its id. An undo is an action too, naming the one it undoes; nothing is ever deleted.
ACTION = Table("action", (
    Column("command", "VARCHAR"),  # done, start, log, import, undo...
    Column("at", "VARCHAR", time="stamp"),
    Column("summary", "VARCHAR"),  # what it did, in words: "done mml-book"
    Column("undoes", "INTEGER", nullable=True, references="action.id"),
))
# A row an undo (or an imported backup's record of one) left out of every read: its table and id.
TOMBSTONE = Table("tombstone", (
    Column("table_name", "VARCHAR"),
    Column("row_id", "INTEGER"),
    Column("by_action", "INTEGER", references="action.id"),  # the undo (or import) that left it out
))
# Stamps an upgrade had to repair (unreadable, or outside 1970-2100): the original text is kept.
STAMP_REPAIR = Table("stamp_repair", (
    Column("table_name", "VARCHAR"),
    Column("row_id", "INTEGER"),
    Column("column_name", "VARCHAR"),
    Column("original", "VARCHAR"),
))

TABLES: tuple[Table, ...] = (META, ROADMAP, STAGE, RESOURCE, EVENT, STUDY_SESSION, NOTE, REVIEW, TIMER,
                              PROGRESS_MARK, GOAL, STAMP_REPAIR, ACTION, TOMBSTONE)
UNDOABLE = tuple(t for t in TABLES if t.undoable)


def create_statements() -> list[str]:
    return [sql for table in TABLES for sql in table.create()]


_PYTHON = {"VARCHAR": str, "INTEGER": int, "FLOAT": float, "BOOLEAN": bool}


def orm_models() -> dict[str, Any]:
    """SQLModel classes for every table, built from the declarations above (imports SQLModel)."""
    from sqlmodel import Field, SQLModel

    if _MODELS:
        return _MODELS
    for table in TABLES:
        annotations: dict[str, Any] = {}
        namespace: dict[str, Any] = {"__tablename__": table.name, "__annotations__": annotations}
        if table.key:
            annotations[table.key] = int | None
            namespace[table.key] = Field(default=None, primary_key=True)
        for n, c in enumerate(table.stored):
            kind: Any = _PYTHON[c.type]
            annotations[c.name] = kind | None if c.nullable else kind
            namespace[c.name] = Field(default=None if c.nullable else ..., primary_key=not table.key and n == 0,
                                      foreign_key=c.references, index=c.indexed)
        name = "".join(part.title() for part in table.name.split("_")) + "Row"
        _MODELS[table.name] = type(name, (SQLModel,), namespace, table=True)
    return _MODELS


_MODELS: dict[str, Any] = {}
