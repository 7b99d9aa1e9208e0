"""What every command module shares: errors as one red line and an exit code, strict
JSON, and tables that fit the console.

:func:`command` wraps each command so that a :class:`KennanError` prints every problem
as one red line on stderr and exits with status 1, never a traceback. Command modules
import from here, never from :mod:`kennan.cli.app`, which imports them to register
their commands.
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
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kennan.errors import KennanError

__all__ = ["MAX_PROBLEMS", "command", "err_console", "finite_json", "os_problem",
           "print_tables", "report_problems", "say_error", "stdout_writable"]

#: Problems printed at most; the rest are counted (a file can hold thousands of copies
#: of one mistake through YAML aliases).
MAX_PROBLEMS = 200

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


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
                say_error("out of memory: this machine could not hold the work asked for; "
                          "ask for less (fewer draws, points or base samples, a smaller "
                          "--chunk-size), or store a run's draws with --out")
                raise typer.Exit(code=1) from None
            except OSError as exc:
                message = os_problem(exc)
                if message:
                    say_error(message)
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


def say_error(message: str) -> None:
    err_console.print(Text(message, style="red"))


def os_problem(exc: OSError) -> str:
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


def stdout_writable() -> bool:
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


def print_tables(console: Console, title: str, courses: list[str],
                  columns: list[tuple[str, list[str]]]) -> None:
    """One row per course; columns grouped into tables that fit the console."""
    # Columns are separated by a space and padded by one either side, no outer edge.
    first = max(len("course"), *map(len, courses)) + 1
    groups: list[list[tuple[str, list[str]]]] = [[]]
    used = first
    for name, cells in columns:
        width = max(len(name), *(len(line) for cell in cells for line in cell.split("\n"))) + 3
        if groups[-1] and used + width - 1 > console.width:
            groups.append([])
            used = first
        groups[-1].append((name, cells))
        used += width
    for n, group in enumerate(groups):
        more = f" ({n + 1} of {len(groups)})" if len(groups) > 1 else ""
        table = Table(title=title + more, title_justify="left", box=box.SIMPLE_HEAD,
                      show_edge=False, pad_edge=False)
        table.add_column("course", no_wrap=True)
        for name, _ in group:
            table.add_column(name, justify="right", overflow="fold")
        for c, course in enumerate(courses):
            table.add_row(course, *(cells[c] for _, cells in group))
        console.print(table)
