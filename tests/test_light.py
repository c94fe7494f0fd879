"""The light entry path (mlpath/light.py) prints what the Typer path prints, byte for byte.

Every form the light path answers (`mlpath`, `mlpath next`, `mlpath done|reset|skip ID...`,
bash's id completion) runs twice as a real process, once through mlpath.__main__ (the light path) and once
straight through the Typer app (cli.main), each on its own copy of the same database, and must
give the same stdout, stderr and exit code, in each state below. A form the light path does not
answer must reach Typer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from mlpath import light
from mlpath.cli import app

SMALL = Path(__file__).parent / "data" / "small.yaml"
SMALL_IDS = ("linear-algebra", "calculus-videos", "stats-course", "colab", "sagemaker", "deep-learning-book")
LIGHT = "import sys; sys.argv = ['mlpath', *sys.argv[1:]]; from mlpath.__main__ import main; main()"
TYPER = "import sys; sys.argv = ['mlpath', *sys.argv[1:]]; from mlpath.cli import main; main()"
PROBE = ("import sys; sys.argv = ['mlpath', *sys.argv[1:]]; from mlpath.__main__ import main\n"
         "try:\n    main()\nexcept SystemExit:\n    pass\n"
         "print('LOADED=' + ','.join(sorted(m for m in ('typer', 'click', 'rich', 'mlpath.cli') if m in sys.modules)),"
         " file=sys.stderr)")


def process(script: str, args: list[str], env: dict[str, str]) -> tuple[str, str, int]:
    done = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True,
                          timeout=60)
    return done.stdout, done.stderr, done.returncode


class Twins:
    """Two homes holding the same database: one used by the light path, one by the Typer path."""

    def __init__(self, root: Path, extra: dict[str, str]) -> None:
        self.homes = {name: root / name for name in ("light", "typer")}
        for home in self.homes.values():
            home.mkdir()
        base = {k: v for k, v in os.environ.items() if not k.startswith(("MLPATH_", "_MLPATH", "COMP_"))}
        self.env = {name: base | {"MLPATH_DB": str(home / "mlpath.db")} | extra for name, home in self.homes.items()}

    def both(self, *args: str, env: dict[str, str] | None = None) -> tuple[str, str, int]:
        """Run args on both paths; assert they agree; return what they printed (home shown as HOME)."""
        seen = {}
        for name, script in (("light", LIGHT), ("typer", TYPER)):
            out, err, code = process(script, list(args), self.env[name] | (env or {}))
            home = str(self.homes[name])
            seen[name] = (out.replace(home, "HOME"), err.replace(home, "HOME"), code)
        assert seen["light"] == seen["typer"], args
        return seen["light"]


@pytest.fixture
def twins(tmp_path: Path) -> Twins:
    return Twins(tmp_path, {"MLPATH_ROADMAP": str(SMALL)})


def test_every_light_form_matches_typer_from_a_fresh_database_to_everything_done(twins):
    out, err, code = twins.both("next")  # fresh: the database is created
    assert code == 0 and "Created HOME/mlpath.db" in err and "linear-algebra" in out
    assert twins.both()[2] == 0  # the dashboard
    assert twins.both("done", "linear-algebra")[0].startswith("done: linear-algebra")
    assert twins.both("done", "linear-algebra")[2] == 0  # done again
    twins.both("done", "1.3", "colab")  # numbers and several ids
    for args in ([], ["next"]):
        twins.both(*args)
    twins.both("done", *SMALL_IDS)
    out, _, code = twins.both("next")  # everything done
    assert code == 0 and "done" in out.lower()
    twins.both()


def test_reset_and_skip_match_typer_and_change_the_status(twins):
    """`reset ID...` and `skip ID...` take no option: the light path runs them (with the status each
    command sets, light.MARKS) and prints what the Typer command prints, in every state."""
    twins.both("done", "linear-algebra", "colab")
    out, _, code = twins.both("reset", "linear-algebra")
    assert code == 0 and out.startswith("reset to todo: linear-algebra"), out
    assert twins.both("reset", "linear-algebra")[2] == 0  # already todo
    out, _, code = twins.both("skip", "1.3", "colab")  # a number, and a finished resource
    assert code == 0 and "skipped" in out, out
    assert twins.both("skip", "1.3")[2] == 0  # skipped again
    twins.both("reset", "1.3", "colab")
    for args in ([], ["next"], ["reset", "nope"], ["skip", "s"]):
        twins.both(*args)
    assert set(light.MARKS) <= light.ID_LIST_COMMANDS


def test_an_item_in_progress_shows_the_same(twins):
    for env in (twins.env["light"], twins.env["typer"]):
        assert process(TYPER, ["start", "stats-course"], env)[2] == 0
    assert "in progress" in twins.both("next")[0]
    twins.both()


@pytest.mark.parametrize("args", [["done", "nope"], ["done", "s"], ["done", "linear-algebra", "nope"],
                                  ["reset", "nope"], ["skip", "s"]])
def test_unknown_and_ambiguous_ids_fail_the_same_way(twins, args):
    out, err, code = twins.both(*args)
    assert code == 1 and out == "" and err.count("\n") == 2 and "Traceback" not in err  # Created, then error


def test_an_unusable_database_path_fails_the_same_way(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    twins = Twins(tmp_path, {})
    for args in ([], ["next"], ["done", "mml-book"]):
        _, err, code = twins.both(*args, env={"MLPATH_DB": str(blocker / "mlpath.db")})
        assert code == 1 and err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.parametrize("name", ["all", "nope"])
def test_the_roadmap_name_variable_is_read_the_same_way(twins, name):
    """MLPATH_ROADMAP_NAME (what --in sets) is read by the same function on both paths."""
    twins.both("next")
    for args in ([], ["next"], ["done", "colab"]):
        _, err, code = twins.both(*args, env={"MLPATH_ROADMAP_NAME": name})
        assert code == (1 if name == "nope" else 0), err


def test_colour_and_width_settings_give_the_same_bytes(twins):
    twins.both("next")
    for env in ({"NO_COLOR": "1"}, {"FORCE_COLOR": "1", "NO_COLOR": ""}, {"COLUMNS": "60"}, {"COLUMNS": "120"},
                {"FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "dumb"}):
        twins.both(env=env)
        twins.both("next", env=env)


@pytest.mark.parametrize("words", ["mlpath done ", "mlpath done li", "mlpath done linear-algebra s",
                                   "mlpath show c", "mlpath study ", "mlpath review s", "mlpath done zz"])
def test_bash_completion_of_ids_matches_typer(twins, words):
    twins.both("done", "colab")
    env = {"_MLPATH_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    assert light.command([], env, "mlpath") is not None  # answered by the light path
    out, _, code = twins.both(env=env)
    assert code == 0 and out.endswith("\n")


@pytest.mark.parametrize("shell", ["complete_zsh", "complete_fish"])
def test_zsh_and_fish_completion_go_to_typer_and_match(twins, shell):
    twins.both("next")
    env = {"_MLPATH_COMPLETE": shell, "_TYPER_COMPLETE_ARGS": "mlpath done li",
           "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    assert light.command([], env, "mlpath") is None
    assert "linear-algebra" in twins.both(env=env)[0]


@pytest.mark.parametrize("argv", [["next", "-n", "2"], ["next", "--json"], ["done", "--note", "x", "colab"],
                                  ["done", "-h"], ["done"], ["reset"], ["reset", "-h"], ["skip", "colab", "--help"],
                                  ["start", "colab"], ["--roadmap", "x.yaml"], ["--help"], ["stages"],
                                  ["done", "colab", "--stars", "4"], ["done", "\udcff"], ["nexts"]])
def test_any_option_or_other_command_goes_to_typer(argv):
    assert light.command(argv, {}, "mlpath") is None


@pytest.mark.parametrize("env", [
    {"COMP_WORDS": "mlpath done --no", "COMP_CWORD": "2"},
    {"COMP_WORDS": "mlpath log colab ", "COMP_CWORD": "3"},
    {"COMP_WORDS": "mlpath done 'li", "COMP_CWORD": "2"},
    {"COMP_WORDS": "mlpath list ", "COMP_CWORD": "2"},
    {"COMP_WORDS": "mlpath ", "COMP_CWORD": "1"},
])
def test_completion_it_does_not_answer_goes_to_typer(env):
    assert light.command([], env | {"_MLPATH_COMPLETE": "complete_bash"}, "mlpath") is None
    assert light.command([], env | {"_MLPATH_COMPLETE": "complete_bash"}, "python -m mlpath") is None


@pytest.mark.parametrize("cword", ["x", "", "-1", "1.5", "\u0663"])
def test_a_bash_completion_request_without_a_word_number_offers_nothing(cword, capsys, tmp_path, monkeypatch):
    # bash always sets COMP_CWORD to a number; anything else (a hand-set variable) offers no
    # candidates and exits 0, where Typer's completion stopped with a traceback
    monkeypatch.setenv("MLPATH_DB", str(tmp_path / "mlpath.db"))
    body = light.command([], {"_MLPATH_COMPLETE": "complete_bash", "COMP_WORDS": "mlpath done c",
                              "COMP_CWORD": cword}, "mlpath")
    assert body is not None
    with pytest.raises(SystemExit) as stop:
        light.run(body)
    assert stop.value.code == 0 and capsys.readouterr() == ("", "")
    assert not (tmp_path / "mlpath.db").exists()


def test_the_id_commands_are_those_the_typer_app_completes():
    """light.py's two tables of commands whose arguments are ids agree with the Typer app."""
    lists, firsts = set(), set()
    for name, command in typer.main.get_command(app).commands.items():
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        if arguments and getattr(arguments[0], "_custom_shell_complete", None) is not None:
            (lists if arguments[0].nargs == -1 else firsts).add(name)
    assert (lists, firsts) == (set(light.ID_LIST_COMMANDS), set(light.FIRST_ID_COMMANDS))


@pytest.mark.parametrize("args, env", [
    ([], {}), (["next"], {}), (["done", "colab"], {}), (["done", "nope"], {}), (["reset", "colab"], {}),
    (["skip", "colab"], {}),
    ([], {"_MLPATH_COMPLETE": "complete_bash", "COMP_WORDS": "mlpath done c", "COMP_CWORD": "2"}),
])
def test_the_light_path_imports_neither_typer_click_nor_rich(twins, args, env):
    home = twins.env["light"]
    process(LIGHT, ["next"], home)
    _, err, _ = process(PROBE, args, home | {"NO_COLOR": "1"} | env)
    assert err.splitlines()[-1] == "LOADED=", err


def test_a_light_form_with_an_option_still_works_through_typer(twins):
    out, _, code = twins.both("next", "--json")
    assert code == 0 and json.loads(out)[0]["id"] == "linear-algebra"


def test_the_installed_entry_point_is_the_light_one():
    """pyproject's console script is mlpath.__main__:main, which asks the light path first."""
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert 'mlpath = "mlpath.__main__:main"' in text
    assert shutil.which("mlpath") is None or Path(shutil.which("mlpath") or "").is_file()
