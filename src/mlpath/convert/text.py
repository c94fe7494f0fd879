"""What the readers of `roadmap import` share: the drafts they produce, and the helpers that
clean the text and links they read. Pure: no I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mlpath import roadmap

MAX_TITLE = 200


MAX_NOTE = 600


MAX_SUMMARY = 400


MAX_ID = 48


GENERIC_LINK_TEXT = {
    "link", "here", "pdf", "html", "website", "site", "web", "url", "video", "videos", "slides", "code",
    "paper", "book", "course", "notes", "lecture", "lectures", "github", "repo", "source", "homepage",
    "official", "download", "read", "watch", "this", "click here", "read more", "more", "arxiv", "chat", "discord",
    "forum", "slack", "alt",
}


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


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


def web_url(href: str) -> str | None:
    """href as a web url mlpath accepts, or None (anchors, relative paths, mailto:, junk)."""
    url = CONTROL.sub("", href).strip()
    return url if len(url) <= 2000 and roadmap.URL.match(url) else None


def slug(text: str) -> str:
    """A lowercase id from text: ASCII letters and digits between single dashes, at most MAX_ID long."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(out) > MAX_ID:
        cut = out[:MAX_ID]
        out = cut.rsplit("-", 1)[0] if "-" in cut[MAX_ID // 2:] else cut
    return out.strip("-")


def loose(text: str) -> str:
    """Text compared loosely: letters and digits only, in lower case, one space between words."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", CONTROL.sub(" ", text)).strip()


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_from_url(url: str) -> str:
    parts = urlsplit(url) if url else None
    if parts is None:
        return ""
    tail = [p for p in parts.path.split("/") if p]
    return clean(f"{parts.hostname or ''} {tail[-1] if tail else ''}")


def title_from_name(name: str) -> str:
    stem = re.sub(r"\.(md|markdown|txt|json)$", "", name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    return clean(re.sub(r"[-_]+", " ", stem)).capitalize() or "Imported roadmap"
