"""Load and validate a roadmap file into typed, immutable objects (no database, no printing).

Validation walks yaml's nodes rather than the constructed data so that every problem can name
its line, and it reports every problem at once instead of stopping at the first. The nodes are
built from the parser's events one resource at a time (_Composer), and each resource is checked
as soon as its text is read, so a 100,000-resource file never has all its nodes in memory.
"""

import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from mlpath.errors import RoadmapInvalid, RoadmapNotFound
from mlpath.vocab import ID_PATTERN, Kind, resource_number

KINDS = tuple(k.value for k in Kind)

# No spaces and no control characters anywhere: a URL is handed to the browser and shown as is.
URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f-\x9f/$.?#][^\s\x00-\x1f\x7f-\x9f]*$", re.IGNORECASE)

TOP_KEYS = {"version": True, "title": True, "source": False, "stages": True}
STAGE_KEYS = {"id": True, "title": True, "summary": False, "after": False, "resources": True}
RESOURCE_KEYS = {
    "id": True,
    "title": True,
    "kind": True,
    "core": False,
    "hours": True,
    "url": False,
    "authors": False,
    "note": False,
    "choose_one": False,
    "after": False,
}

BUNDLED_NAME = "bundled roadmap"
# YAML aliases repeat a node without repeating its text: a small file could expand to gigabytes.
EXPANSION_FACTOR = 4
EXPANSION_FLOOR = 1024 * 1024
MAX_DEPTH = 1000  # lists and mappings inside one another: libyaml's own limit
STR_TAG = "tag:yaml.org,2002:str"
PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map",
                                                          "timestamp"))


class Resource(NamedTuple):
    id: str
    title: str
    kind: str
    core: bool
    hours: float
    stage_id: str
    stage_number: int
    position: int
    url: str | None = None
    authors: tuple[str, ...] = ()
    note: str | None = None
    choose_one: str | None = None
    # What should be done first: resource or stage ids (its own `after:`, else its stage's);
    # None means neither says, and the previous stage's core path comes first.
    after: tuple[str, ...] | None = None

    @property
    def number(self) -> str:
        return resource_number(self.stage_number, self.position)


class Stage(NamedTuple):
    id: str
    number: int
    title: str
    summary: str | None
    resources: tuple[Resource, ...]
    after: tuple[str, ...] | None = None


class Roadmap(NamedTuple):
    version: int
    title: str
    source: str | None
    stages: tuple[Stage, ...]
    digest: str

    @property
    def resources(self) -> tuple[Resource, ...]:
        return tuple(r for s in self.stages for r in s.resources)


class RoadmapFile:
    """Where a roadmap comes from, and its bytes (enough to tell if it changed, without parsing).

    A file's bytes are read only when asked for: its stamp (size, modification time, inode) is
    enough to tell it is the file synced last time (Store.open), so a big roadmap is not read and
    checksummed by every command.
    """

    __slots__ = ("_data", "_read", "name", "stamp")

    def __init__(self, name: str, data: bytes | None = None, stamp: str | None = None,
                 read: Callable[[], bytes] | None = None) -> None:
        self.name = name
        self.stamp = stamp  # None: no file, or one changed too recently for its stamp to be trusted
        self._data = data
        self._read = read

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = self._read() if self._read is not None else b""
        return self._data

    @property
    def digest(self) -> str:
        """A fingerprint to tell whether the file changed since the last sync.

        Size plus two independent checksums: enough to notice any edit, and zlib is already
        loaded where hashlib would add several milliseconds to every command's start-up.
        """
        data = self.data
        return f"{len(data)}-{zlib.crc32(data):08x}-{zlib.adler32(data):08x}"


# A file modified less than this long ago gets no stamp: another edit within the file system's
# timestamp granularity could leave size and time as they were (git's "racily clean" files).
SETTLED_NS = 2_000_000_000


def file_stamp(path: Path) -> str | None:
    """A regular file's size, modification time, inode, device and mode, when it has settled; else None."""
    import os
    import time

    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or time.time_ns() - st.st_mtime_ns < SETTLED_NS:
        return None
    return f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}-{st.st_dev}-{st.st_mode:o}"


