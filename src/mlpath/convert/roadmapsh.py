"""The roadmap.sh reader of `roadmap import`: topics, subtopics and checklist items become
drafts, sections and groups stages, edges prerequisites (roadmap.sh's nodes-and-edges JSON).
Pure: no I/O."""

from __future__ import annotations

import json
import math
from typing import Any

from mlpath.convert.text import MAX_NOTE, MAX_TITLE, Draft, DraftStage, clean, clip, title_from_name, web_url
from mlpath.errors import ConvertFailed
from mlpath.vocab import plural


class RoadmapShReader:
    RESOURCE_TYPES = frozenset({"topic", "subtopic"})
    STAGE_TYPES = frozenset({"group", "section"})

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name

    def fail(self, what: str) -> ConvertFailed:
        return ConvertFailed(f"{self.name} is not a roadmap.sh roadmap: {what}",
                             hint="give the JSON of a roadmap.sh roadmap (nodes and edges), or a markdown file")

    def read(self) -> tuple[str, list[DraftStage], list[str]]:
        try:
            data = json.loads(self.text)
        except (ValueError, RecursionError) as exc:
            raise self.fail(f"not valid JSON ({str(exc).splitlines()[0][:80]})") from None
        nodes = data.get("nodes") if isinstance(data, dict) else None
        if not isinstance(nodes, list):
            raise self.fail("no list of nodes")
        nodes = [n for n in nodes if isinstance(n, dict) and isinstance(n.get("id"), (str, int))]
        where = _absolute(nodes)
        nodes.sort(key=lambda n: where[str(n["id"])])
        title = next((_label(n) for n in nodes if _type(n) == "title" and _label(n)), "")
        title = title or clean(str(data.get("title") or "")) or title_from_name(self.name)
        groups = [n for n in nodes if _type(n) in self.STAGE_TYPES]
        stages: dict[str, DraftStage] = {}
        for g in groups:
            stages.setdefault(str(g["id"]), DraftStage(title=_label(g), key=str(g["id"])))
        loose = DraftStage(title=title)
        first_y: dict[int, float] = {}  # where each stage's first topic is on the page, to order them
        topics = 0
        for node in nodes:
            kind = _type(node)
            stage = stages.get(str(node.get("parentId") or node.get("parentNode") or "")) \
                or _containing(where[str(node["id"])], groups, where, stages)
            if kind == "label" and stage is not None and not stage.title:
                stage.title = _label(node)  # roadmap.sh titles a section with a label node inside it
            elif (kind in self.RESOURCE_TYPES and _label(node)) or kind == "checklist":
                drafts = [self._draft(node)] if kind != "checklist" else self._checklist(node)
                target = stage or loose
                first_y.setdefault(id(target), where[str(node["id"])][0])
                target.resources += drafts
                topics += len(drafts)
        if not topics:
            raise ConvertFailed(f"{self.name} has no topics to import",
                                hint="roadmap.sh topics are nodes of type topic or subtopic with a label")
        keys = {d.key for s in [*stages.values(), loose] for d in s.resources}
        edges = data.get("edges") if isinstance(data.get("edges"), list) else []
        ignored = 0
        by_key = {d.key: d for s in [*stages.values(), loose] for d in s.resources}
        for order, edge in enumerate(edges):
            ends = [str(edge.get(k)) for k in ("source", "target")] if isinstance(edge, dict) else ["", ""]
            before, after = (f"node:{e}" for e in ends)
            first = before if before in keys else f"stage:{ends[0]}" if ends[0] in stages else None
            # an edge into a section puts every topic in it after the source
            followers = [by_key[after]] if after in keys else stages[ends[1]].resources if ends[1] in stages else []
            if first is None or not followers:
                ignored += 1
                continue
            for follower in followers:
                follower.prereqs.append((order, first, first))
        left_out = []
        if ignored:
            left_out.append(plural(ignored, "edge") + " not leading to a topic")
        for stage in stages.values():
            stage.title = stage.title or (stage.resources[0].title if stage.resources else "")
        ordered = sorted((s for s in [*stages.values(), loose] if s.resources), key=lambda s: first_y[id(s)])
        return title, ordered, left_out

    def _draft(self, node: dict[str, Any]) -> Draft:
        data = _dict(node.get("data"))
        url = next((u for u in (web_url(str(data.get(k) or "")) for k in ("href", "url", "link")) if u), None)
        note = clean(str(data.get("description") or ""))
        title = clip(_label(node), MAX_TITLE)
        return Draft(title=title, url=url, note=clip(note, MAX_NOTE), context=note,
                     key=f"node:{node['id']}")

    def _checklist(self, node: dict[str, Any]) -> list[Draft]:
        """A checklist node's items, each a resource (their ids repeat across checklists)."""
        data = _dict(node.get("data"))
        items = data.get("checklists")
        items = items if isinstance(items, list) else []
        drafts = []
        for item in items:
            label = clean(str(item.get("label") or "")) if isinstance(item, dict) else ""
            if label:
                title = clip(label, MAX_TITLE)
                drafts.append(Draft(title=title, url=None,
                                    key=f"node:{node['id']}:{item.get('id') or label}"))
        return drafts


def _type(node: dict[str, Any]) -> str:
    kind = node.get("type")
    return kind if isinstance(kind, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _label(node: dict[str, Any]) -> str:
    data = node.get("data")
    return clean(str(data.get("label") or "")) if isinstance(data, dict) else ""


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0


def _position(node: dict[str, Any]) -> tuple[float, float]:
    pos = _dict(node.get("position"))
    return _number(pos.get("y")), _number(pos.get("x"))


def _absolute(nodes: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """(y, x) of every node on the page: a child's position is relative to its parent's."""
    by_id = {str(n["id"]): n for n in nodes}
    memo: dict[str, tuple[float, float]] = {}

    def place(key: str, depth: int) -> tuple[float, float]:
        if key not in memo:
            node = by_id[key]
            y, x = _position(node)
            parent = str(node.get("parentId") or node.get("parentNode") or "")
            if parent in by_id and parent != key and depth < 50:
                py, px = place(parent, depth + 1)
                y, x = y + py, x + px
            memo[key] = (y, x)
        return memo[key]

    return {key: place(key, 0) for key in by_id}


def _size(node: dict[str, Any]) -> tuple[float, float]:
    data = _dict(node.get("data"))
    for holder in (node, node.get("style"), node.get("measured"), data.get("style")):
        if isinstance(holder, dict) and _number(holder.get("width")) and _number(holder.get("height")):
            return _number(holder.get("width")), _number(holder.get("height"))
    return 0.0, 0.0


def _containing(spot: tuple[float, float], groups: list[dict[str, Any]], where: dict[str, tuple[float, float]],
                stages: dict[str, DraftStage]) -> DraftStage | None:
    """The smallest group or section whose rectangle holds the spot (a node's top-left corner)."""
    y, x = spot
    best: tuple[float, DraftStage] | None = None
    for g in groups:
        gy, gx = where[str(g["id"])]
        w, h = _size(g)
        if w and h and gx <= x <= gx + w and gy <= y <= gy + h and (best is None or w * h < best[0]):
            best = (w * h, stages[str(g["id"])])
    return best[1] if best else None
