"""The interactive screens driven in a real pseudo-terminal, as a learner uses them.

The program runs as its own process under pexpect; the test moves its clock by rewriting the file
named by MLPATH_CLOCK_FILE (see mlpath.clock), so a 25-minute session takes no time at all. The
waits below only wait for output to appear; nothing asserts how long anything took.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

START = "2026-11-24T12:00:00Z"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.fixture
def time_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The clock of every mlpath run by this test, in process or not."""
    path = tmp_path / "now"
    path.write_text(START)
    monkeypatch.setenv("MLPATH_CLOCK_FILE", str(path))
    return path


def spawn(*args: str):
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "80", "LINES": "24"}
    return pexpect.spawn(sys.executable, ["-m", "mlpath", *args], env=env, dimensions=(24, 80),
                         encoding="utf-8", timeout=30)


def show(run, rid: str) -> dict:
    return json.loads(ok(run("show", rid, "--json")).stdout)


def test_study_counts_up_stops_with_q_and_logs_whole_minutes_with_a_note(run, small_roadmap, time_file):
    ok(run("stages"))
    child = spawn("study", "linear-algebra")
    child.expect("Linear Algebra Done Right")
    child.expect("00:00")
    time_file.write_text("2026-11-24T12:25:40Z")
    child.expect("25:40")
    child.send("q")
    child.expect("Note for this session")
    child.sendline("chapter 2")
    child.expect("logged 25 min on 2026-11-24: linear-algebra")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = show(run, "linear-algebra")
    assert data["logged_hours"] == round(25 / 60, 4)
    assert data["status"] == "doing"  # a todo resource is started by studying it
    assert "chapter 2" in ok(run("history")).stdout


def test_a_countdown_rings_the_bell_and_logs_its_length(run, small_roadmap, time_file):
    ok(run("stages"))
    child = spawn("study", "colab", "--minutes", "25")
    child.expect("25:00")
    child.expect("left of 25 min")
    time_file.write_text("2026-11-24T12:31:00Z")  # the learner looked away past the end
    child.expect("\a")
    child.expect("Note for this session")
    child.sendline("")
    child.expect("time is up: 25 minutes on colab")
    child.expect("logged 25 min")
    child.expect(pexpect.EOF)
    assert show(run, "colab")["logged_hours"] == round(25 / 60, 4)


def test_under_a_minute_logs_nothing_and_enter_stops(run, small_roadmap, time_file):
    ok(run("stages"))
    child = spawn("study", "colab")
    child.expect("00:00")
    time_file.write_text("2026-11-24T12:00:59Z")
    child.expect("00:59")
    child.send("\r")
    child.expect("under a minute on colab: nothing logged")
    child.expect(pexpect.EOF)
    assert show(run, "colab")["logged_hours"] == 0
    assert "left running" not in ok(run("next")).stderr


def test_ctrl_c_stops_and_logs_too(run, small_roadmap, time_file):
    ok(run("stages"))
    child = spawn("study", "colab")
    child.expect("00:00")
    time_file.write_text("2026-11-24T12:10:00Z")
    child.expect("10:00")
    child.sendintr()
    child.expect("Note for this session")
    child.sendintr()  # no note either
    child.expect("logged 10 min on 2026-11-24: colab")
    child.expect(pexpect.EOF)
    assert show(run, "colab")["logged_hours"] == round(10 / 60, 4)


def test_a_killed_terminal_loses_nothing_and_study_stop_logs_it(run, small_roadmap, time_file):
    ok(run("stages"))
    child = spawn("study", "stats-course")
    child.expect("00:00")
    second = spawn("study", "colab")  # one timer at a time
    second.expect("a study timer is already running for stats-course")
    second.expect(pexpect.EOF)
    child.kill(signal.SIGKILL)  # the terminal window closed: no chance to log anything
    child.close(force=True)
    time_file.write_text("2026-11-24T12:50:00Z")
    result = ok(run("next"))
    assert result.stderr == ("note: a study timer for stats-course was left running since 2026-11-24 12:00 "
                             "(50 min); log it with: mlpath study --stop\n")
    stopped = ok(run("study", "--stop"))  # from another terminal (here: not a terminal at all)
    assert stopped.stdout.startswith("logged 50 min on 2026-11-24: stats-course")
    assert show(run, "stats-course")["logged_hours"] == round(50 / 60, 4)
    assert ok(run("next")).stderr == ""
    result = run("study", "--stop")
    assert result.exit_code == 1 and "no study timer is running" in result.stderr


