"""Several roadmaps in one database: `roadmap add/list/remove/use`, `--in`, name/id, and a page two
roadmaps share being one piece of study (marked, logged, noted, reviewed and counted once)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlpath import clock as real_clock
from mlpath import report, roadmap
from mlpath.completion import candidates as completion_candidates
from mlpath.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "convert"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def fails(result, code: int = 1) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def listed(run, *args: str) -> dict[str, dict]:
    return {r["id"]: r for r in json.loads(ok(run(*args, "list", "--json")).stdout)}


@pytest.fixture
def tracked(run, tmp_path: Path) -> dict[str, Path]:
    """The converter's three test documents, converted with `roadmap import` and tracked with
    `roadmap add` beside the bundled roadmap."""
    files = {}
    for name, source in (("awesome", "awesome-list.md"), ("osu", "curriculum.md"), ("prompts", "roadmap-sh.json")):
        files[name] = tmp_path / f"{name}.yaml"
        ok(run("roadmap", "import", str(DATA / source), "-o", str(files[name])))
        ok(run("roadmap", "add", str(files[name])))
    return files


def overview(db_path: Path, scope: str | None = None) -> report.Overview:
    store, _ = Store.open(db_path, roadmap.read_source(None), roadmap.parse)
    store.wanted = scope
    try:
        return report.overview(store, real_clock.today(), real_clock.zone())
    finally:
        store.close()


def test_converted_documents_tracked_side_by_side_share_the_pages_they_have_in_common(run, tracked, db_path, clock):
    lines = {r["name"]: r for r in json.loads(ok(run("roadmap", "list", "--json")).stdout)}
    assert list(lines) == ["mlpath", "awesome", "osu", "prompts"]
    assert (lines["awesome"]["total"], lines["osu"]["total"], lines["prompts"]["total"]) == (12, 7, 9)
    assert lines["awesome"]["source"] == str(tracked["awesome"].resolve()) and lines["mlpath"]["source"] is None

    every = listed(run)
    # the awesome list's Goodfellow book is the bundled roadmap's (https://www.deeplearningbook.org/)
    assert every["deep-learning"]["roadmap"] == "awesome"
    assert every["deep-learning"]["url"] == every["goodfellow-deep-learning-book"]["url"]
    before = overview(db_path)

    ok(run("done", "awesome/deep-learning"))  # marked in one roadmap...
    every = listed(run)
    assert every["goodfellow-deep-learning-book"]["status"] == "done"  # ...done in the other
    assert every["deep-learning"]["status"] == "done"
    assert listed(run, "--in", "mlpath")["goodfellow-deep-learning-book"]["status"] == "done"

    after = overview(db_path)
    book = every["goodfellow-deep-learning-book"]["hours"]  # the first roadmap's estimate counts
    assert after.total.hours_done == pytest.approx(before.total.hours_done + book)
    by_name = {r.roadmap.name: r.progress for r in after.roadmaps}
    assert by_name["awesome"].done == 1 and by_name["mlpath"].done == 1  # each roadmap shows it done
    assert after.total.done == 1  # the whole counts it once
    assert after.total.total == sum(p.total for p in by_name.values()) - 4  # 3 awesome + 1 osu pages shared
    dashboard = ok(run()).stdout
    assert dashboard.startswith("4 roadmaps: ")
    assert "All roadmaps" in dashboard and "awesome" in dashboard


def test_logging_noting_progress_and_reviewing_a_shared_page_shows_in_both(run, tracked, clock):
    ok(run("log", "osu/machine-learning", "2h", "--note", "week 1"))  # the bundled ng-ml-coursera
    ok(run("progress", "ng-ml-coursera", "3/11"))
    ok(run("note", "machine-learning", "lecture notes on paper"))
    shown = json.loads(ok(run("show", "ng-ml-coursera", "--json")).stdout)
    assert shown["status"] == "doing" and shown["logged_hours"] == 2.0 and shown["progress"] == round(3 / 11, 4)
    assert [n["text"] for n in shown["notes"]] == ["lecture notes on paper"]
    other = json.loads(ok(run("--in", "osu", "show", "machine-learning", "--json")).stdout)
    assert (other["status"], other["logged_hours"], other["progress"]) == ("doing", 2.0, shown["progress"])
    assert other["roadmap"] == "osu" and other["id"] == "machine-learning"

    ok(run("done", "machine-learning"))
    clock.advance(days=3)
    ok(run("review", "ng-ml-coursera", "good"))
    due = {json.loads(ok(run("--in", "osu", "show", "machine-learning", "--json")).stdout)["next_review"]}
    assert due == {json.loads(ok(run("show", "ng-ml-coursera", "--json")).stdout)["next_review"]} != {None}

    ok(run("undo"))  # the review, recorded once, undone once
    assert json.loads(ok(run("show", "machine-learning", "--json")).stdout)["reviews"] == []
    ok(run("undo"))  # the finish
    assert listed(run, "--in", "osu")["machine-learning"]["status"] == "doing"
    assert listed(run)["ng-ml-coursera"]["status"] == "doing"


def test_in_env_and_use_scope_every_command(run, tracked, monkeypatch):
    only = listed(run, "--in", "prompts")
    assert {r["roadmap"] for r in only.values()} == {"prompts"} and len(only) == 9
    monkeypatch.setenv("MLPATH_ROADMAP_NAME", "osu")
    assert {r["roadmap"] for r in listed(run).values()} == {"osu"}
    monkeypatch.delenv("MLPATH_ROADMAP_NAME")

    ok(run("roadmap", "use", "awesome"))
    assert {r["roadmap"] for r in listed(run).values()} == {"awesome"}
    assert json.loads(ok(run("roadmap", "list", "--json")).stdout)[1]["default"] is True
    nexts = json.loads(ok(run("next", "-n", "3", "--json")).stdout)
    assert {r["roadmap"] for r in nexts} == {"awesome"}
    assert {r["roadmap"] for r in listed(run, "--in", "prompts").values()} == {"prompts"}  # --in wins
    ok(run("roadmap", "use", "all"))
    assert {r["roadmap"] for r in listed(run).values()} == {"mlpath", "awesome", "osu", "prompts"}

    assert "no roadmap named 'nope'" in fails(run("--in", "nope", "list"))
    assert "no roadmap named 'Bad Name!'" in fails(run("roadmap", "use", "Bad Name!"))


def test_next_with_no_scope_considers_every_roadmap_once(run, tracked):
    ok(run("start", "awesome/deep-learning", "prompts/introduction-to-llms"))
    recs = json.loads(ok(run("next", "-n", "5", "--json")).stdout)
    doing = [r for r in recs if r["status"] == "doing"]
    # the shared page is one piece of study: suggested once, from the roadmap tracked first
    assert sorted((r["roadmap"], r["id"]) for r in doing) == [("mlpath", "goodfellow-deep-learning-book"),
                                                               ("prompts", "introduction-to-llms")]


def test_remove_hides_and_add_brings_back_with_history(run, tracked):
    ok(run("done", "prompts/introduction-to-llms"))
    assert "removed: prompts is hidden" in ok(run("roadmap", "remove", "prompts")).stdout
    assert not any(r["roadmap"] == "prompts" for r in listed(run).values())
    assert "was removed" in fails(run("--in", "prompts", "list"))
    gone = json.loads(ok(run("roadmap", "list", "--json")).stdout)[-1]
    assert gone["name"] == "prompts" and gone["removed"] is True
    assert "the first roadmap" in fails(run("roadmap", "remove", "mlpath"))

    ok(run("roadmap", "add", str(tracked["prompts"])))
    assert listed(run, "--in", "prompts")["introduction-to-llms"]["status"] == "done"


def test_refresh_keeps_ids_and_progress_and_retires_what_is_gone(run, tracked):
    ok(run("done", "awesome/dive-into-deep-learning"))
    text = tracked["awesome"].read_text(encoding="utf-8")
    start = text.index("  - id: neural-networks-and-deep-learning")
    end = text.index("  - id:", start + 1)
    tracked["awesome"].write_text(text[:start] + text[end:], encoding="utf-8")
    out = " ".join(ok(run("roadmap", "add", str(tracked["awesome"]), "--name", "awesome")).stdout.split())
    assert out.startswith("Refreshed awesome (Awesome Deep Learning, version 1): 0 new, 0 changed, 1 retired.")
    now = listed(run, "--in", "awesome")
    assert now["dive-into-deep-learning"]["status"] == "done"
    assert "neural-networks-and-deep-learning" not in now
    assert len(json.loads(ok(run("--in", "awesome", "list", "--json")).stdout)) == 11


def add_small(run, tmp_path: Path, name: str, url: str, *more: str) -> str:
    """Track a two-resource roadmap (ids intro and extra; intro links to url) from tmp_path/name.yaml."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(ROADMAP.format(title=name.title(), url=url), encoding="utf-8")
    return ok(run("roadmap", "add", str(path), *more)).stdout


