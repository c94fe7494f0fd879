"""Bringing progress back from files: reading them safely and applying a markdown checklist."""

from __future__ import annotations

from pathlib import Path

from mlpath import export, files
from mlpath.errors import ImportInvalid, MlpathError
from mlpath.progress import Checklist, Status
from mlpath.store import Store


def read_text(path: Path, what: str = "import file", expected: str = "an mlpath export",
              error: type[MlpathError] = ImportInvalid) -> str:
    """The file's text, or one clear error for a missing, unreadable, huge or binary file."""
    data = files.read_bytes(path, what, files.MAX_READ_BYTES, error)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{path} is not UTF-8 text, so not {expected}") from None


def read_previous(path: Path, what: str) -> str | None:
    """The text of a file about to be replaced, or None when there is none (or it is not text)."""
    try:
        return read_text(path, what) if files.regular_or_missing(path, what) is not None else None
    except MlpathError:
        return None


def apply_checklist(store: Store, text: str, name: str, at: str, force: bool = False) -> Checklist:
    """Tick done what is ticked in a markdown export, and reset what was done but is unticked.

    Every id must be known (current or retired); otherwise nothing is applied. What a tick
    means is export.ticked_status's rule. A resource finished after the export was made stays
    done (the export is older than that work) unless force is given; the result names them.
    """
    states = export.parse_checklist(text)
    if not states:
        raise ImportInvalid(f"{name} has no task items ending with an id in backticks, so it is not an mlpath "
                            "markdown export")
    items = {i.id: i for i in store.items(include_retired=True)}
    unknown = [rid for rid in states if rid not in items]
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise ImportInvalid(f"{name} names resources this database does not know: {shown}; nothing was imported")
    made = export.exported_at(text)
    pairs, refused = [], []
    for rid, tick in states.items():
        item = items[rid]
        status = export.ticked_status(tick, item.status)
        if status is None:
            continue
        newer = item.status is Status.done and item.done_at is not None and made is not None and item.done_at > made
        if newer and not force:  # the export is older than this work: an untick there is no decision
            refused.append(rid)
        else:
            pairs.append((item, status))
    return Checklist(store.set_statuses(pairs, at, note=f"from {Path(name).name}"), refused, made)
