"""Dependent judgments: rank correlations and orders, checked before anything runs.

A ``correlations`` entry names judgments whose draws move together and their
Spearman rank correlations; an ``orders`` entry names judgments that are
decreasing in every draw. The engine samples both on the inverse-CDF path
(:mod:`kennan.engine.dependence`); here every way a declaration can be
impossible is reported at its place: unknown, repeated or constant judgments,
entries outside [-1, 1], a matrix that is not square, symmetric, unit on its
diagonal or positive semi-definite, a cycle among orders, and an order whose
judgments' ranges contradict it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from kennan.errors import did_you_mean
from kennan.scenario.distributions import Distribution, fmt
from kennan.scenario.judgments import describe_grounds
from kennan.scenario.schema import Correlation, Dependency, Scenario
from kennan.scenario.yamlsource import PathKey

#: Smallest eigenvalue a correlation matrix may have and still count as positive
#: semi-definite (rounding in the entries as written).
PSD_TOLERANCE = 1e-9

At = Callable[..., None]


def rank_matrix(c: Correlation) -> np.ndarray:
    """The declared Spearman matrix of ``c`` (a number fills every pair)."""
    k = len(c.judgments)
    if isinstance(c.rank, list):
        return np.array(c.rank, dtype=float)
    m = np.full((k, k), float(c.rank))
    np.fill_diagonal(m, 1.0)
    return m


def normal_matrix(rank: np.ndarray) -> np.ndarray:
    """The correlation of the normal scores that gives Spearman correlation ``rank`` under a
    Gaussian copula: ``2 sin(pi r / 6)`` (Pearson 1907; Kruskal 1958)."""
    out = 2.0 * np.sin(np.pi * rank / 6.0)
    np.fill_diagonal(out, 1.0)
    return out


def dependency_groups(s: Scenario) -> list[list[str]]:
    """Judgments linked by any correlation or order, as groups of two or more in the
    scenario's judgment order: each group is one factor for sensitivity."""
    parent = {j.id: j.id for j in s.judgments}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for dep in [*s.correlations, *s.orders]:
        known = [j for j in dep.judgments if j in parent]
        for other in known[1:]:
            parent[find(other)] = find(known[0])
    groups: dict[str, list[str]] = {}
    for j in s.judgments:
        groups.setdefault(find(j.id), []).append(j.id)
    return [g for g in groups.values() if len(g) > 1]


def check_dependencies(s: Scenario, distributions: Mapping[str, Distribution], at: At) -> None:
    """Report every impossible correlation or order (see the module's docstring)."""
    correlated: dict[str, int] = {}
    for i, c in enumerate(s.correlations):
        base = ("correlations", i)
        names = _check_names(s, base, c.judgments, distributions, at)
        for n, j in enumerate(c.judgments):
            if j in names and distributions[j].is_constant:
                at((*base, "judgments", n), f"judgment '{j}' is a constant; only an uncertain "
                                            "judgment can be correlated")
            elif j in correlated and correlated[j] != i:
                at((*base, "judgments", n),
                   f"judgment '{j}' is already in correlations[{correlated[j]}]; give the "
                   "judgments that move together one matrix")
            correlated.setdefault(j, i)
        _check_matrix(c, base, at)
    _check_orders(s, distributions, at)


def _check_names(s: Scenario, base: PathKey, names: list[str],
                 distributions: Mapping[str, Distribution], at: At) -> set[str]:
    known = {j.id for j in s.judgments}
    seen: set[str] = set()
    good = set()
    for n, j in enumerate(names):
        if j not in known:
            at((*base, "judgments", n), f"unknown judgment '{j}'{did_you_mean(j, known)}")
        elif j in seen:
            at((*base, "judgments", n), f"judgment '{j}' is listed twice")
        elif j in distributions:
            good.add(j)
        seen.add(j)
    return good