class SyncReport(NamedTuple):
    """What applying a changed roadmap to a database adds, changes and retires (resource ids)."""

    old_version: int
    new_version: int
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()

    @property
    def anything(self) -> bool:
        return bool(self.added or self.changed or self.retired)


def _bundled_path() -> Path:
    """The bundled roadmap, found by path beside the package: the wheel installs it as
    mlpath/data/roadmap.yaml. (importlib.resources would find it too, but importing it pulls in
    zipfile, tempfile and random: a few milliseconds on every command.)"""
    package = Path(__file__).parent
    packaged = package / "data" / "roadmap.yaml"
    if packaged.is_file():
        return packaged
    # A source checkout (editable install, or tests run from the repo): the top-level data/.
    checkout = package.resolve().parents[1] / "data" / "roadmap.yaml"
    if checkout.is_file():
        return checkout
    raise RoadmapNotFound(
        "the bundled roadmap is missing from this installation",
        hint="reinstall mlpath (pip install --force-reinstall mlpath)",
    )


@cache
def _bundled_bytes() -> bytes:
    return _bundled_path().read_bytes()


def read_source(path: Path | None) -> RoadmapFile:
    """The roadmap in use (the bundled one when path is None), its bytes read when first needed.

    A file that cannot be stamped (missing, not a regular file, just changed) is read at once,
    so a missing or unreadable file is reported here as before."""
    from mlpath import files

    if path is None:
        return RoadmapFile(BUNDLED_NAME, stamp=file_stamp(_bundled_path()), read=_bundled_bytes)
    stamp = file_stamp(path)
    if stamp is None:
        return RoadmapFile(str(path), files.read_bytes(path, "roadmap file", files.MAX_READ_BYTES, RoadmapNotFound))
    return RoadmapFile(str(path), stamp=stamp,
                       read=lambda: files.read_bytes(path, "roadmap file", files.MAX_READ_BYTES, RoadmapNotFound))


def load(path: Path | None = None) -> Roadmap:
    """Load and validate the roadmap at path (the bundled one when None)."""
    return parse(read_source(path))


def parse(source: RoadmapFile) -> Roadmap:
    """Validate a roadmap's text; raise RoadmapInvalid listing every problem found.

    The YAML is read as a stream of events (libyaml's when it is installed, PyYAML's own parser
    otherwise): each resource is checked as soon as its text has been read and only the result is
    kept, so memory holds one resource's parser nodes at a time rather than the whole file's.
    """
    import yaml

    try:
        source.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RoadmapInvalid(source.name, [f"{source.name}: not UTF-8 text ({exc.reason})"]) from None
    # libyaml reads the bytes in place; handed text, it would first copy it as UTF-8.
    loader = yaml.CSafeLoader(source.data) if _with_libyaml() else yaml.SafeLoader(source.data.decode("utf-8"))
    checker = _Checker(source.name)
    composer = _Composer(loader, checker, budget=max(EXPANSION_FACTOR * len(source.data), EXPANSION_FLOOR))
    try:
        root = composer.document()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{source.name}:{mark.line + 1}:{mark.column + 1}" if mark else source.name
        what = getattr(exc, "problem", None) or str(exc)
        raise RoadmapInvalid(source.name, [f"{where}: not valid YAML: {what}"]) from None
    finally:
        loader.dispose()
    if composer.problem is not None:
        raise RoadmapInvalid(source.name, [composer.problem])
    roadmap = checker.roadmap(root, source.digest)
    if checker.problems or roadmap is None:
        raise RoadmapInvalid(source.name, checker.problems or [f"{source.name}: empty file"])
    return roadmap


def _with_libyaml() -> bool:
    """Whether PyYAML was built with libyaml (its C parser is about ten times faster)."""
    import yaml

    return bool(getattr(yaml, "__with_libyaml__", False))


_NO_KEYS: set[str] = set()  # never added to: only the roadmap's and the stages' keys are tracked


