"""The curriculum converter (convert.py): real-shaped documents against expected roadmaps, field
by field; stable ids across re-imports; hostile input."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpath import convert, roadmap
from mlpath.errors import ConvertFailed
from mlpath.vocab import ID_PATTERN

DATA = Path(__file__).resolve().parent / "data" / "convert"


@pytest.fixture(params=["after-field", "after-in-note"])
def after_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each expectation twice: with a roadmap schema that has `after:` and with one that has not."""
    keys = {k: v for k, v in roadmap.RESOURCE_KEYS.items() if k != "after"}
    if request.param == "after-field":
        keys["after"] = False
    monkeypatch.setattr(roadmap, "RESOURCE_KEYS", keys)
    return str(request.param)


def converted(name: str, **options: Any) -> tuple[dict[str, Any], convert.Report]:
    result = convert.convert((DATA / name).read_text(encoding="utf-8"), name, **options)
    return yaml.safe_load(result.text), result.report


def prerequisites(resource: dict[str, Any], ids_by_title: dict[str, str]) -> list[str]:
    """The ids a resource comes after, whether written as `after:` or into its note."""
    if "after" in resource:
        return list(resource["after"])
    found = re.search(r"\(after: (.*)\)$", resource.get("note", ""))
    if not found:
        return []
    listed = found.group(1)
    return [rid for title, rid in sorted(ids_by_title.items(), key=lambda t: listed.find(t[0]))
            if title in listed and listed.find(title) >= 0]


def assert_roadmap(data: dict[str, Any], expected: list[tuple[str, str, str | None, list[dict[str, Any]]]],
                   mode: str) -> None:
    """Compare stage by stage and field by field, naming the first field that differs."""
    assert [s["id"] for s in data["stages"]] == [e[0] for e in expected]
    ids_by_title = {r["title"]: r["id"] for s in data["stages"] for r in s["resources"]}
    for stage, (sid, title, summary, resources) in zip(data["stages"], expected, strict=True):
        assert (stage["title"], stage.get("summary")) == (title, summary), sid
        assert [r["id"] for r in stage["resources"]] == [r["id"] for r in resources], sid
        for got, want in zip(stage["resources"], resources, strict=True):
            after = want.get("after", [])
            note = got.get("note", "")
            if mode == "after-in-note":
                assert "after" not in got
                note = re.sub(r"\s*\(after: .*\)$", "", note)
            else:
                assert "(after:" not in note
            for key in ("title", "kind", "hours", "url"):
                assert got.get(key) == want.get(key), f"{want['id']}.{key}"
            assert note == want.get("note", ""), f"{want['id']}.note"
            assert prerequisites(got, ids_by_title) == after, f"{want['id']}.after"


