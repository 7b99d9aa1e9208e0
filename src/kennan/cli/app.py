"""The Typer application and the one place where errors become exit codes.

Each command group lives in a module of its own with a ``register(app)`` function
and is added here with one line. Commands stay thin: they forward to keyword-only
library functions. :func:`command` wraps each one so that a :class:`KennanError`
prints every problem as one red line on stderr and exits with status 1.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from kennan.errors import KennanError

app = typer.Typer(
    name="kennan",
    help="Strategic analysis: from a source document to an explicit, simulated model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def report_problems(exc: KennanError) -> None:
    """Print each problem of ``exc`` on a line of its own, in red, on stderr."""
    for problem in exc.problems:
        err_console.print(Text(str(problem), style="red"))


def command(target: typer.Typer, name: str | None = None, **kwargs: Any) -> Callable:
    """Register a command on ``target`` with KennanError mapped to exit status 1."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def guarded(*args: Any, **kw: Any) -> Any:
            try:
                return func(*args, **kw)
            except KennanError as exc:
                report_problems(exc)
                raise typer.Exit(code=1) from None
            except KeyboardInterrupt:
                err_console.print(Text("Interrupted.", style="red"))
                raise typer.Exit(code=130) from None

        target.command(name=name, **kwargs)(guarded)
        return func

    return decorate


def _register() -> None:
    # One line per command group; the order here is the order in --help.
    from kennan.cli import scenario_commands

    scenario_commands.register(app)
    from kennan.cli import run_commands

    run_commands.register(app)
    from kennan.cli import replay_commands

    replay_commands.register(app)
    from kennan.cli import update_commands

    update_commands.register(app)
    from kennan.cli import read_commands

    read_commands.register(app)
    from kennan.cli import bargaining_commands

    bargaining_commands.register(app)
    from kennan.cli import analysis_commands

    analysis_commands.register(app)
    from kennan.cli import explore_commands

    explore_commands.register(app)


_register()


def main() -> None:
    """Entry point of the ``kennan`` console script."""
    app()
