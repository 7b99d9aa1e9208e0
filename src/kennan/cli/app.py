"""The Typer application and the one place where errors become exit codes.

Each command group lives in a module of its own with a ``register(app)`` function
and is added here with one line. Commands stay thin: they forward to keyword-only
library functions. :func:`command` wraps each one so that a :class:`KennanError`
prints every problem as one red line on stderr and exits with status 1.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import math
import os
import sys
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

#: Problems printed at most; the rest are counted (a file can hold thousands of copies
#: of one mistake through YAML aliases).
MAX_PROBLEMS = 200

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@app.callback()
def _global_options(
    allow_sources: list[str] = typer.Option(  # noqa: B008 (typer's way)
        [], "--allow-sources", metavar="FOLDER",
        help="Let scenarios read sources from FOLDER too (besides the scenario's own folder "
             "and below); may be given more than once."),
) -> None:
    """Options that apply to every command (given before it)."""
    if allow_sources:
        from kennan.scenario.sourcepaths import ALLOW_ENV

        # The environment, not a global: worker processes inherit it.
        before = [p for p in os.environ.get(ALLOW_ENV, "").split(os.pathsep) if p]
        os.environ[ALLOW_ENV] = os.pathsep.join([*before, *allow_sources])


def report_problems(exc: KennanError) -> None:
    """Print each problem of ``exc`` on a line of its own, in red, on stderr."""
    for problem in exc.problems[:MAX_PROBLEMS]:
        err_console.print(Text(str(problem), style="red"))
    if len(exc.problems) > MAX_PROBLEMS:
        err_console.print(Text(f"... and {len(exc.problems) - MAX_PROBLEMS:,} more problems "
                               "(fix these first)", style="red"))


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
            except MemoryError:
                _one_line("out of memory: this machine could not hold the work asked for; "
                          "ask for less (fewer draws, points or base samples, a smaller "
                          "--chunk-size), or store a run's draws with --out")
                raise typer.Exit(code=1) from None
            except OSError as exc:
                message = _os_problem(exc)
                if message:
                    _one_line(message)
                raise typer.Exit(code=1) from None

        target.command(name=name, **kwargs)(guarded)
        return func

    return decorate


def finite_json(data: Any) -> Any:
    """``data`` with NaN and infinities as null, so the JSON is valid (strict JSON has no
    NaN or Infinity)."""
    if isinstance(data, dict):
        return {k: finite_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [finite_json(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data


def _one_line(message: str) -> None:
    err_console.print(Text(message, style="red"))


def _os_problem(exc: OSError) -> str:
    """One line for an OSError no command turned into a KennanError: most often the
    output cannot be written (``> /dev/full``); nothing for a closed pipe (``| head``),
    which is the reader's choice, not a fault."""
    reason = exc.strerror or str(exc)
    if exc.filename is None and exc.errno in _OUTPUT_ERRORS:
        _silence_stdout()
        return "" if exc.errno == errno.EPIPE else f"cannot write the output: {reason}"
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{reason}"


_OUTPUT_ERRORS = (errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EBADF, errno.EDQUOT,
                  errno.EFBIG)


def _stdout_writable() -> bool:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()
        return False
    return True


def _silence_stdout() -> None:
    # What could not be written is dropped, so that Python's own flush at exit does not
    # print a second error (with a traceback) about the same full disk or closed pipe.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


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
    try:
        app()
    except SystemExit as done:
        code = done.code
    except OSError as exc:  # outside any command: --help into a full device
        message = _os_problem(exc)
        if message:
            _one_line(message)
        code = 1
    else:
        code = 0
    # Output still buffered is written now, while a failure can be said in one line.
    if not _stdout_writable():
        with contextlib.suppress(OSError, ValueError):
            err_console.print(Text("cannot write the output: the device is full or the "
                                   "pipe is closed", style="red"))
        code = code or 1
    sys.exit(code)