def test_awesome_list_with_toc_badges_and_contributing(after_mode):
    data, report = converted("awesome-list.md")
    assert data["title"] == "Awesome Deep Learning"
    assert data["version"] == 1
    assert_roadmap(data, [
        ("books", "Books", "Start with one of these.", [
            {"id": "deep-learning", "title": "Deep Learning", "kind": "book", "hours": 30,
             "url": "https://www.deeplearningbook.org/",
             "note": "Ian Goodfellow, Yoshua Bengio and Aaron Courville (2016)."},
            {"id": "dive-into-deep-learning", "title": "Dive into Deep Learning", "kind": "book", "hours": 30,
             "url": "https://d2l.ai/", "note": "An interactive book with code in PyTorch, JAX and TensorFlow."},
            {"id": "neural-networks-and-deep-learning", "title": "Neural Networks and Deep Learning", "kind": "book",
             "hours": 30, "url": "http://neuralnetworksanddeeplearning.com/", "note": "by Michael Nielsen."},
            {"id": "exercises-and-solutions", "title": "Exercises and solutions", "kind": "tool", "hours": 2,
             "url": "https://github.com/example/nndl-solutions", "note": "worked answers to the exercises."},
        ]),
        ("courses", "Courses", None, [
            {"id": "deep-learning-specialization", "title": "Deep Learning Specialization", "kind": "course",
             "hours": 30, "url": "https://www.coursera.org/specializations/deep-learning",
             "note": "Andrew Ng's five courses."},
            {"id": "practical-deep-learning-for-coders", "title": "Practical Deep Learning for Coders",
             "kind": "course", "hours": 30, "url": "https://course.fast.ai/", "note": "top-down, code first."},
            {"id": "mit-6-s191-introduction-to-deep-learning", "title": "MIT 6.S191: Introduction to Deep Learning",
             "kind": "course", "hours": 30, "url": "http://introtodeeplearning.com/",
             "note": "MIT's introductory course."},
            {"id": "cs231n-convolutional-neural-networks-for-visual",
             "title": "CS231n: Convolutional Neural Networks for Visual Recognition", "kind": "course", "hours": 30,
             "url": "https://cs231n.stanford.edu/", "note": "Stanford."},
        ]),
        ("videos-and-lectures", "Videos and Lectures", None, [
            {"id": "neural-networks-zero-to-hero", "title": "Neural Networks: Zero to Hero", "kind": "video",
             "hours": 1, "url": "https://www.youtube.com/playlist?list=PLAqhIrjkxbuWI23v9cThsA9GvCAUhRvKZ",
             "note": "Andrej Karpathy builds GPT from scratch."},
        ]),
        ("papers", "Papers", None, [
            {"id": "attention-is-all-you-need", "title": "Attention Is All You Need", "kind": "paper", "hours": 3,
             "url": "https://arxiv.org/abs/1706.03762", "note": "the transformer."},
            {"id": "deep-residual-learning-for-image-recognition",
             "title": "Deep Residual Learning for Image Recognition", "kind": "paper", "hours": 3,
             "url": "https://arxiv.org/abs/1512.03385", "note": "ResNet; code."},
            {"id": "deep-learning-the-nature-review-by-lecun-bengio",
             "title": "Deep learning, the Nature review by LeCun, Bengio and Hinton", "kind": "paper", "hours": 3,
             "url": "https://www.cs.toronto.edu/~hinton/absps/NatureDeepReview.pdf"},
        ]),
    ], after_mode)
    assert report.stage_level == 2
    assert report.left_out == ("3 sections (Table of Contents, Contributing, License)", "3 badges",
                               "1 item without a web link", "1 HTML block", "1 duplicate link")
    assert report.defaulted == 12 and report.default_hours == {"book": 30, "tool": 2, "course": 30, "video": 1,
                                                               "paper": 3}


def test_curriculum_readme_tables_give_hours_and_prerequisites(after_mode):
    data, report = converted("curriculum.md")
    assert data["title"] == "Open Source Society University: Data Science"
    foundations = "Programming and math every later course assumes."
    assert_roadmap(data, [
        ("foundations", "Foundations", foundations, [
            {"id": "python-for-everybody", "title": "Python for Everybody", "kind": "course", "hours": 70,
             "url": "https://www.coursera.org/specializations/python",
             "note": "Duration: 7 weeks; Effort: 10 hours/week"},
            {"id": "calculus-1a-differentiation", "title": "Calculus 1A: Differentiation", "kind": "course",
             "hours": 104, "url": "https://openlearninglibrary.mit.edu/courses/course-v1:MITx+18.01.1x+2T2019/about",
             "note": "Duration: 13 weeks; Effort: 6-10 hours/week"},
            {"id": "linear-algebra-mit-18-06", "title": "Linear Algebra (MIT 18.06)", "kind": "course", "hours": 52.5,
             "url": "https://ocw.mit.edu/courses/18-06-linear-algebra-spring-2010/",
             "note": "Duration: 35 lectures; Effort: 90 minutes/lecture", "after": ["calculus-1a-differentiation"]},
            {"id": "probability-harvard-stat-110", "title": "Probability (Harvard Stat 110)", "kind": "course",
             "hours": 36, "url": "https://projects.iq.harvard.edu/stat110",
             "note": "Duration: 12 weeks; Effort: 3 hours/week", "after": ["calculus-1a-differentiation"]},
        ]),
        ("core-data-science", "Core Data Science", None, [
            {"id": "machine-learning", "title": "Machine Learning", "kind": "course", "hours": 55,
             "url": "https://www.coursera.org/learn/machine-learning",
             "note": "Duration: 11 weeks; Effort: 5 hours/week",
             "after": ["linear-algebra-mit-18-06", "python-for-everybody"]},
            {"id": "statistical-learning-with-r", "title": "Statistical Learning with R", "kind": "course",
             "hours": 65, "url": "https://www.edx.org/learn/statistics/stanford-university-statistical-learning",
             "note": "Duration: 3 months (prerequisites: basic R)", "after": ["probability-harvard-stat-110"]},
            {"id": "data-science-project", "title": "Data Science Project", "kind": "project", "hours": 40,
             "url": "https://github.com/example/ds-capstone", "note": "Duration: 40 hours",
             "after": ["machine-learning"]},
        ]),
    ], after_mode)
    assert (report.hours_from_source, report.hours_from_weeks, report.defaulted) == (6, 1, 0)
    assert report.after_links == 6 and report.after_in_notes == (after_mode == "after-in-note")


