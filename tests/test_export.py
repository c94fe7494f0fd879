"""Markdown export: structure, one task item per resource, escaping of hostile text."""

from __future__ import annotations

import re

import pytest

from mlpath.export import (
    escape_markdown,
    escape_url,
    item_record,
    markdown,
    stage_record,
    task_line,
)
from mlpath.progress import Item, StageInfo, Status, stage_progress

STAGES = [StageInfo("one", 1, "One"), StageInfo("two", 2, "Two & <Co>")]
TASK = re.compile(r"^- \[( |x)\] (.*) `([a-z0-9-]+)`$")


def make(rid: str, stage: int, pos: int, title: str = "T", status: Status = Status.todo, **kw) -> Item:
    return Item(id=rid, stage_id=STAGES[stage - 1].id, stage_number=stage, position=pos, title=title,
                kind="paper", core=True, hours=2, status=status, **kw)


def tasks(text: str) -> dict[str, str]:
    """Checkbox state per id, read back the way a markdown reader sees list items."""
    found = {}
    for line in text.splitlines():
        if line.startswith("- ["):
            m = TASK.match(line)
            assert m, f"malformed task line: {line!r}"
            assert m.group(3) not in found
            found[m.group(3)] = m.group(1)
    return found


def test_markdown_has_title_date_percent_headings_and_one_task_per_resource():
    items = [
        make("a", 1, 1, "Alpha", Status.done, url="https://example.org/a", done_at="2026-11-20T10:00:00Z"),
        make("b", 1, 2, "Beta", Status.doing),
        make("c", 2, 1, "Gamma", Status.skipped),
        make("d", 2, 2, "Delta"),
    ]
    text = markdown("My Roadmap", STAGES, items, "2026-11-24")
    lines = text.splitlines()
    assert lines[0] == "# My Roadmap: progress"
    assert "Exported 2026-11-24" in text and "Overall: 33.3% (1 of 3 done" in text
    assert "## 1. One (1/2)" in lines
    assert "## 2. Two &amp; &lt;Co&gt; (0/1)" in lines
    assert tasks(text) == {"a": "x", "b": " ", "c": " ", "d": " "}
    assert "- [x] [Alpha](https://example.org/a) · paper · done 2026-11-20 · `a`" in lines
    assert "- [ ] Beta · paper · doing · `b`" in lines


HOSTILE = [
    "line one\n- [x] fake item `other-id`",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    "**bold** _em_ `code` ~~strike~~ | pipe | # heading",
    "back\\slash and &amp; entity",
    "\r\n## injected heading\r\n",
    "\u2028unicode line separator\u2029",
    "ctrl\x00\x07\x1b[31mred",
    "x" * 5000,
]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_and_notes_cannot_break_the_list_or_inject_html(title):
    item = make("victim", 1, 1, title, Status.done, done_at="2026-11-20T00:00:00Z", done_note=title)
    text = markdown("R", STAGES[:1], [item], "2026-11-24")
    line = task_line(item)
    assert "\n" not in line and "\r" not in line
    assert tasks(text) == {"victim": "x"}
    assert "<" not in line and ">" not in line.replace("&gt;", "")
    assert "\x1b" not in line and "\x00" not in line
    # every markdown-active character is escaped, so nothing renders as markup
    body = line[len("- [x] "):line.rindex(" · `victim`")]
    assert not re.search(r"(?<!\\)[*_`\[\]()#|~]", body.split(" · ")[0])


def test_escape_markdown_round_trips_visible_text():
    assert escape_markdown("a*b") == "a\\*b"
    assert escape_markdown("x < y & z") == "x &lt; y &amp; z"
    assert escape_markdown("two\nlines") == "two lines"


def test_escape_url_keeps_links_working_but_closed():
    assert escape_url("https://example.org/a_(b)?q=1") == "https://example.org/a_%28b%29?q=1"
    assert escape_url("https://x.org/a b<c>") == "https://x.org/a%20b%3Cc%3E"


def test_json_records_have_exactly_the_documented_keys():
    item = make("a", 1, 1)
    assert list(item_record(item)) == ["id", "number", "title", "stage", "kind", "core", "hours", "url", "status",
                                       "done_at"]
    (p,) = stage_progress(STAGES[:1], [item])
    assert list(stage_record(p)) == ["id", "number", "title", "done", "total", "percent", "hours_left", "eta",
                                     "pace_hours_per_week", "hours_done", "hours_total", "core_hours_left",
                                     "eta_goal", "goal_hours_per_week"]