class _Frame:
    """A mapping or sequence being composed, and what it is in a roadmap when that is known."""

    __slots__ = ("anchored", "key", "mapping", "node", "number", "role", "seen", "stage_id", "stage_what", "start")

    def __init__(self, node: Any, role: str | None, start: int, anchored: bool, number: int) -> None:
        self.node = node
        self.mapping: bool = node.id == "mapping"  # else a sequence
        self.role = role  # "roadmap", "stages", "stage" or "resources"; None for anything else
        self.start = start  # characters composed before it (an anchored node's size is the difference)
        self.anchored = anchored
        self.key: Any = None  # a mapping's key, waiting for its value
        # the roadmap's or a stage's keys so far (the first of each is the one that counts)
        self.seen: set[str] = set() if role in ("roadmap", "stage") else _NO_KEYS
        self.number = number  # a stage's number
        self.stage_id = ""  # a stage's id once read ("" when it is not a slug)
        self.stage_what = ""  # how messages name a stage, once its id was read


class _Composer:
    """Builds the node tree from the loader's events as PyYAML's composer does, with three changes.

    - Each resource is handed to the checker as soon as its node is complete, and only the result
      is kept, not its parser nodes: memory holds one resource's nodes at a time.
    - The node graph is checked on the way: plain YAML tags only, no alias inside the node it
      repeats, and at most `budget` characters once every alias is written out (a few KiB of
      aliases could otherwise expand to gigabytes). The first such problem is kept in `problem`,
      and no resource is checked after it.
    - It keeps its own stack instead of recursing (no recursion limit to hit).

    What an alias could repeat later (an anchored stage list, stage or resource list) is kept whole
    and checked at the end, like a stage whose id comes after its resources.
    """

    def __init__(self, loader: Any, checker: "_Checker", budget: int) -> None:
        import yaml

        self.yaml = yaml
        self.loader = loader
        self.checker = checker
        self.budget = budget
        self.problem: str | None = None
        self.anchors: dict[str, Any] = {}
        self.sizes: dict[int, int] = {}  # an anchored node's size, once it is complete
        self.composed = 0  # characters composed so far, every alias written out
        self.largest_alias: Any = None
        # First characters of a plain scalar that no implicit resolver claims: such a scalar is text.
        # (Without path resolvers, which the safe loaders have none of, a quoted scalar is text too.)
        assert not loader.yaml_path_resolvers and None not in loader.yaml_implicit_resolvers
        claimed = loader.yaml_implicit_resolvers
        self.tags: dict[str, str] = {}  # a plain scalar's resolved tag, for those seen (up to a few thousand)
        self.plain = frozenset(chr(c) for c in range(32, 127) if chr(c) not in claimed) - {""}

    def document(self) -> Any:
        """The single document's root node (None for an empty stream), as yaml's get_single_node."""
        y, loader = self.yaml, self.loader
        loader.get_event()  # stream start
        root = None
        if not loader.check_event(y.StreamEndEvent):
            loader.get_event()  # document start
            root = self.node()
            loader.get_event()  # document end
        if not loader.check_event(y.StreamEndEvent):
            event = loader.get_event()
            raise y.composer.ComposerError("expected a single document in the stream",
                                           getattr(root, "start_mark", None), "but found another document",
                                           event.start_mark)
        loader.get_event()  # stream end
        if self.problem is None and self.composed > self.budget and self.largest_alias is not None:
            self.problem = (
                f"{self._line(self.largest_alias)}: the node anchored here is repeated through aliases until the "
                f"roadmap would hold {self.composed:,} characters, more than {self.budget:,} ({EXPANSION_FACTOR} "
                "times the file, at least 1 MiB); write the text out where it is needed instead")
        return root

    def node(self) -> Any:
        """The node starting at the next event, with everything in it."""
        y, get_event = self.yaml, self.loader.get_event
        scalar_event, alias_event, scalar_node = y.ScalarEvent, y.AliasEvent, y.ScalarNode
        plain, tags = self.plain, self.tags
        stack: list[_Frame] = []
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                value = event.value
                tag = None
                if event.tag is None and event.anchor is None:  # the common case, kept short
                    tag = STR_TAG if not event.implicit[0] or value[:1] in plain else tags.get(value)
                if tag is not None:
                    node = scalar_node(tag, value, event.start_mark, event.end_mark, style=event.style)
                else:
                    node = self._start(scalar_node, event)
                    if event.anchor is not None:
                        self.sizes[id(node)] = 1 + len(value)
                    elif event.tag is None and node.tag in PLAIN_TAGS and len(tags) < 4096:
                        tags[value] = node.tag  # keys and values that repeat (title, true, 3) are resolved once
                self.composed += 1 + len(value)
            elif kind is alias_event:
                node = self._alias(event)
            elif kind is y.SequenceStartEvent or kind is y.MappingStartEvent:
                node = self._start(y.SequenceNode if kind is y.SequenceStartEvent else y.MappingNode, event)
                if len(stack) >= MAX_DEPTH:  # libyaml stops there too; PyYAML's own parser never would
                    raise y.composer.ComposerError(None, None, "exceeded maximum nesting depth", event.start_mark)
                parent = stack[-1] if stack else None
                role = self._role(parent, node, event)
                number = len(parent.node.value) + 1 if role == "stage" and parent is not None else 0
                stack.append(_Frame(node, role, self.composed, event.anchor is not None, number))
                self.composed += 1
                continue
            else:  # the end of the innermost sequence or mapping
                frame = stack.pop()
                node = frame.node
                node.end_mark = event.end_mark
                if frame.anchored:
                    self.sizes[id(node)] = self.composed - frame.start
            if not stack:
                return node
            frame = stack[-1]
            if frame.role is not None:
                self._add(stack, node)
            elif not frame.mapping:
                frame.node.value.append(node)
            elif frame.key is None:
                frame.key = node
            else:
                frame.node.value.append((frame.key, node))
                frame.key = None

    def _start(self, node_type: Any, event: Any) -> Any:
        """A new node for event: its tag resolved and checked, its anchor registered."""
        y = self.yaml
        scalar = node_type is y.ScalarNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(node_type, event.value if scalar else None, event.implicit)
        if scalar:
            node = y.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        else:
            node = node_type(tag, [], event.start_mark, None, flow_style=event.flow_style)
        if tag not in PLAIN_TAGS and self.problem is None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.problem = (f"{self._line(node)}: the tag {shown[:60]} is not allowed in a roadmap (only plain YAML: "
                            "text, numbers, true/false, lists and mappings)")
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors:
                raise y.composer.ComposerError(f"found duplicate anchor {anchor!r}; first occurrence",
                                               self.anchors[anchor].start_mark, "second occurrence", event.start_mark)
            self.anchors[anchor] = node
        return node

    def _alias(self, event: Any) -> Any:
        """The anchored node an alias repeats, counted at its full size."""
        node = self.anchors.get(event.anchor)
        if node is None:
            raise self.yaml.composer.ComposerError(None, None, "found undefined alias", event.start_mark)
        size = self.sizes.get(id(node))
        if size is None:  # still open: the alias is inside the node it repeats
            if self.problem is None:
                self.problem = (f"{self._line(node)}: an alias refers to the node that contains it (a recursive "
                                "alias); a roadmap cannot contain itself")
            return node
        self.composed += size
        if self.largest_alias is None or size > self.sizes[id(self.largest_alias)]:
            self.largest_alias = node
        return node

    def _role(self, parent: _Frame | None, node: Any, event: Any) -> str | None:
        """What a new mapping or sequence is in the roadmap, if it may be checked as it streams."""
        if event.anchor is not None:  # an alias may repeat it later: composed whole
            return None
        mapping = isinstance(node, self.yaml.MappingNode)
        if parent is None:
            return "roadmap" if mapping else None
        if parent.role == "stages":
            return "stage" if mapping else None
        if mapping or parent.key is None or not isinstance(parent.key, self.yaml.ScalarNode):
            return None
        if parent.role == "roadmap" and parent.key.value == "stages" and "stages" not in parent.seen:
            return "stages"
        if parent.role == "stage" and parent.key.value == "resources" and "resources" not in parent.seen \
                and parent.stage_what:
            return "resources"
        return None

    def _add(self, stack: list[_Frame], node: Any) -> None:
        """Put a complete node into the innermost mapping or sequence."""
        frame = stack[-1]
        if frame.role == "resources":  # its items are resources: checked now, their nodes dropped
            if self.problem is None and self.composed <= self.budget:
                stage = stack[-2]
                node = self.checker.check_resource(node, stage.stage_id, stage.number, len(frame.node.value) + 1,
                                                   stage.stage_what)
            frame.node.value.append(node)
        elif not frame.mapping:
            frame.node.value.append(node)
        elif frame.key is None:
            frame.key = node
        else:
            key, frame.key = frame.key, None
            frame.node.value.append((key, node))
            name = key.value if isinstance(key, self.yaml.ScalarNode) else None
            if isinstance(name, str) and name not in frame.seen:
                frame.seen.add(name)
                if frame.role == "stage" and name == "id":
                    frame.stage_id, frame.stage_what = self.checker.stage_name(node, frame.number)

    def _line(self, node: Any) -> str:
        return f"{self.checker.name}:{node.start_mark.line + 1}"


