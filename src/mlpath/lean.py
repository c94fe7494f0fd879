"""The Typer app cut down to the one command a command line names.

Typer works out every command's click parameters before it parses the command line: 5 ms for the
22 commands on the development machine, of which a run uses one. `only` gives a copy of the app
with its root options and that one command (the same objects as in the whole app), so a run pays
for what it uses. cli.main uses it when the command line starts with a command's name;
tests/cli/test_lean_app.py checks that every command answers alike through both.
"""

from __future__ import annotations

import copy

import typer


def only(app: typer.Typer, name: str) -> typer.Typer | None:
    """`app` with only the command (or named group) `name`; None when it has no such command."""
    for group in app.registered_groups:
        sub = group.typer_instance
        if sub is None:
            continue
        if isinstance(sub.info.name, str):  # a named group (`roadmap`): all of it
            if sub.info.name == name:
                return _with(app, group)
            continue
        for command in sub.registered_commands:  # an unnamed group's commands are the root's
            if command.name == name:
                part = copy.copy(sub)
                part.registered_commands = [command]
                group = copy.copy(group)
                group.typer_instance = part
                return _with(app, group)
    return None


def _with(app: typer.Typer, group: typer.models.TyperInfo) -> typer.Typer:
    lean = copy.copy(app)
    lean.registered_groups = [group]
    return lean
