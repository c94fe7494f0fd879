"""The study timer: its arithmetic (pure), its row in the database, and `study --stop` in process."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mlpath import clock, render, roadmap, timer
from mlpath.habits import Session
from mlpath.store import Store
from mlpath.timer import Timer

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def make(minutes: int | None = None, started: str = "2026-11-24T12:00:00Z", pid: int = 0) -> Timer:
    return Timer("a", started, minutes, pid or os.getpid(), timer.host())


def test_whole_minutes_are_logged_a_countdown_at_most_its_length():
    assert timer.minutes_to_log(make(), T0 + timedelta(minutes=25, seconds=59)) == 25
    assert timer.minutes_to_log(make(), T0 + timedelta(seconds=59)) == 0
    assert timer.minutes_to_log(make(25), T0 + timedelta(hours=3)) == 25
    assert timer.minutes_to_log(make(), T0 + timedelta(days=3)) == 24 * 60
    assert timer.minutes_to_log(make(), T0 - timedelta(minutes=5)) == 0  # a clock set back


def test_remaining_counts_down_to_zero_and_only_for_countdowns():
    assert timer.remaining(make(), T0) is None
    assert timer.remaining(make(25), T0 + timedelta(minutes=10)) == timedelta(minutes=15)
    assert timer.remaining(make(25), T0 + timedelta(minutes=40)) == timer.ZERO


def test_the_session_is_logged_on_the_local_day_it_started():
    late = make(started="2026-11-24T23:30:00Z")
    assert timer.session(late, 90, "2026-11-25T01:00:00Z", UTC, None).day == "2026-11-24"
    berlin = timer.session(late, 90, "2026-11-25T01:00:00Z", ZoneInfo("Europe/Berlin"), "n")
    assert (berlin.day, berlin.hours, berlin.note) == ("2026-11-25", 1.5, "n")


def test_totals_today_and_this_week_from_monday():
    sessions = [Session("a", "2026-11-22", 5, "x"), Session("a", "2026-11-23", 1, "x"),
                Session("b", "2026-11-24", 0.5, "x"), Session("a", "2026-11-24", 1.25, "x")]
    assert timer.totals(sessions, date(2026, 11, 24), 8) == timer.Totals(1.75, 2.75, 8)


@pytest.mark.parametrize(("answer", "minutes"), [("", 550), ("90", 90), (" 0 ", 0), ("550", 550), ("551", None),
                                                 ("-3", None), ("lots", None)])
def test_trim_answers(answer, minutes):
    assert timer.parse_minutes(answer, 550) == minutes
    assert timer.too_long(241) and not timer.too_long(240)


def test_faces_and_durations():
    assert render.clock_face(timedelta(minutes=25, seconds=3)) == "25:03"
    assert render.clock_face(timedelta(hours=1, minutes=2, seconds=3)) == "1:02:03"
    assert (timer.duration(45), timer.duration(65)) == ("45 min", "1 h 05 min")


def test_a_process_that_is_gone_left_its_timer_behind():
    assert timer.alive(make())  # this process
    assert not timer.alive(make(pid=2**22 + 12345))  # above Linux's pid_max: no such process
    assert timer.alive(Timer("a", "2026-11-24T12:00:00Z", None, 2**22 + 12345, "another-machine"))


@pytest.fixture
def store(db_path, small_roadmap) -> Store:
    opened, _ = Store.open(db_path, roadmap.read_source(small_roadmap), roadmap.parse)
    return opened


def test_one_timer_at_a_time_and_stopping_twice_logs_once(store):
    first = Timer("colab", "2026-11-24T12:00:00Z", None, os.getpid(), timer.host())
    assert store.start_timer(first) is None
    assert store.running_timer() == first
    assert store.start_timer(first._replace(resource_id="stats-course")) == first
    session = Session("colab", "2026-11-24", 0.5, "2026-11-24T12:30:00Z", None)
    assert store.stop_timer(first, session, start=True) == 0.5  # the hours logged that day
    assert store.running_timer() is None
    assert store.stop_timer(first, session, start=True) is None  # e.g. from a second terminal
    assert store.sessions("colab") == [session]
    assert [e.status.value for e in store.events("colab")] == ["doing"]


def test_the_clock_file_moves_the_clock_and_is_ignored_when_unreadable(tmp_path, monkeypatch):
    path = tmp_path / "now"
    path.write_text("2030-01-02T03:04:05Z\n")
    monkeypatch.setenv("MLPATH_CLOCK_FILE", str(path))
    assert clock.now() == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    path.write_text("not a time")
    assert clock.now().year < 2030
    monkeypatch.setenv("MLPATH_CLOCK_FILE", str(tmp_path / "missing"))
    assert clock.now().year < 2030


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def fail(result, code: int, fragment: str):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert fragment in result.stderr and "Traceback" not in result.stderr
    return result


def left_behind(store: Store, rid: str, started: str) -> None:
    store.start_timer(Timer(rid, started, None, 2**22 + 12345, timer.host()))


def test_study_stop_without_a_terminal(run, store, clock):
    fail(run("study", "--stop"), 1, "no study timer is running")
    left_behind(store, "colab", "2026-11-24T06:00:00Z")  # 6 hours ago: past 4 hours
    fail(run("study", "--stop"), 1, "ran 6 h 00 min (since 2026-11-24 06:00), more than 4 hours "
         "(say how much to log: mlpath study --stop --minutes 90)")
    fail(run("study", "--stop", "--minutes", "400"), 1, "--minutes 400 is more than the timer ran (6 h 00 min)")
    assert ok(run("study", "--stop", "--minutes", "90")).stdout.startswith("logged 1 h 30 min on 2026-11-24: colab")
    assert json.loads(ok(run("show", "colab", "--json")).stdout)["logged_hours"] == 1.5


def test_study_command_line_mistakes(run, store, clock):
    fail(run("study"), 1, "say which resource you are studying")
    fail(run("study", "colab", "--stop"), 1, "--stop stops the running timer; it takes no id")
    fail(run("study", "nope"), 1, "no resource with id or number 'nope'")
    assert run("study", "colab", "--minutes", "0").exit_code == 2
    left_behind(store, "stats-course", "2026-11-24T11:00:00Z")
    result = fail(run("study", "colab"), 1, "a study timer is already running for stats-course "
                  "(started 2026-11-24 11:00) (stop it first: mlpath study --stop)")
    assert result.stderr.count("\n") == 1  # study says so itself, without the left-running note too


def test_a_timer_left_behind_is_reported_by_the_next_command_only_while_it_waits(run, store, clock):
    assert ok(run("next")).stderr == ""
    store.start_timer(Timer("colab", "2026-11-24T11:00:00Z", None, os.getpid(), timer.host()))
    assert ok(run("next")).stderr == ""  # its process still shows it
    ok(run("study", "--stop"))
    left_behind(store, "colab", "2026-11-24T11:00:00Z")
    assert "a study timer for colab was left running since 2026-11-24 11:00 (1 h 00 min)" in ok(run("next")).stderr


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize(("minutes", "goal", "face"), [(None, None, "25:00  studied"),
                                                       (40, 6.0, "15:00  left of 40 min"),
                                                       (20, None, "20 minutes: time is up")])
def test_the_study_screen_fills_the_terminal_exactly(monkeypatch, width, minutes, goal, face):
    from mlpath import render
    from mlpath.progress import Item, Status

    monkeypatch.setenv("COLUMNS", str(width))
    item = Item(id="imperial-math-for-ml-coursera", stage_id="s", stage_number=1, position=2,
                title="Mathematics for Machine Learning Specialization (Imperial College London, Coursera)",
                kind="course", core=True, hours=60, status=Status.doing, logged_hours=3.5)
    lines = render.study_screen(item, make(minutes), T0 + timedelta(minutes=25), timer.Totals(2.0, 3.5, goal))
    texts = ["".join(text for text, _ in line) for line in lines]
    assert all(render.cells(t) == width for t in texts), texts
    assert texts[0].startswith("╭─ mlpath study ") and texts[-1].startswith("╰")
    body = "\n".join(texts)
    assert face in body
    assert "imperial-math-for-ml-coursera" in body  # an id is never split
    studied = 20 if minutes == 20 else 25
    assert f"today      {2.0 + studied / 60:.1f} h" in body
    assert ("h goal" in body) is bool(goal)
    if goal:
        assert f"this week  {3.5 + 25 / 60:.1f} h of your 6 h goal" in body


@pytest.mark.parametrize("width", [60, 80, 120])
def test_a_review_card_keeps_each_key_beside_its_word(monkeypatch, capsys, width):
    from mlpath import render
    from mlpath.progress import Item, Status
    from mlpath.reviewing import DueReview

    monkeypatch.setenv("COLUMNS", str(width))
    render.terminal.cache_clear()
    item = Item(id="imperial-math-for-ml-coursera", stage_id="s", stage_number=1, position=2,
                title="Mathematics for Machine Learning Specialization (Imperial College London, Coursera)",
                kind="course", core=True, hours=60, status=Status.done, done_at="2026-11-10T18:00:00Z")
    render.review_card(DueReview(item, date(2026, 11, 15), 5, 10, []), 1, 2)
    out = capsys.readouterr().out
    render.terminal.cache_clear()
    assert all(render.cells(line) <= width for line in out.splitlines() if "imperial-math" not in line)
    keys = " ".join(out.split())
    for key in ("space: your notes", "1 again", "2 hard", "3 good", "4 easy", "s skip", "q stop"):
        assert key in keys
    assert not any(line.rstrip().endswith((" s", " q", " 1", " 2", " 3", " 4", "space:")) for line in out.splitlines())


def test_a_one_minute_countdown_that_ran_out_says_1_minute(monkeypatch):
    from mlpath import render
    from mlpath.progress import Item, Status

    monkeypatch.setenv("COLUMNS", "80")
    item = Item(id="colab", stage_id="s", stage_number=1, position=1, title="Google Colab", kind="tool",
                core=True, hours=2, status=Status.doing)
    lines = render.study_screen(item, make(1), T0 + timedelta(minutes=5), timer.Totals(0.0, 0.0, None))
    assert "1 minute: time is up" in "\n".join("".join(text for text, _ in line) for line in lines)