def test_ids_two_roadmaps_share_take_the_name_prefix(run, tmp_path):
    add_small(run, tmp_path, "one", "https://example.org/a")
    add_small(run, tmp_path, "two", "https://example.org/b")
    ids = {(r["roadmap"], r["id"]) for r in json.loads(ok(run("list", "--json")).stdout)
           if r["roadmap"] != "mlpath"}
    assert ids == {("one", "intro"), ("one", "extra"), ("two", "two/intro"), ("two", "two/extra")}
    ok(run("done", "two/intro"))
    ok(run("done", "one/extra"))  # name/id is accepted for an id stored short, too
    state = {(r["roadmap"], r["id"]): r["status"] for r in json.loads(ok(run("list", "--json")).stdout)}
    assert state[("two", "two/intro")] == "done" and state[("one", "intro")] == "todo"
    assert state[("one", "extra")] == "done"
    # inside one roadmap its short ids work; outside, a short id means the one stored under it
    ok(run("--in", "two", "reset", "intro"))
    assert listed(run, "--in", "two")["two/intro"]["status"] == "todo"
    # numbers two roadmaps share are ambiguous without the name
    stderr = fails(run("done", "1.1"))
    assert "mlpath/mml-book" in stderr and "one/intro" in stderr and "two/intro" in stderr
    assert "roadmap's name first" in stderr
    ok(run("done", "two/1.2"))
    assert listed(run, "--in", "two")["two/extra"]["status"] == "done"


