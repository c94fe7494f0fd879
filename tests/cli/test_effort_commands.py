"""Progress shares, weekly goals and human durations and dates through the commands."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def refused(result, fragment: str):
    assert result.exit_code in (1, 2), (result.stdout, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""
    return result


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("event", "study_session", "progress_mark", "goal", "note")}
    conn.close()
    return counts


def shown(run, rid: str) -> dict:
    return json.loads(ok(run("show", rid, "--json")).stdout)


def test_progress_sets_a_share_keeps_history_and_starts_the_resource(run, small_roadmap, clock, db_path):
    result = ok(run("progress", "linear", "5/20"))
    assert result.stdout.splitlines() == ["progress 5/20 (25%): linear-algebra; about 30 h left",
                                          "started: linear-algebra (it was todo)"]
    data = shown(run, "linear-algebra")
    assert (data["status"], data["progress"], data["hours_left"]) == ("doing", 0.25, 30.0)
    clock.advance(days=2)
    ok(run("progress", "1.1", "40%"))
    data = shown(run, "linear-algebra")
    assert (data["progress"], data["hours_left"]) == (0.4, 24.0)
    assert table_counts(db_path)["progress_mark"] == 2  # both kept, dated
    assert "40% (40%, set 2026-11-26); about 24 h left" in ok(run("show", "linear-algebra")).stdout
    stage = json.loads(ok(run("stages", "--json")).stdout)[0]
    assert stage["hours_done"] == 16 and stage["done"] == 0


def test_logged_time_past_the_estimate_stretches_it_and_show_says_so(run, small_roadmap, clock):
    ok(run("log", "calculus-videos", "4h"))
    ok(run("log", "calculus-videos", "5h", "--date", "yesterday"))
    data = shown(run, "calculus-videos")
    assert data["status"] == "doing"  # logging never marks done
    assert data["progress"] == 0.9 and data["hours_left"] == 1.0 and data["estimate_hours"] == 10.0
    assert "stretched from 5 h to 10 h: you have logged 9 h" in ok(run("show", "calculus-videos")).stdout


@pytest.mark.parametrize("args, fragment", [
    (("progress", "linear-algebra", "13/12"), "'13/12' is more than all of it"),
    (("progress", "linear-algebra", "half"), "use 5/12 (parts done of all) or 40%"),
    (("progress", "nope", "1/2"), "no resource with id or number 'nope'"),
    (("goal", "-1"), "a goal of -1 h a week is negative"),
    (("goal", "0"), "a goal of 0 h a week gives no plan"),
    (("goal", "200"), "more than a week has"),
    (("log", "linear-algebra", "25h"), "25 h would make 25 h logged"),
    (("log", "linear-algebra", "1 hour and a bit"), "is not a duration"),
    (("log", "linear-algebra", "1h", "--date", "someday"), "is not a day"),
])
def test_bad_input_is_one_line_and_writes_nothing(run, small_roadmap, clock, db_path, args, fragment):
    ok(run("list"))
    before = table_counts(db_path)
    refused(run(*args), fragment)
    assert table_counts(db_path) == before


def test_progress_on_a_finished_resource_is_refused(run, small_roadmap, clock):
    ok(run("done", "colab"))
    refused(run("progress", "colab", "1/2"), "colab is done; progress is for resources you are studying")


def test_goal_set_show_clear(run, small_roadmap, clock, db_path):
    assert ok(run("goal")).stdout == "no weekly goal; set one with: mlpath goal 8\n"
    assert ok(run("goal", "7h30m")).stdout == "weekly goal set: 7.5 h a week (mlpath week shows the plan)\n"
    assert ok(run("goal")).stdout == "weekly goal: 7.5 h a week (mlpath week shows the plan)\n"
    assert "At your goal of 7.5 h/week" in ok(run("stages")).stdout
    assert ok(run("goal", "off")).stdout == "weekly goal cleared\n"
    assert json.loads(ok(run("stages", "--json")).stdout)[0]["goal_hours_per_week"] is None
    assert table_counts(db_path)["goal"] == 2  # the history of goals is kept


def test_log_reads_human_durations_and_days(run, small_roadmap, clock):
    clock.set("2026-11-25T12:00:00Z")  # a Wednesday
    assert "logged 1.5 h on 2026-11-25" in ok(run("log", "colab", "1h30m")).stdout
    assert "logged 0.5 h on 2026-11-24" in ok(run("log", "colab", "30m", "--date", "yesterday")).stdout
    assert "logged 1.5 h on 2026-11-22" in ok(run("log", "colab", "1:30", "--date", "-3d")).stdout
    assert "logged 1.25 h on 2026-11-23" in ok(run("log", "colab", "1h15", "--date", "monday")).stdout
    assert shown(run, "colab")["logged_hours"] == 4.75


def test_a_fresh_database_paces_the_first_week_at_its_hours_and_stays_steady(run, clock):
    """10 h over the first week is 10 h a week, and the same rhythm keeps the finish date steady."""
    clock.set("2026-11-02T20:00:00Z")  # a Monday
    finishes = []
    for week in range(6):
        for day, hours in ((0, "2h30m"), (2, "2.5"), (4, "150m"), (6, "2:30")):
            clock.set(f"2026-11-{2 + 7 * week + day:02d}T20:00:00Z" if 2 + 7 * week + day <= 30
                      else f"2026-12-{2 + 7 * week + day - 30:02d}T20:00:00Z")
            book = "mml-book" if week < 5 else "imperial-math-for-ml-coursera"
            ok(run("log", book, hours))
        stages = json.loads(ok(run("stages", "--json")).stdout)
        assert stages[0]["pace_hours_per_week"] == 10.0
        finishes.append(max(s["eta"] for s in stages))
    first = finishes[0]
    from datetime import date

    assert all(abs((date.fromisoformat(f) - date.fromisoformat(first)).days) <= 7 for f in finishes), finishes


def test_schema_2_databases_migrate_and_take_goals_and_progress(run, db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "mlpath-schema2.db", db_path)
    result = ok(run("goal", "6"))
    assert "from schema 2 to" in result.stderr
    ok(run("progress", "imperial-math-for-ml-coursera", "3/10"))  # already started: no new event
    assert table_counts(db_path) == {"event": 7, "study_session": 3, "progress_mark": 1, "goal": 1, "note": 1}
    data = shown(run, "imperial-math-for-ml-coursera")
    assert (data["logged_hours"], data["progress"]) == (3, 0.3)


def test_bundled_roadmap_runs_projects_alongside_the_intro_courses(run, clock):
    core_math = [i["id"] for i in json.loads(ok(run("list", "1", "--core", "--json")).stdout)]
    ok(run("done", *core_math, "ng-ml-coursera"))
    recs = json.loads(ok(run("next", "-n", "5", "--json")).stdout)
    stages = [r["stage"] for r in recs]
    assert "projects" in stages and "intro-ml" in stages
    project = next(r for r in recs if r["stage"] == "projects")
    assert "prerequisites met" in project["factors"]
    # before the first ML course, the projects wait
    ok(run("reset", "ng-ml-coursera"))
    recs = json.loads(ok(run("next", "-n", "5", "--json")).stdout)
    assert "projects" not in [r["stage"] for r in recs]


WEEK_KEYS = ["week_start", "goal_hours", "logged_hours", "pace_hours_per_week", "streak", "reviews_due",
             "in_progress", "plan_basis", "plan"]


def test_week_measures_hours_against_the_goal_and_plans_the_rest(run, small_roadmap, clock):
    clock.set("2026-11-25T18:00:00Z")  # a Wednesday
    ok(run("log", "linear-algebra", "2h", "--date", "monday", "--note", "ch 1"))
    ok(run("log", "linear-algebra", "1h", "--date", "yesterday"))
    ok(run("note", "linear-algebra", "ch 2: bases"))
    ok(run("log", "calculus-videos", "30m", "--date", "2026-11-20"))  # last week: not this week's hours
    ok(run("goal", "8"))
    data = json.loads(ok(run("week", "--json")).stdout)
    assert list(data) == WEEK_KEYS
    assert (data["week_start"], data["goal_hours"], data["logged_hours"], data["streak"]) == ("2026-11-23", 8, 3, 3)
    assert data["in_progress"][0] == {"id": "linear-algebra", "title": "Linear Algebra Done Right",
                                      "logged_hours": 3.0, "hours_left": 37.0,
                                      "last_note": {"at": "2026-11-25T18:00:00Z", "text": "ch 2: bases"}}
    # 5 h left of the goal, filled in recommendation order (the item in progress first), each up to its hours left
    assert data["plan"] == [{"id": "linear-algebra", "title": "Linear Algebra Done Right", "hours": 5.0}]
    assert sum(p["hours"] for p in data["plan"]) == data["goal_hours"] - data["logged_hours"]
    out = ok(run("week")).stdout
    assert "3 of 8 h" in out and "38% of your goal" in out and "streak 3 days" in out
    assert "last note 2026-11-25: ch 2: bases" in out and "Plan for the rest of the week: 5 h" in out
    assert "This week: 3 of 8 h" in ok(run()).stdout  # the short form on the dashboard
    ok(run("progress", "stats-course", "1/4"))
    assert "stats-course  25% done, about 22.5 h left" in ok(run("week")).stdout
    assert "in progress, 25% done" in ok(run("next", "-n", "2")).stdout


def test_week_without_goal_plans_at_the_pace_or_says_how_to_get_a_plan(run, small_roadmap, clock):
    data = json.loads(ok(run("week", "--json")).stdout)
    assert (data["goal_hours"], data["plan_basis"], data["plan"]) == (None, None, [])
    assert "No plan yet: set a weekly goal (mlpath goal 8)" in ok(run("week")).stdout
    ok(run("log", "colab", "1h", "--date", "-8d"))
    ok(run("log", "colab", "1h"))
    data = json.loads(ok(run("week", "--json")).stdout)
    # first log 8 days ago: the first whole week (its 1 h) is the pace until the second week is complete
    assert data["plan_basis"] == "pace" and data["pace_hours_per_week"] == pytest.approx(1.0)
    ok(run("goal", "1"))
    assert "this week's goal is reached" in ok(run("week")).stdout


def test_next_lists_several_compactly_and_shows_the_last_note_of_work_under_way(run, small_roadmap, clock,
                                                                                monkeypatch):
    ok(run("log", "stats-course", "3h", "--note", "lecture 4 on priors"))
    monkeypatch.setenv("COLUMNS", "120")
    out = ok(run("next", "-n", "3")).stdout.splitlines()
    assert out[0].split()[:3] == ["1.", "stats-course", "27"]
    assert "in progress, 3 h logged" in out[0] and "Statistics 101" in out[0]
    assert out[1].strip() == "last note 2026-11-24: lecture 4 on priors"
    assert out[2].split()[:2] == ["2.", "linear-algebra"] and "core path" in out[2]
    one = ok(run("next")).stdout
    assert "3 h logged, about 27 h left" in one and "your last note (2026-11-24): lecture 4 on priors" in one


def test_hours_of_minutes_that_do_not_divide_an_hour_read_as_at_most_two_decimals(run, small_roadmap, clock):
    for _ in range(3):
        ok(run("log", "linear-algebra", "1h20m"))
    logged = " ".join(ok(run("log", "linear-algebra", "20m")).stdout.split())
    assert "(4.33 h on it in all; 4.33 h studied that day)" in logged
    assert "time spent 4.33 h" in " ".join(ok(run("show", "linear-algebra")).stdout.split())
    assert "linear-algebra 1.33 h" in " ".join(ok(run("history")).stdout.split())
    assert "4.33 h spent" in ok(run("export", "--format", "markdown")).stdout
    assert "1.3333" not in ok(run("week")).stdout + ok(run("stages")).stdout


def test_json_hours_carry_no_float_noise_from_summing_sessions(run, small_roadmap, clock):
    for _ in range(3):
        ok(run("log", "linear-algebra", "0.1"))  # 0.1 + 0.1 + 0.1 is 0.30000000000000004 in floats
    assert json.loads(ok(run("show", "linear-algebra", "--json")).stdout)["logged_hours"] == 0.3
    week = json.loads(ok(run("week", "--json")).stdout)
    assert week["logged_hours"] == 0.3 and week["in_progress"][0]["logged_hours"] == 0.3


def test_progress_at_all_of_it_says_how_to_finish_the_resource(run, small_roadmap, clock):
    said = " ".join(ok(run("progress", "linear-algebra", "12/12")).stdout.split())
    assert "progress 12/12 (100%): linear-algebra; nothing left: mlpath done linear-algebra" in said
    assert json.loads(ok(run("show", "linear-algebra", "--json")).stdout)["status"] == "doing"  # not done by it
