"""The expected value of partial perfect information, by regression on the run's draws.

Strong, Oakley and Brennan (2014, Medical Decision Making 34:311-326): for a value
V_c of each course (here a course's probability of an outcome given the draw, or a
metric, signed so that more is better) and a judgment (or group of judgments) J,
``E[V_c | J]`` is estimated by a smoother of V_c on J fitted over the draws of one
run, and

    EVPPI(J) = mean over draws of max_c g_c(J) - max_c mean of V_c.

No nested simulation is needed: one run's draws suffice. The smoother for one
judgment is a cubic regression spline (truncated-power basis, knots at the
judgment's quantiles); for a group, the additive splines of its members plus
their pairwise products. Values are in the units of V (probability points for an
outcome); a value of information is never negative, so estimates are floored at 0.
Because every course sees the same draws (common random numbers), the fitted
curves of the courses share their noise and their maximum is little biased.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kennan.analysis.quantity import Quantity, quantity_of
from kennan.analysis.voi import uncertain_judgments
from kennan.errors import UsageError
from kennan.experiments.results import DrawArrays, Results

#: Interior knots of the cubic regression spline of one judgment.
KNOTS = 6


def spline_basis(x: np.ndarray, knots: int = KNOTS) -> np.ndarray:
    """Cubic regression spline basis of ``x`` (``(draws, columns)``, intercept excluded):
    x, x^2, x^3 and (x - k)^3_+ at ``knots`` interior quantiles, on x scaled to [0, 1]."""
    lo, hi = float(np.min(x)), float(np.max(x))
    z = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x, dtype=np.float64)
    cuts = np.unique(np.quantile(z, np.linspace(0, 1, knots + 2)[1:-1]))
    cols = [z, z * z, z ** 3] + [np.clip(z - k, 0.0, None) ** 3 for k in cuts]
    return np.column_stack(cols)


def fitted(values: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Least-squares fit of each row of ``values`` ``(courses, draws)`` on ``basis`` (with
    an intercept): the smoothed conditional means, same shape."""
    design = np.column_stack([np.ones(basis.shape[0]), basis])
    coef, *_ = np.linalg.lstsq(design, values.T, rcond=None)
    return (design @ coef).T


def group_basis(columns: list[np.ndarray]) -> np.ndarray:
    """Additive splines of each judgment of a group, plus pairwise products of the
    judgments scaled to [0, 1]."""
    parts = [spline_basis(c) for c in columns]
    scaled = [p[:, 0] for p in parts]
    for i in range(len(scaled)):
        for j in range(i + 1, len(scaled)):
            parts.append((scaled[i] * scaled[j])[:, None])
    return np.column_stack(parts)


def evppi_of(scores: np.ndarray, basis: np.ndarray) -> tuple[float, np.ndarray]:
    """EVPPI from ``scores`` ``(courses, draws)`` (higher is better) and a regression basis
    of the judgments; also the course chosen in each draw when the judgments are known."""
    g = fitted(scores, basis)
    best_now = float(scores.mean(axis=1).max())
    return max(float(g.max(axis=0).mean()) - best_now, 0.0), np.argmax(g, axis=0)


def evppi(results: Results, *, quantity: Quantity | None = None,
          judgments: Sequence[str] | None = None,
          groups: dict[str, Sequence[str]] | None = None,
          draws: DrawArrays | None = None) -> pd.DataFrame:
    """EVPPI of each uncertain judgment and of each named group, ranked, by regression.

    Columns: ``judgment`` (an id, or a group's name), ``members`` (the judgments it
    covers), ``evppi`` (units of the quantity), ``best`` (the course chosen without
    information) and ``share_switching`` (the share of draws in which knowing the
    judgments would change the choice)."""
    q = quantity or quantity_of(results.catalog)
    d = draws or results.per_draw()
    if d.count < 50:
        raise UsageError(f"EVPPI by regression needs at least 50 draws, got {d.count}")
    s = q.scores(d)
    best = int(np.argmax(s.mean(axis=1)))
    sets: dict[str, list[str]] = {j: [j] for j in uncertain_judgments(d, judgments)}
    for name, members in (groups or {}).items():
        unknown = [m for m in members if m not in d.judgments]
        if unknown:
            raise UsageError(f"group '{name}': unknown judgment(s) "
                             f"{', '.join(map(repr, unknown))}")
        sets[name] = list(members)
    rows = []
    for name, members in sets.items():
        cols = [np.asarray(d.judgments[m], dtype=np.float64) for m in members]
        basis = spline_basis(cols[0]) if len(cols) == 1 else group_basis(cols)
        value, choice = evppi_of(s, basis)
        rows.append({"judgment": name, "members": members, "evppi": value,
                     "best": d.courses[best],
                     "share_switching": float(np.mean(choice != best))})
    frame = pd.DataFrame(rows, columns=["judgment", "members", "evppi", "best",
                                        "share_switching"])
    return frame.sort_values("evppi", ascending=False, kind="stable").reset_index(drop=True)
