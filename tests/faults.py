"""Make a database write fail, or the process die, at a chosen SQL statement.

Every SQLite connection mlpath opens (the standard library's, and SQLAlchemy's, which uses the
same driver) is made through sqlite3.connect; `install` wraps it so each new connection watches
the statements it starts. When the n-th statement matching `pattern` starts:
- "fail": SQLite interrupts it (sqlite3.OperationalError: interrupted), as a full disk or an I/O
  error would, and the rest of the command runs as it would after such an error;
- "kill": the process sends itself SIGKILL before the statement does anything.
`landed()` says whether the fault happened, so a test can never pass without it.

In a child process: `python -c "import faults; faults.install(...); from mlpath.cli import main; main()"`
with this directory on PYTHONPATH (see `command` below).
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import sqlite3.dbapi2
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
_state: dict[str, Any] = {"seen": 0, "landed": False}


def install(pattern: str, nth: int = 1, action: str = "fail") -> None:
    matcher = re.compile(pattern, re.IGNORECASE)
    real_connect = _state.setdefault("connect", sqlite3.connect)
    _state.update(seen=0, landed=False)

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)
        armed = {"interrupt": False}

        def on_statement(sql: str) -> None:
            if _state["landed"] or not matcher.search(sql):
                return
            _state["seen"] += 1
            if _state["seen"] < nth:
                return
            _state["landed"] = True
            if action == "kill":
                sys.stdout.flush()
                sys.stderr.flush()
                os.kill(os.getpid(), signal.SIGKILL)
            armed["interrupt"] = True

        def on_progress() -> int:
            if armed["interrupt"]:
                armed["interrupt"] = False  # once: the ROLLBACK that follows must run
                return 1
            return 0

        conn.set_trace_callback(on_statement)
        conn.set_progress_handler(on_progress, 1)
        return conn

    sqlite3.connect = connect  # type: ignore[assignment]
    sqlite3.dbapi2.connect = connect  # type: ignore[assignment]


def uninstall() -> None:
    if "connect" in _state:
        sqlite3.connect = sqlite3.dbapi2.connect = _state.pop("connect")
    _state.update(seen=0, landed=False)


def landed() -> bool:
    return bool(_state["landed"])


def command(pattern: str, action: str, *args: str, nth: int = 1) -> list[str]:
    """argv for a child `mlpath *args` that installs the fault first (needs PYTHONPATH=HERE)."""
    code = (f"import sys; sys.argv[0] = 'mlpath'; import faults; faults.install({pattern!r}, {nth}, {action!r}); "
            "from mlpath.cli import main; main()")
    return [sys.executable, "-c", code, *args]