def test_completion_offers_short_ids_and_the_name_form(run, tmp_path, db_path):
    add_small(run, tmp_path, "one", "https://example.org/a")
    add_small(run, tmp_path, "onecopy", "https://example.org/a")  # a copy of the file, with the same ids
    # the copy's ids are stored as onecopy/intro: `intro` means the first's
    assert [c for c, _ in completion_candidates(db_path, "int")] == ["intro"]
    assert [c for c, _ in completion_candidates(db_path, "one")] == ["one/", "onecopy/", "onecopy/intro",
                                                                    "onecopy/extra"]
    assert [c for c, _ in completion_candidates(db_path, "one/")] == ["one/intro", "one/extra"]
    assert [c for c, _ in completion_candidates(db_path, "onecopy/")] == ["onecopy/intro", "onecopy/extra"]
    assert [c for c, _ in completion_candidates(db_path, "mlpath/mml")] == ["mlpath/mml-book"]


def test_the_same_page_with_another_scheme_host_slash_or_trackers_is_shared(run, tmp_path):
    add_small(run, tmp_path, "one", "https://www.example.org/a/")
    out = add_small(run, tmp_path, "two", "http://example.org/a?utm_source=x&fbclid=1")
    assert "two/intro = intro" in out
    ok(run("log", "two/intro", "1h"))
    assert listed(run, "--in", "one")["intro"]["status"] == "doing"


