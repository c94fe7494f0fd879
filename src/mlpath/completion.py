"""Shell completion's one read: the resource ids for `mlpath COMMAND prefix<Tab>`.

It runs on every Tab press, so it stands apart from the storage layer, whose import (the schema,
the migrations, every record type) costs more than the query: plain sqlite3 on a read-only
connection that can neither create nor change the file, so completion never creates, upgrades
or seeds a database. It reads the `item` view the store reads.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs more than this module
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that can neither create nor change the file, waiting at most a second for a lock
    (shell completion runs on every Tab press); no pragmas, since it never writes."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)


def candidates(path: Path, prefix: str, first: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(id, title) pairs starting with prefix, statuses in `first` ahead; [] without a database.

    With several roadmaps, the names (`name/`) are offered too, and once a name is typed the
    `name/short-id` form every resource also answers to.
    """
    if not path.is_file():
        return []
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with closing(connect_read_only(path)) as conn:
        marks = ",".join("?" * len(first)) or "''"
        shown = "retired = 0 AND roadmap IN (SELECT name FROM roadmap WHERE hidden = 0)"
        # name/short-id, the form every resource also answers to, once a roadmap name is typed
        column = "roadmap || '/' || short_id" if "/" in prefix else "id"
        rows = conn.execute(
            f"SELECT {column}, title, status IN ({marks}) AS preferred FROM item "
            f"WHERE {shown} AND {column} LIKE ? ESCAPE '\\' "
            "ORDER BY preferred DESC, roadmap_position, stage_number, position",
            (*first, pattern),
        ).fetchall()
        if "/" not in prefix:  # the roadmap names, to go on with name/ (only when there are several)
            rows = [(f"{name}/", title, 0) for name, title in conn.execute(
                "SELECT name, title FROM roadmap WHERE hidden = 0 AND name LIKE ? ESCAPE '\\' AND "
                "(SELECT COUNT(*) FROM roadmap WHERE hidden = 0) > 1 ORDER BY position", (pattern,))] + rows
    return [(rid, title) for rid, title, _ in rows]
