"""The roadmap loader: the bundled roadmap, and a table of broken roadmaps with their messages."""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from pathlib import Path

import pytest
import yaml

from mlpath import roadmap
from mlpath.errors import RoadmapInvalid, RoadmapNotFound

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data" / "roadmap.yaml"


@pytest.fixture(scope="module")
def bundled() -> roadmap.Roadmap:
    return roadmap.load()


def test_bundled_roadmap_validates_and_has_six_stages_in_primer_order(bundled):
    assert [s.id for s in bundled.stages] == ["math", "intro-ml", "projects", "advanced", "ethics", "papers-people"]
    assert bundled.title == "Machine Learning for Engineers"
    assert "December 2022" in (bundled.source or "")
    assert all(s.summary for s in bundled.stages)


def test_bundled_counts_per_stage_match_the_file(bundled):
    raw = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    assert [len(s.resources) for s in bundled.stages] == [len(s["resources"]) for s in raw["stages"]]
    assert len(bundled.resources) > 120


def test_bundled_ids_are_unique_slugs_and_numbers_follow_order(bundled):
    ids = [r.id for r in bundled.resources]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)
    for stage in bundled.stages:
        expected = [f"{stage.number}.{k}" for k in range(1, len(stage.resources) + 1)]
        assert [r.number for r in stage.resources] == expected


def test_bundled_content_is_complete_enough_to_trust(bundled):
    resources = bundled.resources
    assert all(r.hours > 0 for r in resources)
    assert all(r.note for r in resources), "every resource carries the primer's guidance"
    with_url = [r for r in resources if r.url]
    assert len(with_url) > len(resources) * 0.7
    assert all(r.url.startswith(("http://", "https://")) for r in with_url)
    groups = Counter(r.choose_one for r in resources if r.choose_one)
    assert groups["cloud-notebooks"] == 2
    assert 0.2 < sum(r.core for r in resources) / len(resources) < 0.5


@pytest.mark.parametrize(
    "title_fragment",
    [
        "Mathematics for Machine Learning",
        "Deep Learning with Python, 2nd edition",
        "Artificial Intelligence: A Modern Approach",
        "Sequence to Sequence Learning with Neural Networks",
        "Reinforcement Learning: An Introduction",
        "Asilomar",
        "Beijing",
        "Lex Fridman",
        "TWIML",
        "KD",
    ],
)
def test_bundled_holds_primer_items(bundled, title_fragment):
    assert any(title_fragment.lower() in r.title.lower() for r in bundled.resources)


def test_bundled_core_path_follows_the_primers_advice(bundled):
    """Hinton's course is 'not a good first DL class, but a third or fourth one'; podcasts are extras."""
    by_id = {r.id: r for r in bundled.resources}
    intro = next(s for s in bundled.stages if s.id == "intro-ml")
    hinton = by_id["hinton-nn-for-ml"]
    assert hinton not in intro.resources and not hinton.core
    assert "third or fourth" in hinton.note
    assert [r.id for r in bundled.resources if r.kind == "podcast" and r.core] == []


def test_bundled_links_use_https_where_the_site_offers_it(bundled):
    by_id = {r.id: r for r in bundled.resources}
    upgraded = ["mccormick-skip-gram", "mccormick-negative-sampling", "wildml-attention-and-memory",
                "illustrated-transformer", "transformers-from-scratch", "illustrated-bert",
                "sutton-barto-rl-book", "pearl-causality-books", "kamath-differential-privacy",
                "cmu-truth-justice-algorithms"]
    assert [i for i in upgraded if not by_id[i].url.startswith("https://")] == []
    assert all(by_id[i].url for i in ("primer-part-1-less-technical", "kubat-intro-ml", "stanford-cs182-ethics"))


def test_bundled_kinds_cover_the_primer_variety(bundled):
    kinds = {r.kind for r in bundled.resources}
    assert {"book", "course", "paper", "video", "article", "tutorial", "podcast", "newsletter", "person"} <= kinds


