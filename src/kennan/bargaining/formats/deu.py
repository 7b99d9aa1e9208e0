"""Reading files in the DEU layout (Decision-making in the European Union, DEU III).

Tab-separated, strings quoted. Row 1: the header. Row 2: capabilities, in the
position columns only. Then one row per issue with the proposal (``prnr``), the
Council voting rule (``counvte``: QMV or Unan), the procedure (``proc``: COD or CNS),
positions ``p<actor>`` (0-100, blank: no position), saliences ``s<actor>`` (0-100,
blank or 0: not a member or no stake), the reference point ``rp`` and the outcome
``out`` (either may be blank). The shipped ``deu3`` data is described in
``kennan/data/bargaining/README.md``.

An actor takes part in an issue when it has a position and a positive salience.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import numpy as np

from kennan.bargaining.formats.textfile import read_text_file
from kennan.errors import Location, Problem, TableError

SHIPPED = MappingProxyType({"deu3": "deu3_dev.tsv"})
_NEEDED = ("prnr", "counvte", "proc", "rp", "out")
_RULES = MappingProxyType(
    {"qmv": "QMV", "qmv(10)": "QMV", "unan": "unanimity", "unanimity": "unanimity"})


@dataclass(frozen=True)
class DeuData:
    """Issues of a DEU file, one row per issue; ``actors`` are the column codes.

    ``positions``, ``saliences`` (0-1): ``(issues, actors)``, NaN / 0 where absent.
    ``capabilities`` ``(actors,)``; ``reference`` and ``outcome`` ``(issues,)``, NaN where
    blank; ``rule`` QMV or unanimity, ``procedure`` as written (COD, CNS, ...);
    ``proposal`` the proposal id of each issue, ``line`` its line in the file.
    """

    origin: str
    actors: list[str]
    capabilities: np.ndarray
    positions: np.ndarray
    saliences: np.ndarray
    reference: np.ndarray
    outcome: np.ndarray
    rule: np.ndarray
    procedure: np.ndarray
    proposal: np.ndarray
    line: np.ndarray

    @property
    def taking_part(self) -> np.ndarray:
        """``(issues, actors)``: a position and a positive salience."""
        return ~np.isnan(self.positions) & (self.saliences > 0)


def load_deu(source: str | Path) -> DeuData:
    """Read ``"deu3"`` (the shipped DEU III subset) or a path to a file in the DEU layout."""
    if str(source) in SHIPPED:
        ref = resources.files("kennan") / "data" / "bargaining" / "deu3" / SHIPPED[str(source)]
        with resources.as_file(ref) as path:
            return _read(path, str(source))
    return _read(Path(source), str(source))


def _read(path: Path, name: str) -> DeuData:
    text = read_text_file(path, what="the DEU file")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if len(rows) < 2:
        raise TableError("expected a header row and a row of capabilities", Location(name, 1))
    header = [h.strip() for h in rows[0]]
    col: dict[str, int] = {}
    for j, h in enumerate(header):
        if h and h in col:  # which of the two would count? Neither, silently.
            raise TableError(Problem(f"column {h!r} appears twice in the header (columns "
                                     f"{col[h] + 1} and {j + 1}); name each column once",
                                     Location(name, 1, j + 1)))
        col.setdefault(h, j)
    missing = [h for h in _NEEDED if h not in col]
    actors = [h[1:] for h in header if h.startswith("p") and "s" + h[1:] in col
              and h not in ("prnr", "proc")]
    if not actors:
        missing.append("p<actor>/s<actor> pairs")
    if missing:
        raise TableError(Problem(f"missing column(s) {', '.join(missing)}: expected the DEU "
                                 "layout (see kennan/data/bargaining/README.md)",
                                 Location(name, 1)))
    problems: list[Problem] = []

    def number(row: list[str], line: int, key: str, lo: float, hi: float) -> float:
        j = col[key]
        cell = row[j].strip() if j < len(row) else ""
        if not cell:
            return math.nan
        try:
            value = float(cell)
        except ValueError:
            problems.append(Problem(f"column {key}: expected a number, got {cell!r}",
                                    Location(name, line, j + 1)))
            return math.nan
        if not (lo <= value <= hi and math.isfinite(value)):  # NaN fails the comparison
            problems.append(Problem(f"column {key}: expected a number in [{lo:g}, {hi:g}], "
                                    f"got {cell!r}", Location(name, line, j + 1)))
            return math.nan
        return value

    caps = np.array([number(rows[1], 2, "p" + a, 0.0, math.inf) for a in actors])
    for a, v in zip(actors, caps, strict=True):
        j = col["p" + a]
        if math.isnan(v) and (j >= len(rows[1]) or not rows[1][j].strip()):
            problems.append(Problem(f"column p{a}: expected the actor's capability in row 2, "
                                    "got an empty cell", Location(name, 2, j + 1)))
    body = [(i + 1, r) for i, r in enumerate(rows) if i >= 2 and any(c.strip() for c in r)]
    n, k = len(body), len(actors)
    pos, sal = np.full((n, k), math.nan), np.zeros((n, k))
    ref, out = np.full(n, math.nan), np.full(n, math.nan)
    rule, proc, prop = np.empty(n, dtype=object), np.empty(n, dtype=object), np.empty(n, object)
    lines = np.zeros(n, dtype=int)
    for i, (line, row) in enumerate(body):
        lines[i] = line
        for j, a in enumerate(actors):
            pos[i, j] = number(row, line, "p" + a, 0.0, 100.0)
            s = number(row, line, "s" + a, 0.0, 100.0)
            sal[i, j] = 0.0 if math.isnan(s) else s / 100.0
        ref[i] = number(row, line, "rp", 0.0, 100.0)
        out[i] = number(row, line, "out", 0.0, 100.0)
        vote = row[col["counvte"]].strip() if col["counvte"] < len(row) else ""
        if vote.lower() not in _RULES:
            problems.append(Problem(f"column counvte: expected QMV or Unan, got {vote!r}",
                                    Location(name, line, col["counvte"] + 1)))
        rule[i] = _RULES.get(vote.lower(), vote)
        proc[i] = row[col["proc"]].strip() if col["proc"] < len(row) else ""
        prop[i] = row[col["prnr"]].strip() if col["prnr"] < len(row) else ""
    if problems:
        raise TableError(problems[:50])
    if n == 0:
        raise TableError("expected issues after the row of capabilities; found none",
                         Location(name, 3))
    return DeuData(name, actors, caps, pos, sal, ref, out, rule.astype(str), proc.astype(str),
                   prop.astype(str), lines)


def council_weights(data: DeuData) -> np.ndarray:
    """Council QMV weights per issue ``(issues, actors)``; 0 for the Commission and EP.

    The enlargement is read from membership: issues with at most 15 member states
    use the EU15 weights, larger Councils the Nice weights (EU25 onwards). Actor
    codes are matched to the weights' country names through ``deu3/actors.csv``.
    """
    folder = resources.files("kennan") / "data" / "bargaining" / "deu3"
    with (folder / "actors.csv").open() as fh:
        code_of = {row["name"]: row["code"] for row in csv.DictReader(fh)}
    with (folder / "eu_council_qmv_weights.csv").open() as fh:
        table = list(csv.DictReader(fh))
    eu15, nice = np.zeros(len(data.actors)), np.zeros(len(data.actors))
    for row in table:
        code = code_of.get(row["name"])
        if code in data.actors:
            j = data.actors.index(code)
            eu15[j] = float(row["eu15"]) if row["eu15"] != "NA" else 0.0
            nice[j] = float(row["eu25_av"]) if row["eu25_av"] != "NA" else 0.0
    members = ((data.saliences > 0) & (nice > 0)).sum(axis=1)
    return np.where((members <= 15)[:, None], eu15, nice)