def _check_matrix(c: Correlation, base: PathKey, at: At) -> None:
    k = len(c.judgments)
    path = (*base, "rank")
    if not isinstance(c.rank, list):
        if not -1.0 <= c.rank <= 1.0:
            at(path, f"a rank correlation lies in [-1, 1], got {fmt(c.rank)}")
            return
    else:
        rows = c.rank
        if len(rows) != k or any(len(r) != k for r in rows):
            got = f"{len(rows)} rows of {', '.join(str(len(r)) for r in rows) or 'no'} entries"
            at(path, f"the rank matrix must be {k} x {k} (a row and a column for each of the "
                     f"{k} judgments, in their order), got {got}")
            return
        bad = False
        for r in range(k):
            for q in range(k):
                x = rows[r][q]
                where = (*path, r, q)
                if q < r and x == rows[q][r]:
                    continue  # its mirror above the diagonal speaks for it
                if not math.isfinite(x) or not -1.0 <= x <= 1.0:
                    at(where, f"a rank correlation lies in [-1, 1], got {fmt(x)}")
                elif r == q and x != 1.0:
                    at(where, f"the diagonal of a rank matrix is 1 (each judgment with itself), "
                              f"got {fmt(x)}")
                elif q < r and x != rows[q][r]:
                    at(where, f"the rank matrix must be symmetric: row {r + 1} column {q + 1} "
                              f"is {fmt(x)}, row {q + 1} column {r + 1} is {fmt(rows[q][r])}")
                else:
                    continue
                bad = True
        if bad:
            return
    rank = rank_matrix(c)
    low = float(np.linalg.eigvalsh(rank).min())
    if low < -PSD_TOLERANCE:
        at(path, f"the rank correlations are not positive semi-definite (smallest eigenvalue "
                 f"{low:.3g}): no joint distribution has them; weaken the strongest ones")
        return
    low = float(np.linalg.eigvalsh(normal_matrix(rank)).min())
    if low < -PSD_TOLERANCE:
        at(path, f"the Gaussian copula cannot give these rank correlations: their normal-scale "
                 f"matrix 2 sin(pi r / 6) is not positive semi-definite (smallest eigenvalue "
                 f"{low:.3g}); weaken the strongest ones")


def _check_orders(s: Scenario, distributions: Mapping[str, Distribution], at: At) -> None:
    below: dict[str, set[str]] = {}  # u -> judgments ordered directly below u
    for i, o in enumerate(s.orders):
        base = ("orders", i)
        good = _check_names(s, base, o.judgments, distributions, at)
        for n in range(1, len(o.judgments)):
            hi, lo = o.judgments[n - 1], o.judgments[n]
            if hi not in good or lo not in good:
                continue
            back = _path(below, lo, hi)
            if back is not None:
                at((*base, "judgments", n),
                   f"the orders form a cycle: {' >= '.join([*back, lo])}; a judgment cannot be "
                   "above itself")
                continue
            below.setdefault(hi, set()).add(lo)
            (hl, hh), (ll, lh) = distributions[hi].bounds, distributions[lo].bounds
            if hl < ll or hh < lh:
                at((*base, "judgments", n),
                   f"'{hi}' is to be at least '{lo}' in every draw, but '{hi}' ranges over "
                   f"[{fmt(hl)}, {fmt(hh)}] and '{lo}' over [{fmt(ll)}, {fmt(lh)}]: the "
                   "higher judgment's range may not start or end below the lower one's")


def _path(below: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A chain start >= ... >= goal through ``below``, or None."""
    prev: dict[str, str | None] = {start: None}
    todo = [start]
    while todo:
        x = todo.pop()
        if x == goal:
            out = [x]
            while prev[out[-1]] is not None:
                out.append(prev[out[-1]])  # type: ignore[arg-type]
            return out[::-1]
        for y in sorted(below.get(x, ())):
            if y not in prev:
                prev[y] = x
                todo.append(y)
    return None


def describe_dependencies(s: Scenario) -> list[dict[str, object]]:
    """Each correlation and order in words, for ``kennan judgments`` and the report:
    ``{"kind", "judgments", "text", "grounds"}`` (and ``"rank"`` for a correlation)."""

    def grounds(d: Dependency) -> str:
        cite = None if d.cite is None else (d.cite.source, d.cite.paragraph, d.cite.quote)
        supports = None if d.cite is None else (d.cite.supports or "magnitude")
        return describe_grounds(cite, supports, d.assumption)

    out: list[dict[str, object]] = []
    for c in s.correlations:
        if isinstance(c.rank, list):
            pairs = [f"{a}~{b} {fmt(c.rank[i][k])}" for i, a in enumerate(c.judgments)
                     for k, b in enumerate(c.judgments) if k > i]
            text = f"rank correlations {', '.join(pairs)}"
        else:
            text = f"rank correlation {fmt(c.rank)} between each pair of " \
                   f"{', '.join(c.judgments)}"
        out.append({"kind": "correlation", "judgments": list(c.judgments), "rank": c.rank,
                    "text": text, "grounds": grounds(c)})
    for o in s.orders:
        out.append({"kind": "order", "judgments": list(o.judgments),
                    "text": "in every draw " + " >= ".join(o.judgments),
                    "grounds": grounds(o)})
    return out
