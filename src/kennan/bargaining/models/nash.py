"""The asymmetric Nash bargaining solution with a reference point.

Each actor ``i`` has an ideal point ``x_i`` and a bargaining weight
``w_i = salience_i * capability_i``. Its utility for an outcome ``z`` is a loss in the
distance to its ideal on the issue's own scale:

- ``utility="quadratic"`` (default): ``u_i(z) = -(z - x_i)^2``;
- ``utility="linear"``: ``u_i(z) = -|z - x_i|``.

If the talks fail, the *disagreement point* ``d`` holds. With a ``reference`` (the
status quo, or the reversion point of the procedure) ``d`` is that reference. Without
one (or ``disagreement="worst"``), ``d`` is each actor's worst position among those on
the table (the farther end of the range of positions), so every position in the range
is acceptable to all. The solution maximises the weighted Nash product::

    z* = argmax_z  sum_i w_i log(u_i(z) - u_i(d))   subject to u_i(z) >= u_i(d) for all i

In one dimension each actor accepts the interval ``|z - x_i| <= |d - x_i|`` around its
ideal; the feasible set is their intersection ``[L, U]``, which contains the reference.
The objective is strictly concave there, so its derivative falls from ``+inf`` to
``-inf`` across ``(L, U)`` and a bisection on its sign, run on every draw at once, finds
``z*`` to about 1e-12 of the range. If an actor's ideal lies on the other side of the
reference from another's, ``L = U = d``: nobody can gain without someone losing, and
the reference stands. Zero-weight actors neither pull nor constrain; draws where every
weight is zero use equal weights.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from kennan.bargaining.base import Settlement, as_batch
from kennan.errors import UsageError

# Bisection steps: each halves the interval, so 60 take any range to double precision.
_STEPS = 60


def nash(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    reference: np.ndarray | None = None,
    utility: Literal["quadratic", "linear"] = "quadratic",
    disagreement: Literal["auto", "reference", "worst"] = "auto",
) -> Settlement:
    """Asymmetric Nash bargaining solution per draw, weights ``saliences * capabilities``.

    Arrays have shape ``(draws, actors)`` (or ``(actors,)``); ``reference`` has shape
    ``(draws,)`` (or is a number). ``disagreement="auto"`` uses the reference if given,
    else each actor's worst position on the table; ``"reference"`` requires one.
    """
    if utility not in ("quadratic", "linear"):
        raise UsageError(f"nash option utility={utility!r}: expected quadratic or linear")
    if disagreement not in ("auto", "reference", "worst"):
        raise UsageError(
            f"nash option disagreement={disagreement!r}: expected auto, reference or worst"
        )
    if disagreement == "reference" and reference is None:
        raise UsageError("nash with disagreement='reference' needs a reference point")
    x, s, c = as_batch(positions, saliences, capabilities)
    w = s * c
    empty = w.sum(axis=1) == 0
    if empty.any():
        w = np.where(empty[:, None], 1.0, w)
    # Only the weights' ratios matter; scaling each draw's largest to 1 keeps a tiny
    # (even subnormal) weight from underflowing the slope to zero, which would stop the
    # bisection short of the solution.
    w = w / w.max(axis=1, keepdims=True)
    active = w > 0
    if reference is None or disagreement == "worst":
        lo = x.min(axis=1, keepdims=True)
        hi = x.max(axis=1, keepdims=True)
        reach = np.maximum(x - lo, hi - x)
    else:
        ref = np.broadcast_to(np.asarray(reference, dtype=float).reshape(-1, 1), (x.shape[0], 1))
        reach = np.abs(ref - x)
    # Each active actor accepts [x_i - reach_i, x_i + reach_i]; the feasible set is [left, right].
    left = np.where(active, x - reach, -np.inf).max(axis=1)
    right = np.where(active, x + reach, np.inf).min(axis=1)
    span = right - left
    out = 0.5 * (left + right)
    # A feasible set of one point (to rounding) leaves the disagreement point standing.
    open_ = span > 1e-12 * np.maximum(np.abs(left), np.abs(right)).clip(min=1.0)
    if open_.any():
        xo, ro, wo, ao = x[open_], reach[open_], w[open_], active[open_]
        a, b = left[open_], right[open_]
        for _ in range(_STEPS):
            mid = 0.5 * (a + b)
            up = _slope(mid, xo, ro, wo, ao, utility) > 0
            a = np.where(up, mid, a)
            b = np.where(up, b, mid)
        out[open_] = 0.5 * (a + b)
    return Settlement(outcome=out)


def _slope(
    z: np.ndarray, x: np.ndarray, reach: np.ndarray, w: np.ndarray, active: np.ndarray,
    utility: str,
) -> np.ndarray:
    """Derivative in ``z`` of ``sum_i w_i log gain_i(z)`` (a subgradient for linear losses)."""
    off = z[:, None] - x
    if utility == "quadratic":
        gain = reach**2 - off**2
        d_gain = -2.0 * off
    else:
        gain = reach - np.abs(off)
        d_gain = -np.sign(off)
    # Strictly inside the feasible set every active gain is positive; the guard is for a
    # midpoint that rounding puts on its edge, where the sign of the infinity is still right.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        terms = np.where(active, w * d_gain / gain, 0.0)
        return np.nansum(terms, axis=1)
