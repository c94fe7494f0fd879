"""Convert another curriculum into an mlpath roadmap: text in, roadmap YAML and a report out.

Two sources are understood: markdown outlines (awesome lists, course READMEs, notes files),
read with markdown-it-py, and roadmap.sh roadmap JSON (nodes and edges). Both become a list of
draft stages holding draft resources; one back end then gives them ids, kinds, hours and
`after:` links, writes the YAML and checks it with mlpath's own roadmap loader, so what it
returns always loads. No I/O here: the command reads the file and writes the result.

Ids are derived from each resource's title (or its normalised URL when the title gives no
slug), never from its position, so re-importing an edited source keeps the ids, and with them
the progress, of every resource that is still there.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

from mlpath import roadmap
from mlpath.errors import ConvertFailed, RoadmapInvalid

# Hours assumed for a resource whose source gives none; the report lists the ones it used.
DEFAULT_HOURS = {
    "book": 30.0, "course": 30.0, "paper": 3.0, "video": 1.0, "article": 1.0, "tutorial": 2.0,
    "project": 10.0, "podcast": 1.0, "newsletter": 0.5, "person": 0.5, "tool": 2.0, "dataset": 2.0,
    "website": 1.0,
}
HEADER = "# Converted from "  # how a file written by an import starts: only such a file is replaced
HOURS_PER_WEEK = 5.0  # a duration in weeks with no effort column: a part-time learner's week
MAX_TITLE = 200
MAX_NOTE = 600
MAX_SUMMARY = 400
MAX_ID = 48

SKIPPED_SECTION = re.compile(
    r"\b(table of contents|contents|toc|contribut\w*|licen[cs]e\w*|code of conduct|sponsors?|backers|"
    r"acknowledg\w*|credits|support (us|this)|donat\w*|changelog|footnotes|related lists?|community|team|faq|"
    r"getting help|contact( us)?)\b",
    re.IGNORECASE,
)
GENERIC_LINK_TEXT = {
    "link", "here", "pdf", "html", "website", "site", "web", "url", "video", "videos", "slides", "code",
    "paper", "book", "course", "notes", "lecture", "lectures", "github", "repo", "source", "homepage",
    "official", "download", "read", "watch", "this", "click here", "read more", "more", "arxiv", "chat", "discord",
    "forum", "slack", "alt",
}
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ref_src)$", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
NOTE_LEAD = re.compile("^[\\s\\-\u2013\u2014:|\u00b7\u2022,.;]+")  # separators: hyphen, dashes, bullets

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

# Table columns by header: where a row's title, hours and prerequisites are.
TITLE_HEADER = re.compile(r"\b(title|name|course|resource|book|paper|topic|module|lesson|what)\b", re.IGNORECASE)
EFFORT_HEADER = re.compile(r"\b(effort|workload|commitment|hours ?/ ?week|per week|weekly)\b", re.IGNORECASE)
DURATION_HEADER = re.compile(r"\b(duration|length|time|hours|estimate|weeks)\b", re.IGNORECASE)
PREREQ_HEADER = re.compile(r"\b(prereq\w*|pre-req\w*|requires|requirements|after|depends\w*)\b", re.IGNORECASE)
QUANTITY = re.compile(
    r"(?<![\w.])(?P<low>\d+(?:[.,]\d+)?)\s*(?:(?:-|\u2013|\u2014|to)\s*(?P<high>\d+(?:[.,]\d+)?))?\s*"
    r"(?P<unit>hours?|hrs?|h|minutes?|mins?|m|weeks?|wks?|w|months?|mos?|days?|d|lectures?|lessons?|videos?|"
    r"modules?|sessions?)?\b"
    r"(?P<per>\s*(?:/|per|a|each)\s*(?P<per_unit>week|wk|w|lecture|lesson|video|module|session)s?\b)?",
    re.IGNORECASE,
)
NO_PREREQ = re.compile(r"^\s*(none|no|n/?a|-|\u2013|\u2014|nothing)?\s*$", re.IGNORECASE)


@dataclass
class Draft:
    """A resource as read from the source, before ids, kinds and defaults are settled."""

    title: str
    url: str | None
    note: str = ""
    context: str = ""  # words around the title (note, table headers) that may say what kind it is
    hours: float | None = None
    hours_how: str = ""
    # what comes first, as (when it was read, a title, url or source id, its name for the note):
    # the first read win a cycle
    prereqs: list[tuple[int, str, str]] = field(default_factory=list)
    key: str = ""  # an identity that survives edits: the normalised url, else the source's own id


@dataclass
class DraftStage:
    title: str
    summary: str = ""
    resources: list[Draft] = field(default_factory=list)
    key: str = ""  # the source's own id for the stage, when it has one (roadmap.sh)


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


def convert(text: str, name: str, stage_level: int | None = None, previous: str | None = None,
            output: str = "the output file") -> Conversion:
    """Convert a markdown outline or roadmap.sh JSON (named `name`) into roadmap YAML text.

    previous is the text of the file this import replaces (named `output`), if any. Only a file
    an earlier import wrote may be replaced; its version is kept when nothing changed and bumped
    when something did, so a tracked database syncs the update.
    """
    if previous is not None and not previous.startswith(HEADER):
        raise ConvertFailed(f"{output} exists and was not written by `mlpath roadmap import`; not replacing it",
                            hint="give another -o path, or move that file away first")
    if looks_like_json(text, name):
        parsed = _RoadmapSh(text, name).read()
        fmt, level = "roadmap.sh JSON", None
    else:
        reader = _Markdown(text, name)
        parsed = reader.read(stage_level)
        fmt, level = "markdown", reader.level
    title, stages, left_out = parsed
    return _build(title, stages, left_out, name, fmt, level, previous)


def looks_like_json(text: str, name: str) -> bool:
    return name.lower().endswith(".json") or text.lstrip().startswith("{")


# ----------------------------------------------------------------------------------------------
# Markdown

@dataclass
class _Inline:
    """One line's text with its links: (text, href, is an image-only badge)."""

    text: str
    links: list[tuple[str, str, bool]]


