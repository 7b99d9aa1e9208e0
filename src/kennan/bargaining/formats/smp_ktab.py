"""Reading KTAB's CSV input layout for the spatial model of politics.

Line 1: scenario name, description, number of actors, number of dimensions (more
fields may follow). Line 2: headers: actor, description, capability, then a
(position, salience) pair per dimension. Then one line per actor: name,
description, capability, then a (position, salience) pair per dimension, both on
0-100, the saliences of an actor summing to at most 100. Text fields keep their
spaces; double quotes around a field are removed; lines may end with a comma;
fields past the expected ones are ignored, as KTAB does.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

import numpy as np

from kennan.bargaining.formats.limits import MAX_ACTORS, MAX_CAPABILITY
from kennan.bargaining.formats.textfile import read_text_file
from kennan.errors import Location, Problem, TableError

# KTAB adds saliences as it reads them; allow its rounding at exactly 100.
_SALIENCE_SLACK = 1e-9


class KtabTable(NamedTuple):
    """A KTAB table: positions on 0-100 as written, saliences on 0-1 (written / 100)."""

    names: list[str]
    capabilities: np.ndarray  # (actors,)
    positions: np.ndarray  # (actors, dims), 0-100
    saliences: np.ndarray  # (actors, dims), 0-1
    dim_names: list[str]


def _text(field: str) -> str:
    if len(field) >= 2 and field[0] == field[-1] == '"':
        return field[1:-1]
    return field


def load_ktab_csv(path: str | Path) -> KtabTable:
    """Read a KTAB SMP CSV; raise :class:`TableError` naming file, line and column."""
    name = str(path)
    text = read_text_file(path, what="the KTAB table")
    lines = text.splitlines()

    def fail(msg: str, line: int, col: int | None = None) -> TableError:
        return TableError(Problem(msg, Location(name, line, col)))

    def number(fields: list[str], line: int, col: int, what: str) -> float:
        if col > len(fields):
            raise fail(f"expected {what} in column {col}, but the line has only "
                       f"{len(fields)} field(s)", line, col)
        cell = _text(fields[col - 1].strip()).strip()
        if not cell:
            raise fail(f"expected a number for {what}, got an empty cell", line, col)
        try:
            value = float(cell)
        except ValueError:
            raise fail(f"expected a number for {what}, got {cell!r}", line, col) from None
        if not math.isfinite(value):
            raise fail(f"expected a finite number for {what}, got {cell!r}", line, col)
        return value

    if not lines:
        raise fail("expected a header line (scenario, description, actors, dimensions); "
                   "the file is empty", 1)
    head = lines[0].split(",")
    counts = []
    for col, what in ((3, "the number of actors"), (4, "the number of dimensions")):
        value = number(head, 1, col, what)
        if value != int(value):
            raise fail(f"expected a whole number for {what}, got {value:g}", 1, col)
        counts.append(int(value))
    n_act, n_dim = counts
    if n_act < 2:
        raise fail(f"expected at least 2 actors, got {n_act}", 1, 3)
    if n_dim < 1:
        raise fail(f"expected at least 1 dimension, got {n_dim}", 1, 4)
    if n_act > MAX_ACTORS:
        raise fail(f"expected at most {MAX_ACTORS:,} actors, got {n_act:,}: the models' work "
                   "grows with the square of the actors (or faster); group small actors into "
                   "blocs", 1, 3)
    if len(lines) < 2:
        raise fail("expected a line of column headers after line 1", 2)
    header = lines[1].split(",")
    width = 3 + 2 * n_dim
    if len(header) < width:
        raise fail(f"expected {width} column headers (actor, description, capability, then a "
                   f"position and a salience for each of {n_dim} dimension(s)), got "
                   f"{len(header)}", 2)
    dim_names = [_text(header[3 + 2 * k]) for k in range(n_dim)]
    rows = [(i + 1, line) for i, line in enumerate(lines) if i >= 2 and line.strip(" ,\t")]
    if len(rows) != n_act:
        raise fail(f"line 1 declares {n_act} actors, but {len(rows)} actor line(s) follow",
                   rows[n_act][0] if len(rows) > n_act else len(lines) + 1)
    names, caps = [], np.zeros(n_act)
    pos, sal = np.zeros((n_act, n_dim)), np.zeros((n_act, n_dim))
    for a, (line_no, line) in enumerate(rows):
        fields = line.split(",")
        names.append(_text(fields[0]))
        if not names[-1].strip():
            raise fail("expected an actor name, got an empty field", line_no, 1)
        caps[a] = number(fields, line_no, 3, "the capability")
        if not 0 <= caps[a] <= MAX_CAPABILITY:
            raise fail(f"expected a capability in [0, {MAX_CAPABILITY:g}], got {caps[a]:g}; "
                       "rescale the capabilities (only their ratios count)", line_no, 3)
        total = 0.0
        for k in range(n_dim):
            col = 4 + 2 * k
            pos[a, k] = number(fields, line_no, col, f"the position on {dim_names[k].strip()!r}")
            if not 0.0 <= pos[a, k] <= 100.0:
                raise fail(f"expected a position in [0, 100], got {pos[a, k]:g}", line_no, col)
            s = number(fields, line_no, col + 1, f"the salience on {dim_names[k].strip()!r}")
            if not 0.0 <= s <= 100.0:
                raise fail(f"expected a salience in [0, 100], got {s:g}", line_no, col + 1)
            total = total + s
            sal[a, k] = s
        if total > 100.0 + _SALIENCE_SLACK:
            raise fail(f"expected the saliences of actor {names[-1].strip()!r} to sum to at "
                       f"most 100, got {total:g}", line_no, 5)
        if total <= 0.0:
            raise fail(f"expected actor {names[-1].strip()!r} to have a positive salience on "
                       "some dimension, got all zero", line_no, 5)
    # KTAB divides by 100 before anything else; doing the same keeps its doubles exact.
    return KtabTable(names, caps, pos, sal / 100.0, dim_names)
