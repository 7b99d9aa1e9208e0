"""The compromise model: the salience-times-capability weighted mean of positions.

The literature's hardest baseline to beat (Achen 2006; Thomson et al. 2006). Each
actor pulls the outcome towards its position in proportion to ``salience *
capability``. A draw in which every weight is zero has no one pulling, so the
outcome is the plain (unweighted) mean of the positions. The ``reference`` point
is accepted for the shared signature and not used.
"""

from __future__ import annotations

import numpy as np

from kennan.bargaining.base import Settlement, as_batch


def compromise(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    reference: np.ndarray | None = None,
) -> Settlement:
    """Weighted mean of ``positions`` with weights ``saliences * capabilities``.

    Arrays have shape ``(draws, actors)`` (or ``(actors,)`` for one draw). Rows whose
    weights sum to zero settle at the unweighted mean of their positions.
    """
    x, s, c = as_batch(positions, saliences, capabilities)
    return Settlement(outcome=weighted_mean(x, s * c))


def weighted_mean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Row-wise weighted mean of ``x`` by ``w`` (both ``(draws, actors)``).

    Rows with zero total weight get the unweighted mean. Rows whose weights are all
    tiny (subnormal: each product with a position rounds) or huge (the products
    overflow) are scaled by their largest weight first, which leaves the mean as it is.
    """
    top = np.abs(w).max(axis=1) if w.size else np.zeros(w.shape[0])
    odd = (top > 0) & ((top < 1e-150) | (top > 1e150))
    if odd.any():
        w = w.copy()
        w[odd] /= top[odd, None]
    total = w.sum(axis=1)
    num = np.einsum("ij,ij->i", w, x)
    empty = total == 0
    if empty.any():
        # Only the empty rows pay for the fallback; the common case allocates nothing more.
        num[empty] = x[empty].mean(axis=1)
        total[empty] = 1.0
    num /= total
    return num