def test_roadmap_sh_json_sections_groups_and_edges(after_mode):
    data, report = converted("roadmap-sh.json")
    assert data["title"] == "Prompt Engineering"
    assert_roadmap(data, [
        ("prompt-engineering", "Prompt Engineering", None, [
            {"id": "introduction-to-llms", "title": "Introduction to LLMs", "kind": "article", "hours": 1},
            {"id": "basic-prompting", "title": "Basic Prompting", "kind": "article", "hours": 1,
             "after": ["introduction-to-llms"]},
            {"id": "jailbreaking", "title": "Jailbreaking", "kind": "article", "hours": 1,
             "after": ["prompt-injection"]},
            {"id": "prompt-injection", "title": "Prompt Injection", "kind": "article", "hours": 1,
             "url": "https://learnprompting.org/docs/prompt_hacking/injection", "after": ["basic-prompting"]},
        ]),
        ("learn-what-llms-are", "Learn what LLMs are", None, [
            {"id": "what-is-a-token", "title": "What is a token?", "kind": "article", "hours": 1,
             "after": ["introduction-to-llms"]},
            {"id": "what-is-a-context-window", "title": "What is a context window?", "kind": "article", "hours": 1,
             "after": ["introduction-to-llms"]},
        ]),
        ("prompting-techniques", "Prompting Techniques", None, [
            {"id": "few-shot-prompting", "title": "Few-shot prompting", "kind": "article", "hours": 1,
             "note": "Show the model worked examples first.", "after": ["basic-prompting"]},
            {"id": "chain-of-thought", "title": "Chain of Thought", "kind": "paper", "hours": 3,
             "url": "https://arxiv.org/abs/2201.11903", "after": ["few-shot-prompting"]},
            {"id": "zero-shot-prompting", "title": "Zero-shot prompting", "kind": "article", "hours": 1},
        ]),
    ], after_mode)
    assert report.dropped_cycles == 1  # tOp3 -> tOp1 would close Introduction -> Basic -> Injection
    assert report.left_out == ("2 edges not leading to a topic",)


@pytest.mark.parametrize("name", ["awesome-list.md", "curriculum.md", "roadmap-sh.json"])
def test_output_loads_with_mlpaths_own_loader(tmp_path, name):
    result = convert.convert((DATA / name).read_text(encoding="utf-8"), name)
    path = tmp_path / "out.yaml"
    path.write_text(result.text, encoding="utf-8")
    loaded = roadmap.load(path)
    assert len(loaded.resources) == result.report.resources > 0
    assert len(loaded.stages) == result.report.stages


def ids_by_url(text: str) -> dict[str, str]:
    data = yaml.safe_load(convert.convert(text, "list.md").text)
    return {r["url"]: r["id"] for s in data["stages"] for r in s["resources"]}


def test_reimport_after_lines_added_removed_and_reordered_keeps_ids():
    lines = [f"- [Resource number {n}](https://example.org/r/{n}) - about topic {n}" for n in range(40)]
    lines += ["- [Intro](https://example.org/intro-a)", "- [Intro](https://example.org/intro-b)"]
    before = ids_by_url("# List\n\n## One\n\n" + "\n".join(lines[:20]) + "\n\n## Two\n\n" + "\n".join(lines[20:]))
    edited = lines[5:]  # five removed
    edited.reverse()  # the rest reordered
    edited.insert(10, "- [A brand new one](https://example.org/new)")  # one added
    edited.insert(3, "- [Intro](https://example.org/intro-c)")  # a third clash on a title that already clashed
    after = ids_by_url("# List\n\n## Renamed section\n\n" + "\n".join(edited))
    kept = {url: rid for url, rid in before.items() if url in after}
    assert len(kept) == len(before) - 5
    assert {url: after[url] for url in kept} == kept
    assert after["https://example.org/new"] == "a-brand-new-one"
    assert len(set(after.values())) == len(after)


