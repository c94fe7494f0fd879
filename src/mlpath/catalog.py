"""The roadmaps one database tracks: their names, the ids their resources are stored under, and
which resources of two roadmaps are the same page (one piece of study). Pure: no I/O.

The first roadmap (the bundled one, or the file --roadmap names) is called FIRST. Another
roadmap's resources keep the ids their file gives them (short ids) unless a roadmap tracked
before already uses one: then it is stored as name/short-id. The name/short-id form is accepted
for every resource, whichever way it is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from mlpath.errors import UsageProblem
from mlpath.vocab import ID_PATTERN

if TYPE_CHECKING:
    from mlpath.progress import Item, StageProgress

FIRST = "mlpath"  # the first roadmap's name (schema 9's upgrade gives it to the roadmap tracked until then)
SCOPE_ALL = "all"  # `roadmap use all`: no default roadmap, every command sees every roadmap
NAME_LIMIT = 40
NAME_FORM = f"lowercase letters and digits between single dashes, at most {NAME_LIMIT}, e.g. fastai-course"

# Query parameters that say who sent the reader, not which page it is.
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ref_src)$", re.IGNORECASE)


class RoadmapInfo(NamedTuple):
    """A tracked roadmap as stored (schema.ROADMAP)."""

    name: str
    position: int
    title: str
    version: int
    digest: str | None = None
    source: str | None = None
    hidden: bool = False


class RoadmapProgress(NamedTuple):
    """One roadmap's line: its progress over its own resources (a shared one counts in each)."""

    roadmap: RoadmapInfo
    progress: StageProgress
    default: bool = False  # the one `roadmap use` chose
    eta: date | None = None  # at the learner's pace (else goal), were it studied alone


class Added(NamedTuple):
    """What `roadmap add` did."""

    roadmap: RoadmapInfo
    created: bool  # new to this database (else refreshed, or brought back from hidden)
    stages: int
    resources: int
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    shared: tuple[tuple[str, str], ...] = ()  # (this roadmap's id, the id it is the same page as), new links only


def check_name(name: str) -> str:
    """A roadmap name as typed, normalised, or one clear problem."""
    clean = name.strip().lower()
    if not (ID_PATTERN.match(clean) and len(clean) <= NAME_LIMIT):
        raise UsageProblem(f"{name!r} is not a roadmap name", hint=f"use {NAME_FORM}")
    if clean == SCOPE_ALL:
        raise UsageProblem(f"{SCOPE_ALL!r} means every roadmap and cannot name one", hint=f"use {NAME_FORM}")
    return clean


def check_added(name: str) -> str:
    """The name a roadmap is added as: any but the first roadmap's (the bundled one, or what the
    database tracked before several roadmaps)."""
    if name == FIRST:
        raise UsageProblem(f"{name!r} is the first roadmap's name",
                           hint="choose another with --name, e.g. --name my-course")
    return name


def check_source(name: str, source: str, tracked: Iterable[RoadmapInfo]) -> None:
    """Refuse to track a file under a second name: every page of it would be the same page as one
    of the roadmap that file is tracked as already (removed ones too: `add` brings those back)."""
    for other in tracked:
        if other.source == source and other.name != name:
            raise UsageProblem(f"{source} is tracked already, as {other.name!r}",
                               hint=f"to refresh it: mlpath roadmap add {source} --name {other.name}")


def name_from_file(stem: str) -> str:
    """A roadmap name from a file's name: awesome-ml.yaml gives awesome-ml."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:NAME_LIMIT].strip("-")
    return slug or "roadmap"


def stored_id(short: str, name: str, taken: set[str]) -> str:
    """The id a new stage or resource of roadmap `name` is stored under: its own when free."""
    return short if short not in taken else f"{name}/{short}"


def same_page(url: str) -> str:
    """What two links share when they are the same page: the url without scheme, `www.`, default
    port, trailing slash and tracking parameters (utm_*, fbclid, gclid...), host in lowercase."""
    from urllib.parse import parse_qsl, urlencode, urlsplit  # only when roadmaps are added or synced

    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip().lower()
    host = host[4:] if host.startswith("www.") else host
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING_PARAMS.match(k)])
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{query}" if query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def links(new: Iterable[tuple[str, str | None]], known: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """Which new resources are the same page as one tracked before: {new id: known id}.

    `known` holds the (id, url) of resources that are their own (not linked themselves), in the
    order they were tracked: the first of a page is the one the others point at.
    """
    first: dict[str, str] = {}
    for rid, url in known:
        if url:
            first.setdefault(same_page(url), rid)
    found = {}
    for rid, url in new:
        target = first.get(same_page(url)) if url else None
        if target is not None and target != rid:
            found[rid] = target
    return found


def distinct(items: Sequence[Item]) -> list[Item]:
    """The items with each piece of study once: one linked to another item in the list (the same
    page in a roadmap tracked before) is left out, so its hours count once."""
    ids = {i.id for i in items}
    return [i for i in items if i.same_as is None or i.same_as not in ids]
