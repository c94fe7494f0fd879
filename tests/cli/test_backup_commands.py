"""Backup, restore and roadmap upgrades through the commands, against temporary databases."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from gfm import check_export, listed_items

SMALL = Path(__file__).parents[1] / "data" / "small.yaml"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def digest(path: Path) -> str:
    """The database's logical content (the file's bytes move when WAL is checkpointed)."""
    with closing(sqlite3.connect(path)) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


@pytest.fixture
def busy(run, small_roadmap, clock):
    """A learner with events, sessions, notes, a rating and a review."""
    ok(run("start", "linear-algebra"))
    ok(run("log", "linear-algebra", "2", "--note", "chapter 1"))
    clock.advance(days=1)
    ok(run("done", "linear-algebra", "--note", "all of it", "--stars", "4"))
    ok(run("note", "linear-algebra", 'has "quotes" & <html>'))
    clock.advance(days=2)
    ok(run("review", "linear-algebra", "good"))
    ok(run("skip", "calculus-videos"))
    return run


def without_stamp(text: str) -> str:
    return re.sub(r'"generated_at": "[^"]+"', '"generated_at": "-"', text)


def test_json_export_import_export_is_identical(busy, tmp_path, monkeypatch, clock):
    first = ok(busy("export", "--format", "json")).stdout
    doc = json.loads(first)
    assert [len(doc[k]) for k in ("events", "sessions", "notes", "reviews")] == [3, 1, 1, 1]
    backup = tmp_path / "backup.json"
    backup.write_text(first)
    monkeypatch.setenv("MLPATH_DB", str(tmp_path / "other" / "mlpath.db"))
    clock.advance(hours=5)
    result = ok(busy("import", str(backup)))
    assert "3 events, 1 study session, 1 note, 1 review" in " ".join(result.stdout.split())  # wrapped at 80
    second = ok(busy("export", "--format", "json")).stdout
    assert without_stamp(second) == without_stamp(first)
    assert second != first  # only the generation time differs


def test_importing_twice_adds_nothing_and_keeps_what_is_there(busy, tmp_path):
    backup = tmp_path / "backup.json"
    ok(busy("export", "--format", "json", "-o", str(backup)))
    ok(busy("start", "stats-course"))
    result = ok(busy("import", str(backup)))
    assert "0 events, 0 study sessions, 0 notes, 0 reviews" in " ".join(result.stdout.split())
    data = json.loads(ok(busy("export", "--format", "json")).stdout)
    assert len(data["events"]) == 4  # the three exported plus the newer start


def test_history_for_unknown_ids_is_kept_as_retired(run, small_roadmap, tmp_path):
    doc = {
        "format": "mlpath-progress", "version": 1, "generated_at": "2026-01-01T00:00:00Z",
        "roadmap": {"title": "Old", "version": 1},
        "resources": [{"id": "old-course", "title": "An Old Course", "kind": "course", "stage": "gone", "hours": 9}],
        "events": [{"resource": "old-course", "status": "done", "at": "2025-05-01T10:00:00Z", "note": None,
                    "rating": None},
                   {"resource": "mystery", "status": "doing", "at": "2025-05-02T10:00:00Z", "note": None,
                    "rating": None}],
        "sessions": [], "notes": [], "reviews": [],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    result = ok(run("import", str(path)))
    assert "kept as retired (not in the current roadmap): mystery, old-course" in result.stdout
    listed = [d["id"] for d in json.loads(ok(run("list", "--json")).stdout)]
    assert "old-course" not in listed  # hidden from list, next and the totals
    shown = json.loads(ok(run("show", "old-course", "--json")).stdout)
    assert (shown["title"], shown["status"], shown["retired"]) == ("An Old Course", "done", True)
    markdown = ok(run("export")).stdout
    assert "## Retired (no longer in the roadmap)" in markdown
    assert "- [x] An Old Course · course · done 2025-05-01 · `old-course`" in markdown
    check_export(markdown, listed_items(run), only=True)
    stages = json.loads(ok(run("stages", "--json")).stdout)
    assert [s["id"] for s in stages] == ["basics", "tools"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{ not json", "is not valid JSON"),
        ('{"format": "mlpath-progress", "version": 7}', "version 7"),
        ('{"format": "mlpath-progress", "version": 1, "events": [{"resource": "colab"}]}', "missing field 'status'"),
        ('{"format": "mlpath-progress", "version": 1, "events": [{"resource": "colab", "status": "finished", '
         '"at": "2026-01-01T00:00:00Z"}]}', "unknown status 'finished'"),
        ("# just some notes\n\n- a list\n", "has no task items"),
        ("- [x] Something `no-such-id`\n", "does not know: no-such-id"),
    ],
)
def test_malformed_imports_change_nothing(busy, tmp_path, db_path, content, fragment):
    before = ok(busy("export", "--format", "json")).stdout
    path = tmp_path / "bad.txt"
    path.write_text(content)
    result = busy("import", str(path))
    assert result.exit_code == 1
    assert fragment in result.stderr and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert without_stamp(ok(busy("export", "--format", "json")).stdout) == without_stamp(before)


def test_import_of_missing_or_binary_files(run, small_roadmap, tmp_path):
    assert "does not exist" in run("import", str(tmp_path / "nope.json")).stderr
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    result = run("import", str(binary))
    assert result.exit_code == 1 and "not UTF-8" in result.stderr


def test_markdown_ticks_come_back(run, small_roadmap, tmp_path):
    ok(run("done", "linear-algebra"))
    ok(run("skip", "sagemaker"))
    path = tmp_path / "progress.md"
    ok(run("export", "-o", str(path)))
    text = path.read_text()
    check_export(text, listed_items(run))
    text = text.replace("- [ ] Statistics 101", "- [x] Statistics 101")  # ticked in an editor
    text = text.replace("- [x] [Linear Algebra Done Right]", "- [ ] [Linear Algebra Done Right]")  # unticked
    path.write_text(text)
    result = ok(run("import", str(path)))
    assert sorted(result.stdout.splitlines()) == ["done: stats-course  Statistics 101",
                                                  "reset to todo: linear-algebra  Linear Algebra Done Right"]
    states = {d["id"]: d["status"] for d in json.loads(ok(run("list", "--json")).stdout)}
    assert states["stats-course"] == "done" and states["linear-algebra"] == "todo"
    assert ok(run("import", str(path))).stdout == ""  # nothing left to change
    states = {d["id"]: d["status"] for d in json.loads(ok(run("list", "--json")).stdout)}
    assert states["sagemaker"] == "skipped"  # ticked and marked skipped: it stays skipped
    path.write_text(text.replace("- [x] ~~AWS SageMaker~~ (skipped)", "- [ ] ~~AWS SageMaker~~ (skipped)"))
    assert ok(run("import", str(path))).stdout == "reset to todo: sagemaker  AWS SageMaker\n"  # unticked: reopened


OLD_EXPORT = r"""# Test Roadmap: progress

