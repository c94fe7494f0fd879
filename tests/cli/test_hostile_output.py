"""Terminal control characters in titles, notes and urls never reach the terminal, the JSON or the SVG raw."""

from __future__ import annotations

import json
import re
import xml.dom.minidom
from pathlib import Path

import pytest

from mlpath import render

# What must never be printed: every C0/C1 control character and DEL, except the newline.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
EVIL = "\x1b]0;pwned\x07\x1b[2J\x9b31m\r\x08"
ROADMAP = r"""version: 1
title: "Evil \e]0;title\a roadmap"
stages:
  - id: a
    title: "Stage \e[2J one \x9b"
    summary: "sum \e[5m"
    resources:
      - {id: x, title: "X \e[31mred\e[0m", kind: book, hours: 2, core: true, note: "n \e]0;t\a", authors: ["A\eB"]}
      - {id: y, title: "Y \r over", kind: book, hours: 1}
"""


@pytest.fixture
def evil_roadmap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "evil.yaml"
    path.write_text(ROADMAP, encoding="utf-8")
    monkeypatch.setenv("MLPATH_ROADMAP", str(path))
    return path


def test_clean_shows_each_control_character_as_one_visible_sign():
    assert render.clean("a\x1b[2Jb\x9bc\x7f\x00") == "a\u241b[2Jb\ufffdc\u2421\u2400"
    assert render.clean("tab\there") == "tab here"
    assert render.clean("line\nnext") == "line\u240anext"
    assert render.clean("line\nnext", newlines=True) == "line\nnext"
    assert render.clean("bad \udcff byte") == "bad \ufffd byte"
    assert render.clean("plain é 🧠") == "plain é 🧠"
    hostile = "x\x1b]0;t\x07\x9b\r\udcff"
    assert render.cells(render.clean(hostile)) == render.cells(hostile)  # layouts measured before stay exact


def test_json_text_escapes_what_a_terminal_would_act_on_and_stays_lossless():
    data = {"t": "a\x1b[2J\x9b\x7f\u2028\ud800z"}
    text = render.json_text(data)
    assert not RAW_CONTROL.search(text) and "\u2028" not in text
    assert json.loads(text) == data


def test_colour_output_keeps_its_styles_and_shows_control_characters_as_signs(monkeypatch, capsys):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    render.terminal.cache_clear()
    try:
        render.terminal().emit([[("a\x1b]0;x\x07b\x1b[2Jc", "bold")]])
    finally:
        render.terminal.cache_clear()
    shown = capsys.readouterr().out
    assert "\x1b[1m" in shown  # the terminal's own style codes survive
    assert "a\u241b]0;x\u2407b\u241b[2Jc" in shown and "\x1b]" not in shown and "\x07" not in shown


def test_the_quick_check_for_control_characters_finds_what_clean_would_replace():
    for code in [*range(0x80), 0x85, 0x9B, 0xA0, 0x2028, 0xD800]:
        text = f"ok\n{chr(code)} line\n"
        assert render._has_controls(text) == (render.clean(text, newlines=True) != text), hex(code)
    assert not render._has_controls("plain\ntext é 🧠 ─\n")


@pytest.mark.parametrize("colour", [False, True])
def test_a_line_given_as_plain_text_is_printed_as_a_one_span_line_is(monkeypatch, capsys, colour):
    if colour:
        monkeypatch.delenv("NO_COLOR")
        monkeypatch.setenv("FORCE_COLOR", "1")
    shown = []
    for line in ("a\x1b]0;x\x07b  ", "new\nline", "tab\there  é", ""):
        for given in (line, [(line, "")]):
            render.terminal.cache_clear()
            try:
                render.terminal().emit([given, "next"])
            finally:
                render.terminal.cache_clear()
            shown.append(capsys.readouterr().out)
    assert shown[0::2] == shown[1::2]
    assert shown[2] == "new\u240aline\nnext\n"
    assert shown[0] == "a\u241b]0;x\u2407b" + ("  " if colour else "") + "\nnext\n"  # (plain: no trailing spaces)


