"""The back end of `roadmap import`: ids, kinds, hours and `after:` for the drafts a reader
made, then the YAML text, checked with mlpath's own roadmap loader. Pure: no I/O."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from mlpath import roadmap
from mlpath.catalog import same_page as normal_url  # one rule for "the same page", shared with tracking
from mlpath.convert.markdown import HOURS_PER_WEEK
from mlpath.convert.text import (
    MAX_ID,
    MAX_NOTE,
    MAX_TITLE,
    Draft,
    DraftStage,
    clean,
    clip,
    loose,
    slug,
    title_from_url,
    web_url,
)
from mlpath.errors import ConvertFailed, RoadmapInvalid
from mlpath.vocab import plural

# Hours assumed for a resource whose source gives none; the report lists the ones it used.
DEFAULT_HOURS = {
    "book": 30.0, "course": 30.0, "paper": 3.0, "video": 1.0, "article": 1.0, "tutorial": 2.0,
    "project": 10.0, "podcast": 1.0, "newsletter": 0.5, "person": 0.5, "tool": 2.0, "dataset": 2.0,
    "website": 1.0,
}


HEADER = "# Converted from "  # how a file written by an import starts: only such a file is replaced


# Kind from the link first (strong signals), then from the words of the title and note.
KIND_BY_HOST = (
    ("paper", re.compile(r"(^|\.)(arxiv\.org|doi\.org|dl\.acm\.org|aclanthology\.org|openreview\.net|"
                         r"ieeexplore\.ieee\.org|papers\.nips\.cc|proceedings\.\w+\.\w+|semanticscholar\.org|"
                         r"jmlr\.org|biorxiv\.org|ssrn\.com)$")),
    ("video", re.compile(r"(^|\.)(youtube\.com|youtu\.be|vimeo\.com|videolectures\.net)$")),
    ("course", re.compile(r"(^|\.)(coursera\.org|edx\.org|udacity\.com|udemy\.com|khanacademy\.org|"
                          r"ocw\.mit\.edu|classcentral\.com|deeplearning\.ai)$")),
    ("podcast", re.compile(r"(^|\.)(podcasts\.apple\.com|podcasts\.google\.com|anchor\.fm|overcast\.fm)$")),
    ("book", re.compile(r"(^|\.)(oreilly\.com|manning\.com|link\.springer\.com|springer\.com|nostarch\.com|"
                        r"pragprog\.com|packtpub\.com|cambridge\.org|mitpress\.mit\.edu|leanpub\.com|"
                        r"routledge\.com|wiley\.com|amazon\.com|press\.princeton\.edu)$")),
    ("dataset", re.compile(r"(^|\.)(archive\.ics\.uci\.edu|data\.gov)$")),
)


KIND_BY_PATH = (
    ("dataset", re.compile(r"(kaggle\.com|huggingface\.co)/datasets/")),
    ("podcast", re.compile(r"/podcasts?(/|$)|open\.spotify\.com/show/")),
    ("course", re.compile(r"^courses?\.|/(courses?|class|classes)(/|$|-)")),
    ("paper", re.compile(r"\.pdf$")),
)


KIND_BY_WORDS = (
    ("podcast", re.compile(r"\bpodcasts?\b", re.IGNORECASE)),
    ("course", re.compile(r"\b(courses?|moocs?|specialization|nanodegree|class|classes)\b", re.IGNORECASE)),
    ("book", re.compile(r"\b(books?|textbooks?|handbook|ebook)\b", re.IGNORECASE)),
    ("paper", re.compile(r"\b(papers?|preprints?|survey|proceedings)\b", re.IGNORECASE)),
    ("video", re.compile(r"\b(video|videos|talk|lectures?|playlist|webinar|screencast)\b", re.IGNORECASE)),
    ("tutorial", re.compile(r"\b(tutorial|walkthrough|how[- ]to|guide|notebook|workshop)\b", re.IGNORECASE)),
    ("newsletter", re.compile(r"\bnewsletter\b", re.IGNORECASE)),
    ("dataset", re.compile(r"\bdatasets?\b", re.IGNORECASE)),
    ("project", re.compile(r"\bprojects?\b", re.IGNORECASE)),
)


class Report(NamedTuple):
    """What the conversion did, for the learner to check: counts, guesses and what was left out."""

    source: str
    source_format: str
    stage_level: int | None
    stages: int
    resources: int
    kinds: dict[str, int]
    hours_from_source: int
    hours_from_weeks: int  # a duration with no effort, at hours_per_week
    hours_per_week: float
    default_hours: dict[str, float]  # kind -> hours assumed, for the kinds that needed a default
    defaulted: int
    after_links: int
    after_in_notes: bool
    dropped_cycles: int
    left_out: tuple[str, ...]
    version: int
    changed: bool


class Conversion(NamedTuple):
    text: str
    report: Report


def build(title: str, stages: list[DraftStage], left_out: list[str], name: str, fmt: str,
           level: int | None, previous: str | None) -> Conversion:
    seen: set[str] = set()
    duplicates = 0
    for stage in stages:
        kept = []
        for d in stage.resources:
            if d.key in seen:
                duplicates += 1
                continue
            seen.add(d.key)
            kept.append(d)
        stage.resources = kept
    stages = [s for s in stages if s.resources]
    if duplicates:
        left_out.append(plural(duplicates, "duplicate link"))
    if not stages:
        raise ConvertFailed(f"{name} has nothing left to import once duplicates are removed")
    resource_ids = _resource_ids([d for s in stages for d in s.resources])
    stage_ids = _stage_ids(stages, set(resource_ids.values()))
    kinds = {d.key: infer_kind(d.url, d.title, d.context, s.title) for s in stages for d in s.resources}
    after, after_titles, dropped = _after(stages, resource_ids, stage_ids)
    write_after = "after" in roadmap.RESOURCE_KEYS
    defaults: dict[str, float] = {}
    from_source = from_weeks = defaulted = 0
    out_stages = []
    for stage in stages:
        resources = []
        for d in stage.resources:
            kind = kinds[d.key]
            if d.hours is not None and d.hours > 0:
                hours = round(d.hours, 1) or 0.1
                from_source += d.hours_how == "table"
                from_weeks += d.hours_how == "weeks"
            else:
                hours = defaults.setdefault(kind, DEFAULT_HOURS[kind])
                defaulted += 1
            hours = int(hours) if hours == int(hours) else hours
            note = d.note
            refs = after.get(d.key, [])
            if refs and not write_after:
                note = clip(f"{note} (after: {', '.join(after_titles[d.key])})".strip(), MAX_NOTE + 400)
            resource: dict[str, Any] = {"id": resource_ids[d.key], "title": d.title, "kind": kind, "hours": hours}
            if d.url:
                resource["url"] = d.url
            if note:
                resource["note"] = note
            if refs and write_after:
                resource["after"] = refs
            resources.append(resource)
        entry: dict[str, Any] = {"id": stage_ids[id(stage)], "title": clip(stage.title, MAX_TITLE)}
        if stage.summary:
            entry["summary"] = stage.summary
        entry["resources"] = resources
        out_stages.append(entry)
    version, old = 1, None
    if previous is not None:
        try:
            old = roadmap.parse(roadmap.RoadmapFile("previous", previous.encode("utf-8")))
            version = old.version
        except RoadmapInvalid:
            old = None
    data = {"version": version, "title": clip(title, MAX_TITLE) or "Imported roadmap",
            "source": f"converted from {clip(clean(name), 120) or 'a file'} by mlpath roadmap import",
            "stages": out_stages}
    text = _yaml(data, name)
    changed = old is None or text != previous
    if old is not None and changed:
        data["version"] = version = old.version + 1
        text = _yaml(data, name)
    try:
        roadmap.parse(roadmap.RoadmapFile(name, text.encode("utf-8")))
    except RoadmapInvalid as exc:  # a converter bug; say so in one line rather than write a broken file
        raise ConvertFailed(f"the roadmap converted from {name} does not validate: {exc.problems[0]}",
                            hint="please report this with the source file") from None
    counts = Counter(kinds.values())
    report = Report(
        source=name, source_format=fmt, stage_level=level, stages=len(out_stages),
        resources=sum(len(s["resources"]) for s in out_stages), kinds=dict(counts.most_common()),
        hours_from_source=from_source, hours_from_weeks=from_weeks, hours_per_week=HOURS_PER_WEEK,
        default_hours=defaults, defaulted=defaulted,
        after_links=sum(len(v) for v in after.values()), after_in_notes=bool(after) and not write_after,
        dropped_cycles=dropped, left_out=tuple(left_out), version=version, changed=changed,
    )
    return Conversion(text, report)


def _yaml(data: dict[str, Any], name: str) -> str:
    import yaml

    head = (f"{HEADER}{clip(clean(name), 120)} by `mlpath roadmap import`. Edit freely, but keep the ids:\n"
            "# progress is keyed on them. Re-importing the source rewrites this file (same ids for the same links).\n")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's when there: ten times faster
    return head + yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100,
                            default_flow_style=False)


def _resource_ids(drafts: list[Draft]) -> dict[str, str]:
    """A slug per draft from its title (else its url); clashing slugs all take a short hash of the key."""
    base = {d.key: slug(d.title) or slug(title_from_url(d.url or "")) or "item" for d in drafts}
    clashes = Counter(base.values())
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for d in drafts:
        rid = base[d.key]
        if clashes[rid] > 1:
            digest = f"{zlib.crc32(d.key.encode('utf-8')):08x}"
            size = 4
            while f"{rid}-{digest[:size]}" in taken and size < 8:
                size += 1
            rid = f"{rid}-{digest[:size]}"
        n = 2
        unique = rid
        while unique in taken:  # only a crc32 clash could get here
            unique, n = f"{rid}-{n}", n + 1
        taken.add(unique)
        ids[d.key] = unique
    return ids


def _stage_ids(stages: list[DraftStage], resource_ids: set[str]) -> dict[int, str]:
    """Stage slugs, unique, and never equal to a resource id (`after:` may name either)."""
    ids: dict[int, str] = {}
    taken = set(resource_ids)
    for stage in stages:
        base = slug(stage.title) or "stage"
        if base in resource_ids:
            base = f"{base}-section"[: MAX_ID + 8]
        unique, n = base, 2
        while unique in taken:
            unique, n = f"{base}-{n}", n + 1
        taken.add(unique)
        ids[id(stage)] = unique
    return ids


def _after(stages: list[DraftStage], resource_ids: dict[str, str], stage_ids: dict[int, str]
           ) -> tuple[dict[str, list[str]], dict[str, list[str]], int]:
    """Prerequisites as ids (key -> ids) and as titles (key -> titles), and how many closed a cycle.

    A prerequisite is found by its source id, its url, a resource's title or id, a stage's title,
    or the start of exactly one resource's title ("Calculus 1A" for "Calculus 1A: Differentiation"),
    punctuation and case aside. One that names nothing stays as words in the resource's note; one
    that would close a cycle is dropped (the first ones read are kept).
    """
    drafts = {d.key: d for s in stages for d in s.resources}
    names: dict[str, str] = {}
    for d in drafts.values():
        names.setdefault(loose(d.title), d.key)
        names.setdefault(loose(resource_ids[d.key]), d.key)
    stage_names = {loose(s.title): s for s in stages}
    stage_by_key = {f"stage:{s.key}": s for s in stages if s.key}

    def find(raw: str) -> tuple[set[str], str, str] | None:
        """What raw names: (the keys that must come first, the id to write, a title to show)."""
        words = loose(raw)
        key = raw if raw in drafts else normal_url(raw) if web_url(raw) else names.get(words)
        stage = stage_by_key.get(raw) or (stage_names.get(words) if key is None else None)
        if stage is not None:
            return {m.key for m in stage.resources}, stage_ids[id(stage)], stage.title
        if key is None and len(words) >= 6:
            found = {k for name, k in names.items() if name.startswith(words + " ")}
            key = found.pop() if len(found) == 1 else None
        return ({key}, resource_ids[key], drafts[key].title) if key in drafts else None

    ids: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    firsts_of: dict[str, set[str]] = {}  # key -> keys that must come first (a stage stands for its members)
    dropped = 0
    unknown: dict[str, list[str]] = {}
    wanted = sorted(((order, n, d, raw, label) for n, d in enumerate(drafts.values())
                     for order, raw, label in d.prereqs), key=lambda w: (w[0], w[1]))
    for _, _, d, raw, label in wanted:
        target = find(raw)
        if target is None:
            unknown.setdefault(d.key, []).append(label)
            continue
        firsts, ref, title = target
        if d.key in firsts or any(_reaches(firsts_of, f, d.key) for f in firsts):
            dropped += 1
            continue
        if ref not in ids.setdefault(d.key, []):
            ids[d.key].append(ref)
            titles.setdefault(d.key, []).append(title)
        firsts_of.setdefault(d.key, set()).update(firsts)
    for key, labels in unknown.items():
        drafts[key].note = clip(f"{drafts[key].note} (prerequisites: {', '.join(labels)})".strip(), MAX_NOTE + 200)
    return {k: v for k, v in ids.items() if v}, titles, dropped


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    """Whether `start` already comes after `goal`, following the prerequisites found so far."""
    stack, seen = [start], {start}
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def infer_kind(url: str | None, title: str, context: str = "", heading: str = "") -> str:
    """The kind a link most likely is: by its host, then its path, then the words of its title, of
    the text around it, and of its section's heading, in that order."""
    def by_words(*texts: str) -> str | None:
        return next((kind for text in texts for kind, pattern in KIND_BY_WORDS if pattern.search(text)), None)

    if url:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        host = host[4:] if host.startswith("www.") else host
        for kind, pattern in KIND_BY_HOST:
            if pattern.search(host):
                return kind
        where = f"{host}{parts.path.lower()}"
        for kind, pattern in KIND_BY_PATH:
            if pattern.search(where):
                return kind
        segments = [p for p in parts.path.split("/") if p]
        if host == "github.com" and len(segments) == 2:
            return by_words(title, context) or "tool"  # a repository: a library unless its words say otherwise
        if host in ("twitter.com", "x.com") and len(segments) == 1:
            return "person"
    return by_words(title, context, heading) or "article"
