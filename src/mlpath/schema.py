"""The database schema, defined once with SQLModel (used by store.py for creation and writes).

Reads go through the SQL views created beside these tables (see migrations.VIEWS) with the standard
library's sqlite3, so the daily read commands never pay for importing the ORM.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 4  # bump with a new step in migrations.py


class Meta(SQLModel, table=True):
    """Key/value facts about the database: schema version, roadmap version, digest, title."""

    key: str = Field(primary_key=True)
    value: str


class StageRow(SQLModel, table=True):
    __tablename__ = "stage"

    id: str = Field(primary_key=True)
    number: int
    title: str
    summary: str | None = None
    retired: bool = False


class ResourceRow(SQLModel, table=True):
    __tablename__ = "resource"

    id: str = Field(primary_key=True)
    stage_id: str = Field(foreign_key="stage.id", index=True)
    position: int
    title: str
    kind: str
    core: bool
    hours: float
    url: str | None = None
    authors: str = "[]"  # a JSON list of names
    note: str | None = None
    choose_one: str | None = None
    retired: bool = False
    after: str | None = None  # a JSON list of resource or stage ids; NULL: the previous stage comes first


class EventRow(SQLModel, table=True):
    """One status change; history is appended to, never rewritten."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    resource_id: str = Field(foreign_key="resource.id", index=True)
    status: str  # the status the resource moved to: todo, doing, done or skipped
    at: str  # UTC, ISO 8601 with a Z suffix
    note: str | None = None
    rating: int | None = None  # with `done --stars`: how good the resource was, 1-5 stars


class StudySessionRow(SQLModel, table=True):
    """Time spent on a resource: many sessions per resource, per local calendar day."""

    __tablename__ = "study_session"

    id: int | None = Field(default=None, primary_key=True)
    resource_id: str = Field(foreign_key="resource.id", index=True)
    day: str = Field(index=True)  # the learner's local date, YYYY-MM-DD
    hours: float
    at: str  # when it was logged, UTC
    note: str | None = None


class NoteRow(SQLModel, table=True):
    __tablename__ = "note"

    id: int | None = Field(default=None, primary_key=True)
    resource_id: str = Field(foreign_key="resource.id", index=True)
    at: str
    text: str


class ReviewRow(SQLModel, table=True):
    """One spaced-review answer and the FSRS card state after it; the latest row is the schedule."""

    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    resource_id: str = Field(foreign_key="resource.id", index=True)
    at: str
    grade: int  # 1 again, 2 hard, 3 good, 4 easy
    stability: float
    difficulty: float
    due: str  # UTC, when the next review is due


class TimerRow(SQLModel, table=True):
    """A running `mlpath study` timer (at most one), kept so a closed terminal loses nothing."""

    __tablename__ = "timer"

    id: int | None = Field(default=None, primary_key=True)
    resource_id: str = Field(foreign_key="resource.id")
    started_at: str  # UTC
    minutes: int | None = None  # a countdown's length, None for an open-ended timer
    pid: int  # the process showing it, to tell a running timer from an abandoned one
    host: str


class ProgressRow(SQLModel, table=True):
    """A share of a resource the learner says is done (`mlpath progress ID 5/12`); the latest counts."""

    __tablename__ = "progress_mark"

    id: int | None = Field(default=None, primary_key=True)
    resource_id: str = Field(foreign_key="resource.id", index=True)
    at: str  # UTC
    fraction: float  # 0-1
    label: str  # as typed, normalised: "5/12" or "40%"


class GoalRow(SQLModel, table=True):
    """A weekly study goal set with `mlpath goal`; the latest counts, NULL hours is `goal off`."""

    __tablename__ = "goal"

    id: int | None = Field(default=None, primary_key=True)
    at: str  # UTC
    hours_per_week: float | None = None