COMMANDS = [[], ["show", "x"], ["show", "x", "--json"], ["history"], ["next", "-n", "2"], ["next", "--json"],
            ["list"], ["list", "--json"], ["stages"], ["stages", "--json"], ["review"], ["export"],
            ["export", "--format", "json"], ["export", "--format", "svg"], ["done", "x"], ["start", "y"],
            ["roadmap", "diff"], ["note", "y", "again"], ["open", "y"]]


def test_no_view_prints_a_raw_control_character(run, evil_roadmap, clock, monkeypatch):
    monkeypatch.setattr("mlpath.commands.tracking.launch", lambda url: False)
    assert run("note", "x", "--", f"note {EVIL} end").exit_code == 0
    assert run("log", "x", "1", "--note", f"log {EVIL}").exit_code == 0
    assert run("done", "x", "--note", f"done {EVIL}").exit_code == 0
    for command in COMMANDS:
        result = run(*command)
        assert result.exit_code in (0, 1), (command, result.stderr)
        for stream in (result.stdout, result.stderr):
            assert not RAW_CONTROL.search(stream), (command, stream)


def test_json_keeps_the_text_exactly_and_the_svg_card_is_valid_xml(run, evil_roadmap, clock, tmp_path):
    assert run("note", "x", "--", f"note {EVIL} end").exit_code == 0
    shown = json.loads(run("show", "x", "--json").stdout)
    assert shown["notes"][-1]["text"] == f"note {EVIL} end".strip()
    assert shown["title"] == "X \x1b[31mred\x1b[0m"
    assert run("export", "--format", "svg", "-o", str(tmp_path / "card.svg")).exit_code == 0
    xml.dom.minidom.parse(str(tmp_path / "card.svg"))
    assert run("export", "--format", "json", "-o", str(tmp_path / "backup.json")).exit_code == 0
    backup = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
    assert backup["notes"][-1]["text"] == f"note {EVIL} end".strip()


def test_an_error_naming_hostile_text_is_one_inert_line(run, evil_roadmap):
    assert run("next").exit_code == 0  # creates the database
    result = run("show", f"zz{EVIL}")
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and not RAW_CONTROL.search(result.stderr)


@pytest.mark.parametrize("url", ["https://a.b/\x1b]0;x\x07", "https://a.b/\x9b2J", "https://a.b/x\x00y",
                                 "https://a.b/\x7f"])
def test_the_roadmap_validator_refuses_urls_with_control_characters(run, tmp_path, monkeypatch, url):
    escaped = json.dumps(url)  # a YAML double-quoted string accepts JSON's escapes
    path = tmp_path / "r.yaml"
    path.write_text("version: 1\ntitle: T\nstages:\n  - id: a\n    title: A\n    resources:\n"
                    f"      - {{id: x, title: X, kind: book, hours: 1, url: {escaped}}}\n", encoding="utf-8")
    result = run("--roadmap", str(path), "next")
    assert result.exit_code == 1 and "control characters" in result.stderr
    assert not RAW_CONTROL.search(result.stderr)


def test_roadmap_import_leaves_out_urls_with_control_characters(run, tmp_path):
    source = tmp_path / "list.md"
    source.write_text("# List\n\n## Part \x1b[2J one\n\n"
                      "- [Bad](https://example.org/a\x1b[2J) note\n- [Bell](https://example.org/c\x07d) x\n"
                      "- [Good](https://example.org/b) fine\n- [Fine](https://example.org/e) y\n", encoding="utf-8")
    result = run("roadmap", "import", str(source))
    assert result.exit_code == 0, result.stderr
    assert not RAW_CONTROL.search(result.stdout + result.stderr)
    assert "https://example.org/b" in result.stdout and "example.org/a" not in result.stdout
    assert "example.org/c" not in result.stdout
