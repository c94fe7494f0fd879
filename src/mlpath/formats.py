"""Every export format in one table: `mlpath export --format NAME` looks NAME up in FORMATS.

A writer takes the open store and the moment of the export and returns the whole document. The
text itself is built by pure functions elsewhere (export.markdown, backup.to_json, render.card_svg);
a writer only gathers their data. A new format is one writer here and one line in FORMATS.
Importing this module is cheap (the writers import what they need), since the command line
reads the table to offer and check the names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from mlpath.store import Store


class Format(NamedTuple):
    summary: str  # what the document is, for --help: "a checklist"
    write: Callable[[Store, datetime, tzinfo], str]


def _markdown(store: Store, now: datetime, tz: tzinfo) -> str:
    from mlpath import clock, export

    roadmaps = store.scoped_roadmaps()
    title = roadmaps[0].title if len(roadmaps) == 1 else f"{len(roadmaps)} roadmaps"
    return export.markdown(title, store.stages(), store.items(include_retired=True),
                           now.astimezone(tz).date().isoformat(), store.notes(), clock.stamp(now), roadmaps)


def _json(store: Store, now: datetime, tz: tzinfo) -> str:
    from mlpath import backup, clock

    return backup.to_json(store.dump(), clock.stamp(now))


def _svg(store: Store, now: datetime, tz: tzinfo) -> str:
    from mlpath import render, report

    view = report.overview(store, now.astimezone(tz).date(), tz, every_item=False)
    return render.card_svg(view, report.streaks(store, view.today, tz))


FORMATS: dict[str, Format] = {
    "markdown": Format("a checklist", _markdown),
    "json": Format("a complete backup", _json),
    "svg": Format("a progress card", _svg),
}


def write(name: str, store: Store, now: datetime, tz: tzinfo) -> str:
    """The whole document in format `name`, with control characters made inert (in a terminal and
    in any file viewer)."""
    from mlpath import render

    return render.clean(FORMATS[name].write(store, now, tz), newlines=True)


def _either(words: list[str]) -> str:
    return f"{', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else words[0]


def names() -> str:
    """The format names for a message: "markdown, json or svg"."""
    return _either(list(FORMATS))


def described() -> str:
    """The format names with what each makes, for --help."""
    return _either([f"{name} ({f.summary})" for name, f in FORMATS.items()])


def names_starting(incomplete: str) -> list[str]:
    """Shell completion for --format."""
    return [name for name in FORMATS if name.startswith(incomplete)]
