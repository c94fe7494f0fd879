"""The markdown reader of `roadmap import`: headings become stage candidates, list items and
table rows with a web link become drafts (read with markdown-it-py). Pure: no I/O."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mlpath.catalog import same_page as normal_url  # one rule for "the same page", shared with tracking
from mlpath.convert.text import (
    GENERIC_LINK_TEXT,
    MAX_NOTE,
    MAX_SUMMARY,
    MAX_TITLE,
    Draft,
    DraftStage,
    clean,
    clip,
    title_from_name,
    title_from_url,
    web_url,
)
from mlpath.errors import ConvertFailed
from mlpath.vocab import plural

HOURS_PER_WEEK = 5.0  # a duration in weeks with no effort column: a part-time learner's week


SKIPPED_SECTION = re.compile(
    r"\b(table of contents|contents|toc|contribut\w*|licen[cs]e\w*|code of conduct|sponsors?|backers|"
    r"acknowledg\w*|credits|support (us|this)|donat\w*|changelog|footnotes|related lists?|community|team|faq|"
    r"getting help|contact( us)?)\b",
    re.IGNORECASE,
)


NOTE_LEAD = re.compile("^[\\s\\-\u2013\u2014:|\u00b7\u2022,.;]+")  # separators: hyphen, dashes, bullets


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
class _Inline:
    """One line's text with its links: (text, href, is an image-only badge)."""

    text: str
    links: list[tuple[str, str, bool]]


class MarkdownReader:
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
        doc_title = next((h.title for h in headings if h.level == 1), "") or title_from_name(self.name)
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
            out.append(plural(len(self.skipped_sections), "section") + f" ({names})")
        for key, label in (("anchor", "in-page link (table of contents)"), ("badge", "badge"),
                           ("nonweb", "item without a web link"), ("html", "HTML block")):
            if self.counts[key]:
                out.append(plural(self.counts[key], label))
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
                title = clean(heading.text)
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
                    header.append(clean(cell.text))
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
                text = clean(line.text)
                if text and pending_summary is not None:
                    pending_summary.summary = clip(text, MAX_SUMMARY)
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
            elif web_url(href):
                web.append((text, web_url(href) or ""))
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
        rest = clean(line.text.replace(link_text, " ", 1)) if link_text else clean(line.text)
        rest = NOTE_LEAD.sub("", rest).strip()
        title = clean(link_text)
        if not title or title.lower() in GENERIC_LINK_TEXT or web_url(title):
            # "[pdf](...) The paper's name" names it by the rest of the line; a link inside a
            # sentence ("read the [pdf](...) of ...") by the whole sentence
            line_text = NOTE_LEAD.sub("", clean(line.text)).rstrip(" .")
            at_edge = line_text.startswith(link_text) or line_text.endswith(link_text)
            title = (rest.rstrip(" .") if at_edge else line_text) if rest else title_from_url(url)
            rest = ""
        return Draft(title=clip(title, MAX_TITLE), url=url, note=clip(rest, MAX_NOTE),
                     context=rest, key=normal_url(url))

    def _row(self, header: list[str], cells: list[_Inline]) -> Draft | None:
        links = [link for cell in cells for link in cell.links]
        web = self._web_links(links)
        if not web:
            return None
        names = header + [""] * (len(cells) - len(header))
        title_col = next((n for n, h in enumerate(names) if TITLE_HEADER.search(h) and n < len(cells)), None)
        link_col = next(n for n, c in enumerate(cells) if any(web_url(h) for _, h, b in c.links if not b))
        col = title_col if title_col is not None and clean(cells[title_col].text) else link_col
        cell_links = [(t, web_url(h)) for t, h, b in cells[col].links if not b and web_url(h)]
        link_text, url = (cell_links[0][0], cell_links[0][1] or "") if cell_links else web[0]
        title = clean(link_text)
        if not title or title.lower() in GENERIC_LINK_TEXT or web_url(title):
            title = clean(cells[col].text) or title_from_url(url)
        draft = Draft(title=clip(title, MAX_TITLE), url=url, key=normal_url(url))
        notes: list[str] = []
        found: dict[str, float] = {}
        for n, cell in enumerate(cells):
            value = clean(cell.text)
            head = names[n]
            if n == col or not re.search(r"\w", value) or value.lower() in GENERIC_LINK_TEXT:
                continue
            if PREREQ_HEADER.search(head):
                if not NO_PREREQ.match(value):
                    linked = [(clean(t), web_url(h) or t) for t, h, b in cell.links if not b]
                    words = cell.text
                    for text, _ in linked:
                        words = words.replace(text, ",", 1) if text else words
                    # (reading order, what to look for, what to call it): the drafts' own order
                    draft.prereqs += [(0, ref, text or ref) for text, ref in linked]
                    draft.prereqs += [(0, name, name) for name in _split_names(clean(words))]
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
        draft.note = clip("; ".join(notes), MAX_NOTE)
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
