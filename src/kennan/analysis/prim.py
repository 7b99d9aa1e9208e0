"""PRIM, the patient rule induction method (Friedman and Fisher 1999), honest about chance.

PRIM peels a box in judgment space, a small share ``alpha`` of the draws at a
time, keeping the peel that most raises the box's *density* (the share of its
draws that are hits), until the box holds too few draws; then pastes back what
raises density again. Along the way it trades *coverage* (the share of all hits
inside the box) for density.

Searching many boxes finds some that look dense by chance. So the draws are split
at random in two halves: peeling and pasting use one; the other, held out,
chooses the box along the peeling trajectory, decides which limits matter (a
limit stays only when the draws it alone excludes are clearly poorer in hits),
and measures coverage, density and mass. A box is reported only when its
held-out density clears the held-out share of hits by ``min_z`` binomial
standard errors. Covering repeats the search on the draws earlier boxes left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kennan.errors import UsageError


@dataclass(frozen=True)
class Box:
    """Limits on some judgments (``low < x <= high``; infinite ends are open), with the
    share of all hits inside (coverage), the share of the box's draws that are hits
    (density) and the share of all draws inside (mass), measured on held-out draws."""

    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    mass: float
    #: For each limited judgment, the percentiles of its draws at the limits (0-100).
    percentiles: dict[str, tuple[float, float]] = field(default_factory=dict)

    def rule(self) -> str:
        """The box as a readable condition, e.g. ``balance > 0.62 and vindication <= 0.9``."""
        if not self.limits:
            return "always"
        parts = []
        for name, (lo, hi) in self.limits.items():
            if np.isfinite(lo) and np.isfinite(hi):
                parts.append(f"{_num(lo)} < {name} <= {_num(hi)}")
            elif np.isfinite(lo):
                parts.append(f"{name} > {_num(lo)}")
            else:
                parts.append(f"{name} <= {_num(hi)}")
        return " and ".join(parts)

    def explain(self) -> str:
        """The rule with where its limits fall in each judgment's draws."""
        parts = []
        for name, (plo, phi) in self.percentiles.items():
            if plo > 0 and phi < 100:
                parts.append(f"{name} between its {plo:.0f}th and {phi:.0f}th percentiles")
            elif plo > 0:
                parts.append(f"{name} in its top {100 - plo:.0f}%")
            else:
                parts.append(f"{name} in its bottom {phi:.0f}%")
        return "; ".join(parts)


