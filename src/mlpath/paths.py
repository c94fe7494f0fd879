"""Where mlpath keeps its data: one function decides."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "MLPATH_DB"
ROADMAP_ENV = "MLPATH_ROADMAP"
ROADMAP_NAME_ENV = "MLPATH_ROADMAP_NAME"  # the roadmap every command sees, like --in NAME


def db_path() -> Path:
    """The database file: $MLPATH_DB if set, else the platform's user data dir."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # only when needed: keeps `--version` and completion light

    return platformdirs.user_data_path("mlpath") / "mlpath.db"


def roadmap_override(option: str | None) -> Path | None:
    """The user's roadmap file: --roadmap wins over $MLPATH_ROADMAP; None means the bundled one."""
    value = option or os.environ.get(ROADMAP_ENV)
    return Path(value).expanduser() if value else None

