"""Study habits through the commands: log, note, history, review, open, ratings, the SVG card."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from mlpath.commands import tracking as cli


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def fail(result, fragment: str):
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    return result


def test_log_starts_a_todo_resource_and_sums_time(run, small_roadmap, clock):
    result = ok(run("log", "linear", "1.5", "--note", "ch 1"))
    assert result.stdout.splitlines() == [
        "logged 1.5 h on 2026-11-24: linear-algebra (1.5 h on it in all; 1.5 h studied",
        "  that day)",
        "started: linear-algebra (it was todo)",
    ]
    ok(run("log", "1.1", "2", "--date", "2026-11-20"))
    shown = json.loads(ok(run("show", "linear-algebra", "--json")).stdout)
    assert shown["status"] == "doing" and shown["logged_hours"] == 3.5
    assert [h["status"] for h in shown["history"]] == ["doing"]  # started once


def test_log_refuses_bad_hours_and_dates_without_writing(run, small_roadmap, clock):
    ok(run("log", "colab", "20"))
    fail(run("log", "colab", "5"), "would make 25 h logged on 2026-11-24")
    fail(run("log", "colab", "0"), "'0' is no time at all")
    fail(run("log", "colab", "-2"), "'-2' is not a duration (use 1.5, 1.5h, 90m, 1h30m, 1h30 or 1:30)")
    fail(run("log", "colab", "1", "--date", "2026-11-25"), "is in the future")
    fail(run("log", "colab", "1", "--date", "24.11.2026"), "'24.11.2026' is not a day (use today, yesterday")
    fail(run("log", "nope", "1"), "no resource with id or number 'nope'")
    fail(run("log", "colab", "lots"), "'lots' is not a duration")
    fail(run("log", "linear-algebra", "25h"), "25 h would make 45 h logged")
    assert json.loads(ok(run("show", "colab", "--json")).stdout)["logged_hours"] == 20


def test_a_day_boundary_resets_the_daily_limit(run, small_roadmap, clock):
    clock.set("2026-11-24T23:59:00Z")
    ok(run("log", "colab", "24"))
    clock.set("2026-11-25T00:01:00Z")
    ok(run("log", "colab", "1"))
    fail(run("log", "colab", "1", "--date", "2026-11-24"), "more than a day has")


def test_the_day_is_the_learners_local_day(run, small_roadmap, clock, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    clock.set("2026-11-24T20:00:00Z")  # already the 25th in Tokyo
    assert "on 2026-11-25" in ok(run("log", "colab", "1")).stdout


def test_notes_show_up_in_show_and_export(run, small_roadmap, clock):
    ok(run("note", "colab", "use the GPU runtime\n- [x] not a task"))
    clock.advance(days=1)
    ok(run("note", "colab", "second"))
    out = ok(run("show", "colab")).stdout
    assert "2026-11-24 12:00:00 UTC  use the GPU runtime" in out and "second" in out
    assert [n["text"] for n in json.loads(ok(run("show", "colab", "--json")).stdout)["notes"]] == [
        "use the GPU runtime\n- [x] not a task", "second"]
    ok(run("log", "colab", "2"))
    markdown = ok(run("export")).stdout
    lines = markdown.splitlines()
    at = lines.index("- [ ] Google Colab · tool · doing · 2 h spent · `colab`")
    assert lines[at + 1] == "  - 2026-11-24: use the GPU runtime - \\[x\\] not a task"
    assert lines[at + 2] == "  - 2026-11-25: second"
    blank = fail(run("note", "colab", "   "), "the note is empty")
    assert "--note" not in blank.stderr  # the text is an argument here, not an option


def test_blank_note_option_hint_names_the_option(run, small_roadmap):
    assert 'e.g. --note "' in fail(run("done", "colab", "--note", " "), "--note is empty").stderr


def test_history_calendar_streaks_and_weekly_hours(run, small_roadmap, clock):
    clock.set("2026-11-20T10:00:00Z")
    ok(run("start", "colab"))
    for day in ("2026-11-21", "2026-11-22", "2026-11-24"):
        clock.set(f"{day}T10:00:00Z")
        ok(run("log", "colab", "1.5"))
    out = ok(run("history", "--days", "14")).stdout
    assert out.startswith("Activity in the last 14 days, newest first\n")
    assert out.index("2026-11-24  logged   colab  1.5 h") < out.index("2026-11-20  doing    colab")
    assert "Study days, 2 weeks from 2026-11-16" in out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith("  ") and
            line.split() and line.split()[0] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
    assert rows["Fri"] == ["░"]  # started on the 20th, no time logged; the 27th is still to come
    assert rows["Sat"] == ["▒"] and rows["Tue"] == ["·", "▒"]
    assert "Current streak: 1 day; longest: 3" in out
    assert "week of 2026-11-16     3.0 h" in out and "week of 2026-11-23     1.5 h" in out


def test_history_lines_say_the_note_the_hours_and_the_review(run, small_roadmap, clock):
    clock.set("2026-11-20T10:00:00Z")
    ok(run("done", "colab", "--note", "all cells ran"))
    ok(run("log", "linear-algebra", "1h30m", "--note", "chapter 1"))
    clock.set("2026-11-27T10:00:00Z")
    next_on = json.loads(ok(run("review", "colab", "good", "--json")).stdout)["due"]
    out = ok(run("history", "--days", "14")).stdout
    assert f"2026-11-27  reviewed colab  good, next on {next_on}" in out
    assert "2026-11-20  logged   linear-algebra  1.5 h  chapter 1" in out
    assert "2026-11-20  done     colab  all cells ran" in out


def test_review_cycle(run, small_roadmap, clock):
    ok(run("done", "colab", "linear-algebra"))
    ok(run("note", "colab", "notebooks run on GPUs"))
    assert ok(run("review")).stdout == "Nothing is due for review today.\n"
    clock.advance(days=1)
    assert json.loads(ok(run("review", "--json")).stdout) == []  # never the next day
    clock.advance(days=6)
    due = json.loads(ok(run("review", "--json")).stdout)
    assert due == [{"id": "linear-algebra", "title": "Linear Algebra Done Right", "due": "2026-11-29",
                    "overdue_days": 2, "notes": [], "roadmap": "mlpath"},
                   {"id": "colab", "title": "Google Colab", "due": "2026-11-29", "overdue_days": 2,
                    "notes": [{"at": "2026-11-24T12:00:00Z", "text": "notebooks run on GPUs"}],
                    "roadmap": "mlpath"}]
    assert "2 finished resources are due for review: mlpath review" in ok(run("next")).stdout
    assert "2 finished resources are due for review" in ok(run()).stdout
    listed = ok(run("review")).stdout  # not a terminal: a list, no session
    assert "2026-11-29  colab  Google Colab  (2 days overdue)" in listed
    result = ok(run("review", "colab", "good"))
    assert result.stdout.startswith("reviewed (good): colab  Google Colab; next review on 2026-12-")
    graded = json.loads(ok(run("review", "linear-algebra", "2", "--json")).stdout)
    assert graded["grade"] == "hard" and graded["id"] == "linear-algebra"
    assert json.loads(ok(run("review", "--json")).stdout) == []
    data = json.loads(ok(run("show", "colab", "--json")).stdout)
    assert data["reviews"] == [{"at": "2026-12-01T12:00:00Z", "grade": "good"}]
    assert data["next_review"] > "2026-12-01"
    shown = ok(run("show", "colab")).stdout
    assert "2026-12-01 good" in shown and f"next review  {data['next_review']}" in shown
    fail(run("review", "stats-course", "good"), "only finished resources come up for review")
    fail(run("review", "colab"), "again, hard, good or easy")
    fail(run("review", "colab", "great"), "'great' is not a grade")
    fail(run("review", "colab", "5"), "is not a grade")


def test_review_rating_option_still_works_with_a_notice(run, small_roadmap, clock):
    ok(run("done", "colab"))
    result = ok(run("review", "colab", "--rating", "4"))
    assert "reviewed (easy)" in result.stdout
    assert result.stderr.count("\n") == 1 and "deprecated" in result.stderr


def test_done_stars_show_and_export(run, small_roadmap):
    ok(run("done", "linear-algebra", "--stars", "5"))
    assert "★★★★★ (5/5)" in ok(run("show", "linear-algebra")).stdout
    assert "rated 5/5" in ok(run("export")).stdout
    assert run("done", "colab", "--stars", "6").exit_code == 2
    assert run("done", "colab", "--stars", "0").exit_code == 2


def test_done_rating_is_a_deprecated_alias_of_stars(run, small_roadmap):
    ok(run("stages"))
    result = ok(run("done", "colab", "--rating", "3"))
    assert result.stderr == ("note: `done --rating` is deprecated and will be removed in a later release; "
                             "use `done --stars`\n")
    assert json.loads(ok(run("show", "colab", "--json")).stdout)["rating"] == 3
    fail(run("done", "colab", "--rating", "3", "--stars", "4"), "--stars and --rating disagree")
    assert run("done", "colab", "--rating", "6").exit_code == 2


def test_open_launches_or_prints_and_needs_a_url(run, small_roadmap, monkeypatch):
    opened = []
    monkeypatch.setattr(cli, "launch", lambda url: opened.append(url) or True)
    assert ok(run("open", "linear-algebra")).stdout == "Opened https://example.org/la\n"
    assert opened == ["https://example.org/la"]
    monkeypatch.setattr(cli, "launch", lambda url: False)
    assert ok(run("open", "1.1")).stdout == "No browser here; open this link yourself: https://example.org/la\n"
    fail(run("open", "colab"), "colab has no link in the roadmap")


def test_launch_without_a_browser_reports_false(monkeypatch):
    import shutil
    import webbrowser

    monkeypatch.setattr(shutil, "which", lambda name: None)

    def no_browser():
        raise webbrowser.Error("none")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    assert cli.launch("https://example.org") is False


def test_pace_and_eta_in_stages_and_dashboard(run, small_roadmap, clock):
    ok(run("log", "linear-algebra", "8"))
    ok(run("log", "stats-course", "4h"))
    data = json.loads(ok(run("stages", "--json")).stdout)
    assert data[0]["pace_hours_per_week"] == 12.0  # the first week counts as a week, not as 8
    assert data[0]["hours_left"] == 63  # 75 h less the 12 h logged
    assert data[0]["eta"] == "2026-12-31"  # 63 h at 12 h a week: 36.75 days, rounded up
    assert data[1]["eta"] == "2027-03-01"  # after stage 1: 63 + 102 h at 12 h a week: 97 days
    out = ok(run("stages")).stdout
    assert "Pace 12 h/week (12 hours logged in your first week)" in out
    assert "2026-12-31" in out and "2027-03-01" in ok(run()).stdout


def test_no_pace_no_dates(run, small_roadmap, clock):
    assert all(s["eta"] is None for s in json.loads(ok(run("stages", "--json")).stdout))
    assert "No finish dates yet" in ok(run("stages")).stdout


def test_svg_card_is_well_formed_svg(run, small_roadmap, clock, tmp_path):
    ok(run("done", "linear-algebra"))
    target = tmp_path / "card.svg"
    ok(run("export", "--format", "svg", "-o", str(target)))
    root = ET.parse(target).getroot()
    assert root.tag.endswith("svg")
    text = target.read_text()
    assert "Test&#160;Roadmap" in text or "Test Roadmap" in text
    assert "2026&#45;11&#45;24" in text or "2026-11-24" in text


@pytest.mark.parametrize("command", ["log", "note", "history", "review", "open", "import"])
def test_new_commands_have_help_with_an_example(run, command):
    assert "Example" in ok(run(command, "--help")).stdout
