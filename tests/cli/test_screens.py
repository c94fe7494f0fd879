"""Every screen at 60, 80 and 120 columns, exact (golden files in tests/cli/screens/), and the
layout rules behind them: word wrapping with a hanging indent, URLs and ids never split, titles
shortened only at a word end when the columns leave no room, the core mark, plurals, colour
that reads on light and dark themes, and the pager."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlpath import render

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def studied(run, clock, tmp_path, monkeypatch):
    """The screens roadmap after a few days of study: done, doing, skipped, time, notes, a review due."""
    path = tmp_path / "screens.yaml"
    shutil.copy(DATA / "screens.yaml", path)
    monkeypatch.setenv("MLPATH_ROADMAP", str(path))
    clock.set("2026-11-15T09:00:00Z")
    done = run("done", "linear-algebra", "--stars", "4", "--note", "chapters 1-5; the exercises took longest")
    assert done.exit_code == 0
    clock.set("2026-11-20T09:00:00Z")
    for args in (("log", "imperial", "1.5", "--note", "course 1, week 2: eigenvectors"),
                 ("skip", "newsletter"),
                 ("note", "imperial", "PCA is in course 3, see https://example.org/a/very/long/link/to/a/pca/notes")):
        assert run(*args).exit_code == 0
    clock.set("2026-11-24T12:00:00Z")
    assert run("log", "imperial", "2").exit_code == 0
    return path


def test_dashboard_screens(screen, studied):
    screen("dashboard")


def test_next_screens(screen, studied):
    screen("next", "next")
    screen("next-3", "next", "-n", "3")


def test_stages_screens(screen, studied):
    screen("stages", "stages")


def test_list_screens(screen, studied):
    screen("list", "list")
    screen("list-empty", "list", "--search", "nothing like this")


def test_show_screens(screen, studied):
    screen("show", "show", "imperial")
    screen("show-done", "show", "linear-algebra")


def test_history_screens(screen, studied):
    screen("history", "history", "--days", "7")


def test_review_screens(screen, studied):
    screen("review", "review")


def test_week_screens(screen, studied, run):
    screen("week", "week")  # against the pace: the longest label beside the bar
    assert run("goal", "8").exit_code == 0
    screen("week-goal", "week")


def test_message_screens(screen, studied):
    screen("done", "done", "imperial", "stats")


# ------------------------------------------------------------------ the rules, one by one


def test_wrap_uses_a_hanging_indent_and_never_splits_a_word():
    url = "https://example.org/" + "x" * 60
    lines = render.wrap([(f"see {url} and the id some-long-resource-id too", "")], 40, "   ", "     ")
    text = ["".join(t for t, _ in line) for line in lines]
    assert text == ["   see", f"     {url}", "     and the id some-long-resource-id", "     too"]


def test_wrap_keeps_a_word_beside_its_label_even_when_it_overflows():
    url = "https://example.org/" + "x" * 60
    lines = render.wrap([(url, "")], 40, ("url  ", "dim"), "     ")
    assert lines == [[("url  ", "dim"), (url, "")]]


def test_shorten_cuts_at_a_word_end():
    assert render.shorten("Papers to Read and People to Follow", 35) == "Papers to Read and People to Follow"
    assert render.shorten("Papers to Read and People to Follow", 30) == "Papers to Read and People to…"
    assert render.shorten("Papers to Read and People to Follow", 12) == "Papers to…"
    assert render.shorten("Supercalifragilistic", 8) == "Superca…"
    assert render.cells(render.shorten("機械学習の数学的基礎と統計", 9)) <= 9


def test_piped_output_never_breaks_a_url(run, studied, monkeypatch):
    url = "https://www.coursera.org/specializations/mathematics-machine-learning?utm_source=mlpath&utm_medium=screen-tests"
    for width in ("60", "80"):
        monkeypatch.setenv("COLUMNS", width)
        for args in (("next",), ("show", "imperial"), ()):
            assert any(url in line for line in run(*args).stdout.splitlines()), (width, args)


def test_stage_titles_are_full_when_there_is_room_and_cut_at_a_word_end_when_not(run, studied, monkeypatch):
    title = "Mathematics and Statistics Foundations for Machine Learning"
    monkeypatch.setenv("COLUMNS", "120")
    assert title in run("stages").stdout
    monkeypatch.setenv("COLUMNS", "80")
    cut = re.search(r"^1  (.+?…)", run("stages").stdout, re.M)
    assert cut and title.startswith(cut.group(1)[:-1]) and title[len(cut.group(1)) - 1] == " "


def test_the_svg_card_never_cuts_a_stage_title(run, studied):
    svg = run("export", "--format", "svg").stdout
    text = svg.replace("&#160;", " ")
    assert "Mathematics and Statistics Foundations for Machine Learning" in text
    assert "…" not in text


def test_core_items_are_marked_and_explained_without_colour(run, studied):
    out = run("list").stdout
    assert re.search(r"^1\.1  \*  linear-algebra ", out, re.M)
    assert re.search(r"^1\.3     stats ", out, re.M)
    assert "* marks the core path" in out
    assert ", core]" in run("next").stdout


def test_counts_have_the_right_plural(run, small_roadmap, clock):
    out = run("list", "--search", "calculus").stdout
    assert "1 resource, 0 of them core" in out and ", 5 hours" in out
    assert "1 resource," in run("list", "--search", "statistics").stdout
    assert "Activity in the last 1 day," in run("history", "--days", "1").stdout
    assert "in the last 1 week)" in " ".join(run("stages").stdout.split())
    assert "0 of 5 done, 177 hours left" in run("export").stdout


def test_bars_leave_the_empty_part_in_the_terminals_default_colour(run, studied, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = run("stages").stdout
    assert "\x1b[" in out  # colour is on
    assert "237" not in out and "grey" not in out
    for empty in re.finditer("░+", out):
        before = out[:empty.start()]
        last = before[before.rfind("\x1b["):] if "\x1b[" in before else ""
        assert last.startswith("\x1b[0m") or not last, repr(before[-30:])


# ------------------------------------------------------------------ the pager


def _in_a_terminal(args: list[str], env: dict[str, str], rows: int = 10) -> str:
    """Run mlpath with a pseudo-terminal as its stdin/stdout/stderr; what the terminal showed."""
    import fcntl
    import struct
    import termios

    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 80, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "mlpath", *args], stdin=follower, stdout=follower,
                            stderr=follower, env=env, close_fds=True)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        shown += chunk
    proc.wait(timeout=30)
    os.close(leader)
    return shown.decode("utf-8", "replace").replace("\r\n", "\n")


def test_list_and_history_page_on_a_terminal_when_longer_than_the_screen(small_roadmap, tmp_path):
    paged = tmp_path / "paged.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PAGER"] = f"cat > {paged}"
    assert run_setup(env) == 0
    shown = _in_a_terminal(["list"], env)
    assert "linear-algebra" not in shown and "linear-algebra" in paged.read_text()
    paged.unlink()
    shown = _in_a_terminal(["history"], env, rows=10)
    assert "Activity in the last 28 days" in paged.read_text() and "Activity" not in shown
    paged.unlink()
    assert "linear-algebra" in _in_a_terminal(["list", "--no-pager"], env)
    assert "linear-algebra" in _in_a_terminal(["list"], env, rows=60)  # fits: no pager
    piped = subprocess.run([sys.executable, "-m", "mlpath", "list"], env=env, capture_output=True, text=True)
    assert "linear-algebra" in piped.stdout  # piped: never a pager
    assert not paged.exists()


def run_setup(env: dict[str, str]) -> int:
    """Create the database before the terminal runs, so they show only the command's output."""
    return subprocess.run([sys.executable, "-m", "mlpath", "path"], env=env, capture_output=True).returncode