def test_stopped_from_another_terminal_the_timer_closes_without_logging_twice(run, small_roadmap, time_file):
    ok(run("stages"))
    child = spawn("study", "colab")
    child.expect("00:00")
    time_file.write_text("2026-11-24T12:30:00Z")
    child.expect("30:00")
    assert ok(run("study", "--stop")).stdout.startswith("logged 30 min on 2026-11-24: colab")
    child.expect("the timer for colab was stopped from another terminal")
    child.expect(pexpect.EOF)
    assert show(run, "colab")["logged_hours"] == 0.5


def test_study_stop_offers_to_trim_a_timer_that_ran_past_four_hours(run, small_roadmap, time_file):
    ok(run("stages"))
    child = spawn("study", "stats-course")
    child.expect("00:00")
    child.kill(signal.SIGKILL)
    child.close(force=True)
    time_file.write_text("2026-11-24T21:10:00Z")
    stopper = spawn("study", "--stop")
    stopper.expect(r"ran 9 h 10 min \(since 2026-11-24 12:00\), more than 4 hours")
    stopper.expect(r"Minutes to log \(0-550, Enter for all of them\): ")
    stopper.sendline("lots")  # not a number: asked again
    stopper.expect("Minutes to log")
    stopper.sendline("90")
    stopper.expect("Note for this session")
    stopper.sendline("fell asleep")
    stopper.expect("logged 1 h 30 min on 2026-11-24: stats-course")
    stopper.expect(pexpect.EOF)
    assert show(run, "stats-course")["logged_hours"] == 1.5


def test_study_without_a_terminal_refuses_and_suggests_log(run, small_roadmap, time_file):
    result = run("study", "colab")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == ("error: mlpath study needs a terminal to show its timer "
                                              "(record time afterwards instead: mlpath log colab HOURS)")
    assert show(run, "colab")["logged_hours"] == 0


def test_the_review_session_steps_through_three_items(run, small_roadmap, time_file):
    ok(run("done", "linear-algebra", "--note", "vector spaces, eigenvalues, inner products"))
    ok(run("note", "linear-algebra", "chapter 5 is the heart of it"))
    time_file.write_text("2026-11-25T12:00:00Z")
    ok(run("done", "colab", "stats-course"))
    time_file.write_text("2026-12-03T09:00:00Z")
    child = spawn("review")
    child.expect("review 1 of 3")
    child.expect("Linear Algebra Done Right")
    child.expect("finished 9 days ago · 4 days overdue")
    child.expect("What were the 3 main ideas?")
    child.expect("space: your notes · 1 again · 2 hard · 3 good · 4 easy · s skip · q stop")
    child.send(" ")  # recalled; now the notes to check against
    child.expect("vector spaces, eigenvalues, inner products")
    child.expect("chapter 5 is the heart of it")
    child.send("x")  # not a grade key: ignored
    child.send("3")
    child.expect("good: next review on 2026-12-")
    child.expect("review 2 of 3")
    child.expect("Statistics 101|Google Colab")
    child.send("s")
    child.expect("skipped: still due")
    child.expect("review 3 of 3")
    child.send("1")
    child.expect("again: next review on 2026-12-0")
    child.expect(r"Reviewed 2 \(1 good, 1 again\); 1 still due\.")
    child.expect("Next review due on 2026-12-04")  # the one answered "again"
    child.expect(pexpect.EOF)
    due = json.loads(ok(run("review", "--json")).stdout)
    assert len(due) == 1
    assert show(run, "linear-algebra")["reviews"] == [{"at": "2026-12-03T09:00:00Z", "grade": "good"}]


def test_q_stops_the_review_session_keeping_what_was_answered(run, small_roadmap, time_file):
    ok(run("done", "colab", "stats-course"))
    time_file.write_text("2026-12-03T09:00:00Z")
    child = spawn("review")
    child.expect("review 1 of 2")
    child.send("4")
    child.expect("easy: next review on")
    child.expect("review 2 of 2")
    child.send("q")
    child.expect(r"Reviewed 1 \(1 easy\); 1 still due\.")
    child.expect(pexpect.EOF)
    assert len(json.loads(ok(run("review", "--json")).stdout)) == 1


def test_the_timer_shows_the_week_against_the_goal(run, small_roadmap, time_file):
    ok(run("goal", "6"))
    ok(run("log", "stats-course", "2"))
    child = spawn("study", "colab")
    child.expect("00:00")
    time_file.write_text("2026-11-24T13:00:00Z")
    child.expect("this week  3.0 h of your 6 h goal")
    child.expect("50%")
    child.send("q")
    child.expect("Note for this session")
    child.sendline("")
    child.expect("logged 1 h 00 min")
    child.expect(pexpect.EOF)