def test_same_titles_get_distinct_ids_from_their_links_and_stage_ids_avoid_resource_ids():
    text = ("# T\n\n## Glossary\n\n- [Glossary](https://a.example/glossary)\n- [Intro](https://a.example/1)\n"
            "- [Intro](https://b.example/1)\n")
    data = yaml.safe_load(convert.convert(text, "t.md", stage_level=2).text)
    ids = [r["id"] for r in data["stages"][0]["resources"]]
    assert ids[0] == "glossary" and data["stages"][0]["id"] == "glossary-section"
    assert ids[1].startswith("intro-") and ids[2].startswith("intro-") and ids[1] != ids[2]
    assert all(ID_PATTERN.match(i) for i in ids)


def test_version_is_kept_when_nothing_changed_and_bumped_when_something_did():
    source = (DATA / "awesome-list.md").read_text(encoding="utf-8")
    first = convert.convert(source, "awesome-list.md")
    same = convert.convert(source, "awesome-list.md", previous=first.text)
    assert (same.report.version, same.report.changed, same.text) == (1, False, first.text)
    edited = convert.convert(source + "\n## More\n\n- [New](https://example.org/new)\n", "awesome-list.md",
                             previous=first.text)
    assert (edited.report.version, edited.report.changed) == (2, True)
    garbled = convert.convert(source, "awesome-list.md", previous=convert.HEADER + "x\nnot: [a roadmap")
    assert garbled.report.version == 1


@pytest.mark.parametrize("previous", ["version: 3\ntitle: Mine\nstages: []\n", "# Awesome list\n- [x](https://x.y)\n"])
def test_a_file_not_written_by_an_import_is_never_replaced(previous):
    with pytest.raises(ConvertFailed, match=re.escape("mine.yaml exists and was not written by `mlpath roadmap")):
        convert.convert((DATA / "awesome-list.md").read_text(encoding="utf-8"), "awesome-list.md",
                        previous=previous, output="mine.yaml")


def test_stage_level_can_be_chosen():
    data, report = converted("awesome-list.md", stage_level=3)
    assert report.stage_level == 3
    assert [s["id"] for s in data["stages"]] == ["books", "courses", "free-courses", "videos-and-lectures", "papers"]
    data, _ = converted("awesome-list.md", stage_level=1)
    assert [s["title"] for s in data["stages"]] == ["Awesome Deep Learning"]


@pytest.mark.parametrize(("url", "title", "context", "heading", "kind"), [
    ("https://arxiv.org/abs/1706.03762", "Attention", "", "", "paper"),
    ("https://doi.org/10.1007/978-3-319-63913-0", "An Introduction to ML", "", "Books", "paper"),
    ("https://youtu.be/abc", "Talk", "", "Papers", "video"),
    ("https://www.coursera.org/learn/x", "X", "", "", "course"),
    ("https://cs.example.edu/courses/cs101/", "CS101", "", "", "course"),
    ("https://www.manning.com/books/x", "X", "", "", "book"),
    ("https://podcasts.apple.com/us/podcast/x/id1", "X", "", "", "podcast"),
    ("https://example.org/show", "The X Podcast", "", "", "podcast"),
    ("https://github.com/owner/repo", "A library", "", "Books", "tool"),
    ("https://github.com/owner/repo", "A tutorial in notebooks", "", "", "tutorial"),
    ("https://example.org/post", "A blog post", "", "", "article"),
    ("https://example.org/post", "A blog post", "", "Videos", "video"),
    ("https://www.kaggle.com/datasets/x/y", "Y", "", "", "dataset"),
])
def test_kind_is_inferred_from_link_then_words_then_heading(url, title, context, heading, kind):
    assert convert.infer_kind(url, title, context, heading) == kind


