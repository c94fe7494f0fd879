"""The layering the developers' guide asks for, checked on the source so it cannot drift.

- Commands are thin: cli.py and commands/*.py parse, call one core function and hand its result
  to render or --json. So they hold no loop over items (no for/while, no comprehension) and no SQL.
- render.py shows results and never reaches storage: it does not import mlpath.store (the result
  types it shows live with the logic that makes them).
- Typer's private, vendored click is reached in one guarded place (cli.py); if a Typer upgrade
  moves it, test_typer_still_vendors_click says so.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer

from mlpath import cli

SRC = Path(cli.__file__).parent
COMMAND_MODULES = sorted([SRC / "cli.py", *(SRC / "commands").glob("*.py")])
LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT)\b")
STORAGE = ("sqlite3", "sqlalchemy", "sqlmodel")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SRC.parent)}:{getattr(node, 'lineno', '?')}"


@pytest.mark.parametrize("path", COMMAND_MODULES, ids=lambda p: p.name)
def test_commands_hold_no_loop_and_no_sql(path):
    tree = _tree(path)
    loops = [_where(path, n) for n in ast.walk(tree) if isinstance(n, LOOPS)]
    assert loops == [], f"a loop in a command (move it into a core module): {loops}"
    sql = [_where(path, n) for n in ast.walk(tree)
           if isinstance(n, ast.Constant) and isinstance(n.value, str) and SQL.search(n.value)]
    assert sql == [], f"SQL in a command (it belongs in store.py): {sql}"
    storage = sorted(name for name in _imported(tree) if name.split(".")[0] in STORAGE)
    assert storage == [], f"a command imports a database library: {storage}"


def test_the_loop_check_sees_loops():
    assert any(isinstance(n, LOOPS) for n in ast.walk(ast.parse("[i for i in items]")))
    assert any(isinstance(n, LOOPS) for n in ast.walk(ast.parse("for i in items:\n    pass")))
    assert SQL.search("SELECT id FROM item")


def test_render_never_imports_the_store():
    imported = _imported(_tree(SRC / "render.py"))
    assert sorted(n for n in imported if n == "mlpath.store" or n.startswith("mlpath.store.")) == []
    assert not any(n.startswith(("sqlite3", "sqlalchemy", "sqlmodel")) for n in imported)


def test_only_cli_reaches_into_typers_vendored_click():
    users = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                   if any(name.startswith("typer._click") for name in _imported(_tree(p))))
    assert users == ["cli.py"]


def test_typer_still_vendors_click():
    assert cli.VENDORED_CLICK, (
        f"Typer {typer.__version__} no longer has typer._click.exceptions: update the guarded import in "
        "src/mlpath/cli.py (command-line mistakes now show in Typer's own format)")
    # what mlpath catches is what Typer raises for a bad parameter
    assert issubclass(typer.BadParameter, cli.ClickException)


def test_the_id_pattern_is_written_once():
    writers = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                     if "[a-z0-9]+(?:-[a-z0-9]+)*" in p.read_text(encoding="utf-8"))
    assert writers == ["vocab.py"], "use vocab.ID / vocab.ID_PATTERN for ids"
