"""The README documents every command, and CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from mlpath.cli import app

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def command_names() -> list[str]:
    root = typer.main.get_command(app)
    names = []
    for name, command in root.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
    return names


def test_every_command_has_a_readme_entry_and_help():
    names = command_names()
    assert {"next", "done", "export", "import", "log", "review", "roadmap diff"} <= set(names)
    for name in names:
        assert f"`mlpath {name}" in README, f"README has no entry for mlpath {name}"
    root = typer.main.get_command(app)
    for name, command in root.commands.items():
        assert command.help or command.short_help, name


def test_ci_runs_the_readme_test_command():
    lines = README.splitlines()
    marker = next(n for n, line in enumerate(lines) if "test-command" in line)
    command = next(line for line in lines[marker + 1:] if "pytest" in line)
    assert command == "pip install -e '.[test]' && pytest"
    ci = (REPO / ".ci" / "run").read_text()
    assert "test-command" in ci and 'eval "$test_command"' in ci


def test_ci_lints_and_type_checks_before_the_tests():
    ci = (REPO / ".ci" / "run").read_text()
    tests = ci.index('eval "$test_command"')
    assert ci.index("\nruff check src tests benchmarks\n") < tests
    assert ci.index("\nmypy --strict src/mlpath\n") < tests
    pyproject = (REPO / "pyproject.toml").read_text()
    assert "[tool.ruff.lint]" in pyproject and "[tool.mypy]" in pyproject
    assert '"ruff' in pyproject and '"mypy' in pyproject  # installed from the test extra


def test_readme_documents_the_json_keys_the_contract_tests_pin():
    for key in ("done_at", "reason", "hours_left", "eta", "pace_hours_per_week", "logged_hours", "history"):
        assert re.search(rf"`{key}`", README), key


def test_every_option_and_argument_has_help_with_an_example():
    root = typer.main.get_command(app)
    commands = [("mlpath", root)]
    for name, command in root.commands.items():
        commands += [(f"{name} {n}", c) for n, c in command.commands.items()] if hasattr(command, "commands") \
            else [(name, command)]
    for name, command in commands:
        for param in command.params:
            if param.name in ("help", "install_completion", "show_completion"):
                continue
            text = getattr(param, "help", None) or ""
            assert "e.g." in text or "Example" in text, f"{name} {param.name}: {text!r}"
