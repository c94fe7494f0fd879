"""Where mlpath keeps its data: one function decides."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "MLPATH_DB"
ROADMAP_ENV = "MLPATH_ROADMAP"


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


def write_atomic(target: Path, text: str) -> None:
    """Write text to target through a temporary file renamed into place: all or nothing."""
    import tempfile

    from mlpath.errors import ExportFailed

    target = target.expanduser()
    if target.is_dir():
        raise ExportFailed(f"{target} is a directory")
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ExportFailed(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportFailed(f"cannot write {target}: {exc.strerror}") from None
