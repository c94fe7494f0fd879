"""catalog: roadmap names, stored ids, and which links are the same page (pure)."""

from __future__ import annotations

import pytest

from mlpath import catalog
from mlpath.errors import UsageProblem
from mlpath.progress import AmbiguousResource, Item, resolve, split_id


@pytest.mark.parametrize(("one", "other"), [
    ("https://www.deeplearningbook.org/", "http://deeplearningbook.org"),
    ("https://example.org/a/?utm_source=x&utm_medium=y", "https://example.org/a"),
    ("https://example.org/a?fbclid=1&gclid=2&id=3", "https://EXAMPLE.org/a?id=3"),
    ("https://example.org:443/a", "https://example.org/a/"),
])
def test_the_same_page_whatever_scheme_www_slash_port_or_trackers(one, other):
    assert catalog.same_page(one) == catalog.same_page(other)


@pytest.mark.parametrize(("one", "other"), [
    ("https://example.org/a", "https://example.org/b"),
    ("https://example.org/a?id=3", "https://example.org/a?id=4"),
    ("https://example.org/A", "https://example.org/a"),  # paths are case-sensitive
    ("https://example.org:8080/a", "https://example.org/a"),
    ("https://example.org/a#part-2", "https://example.org/a"),
])
def test_different_pages_stay_different(one, other):
    assert catalog.same_page(one) != catalog.same_page(other)


def test_links_point_new_resources_at_the_first_of_their_page():
    known = [("goodfellow", "https://www.deeplearningbook.org/"), ("later", "http://deeplearningbook.org"),
             ("d2l", "https://d2l.ai/"), ("nolink", None)]
    new = [("dl/book", "https://deeplearningbook.org/?utm_source=awesome"), ("dl/other", "https://x.org"),
           ("dl/none", None)]
    assert catalog.links(new, known) == {"dl/book": "goodfellow"}


def test_names_and_stored_ids():
    assert catalog.check_name(" FastAI-2 ") == "fastai-2"
    for bad in ("", "a b", "-x", "x-", "a/b", "é", "x" * 41, "all"):
        with pytest.raises(UsageProblem):
            catalog.check_name(bad)
    assert catalog.name_from_file("Awesome ML (2024)") == "awesome-ml-2024"
    assert catalog.name_from_file("***") == "roadmap"
    assert catalog.stored_id("intro", "two", {"mml"}) == "intro"
    assert catalog.stored_id("intro", "two", {"intro"}) == "two/intro"


def item(rid: str, roadmap: str, number: int = 1, same_as: str | None = None) -> Item:
    return Item(rid, "s", 1, number, rid, "article", True, 1.0, roadmap=roadmap, short_id=rid.rsplit("/")[-1],
                same_as=same_as)


def test_resolve_with_several_roadmaps():
    items = [item("intro", "one"), item("two/intro", "two", 1), item("deep", "two", 2, same_as="book"),
             item("book", "mlpath", 3)]
    assert split_id("two/intro") == ("two", "intro") and split_id("intro") == (None, "intro")
    assert resolve("intro", items).roadmap == "one"  # the id stored short
    assert resolve("two/intro", items).roadmap == "two"
    assert resolve("one/intro", items).id == "intro"
    assert resolve("two/1.2", items).id == "deep"
    with pytest.raises(AmbiguousResource, match="one/intro, two/intro"):
        resolve("1.1", items)
    assert resolve("one/1.1", items).id == "intro"


def test_distinct_counts_a_shared_page_once_unless_its_first_is_out_of_sight():
    items = [item("book", "mlpath"), item("dl/book", "dl", same_as="book"), item("x", "dl")]
    assert [i.id for i in catalog.distinct(items)] == ["book", "x"]
    assert [i.id for i in catalog.distinct(items[1:])] == ["dl/book", "x"]
