"""The one Typer app: every option, the global ones and the dashboard's entry.

The commands live in mlpath.commands, one module per group, each merged in here. Rendering,
storage and the ORM are imported inside the commands that need them. The daily forms that carry
no option (`mlpath`, `mlpath next`, `mlpath done ID...`, bash's id completion) are answered by
light.py before this module is imported, by the same functions (session.py) inside the same
error boundary (boundary.py); tests/test_light.py checks that both paths print the same bytes.

No `from __future__ import annotations` here, unlike the other modules: Typer would then have
to evaluate every annotation string at start-up, which measurably slows `mlpath --help`.
"""


import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from mlpath import VERSION_OPTION, boundary, session, version_line
from mlpath.commands import reviews, roadmaps, study, tracking, transfer, views
from mlpath.errors import first_undecodable
from mlpath.lean import only
from mlpath.light import COMPLETE_VAR

# The one place mlpath reaches into Typer's private, vendored click (typer._click, Typer 0.27-0.29):
# a command-line mistake raises its ClickException. If an upgrade moves it, mlpath falls back to
# Typer's own error display, and tests/test_architecture.py::test_typer_still_vendors_click fails,
# naming this import.
try:
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover
    VENDORED_CLICK = False
else:
    VENDORED_CLICK = True


class _Group(TyperGroup):
    """Errors as one line on stderr: an expected failure exits 1, a command-line mistake exits 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if boundary.handled(exc):
                raise typer.Exit(1) from None
            raise

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Typer draws usage errors as a multi-line box; run non-standalone to print one line.
        if kwargs.get("standalone_mode", True) is False or not VENDORED_CLICK:
            return super().main(*args, **kwargs)
        argv = list(args[0] if args else kwargs.get("args") or sys.argv[1:])
        undecodable = first_undecodable(argv)
        if undecodable:  # bytes that are not UTF-8: no command could store or show them
            from mlpath import render

            render.usage_error(f"argument {undecodable} ({argv[undecodable - 1]!r}) is not valid UTF-8 text",
                               "mlpath")
            sys.exit(2)
        try:
            code = super().main(*args, **{**kwargs, "standalone_mode": False})
        except ClickException as exc:
            if isinstance(exc, NoArgsIsHelpError):  # a group named alone (`mlpath roadmap`): its help
                typer.echo(exc.format_message())
                sys.exit(0)
            from mlpath import render

            context = getattr(exc, "ctx", None)
            render.usage_error(exc.format_message(), context.command_path if context else "mlpath")
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.stderr.write("Aborted.\n")
            sys.exit(1)
        except BrokenPipeError:
            boundary.quiet_stdout()
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_Group,
    name="mlpath",
    help="mlpath: a study tracker for learning machine learning, one resource at a time.\n\n"
    "Run it alone for a dashboard; `mlpath next` says what to study next.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    # Help as plain text (click's formatter), not Rich panels: the same at any width, piped or in
    # NO_COLOR, and `mlpath --help` runs in half the time (Rich's import and layout were most of it).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    roadmap: Annotated[
        Path | None,
        typer.Option(
            "--roadmap",
            help="Track your own roadmap file (same schema as data/roadmap.yaml) instead of the bundled one; "
            "MLPATH_ROADMAP does the same. Example: mlpath --roadmap my-roadmap.yaml next",
            show_default=False, metavar="FILE",
        ),
    ] = None,
    scope: Annotated[
        str | None,
        typer.Option(
            "--in",
            help="Only this tracked roadmap (see `mlpath roadmap list`); MLPATH_ROADMAP_NAME does the same, and "
            "`mlpath roadmap use NAME` makes it the default. Example: mlpath --in fastai next",
            show_default=False, metavar="NAME",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(VERSION_OPTION, help="Print mlpath's version and exit, e.g. mlpath --version.", callback=_version,
                     is_eager=True),
    ] = False,
) -> None:
    """Show the dashboard: overall progress, a bar per stage and what to study next.

    Example: mlpath"""
    ctx.obj = session.state(str(roadmap) if roadmap else None, scope)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        session.dashboard(ctx.obj)



app.add_typer(views.app)
app.add_typer(tracking.app)
app.add_typer(study.app)
app.add_typer(reviews.app)
app.add_typer(transfer.app)
app.add_typer(roadmaps.app)


def main() -> None:
    """Run the Typer app (the `mlpath` command, mlpath.__main__, calls it).

    A command line that starts with a command's name runs a copy of the app holding only that
    command (lean.only); anything else (root options first, --help, a typo, completion) the whole app."""
    first = sys.argv[1] if len(sys.argv) > 1 else "-"
    lean = None if first.startswith("-") or COMPLETE_VAR in os.environ else only(app, first)
    (lean or app)()
