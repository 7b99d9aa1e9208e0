"""Negotiation tables: the plain CSV table and KTAB's CSV layout, read into one shape.

A plain table has a header row naming the columns ``actor``, ``position``,
``salience`` and ``capability`` (any order, any case; other columns are ignored) and
optionally ``reference`` (the status quo, the same in every row that gives it). One
row per actor. Saliences are on 0-1, or on 0-100 with ``salience_scale=100``.

KTAB's layout (line 1: scenario, description, actors, dimensions; line 2: headers;
then name, description, capability and a (position, salience) pair per dimension on
0-100) is recognised by the whole numbers in fields 3 and 4 of its first line, and
read by :func:`kennan.bargaining.formats.smp_ktab.load_ktab_csv`.

Every problem is a :class:`~kennan.errors.TableError` naming the file, the line
(the row in the file, header included) and the column.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kennan.bargaining.formats.limits import MAX_ACTORS, MAX_CAPABILITY, MAX_POSITION
from kennan.bargaining.formats.smp_ktab import load_ktab_csv
from kennan.bargaining.formats.textfile import read_text_file
from kennan.errors import Location, Problem, TableError

REQUIRED = ("actor", "position", "salience", "capability")


@dataclass(frozen=True)
class NegotiationTable:
    """Actors' positions, saliences (0-1) and capabilities on one or more dimensions.

    ``positions`` and ``saliences`` have shape ``(actors, dims)``; ``reference`` has
    shape ``(dims,)`` or is ``None``. ``layout`` is ``"plain"`` or ``"ktab"``.
    """

    origin: str
    names: list[str]
    positions: np.ndarray
    saliences: np.ndarray
    capabilities: np.ndarray
    dims: list[str]
    reference: np.ndarray | None
    layout: str


def read_table(path: str | Path, *, salience_scale: float = 1.0) -> NegotiationTable:
    """Read a plain or KTAB negotiation table; raise :class:`TableError` on bad input.

    ``salience_scale`` (1 or 100) is the top of the plain table's salience scale;
    KTAB tables are always on 0-100.
    """
    name = str(path)
    text = read_text_file(path, what="the table")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise TableError("expected a header row naming the columns actor, position, salience "
                         "and capability (or KTAB's layout); the file is empty", Location(name, 1))
    if _looks_like_ktab(rows[0]):
        return _read_ktab(name)
    return _read_plain(name, rows, [cell.strip().lower() for cell in rows[0]], salience_scale)


def _looks_like_ktab(first: list[str]) -> bool:
    """KTAB's line 1 gives the numbers of actors and dimensions in fields 3 and 4."""
    try:
        return len(first) >= 4 and all(float(f).is_integer() for f in first[2:4])
    except ValueError:
        return False


def _read_ktab(name: str) -> NegotiationTable:
    tab = load_ktab_csv(name)
    names = [n.strip() for n in tab.names]
    dims = [d.strip() or f"dimension {k + 1}" for k, d in enumerate(tab.dim_names)]
    return NegotiationTable(name, names, tab.positions, tab.saliences, tab.capabilities, dims,
                            None, "ktab")


