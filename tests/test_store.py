"""The storage module against real SQLite files in a temporary directory."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from mlpath import roadmap
from mlpath import store as store_module
from mlpath.completion import candidates as completion_candidates
from mlpath.errors import DatabaseUnavailable, NotADatabase, RoadmapInvalid, SchemaTooNew
from mlpath.progress import Status
from mlpath.store import Store

SMALL = Path(__file__).parent / "data" / "small.yaml"
AT = "2026-11-24T12:00:00Z"


def open_store(db: Path, path: Path = SMALL):
    return Store.open(db, roadmap.read_source(path), roadmap.parse)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_open_creates_and_seeds_then_reopens_quietly(db_path):
    store, info = open_store(db_path)
    assert (info.created, info.stages, info.resources) == (True, 2, 6)
    assert [s.id for s in store.stages()] == ["basics", "tools"]
    assert [i.number for i in store.items()] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3"]
    assert store.items()[0].authors == ("Sheldon Axler",)
    _, again = open_store(db_path)
    assert again.created is False and again.sync is None
    assert not [p for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_events_append_and_derive_status_and_dates(db_path):
    store, _ = open_store(db_path)
    la = store.items()[0]
    store.set_status([la], Status.doing, "2026-11-01T09:00:00Z")
    store.set_status([store.items()[0]], Status.done, AT, note="all of it")
    item = store.items()[0]
    assert (item.status, item.started_at, item.done_at, item.done_note) == (
        Status.done, "2026-11-01T09:00:00Z", AT, "all of it")
    changes = store.set_status([item], Status.done, AT)
    assert changes[0].changed is False  # already done: nothing recorded
    store.set_status([item], Status.todo, AT)
    assert [e.status for e in store.events(item.id)] == [Status.doing, Status.done, Status.todo]
    assert store.items()[0].done_at is None


def test_read_path_and_orm_agree_on_the_same_database(db_path):
    from sqlmodel import Session, create_engine, select

    from mlpath.schema import orm_models

    models = orm_models()
    EventRow, ResourceRow = models["event"], models["resource"]

    store, _ = open_store(db_path)
    store.set_status(store.items()[:2], Status.done, AT)
    store.set_status(store.items()[2:3], Status.doing, AT)
    engine = create_engine(f"sqlite:///{db_path}")
    with Session(engine) as session:
        resources = session.exec(select(ResourceRow).order_by(ResourceRow.stage_id, ResourceRow.position)).all()
        events = session.exec(select(EventRow).order_by(EventRow.id)).all()
    engine.dispose()
    latest = {}
    for e in events:
        latest[e.resource_id] = e.status
    read = {i.id: i for i in store.items()}
    assert set(read) == {r.id for r in resources}
    for r in resources:
        assert (read[r.id].title, read[r.id].hours, read[r.id].core) == (r.title, r.hours, r.core)
        assert read[r.id].status.value == latest.get(r.id, "todo")


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"my thesis, not a database\n" * 10)
    before = digest(db_path)
    with pytest.raises(NotADatabase, match="not an SQLite database"):
        open_store(db_path)
    assert digest(db_path) == before


def test_someone_elses_sqlite_database_is_refused_and_untouched(db_path):
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE notes (x)")
    conn.close()
    before = digest(db_path)
    with pytest.raises(NotADatabase, match="not an mlpath one"):
        open_store(db_path)
    assert digest(db_path) == before


def test_a_database_from_a_newer_mlpath_is_refused(db_path):
    open_store(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer mlpath"):
        open_store(db_path)


def test_unusable_paths_are_clear_errors(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="is a directory"):
        open_store(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnavailable, match="not a directory"):
        open_store(blocker / "mlpath.db")


def test_an_empty_file_is_treated_as_new(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    _, info = open_store(db_path)
    assert info.created


def test_changed_roadmap_syncs_without_losing_progress(db_path, tmp_path):
    store, _ = open_store(db_path)
    store.set_status([i for i in store.items() if i.id in ("linear-algebra", "calculus-videos")], Status.done, AT)
    edited = tmp_path / "edited.yaml"
    text = SMALL.read_text()
    text = text.replace("version: 1", "version: 2")
    text = text.replace("Statistics 101", "Statistics 102")  # changed
    text = text.replace("      - {id: calculus-videos, title: \"Calculus <b>videos</b>\", kind: video, core: false, "
                        "hours: 5}\n", "")  # retired
    text += "      - {id: new-thing, title: New, kind: paper, hours: 1}\n"  # added
    edited.write_text(text)
    store, info = open_store(db_path, edited)
    assert info.sync is not None
    assert (info.sync.old_version, info.sync.new_version) == (1, 2)
    sync = info.sync
    assert (sync.added, sync.changed, sync.retired) == (("new-thing",), ("stats-course",), ("calculus-videos",))
    ids = [i.id for i in store.items()]
    assert "calculus-videos" not in ids and "new-thing" in ids
    retired = {i.id: i for i in store.items(include_retired=True)}["calculus-videos"]
    assert retired.status is Status.done  # history intact
    assert {i.id: i for i in store.items()}["linear-algebra"].status is Status.done


def test_completion_reads_ids_without_creating_a_database(db_path):
    assert completion_candidates(db_path, "") == []
    assert not db_path.exists()
    store, _ = open_store(db_path)
    store.set_status([i for i in store.items() if i.id == "colab"], Status.done, AT)
    assert [c[0] for c in completion_candidates(db_path, "c")] == ["calculus-videos", "colab"]
    ordered = [c[0] for c in completion_candidates(db_path, "", first=("todo", "doing"))]
    assert ordered[-1] == "colab"
    assert completion_candidates(db_path, "%") == []


def test_each_record_type_is_its_table_s_columns():
    from mlpath.store import record_types

    for table, record_type in record_types():
        assert record_type._fields == table.names, table.name


def test_the_item_view_has_exactly_item_s_fields(db_path):
    from mlpath.progress import Item

    store, _ = open_store(db_path)
    columns = [r[1] for r in store.db.read("PRAGMA table_info(item)")]
    assert sorted(columns) == sorted(Item._fields)
    store.close()



def test_find_names_resources_like_resolve_reading_only_the_rows_named(db_path, monkeypatch):
    from mlpath import progress
    from mlpath.errors import AmbiguousResource, UnknownResource

    store, _ = open_store(db_path)
    everything = store.items()
    queries = [["linear-algebra"], ["LIN"], ["2.2"], ["stats", "1.1", "linear"], ["colab", " Deep "]]
    expected = [progress.resolve_all(q, everything) for q in queries]

    def no_full_read(*_: object, **__: object) -> None:
        raise AssertionError("find read every resource")

    monkeypatch.setattr(store, "items", no_full_read)
    assert [store.find(q) for q in queries] == expected
    with pytest.raises(AmbiguousResource, match="'c' matches 2 resources: calculus-videos, colab"):
        store.find(["c"])
    monkeypatch.undo()
    with pytest.raises(UnknownResource) as unknown:  # only now is the whole list read, to suggest
        store.find(["linear-algebr4"])
    assert unknown.value.hint == "did you mean linear-algebra?"
    with pytest.raises(UnknownResource):
        store.find(["9.9"])


def test_a_roadmap_synced_by_another_process_meanwhile_is_neither_reported_nor_written_again(db_path, tmp_path):
    open_store(db_path)[0].close()
    edited = tmp_path / "edited.yaml"
    edited.write_text(SMALL.read_text().replace("version: 1", "version: 2").replace("Statistics 101", "Statistics 102"))
    road = roadmap.parse(roadmap.read_source(edited))
    waiting = Store(db_path)
    assert waiting.meta()["roadmap_digest"] != road.digest  # its read snapshot is from before the other sync
    first = Store(db_path)
    assert first.sync(road).changed == ("stats-course",)
    first.close()
    again = waiting.sync(road)
    waiting.close()
    assert not again.anything


# ---------------------------------------------------------------- big roadmaps: seeding and syncing


def big_roadmap(path: Path, count: int, renamed_every: int = 0, last: str = "", split: int = 1500) -> Path:
    """A roadmap of count resources r0..r{count-1} (every renamed_every-th one retitled) in two stages,
    the second starting at r{split}, then the line `last` (e.g. a broken resource) at the very end."""
    lines = ["version: 1", "title: Big", "stages:"]
    for n in range(count):
        if n in (0, split):
            lines += [f"  - id: half-{n}", f"    title: Half {n}", "    resources:"]
        title = f"Resource {n}" + (" (revised)" if renamed_every and n % renamed_every == 0 else "")
        core = "true" if n % 3 == 0 else "false"
        lines.append(f"      - {{id: r{n}, title: {title}, kind: book, core: {core}, hours: {1 + n % 9}, "
                     f"authors: [A{n}]}}")
    path.write_text("\n".join([*lines, last]) + "\n")
    return path


def stored_rows(db: Path) -> dict[str, tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, stage_id, position, title, core, hours, authors, retired FROM resource")
        return {r[0]: r for r in rows}


def test_a_big_first_seed_stores_every_resource_as_the_roadmap_says(db_path, tmp_path):
    path = big_roadmap(tmp_path / "big.yaml", 3000)
    store, info = open_store(db_path, path)
    store.close()
    assert (info.stages, info.resources) == (2, 3000)
    rows = stored_rows(db_path)
    assert len(rows) == 3000
    assert rows["r0"] == ("r0", "half-0", 1, "Resource 0", 1, 1.0, '["A0"]', 0)
    assert rows["r1501"] == ("r1501", "half-1500", 2, "Resource 1501", 0, 8.0, '["A1501"]', 0)
    assert rows["r2999"][1:3] == ("half-1500", 1500)


def test_an_invalid_resource_at_the_end_of_a_big_roadmap_leaves_no_database(db_path, tmp_path):
    path = big_roadmap(tmp_path / "big.yaml", 3000, last="      - {id: r-last, title: Last, kind: blog, hours: 1}")
    with pytest.raises(RoadmapInvalid) as info:
        open_store(db_path, path)
    assert info.value.problems == [f"{path}:3010: unknown kind 'blog' for resource r-last (one of: "
                                   f"{', '.join(roadmap.KINDS)})"]
    assert not db_path.exists()
    assert not db_path.parent.exists() or not [p for p in db_path.parent.iterdir() if ".tmp" in p.name]


def test_an_invalid_big_roadmap_leaves_the_database_as_it_was(db_path, tmp_path):
    open_store(db_path, big_roadmap(tmp_path / "big.yaml", 3000))[0].close()
    before = digest(db_path)
    broken = big_roadmap(tmp_path / "broken.yaml", 3000, renamed_every=10,
                         last="      - {id: r-last, title: Last, kind: book, hours: -1}")
    with pytest.raises(RoadmapInvalid) as info:
        open_store(db_path, broken)
    assert info.value.problems == [f"{broken}:3010: hours of resource r-last must be a positive number, got -1"]
    assert digest(db_path) == before


def test_a_write_that_fails_part_way_through_the_resources_leaves_nothing_of_it(db_path, tmp_path, monkeypatch):
    """The resource rows reach SQLite as they are made: a failure after some were written rolls all of them back."""
    open_store(db_path, big_roadmap(tmp_path / "big.yaml", 3000))[0].close()
    before = digest(db_path)
    made = store_module._Placed.resources

    def failing(placed):
        for n, row in enumerate(made(placed)):
            if n == 2000:
                raise OSError(28, "No space left on device")
            yield row

    monkeypatch.setattr(store_module._Placed, "resources", failing)
    changed = big_roadmap(tmp_path / "changed.yaml", 3000, renamed_every=10)
    store = Store(db_path)
    with pytest.raises(OSError):
        store.sync(roadmap.load(changed))
    store.close()
    assert digest(db_path) == before


def test_syncing_a_big_changed_roadmap_adds_changes_and_retires_the_right_resources(db_path, tmp_path):
    open_store(db_path, big_roadmap(tmp_path / "big.yaml", 3000))[0].close()
    changed = big_roadmap(tmp_path / "changed.yaml", 2900, renamed_every=10,
                          last="      - {id: fresh, title: Fresh, kind: book, hours: 1}")
    store, info = open_store(db_path, changed)
    store.close()
    assert info.sync is not None
    assert info.sync.added == ("fresh",)
    assert info.sync.changed == tuple(f"r{n}" for n in range(0, 2900, 10))
    assert info.sync.retired == tuple(f"r{n}" for n in range(2900, 3000))
    rows = stored_rows(db_path)
    assert rows["r10"][3] == "Resource 10 (revised)" and rows["r11"][3] == "Resource 11"
    assert [rows[f"r{n}"][-1] for n in (2899, 2900, 2999)] == [0, 1, 1]
    assert rows["fresh"][1:3] == ("half-1500", 1401)
