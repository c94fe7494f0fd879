"""Colour output is written without Rich, and is byte for byte what Rich's Console wrote.

render.Terminal writes styled screens as ANSI codes from its own small table (so that printing
a screen never imports Rich). These tests record the lines of real screens with colour on and
check that the table's bytes equal those of the Console render.py used before (markup, emoji and
highlighting off, soft wrap, a forced terminal), for every style render.py uses.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from mlpath import render

STYLES = sorted({*render.STATUS_STYLE.values(), *(style for _, style in render.HEAT),
                 *re.findall(r'"((?:bold|dim|italic|green|yellow)(?: \w+)?)"',
                             Path(render.__file__).read_text(encoding="utf-8"))})


def with_rich(lines: list[render.Line], color_system: str = "standard") -> str:
    out = io.StringIO()
    console = Console(file=out, markup=False, highlight=False, emoji=False, soft_wrap=True, force_terminal=True,
                      color_system=color_system)  # type: ignore[arg-type]
    text = Text(end="")
    for line in lines:
        for chunk, style in line:
            text.append(render.clean(chunk), style or None)
        text.append("\n")
    console.print(text, end="")
    return out.getvalue()


def coloured(monkeypatch: pytest.MonkeyPatch) -> render.Terminal:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    render.terminal.cache_clear()
    term = render.terminal()
    assert term.colour
    return term


@pytest.mark.parametrize("color_system", ["standard", "256", "truecolor"])
def test_every_style_render_uses_is_written_as_rich_writes_it(monkeypatch, color_system):
    assert {"bold", "dim", "green", "bold yellow", "bold green", "italic"} <= set(STYLES)
    lines = [[("a title ", style), ("plain ", ""), ("x\x1b", style), ("", style), ("  ", style)] for style in STYLES]
    lines.append([("世界 é", "bold"), ("  trailing  ", "")])
    assert coloured(monkeypatch)._text(lines) == with_rich(lines, color_system)


def test_real_screens_in_colour_are_what_rich_wrote(run, clock, monkeypatch):
    emitted: list[list[render.Line]] = []
    original = render.Terminal.emit

    def record(self: render.Terminal, lines, page: bool = False) -> None:
        lines = list(lines)
        emitted.append(lines)
        original(self, lines, page)

    monkeypatch.setattr(render.Terminal, "emit", record)
    printed = ""
    for args in (["done", "mml-book"], ["start", "1.2"], ["log", "1.2", "2"], ["next", "-n", "3"], ["stages"],
                 [], ["list", "1"], ["show", "1.2"], ["week"], ["history"], ["reset", "mml-book"]):
        coloured(monkeypatch)
        result = run(*args)
        assert result.exit_code == 0, result.stdout
        printed += result.stdout
    assert printed.count("\x1b[") > 100
    term = coloured(monkeypatch)
    styles = {style for lines in emitted for line in lines for _, style in line if style}
    assert {"bold", "dim", "green"} <= styles
    for lines in emitted:
        assert term._text(lines) == with_rich(lines)


def test_colour_output_does_not_import_rich(tmp_path):
    import os
    import subprocess
    import sys

    probe = ("import sys; sys.argv = ['mlpath', 'next']\nfrom mlpath.__main__ import main\ntry:\n    main()\n"
             "except SystemExit:\n    pass\nprint('RICH' if 'rich' in sys.modules else 'NO RICH', file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"FORCE_COLOR": "1",
                                                                       "MLPATH_DB": str(tmp_path / "m.db")}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert "\x1b[1m" in done.stdout and done.stderr.splitlines()[-1] == "NO RICH", done.stderr