def test_prerequisites_are_found_loosely_and_unknown_ones_stay_in_the_note(after_mode):
    text = """# Curriculum

## Core programming

Courses | Duration | Effort | Prerequisites | Discussion
:-- | :--: | :--: | :--: | :--:
[How to Code - Simple Data](https://www.edx.org/course/htc-1) | 7 weeks | 8-10 hours/week | none | [chat](https://discord.gg/a)
[How to Code - Complex Data](https://www.edx.org/course/htc-2) | 6 weeks | 8-10 hours/week | How to Code: Simple Data | [chat](https://discord.gg/b)

## Core math

Courses | Duration | Effort | Prerequisites
:-- | :--: | :--: | :--:
[Calculus 1A: Differentiation](https://example.org/calc-1a) | 13 weeks | 6-10 hours/week | [high school math](https://www.khanacademy.org/math)
[Calculus 1B: Integration](https://example.org/calc-1b) | 13 weeks | 5-10 hours/week | Calculus 1A
[Discrete Math](https://example.org/discrete) | 4 weeks | 5 hours/week | Core programming, Calculus

## Electives

- [Proofs](https://example.org/proofs) - after the Core math.
"""
    data = yaml.safe_load(convert.convert(text, "c.md", stage_level=2).text)
    ids_by_title = {r["title"]: r["id"] for s in data["stages"] for r in s["resources"]}
    resources = {r["id"]: r for s in data["stages"] for r in s["resources"]}
    assert prerequisites(resources["how-to-code-complex-data"], ids_by_title) == ["how-to-code-simple-data"]
    assert prerequisites(resources["calculus-1b-integration"], ids_by_title) == ["calculus-1a-differentiation"]
    assert resources["calculus-1a-differentiation"]["note"] == \
        "Duration: 13 weeks; Effort: 6-10 hours/week (prerequisites: high school math)"
    discrete = resources["discrete-math"]
    if after_mode == "after-field":
        assert discrete["after"] == ["core-programming"]  # a stage's title names the stage
    assert "(prerequisites: Calculus)" in discrete["note"]  # the start of two titles: no guess
    assert "chat" not in resources["how-to-code-simple-data"]["note"]


@pytest.mark.parametrize(("duration", "effort", "hours"), [
    ("8 weeks", "6 hours/week", 48),
    ("8 weeks", "4-6 hours per week", 40),
    ("3 months", "2 h/wk", 26),
    ("20 hours", "-", 20),
    ("90 min", "", 1.5),
    ("35 lectures", "90 minutes/lecture", 52.5),
    ("6 weeks", "", 30),  # no effort: 5 h a week, said in the report
])
def test_table_durations_and_efforts_make_hours(duration, effort, hours):
    text = (f"# T\n\n| Course | Duration | Effort |\n|--|--|--|\n"
            f"| [C](https://example.org/c) | {duration} | {effort} |\n")
    data = yaml.safe_load(convert.convert(text, "t.md").text)
    assert data["stages"][0]["resources"][0]["hours"] == hours


# ------------------------------------------------------------------------------------------
# Hostile and odd input: a valid roadmap or one clear ConvertFailed, never anything else

def convert_or_fail(text: str, name: str = "x.md") -> dict[str, Any] | str:
    try:
        result = convert.convert(text, name)
    except ConvertFailed as exc:
        assert "\n" not in exc.message
        return exc.message
    roadmap.parse(roadmap.RoadmapFile(name, result.text.encode("utf-8")))  # raises if it would not load
    data: dict[str, Any] = yaml.safe_load(result.text)
    return data


def test_no_headings_is_one_stage_named_after_the_file():
    data = convert_or_fail("- [A](https://a.example)\n- [B](https://b.example)\n", "my-reading_list.md")
    assert isinstance(data, dict)
    assert [s["title"] for s in data["stages"]] == ["My reading list"]


@pytest.mark.parametrize("text", ["", "# Title\n\nJust prose, no links at all.\n", "- [toc](#a)\n- [rel](docs/a.md)\n",
                                  "<div><a href='https://example.org'>html only</a></div>\n", "\x00\x01\x02"])
def test_nothing_to_import_is_one_clear_line(text):
    assert convert_or_fail(text) == "x.md has no links to import"


