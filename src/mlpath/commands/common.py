"""What every command group shares: the per-process state, the repeated options and arguments.

No `from __future__ import annotations` in the command modules: Typer would then evaluate every
annotation string at start-up, which measurably slows `mlpath --help`.
"""


from typing import Annotated

import typer

from mlpath import session
from mlpath.session import AppState, check_text

__all__ = ["AppState", "check_text", "complete_ids", "state"]


def state(ctx: typer.Context) -> AppState:
    """The AppState set by the root callback, inherited by every subcommand's context."""
    found = ctx.find_object(AppState)
    assert found is not None, "the root callback sets the AppState"
    return found


def complete_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Resource ids for shell completion (the light path in light.py answers the same way)."""
    return session.id_candidates(ctx.info_name or "", incomplete)


JsonFlag = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout and nothing else, "
                                        "e.g. `mlpath list --json`.")]
Ids = Annotated[
    list[str],
    typer.Argument(help="Resource ids, unique id prefixes or numbers, e.g. mml-book 1.2.",
                   autocompletion=complete_ids,
                   show_default=False, metavar="ID..."),
]
OneId = Annotated[
    str,
    typer.Argument(help="A resource id, unique id prefix or number, e.g. mml-book, mml or 1.1.",
                   autocompletion=complete_ids,
                   show_default=False, metavar="ID"),
]
NoPager = Annotated[bool, typer.Option("--no-pager", help="Print everything at once, without a pager, even when it "
                                      "is longer than the screen, e.g. mlpath list --no-pager.")]
NoteOption = Annotated[str | None, typer.Option("--note", metavar="TEXT", help='A note kept with this change, '
                                                'e.g. --note "chapters 1-3 only".')]