class _Markdown:
    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.level: int | None = None
        self.counts: Counter[str] = Counter()
        self.inline: Callable[[Any], _Inline] = _inline
        self.skipped_sections: list[str] = []

    def read(self, stage_level: int | None) -> tuple[str, list[DraftStage], list[str]]:
        from markdown_it import MarkdownIt

        # maxNesting: lists 20 deep are 40 levels of tokens; markdown-it drops what is deeper.
        parser = MarkdownIt("commonmark", {"maxNesting": 64, "html": True}).enable("table")
        # Links are checked here (web urls only, control characters out), so skip markdown-it's own
        # normalising, a fifth of its time on a long list.
        parser.normalizeLink = lambda url: url  # type: ignore[method-assign]
        parser.validateLink = lambda url: True  # type: ignore[method-assign]
        # Inline markup is parsed only where it matters (headings, items, cells, a section's first
        # paragraph), not for every paragraph of prose: that halves the time on a long document.
        parser.disable("inline")
        env: dict[str, Any] = {}
        tokens = parser.parse(self.text, env)

        def inline(token: Any) -> _Inline:
            token.children = []
            parser.inline.parse(token.content, parser, env, token.children)
            return _inline(token)

        self.inline = inline
        events = list(self._events(tokens))
        headings = [e for e in events if isinstance(e, _Heading)]
        doc_title = next((h.title for h in headings if h.level == 1), "") or _title_from_name(self.name)
        if not any(isinstance(e, Draft) for e in events):
            raise ConvertFailed(
                f"{self.name} has no links to import",
                hint="a resource is a list item or table row with a web link, e.g. - [Title](https://example.org)",
            )
        levels = sorted({h.level for h in headings})
        if stage_level is not None:
            self.level = stage_level
        elif levels:
            # the highest heading level that splits the list into three stages or more, else the one
            # that splits it most (the deeper on a tie, for the more telling titles)
            counts = {lv: len(_group(events, lv, doc_title)) for lv in levels}
            self.level = next((lv for lv in levels if counts[lv] >= 3), max(levels, key=lambda lv: (counts[lv], lv)))
        stages = _group(events, self.level or 0, doc_title)
        return doc_title, stages, self._left_out()

    def _left_out(self) -> list[str]:
        out = []
        if self.skipped_sections:
            names = ", ".join(self.skipped_sections[:5]) + (", ..." if len(self.skipped_sections) > 5 else "")
            out.append(_count(len(self.skipped_sections), "section") + f" ({names})")
        for key, label in (("anchor", "in-page link (table of contents)"), ("badge", "badge"),
                           ("nonweb", "item without a web link"), ("html", "HTML block")):
            if self.counts[key]:
                out.append(_count(self.counts[key], label))
        return out

    def _events(self, tokens: list[Any]) -> Iterator[_Heading | Draft]:
        skip_level = 0  # inside a skipped section (e.g. Contributing) until a heading this high
        header: list[str] = []
        row: list[_Inline] = []
        in_row = in_head = False
        list_depth = 0
        item_started: list[bool] = []
        pending_summary: _Heading | None = None
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind == "heading_open":
                level = int(tok.tag[1])
                heading = self.inline(tokens[i + 1])
                title = _clean(heading.text)
                i += 3
                if skip_level and level > skip_level:
                    continue
                skip_level = 0
                if SKIPPED_SECTION.search(title):
                    skip_level = level
                    self.skipped_sections.append(title)
                    continue
                self._web_links(heading.links)
                pending_summary = _Heading(level, title)
                yield pending_summary
                continue
            if skip_level:
                i += 1
                continue
            if kind == "html_block":
                self.counts["html"] += 1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                list_depth += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                list_depth -= 1
            elif kind == "list_item_open":
                item_started.append(False)
            elif kind == "list_item_close":
                item_started.pop()
            elif kind == "thead_open":
                in_head, header = True, []
            elif kind == "thead_close":
                in_head = False
            elif kind == "tr_open":
                in_row, row = True, []
            elif kind == "tr_close":
                in_row = False
                if not in_head:
                    draft = self._row(header, row)
                    if draft is not None:
                        yield draft
            elif kind == "inline" and in_row:
                cell = self.inline(tok)
                if in_head:
                    header.append(_clean(cell.text))
                else:
                    row.append(cell)
            elif kind == "inline" and item_started and not item_started[-1]:
                item_started[-1] = True  # an item's first paragraph is its line; later ones are prose
                draft = self._item(self.inline(tok))
                if draft is not None:
                    yield draft
            elif kind == "inline" and not list_depth and (pending_summary is not None or "![" in tok.content):
                line = self.inline(tok)
                self._web_links(line.links)  # counts the badges of a README's first lines
                text = _clean(line.text)
                if text and pending_summary is not None:
                    pending_summary.summary = _clip(text, MAX_SUMMARY)
                    pending_summary = None
            if kind in ("bullet_list_open", "ordered_list_open", "table_open"):
                pending_summary = None
            i += 1

    def _web_links(self, links: list[tuple[str, str, bool]]) -> list[tuple[str, str]]:
        """The links that can be resources, counting the ones that cannot."""
        web = []
        for text, href, badge in links:
            if badge:
                self.counts["badge"] += 1
            elif href.startswith("#"):
                self.counts["anchor"] += 1
            elif _web_url(href):
                web.append((text, _web_url(href) or ""))
        return web

    def _item(self, line: _Inline) -> Draft | None:
        if not line.links:
            return None
        web = self._web_links(line.links)
        if not web:
            if not any(badge or href.startswith("#") for _, href, badge in line.links):
                self.counts["nonweb"] += 1
            return None
        link_text, url = web[0]
        rest = _clean(line.text.replace(link_text, " ", 1)) if link_text else _clean(line.text)
        rest = NOTE_LEAD.sub("", rest).strip()
        title = _clean(link_text)
        if not title or title.lower() in GENERIC_LINK_TEXT or _web_url(title):
            # "[pdf](...) The paper's name" names it by the rest of the line; a link inside a
            # sentence ("read the [pdf](...) of ...") by the whole sentence
            line_text = NOTE_LEAD.sub("", _clean(line.text)).rstrip(" .")
            at_edge = line_text.startswith(link_text) or line_text.endswith(link_text)
            title = (rest.rstrip(" .") if at_edge else line_text) if rest else _title_from_url(url)
            rest = ""
        return Draft(title=_clip(title, MAX_TITLE), url=url, note=_clip(rest, MAX_NOTE),
                     context=rest, key=_normal_url(url))

    def _row(self, header: list[str], cells: list[_Inline]) -> Draft | None:
        links = [link for cell in cells for link in cell.links]
        web = self._web_links(links)
        if not web:
            return None
        names = header + [""] * (len(cells) - len(header))
        title_col = next((n for n, h in enumerate(names) if TITLE_HEADER.search(h) and n < len(cells)), None)
        link_col = next(n for n, c in enumerate(cells) if any(_web_url(h) for _, h, b in c.links if not b))
        col = title_col if title_col is not None and _clean(cells[title_col].text) else link_col
        cell_links = [(t, _web_url(h)) for t, h, b in cells[col].links if not b and _web_url(h)]
        link_text, url = (cell_links[0][0], cell_links[0][1] or "") if cell_links else web[0]
        title = _clean(link_text)
        if not title or title.lower() in GENERIC_LINK_TEXT or _web_url(title):
            title = _clean(cells[col].text) or _title_from_url(url)
        draft = Draft(title=_clip(title, MAX_TITLE), url=url, key=_normal_url(url))
        notes: list[str] = []
        found: dict[str, float] = {}
        for n, cell in enumerate(cells):
            value = _clean(cell.text)
            head = names[n]
            if n == col or not re.search(r"\w", value) or value.lower() in GENERIC_LINK_TEXT:
                continue
            if PREREQ_HEADER.search(head):
                if not NO_PREREQ.match(value):
                    linked = [(_clean(t), _web_url(h) or t) for t, h, b in cell.links if not b]
                    words = cell.text
                    for text, _ in linked:
                        words = words.replace(text, ",", 1) if text else words
                    # (reading order, what to look for, what to call it): the drafts' own order
                    draft.prereqs += [(0, ref, text or ref) for text, ref in linked]
                    draft.prereqs += [(0, name, name) for name in _split_names(_clean(words))]
                continue
            amount = _hours(value, head, per_week_column=bool(EFFORT_HEADER.search(head)))
            if amount is not None and (EFFORT_HEADER.search(head) or DURATION_HEADER.search(head)):
                found.setdefault(*amount)
            notes.append(f"{head}: {value}" if head else value)
        weeks, items = found.get("weeks"), found.get("items")
        if "hours" in found:
            draft.hours, draft.hours_how = found["hours"], "table"
        elif weeks is not None and "per_week" in found:
            draft.hours, draft.hours_how = weeks * found["per_week"], "table"
        elif items is not None and "per_item" in found:
            draft.hours, draft.hours_how = items * found["per_item"], "table"
        elif weeks is not None:
            draft.hours, draft.hours_how = weeks * HOURS_PER_WEEK, "weeks"
        draft.note = _clip("; ".join(notes), MAX_NOTE)
        draft.context = f"{draft.note} {' '.join(names)}"
        return draft