Exported 2026-11-01 by mlpath. Overall: 0% (0 of 5 done, 175 hours left).

## 1\. Basics (0/2)

- [x] [Linear Algebra Done Right](https://example.org/la) · book · `linear-algebra`
- [ ] Calculus &lt;b&gt;videos&lt;/b&gt; · video · skipped · `calculus-videos`
- [x] Statistics 101 · course · doing · `stats-course`
  - 2026-10-31: ch 8\-9 \(PCA\)

## 2\. Tools (0/2)

- [ ] Google Colab · tool · `colab`
- [ ] AWS SageMaker · tool · `sagemaker`
- [ ] Deep Learning · book · `deep-learning-book`
"""


def test_an_export_in_the_layout_before_skip_marks_still_imports(run, small_roadmap, tmp_path):
    ok(run("skip", "calculus-videos"))
    path = tmp_path / "old.md"
    path.write_text(OLD_EXPORT)
    result = ok(run("import", str(path)))
    assert sorted(result.stdout.splitlines()) == ["done: linear-algebra  Linear Algebra Done Right",
                                                  "done: stats-course  Statistics 101"]
    states = {d["id"]: d["status"] for d in json.loads(ok(run("list", "--json")).stdout)}
    assert states["calculus-videos"] == "skipped"  # unticked in an old export: skipped stays skipped


def test_roadmap_upgrade_syncs_and_diff_previews(run, small_roadmap, db_path):
    ok(run("done", "calculus-videos", "stats-course"))
    text = SMALL.read_text().replace("version: 1", "version: 2")
    text = text.replace("Statistics 101", "Statistics 102")
    text = text.replace('      - {id: calculus-videos, title: "Calculus <b>videos</b>", kind: video, core: false, '
                        'hours: 5}\n', "")
    text = text.replace("  - id: tools\n", "  - id: tools\n").replace(
        "      - {id: colab,", "      - {id: stats-course-2, title: Statistics II, kind: course, hours: 20}\n"
                             "      - {id: colab,")
    # move stats-course to stage 2: it must keep its progress
    text = text.replace("      - id: stats-course\n        title: Statistics 102\n        kind: course\n"
                        "        core: true\n        hours: 30\n", "")
    text += "      - {id: stats-course, title: Statistics 102, kind: course, core: true, hours: 30}\n"
    small_roadmap.write_text(text)
    before = digest(db_path)
    preview = ok(run("roadmap", "diff"))
    assert preview.stdout.splitlines() == [
        "roadmap 1 -> 2: 1 new, 1 changed, 1 retired",
        "  new      stats-course-2",
        "  changed  stats-course",
        "  retired  calculus-videos",
    ]
    assert digest(db_path) == before  # a preview writes nothing
    result = ok(run("stages"))
    assert result.stderr == "roadmap 1 -> 2: 1 new, 1 changed, 1 retired\n"
    items = {d["id"]: d for d in json.loads(ok(run("list", "--json")).stdout)}
    assert items["stats-course"]["stage"] == "tools" and items["stats-course"]["status"] == "done"
    assert "calculus-videos" not in items
    assert json.loads(ok(run("show", "calculus-videos", "--json")).stdout)["history"][0]["status"] == "done"
    assert ok(run("stages")).stderr == ""  # synced once


def test_roadmap_diff_of_another_file(run, small_roadmap, tmp_path):
    ok(run("stages"))
    other = tmp_path / "other.yaml"
    other.write_text(SMALL.read_text().replace("version: 1", "version: 5") +
                     "      - {id: extra, title: Extra, kind: paper, hours: 1}\n")
    assert ok(run("roadmap", "diff", str(other))).stdout.startswith("roadmap 1 -> 5: 1 new, 0 changed, 0 retired")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: [")
    result = run("roadmap", "diff", str(bad))
    assert result.exit_code == 1 and "not valid YAML" in result.stderr


def test_a_version_1_backup_imports_every_review_rescheduled_by_fsrs(run, tmp_path):
    """backup-v1.json (SM-2 era): each review's rating becomes its grade; FSRS schedules it again."""
    result = ok(run("import", str(Path(__file__).parents[1] / "data" / "backup-v1.json")))
    assert "7 events, 3 study sessions, 1 note, 3 reviews" in " ".join(result.stdout.split())  # wrapped
    mml = json.loads(ok(run("show", "mml-book", "--json")).stdout)
    assert mml["reviews"] == [{"at": "2026-10-06T20:00:00Z", "grade": "good"},
                              {"at": "2026-10-12T20:00:00Z", "grade": "hard"}]
    assert mml["next_review"] > "2026-10-12"
    ng = json.loads(ok(run("show", "ng-ml-coursera", "--json")).stdout)
    assert ng["reviews"] == [{"at": "2026-10-21T20:00:00Z", "grade": "easy"}]
    doc = json.loads(ok(run("export", "--format", "json")).stdout)
    assert doc["version"] == 5
    assert [r["grade"] for r in doc["reviews"]] == [3, 2, 4]
    again = ok(run("import", str(Path(__file__).parents[1] / "data" / "backup-v1.json")))
    assert "0 events, 0 study sessions, 0 notes, 0 reviews" in " ".join(again.stdout.split())


def test_a_version_3_backup_imports_and_progress_and_goals_travel_in_version_4(run, tmp_path, clock, monkeypatch):
    """backup-v3.json (before progress shares and goals) still imports; a new export carries both."""
    v3 = Path(__file__).parents[1] / "data" / "backup-v3.json"
    result = ok(run("import", str(v3)))
    assert "3 events, 1 study session, 1 note, 1 review" in " ".join(result.stdout.split())
    ok(run("progress", "imperial-math-for-ml-coursera", "3/12"))
    ok(run("goal", "6"))
    ok(run("goal", "off"))
    target = tmp_path / "v4.json"
    ok(run("export", "--format", "json", "-o", str(target)))
    doc = json.loads(target.read_text())
    assert doc["version"] == 5
    assert doc["progress"] == [{"resource": "imperial-math-for-ml-coursera", "at": "2026-11-24T12:00:00Z",
                                "fraction": 0.25, "label": "3/12", "undone": None}]
    assert [g["hours_per_week"] for g in doc["goals"]] == [6.0, None]
    # into a fresh database: the share and the goal history come back, and twice adds nothing
    monkeypatch.setenv("MLPATH_DB", str(tmp_path / "fresh.db"))
    result = ok(run("import", str(target)))
    assert "1 progress setting, 2 goals" in " ".join(result.stdout.split())
    assert json.loads(ok(run("show", "imperial-math-for-ml-coursera", "--json")).stdout)["progress"] == 0.25
    assert ok(run("goal")).stdout.startswith("no weekly goal")
    again = ok(run("import", str(target)))
    assert "progress setting" not in again.stdout


def test_a_backup_from_another_machine_never_sets_a_status_back(run, small_roadmap, tmp_path, monkeypatch, clock):
    """Laptop: started on Nov 10. Desktop: done on Nov 20. Merging either way keeps the newer state."""
    laptop, desktop = tmp_path / "laptop" / "mlpath.db", tmp_path / "desktop" / "mlpath.db"

    def on(path: Path, *args: str):
        monkeypatch.setenv("MLPATH_DB", str(path))
        return ok(run(*args))

    def state(path: Path) -> tuple[str, list[str]]:
        shown = json.loads(on(path, "show", "1.1", "--json").stdout)
        return shown["status"], [(e["status"], e["at"][:10]) for e in shown["history"]]

    clock.set("2026-11-10T09:00:00Z")
    on(laptop, "start", "1.1")
    on(laptop, "start", "1.2")
    on(laptop, "progress", "1.3", "20%")
    clock.set("2026-11-20T09:00:00Z")
    on(desktop, "done", "1.1")
    on(desktop, "progress", "1.3", "60%")
    clock.set("2026-11-21T09:00:00Z")
    on(laptop, "done", "1.2")  # newer on the laptop: this one wins on the desktop
    laptop_backup, desktop_backup = tmp_path / "laptop.json", tmp_path / "desktop.json"
    on(laptop, "export", "--format", "json", "-o", str(laptop_backup))
    on(desktop, "export", "--format", "json", "-o", str(desktop_backup))
    clock.set("2026-11-22T09:00:00Z")
    on(desktop, "import", str(laptop_backup))
    on(laptop, "import", str(desktop_backup))
    history = [("doing", "2026-11-10"), ("done", "2026-11-20")]
    assert state(desktop) == ("done", history)
    assert state(laptop) == ("done", history)
    for path in (desktop, laptop):
        assert json.loads(on(path, "show", "1.2", "--json").stdout)["status"] == "done"
        assert json.loads(on(path, "show", "1.3", "--json").stdout)["progress"] == 0.6  # the newer share
    # the merged database still round-trips through a backup into an empty one
    merged = tmp_path / "merged.json"
    on(desktop, "export", "--format", "json", "-o", str(merged))
    on(tmp_path / "empty" / "mlpath.db", "import", str(merged))
    assert state(tmp_path / "empty" / "mlpath.db") == ("done", history)
    # and a local change after the merge still counts, even with the clock set back
    clock.set("2026-11-01T09:00:00Z")
    on(desktop, "reset", "1.1")
    assert state(desktop)[0] == "todo"


def test_a_missing_import_file_is_one_line_about_its_path_not_its_format(run, small_roadmap, tmp_path):
    result = run("import", str(tmp_path / "bakup.json"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (  # after the line saying the database was created
        f"error: import file {tmp_path / 'bakup.json'} does not exist (check the file's name and folder)")


def test_a_version_4_backup_imports_with_every_record_and_undo(run, tmp_path):
    """backup-v4.json (before roadmaps travelled in it) imports into a fresh database as it was."""
    v4 = Path(__file__).parents[1] / "data" / "backup-v4.json"
    doc = json.loads(v4.read_text())
    assert doc["version"] == 4 and "roadmaps" not in doc
    result = " ".join(ok(run("import", str(v4))).stdout.split())
    assert f"{len(doc['events'])} events" in result
    undone = sum(r["undone"] is not None for key in ("events", "sessions", "notes", "progress") for r in doc[key])
    assert undone and f"{undone} records the backup says were undone" in result
    listed = {r["id"]: r["status"] for r in json.loads(ok(run("list", "--json")).stdout)}
    assert listed["mml-book"] == "done" and listed["khan-academy-linear-algebra"] == "skipped"
    assert listed["imperial-math-for-ml-coursera"] == "todo"  # its finish was undone there
    assert "roadmaps tracked again" not in result


def test_added_roadmaps_travel_in_the_backup_and_come_back_in_a_fresh_database(run, tmp_path, monkeypatch, clock):
    """Format 5 carries every roadmap tracked beside the first, whole, with the ids and shared pages."""
    data = Path(__file__).parents[1] / "data" / "convert"
    ok(run("roadmap", "add", str(data / "awesome-list.md"), "--name", "dl"))
    ok(run("roadmap", "add", str(data / "roadmap-sh.json"), "--name", "prompts"))
    ok(run("done", "dl/deep-learning"))  # the same page as the bundled goodfellow-deep-learning-book
    ok(run("log", "prompts/introduction-to-llms", "1h"))
    ok(run("roadmap", "remove", "prompts"))
    target = tmp_path / "v5.json"
    ok(run("export", "--format", "json", "-o", str(target)))
    doc = json.loads(target.read_text())
    assert [r["name"] for r in doc["roadmaps"]] == ["dl", "prompts"]
    assert [r["hidden"] for r in doc["roadmaps"]] == [False, True]
    dl = {r["id"]: r for r in doc["roadmaps"][0]["resources"]}
    assert dl["deep-learning"]["same_as"] == "goodfellow-deep-learning-book" and len(dl) == 12
    assert {e["resource"] for e in doc["events"]} == {"goodfellow-deep-learning-book", "introduction-to-llms"}

    monkeypatch.setenv("MLPATH_DB", str(tmp_path / "fresh.db"))
    result = " ".join(ok(run("import", str(target))).stdout.split())
    assert "roadmaps tracked again: dl, prompts" in result and "retired" not in result
    lines = {r["name"]: r for r in json.loads(ok(run("roadmap", "list", "--json")).stdout)}
    assert list(lines) == ["mlpath", "dl", "prompts"] and lines["prompts"]["removed"] is True
    assert json.loads(ok(run("--in", "dl", "show", "deep-learning", "--json")).stdout)["status"] == "done"
    ok(run("roadmap", "add", str(data / "roadmap-sh.json"), "--name", "prompts"))  # back from hidden
    assert json.loads(ok(run("--in", "prompts", "show", "introduction-to-llms", "--json")).stdout)["status"] == "doing"
    again = tmp_path / "again.json"
    ok(run("roadmap", "remove", "prompts"))
    ok(run("export", "--format", "json", "-o", str(again)))
    assert json.loads(again.read_text())["roadmaps"] == doc["roadmaps"]
    assert "roadmaps tracked again" not in ok(run("import", str(target))).stdout  # twice adds nothing


def test_markdown_export_has_a_section_per_roadmap_only_when_there_are_several(run, tmp_path, clock):
    single = ok(run("export")).stdout
    assert "\n## 1. Math for Machine Learning (0/6)\n" in single and "###" not in single
    data = Path(__file__).parents[1] / "data" / "convert"
    ok(run("roadmap", "add", str(data / "awesome-list.md"), "--name", "dl"))
    ok(run("done", "dl/deep-learning"))
    several = ok(run("export")).stdout
    assert several.startswith("# 2 roadmaps: progress")
    assert "\n## Machine Learning for Engineers (`mlpath`, 1/195)\n" in several
    assert "\n### 1. Math for Machine Learning (0/6)\n" in several
    assert "\n## Awesome Deep Learning (`dl`, 1/12)\n" in several and "\n### 1. Books (1/4)\n" in several
    assert "1 of 204 done" in several  # the shared book counts once overall
    one = ok(run("--in", "mlpath", "export")).stdout  # one roadmap in scope: the layout it always had
    assert one.startswith("# Machine Learning for Engineers: progress") and "###" not in one