class _Checked(NamedTuple):
    """A resource checked as it streamed: what it made (None when invalid), its problems, its line."""

    resource: "Resource | None"
    problems: tuple[str, ...]
    line: int


class _Checker:
    """Walks the node tree, collecting problems and building objects where it can."""

    def __init__(self, name: str) -> None:
        import yaml

        self.yaml = yaml
        self.name = name
        self.problems: list[str] = []
        self._constructor = yaml.SafeLoader("")
        self._scalars: dict[tuple[str, str], Any] = {}  # (tag, text) -> the value built from it
        self._after_lines: dict[str, int] = {}

    def problem(self, node: Any, message: str) -> None:
        self.problems.append(f"{self.name}:{node.start_mark.line + 1}: {message}")

    def _value(self, node: Any) -> Any:
        scalar = isinstance(node, self.yaml.ScalarNode)
        if scalar:
            if node.tag == STR_TAG:
                return node.value  # what the constructor would make of it, without its bookkeeping
            made = self._scalars.get((node.tag, node.value), _UNMADE)  # true, 3, 1.5 and the like, made once
            if made is not _UNMADE:
                return made
        constructor = self._constructor
        try:
            if scalar and node.tag in constructor.yaml_constructors:
                made = constructor.yaml_constructors[node.tag](constructor, node)
                if len(self._scalars) < 4096:
                    self._scalars[node.tag, node.value] = made
                return made
            return constructor.construct_object(node, deep=True)
        except (self.yaml.YAMLError, ValueError, TypeError, OverflowError):
            return _Unreadable(node.value if scalar else "")
        finally:  # it would otherwise keep every node it built, to the end of the file
            constructor.constructed_objects.clear()
            constructor.recursive_objects.clear()

    def mapping(self, node: Any, spec: dict[str, bool], what: str) -> dict[str, Any] | None:
        """Check a mapping's keys against spec (key -> required); return key -> value node."""
        if not isinstance(node, self.yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of keys to values")
            return None
        fields: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, self.yaml.ScalarNode) else None
            if key not in spec:
                known = ", ".join(spec)
                self.problem(key_node, f"unknown key {key!r} in {what} (known keys: {known})")
                continue
            if key in fields:
                self.problem(key_node, f"duplicate key {key!r} in {what}")
                continue
            fields[key] = value_node
        for key, required in spec.items():
            if required and key not in fields:
                self.problem(node, f"missing required key {key!r} in {what}")
        return fields

    def text(self, fields: dict[str, Any], key: str, what: str) -> str | None:
        node = fields.get(key)
        if node is None:
            return None
        value = self._value(node) if isinstance(node, self.yaml.ScalarNode) else None
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            self.problem(node, f"{key} of {what} must be non-empty text")
            return None
        return value

    def slug(self, fields: dict[str, Any], key: str, what: str) -> str | None:
        value = self.text(fields, key, what)
        if value is not None and not ID_PATTERN.match(value):
            self.problem(
                fields[key],
                f"{key} {value!r} of {what} is not a slug (lowercase letters, digits and single dashes)",
            )
            return None
        return value

    def roadmap(self, root: Any, digest: str) -> Roadmap | None:
        if root is None:
            self.problems.append(f"{self.name}:1: the file is empty")
            return None
        top = self.mapping(root, TOP_KEYS, "the roadmap")
        if top is None:
            return None
        version = None
        if "version" in top:
            version = self._value(top["version"]) if isinstance(top["version"], self.yaml.ScalarNode) else None
            if isinstance(version, bool) or not isinstance(version, int) or version < 1:
                self.problem(top["version"], "version must be a positive integer")
                version = None
        title = self.text(top, "title", "the roadmap")
        source = self.text(top, "source", "the roadmap")
        stages = self.stages(top.get("stages"))
        if self.problems or version is None or title is None or stages is None:
            return None
        return Roadmap(version=version, title=title, source=source, stages=stages, digest=digest)

    def stages(self, node: Any) -> tuple[Stage, ...] | None:
        if node is None:
            return None
        if not isinstance(node, self.yaml.SequenceNode) or not node.value:
            self.problem(node, "stages must be a non-empty list")
            return None
        stage_ids: dict[str, int] = {}
        resource_ids: dict[str, int] = {}
        groups: dict[str, list[tuple[str, int]]] = {}  # choose_one group -> (resource id, line)
        stages = []
        for number, stage_node in enumerate(node.value, start=1):
            stage = self.stage(stage_node, number, resource_ids, groups)
            if stage is None:
                continue
            if stage.id in stage_ids:
                self.problem(stage_node, f"duplicate stage id {stage.id!r} (first at line {stage_ids[stage.id]})")
            else:
                stage_ids[stage.id] = stage_node.start_mark.line + 1
            stages.append(stage)
        for group, members in groups.items():
            if len(members) == 1:
                rid, line = members[0]
                self._problem_at(
                    line,
                    f"choose_one group {group!r} has a single member ({rid}); "
                    "a choice needs at least two alternatives",
                )
        self.check_after(stages)
        return tuple(stages)

    def after(self, fields: dict[str, Any], what: str) -> tuple[str, ...] | None:
        node = fields.get("after")
        if node is None:
            return None
        value = self._value(node) if isinstance(node, self.yaml.SequenceNode) else None
        if not isinstance(value, list) or not all(isinstance(a, str) and ID_PATTERN.match(a) for a in value):
            self.problem(node, f"after of {what} must be a list of resource or stage ids, e.g. [mml-book, math]")
            return None
        self._after_lines[what] = node.start_mark.line + 1
        return tuple(value)

    def check_after(self, stages: list[Stage]) -> None:
        """Every `after:` id names a resource or a stage, and following them never comes back round."""
        stage_ids = {s.id for s in stages}
        resources = {r.id: r for s in stages for r in s.resources}
        line_of = {r.id: self._after_lines.get(f"resource {r.id}") or self._after_lines.get(f"stage {r.stage_id}", 0)
                   for r in resources.values()}
        known = True
        for r in resources.values():
            for ref in r.after or ():
                if ref in stage_ids and ref in resources:
                    self._problem_at(line_of[r.id], f"after of resource {r.id}: {ref!r} is both a stage id and a "
                                     "resource id; rename one")
                    known = False
                elif ref not in stage_ids and ref not in resources:
                    close = _close(ref, [*stage_ids, *resources])
                    hint = f" (did you mean {close}?)" if close else ""
                    self._problem_at(line_of[r.id], f"after of resource {r.id}: no resource or stage {ref!r}{hint}")
                    known = False
        if not known:
            return
        cycle = [node for node in find_cycle(prerequisite_graph(stages)) if not node.startswith(STAGE_NODE)]
        if cycle:
            first = next((rid for rid in cycle if line_of.get(rid)), cycle[0])
            path = " -> ".join([*cycle, cycle[0]])
            self._problem_at(line_of.get(first) or 0, f"after makes a cycle, nothing in it could start: {path}")

    def _problem_at(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def stage(
        self,
        node: Any,
        number: int,
        resource_ids: dict[str, int],
        groups: dict[str, list[tuple[str, int]]],
    ) -> Stage | None:
        fields = self.mapping(node, STAGE_KEYS, f"stage {number}")
        if fields is None:
            return None
        sid = self.slug(fields, "id", f"stage {number}")
        what = f"stage {sid or number}"
        title = self.text(fields, "title", what)
        summary = self.text(fields, "summary", what)
        stage_after = self.after(fields, what)
        items = fields.get("resources")
        resources: list[Resource] = []
        if items is not None:
            if not isinstance(items, self.yaml.SequenceNode):
                self.problem(items, f"resources of {what} must be a list")
            elif not items.value:
                self.problem(items, f"{what} is empty: it needs at least one resource")
            for position, item in enumerate(getattr(items, "value", []) or [], start=1):
                checked = item if isinstance(item, _Checked) else self.check_resource(
                    item, sid or "", number, position, what)  # kept whole (see _Composer): checked now
                self.problems += checked.problems
                res, line = checked.resource, checked.line
                if res is None:
                    continue
                if res.after is None and stage_after is not None:
                    res = res._replace(after=stage_after)
                if res.id in resource_ids:
                    self._problem_at(line, f"duplicate resource id {res.id!r} (first at line {resource_ids[res.id]})")
                else:
                    resource_ids[res.id] = line
                if res.choose_one:
                    groups.setdefault(res.choose_one, []).append((res.id, line))
                resources.append(res)
        if sid is None or title is None:
            return None
        return Stage(id=sid, number=number, title=title, summary=summary, resources=tuple(resources),
                     after=stage_after)

    def stage_name(self, node: Any, number: int) -> tuple[str, str]:
        """A stage's id ("" when it is not a slug) and how messages name the stage, from its id's node.

        Its problems are dropped here: `stage` finds them again when it checks the stage."""
        before = len(self.problems)
        sid = self.slug({"id": node}, "id", f"stage {number}")
        self._taken_since(before)
        return sid or "", f"stage {sid or number}"

    def check_resource(self, node: Any, stage_id: str, stage_number: int, position: int, stage_what: str) -> _Checked:
        """One resource checked on its own: what it makes, and its problems kept apart for `stage`."""
        before = len(self.problems)
        resource = self.resource(node, stage_id, stage_number, position, stage_what)
        return _Checked(resource, self._taken_since(before), node.start_mark.line + 1)

    def _taken_since(self, before: int) -> tuple[str, ...]:
        """The problems found since self.problems held `before`, taken out of it."""
        found = tuple(self.problems[before:])
        del self.problems[before:]
        return found

    def resource(self, node: Any, stage_id: str, stage_number: int, position: int, stage_what: str) -> Resource | None:
        fields = self.mapping(node, RESOURCE_KEYS, f"resource {position} of {stage_what}")
        if fields is None:
            return None
        rid = self.slug(fields, "id", f"resource {position} of {stage_what}")
        what = f"resource {rid or position}"
        title = self.text(fields, "title", what)
        kind = self.text(fields, "kind", what)
        if kind is not None and kind not in KINDS:
            self.problem(fields["kind"], f"unknown kind {kind!r} for {what} (one of: {', '.join(KINDS)})")
            kind = None
        core = False
        if "core" in fields:
            value = self._scalar(fields["core"])
            if not isinstance(value, bool):
                self.problem(fields["core"], f"core of {what} must be true or false")
            else:
                core = value
        hours = None
        if "hours" in fields:
            value = self._scalar(fields["hours"])
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.problem(fields["hours"], f"hours of {what} must be a number, got {self._shown(value)}")
            elif not value > 0 or value != value or value == float("inf"):
                self.problem(fields["hours"], f"hours of {what} must be a positive number, got {value!r}")
            else:
                hours = float(value)
        url = self.text(fields, "url", what)
        if url is not None and not URL.match(url):
            problem = ("must not contain spaces or control characters" if re.search(r"[\s\x00-\x1f\x7f-\x9f]", url)
                       else "must start with http:// or https://")
            self.problem(fields["url"], f"url of {what} {problem}, got {self._shown(url)}")
            url = None
        authors: tuple[str, ...] = ()
        if "authors" in fields:
            node_a = fields["authors"]
            value = self._value(node_a) if isinstance(node_a, self.yaml.SequenceNode) else None
            if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
                self.problem(node_a, f"authors of {what} must be a list of names")
            else:
                authors = tuple(a.strip() for a in value)
        note = self.text(fields, "note", what)
        group = self.slug(fields, "choose_one", what)
        after = self.after(fields, what)
        if rid is None or title is None or kind is None or hours is None:
            return None
        return Resource(
            id=rid,
            title=title,
            kind=kind,
            core=core,
            hours=hours,
            stage_id=stage_id,
            stage_number=stage_number,
            position=position,
            url=url,
            authors=authors,
            note=note,
            choose_one=group,
            after=after,
        )

    def _scalar(self, node: Any) -> Any:
        return self._value(node) if isinstance(node, self.yaml.ScalarNode) else node

    def _shown(self, value: Any) -> str:
        """A value for a message: never a parser node's internals."""
        if isinstance(value, self.yaml.SequenceNode):
            return "a list"
        if isinstance(value, self.yaml.MappingNode):
            return "a mapping"
        text = repr(value)
        return text if len(text) <= 60 else f"{text[:57]}..."


_UNMADE = object()  # no value made yet (None is a value: null)


class _Unreadable:
    """A scalar the YAML constructor could not build (e.g. `!!int abc`): shown as its text, valid as nothing."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return repr(self.text)

def prerequisite_graph(stages: Sequence[Stage]) -> dict[str, list[str]]:
    """Resource id -> what it waits for: resource ids, and stage nodes (STAGE_NODE + stage id).

    A stage node stands for that stage's core resources (all of them when it has none marked
    core); a resource without `after:` (its own or its stage's) waits for the previous stage.
    Going through one node per stage keeps the graph linear in the number of resources (a
    resource waiting for a stage would otherwise hold an edge to each of its members).
    """
    members = {s.id: [r.id for r in s.resources if r.core] or [r.id for r in s.resources] for s in stages}
    graph: dict[str, list[str]] = {STAGE_NODE + sid: ids for sid, ids in members.items()}
    for n, stage in enumerate(stages):
        for r in stage.resources:
            refs = r.after if r.after is not None else ((stages[n - 1].id,) if n else ())
            graph[r.id] = [STAGE_NODE + ref if ref in members else ref for ref in refs]
    return graph


STAGE_NODE = "stage "  # ids never hold a space, so these never clash with a resource id


def find_cycle(graph: dict[str, list[str]]) -> list[str]:
    """One cycle in a dependency graph (as the nodes along it), or [] when there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for root in graph:
        if state.get(root):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(graph.get(root, ())))]
        state[root] = 1
        path.append(root)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return path[path.index(child):]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph.get(child, ()))))
    return []