def prim_boxes(x: np.ndarray, y: np.ndarray, names: Sequence[str], *, alpha: float = 0.05,
               min_mass: float = 0.05, min_coverage: float = 0.3, max_boxes: int = 3,
               min_z: float = 2.0, seed: int = 0) -> list[Box]:
    """PRIM with covering, honest about chance.

    The draws are split at random into halves: boxes are peeled and pasted on the
    first, then chosen, simplified and measured on the second (held out). Each box
    is found among the draws the previous boxes left out, and kept while its held-out
    density clears the overall share of hits by ``min_z`` standard errors.
    """
    if not 0 < alpha < 0.5:
        raise UsageError(f"alpha must be between 0 and 0.5, got {alpha}")
    y = np.asarray(y, dtype=bool)
    n = y.size
    train = np.zeros(n, dtype=bool)
    train[np.random.default_rng(seed).permutation(n)[: n // 2]] = True
    test = ~train
    base = y[test].mean() if test.any() else 0.0
    remaining = np.ones(n, dtype=bool)
    out = []
    for _ in range(max_boxes):
        fit, held = remaining & train, remaining & test
        if y[fit].sum() == 0 or y[held].sum() == 0:
            break
        trajectory = _peel(x, y, fit, alpha, min_mass * train.sum())
        lo, hi = _choose(x, y, held, trajectory, min_coverage * y[test].sum())
        lo, hi = _paste(x, y, fit, lo, hi, alpha)
        lo, hi = _simplify(x, y, held, lo, hi)
        inside = _inside(x, lo, hi)
        if not np.isfinite(np.r_[lo, hi]).any() or not clears(y[held & inside], base, min_z):
            break
        out.append(measure_box(x, y, names, lo, hi, held & inside, test))
        remaining &= ~inside
    return out


def clears(hits: np.ndarray, base: float, min_z: float) -> bool:
    """True when the share of hits clears ``base`` by ``min_z`` binomial standard errors."""
    n = hits.size
    if n == 0 or not 0 < base < 1:
        return False
    return bool((hits.sum() - base * n) / np.sqrt(n * base * (1 - base)) >= min_z)


def _inside(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return ((x > lo) & (x <= hi)).all(axis=1)


def _peel(x: np.ndarray, y: np.ndarray, fit: np.ndarray, alpha: float,
          min_count: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The peeling trajectory on the ``fit`` draws: each step removes the ``alpha`` share at
    one end of one judgment that leaves the densest box."""
    d = x.shape[1]
    lo, hi = np.full(d, -np.inf), np.full(d, np.inf)
    inside = fit.copy()
    trajectory = [(lo.copy(), hi.copy())]
    while inside.sum() > min_count:
        xi, yi = x[inside], y[inside].astype(float)
        cut_lo = np.quantile(xi, alpha, axis=0)
        cut_hi = np.quantile(xi, 1 - alpha, axis=0)
        keep = np.concatenate([xi > cut_lo, xi <= cut_hi], axis=1)  # (n, 2d)
        counts = keep.sum(axis=0)
        valid = (counts < xi.shape[0]) & (counts >= min_count)
        if not valid.any():
            break
        density = np.where(valid, (yi @ keep) / np.maximum(counts, 1), -1.0)
        k = int(np.argmax(density))
        j = k % d
        if k < d:
            lo[j] = cut_lo[j]
        else:
            hi[j] = cut_hi[j]
        inside &= (x[:, j] > lo[j]) & (x[:, j] <= hi[j])
        trajectory.append((lo.copy(), hi.copy()))
    return trajectory


def _choose(x: np.ndarray, y: np.ndarray, held: np.ndarray,
            trajectory: list[tuple[np.ndarray, np.ndarray]], min_hits: float
            ) -> tuple[np.ndarray, np.ndarray]:
    """The box of the trajectory densest on the held-out draws, among those that keep
    ``min_hits`` held-out hits (the first box when none does)."""
    best, best_density = trajectory[0], -1.0
    for lo, hi in trajectory:
        inside = held & _inside(x, lo, hi)
        hits = y[inside].sum()
        if hits >= min_hits and inside.any() and hits / inside.sum() > best_density:
            best, best_density = (lo, hi), hits / inside.sum()
    return best[0].copy(), best[1].copy()


def _paste(x: np.ndarray, y: np.ndarray, fit: np.ndarray, lo: np.ndarray, hi: np.ndarray,
           alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Widen limits, ``alpha`` of the box's draws at a time, while that raises density."""
    lo, hi = lo.copy(), hi.copy()
    for _ in range(50):
        outside = ~((x > lo) & (x <= hi))  # (n, d): which limits each draw breaks
        breaks = outside.sum(axis=1)
        inside = fit & (breaks == 0)
        if not inside.any():
            break
        current, step = y[inside].mean(), max(1, int(alpha * inside.sum()))
        best = (current, -1, 0.0)
        for j in np.flatnonzero(np.isfinite(lo) | np.isfinite(hi)):
            only_j = fit & (breaks == 1) & outside[:, j]
            for side in (0, 1):
                bound = lo[j] if side == 0 else hi[j]
                if not np.isfinite(bound):
                    continue
                col = x[only_j, j]
                cand = np.sort(col[col <= bound]) if side == 0 else np.sort(col[col > bound])
                if cand.size == 0:
                    continue
                if side == 0:
                    new = cand[-step - 1] if cand.size > step else -np.inf
                    added = only_j & (x[:, j] > new) & (x[:, j] <= bound)
                else:
                    new = cand[step - 1] if cand.size >= step else np.inf
                    added = only_j & (x[:, j] > bound) & (x[:, j] <= new)
                dens = (y[inside].sum() + y[added].sum()) / (inside.sum() + added.sum())
                if dens > best[0]:
                    best = (dens, j if side == 0 else -2 - j, new)
        if best[1] == -1:
            break
        if best[1] >= 0:
            lo[best[1]] = best[2]
        else:
            hi[-2 - best[1]] = best[2]
    return lo, hi


def _simplify(x: np.ndarray, y: np.ndarray, held: np.ndarray, lo: np.ndarray, hi: np.ndarray,
              z: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Drop limits that do not help on the held-out draws: a limit stays only when the draws
    it alone excludes have a share of hits clearly (``z`` standard errors) below the box's."""
    lo, hi = lo.copy(), hi.copy()
    while True:
        outside = ~((x > lo) & (x <= hi))
        breaks = outside.sum(axis=1)
        inside = held & (breaks == 0)
        n1, h1 = inside.sum(), y[inside].sum()
        scores = []
        for j in np.flatnonzero(np.isfinite(lo) | np.isfinite(hi)):
            slice_j = held & (breaks == 1) & outside[:, j]
            n2, h2 = slice_j.sum(), y[slice_j].sum()
            if n1 == 0 or n2 == 0:
                scores.append((-np.inf, j))
                continue
            p = (h1 + h2) / (n1 + n2)
            se = np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
            scores.append(((h1 / n1 - h2 / n2) / se if se > 0 else 0.0, j))
        if not scores:
            return lo, hi
        score, j = min(scores)
        if score >= z:
            return lo, hi
        lo[j], hi[j] = -np.inf, np.inf


def measure_box(x: np.ndarray, y: np.ndarray, names: Sequence[str], lo: np.ndarray,
                hi: np.ndarray, inside: np.ndarray, among: np.ndarray) -> Box:
    """A box measured on the ``among`` draws (``inside`` those of them in the box)."""
    limits, pct = {}, {}
    for j in np.flatnonzero(np.isfinite(lo) | np.isfinite(hi)):
        limits[names[j]] = (float(lo[j]), float(hi[j]))
        col = x[:, j]
        pct[names[j]] = (100.0 * float((col <= lo[j]).mean()) if np.isfinite(lo[j]) else 0.0,
                         100.0 * float((col <= hi[j]).mean()) if np.isfinite(hi[j]) else 100.0)
    total = y[among].sum()
    return Box(limits, float(y[inside].sum() / total) if total else 0.0,
               float(y[inside].mean()) if inside.any() else 0.0,
               float(inside.sum() / among.sum()), pct)


def _num(v: float) -> str:
    return f"{v:.3g}"
