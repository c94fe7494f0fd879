"""Every command through Typer's CliRunner against a temporary database."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from gfm import check_export, listed_items
from mlpath import __version__, roadmap

ANSI = re.compile(r"\x1b\[")
# "roadmap" (the roadmap's name, see `roadmap list`) was added with several roadmaps: keys are only ever added
LIST_KEYS = ["id", "number", "title", "stage", "kind", "core", "hours", "url", "status", "done_at", "roadmap"]
STAGE_KEYS = ["id", "number", "title", "done", "total", "percent", "hours_left", "eta", "pace_hours_per_week",
              "hours_done", "hours_total", "core_hours_left", "eta_goal", "goal_hours_per_week", "roadmap"]
SHOW_KEYS = [*LIST_KEYS, "authors", "note", "history", "rating", "logged_hours", "notes", "retired", "reviews",
             "next_review", "progress", "hours_left", "estimate_hours", "same_as"]


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert not ANSI.search(result.stdout + result.stderr)
    return result


def test_first_command_creates_and_seeds_the_bundled_roadmap(run, db_path):
    bundled = roadmap.load()
    result = ok(run("next"))
    assert result.stderr == f"Created {db_path}: 6 stages, {len(bundled.resources)} resources\n"
    assert db_path.exists()
    assert "Mathematics for Machine Learning" in result.stdout
    assert ok(run("next")).stderr == ""  # only the first run says so


def test_version_and_path(run, db_path):
    assert ok(run("--version")).stdout == f"mlpath {__version__}\n"
    assert ok(run("path")).stdout == f"{db_path}\n"
    assert not db_path.exists()  # neither needs the database


def test_dashboard(run, small_roadmap):
    out = ok(run()).stdout
    assert out.startswith("Test Roadmap: 0% of the hours done (0 of 5 resources)")
    assert "Basics" in out and "Tools" in out and "All stages" in out
    assert "Next up:" in out and "Linear Algebra Done Right" in out
    assert "Begin: mlpath start linear-algebra   finished: mlpath done linear-algebra" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_stages_text_and_json(run, small_roadmap, clock):
    ok(run("done", "linear-algebra", "colab"))
    out = ok(run("stages")).stdout
    # item counts beside the bars; the percent weighs by hours: 40 of 40 + 5 + 30
    assert re.search(r"1\s+Basics\s+1/3\s+53%\s+█+░+\s+35", out)
    assert re.search(r"2\s+Tools\s+1/2\s+2%", out)
    assert "No finish dates yet" in out  # marking done is no pace
    data = json.loads(ok(run("stages", "--json")).stdout)
    assert [list(d) for d in data] == [STAGE_KEYS, STAGE_KEYS]
    assert data[1] == {"id": "tools", "number": 2, "title": "Tools", "done": 1, "total": 2, "percent": 2.0,
                       "hours_left": 100.0, "eta": None, "pace_hours_per_week": 0.0, "hours_done": 2.0,
                       "hours_total": 102.0, "core_hours_left": 0.0, "eta_goal": None, "goal_hours_per_week": None,
                       "roadmap": "mlpath"}
    assert data[0]["percent"] == round(100 * data[0]["hours_done"] / data[0]["hours_total"], 1)
    ok(run("goal", "7"))
    data = json.loads(ok(run("stages", "--json")).stdout)
    assert [d["eta_goal"] for d in data] == ["2026-12-29", "2027-04-08"]  # 35 h, then 135 h, at 7 h a week
    assert data[0]["goal_hours_per_week"] == 7 and data[0]["core_hours_left"] == 30
    # logging 30 h on the 100 h book raises its stage's hours_done by 30 (and marks nothing done)
    ok(run("log", "deep-learning-book", "20"))
    ok(run("log", "deep-learning-book", "10h", "--date", "yesterday"))
    after = json.loads(ok(run("stages", "--json")).stdout)
    assert after[1]["hours_done"] - data[1]["hours_done"] == 30
    assert (after[1]["done"], after[1]["hours_left"]) == (1, 70)


def test_list_filters(run, small_roadmap):
    ok(run("start", "stats-course"))
    out = ok(run("list")).stdout
    assert "1.1" in out and "linear-algebra" in out and "2.3" in out
    assert "6 resources, 4 of them core" in out
    data = json.loads(ok(run("list", "--json")).stdout)
    assert [list(d) for d in data] == [LIST_KEYS] * 6
    assert data[0] == {"id": "linear-algebra", "number": "1.1", "title": "Linear Algebra Done Right",
                       "stage": "basics", "kind": "book", "core": True, "hours": 40.0,
                       "url": "https://example.org/la", "status": "todo", "done_at": None, "roadmap": "mlpath"}

    def listed(*args):
        return [d["id"] for d in json.loads(ok(run("list", "--json", *args)).stdout)]

    assert listed("2") == ["colab", "sagemaker", "deep-learning-book"]
    assert listed("tools") == listed("2")
    assert listed("--status", "doing") == ["stats-course"]
    assert listed("--kind", "tool") == ["colab", "sagemaker"]
    assert listed("--core", "1") == ["linear-algebra", "stats-course"]
    assert listed("--search", "DEEP") == ["deep-learning-book"]
    assert listed("--search", "axler") == ["linear-algebra"]
    assert "No resources match." in ok(run("list", "--search", "nothing-like-this")).stdout


def test_list_bad_stage_and_kind(run, small_roadmap):
    ok(run("list"))
    result = run("list", "9")
    assert result.exit_code == 1
    assert result.stderr == "error: no stage '9' (stages are 1 (basics), 2 (tools))\n"
    assert run("list", "--kind", "blog").exit_code == 2  # the parser names the valid kinds


def test_show_text_and_json(run, small_roadmap):
    ok(run("done", "1.1", "--note", "chapters 1-5"))
    out = ok(run("show", "linear")).stdout
    assert out.startswith("Linear Algebra Done Right\n")
    for fragment in ("linear-algebra  (1.1)", "1. Basics", "book, core", "Sheldon Axler", "40",
                     "https://example.org/la", "Read chapters 1-5.", "done", "chapters 1-5", "UTC"):
        assert fragment in out
    data = json.loads(ok(run("show", "linear-algebra", "--json")).stdout)
    assert list(data) == SHOW_KEYS
    assert (data["progress"], data["hours_left"]) == (1.0, 0.0)
    assert data["authors"] == ["Sheldon Axler"]
    assert data["status"] == "done" and data["done_at"].endswith("Z")
    assert [h["status"] for h in data["history"]] == ["done"]
    assert data["history"][0]["note"] == "chapters 1-5"


def test_user_text_is_not_rich_markup(run, small_roadmap):
    out = ok(run("show", "calculus-videos")).stdout
    assert "Calculus <b>videos</b>" in out


def test_next_ranking_json_and_all_done(run, small_roadmap):
    ok(run("start", "deep-learning-book"))
    data = json.loads(ok(run("next", "-n", "3", "--json")).stdout)
    assert [d["id"] for d in data] == ["deep-learning-book", "linear-algebra", "stats-course"]
    assert list(data[0]) == [*LIST_KEYS, "reason", "factors"]
    assert data[0]["reason"].startswith("in progress since")
    assert data[0]["factors"] == ["in progress", "optional extra"]
    assert data[1]["factors"] == ["prerequisites met", "core path"]
    ok(run("done", "colab"))
    stage2 = json.loads(ok(run("next", "--stage", "2", "-n", "5", "--json")).stdout)
    assert [d["id"] for d in stage2] == ["deep-learning-book"]  # sagemaker is covered by colab
    ok(run("done", "linear-algebra", "calculus-videos", "stats-course", "deep-learning-book"))
    result = ok(run("next"))
    assert "Everything on the roadmap is done or skipped" in result.stdout
    assert json.loads(ok(run("next", "--json")).stdout) == []
    for named in ("1", "basics"):  # by number or by id, the stage is said the same way
        said = " ".join(ok(run("next", "--stage", named)).stdout.split())
        assert said == "Nothing left to study in stage 1 (Basics): it is done or skipped. Try `mlpath next`."


def test_start_done_skip_reset(run, small_roadmap):
    assert ok(run("start", "linear")).stdout == "started: linear-algebra  Linear Algebra Done Right\n"
    assert "already doing" in ok(run("start", "1.1")).stdout
    ok(run("skip", "1.2"))
    ok(run("done", "1.1"))
    ok(run("reset", "1.2"))
    data = {d["id"]: d["status"] for d in json.loads(ok(run("list", "--json")).stdout)}
    assert data["linear-algebra"] == "done" and data["calculus-videos"] == "todo"
    history = json.loads(ok(run("show", "1.2", "--json")).stdout)["history"]
    assert [h["status"] for h in history] == ["skipped", "todo"]


def test_unknown_id_changes_nothing_even_with_valid_ids(run, small_roadmap, db_path):
    ok(run("list"))
    before = json.loads(ok(run("list", "--json")).stdout)
    result = run("done", "linear-algebra", "deep-lerning-book")
    assert result.exit_code == 1
    assert result.stderr == "error: no resource with id or number 'deep-lerning-book' (did you mean " \
                            "deep-learning-book?)\n"
    assert result.stdout == ""
    assert json.loads(ok(run("list", "--json")).stdout) == before


def test_ambiguous_id(run, small_roadmap):
    ok(run("list"))
    result = run("done", "c")
    assert result.exit_code == 1
    assert result.stderr == ("error: 'c' matches 2 resources: calculus-videos, colab (type more of the id, or use "
                             "its number from `mlpath list`)\n")


def test_empty_note_is_refused(run, small_roadmap):
    ok(run("list"))
    result = run("done", "colab", "--note", "  ")
    assert result.exit_code == 1 and "--note is empty" in result.stderr


def test_the_bundled_roadmaps_export_reads_back_in_a_gfm_parser(run, clock):
    ok(run("done", "mml-book"))
    ok(run("skip", "2.2"))
    text = ok(run("export")).stdout
    tasks = check_export(text, listed_items(run))
    assert len(tasks) == len(roadmap.load().resources)
    assert "\\" not in text  # the bundled titles and notes hold nothing GFM would misread


def test_export_markdown_to_stdout_and_file(run, small_roadmap, tmp_path, clock):
    ok(run("done", "linear-algebra"))
    text = ok(run("export")).stdout
    assert text.startswith("# Test Roadmap: progress\n")
    assert "## 1. Basics (1/3)" in text
    assert re.search(r"^- \[x\] \[Linear Algebra Done Right\]\(https://example\.org/la\) · book · done "
                     r"\d{4}-\d\d-\d\d · `linear-algebra`$", text, re.M)
    ok(run("skip", "deep-learning-book"))
    text = ok(run("export")).stdout
    assert "- [ ] Calculus &lt;b>videos&lt;/b> · video · `calculus-videos`" in text
    assert "- [x] ~~Deep Learning~~ (skipped) · book · `deep-learning-book`" in text
    check_export(text, listed_items(run))
    target = tmp_path / "out" / "progress.md"
    target.parent.mkdir()
    result = ok(run("export", "-o", str(target)))
    assert result.stdout == "" and result.stderr == f"Wrote {target}\n"
    assert target.read_text() == text
    assert [p.name for p in target.parent.iterdir()] == ["progress.md"]


def test_export_to_a_bad_place_is_a_clear_error(run, small_roadmap, tmp_path):
    result = run("export", "-o", str(tmp_path))
    assert result.exit_code == 1 and "is a directory" in result.stderr
    result = run("export", "-o", str(tmp_path / "missing" / "p.md"))
    assert result.exit_code == 1 and result.stderr.startswith("error: cannot write")


def test_invalid_roadmap_lists_problems_and_creates_nothing(run, tmp_path, db_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ntitle: T\nstages:\n  - id: s\n    title: S\n    resources:\n"
                   "      - {id: a, tittle: A, kind: book, hours: 0}\n")
    result = run("--roadmap", str(bad), "next")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {bad} is not a valid roadmap (3 problems):"
    assert f"  {bad}:7: unknown key 'tittle'" in result.stderr
    assert lines[-1].startswith("hint: ")
    assert not db_path.exists()
    missing = run("--roadmap", str(tmp_path / "nope.yaml"), "stages")
    assert missing.exit_code == 1 and "does not exist" in missing.stderr


def test_roadmap_env_variable_is_used(run, tmp_path, monkeypatch, small_roadmap):
    assert "Test Roadmap" in ok(run()).stdout


def test_not_a_database_is_one_line_and_untouched(run, db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"\x00\x01 precious bytes")
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    for args in (["next"], ["done", "mml-book"], []):
        result = run(*args)
        assert result.exit_code == 1
        assert len(result.stderr.splitlines()) == 1
        assert "is not an SQLite database" in result.stderr
        assert "Traceback" not in result.stderr
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_database_path_that_is_a_directory(run, tmp_path, monkeypatch):
    monkeypatch.setenv("MLPATH_DB", str(tmp_path))
    result = run("stages")
    assert result.exit_code == 1 and "is a directory" in result.stderr


@pytest.mark.parametrize("command", ["path", "stages", "list", "show", "next", "start", "done", "skip", "reset",
                                     "export"])
def test_every_command_has_help_with_an_example(run, command):
    out = ok(run(command, "--help")).stdout
    assert "Example" in out or "e.g." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["next", "-n", "0"], "error: Invalid value for '-n' / '--count': 0 is not in the range x>=1. "
                              "(see `mlpath next --help`)"),
        (["list", "--kind", "blog"], "error: Invalid value for '--kind': 'blog' is not one of"),
        (["show"], "error: Missing argument 'ID'. (see `mlpath show --help`)"),
        (["--bogus"], "error: No such option: --bogus (see `mlpath --help`)"),
    ],
)
def test_command_line_mistakes_are_one_line_with_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


def test_a_group_without_its_command_shows_help(run):
    result = run("roadmap")
    assert result.exit_code == 0 and "diff" in result.stdout