def _close(word: str, candidates: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, candidates, n=1)
    return close[0] if close else None


# Columns whose change is not a change of the resource's content (a reorder moves, not edits it).
_NOT_CONTENT = ("position", "retired")


def diff(new: Mapping[str, Sequence[Any]], stored: Iterable[Sequence[Any]], columns: Sequence[str]
         ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """What syncing a roadmap does to stored resources: the ids it adds, changes and retires.

    Rows are sequences of the named columns, the id first: `new` maps each of the roadmap's ids to
    its row, `stored` yields the stored rows (read one at a time: only ids are kept). A retired
    resource that comes back counts as changed; one gone from the roadmap is retired, never deleted.
    """
    retired_at = columns.index("retired")
    content = [n for n, name in enumerate(columns) if name not in _NOT_CONTENT]
    present: set[str] = set()
    edited: set[str] = set()
    retired = []
    for row in stored:
        rid = row[0]
        mine = new.get(rid)
        if mine is None:
            if not row[retired_at]:
                retired.append(rid)
            continue
        present.add(rid)
        if row[retired_at] or any(row[n] != mine[n] for n in content):
            edited.add(rid)
    added = tuple(rid for rid in new if rid not in present)
    return added, tuple(rid for rid in new if rid in edited), tuple(retired)
