"""The Typer application: every command group registered, and the console entry point.

Each command group lives in a module of its own with a ``register(app)`` function and
is added here with one line. Commands stay thin: they forward to keyword-only library
functions, and share what they need from :mod:`kennan.cli.common` (where a
:class:`~kennan.errors.KennanError` becomes one red line and exit status 1).
"""

from __future__ import annotations

import contextlib
import os
import sys

import typer
from rich.text import Text

from kennan.cli import (
    analysis_commands,
    bargaining_commands,
    explore_commands,
    read_commands,
    replay_commands,
    run_commands,
    scenario_commands,
    update_commands,
)
from kennan.cli.common import err_console, os_problem, say_error, stdout_writable
from kennan.scenario.sourcepaths import ALLOW_ENV

app = typer.Typer(
    name="kennan",
    help="Strategic analysis: from a source document to an explicit, simulated model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _global_options(
    allow_sources: list[str] = typer.Option(  # noqa: B008 (typer's way)
        [], "--allow-sources", metavar="FOLDER",
        help="Let scenarios read sources from FOLDER too (besides the scenario's own folder "
             "and below); may be given more than once."),
) -> None:
    """Options that apply to every command (given before it)."""
    if allow_sources:
        # The environment, not a global: worker processes inherit it.
        before = [p for p in os.environ.get(ALLOW_ENV, "").split(os.pathsep) if p]
        os.environ[ALLOW_ENV] = os.pathsep.join([*before, *allow_sources])


# One line per command group; the order here is the order in --help.
for _group in (scenario_commands, run_commands, replay_commands, update_commands,
               read_commands, bargaining_commands, analysis_commands, explore_commands):
    _group.register(app)


def main() -> None:
    """Entry point of the ``kennan`` console script."""
    try:
        app()
    except SystemExit as done:
        code = done.code
    except OSError as exc:  # outside any command: --help into a full device
        message = os_problem(exc)
        if message:
            say_error(message)
        code = 1
    else:
        code = 0
    # Output still buffered is written now, while a failure can be said in one line.
    if not stdout_writable():
        with contextlib.suppress(OSError, ValueError):
            err_console.print(Text("cannot write the output: the device is full or the "
                                   "pipe is closed", style="red"))
        code = code or 1
    sys.exit(code)