def test_flow_style_resources_load(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text(
        "version: 2\ntitle: T\nstages:\n  - id: s\n    title: S\n    resources:\n"
        "      - {id: a1, title: A thing, kind: book, core: true, hours: 5}\n"
        "      - {id: a2, title: Another, kind: video, hours: 0.5, authors: [X, Y]}\n"
    )
    loaded = roadmap.load(path)
    assert loaded.version == 2
    first, second = loaded.resources
    assert (first.id, first.core, first.hours) == ("a1", True, 5.0)
    assert (second.core, second.hours, second.authors) == (False, 0.5, ("X", "Y"))
    assert second.number == "1.2"


GOOD_STAGE = """\
version: 1
title: T
stages:
  - id: s
    title: S
    resources:
"""

# (name, resources/extra YAML appended to GOOD_STAGE, expected fragment, expected line)
BROKEN = [
    ("unknown key", "      - {id: a, tittle: A, title: A, kind: book, hours: 1}\n", "unknown key 'tittle'", 7),
    ("missing key", "      - {id: a, kind: book, hours: 1}\n", "missing required key 'title'", 7),
    ("unknown kind", "      - {id: a, title: A, kind: blog, hours: 1}\n", "unknown kind 'blog'", 7),
    ("zero hours", "      - {id: a, title: A, kind: book, hours: 0}\n", "must be a positive number", 7),
    ("negative hours", "      - {id: a, title: A, kind: book, hours: -3}\n", "must be a positive number", 7),
    ("text hours", "      - {id: a, title: A, kind: book, hours: lots}\n", "must be a number", 7),
    ("bad url", "      - {id: a, title: A, kind: book, hours: 1, url: ftp://x.org}\n", "must start with http", 7),
    ("bad slug", "      - {id: Deep_Book, title: A, kind: book, hours: 1}\n", "is not a slug", 7),
    (
        "duplicate resource",
        "      - {id: a, title: A, kind: book, hours: 1}\n      - {id: a, title: B, kind: book, hours: 1}\n",
        "duplicate resource id 'a' (first at line 7)",
        8,
    ),
    (
        "single-member group",
        "      - {id: a, title: A, kind: book, hours: 1, choose_one: solo}\n",
        "choose_one group 'solo' has a single member",
        7,
    ),
    ("core not bool", "      - {id: a, title: A, kind: book, hours: 1, core: maybe}\n", "core of resource a", 7),
    ("authors not list", "      - {id: a, title: A, kind: book, hours: 1, authors: Bob}\n", "list of names", 7),
    ("empty stage", "      []\n", "stage s is empty", 7),
    ("after unknown id", "      - {id: a, title: A, kind: book, hours: 1, after: [nothing-here]}\n",
     "after of resource a: no resource or stage 'nothing-here'", 7),
    ("after not a list", "      - {id: a, title: A, kind: book, hours: 1, after: b}\n",
     "after of resource a must be a list of resource or stage ids", 7),
    ("after itself", "      - {id: a, title: A, kind: book, hours: 1, after: [a]}\n",
     "after makes a cycle, nothing in it could start: a -> a", 7),
    (
        "after cycle",
        "      - {id: a, title: A, kind: book, hours: 1, after: [b]}\n"
        "      - {id: b, title: B, kind: book, hours: 1, after: [a]}\n",
        "after makes a cycle, nothing in it could start: a -> b -> a",
        7,
    ),
    (
        "stage after cycle",
        "      - {id: a, title: A, kind: book, hours: 1, core: true, after: [t]}\n"
        "  - id: t\n    title: T\n    resources:\n      - {id: b, title: B, kind: book, hours: 1}\n",
        "after makes a cycle",  # t waits for stage s (the previous one), whose core waits for t
        7,
    ),
    (
        "duplicate stage",
        "      - {id: a, title: A, kind: book, hours: 1}\n  - id: s\n    title: S2\n    resources:\n"
        "      - {id: b, title: B, kind: book, hours: 1}\n",
        "duplicate stage id 's'",
        8,
    ),
]


@pytest.mark.parametrize(("name", "body", "fragment", "line"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_roadmaps_name_the_problem_and_line(tmp_path, name, body, fragment, line):
    path = tmp_path / "broken.yaml"
    path.write_text(GOOD_STAGE + body)
    with pytest.raises(RoadmapInvalid) as info:
        roadmap.load(path)
    matching = [p for p in info.value.problems if fragment in p]
    assert matching, info.value.problems
    assert matching[0].startswith(f"{path}:{line}: ")


def test_invalid_yaml_reports_yamls_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\ntitle: [unclosed\nstages: []\n")
    with pytest.raises(RoadmapInvalid) as info:
        roadmap.load(path)
    (problem,) = info.value.problems
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: not valid YAML", problem)


def test_every_problem_is_reported_at_once(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            version: one
            title: T
            colour: blue
            stages:
              - id: s
                title: S
                resources:
                  - {id: a, title: A, kind: blog, hours: 0}
                  - {id: B, title: B, kind: book, hours: 1, url: nope}
            """
        )
    )
    with pytest.raises(RoadmapInvalid) as info:
        roadmap.load(path)
    text = "\n".join(info.value.problems)
    for fragment in ("version must be", "unknown key 'colour'", "unknown kind 'blog'", "positive number",
                     "is not a slug", "must start with http"):
        assert fragment in text
    assert len(info.value.problems) == 6


def test_top_level_problems(tmp_path):
    path = tmp_path / "top.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(RoadmapInvalid, match="not a valid roadmap"):
        roadmap.load(path)
    path.write_text("")
    with pytest.raises(RoadmapInvalid):
        roadmap.load(path)
    path.write_text("version: 1\ntitle: T\n")
    with pytest.raises(RoadmapInvalid) as info:
        roadmap.load(path)
    assert any("missing required key 'stages'" in p for p in info.value.problems)


def test_missing_roadmap_file_is_a_clear_error(tmp_path):
    with pytest.raises(RoadmapNotFound, match="does not exist"):
        roadmap.load(tmp_path / "nope.yaml")
    with pytest.raises(RoadmapNotFound, match="is a directory"):
        roadmap.load(tmp_path)


def test_digest_changes_with_content_not_with_loading(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    assert roadmap.read_source(path).digest == roadmap.read_source(None).digest
    path.write_bytes(BUNDLED.read_bytes() + b"\n# edited\n")
    assert roadmap.read_source(path).digest != roadmap.read_source(None).digest


def test_every_bundled_url_has_recorded_evidence(bundled):
    """Links are never guessed: each one was confirmed with the search tools, and says how."""
    evidence = {}
    for line in (REPO / "data" / "url-evidence.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rid, url, how = line.split("\t", 2)
            evidence[rid] = (url, how)
    with_url = {r.id: r.url for r in bundled.resources if r.url}
    assert set(evidence) == set(with_url)
    assert all(evidence[rid][0] == url and evidence[rid][1].strip() for rid, url in with_url.items())


def test_diff_says_what_a_roadmap_change_adds_changes_and_retires():
    stored = {
        "same": {"id": "same", "title": "S", "position": 1, "retired": 0},
        "moved": {"id": "moved", "title": "M", "position": 2, "retired": 0},
        "edited": {"id": "edited", "title": "old title", "position": 3, "retired": 0},
        "back": {"id": "back", "title": "B", "position": 4, "retired": 1},
        "gone": {"id": "gone", "title": "G", "position": 5, "retired": 0},
        "long-gone": {"id": "long-gone", "title": "L", "position": 6, "retired": 1},
    }
    new = {
        "same": {"id": "same", "title": "S", "position": 1, "retired": 0},
        "moved": {"id": "moved", "title": "M", "position": 9, "retired": 0},
        "edited": {"id": "edited", "title": "new title", "position": 3, "retired": 0},
        "back": {"id": "back", "title": "B", "position": 4, "retired": 0},
        "fresh": {"id": "fresh", "title": "F", "position": 7, "retired": 0},
    }
    columns = ("id", "title", "position", "retired")
    rows = {rid: tuple(row[c] for c in columns) for rid, row in new.items()}
    assert roadmap.diff(rows, (tuple(row[c] for c in columns) for row in stored.values()), columns) == (
        ("fresh",), ("edited", "back"), ("gone",))


def test_after_on_a_stage_applies_to_its_resources_unless_they_say_otherwise(tmp_path):
    path = tmp_path / "after.yaml"
    path.write_text(GOOD_STAGE + "      - {id: a, title: A, kind: book, hours: 1, core: true}\n"
                    "      - {id: b, title: B, kind: book, hours: 1}\n"
                    "  - id: t\n    title: T\n    after: [a]\n    resources:\n"
                    "      - {id: c, title: C, kind: book, hours: 1}\n"
                    "      - {id: d, title: D, kind: book, hours: 1, after: [s, b]}\n"
                    "  - id: u\n    title: U\n    resources:\n      - {id: e, title: E, kind: book, hours: 1}\n")
    after = {r.id: r.after for r in roadmap.load(path).resources}
    assert after == {"a": None, "b": None, "c": ("a",), "d": ("s", "b"), "e": None}
    graph = roadmap.prerequisite_graph(roadmap.load(path).stages)
    # a stage stands for its core path through one node (all its resources when none is core)
    assert graph == {"stage s": ["a"], "stage t": ["c", "d"], "stage u": ["e"], "a": [], "b": [], "c": ["a"],
                     "d": ["stage s", "b"], "e": ["stage t"]}


def test_bundled_after_lists_let_projects_start_with_the_first_course(bundled):
    projects = next(s for s in bundled.stages if s.id == "projects")
    assert projects.after == ("math", "ng-ml-coursera")
    assert not roadmap.find_cycle(roadmap.prerequisite_graph(bundled.stages))


# ---------------------------------------------------------------- streaming
# The loader builds parser nodes one resource at a time and checks each resource as its text is
# read; what an alias could repeat (anchored lists and stages) is kept whole and checked at the end.
# Both paths, and both parsers (libyaml's and PyYAML's own), must give the same roadmap and problems.

needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")


def outcome(text: str, monkeypatch: pytest.MonkeyPatch, libyaml: bool = True) -> object:
    """The roadmap text makes, or the problems it is refused with, using one parser."""
    with monkeypatch.context() as patch:
        patch.setattr(yaml, "__with_libyaml__", libyaml)
        try:
            return roadmap.parse(roadmap.RoadmapFile("r.yaml", text.encode("utf-8")))
        except RoadmapInvalid as exc:
            return exc.problems


def many(count: int, broken_every: int = 0) -> str:
    """A roadmap of three stages and count resources; every broken_every-th one has an unknown kind."""
    lines = ["version: 1", "title: Many", "stages:"]
    for n in range(count):
        if n % (count // 3) == 0 and n // (count // 3) < 3:
            lines += [f"  - id: s{n}", f"    title: Stage {n}", "    resources:"]
        kind = "blog" if broken_every and n % broken_every == broken_every - 1 else "book"
        lines.append(f"      - {{id: r{n}, title: Resource {n}, kind: {kind}, hours: {1 + n % 7}, core: {n % 2 == 0}}}")
    return "\n".join(lines) + "\n"


HOSTILE = {
    "python tag": "version: 1\ntitle: !!python/object/apply:os.system ['true']\nstages: []\n",
    "tag in a resource": GOOD_STAGE + "      - {id: a, title: A, kind: book, hours: 1, note: !x y}\n",
    "recursive alias": "version: 1\ntitle: T\nstages: &s\n  - id: a\n    title: A\n    resources: *s\n",
    "recursive resource": GOOD_STAGE + "      - &r {id: a, title: A, kind: book, hours: 1, note: *r}\n",
    "alias bomb": GOOD_STAGE + "      - {id: a, title: A, kind: book, hours: 1, note: &n '" + "x" * 300_000 + "'}\n"
    + "".join(f"      - {{id: r{i}, title: R, kind: book, hours: 1, note: *n}}\n" for i in range(4)),
    "undefined alias": GOOD_STAGE + "      - {id: a, title: A, kind: book, hours: 1, note: *nothing}\n",
    "two documents": GOOD_STAGE + "      - {id: a, title: A, kind: book, hours: 1}\n---\nx: 1\n",
    "nested too deep": GOOD_STAGE + "      - {id: a, title: A, kind: book, hours: 1, note: " + "[" * 1200 + "]" * 1200
    + "}\n",
}


@needs_libyaml
@pytest.mark.parametrize("text", [GOOD_STAGE + body for _, body, _, _ in BROKEN] + list(HOSTILE.values()) + [
    many(300, broken_every=37), BUNDLED.read_text(encoding="utf-8")], ids=[b[0] for b in BROKEN] + list(HOSTILE)
    + ["300 resources", "bundled"])
def test_libyaml_and_pyyaml_give_the_same_roadmap_or_problems(monkeypatch, text):
    assert outcome(text, monkeypatch, libyaml=True) == outcome(text, monkeypatch, libyaml=False)


def test_graph_problems_win_over_everything_checked_before_them(monkeypatch):
    """A tag, a recursive alias or the alias budget is the one problem reported, even when resources
    before it were checked (and found wrong) as they streamed."""
    wrong_first = GOOD_STAGE + "      - {id: a, title: A, kind: blog, hours: 1}\n"
    for name in ("tag in a resource", "recursive resource", "alias bomb"):
        problems = outcome(wrong_first + HOSTILE[name][len(GOOD_STAGE):], monkeypatch)
        assert isinstance(problems, list) and len(problems) == 1 and "blog" not in problems[0], (name, problems)
    (bomb,) = outcome(HOSTILE["alias bomb"], monkeypatch)
    assert bomb.startswith("r.yaml:7: the node anchored here is repeated through aliases until the roadmap would hold")


def test_a_yaml_error_late_in_the_file_wins_over_problems_found_before_it(monkeypatch):
    text = many(300, broken_every=7) + "      - {id: z, title: [unclosed\n"
    (problem,) = outcome(text, monkeypatch)
    assert re.match(r"r\.yaml:\d+:\d+: not valid YAML", problem)


@pytest.mark.parametrize("anchor", ["stage list", "resource lists", "a stage"])
def test_what_an_alias_could_repeat_is_checked_whole_with_the_same_result(monkeypatch, anchor):
    text = many(100, broken_every=9)
    lists = iter(range(10))
    anchored = {
        "stage list": text.replace("stages:\n", "stages: &all\n"),
        "resource lists": re.sub("resources:\n", lambda _: f"resources: &list{next(lists)}\n", text),
        "a stage": text.replace("  - id: s33\n", "  - &middle\n    id: s33\n"),  # one line more
    }[anchor]
    inserted = 4 + 33 + 3 if anchor == "a stage" else None  # the line the anchor was put on

    def as_streamed(problem: str) -> str:
        name, line, rest = problem.split(":", 2)
        return f"{name}:{int(line) - 1 if inserted and int(line) > inserted else line}:{rest}"

    streamed = outcome(text, monkeypatch)
    assert isinstance(streamed, list) and len(streamed) == 100 // 9
    assert [as_streamed(p) for p in outcome(anchored, monkeypatch)] == streamed


def test_a_stage_id_after_its_resources_names_them_the_same(monkeypatch):
    first = GOOD_STAGE.replace("  - id: s\n    title: S\n", "  - title: S\n    id: s\n")
    last = GOOD_STAGE.replace("  - id: s\n    title: S\n", "  - title: S\n    # the id comes last\n")
    body = "      - {id: a, title: A, kind: blog, hours: 1}\n      - {id: Bad, title: B, kind: book, hours: 1}\n"
    assert outcome(first + body, monkeypatch) == outcome(last + body + "    id: s\n", monkeypatch) == [
        "r.yaml:7: unknown kind 'blog' for resource a (one of: " + ", ".join(roadmap.KINDS) + ")",
        "r.yaml:8: id 'Bad' of resource 2 of stage s is not a slug (lowercase letters, digits and single dashes)"]


def test_only_the_first_stages_and_resources_keys_count(monkeypatch):
    text = (GOOD_STAGE + "      - {id: a, title: A, kind: book, hours: 1}\n"
            "    resources:\n      - {id: B, title: B, kind: blog, hours: 1}\n"
            "stages:\n  - id: t\n    title: T\n    resources:\n      - {id: C, title: C, kind: blog, hours: 1}\n")
    # the roadmap's own keys are reported before its stages' problems, as they always were
    assert outcome(text, monkeypatch) == ["r.yaml:10: duplicate key 'stages' in the roadmap",
                                          "r.yaml:8: duplicate key 'resources' in stage 1"]


def test_aliases_between_resources_are_read_as_written(monkeypatch):
    text = GOOD_STAGE + ("      - &first {id: a, title: &t Shared title, kind: book, hours: 1, authors: &who [X, Y]}\n"
                         "      - {id: b, title: *t, kind: video, hours: 2, authors: *who}\n")
    loaded = outcome(text, monkeypatch)
    assert isinstance(loaded, roadmap.Roadmap)
    assert [(r.id, r.title, r.authors) for r in loaded.resources] == [
        ("a", "Shared title", ("X", "Y")), ("b", "Shared title", ("X", "Y"))]
    # a repeated resource is the node it repeats, line and all
    assert outcome(text + "      - *first\n", monkeypatch) == [
        "r.yaml:7: duplicate resource id 'a' (first at line 7)"]


def test_many_resources_stream_with_every_problem_in_file_order(monkeypatch):
    loaded = outcome(many(3000), monkeypatch)
    assert isinstance(loaded, roadmap.Roadmap)
    assert [len(s.resources) for s in loaded.stages] == [1000, 1000, 1000]
    assert [r.position for r in loaded.stages[1].resources[:3]] == [1, 2, 3]
    problems = outcome(many(3000, broken_every=500), monkeypatch)
    # resource n is on line n + 1 after the 3 lines of the roadmap's head and 3 per stage up to its own
    assert [p.split(":")[1] for p in problems] == [str(n + 1 + 3 + 3 * (n // 1000 + 1)) for n in range(499, 3000, 500)]


def test_nesting_past_libyamls_limit_is_refused_by_either_parser(monkeypatch):
    """libyaml stops at 1,000 levels; PyYAML's own parser has no limit, so the loader keeps the same one."""
    text = GOOD_STAGE + "      - {id: a, title: A, kind: book, hours: 1, note: " + "[" * 5000 + "]" * 5000 + "}\n"
    for libyaml in [False] + ([True] if yaml.__with_libyaml__ else []):
        (problem,) = outcome(text, monkeypatch, libyaml=libyaml)
        assert re.fullmatch(r"r\.yaml:7:\d+: not valid YAML: exceeded maximum nesting depth", problem)


def test_a_resources_parser_nodes_are_dropped_once_it_is_checked(monkeypatch):
    """What lets 100,000 resources load in little memory: when a resource is checked, the nodes of
    those before it are gone (only their results are kept)."""
    import weakref

    check, nodes, alive = roadmap._Checker.check_resource, [], []

    def watched(self, node, *args):
        alive.append(sum(ref() is not None for ref in nodes))
        nodes.append(weakref.ref(node))
        return check(self, node, *args)

    monkeypatch.setattr(roadmap._Checker, "check_resource", watched)
    assert isinstance(outcome(many(300), monkeypatch), roadmap.Roadmap)
    assert len(nodes) == 300 and max(alive) == 0