@dataclass
class _Heading:
    level: int
    title: str
    summary: str = ""


def _group(events: list[_Heading | Draft], level: int, doc_title: str) -> list[DraftStage]:
    """Stages split at every heading of `level` or higher; empty ones dropped."""
    stages: list[DraftStage] = []
    current = DraftStage(title=doc_title or "Resources")
    for event in events:
        if isinstance(event, _Heading):
            if event.level <= level:
                if current.resources:
                    stages.append(current)
                current = DraftStage(title=event.title or "Untitled section", summary=event.summary)
        else:
            current.resources.append(event)
    if current.resources:
        stages.append(current)
    return stages


def _inline(token: Any) -> _Inline:
    parts: list[str] = []
    links: list[tuple[str, str, bool]] = []
    href: str | None = None
    start = 0
    images = 0
    for child in token.children or []:
        if child.type == "link_open":
            href, start, images = str(child.attrs.get("href") or ""), len(parts), 0
        elif child.type == "link_close" and href is not None:
            text = "".join(parts[start:])
            links.append((text, href, images > 0 and not text.strip()))
            href = None
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            images += 1
    return _Inline("".join(parts), links)


# ----------------------------------------------------------------------------------------------
# roadmap.sh JSON

class _RoadmapSh:
    RESOURCE_TYPES = frozenset({"topic", "subtopic"})
    STAGE_TYPES = frozenset({"group", "section"})

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name

    def fail(self, what: str) -> ConvertFailed:
        return ConvertFailed(f"{self.name} is not a roadmap.sh roadmap: {what}",
                             hint="give the JSON of a roadmap.sh roadmap (nodes and edges), or a markdown file")

    def read(self) -> tuple[str, list[DraftStage], list[str]]:
        try:
            data = json.loads(self.text)
        except (ValueError, RecursionError) as exc:
            raise self.fail(f"not valid JSON ({str(exc).splitlines()[0][:80]})") from None
        nodes = data.get("nodes") if isinstance(data, dict) else None
        if not isinstance(nodes, list):
            raise self.fail("no list of nodes")
        nodes = [n for n in nodes if isinstance(n, dict) and isinstance(n.get("id"), (str, int))]
        where = _absolute(nodes)
        nodes.sort(key=lambda n: where[str(n["id"])])
        title = next((_label(n) for n in nodes if _type(n) == "title" and _label(n)), "")
        title = title or _clean(str(data.get("title") or "")) or _title_from_name(self.name)
        groups = [n for n in nodes if _type(n) in self.STAGE_TYPES]
        stages: dict[str, DraftStage] = {}
        for g in groups:
            stages.setdefault(str(g["id"]), DraftStage(title=_label(g), key=str(g["id"])))
        loose = DraftStage(title=title)
        first_y: dict[int, float] = {}  # where each stage's first topic is on the page, to order them
        topics = 0
        for node in nodes:
            kind = _type(node)
            stage = stages.get(str(node.get("parentId") or node.get("parentNode") or "")) \
                or _containing(where[str(node["id"])], groups, where, stages)
            if kind == "label" and stage is not None and not stage.title:
                stage.title = _label(node)  # roadmap.sh titles a section with a label node inside it
            elif (kind in self.RESOURCE_TYPES and _label(node)) or kind == "checklist":
                drafts = [self._draft(node)] if kind != "checklist" else self._checklist(node)
                target = stage or loose
                first_y.setdefault(id(target), where[str(node["id"])][0])
                target.resources += drafts
                topics += len(drafts)
        if not topics:
            raise ConvertFailed(f"{self.name} has no topics to import",
                                hint="roadmap.sh topics are nodes of type topic or subtopic with a label")
        keys = {d.key for s in [*stages.values(), loose] for d in s.resources}
        edges = data.get("edges") if isinstance(data.get("edges"), list) else []
        ignored = 0
        by_key = {d.key: d for s in [*stages.values(), loose] for d in s.resources}
        for order, edge in enumerate(edges):
            ends = [str(edge.get(k)) for k in ("source", "target")] if isinstance(edge, dict) else ["", ""]
            before, after = (f"node:{e}" for e in ends)
            first = before if before in keys else f"stage:{ends[0]}" if ends[0] in stages else None
            # an edge into a section puts every topic in it after the source
            followers = [by_key[after]] if after in keys else stages[ends[1]].resources if ends[1] in stages else []
            if first is None or not followers:
                ignored += 1
                continue
            for follower in followers:
                follower.prereqs.append((order, first, first))
        left_out = []
        if ignored:
            left_out.append(_count(ignored, "edge") + " not leading to a topic")
        for stage in stages.values():
            stage.title = stage.title or (stage.resources[0].title if stage.resources else "")
        ordered = sorted((s for s in [*stages.values(), loose] if s.resources), key=lambda s: first_y[id(s)])
        return title, ordered, left_out

    def _draft(self, node: dict[str, Any]) -> Draft:
        data = _dict(node.get("data"))
        url = next((u for u in (_web_url(str(data.get(k) or "")) for k in ("href", "url", "link")) if u), None)
        note = _clean(str(data.get("description") or ""))
        title = _clip(_label(node), MAX_TITLE)
        return Draft(title=title, url=url, note=_clip(note, MAX_NOTE), context=note,
                     key=f"node:{node['id']}")

    def _checklist(self, node: dict[str, Any]) -> list[Draft]:
        """A checklist node's items, each a resource (their ids repeat across checklists)."""
        data = _dict(node.get("data"))
        items = data.get("checklists")
        items = items if isinstance(items, list) else []
        drafts = []
        for item in items:
            label = _clean(str(item.get("label") or "")) if isinstance(item, dict) else ""
            if label:
                title = _clip(label, MAX_TITLE)
                drafts.append(Draft(title=title, url=None,
                                    key=f"node:{node['id']}:{item.get('id') or label}"))
        return drafts