def _read_plain(name: str, rows: list[list[str]], header: list[str],
                salience_scale: float) -> NegotiationTable:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise TableError(Problem(
            f"missing column(s) {', '.join(missing)}: expected a header naming actor, "
            f"position, salience and capability, got {', '.join(rows[0])}", Location(name, 1)))
    col = {c: header.index(c) for c in (*REQUIRED, "reference") if c in header}
    for c, j in col.items():
        if header.count(c) > 1:
            again = header.index(c, j + 1)
            raise TableError(Problem(f"column {c!r} appears twice in the header (columns "
                                     f"{j + 1} and {again + 1}); name each column once",
                                     Location(name, 1, again + 1)))
    problems: list[Problem] = []
    names: list[str] = []
    values = {c: [] for c in ("position", "salience", "capability")}
    refs: list[tuple[int, float]] = []

    def cell(fields: list[str], line: int, what: str) -> float | None:
        j = col[what]
        text = fields[j].strip() if j < len(fields) else ""
        where = Location(name, line, j + 1)
        try:
            value = float(text)
        except ValueError:
            got = f"{text!r}" if text else "an empty cell"
            problems.append(Problem(f"column {what}: expected a number, got {got}", where))
            return None
        if not math.isfinite(value):
            problems.append(Problem(f"column {what}: expected a finite number, got {text!r}",
                                    where))
            return None
        if what in ("position", "reference") and abs(value) > MAX_POSITION:
            problems.append(Problem(f"column {what}: expected a number in [-{MAX_POSITION:g}, "
                                    f"{MAX_POSITION:g}], got {value:g}; rescale the "
                                    "positions (any scale gives the same forecast)", where))
            return None
        if what == "capability" and value > MAX_CAPABILITY:
            problems.append(Problem(f"column capability: expected a number at most "
                                    f"{MAX_CAPABILITY:g}, got {value:g}; rescale the "
                                    "capabilities (only their ratios count)", where))
            return None
        return value

    for line, fields in enumerate(rows[1:], start=2):
        if not any(f.strip() for f in fields):
            continue  # blank lines carry no actor
        actor = fields[col["actor"]].strip() if col["actor"] < len(fields) else ""
        if not actor:
            problems.append(Problem("column actor: expected a name, got an empty cell",
                                    Location(name, line, col["actor"] + 1)))
        names.append(actor)
        x = cell(fields, line, "position")
        s = cell(fields, line, "salience")
        c = cell(fields, line, "capability")
        if s is not None and not 0.0 <= s <= salience_scale:
            hint = ("; if the table's saliences are on 0-100, pass --salience-scale 100"
                    if salience_scale == 1.0 and 1.0 < s <= 100.0 else "")
            problems.append(Problem(
                f"column salience: expected a number in [0, {salience_scale:g}], got {s:g}{hint}",
                Location(name, line, col["salience"] + 1)))
        if c is not None and c < 0:
            problems.append(Problem(f"column capability: expected a number >= 0, got {c:g}",
                                    Location(name, line, col["capability"] + 1)))
        if "reference" in col:
            j = col["reference"]
            if j < len(fields) and fields[j].strip():
                r = cell(fields, line, "reference")
                if r is not None:
                    refs.append((line, r))
        values["position"].append(x)
        values["salience"].append(s)
        values["capability"].append(c)
    if problems:
        raise TableError(problems)
    if len(names) < 2:
        raise TableError(Problem(f"expected at least 2 actors, got {len(names)}",
                                 Location(name, len(rows) + 1 if names else 2)))
    if len(names) > MAX_ACTORS:
        raise TableError(Problem(f"expected at most {MAX_ACTORS:,} actors, got "
                                 f"{len(names):,}: the models' work grows with the square of "
                                 "the actors (or faster); group small actors into blocs",
                                 Location(name, MAX_ACTORS + 2)))
    seen: dict[str, int] = {}
    for line, actor in enumerate(names, start=2):
        if actor in seen:
            problems.append(Problem(f"column actor: {actor!r} already given on line "
                                    f"{seen[actor]}", Location(name, line, col["actor"] + 1)))
        seen.setdefault(actor, line)
    sal = np.array(values["salience"]) / salience_scale
    cap = np.array(values["capability"], dtype=float)
    if not sal.any():
        problems.append(Problem("column salience: every salience is zero; nobody cares about "
                                "the issue, so there is nothing to forecast",
                                Location(name, 2, col["salience"] + 1)))
    if not cap.any():
        problems.append(Problem("column capability: every capability is zero",
                                Location(name, 2, col["capability"] + 1)))
    reference = None
    if refs:
        first_line, first = refs[0]
        for line, r in refs[1:]:
            if r != first:
                problems.append(Problem(
                    f"column reference: expected one reference point for the table, got "
                    f"{r:g} here and {first:g} on line {first_line}",
                    Location(name, line, col["reference"] + 1)))
        reference = np.array([first])
    if problems:
        raise TableError(problems)
    return NegotiationTable(name, names, np.array(values["position"])[:, None], sal[:, None],
                            cap, ["position"], reference, "plain")
