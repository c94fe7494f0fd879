"""Convert another curriculum into an mlpath roadmap: text in, roadmap YAML and a report out.

Two sources are understood: markdown outlines (awesome lists, course READMEs, notes files),
read with markdown-it-py, and roadmap.sh roadmap JSON (nodes and edges). Both become a list of
draft stages holding draft resources; one back end then gives them ids, kinds, hours and
`after:` links, writes the YAML and checks it with mlpath's own roadmap loader, so what it
returns always loads. No I/O here: the command reads the file and writes the result.

Ids are derived from each resource's title (or its normalised URL when the title gives no
slug), never from its position, so re-importing an edited source keeps the ids, and with them
the progress, of every resource that is still there.
"""

from __future__ import annotations

from mlpath.convert.build import HEADER, Conversion, Report, build, infer_kind
from mlpath.convert.markdown import MarkdownReader
from mlpath.convert.roadmapsh import RoadmapShReader
from mlpath.errors import ConvertFailed

__all__ = ["HEADER", "Conversion", "Report", "convert", "infer_kind", "looks_like_json"]


def convert(text: str, name: str, stage_level: int | None = None, previous: str | None = None,
            output: str = "the output file") -> Conversion:
    """Convert a markdown outline or roadmap.sh JSON (named `name`) into roadmap YAML text.

    previous is the text of the file this import replaces (named `output`), if any. Only a file
    an earlier import wrote may be replaced; its version is kept when nothing changed and bumped
    when something did, so a tracked database syncs the update.
    """
    if previous is not None and not previous.startswith(HEADER):
        raise ConvertFailed(f"{output} exists and was not written by `mlpath roadmap import`; not replacing it",
                            hint="give another -o path, or move that file away first")
    if looks_like_json(text, name):
        parsed = RoadmapShReader(text, name).read()
        fmt, level = "roadmap.sh JSON", None
    else:
        reader = MarkdownReader(text, name)
        parsed = reader.read(stage_level)
        fmt, level = "markdown", reader.level
    title, stages, left_out = parsed
    return build(title, stages, left_out, name, fmt, level, previous)


def looks_like_json(text: str, name: str) -> bool:
    return name.lower().endswith(".json") or text.lstrip().startswith("{")
