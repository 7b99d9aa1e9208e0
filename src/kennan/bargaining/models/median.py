"""The weighted median: the position no weighted majority would move away from.

In one dimension with single-peaked preferences the weighted median of the ideal
points (weights ``salience * capability``) beats every other point in a weighted
vote (Black 1948). When the cumulative weight reaches exactly half between two
actors, every point between them is a median; we return the midpoint of the two
positions, which keeps the model symmetric under reflection of the scale. Rows with
zero total weight use equal weights. ``reference`` is accepted and not used.
"""

from __future__ import annotations

import numpy as np

from kennan.bargaining.base import Settlement, as_batch

# Relative tolerance for "the cumulative weight is exactly half": weights that are
# sums of products of decimals rarely land on half exactly in floating point.
_TIE_RTOL = 1e-12


def median(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    reference: np.ndarray | None = None,
) -> Settlement:
    """Weighted median of ``positions`` with weights ``saliences * capabilities``.

    Arrays have shape ``(draws, actors)`` (or ``(actors,)`` for one draw).
    """
    x, s, c = as_batch(positions, saliences, capabilities)
    return Settlement(outcome=weighted_median(x, s * c))


def weighted_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Row-wise weighted median of ``x`` by ``w`` (both ``(draws, actors)``)."""
    w = np.array(w, dtype=float)  # a copy: empty rows are filled in below
    total = w.sum(axis=1)
    empty = total == 0
    if empty.any():
        w[empty] = 1.0
        total[empty] = w.shape[1]
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=1), axis=1)
    half = 0.5 * total[:, None]
    tol = _TIE_RTOL * total[:, None]
    # First actor (in position order) at which the cumulative weight reaches half.
    k = np.argmax(cum >= half - tol, axis=1)
    rows = np.arange(x.shape[0])
    lo = xs[rows, k]
    tie = np.abs(cum[rows, k] - half[:, 0]) <= tol[:, 0]
    # On an exact tie the median is the whole segment up to the next actor with weight.
    nxt = np.argmax((cum > half + tol), axis=1)
    hi = xs[rows, nxt]
    return np.where(tie, 0.5 * (lo + hi), lo)
