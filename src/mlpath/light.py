"""The light entry path: the daily forms that carry no option, run without importing Typer.

`mlpath`, `mlpath next`, `mlpath done ID...` (and its fellows `reset ID...` and `skip ID...`,
which take no option at all) and bash's completion of resource ids run several times a day;
importing Typer costs about three times what the whole of `mlpath next` needs. So
mlpath/__main__.py asks `command()` first: for exactly these argument lists it returns the body
to run, which is the very function the Typer command calls (session.py), with the error boundary
of boundary.py around it; for anything else (any option, any other command, `--help`, zsh and
fish completion, an argument that is not UTF-8) it returns None and the Typer app parses the
command line. So no option is defined here: a command line that names one is Typer's.

Screens print through render.py as on the Typer path; Rich is not imported unless colour output
asks for it.
"""

from __future__ import annotations

import os
import sys

from mlpath import session
from mlpath.errors import has_surrogate

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs more than this module
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import NoReturn

# Commands whose every argument is a resource id (Typer's `Ids`), and those whose first one is
# (`OneId`): what id completion completes. tests/test_light.py checks both against the Typer app.
ID_LIST_COMMANDS = frozenset({"done", "start", "skip", "reset"})
FIRST_ID_COMMANDS = frozenset({"show", "log", "progress", "note", "open", "study", "review"})
# The commands that set a status whose id lists the light path runs, and the status each sets
# (`start` stays with Typer: it may ask before reopening a finished resource).
MARKS = {"done": "done", "reset": "todo", "skip": "skipped"}
COMPLETE_VAR = "_MLPATH_COMPLETE"  # click's variable for a program named mlpath
_PLAIN_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_/")


def command(argv: Sequence[str], environ: Mapping[str, str], program: str) -> Callable[[], None] | None:
    """What the light path runs for this command line, or None when Typer must parse it."""
    if COMPLETE_VAR in environ:
        return _completion(environ) if program == "mlpath" else None
    if any(has_surrogate(arg) for arg in argv):  # Typer's one-line usage error
        return None
    if not argv:
        return lambda: _with_state(session.dashboard)
    if list(argv) == ["next"]:
        return lambda: _with_state(session.next_screen)
    status = MARKS.get(argv[0])
    if status is not None and len(argv) > 1 and not any(a.startswith("-") for a in argv[1:]):
        from mlpath.vocab import Status

        ids, new = list(argv[1:]), Status(status)
        return lambda: _with_state(lambda app: session.mark(app, ids, new))
    return None


def run(body: Callable[[], None]) -> NoReturn:
    """Run body inside the error boundary, and exit as the Typer app exits."""
    from mlpath import boundary

    try:
        body()
    except (KeyboardInterrupt, EOFError):  # as click reports it: a blank line, then Aborted.
        sys.stderr.write("\nAborted.\n")
        sys.exit(1)
    except Exception as exc:
        if boundary.handled(exc):
            sys.exit(1)
        raise
    sys.exit(0)


def _with_state(body: Callable[[session.AppState], None]) -> None:
    app = session.state()
    try:
        body(app)
    finally:
        app.close()


def _completion(environ: Mapping[str, str]) -> Callable[[], None] | None:
    """bash's request to complete a resource id (Typer's `complete_bash`), or None for Typer.

    Handled only when bash's words are plain (no quotes or escapes for shlex to undo), no word is
    an option, and the word under the cursor is an id argument of the command named.
    """
    if environ.get(COMPLETE_VAR) != "complete_bash":
        return None
    line, cword = environ.get("COMP_WORDS", ""), environ.get("COMP_CWORD", "")
    if not (cword.isascii() and cword.isdigit()):  # bash always gives a word number: nothing to offer
        return _offer_nothing  # (Typer's own completion would stop on it with a traceback)
    if not set(line) <= _PLAIN_WORD | {" "}:
        return None
    words = line.split()
    position = int(cword)
    args, incomplete = words[1:position], (words[position] if position < len(words) else "")
    if not args or any(w.startswith("-") for w in [*args, incomplete]):
        return None
    name = args[0]
    if not (name in ID_LIST_COMMANDS or (name in FIRST_ID_COMMANDS and len(args) == 1)):
        return None
    return lambda: _print_ids(name, incomplete)


def _offer_nothing() -> None:
    """A completion request that asks for nothing: no candidates."""


def _print_ids(name: str, incomplete: str) -> None:
    """What Typer's bash completion prints: one value a line."""
    sys.stdout.write("\n".join(rid for rid, _ in session.id_candidates(name, incomplete)) + "\n")


def program_name() -> str:
    """The program's name as click works it out (`python -m mlpath` is not `mlpath`)."""
    main = sys.modules.get("__main__")
    if getattr(main, "__package__", None):
        return ""
    return os.path.basename(sys.argv[0])
