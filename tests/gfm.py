"""Reads a markdown export the way GitHub does, with a real GFM parser (markdown-it-py and its
tasklists plugin), so the export tests check what a reader sees, not what a regex finds.

check_export(text, items) asserts: one task item per resource, checked exactly when the resource
is done or skipped, skipped ones struck through, every title reading back as it was written
(line breaks folded, control characters dropped), and every link pointing where the roadmap says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, NamedTuple
from urllib.parse import unquote

from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

from mlpath.progress import Item, Status

GFM = MarkdownIt("commonmark").enable(["strikethrough", "table"]).use(tasklists_plugin)
_FOLD = re.compile(r"[\r\n\u2028\u2029\x85\v\f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class Task(NamedTuple):
    """One task item as a reader sees it."""

    checked: bool
    text: str  # its visible text, code spans included
    links: list[str]  # hrefs
    struck: bool  # starts inside a strike-through


def tasks(text: str) -> dict[str, Task]:
    """Top-level task items by the id in their last code span."""
    tokens = GFM.parse(text)
    found: dict[str, Task] = {}
    depth = 0
    for n, tok in enumerate(tokens):
        if tok.type == "bullet_list_open":
            depth += 1
        elif tok.type == "bullet_list_close":
            depth -= 1
        elif tok.type == "list_item_open" and depth == 1 and "task-list-item" in str(tok.attrs.get("class", "")):
            inline = next(t for t in tokens[n:] if t.type == "inline")
            task, rid = _task(inline.children or [])
            assert rid not in found, f"two task items for {rid}"
            found[rid] = task
    return found


def _task(children: Sequence[Any]) -> tuple[Task, str]:
    checked = any(c.type == "html_inline" and "checked" in c.content for c in children)
    visible = [c for c in children if c.type != "html_inline"]
    text = "".join(c.content if c.type in ("text", "code_inline") else " " if c.type == "softbreak" else ""
                   for c in visible).strip()
    links = [str(c.attrs["href"]) for c in visible if c.type == "link_open"]
    struck = bool(visible) and next(c for c in visible if c.type != "text" or c.content.strip()).type == "s_open"
    codes = [c.content for c in visible if c.type == "code_inline"]
    assert codes, f"task item without an id: {text!r}"
    return Task(checked, text, links, struck), codes[-1]


def shown(title: str) -> str:
    """What a title looks like once exported: one line, no control characters."""
    return _CONTROL.sub("", _FOLD.sub(" ", title)).strip()


def listed_items(run: Any) -> list[Item]:
    """The current resources as `mlpath list --json` gives them, as Items (title, url, status)."""
    records = json.loads(run("list", "--json").stdout)
    return [Item(r["id"], r["stage"], 0, 0, r["title"], r["kind"], r["core"], r["hours"], Status(r["status"]),
                 r["url"]) for r in records]


def check_export(text: str, items: Sequence[Item], only: bool = False) -> dict[str, Task]:
    """Assert the export shows every item as it should (see the module docstring); its tasks.

    With only=True, items may be some of the export's task items rather than all of them.
    """
    found = tasks(text)
    if only:
        assert {i.id for i in items} <= set(found), "a task item per resource"
    else:
        assert sorted(found) == sorted(i.id for i in items), "one task item per resource"
    for item in items:
        task = found[item.id]
        closed = item.status in (Status.done, Status.skipped)
        assert task.checked == closed, (item.id, item.status, task)
        assert task.struck == (item.status is Status.skipped), (item.id, task)
        assert task.text.startswith(shown(item.title)), (task.text, item.title)
        if item.url:
            assert task.links and unquote(task.links[0]) == unquote(item.url), (task.links, item.url)
        else:
            assert not task.links, task.links
    return found
