"""The project's one exception family.

Every error a user can cause by bad input is a :class:`KennanError`. It carries one
or more :class:`Problem` objects, each with the place it was found (file, line,
column where known), so the command line can print every problem at once as
``FILE:LINE:COL: message`` and exit with status 1, never a traceback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: A message longer than this is cut in its middle: a value quoted back from a hostile
#: file (a YAML alias of a megabyte string) must not flood the terminal.
MAX_MESSAGE = 1000
#: Runs of more than this many characters without a blank are shortened wherever they
#: appear in a message.
MAX_RUN = 120
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and, where known, a 1-based line and column."""

    file: str | None = None
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where."""

    message: str
    location: Location | None = None

    def __post_init__(self) -> None:
        if len(self.message) > MAX_RUN:
            object.__setattr__(self, "message", shorten(self.message))

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


def place_key(problem: Problem) -> tuple[int, int]:
    """(line, column) of ``problem``, 0 where unknown: the key that orders problems by place."""
    loc = problem.location
    return (loc.line or 0, loc.col or 0) if loc else (0, 0)


def by_place(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` in the order of their places in the file (stable among equals)."""
    return sorted(problems, key=place_key)


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the option closest to ``word``, or an empty string."""
    close = difflib.get_close_matches(word, sorted(set(options)), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def shorten(message: str) -> str:
    """``message`` with long unbroken runs and an overlong middle elided, saying how much."""
    def cut(m: re.Match[str]) -> str:
        run = m.group(0)
        return f"{run[:60]}...[{len(run) - 80:,} characters]...{run[-20:]}"

    text = _LONG_RUN.sub(cut, message)
    if len(text) > MAX_MESSAGE:
        head, tail = text[: MAX_MESSAGE * 2 // 3], text[-MAX_MESSAGE // 4:]
        text = f"{head} ...[{len(text) - len(head) - len(tail):,} characters]... {tail}"
    return text


class KennanError(Exception):
    """Base of every error kennan raises for bad input or a failed run."""

    def __init__(self, problems: str | Problem | Iterable[Problem],
                 location: Location | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems, location)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ScenarioError(KennanError):
    """A scenario file is malformed or inconsistent."""


class ExpressionError(KennanError):
    """An expression in a scenario cannot be parsed, checked or compiled."""


class ReadError(KennanError):
    """A source document (FRUS TEI, plain text) cannot be read."""


class TableError(KennanError):
    """A tabular input (negotiation table, DEU file) is malformed."""


class SimulationError(KennanError):
    """A run failed: a numerical fault, an interrupted or inconsistent result store."""


class UsageError(KennanError):
    """A command was given an id, option or path that does not exist."""
