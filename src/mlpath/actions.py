"""What the commands that change something do, in the learner's terms: one function per command.

Each takes the open store and the parsed arguments, finds the resources meant, applies the
domain's rules (habits, progress), writes once through the store and returns what happened for
`render` or `--json`. No printing and no SQL here; report.py is the read-only counterpart, and
reviewing.py and live.py do the same for `review` and `study`. (`roadmap import` reads its files
here too; convert.py itself stays free of I/O.)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from mlpath.errors import ConvertFailed, ReopenNeeded, RoadmapInvalid, UsageProblem
from mlpath.progress import Change, Checklist, Item, Undone
from mlpath.store import Store
from mlpath.vocab import Status

if TYPE_CHECKING:  # (habits' records: imported by the commands that write them, not by done, reset...)
    from mlpath.backup import MergeReport
    from mlpath.catalog import Added
    from mlpath.convert import Conversion
    from mlpath.habits import Mark, Note, Session
    from mlpath.roadmap import Roadmap


class Logged(NamedTuple):
    item: Item
    session: Session
    day_total: float  # hours logged on the session's day, this session included
    started: bool  # the resource was todo, so logging time started it


class Progressed(NamedTuple):
    item: Item  # with its new share
    mark: Mark
    started: bool


class Noted(NamedTuple):
    item: Item
    note: Note


def mark(store: Store, queries: list[str], status: Status, at: str, note: str | None = None,
         rating: int | None = None, reopen: bool = False) -> list[Change]:
    """Move resources to a status; every id is resolved first, so nothing changes on a typo.

    Starting a finished resource reopens it: that needs reopen=True (ReopenNeeded otherwise).
    """
    items = store.find(queries)
    finished = [i.id for i in items if i.status is Status.done]
    if status is Status.doing and finished and not reopen:
        raise ReopenNeeded(finished)
    return store.set_status(items, status, at, note, rating)


def undo(store: Store, at: str) -> Undone | None:
    """Revert the last command that changed progress (None when there is none left)."""
    return store.undo(at)


def log(store: Store, query: str, hours: float, day: date, note: str | None, at: str) -> Logged:
    """Record a study session on `day`, refusing more hours than the day has; a todo resource starts."""
    from mlpath.habits import Session

    (item,) = store.find([query])
    session = Session(item.record_id, day.isoformat(), hours, at, note)
    started = item.status is Status.todo
    total = store.log_time(item, session, started)  # checks the hours-per-day limit as it writes
    return Logged(item, session, total, started)


def set_progress(store: Store, query: str, fraction: float, label: str, at: str) -> Progressed:
    """Record how far through a resource the learner is; a todo resource starts, a finished one refuses."""
    (item,) = store.find([query])
    if item.status in (Status.done, Status.skipped):
        raise UsageProblem(f"{item.id} is {item.status.value}; progress is for resources you are studying",
                           hint=f"to study it again: mlpath reset {item.id}")
    from mlpath.habits import Mark

    mark = Mark(item.record_id, at, fraction, label)
    started = item.status is Status.todo
    store.set_progress(item, mark, started)
    return Progressed(item._replace(fraction=fraction), mark, started)


def set_goal(store: Store, hours_per_week: float | None, at: str) -> float | None:
    """Set (or with None clear) the weekly goal; the earlier ones stay in the history."""
    from mlpath.habits import Goal

    store.set_goal(Goal(at, hours_per_week))
    return hours_per_week


def add_note(store: Store, query: str, text: str, at: str) -> Noted:
    (item,) = store.find([query], include_retired=True)
    from mlpath.habits import Note

    note = Note(item.record_id, at, text.strip())
    store.add_note(note)
    return Noted(item, note)


def link(store: Store, query: str) -> str:
    """The link of the resource to open in a browser; one without a link is a usage problem."""
    (item,) = store.find([query], include_retired=True)
    if not item.url:
        raise UsageProblem(f"{item.id} has no link in the roadmap", hint=f"search for its title: {item.title}")
    return item.url


def import_file(store: Store, path: Path, at: str, force: bool = False) -> MergeReport | Checklist:
    """Merge a JSON backup (adding what is missing) or apply a markdown checklist's ticks.

    A checklist never unticks a resource finished after it was exported, unless force is given.
    """
    from mlpath import backup, importer  # only `import` needs them

    text = importer.read_text(path)
    if backup.looks_like_json(text):
        return store.merge(backup.parse(text, str(path)), at)
    return importer.apply_checklist(store, text, str(path), at, force)


def convert_roadmap(source: Path, output: Path | None, stage_level: int | None) -> Conversion:
    """`roadmap import`: read the source, and the roadmap it will replace (so ids are kept), then convert."""
    from mlpath import convert, importer

    text = importer.read_text(source, "source", "a markdown or roadmap.sh JSON file", ConvertFailed)
    previous = importer.read_previous(output, "the roadmap") if output else None
    return convert.convert(text, source.name, stage_level, previous, str(output))


class ToAdd(NamedTuple):
    """A roadmap file read and checked for `roadmap add`, before the database is opened."""

    road: Roadmap
    name: str
    source: str


def read_roadmap_to_add(path: Path, name: str | None) -> ToAdd:
    """`roadmap add`, first half: read the roadmap file (or a markdown outline / roadmap.sh JSON,
    converted on the way in) and the name to track it as (default: from the file's name). It runs
    before the store opens, so a bad file or name leaves no database behind on a first run."""
    from mlpath import catalog, convert, importer, roadmap

    chosen = catalog.check_added(catalog.check_name(name) if name is not None else catalog.name_from_file(path.stem))
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            road = roadmap.parse(roadmap.read_source(path))
        else:
            text = importer.read_text(path, "source", "a roadmap YAML, a markdown outline or a roadmap.sh JSON file",
                                      ConvertFailed)
            yaml_text = convert.convert(text, path.name).text
            road = roadmap.parse(roadmap.RoadmapFile(str(path), yaml_text.encode()))
    except (RoadmapInvalid, ConvertFailed) as exc:  # their hints speak of --roadmap and of `roadmap import`
        exc.hint = ("fix the lines named, then run mlpath roadmap add again" if isinstance(exc, RoadmapInvalid)
                    else "give a roadmap YAML file, a markdown outline with links, or a roadmap.sh roadmap JSON")
        raise
    return ToAdd(road, chosen, str(path.resolve()))


def add_roadmap(store: Store, to_add: ToAdd) -> Added:
    """`roadmap add`, second half: track it beside the others; again, to refresh it."""
    return store.add_roadmap(to_add.road, to_add.name, to_add.source)
