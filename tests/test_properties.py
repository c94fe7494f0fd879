"""Property tests with hostile input: ids, notes and titles with any unicode, random roadmaps."""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gfm import check_export, listed_items
from mlpath import backup, roadmap
from mlpath.export import Tick, markdown, parse_checklist
from mlpath.habits import Note, Session
from mlpath.progress import Event, Item, StageInfo, Status
from mlpath.spaced import Answer

SLUGS = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=300)
HOSTILE = st.one_of(
    ANY_TEXT,
    st.lists(st.sampled_from(["\n", "\r\n", "- [x] ", "`", "<script>", "]", "(", "|", "#", "&amp;", "\\", "*",
                              "\u2028", "\x00", "x" * 2000, "é", "🧠"]), min_size=1, max_size=12).map("".join),
)
STAMPS = st.datetimes(min_value=__import__("datetime").datetime(2000, 1, 1),
                      max_value=__import__("datetime").datetime(2099, 1, 1)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
DAYS = st.dates(min_value=__import__("datetime").date(1970, 1, 1),
                max_value=__import__("datetime").date(2100, 12, 31)).map(str)
# What a YAML file may hold: printable characters of any script (YAML forbids control characters).
YAML_TEXT = st.text(st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=200).filter(str.strip)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def items(draw):
    ids = draw(st.lists(SLUGS, min_size=1, max_size=12, unique=True))
    out = []
    for n, rid in enumerate(ids):
        status = draw(st.sampled_from(list(Status)))
        out.append(Item(id=rid, stage_id="s", stage_number=1, position=n + 1, title=draw(HOSTILE), kind="book",
                        core=draw(st.booleans()), hours=1, status=status,
                        url=draw(st.one_of(st.none(), st.just("https://example.org/a_(b) c"))),
                        done_at="2026-01-01T00:00:00Z" if status is Status.done else None,
                        done_note=draw(st.one_of(st.none(), HOSTILE)), retired=draw(st.booleans())))
    return out


@SETTINGS
@given(items(), st.data())
def test_markdown_export_always_parses_back_to_the_same_checkboxes(rows, data):
    notes = [Note(i.id, "2026-01-01T00:00:00Z", data.draw(HOSTILE)) for i in rows]
    text = markdown(data.draw(HOSTILE), [StageInfo("s", 1, data.draw(HOSTILE))], rows, "2026-01-01", notes)
    assert parse_checklist(text) == {i.id: Tick(i.status in (Status.done, Status.skipped), i.status is Status.skipped)
                                     for i in rows}
    assert sum(1 for line in text.splitlines() if line.startswith("- [")) == len(rows)
    assert "<script" not in text
    check_export(text, rows)


@st.composite
def dumps(draw):
    rid = SLUGS
    events = draw(st.lists(st.builds(Event, rid, st.sampled_from(list(Status)), STAMPS,
                                     st.one_of(st.none(), ANY_TEXT), st.one_of(st.none(), st.integers(1, 5))),
                           max_size=8))
    sessions = draw(st.lists(st.builds(Session, rid, DAYS, st.floats(0.01, 24), STAMPS,
                                       st.one_of(st.none(), ANY_TEXT)), max_size=5, unique_by=lambda s: s.day))
    notes = draw(st.lists(st.builds(Note, rid, STAMPS, ANY_TEXT), max_size=5))
    reviews = draw(st.lists(st.builds(Answer, rid, STAMPS, st.integers(1, 4)), max_size=5))
    return backup.Dump(draw(ANY_TEXT), draw(st.integers(1, 10**6)), (), tuple(events), tuple(sessions), tuple(notes),
                       tuple(reviews))


@SETTINGS
@given(dumps())
def test_json_export_then_import_is_lossless(dump):
    assert backup.parse(backup.to_json(dump, "2026-01-01T00:00:00Z"), "x.json") == dump


@SETTINGS
@given(st.text(max_size=40))
def test_any_id_on_the_command_line_never_tracebacks(run, small_roadmap, query):
    for command in (["done", query], ["show", query], ["list", query], ["next", "--stage", query]):
        if query.startswith("-"):
            command.insert(1, "--")
        result = run(*command)
        assert result.exit_code in (0, 1, 2)
        if result.exit_code == 1:
            assert result.stderr.splitlines()[-1].startswith("error: ") and "Traceback" not in result.stderr


@SETTINGS
@given(HOSTILE.filter(lambda t: t.strip() and "\x00" not in t))
def test_hostile_notes_survive_show_export_and_json(run, small_roadmap, text):
    assert run("note", "colab", "--", text).exit_code == 0
    assert run("done", "colab", "--note", text).exit_code == 0
    shown = json.loads(run("show", "colab", "--json").stdout)
    assert shown["notes"][-1]["text"] == text.strip()
    exported = run("export").stdout
    assert parse_checklist(exported)["colab"] == Tick(True, False)
    check_export(exported, [i for i in listed_items(run) if i.id == "colab"], only=True)
    assert run("reset", "colab").exit_code == 0


@st.composite
def roadmap_texts(draw):
    stages = draw(st.lists(SLUGS, min_size=1, max_size=4, unique=True))
    ids = iter(draw(st.lists(SLUGS, min_size=len(stages) * 3, max_size=len(stages) * 3, unique=True)))
    doc = {"version": draw(st.integers(1, 1000)), "title": draw(YAML_TEXT), "stages": []}
    for sid in stages:
        resources = []
        for _ in range(draw(st.integers(1, 3))):
            resources.append({"id": next(ids), "title": draw(YAML_TEXT),
                              "kind": draw(st.sampled_from(roadmap.KINDS)), "core": draw(st.booleans()),
                              "hours": draw(st.floats(0.1, 1000)),
                              "note": draw(YAML_TEXT)})
        doc["stages"].append({"id": sid, "title": draw(st.text(string.ascii_letters, min_size=1)),
                              "resources": resources})
    return json.dumps(doc, ensure_ascii=False)  # JSON is YAML too, and it quotes hostile text safely


@SETTINGS
@given(roadmap_texts())
def test_random_valid_roadmaps_load_and_seed(run, tmp_path_factory, monkeypatch, text):
    path = tmp_path_factory.mktemp("r") / "roadmap.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = roadmap.load(path)
    monkeypatch.setenv("MLPATH_DB", str(path.parent / "db" / "mlpath.db"))
    monkeypatch.setenv("MLPATH_ROADMAP", str(path))
    result = run("stages", "--json")
    assert result.exit_code == 0, result.stderr
    assert sum(s["total"] for s in json.loads(result.stdout)) == len(loaded.resources)
    assert run("export").exit_code == 0


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.sampled_from([float("inf"), -0.0]), HOSTILE, st.sampled_from(["}", "},\n    {", "{", "[]"]))
JSON_KEYS = st.one_of(HOSTILE, st.sampled_from(["id", "}", ""]))
JSON_DATA = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(JSON_KEYS, inner, max_size=5),
    st.lists(st.dictionaries(JSON_KEYS, JSON_SCALARS, max_size=4), max_size=5)), max_leaves=40)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_DATA)
def test_json_text_is_json_dumps_indented_byte_for_byte(data):
    # render.json_text has the C encoder do the work json.dumps(indent=2) does in pure Python:
    # the same text, except the control characters it escapes (tests/cli/test_hostile_output.py)
    from mlpath import render

    text = json.dumps(data, indent=2, ensure_ascii=False)
    for char in ["\x7f", *map(chr, range(0x80, 0xA0)), "\u2028", "\u2029"]:
        text = text.replace(char, f"\\u{ord(char):04x}")
    assert render.json_text(data) == text


def test_json_text_of_a_dict_with_other_keys_than_text_is_json_dumps_too():
    from mlpath import render

    for data in ({1: "a", None: [2]}, [{"a": {2.5: True}}], [{"a": 1}, {3: 4}]):
        assert render.json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)