def test_add_reads_markdown_directly_and_refuses_bad_input(run, tmp_path):
    out = ok(run("roadmap", "add", str(DATA / "awesome-list.md"), "--name", "dl")).stdout
    assert out.startswith("Tracking dl (Awesome Deep Learning): 4 stages, 12 resources.")
    assert "not a roadmap name" in fails(run("roadmap", "add", str(DATA / "awesome-list.md"), "--name", "a b"))
    assert "not a roadmap name" in fails(run("roadmap", "add", str(DATA / "awesome-list.md"), "--name", ""))
    assert "first roadmap's name" in fails(run("roadmap", "add", str(DATA / "awesome-list.md"), "--name", "mlpath"))
    assert fails(run("roadmap", "add", str(tmp_path / "missing.yaml")))
    assert "no roadmap named" in fails(run("roadmap", "remove", "nope"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(ROADMAP.format(title="Bad", url="https://x.org").replace("id: intro", "id: Not A Slug"),
                   encoding="utf-8")
    stderr = fails(run("roadmap", "add", str(bad)))
    assert "is not a slug" in stderr and "then run mlpath roadmap add again" in stderr and "--roadmap" not in stderr
    assert "give a roadmap YAML file" in fails(run("roadmap", "add", str(tmp_path)))
    assert "--in names no roadmap" in fails(run("--in", " ", "list"))


ROADMAP = """\
version: 1
title: {title}
stages:
  - id: basics
    title: Basics
    resources:
      - id: intro
        title: Intro
        kind: article
        hours: 1
        url: {url}
      - id: extra
        title: Extra
        kind: article
        hours: 2
"""


def test_choose_one_groups_of_the_same_name_stay_each_roadmap_s_own(run, tmp_path):
    text = ROADMAP.format(title="One", url="https://example.org/a").replace(
        "        hours: 2\n", "        hours: 2\n        choose_one: pick\n").replace(
        "        hours: 1\n", "        hours: 1\n        choose_one: pick\n")
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text(text.replace("example.org/a", f"example.org/{name}"), encoding="utf-8")
        ok(run("roadmap", "add", str(tmp_path / f"{name}.yaml")))
    ok(run("done", "one/intro"))  # the group is done in one, not in two
    recs = {(r["roadmap"], r["id"]) for r in json.loads(ok(run("next", "-n", "9", "--json")).stdout)}
    assert ("two", "two/intro") in recs or ("two", "two/extra") in recs
    assert not {("one", "intro"), ("one", "extra")} & recs


def test_show_says_whose_it_is_and_stages_take_the_name_form(run, tracked):
    shown = " ".join(ok(run("show", "awesome/deep-learning")).stdout.split())
    assert "roadmap awesome; the same page as goodfellow-deep-learning-book, whose history this is" in shown
    assert json.loads(ok(run("show", "awesome/deep-learning", "--json")).stdout)["same_as"] == \
        "goodfellow-deep-learning-book"
    assert "roadmap " not in ok(run("show", "mml-book")).stdout
    assert {r["roadmap"] for r in json.loads(ok(run("list", "osu/2", "--json")).stdout)} == {"osu"}
    assert {r["stage"] for r in json.loads(ok(run("list", "2", "--json")).stdout)} == {"intro-ml"}


GROUPED = """\
version: 1
title: {title}
stages:
  - id: basics
    title: Basics
    resources:
      - {{id: intro, title: Intro, kind: article, hours: 1, url: "https://example.org/{a}", choose_one: pick}}
      - {{id: other, title: Other, kind: article, hours: 3, url: "https://example.org/{b}", choose_one: pick}}
      - {{id: extra, title: Extra, kind: book, hours: 20, core: true, url: "https://example.org/{c}"}}
  - id: more
    title: More
    resources:
      - {{id: deep, title: Deep, kind: course, hours: 12, core: true, url: "https://example.org/{d}"}}
      - {{id: wide, title: Wide, kind: video, hours: 2}}
"""


@pytest.mark.parametrize("seed", range(6))
def test_stage_totals_without_every_item_match_stage_progress_over_every_item(run, tmp_path, db_path, clock, seed):
    """The dashboard's and `stages`' totals (Store.stage_tallies) are what progress.stage_progress gives
    over every item: groups, skips, logged time past the estimate, shares, shared pages, scopes."""
    import random

    rng = random.Random(seed)
    for name, pages in (("one", "abcd"), ("two", "bxcy"), ("three", "pqrd")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(GROUPED.format(title=name.title(), a=pages[0], b=pages[1], c=pages[2], d=pages[3]),
                        encoding="utf-8")
        ok(run("roadmap", "add", str(path)))
    ids = [r["roadmap"] + "/" + r["id"].split("/")[-1] for r in json.loads(ok(run("list", "--json")).stdout)]
    for _ in range(25):
        rid = rng.choice(ids)
        action = rng.choice(["done", "start", "skip", "reset", "log", "log", "progress"])
        args = {"log": ["log", rid, rng.choice(["1h", "4h", "30h"])],
                "progress": ["progress", rid, rng.choice(["1/3", "90%", "0%"])]}.get(action, [action, rid])
        run(*args)  # a refused one (progress on a done resource) changes nothing
        clock.advance(hours=1)
    if seed % 2:
        ok(run("roadmap", "remove", "two"))
    store, _ = Store.open(db_path, roadmap.read_source(None), roadmap.parse)
    try:
        for scope in (None, "mlpath", "one", "three"):
            store.wanted, store._scope = scope, None
            full = report.overview(store, real_clock.today(), real_clock.zone())
            light = report.overview(store, real_clock.today(), real_clock.zone(), every_item=False)
            assert light.progress == full.progress and light.total == full.total, scope
            assert light.roadmaps == full.roadmaps and light.reviews_due == full.reviews_due
    finally:
        store.close()


def test_a_roadmap_without_core_items_says_its_core_path_is_done_not_by_done(run, tracked, clock):
    # osu (converted from a README) marks nothing core: with a pace and a goal, its finish lines
    # say the core path is done instead of giving it a date of "done"
    ok(run("log", "osu/machine-learning", "3h"))
    clock.advance(days=8)
    ok(run("goal", "5"))
    shown = " ".join(ok(run("--in", "osu")).stdout.split())  # the lines wrap at the terminal's width
    assert "by done" not in shown
    assert "core path done, everything (" in shown and "core path done, everything by " in shown
    bundled = " ".join(ok(run("--in", "mlpath")).stdout.split())
    assert "core path (" in bundled and "core path done" not in bundled


def test_add_of_a_bad_file_or_name_on_a_first_run_leaves_no_database(run, tmp_path):
    from mlpath import paths

    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    first = tmp_path / "mlpath.md"  # a file whose name gives the first roadmap's
    first.write_bytes((DATA / "awesome-list.md").read_bytes())
    for args in ((str(tmp_path / "missing.yaml"),), (str(tmp_path),), (str(empty),),
                 (str(DATA / "awesome-list.md"), "--name", "a b"), (str(DATA / "awesome-list.md"), "--name", "MLpath"),
                 (str(first),)):
        stderr = fails(run("roadmap", "add", *args))
        assert len(stderr.strip().splitlines()) == 1, stderr
        assert not paths.db_path().exists()
        if args[-1] in ("MLpath", str(first)):
            assert "'mlpath' is the first roadmap's name" in stderr, stderr


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_all_roadmaps_line_keeps_its_label_at_any_width(run, tracked, monkeypatch, width):
    # at 60 columns the roadmaps' titles are cut to a word; the total's label, which has no name
    # beside it, takes the name's column too rather than being cut to "All…"
    monkeypatch.setenv("COLUMNS", str(width))
    lines = ok(run()).stdout.splitlines()
    total = [line for line in lines if "All" in line and "/" in line]
    assert len(total) == 1 and "All roadmaps" in total[0], lines[:12]
    header = next(line for line in lines if line.startswith("name"))
    assert total[0].index("%") == header.index("%"), (header, total[0])  # its figures stay in their columns
    from conftest import check_layout

    check_layout("\n".join(lines), width)


def test_a_page_two_roadmaps_share_is_due_for_review_once(run, tmp_path, clock):
    add_small(run, tmp_path, "extra", "https://www.mml-book.github.io")  # its intro is mml-book's page
    ok(run("done", "intro", "extra"))  # intro is one piece of study with mml-book
    clock.advance(days=30)
    assert "2 finished resources are due for review" in " ".join(ok(run()).stdout.split())
    assert "2 finished resources are due for review" in " ".join(ok(run("next")).stdout.split())
    listed = ok(run("review")).stdout
    assert listed.count("mml-book") == 1 and " intro " not in listed and " extra " in listed
    week = json.loads(ok(run("week", "--json")).stdout)
    assert week["reviews_due"] == 2


def test_a_file_tracked_already_is_refused_under_a_second_name(run, tmp_path):
    add_small(run, tmp_path, "one", "https://example.org/a")
    path = tmp_path / "one.yaml"
    stderr = fails(run("roadmap", "add", str(path), "--name", "two"))
    assert f"{path} is tracked already, as 'one'" in stderr and f"roadmap add {path} --name one" in stderr
    assert [r["name"] for r in json.loads(ok(run("roadmap", "list", "--json")).stdout)] == ["mlpath", "one"]
    ok(run("roadmap", "add", str(path), "--name", "one"))  # refreshing it is fine
    ok(run("roadmap", "remove", "one"))
    assert "as 'one'" in fails(run("roadmap", "add", str(path), "--name", "two"))  # a removed one too
    ok(run("roadmap", "add", str(path), "--name", "one"))  # brought back


def test_the_last_stage_ends_when_everything_does_though_roadmaps_share_pages(run, tracked, clock, db_path):
    # awesome shares pages with the bundled roadmap: counted in each stage's hours left, but studied
    # once (in the roadmap tracked first), so the stage dates run on to the overall finish, not past it
    ok(run("log", "mml-book", "3h"))
    clock.advance(days=8)
    ok(run("goal", "5"))
    view = overview(db_path)
    assert view.total.hours_left < sum(p.hours_left for p in view.progress)  # pages are shared
    assert view.etas[-1] == view.finish.all_at_pace and view.etas_goal[-1] == view.finish.all_at_goal
    dated = [d for d in view.etas if d is not None]
    assert dated == sorted(dated)
    stages = json.loads(ok(run("stages", "--json")).stdout)
    assert stages[-1]["eta"] == view.finish.all_at_pace.isoformat()


def test_list_shows_numbers_as_typed_when_several_roadmaps_are_in_scope(run, tracked):
    # 2.1 is in every roadmap: unscoped, each row's number carries its roadmap's name (as `stages`
    # shows them), and that number names the row's resource; scoped to one roadmap, plain numbers
    import re

    rows = re.findall(r"^ *(\S+/\d+\.\d+) +\*? +(\S+) ", ok(run("list", "--no-pager")).stdout, re.MULTILINE)
    assert {n.split("/")[0] for n, _ in rows} == {"mlpath", "awesome", "osu", "prompts"}
    for number, rid in [r for r in rows if r[0].endswith("/2.1") or r[0].endswith("/1.1")]:
        assert json.loads(ok(run("show", number, "--json")).stdout)["id"] == rid, number
    scoped = ok(run("--in", "osu", "list", "--no-pager")).stdout
    assert re.search(r"^1\.1 ", scoped, re.MULTILINE) and "osu/" not in scoped