def test_links_with_control_characters_are_cleaned_or_left_out():
    text = ("# T\n\n- [Bad\x07 \x1b[31mtitle\u202e](https://example.org/a\x00b) note\x0b here\n"
            "- [Ok](https://example.org/ok)\n- [Space](https://example.org/a b)\n")
    data = convert_or_fail(text)
    assert isinstance(data, dict)
    resources = data["stages"][0]["resources"]
    assert all(not re.search(r"[\x00-\x1f\x7f\u202e]", str(v)) for r in resources for v in r.values())
    assert "https://example.org/ok" in [r.get("url") for r in resources]


def test_lists_nested_twenty_deep_keep_every_level():
    lines = [f"{'  ' * depth}- [Level {depth}](https://example.org/{depth})" for depth in range(20)]
    data = convert_or_fail("# Deep\n\n" + "\n".join(lines) + "\n")
    assert isinstance(data, dict)
    assert len(data["stages"][0]["resources"]) == 20


def test_fifty_thousand_lines_convert():
    lines = []
    for n in range(50_000):
        if n % 2500 == 0:
            lines.append(f"## Part {n // 2500}")
        elif n % 25 == 0:
            lines.append(f"\n- [Item {n}](https://example.org/{n}) words")
        else:
            lines.append("" if n % 7 == 0 else f"Prose line {n} with *emphasis*, `code` and <b>html</b>.")
    data = convert_or_fail("\n".join(lines))
    assert isinstance(data, dict)
    assert len(data["stages"]) == 20
    assert sum(len(s["resources"]) for s in data["stages"]) == 2000 - 20


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "x.json is not a roadmap.sh roadmap: not valid JSON"),
    ("[1, 2]", "x.json is not a roadmap.sh roadmap: no list of nodes"),
    ('{"nodes": "many"}', "x.json is not a roadmap.sh roadmap: no list of nodes"),
    ('{"nodes": [1, null, {"id": "a", "type": "topic"}], "edges": 5}', "x.json has no topics to import"),
    ("[" * 100_000, "x.json is not a roadmap.sh roadmap: not valid JSON"),
])
def test_broken_roadmap_sh_json_is_one_clear_line(text, message):
    outcome = convert_or_fail(text, "x.json")
    assert isinstance(outcome, str) and outcome.startswith(message)


def test_roadmap_sh_json_with_odd_values_still_converts():
    nodes: list[Any] = [
        {"id": "a", "type": "topic", "data": {"label": "A"}, "position": {"x": "left", "y": float("nan")}},
        {"id": 7, "type": "subtopic", "data": {"label": "B", "href": "javascript:alert(1)"}, "parentId": "zz"},
        {"id": "c", "type": "topic", "data": {"label": "C"}, "parentId": "c"},
        {"id": "g", "type": "section", "data": "oops", "width": -5},
    ]
    edges = [{"source": "a", "target": 7}, {"source": "c", "target": "c"}, "junk"]
    data = convert_or_fail(json.dumps({"nodes": nodes, "edges": edges}).replace("NaN", "1e999"), "x.json")
    assert isinstance(data, dict)
    resources = [r for s in data["stages"] for r in s["resources"]]
    assert [r["title"] for r in resources] == ["A", "B", "C"] and all("url" not in r for r in resources)


MARKDOWNISH = st.lists(
    st.one_of(
        st.sampled_from(["# ", "## ", "### ", "- ", "  - ", "1. ", "| ", " | ", "|--|--|", "> ", "```", "<div>",
                         "[", "](", ")", "![", "https://", "http://x.org/", "#a", "\n", "\n\n", "*", "`", "\\"]),
        st.text(max_size=12),
    ),
    max_size=60,
).map("".join)


@given(MARKDOWNISH)
@settings(max_examples=150, deadline=None)
def test_any_markdownish_text_gives_a_roadmap_or_one_line(text):
    convert_or_fail(text)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                        st.sampled_from(["nodes", "edges", "id", "type", "data", "label", "position", "x", "y",
                                         "source", "target", "parentId", "checklists", "href", "width", "height"]),
                        inner, max_size=5),
                    max_leaves=30))
@settings(max_examples=150, deadline=None)
def test_any_json_gives_a_roadmap_or_one_line(value):
    convert_or_fail(json.dumps({"nodes": value} if not isinstance(value, dict) else value), "x.json")
