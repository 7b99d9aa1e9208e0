"""Where the answer flips: scenario discovery over the judgments of a run's draws.

The target is the set of draws in which one course does better than another.
PRIM (Friedman and Fisher's patient rule induction) peels a box in judgment
space, a small share ``alpha`` of the draws at a time, keeping the peel that
most raises the box's *density* (the share of its draws that are hits), until
the box holds too few draws; then pastes back what raises density again. Along
the way it trades *coverage* (the share of all hits inside the box) for density;
we keep the densest box whose coverage stays above ``min_coverage``, drop
restrictions that do not matter, and repeat on the draws left outside for up to
``max_boxes`` boxes. A shallow scikit-learn decision tree gives a second view:
its leaves richest in hits, as rules of the same form.

Searching many boxes finds some that look dense by chance, so a box (or leaf) is
reported only when its density clears the overall share of hits by ``min_z``
binomial standard errors (default 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from kennan.analysis.quantity import Quantity, quantity_of
from kennan.errors import UsageError
from kennan.experiments.results import DrawArrays, Results


@dataclass(frozen=True)
class Box:
    """Limits on some judgments (``low < x <= high``; infinite ends are open), with the
    share of all hits inside (coverage), the share of the box's draws that are hits
    (density) and the share of all draws inside (mass)."""

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


@dataclass(frozen=True)
class Discovery:
    """Boxes where ``better`` beats ``than`` on ``quantity``, by PRIM and by a tree."""

    better: str
    than: str
    quantity: Quantity
    draws: int
    hits: int
    boxes: list[Box]
    tree: list[Box]

    @property
    def base_rate(self) -> float:
        """Share of all draws in which ``better`` beats ``than``."""
        return self.hits / self.draws if self.draws else float("nan")


def discover(results: Results, *, better: str, than: str, quantity: Quantity | None = None,
             judgments: Sequence[str] | None = None, alpha: float = 0.05,
             min_mass: float = 0.05, min_coverage: float = 0.3, max_boxes: int = 3,
             tree_depth: int = 3, min_z: float = 3.0,
             draws: DrawArrays | None = None) -> Discovery:
    """The judgment boxes where course ``better`` does better than ``than`` draw by draw."""
    if better == than:
        raise UsageError(f"compare '{better}' with a different course, not itself")
    a, b = results.check_course(better), results.check_course(than)
    q = quantity or quantity_of(results)
    d = draws or results.per_draw()
    s = q.scores(d)
    y = s[a] > s[b]
    names = _varying(d, judgments)
    x = np.column_stack([d.judgments[n] for n in names]) if names else np.empty((d.count, 0))
    boxes: list[Box] = []
    tree: list[Box] = []
    if 0 < y.sum() < y.size and names:
        boxes = prim_boxes(x, y, names, alpha=alpha, min_mass=min_mass,
                           min_coverage=min_coverage, max_boxes=max_boxes, min_z=min_z)
        tree = tree_rules(x, y, names, depth=tree_depth, min_z=min_z)
    return Discovery(better, than, q, int(y.size), int(y.sum()), boxes, tree)


def prim_boxes(x: np.ndarray, y: np.ndarray, names: Sequence[str], *, alpha: float = 0.05,
               min_mass: float = 0.05, min_coverage: float = 0.3,
               max_boxes: int = 3, min_z: float = 3.0) -> list[Box]:
    """PRIM with covering: up to ``max_boxes`` boxes, each found among the draws the
    previous boxes left out, kept while its density beats the overall share of hits."""
    if not 0 < alpha < 0.5:
        raise UsageError(f"alpha must be between 0 and 0.5, got {alpha}")
    y = np.asarray(y, dtype=bool)
    total, n, base = y.sum(), y.size, y.mean()
    remaining = np.ones(n, dtype=bool)
    out = []
    for _ in range(max_boxes):
        if y[remaining].sum() == 0:
            break
        lo, hi = _peel_and_choose(x, y, remaining, alpha, min_mass * n, min_coverage * total)
        lo, hi = _paste(x, y, remaining, lo, hi, alpha)
        lo, hi = _simplify(x, y, remaining, lo, hi)
        inside = remaining & _inside(x, lo, hi)
        if not _clear(y[inside], base, min_z) or not np.isfinite(np.r_[lo, hi]).any():
            break
        out.append(_box(x, y, names, lo, hi, inside, total, n))
        remaining &= ~inside
    return out


def _clear(hits: np.ndarray, base: float, min_z: float) -> bool:
    """True when the share of hits clears ``base`` by ``min_z`` binomial standard errors."""
    n = hits.size
    if n == 0 or not 0 < base < 1:
        return False
    return bool((hits.sum() - base * n) / np.sqrt(n * base * (1 - base)) >= min_z)


def _inside(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return ((x > lo) & (x <= hi)).all(axis=1)


def _peel_and_choose(x, y, remaining, alpha, min_count, min_hits):
    d = x.shape[1]
    lo, hi = np.full(d, -np.inf), np.full(d, np.inf)
    inside = remaining.copy()
    best = (y[inside].mean(), lo.copy(), hi.copy())
    while inside.sum() > min_count:
        xi, yi = x[inside], y[inside].astype(float)
        cut_lo = np.quantile(xi, alpha, axis=0)
        cut_hi = np.quantile(xi, 1 - alpha, axis=0)
        keep_lo, keep_hi = xi > cut_lo, xi <= cut_hi  # (n, d) each
        keep = np.concatenate([keep_lo, keep_hi], axis=1)
        counts = keep.sum(axis=0)
        hits = yi @ keep
        valid = (counts < xi.shape[0]) & (counts >= min_count) & (hits >= min_hits)
        if not valid.any():
            break
        density = np.where(valid, hits / np.maximum(counts, 1), -1.0)
        k = int(np.argmax(density))
        j = k % d
        if k < d:
            lo[j] = cut_lo[j]
        else:
            hi[j] = cut_hi[j]
        inside = remaining & _inside(x, lo, hi)
        dens = y[inside].mean()
        if dens > best[0]:
            best = (dens, lo.copy(), hi.copy())
    return best[1], best[2]


def _paste(x, y, remaining, lo, hi, alpha):
    lo, hi = lo.copy(), hi.copy()
    for _ in range(100):
        inside = remaining & _inside(x, lo, hi)
        current, step = y[inside].mean(), max(1, int(alpha * inside.sum()))
        best = (current, None)
        for j in range(x.shape[1]):
            others = remaining & _inside(np.delete(x, j, 1), np.delete(lo, j), np.delete(hi, j))
            for side, bound in ((0, lo[j]), (1, hi[j])):
                if not np.isfinite(bound):
                    continue
                col = x[others, j]
                outside = np.sort(col[col <= bound] if side == 0 else col[col > bound])
                if outside.size == 0:
                    continue
                new = (outside[-step - 1] if outside.size > step else -np.inf) if side == 0 \
                    else (outside[step - 1] if outside.size > step else np.inf)
                trial_lo, trial_hi = lo.copy(), hi.copy()
                (trial_lo if side == 0 else trial_hi)[j] = new
                dens = y[remaining & _inside(x, trial_lo, trial_hi)].mean()
                if dens > best[0]:
                    best = (dens, (trial_lo, trial_hi))
        if best[1] is None:
            break
        lo, hi = best[1]
    return lo, hi


def _simplify(x, y, remaining, lo, hi, tolerance=0.02):
    """Drop limits whose removal lowers density by less than ``tolerance`` (relative)."""
    lo, hi = lo.copy(), hi.copy()
    while True:
        current = y[remaining & _inside(x, lo, hi)].mean()
        trials = []
        for j in np.flatnonzero(np.isfinite(lo) | np.isfinite(hi)):
            tl, th = lo.copy(), hi.copy()
            tl[j], th[j] = -np.inf, np.inf
            trials.append((y[remaining & _inside(x, tl, th)].mean(), j))
        if not trials:
            return lo, hi
        dens, j = max(trials)
        if dens < current * (1 - tolerance):
            return lo, hi
        lo[j], hi[j] = -np.inf, np.inf


def _box(x, y, names, lo, hi, inside, total, n) -> Box:
    limits, pct = {}, {}
    for j in np.flatnonzero(np.isfinite(lo) | np.isfinite(hi)):
        limits[names[j]] = (float(lo[j]), float(hi[j]))
        col = x[:, j]
        pct[names[j]] = (100.0 * float((col <= lo[j]).mean()) if np.isfinite(lo[j]) else 0.0,
                         100.0 * float((col <= hi[j]).mean()) if np.isfinite(hi[j]) else 100.0)
    return Box(limits, float(y[inside].sum() / total), float(y[inside].mean()),
               float(inside.sum() / n), pct)


def tree_rules(x: np.ndarray, y: np.ndarray, names: Sequence[str], *, depth: int = 3,
               min_leaf: float = 0.02, min_z: float = 3.0) -> list[Box]:
    """Leaves of a depth-``depth`` decision tree whose density of hits clearly beats the
    overall share, densest first, as boxes."""
    y = np.asarray(y, dtype=bool)
    n = y.size
    model = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=max(5, int(min_leaf * n)),
                                   random_state=0).fit(x, y)
    t = model.tree_
    leaf_of = model.apply(x)
    out = []

    def walk(node: int, lo: np.ndarray, hi: np.ndarray) -> None:
        if t.children_left[node] == -1:
            inside = leaf_of == node
            if _clear(y[inside], y.mean(), min_z):
                out.append(_box(x, y, names, lo, hi, inside, y.sum(), n))
            return
        f, thr = t.feature[node], t.threshold[node]
        left_hi, right_lo = hi.copy(), lo.copy()
        left_hi[f] = min(hi[f], thr)
        right_lo[f] = max(lo[f], thr)
        walk(t.children_left[node], lo, left_hi)
        walk(t.children_right[node], right_lo, hi)

    d = x.shape[1]
    walk(0, np.full(d, -np.inf), np.full(d, np.inf))
    return sorted(out, key=lambda b: -b.density)


def _varying(d: DrawArrays, judgments: Sequence[str] | None) -> list[str]:
    varying = [j for j, v in d.judgments.items() if np.ptp(v) > 0]
    if judgments is None:
        return varying
    unknown = [j for j in judgments if j not in d.judgments]
    if unknown:
        raise UsageError(f"unknown judgment(s) {', '.join(map(repr, unknown))}; valid: "
                         f"{', '.join(varying)}")
    return list(judgments)


def _num(v: float) -> str:
    return f"{v:.3g}"