def _type(node: dict[str, Any]) -> str:
    kind = node.get("type")
    return kind if isinstance(kind, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _label(node: dict[str, Any]) -> str:
    data = node.get("data")
    return _clean(str(data.get("label") or "")) if isinstance(data, dict) else ""


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0


def _position(node: dict[str, Any]) -> tuple[float, float]:
    pos = _dict(node.get("position"))
    return _number(pos.get("y")), _number(pos.get("x"))


def _absolute(nodes: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """(y, x) of every node on the page: a child's position is relative to its parent's."""
    by_id = {str(n["id"]): n for n in nodes}
    memo: dict[str, tuple[float, float]] = {}

    def place(key: str, depth: int) -> tuple[float, float]:
        if key not in memo:
            node = by_id[key]
            y, x = _position(node)
            parent = str(node.get("parentId") or node.get("parentNode") or "")
            if parent in by_id and parent != key and depth < 50:
                py, px = place(parent, depth + 1)
                y, x = y + py, x + px
            memo[key] = (y, x)
        return memo[key]

    return {key: place(key, 0) for key in by_id}


def _size(node: dict[str, Any]) -> tuple[float, float]:
    data = _dict(node.get("data"))
    for holder in (node, node.get("style"), node.get("measured"), data.get("style")):
        if isinstance(holder, dict) and _number(holder.get("width")) and _number(holder.get("height")):
            return _number(holder.get("width")), _number(holder.get("height"))
    return 0.0, 0.0


def _containing(spot: tuple[float, float], groups: list[dict[str, Any]], where: dict[str, tuple[float, float]],
                stages: dict[str, DraftStage]) -> DraftStage | None:
    """The smallest group or section whose rectangle holds the spot (a node's top-left corner)."""
    y, x = spot
    best: tuple[float, DraftStage] | None = None
    for g in groups:
        gy, gx = where[str(g["id"])]
        w, h = _size(g)
        if w and h and gx <= x <= gx + w and gy <= y <= gy + h and (best is None or w * h < best[0]):
            best = (w * h, stages[str(g["id"])])
    return best[1] if best else None


# ----------------------------------------------------------------------------------------------
# The back end: ids, kinds, hours, after, YAML

def _build(title: str, stages: list[DraftStage], left_out: list[str], name: str, fmt: str,
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
        left_out.append(_count(duplicates, "duplicate link"))
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
                note = _clip(f"{note} (after: {', '.join(after_titles[d.key])})".strip(), MAX_NOTE + 400)
            resource: dict[str, Any] = {"id": resource_ids[d.key], "title": d.title, "kind": kind, "hours": hours}
            if d.url:
                resource["url"] = d.url
            if note:
                resource["note"] = note
            if refs and write_after:
                resource["after"] = refs
            resources.append(resource)
        entry: dict[str, Any] = {"id": stage_ids[id(stage)], "title": _clip(stage.title, MAX_TITLE)}
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
    data = {"version": version, "title": _clip(title, MAX_TITLE) or "Imported roadmap",
            "source": f"converted from {_clip(_clean(name), 120) or 'a file'} by mlpath roadmap import",
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

    head = (f"{HEADER}{_clip(_clean(name), 120)} by `mlpath roadmap import`. Edit freely, but keep the ids:\n"
            "# progress is keyed on them. Re-importing the source rewrites this file (same ids for the same links).\n")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's when there: ten times faster
    return head + yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100,
                            default_flow_style=False)


def _resource_ids(drafts: list[Draft]) -> dict[str, str]:
    """A slug per draft from its title (else its url); clashing slugs all take a short hash of the key."""
    base = {d.key: _slug(d.title) or _slug(_title_from_url(d.url or "")) or "item" for d in drafts}
    clashes = Counter(base.values())
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for d in drafts:
        slug = base[d.key]
        if clashes[slug] > 1:
            digest = f"{zlib.crc32(d.key.encode('utf-8')):08x}"
            size = 4
            while f"{slug}-{digest[:size]}" in taken and size < 8:
                size += 1
            slug = f"{slug}-{digest[:size]}"
        n = 2
        unique = slug
        while unique in taken:  # only a crc32 clash could get here
            unique, n = f"{slug}-{n}", n + 1
        taken.add(unique)
        ids[d.key] = unique
    return ids


def _stage_ids(stages: list[DraftStage], resource_ids: set[str]) -> dict[int, str]:
    """Stage slugs, unique, and never equal to a resource id (`after:` may name either)."""
    ids: dict[int, str] = {}
    taken = set(resource_ids)
    for stage in stages:
        slug = _slug(stage.title) or "stage"
        if slug in resource_ids:
            slug = f"{slug}-section"[: MAX_ID + 8]
        unique, n = slug, 2
        while unique in taken:
            unique, n = f"{slug}-{n}", n + 1
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
        names.setdefault(_loose(d.title), d.key)
        names.setdefault(_loose(resource_ids[d.key]), d.key)
    stage_names = {_loose(s.title): s for s in stages}
    stage_by_key = {f"stage:{s.key}": s for s in stages if s.key}

    def find(raw: str) -> tuple[set[str], str, str] | None:
        """What raw names: (the keys that must come first, the id to write, a title to show)."""
        loose = _loose(raw)
        key = raw if raw in drafts else _normal_url(raw) if _web_url(raw) else names.get(loose)
        stage = stage_by_key.get(raw) or (stage_names.get(loose) if key is None else None)
        if stage is not None:
            return {m.key for m in stage.resources}, stage_ids[id(stage)], stage.title
        if key is None and len(loose) >= 6:
            found = {k for name, k in names.items() if name.startswith(loose + " ")}
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
        drafts[key].note = _clip(f"{drafts[key].note} (prerequisites: {', '.join(labels)})".strip(), MAX_NOTE + 200)
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


def _hours(value: str, head: str, per_week_column: bool) -> tuple[str, float] | None:
    """What a table cell says about time, as (what, amount).

    what is 'hours' (in total), 'weeks', 'per_week' (hours a week), 'items' (lectures, lessons...)
    or 'per_item' (hours each): '8 weeks', '4-6 h/week', '90 min', '35 lectures', '90 minutes/lecture'.
    """
    for m in QUANTITY.finditer(value):
        low = float(m["low"].replace(",", "."))
        high = float(m["high"].replace(",", ".")) if m["high"] else low
        amount = (low + high) / 2
        unit = (m["unit"] or "").lower()
        if not 0 < amount <= 100_000 or unit.startswith("d"):
            continue
        minutes = unit in ("m", "min", "mins", "minute", "minutes")
        hours = amount / 60 if minutes else amount
        timed = minutes or unit in ("", "h", "hr", "hrs", "hour", "hours")
        if m["per"] and timed:
            return ("per_week", hours) if m["per_unit"].lower().startswith("w") else ("per_item", hours)
        if per_week_column and timed:
            return "per_week", hours
        if unit.startswith(("l", "v", "s", "mod")):
            return "items", amount
        if unit.startswith("w"):
            return "weeks", amount
        if unit.startswith("mo"):
            return "weeks", amount * 52 / 12
        if unit:
            return "hours", hours
        # a bare number: only the column's name can say what it counts
        if re.search(r"\bweeks?\b", head, re.IGNORECASE):
            return "weeks", amount
        if re.search(r"\b(hours?|hrs?|h)\b", head, re.IGNORECASE):
            return "hours", amount
    return None


def _split_names(value: str) -> list[str]:
    return [p for p in (part.strip(" .") for part in re.split(r",|;|\band\b|/|\+", value)) if p]


def _web_url(href: str) -> str | None:
    """href as a web url mlpath accepts, or None (anchors, relative paths, mailto:, junk)."""
    url = CONTROL.sub("", href).strip()
    return url if len(url) <= 2000 and roadmap.URL.match(url) else None


def _normal_url(url: str) -> str:
    """The url without what does not change the page: scheme, www., default port, trailing slash, trackers."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.lower()
    host = host[4:] if host.startswith("www.") else host
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING_PARAMS.match(k)])
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{query}" if query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > MAX_ID:
        cut = slug[:MAX_ID]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[MAX_ID // 2:] else cut
    return slug.strip("-")


def _loose(text: str) -> str:
    """Text compared loosely: letters and digits only, in lower case, one space between words."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", CONTROL.sub(" ", text)).strip()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title_from_url(url: str) -> str:
    parts = urlsplit(url) if url else None
    if parts is None:
        return ""
    tail = [p for p in parts.path.split("/") if p]
    return _clean(f"{parts.hostname or ''} {tail[-1] if tail else ''}")


def _title_from_name(name: str) -> str:
    stem = re.sub(r"\.(md|markdown|txt|json)$", "", name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    return _clean(re.sub(r"[-_]+", " ", stem)).capitalize() or "Imported roadmap"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
