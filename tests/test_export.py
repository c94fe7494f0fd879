"""Markdown export: structure, one task item per resource, escaping of hostile text."""

from __future__ import annotations

import html

import pytest

from gfm import GFM, check_export, shown
from mlpath.export import (
    Tick,
    escape_markdown,
    escape_url,
    item_record,
    markdown,
    parse_checklist,
    stage_record,
    task_line,
    ticked_status,
)
from mlpath.habits import Note
from mlpath.progress import Item, StageInfo, Status, stage_progress

STAGES = [StageInfo("one", 1, "One"), StageInfo("two", 2, "Two & <Co>")]


def make(rid: str, stage: int, pos: int, title: str = "T", status: Status = Status.todo, **kw) -> Item:
    return Item(id=rid, stage_id=STAGES[stage - 1].id, stage_number=stage, position=pos, title=title,
                kind="paper", core=True, hours=2, status=status, **kw)


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
    assert "## 2. Two & &lt;Co> (0/1)" in lines
    check_export(text, items)
    assert "- [x] [Alpha](https://example.org/a) · paper · done 2026-11-20 · `a`" in lines
    assert "- [ ] Beta · paper · doing · `b`" in lines
    assert "- [x] ~~Gamma~~ (skipped) · paper · `c`" in lines


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
@pytest.mark.parametrize("status", [Status.done, Status.skipped])
def test_hostile_titles_and_notes_cannot_break_the_list_or_inject_html(title, status):
    item = make("victim", 1, 1, title, status, done_at="2026-11-20T00:00:00Z", done_note=title,
                url="https://example.org/a_(b) c")
    text = markdown("R", STAGES[:1], [item], "2026-11-24", [Note("victim", "2026-11-21T00:00:00Z", title)])
    line = task_line(item)
    assert "\n" not in line and "\r" not in line
    assert "<" not in line and "\x1b" not in line and "\x00" not in line
    (task,) = check_export(text, [item]).values()
    assert task.text.startswith(shown(title) + (" (skipped)" if status is Status.skipped else "") + " · paper")
    assert "<script" not in GFM.render(text) and "<img" not in GFM.render(text)


@pytest.mark.parametrize(("text", "escaped"), [
    ("ch 8-9 (PCA), 2.1-2.5 #1 a|b 100% > 3! + - .", "ch 8-9 (PCA), 2.1-2.5 #1 a|b 100% > 3! + - ."),
    ("snake_case and __init__ and _em_", "snake_case and \\_\\_init\\_\\_ and \\_em\\_"),
    ("a*b `c` [d](e) ~~f~~ back\\slash", "a\\*b \\`c\\` \\[d\\](e) \\~\\~f\\~\\~ back\\\\slash"),
    ("x < y & z, R&D, &amp; &#42;", "x &lt; y & z, R&D, &amp;amp; &amp;#42;"),
    ("two\nlines", "two lines"),
])
def test_escape_markdown_escapes_only_what_gfm_would_misread(text, escaped):
    assert escape_markdown(text) == escaped
    rendered = GFM.renderInline(escaped)
    assert html.unescape(rendered) == shown(text)  # it reads back as written, with no markup


def test_skipped_items_are_ticked_struck_and_marked():
    item = make("s", 1, 1, "Some Title", Status.skipped, url="https://example.org/s")
    line = task_line(item)
    assert line == "- [x] ~~[Some Title](https://example.org/s)~~ (skipped) · paper · `s`"
    assert parse_checklist(line) == {"s": Tick(ticked=True, skipped=True)}


def test_checklists_of_the_current_and_the_old_layout_read_back():
    old = r"""# Test Roadmap: progress

Exported 2026-11-01 by mlpath. Overall: 20% (1 of 5 done, 80 hours left).

## 1. Basics (1/3)

- [x] [Linear Algebra Done Right](https://example.org/la) · book · done 2026-10-30 · `linear-algebra`
- [ ] Calculus &lt;b&gt;videos&lt;/b&gt; · video · skipped · `calculus-videos`
- [ ] Statistics 101 · course · doing · 2 h spent · `stats-course`
  - 2026-10-31: a note \- with \(escapes\)
"""
    assert parse_checklist(old) == {"linear-algebra": Tick(True, False), "calculus-videos": Tick(False, False),
                                    "stats-course": Tick(False, False)}
    new = old.replace("- [ ] Calculus &lt;b&gt;videos&lt;/b&gt; · video · skipped ·",
                      "- [x] ~~Calculus &lt;b>videos&lt;/b>~~ (skipped) · video ·")
    assert parse_checklist(new)["calculus-videos"] == Tick(True, True)


@pytest.mark.parametrize(("tick", "status", "becomes"), [
    (Tick(True, False), Status.todo, Status.done),
    (Tick(True, False), Status.skipped, Status.done),  # the skip mark was removed and the box kept
    (Tick(True, False), Status.done, None),
    (Tick(False, False), Status.done, Status.todo),
    (Tick(False, False), Status.doing, None),
    (Tick(False, False), Status.skipped, None),  # an old export: skipped items were unticked
    (Tick(True, True), Status.skipped, None),
    (Tick(False, True), Status.skipped, Status.todo),  # unticked: reopened
    (Tick(False, True), Status.done, None),
])
def test_what_a_tick_asks_for(tick, status, becomes):
    assert ticked_status(tick, status) is becomes


def test_escape_url_keeps_links_working_but_closed():
    assert escape_url("https://example.org/a_(b)?q=1") == "https://example.org/a_%28b%29?q=1"
    assert escape_url("https://x.org/a b<c>") == "https://x.org/a%20b%3Cc%3E"


def test_json_records_have_exactly_the_documented_keys():
    item = make("a", 1, 1)
    assert list(item_record(item)) == ["id", "number", "title", "stage", "kind", "core", "hours", "url", "status",
                                       "done_at", "roadmap"]
    (p,) = stage_progress(STAGES[:1], [item])
    assert list(stage_record(p)) == ["id", "number", "title", "done", "total", "percent", "hours_left", "eta",
                                     "pace_hours_per_week", "hours_done", "hours_total", "core_hours_left",
                                     "eta_goal", "goal_hours_per_week", "roadmap"]
