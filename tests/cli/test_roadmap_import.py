"""`mlpath roadmap import`: convert, write, report; then track the result, and keep its progress
through a re-import of the edited source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlpath import roadmap

DATA = Path(__file__).resolve().parents[1] / "data" / "convert"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def test_import_writes_a_roadmap_and_reports_on_stderr(run, tmp_path, db_path):
    out = tmp_path / "dl.yaml"
    result = ok(run("roadmap", "import", str(DATA / "awesome-list.md"), "-o", str(out)))
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "Converted awesome-list.md (markdown, stages from level-2 headings): 4 stages, 12 resources."
    assert "Guessed hours for 12 from a default per kind (book 30 h, tool 2 h, course 30 h, video 1 h, paper 3 h)." \
        in lines
    assert lines[-1].startswith(f"Wrote {out} (version 1).")
    assert len(roadmap.load(out).resources) == 12
    assert not db_path.exists()  # converting needs no database


def test_import_without_output_prints_the_roadmap(run):
    result = ok(run("roadmap", "import", str(DATA / "curriculum.md")))
    assert result.stdout.startswith("# Converted from curriculum.md")
    assert "hours: 52.5" in result.stdout
    assert "Wrote the roadmap to stdout" in result.stderr


def test_track_the_import_and_keep_progress_through_a_reimport(run, tmp_path, monkeypatch):
    source = tmp_path / "list.md"
    lines = [f"- [Paper {n}](https://arxiv.org/abs/2101.{n:05d}) - paper {n}" for n in range(10)]
    source.write_text("# My list\n\n## Papers\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "list.yaml"
    ok(run("roadmap", "import", str(source), "-o", str(out)))
    monkeypatch.setenv("MLPATH_ROADMAP", str(out))
    ok(run("done", "paper-3"))
    ok(run("start", "paper-7"))

    lines = lines[2:]  # two gone
    lines.reverse()
    lines.insert(4, "- [A new survey](https://arxiv.org/abs/2202.00001)")
    source.write_text("# My list\n\n## Reading\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    second = ok(run("roadmap", "import", str(source), "-o", str(out)))
    assert f"Wrote {out} (version 2)" in second.stderr

    listed = {r["id"]: r["status"] for r in json.loads(ok(run("list", "--json")).stdout)}
    assert listed["paper-3"] == "done" and listed["paper-7"] == "doing"
    assert listed["a-new-survey"] == "todo" and "paper-0" not in listed


@pytest.mark.parametrize(("args", "code", "message"), [
    (["nope.md"], 1, "nope.md does not exist"),
    (["{dir}"], 1, "is a directory"),
    (["{binary}"], 1, "is not UTF-8 text, so not a markdown or roadmap.sh JSON file"),
    (["{empty}"], 1, "empty.md has no links to import"),
    (["{json}"], 1, "bad.json is not a roadmap.sh roadmap: not valid JSON"),
    (["{list}", "--stage-level", "9"], 2, "--stage-level"),
    (["{list}", "-o", "{dir}"], 1, "is a directory"),
    (["{list}", "-o", "{list}"], 1, "list.md exists and was not written by `mlpath roadmap import`"),
])
def test_bad_input_is_one_line_and_writes_nothing(run, tmp_path, monkeypatch, args, code, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "binary.md").write_bytes(b"\xff\xfe\x00garbage\x80")
    (tmp_path / "empty.md").write_text("# Nothing here\n\nJust words.\n")
    (tmp_path / "bad.json").write_text("{nodes: [")
    (tmp_path / "list.md").write_text("- [A](https://example.org/a)\n")
    (tmp_path / "sub").mkdir()
    names = {"dir": "sub", "binary": "binary.md", "empty": "empty.md", "json": "bad.json", "list": "list.md"}
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("roadmap", "import", *[a.format(**names) for a in args])
    assert result.exit_code == code
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if not line.startswith("hint:")]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
