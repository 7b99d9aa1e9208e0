"""Move a judgment's median and the width of its 90% range, keeping its kind.

The explorer's "median and range" control gives a new median ``m'`` and a new width
``w'`` of the 5th-to-95th percentile range. For a kind that an affine map carries into
itself (uniform, triangular, normal, truncnormal, discrete, a phrase through its
scale) the judgment becomes ``m' + (X - m) * w' / w``: exactly the median and width
asked for, the shape unchanged. A lognormal gets the median and the sigma that give
the width; a beta the a and b that do (found numerically). The result is stated
with the keys a scenario file uses, so it is validated as any file is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import optimize, stats

from kennan.errors import UsageError

#: The 95th percentile of the standard normal: a 90% range is +-Z90 sd.
Z90 = float(stats.norm.ppf(0.95))


def reshaped(jid: str, item: dict[str, Any], percentiles: tuple[float, float, float],
             median: float, width: float) -> dict[str, Any]:
    """The keys stating judgment ``jid`` (file mapping ``item``, 5/50/95 ``percentiles``)
    with median ``median`` and 90% range ``width``."""
    p5, p50, p95 = percentiles
    old = p95 - p5
    if not (math.isfinite(width) and width > 0):
        raise UsageError(f"{jid}: the 90% range must be a positive width, got {width:g}")
    if old <= 0:
        raise UsageError(f"{jid}: a constant has no range to move; change its value instead")
    s = width / old

    def move(x: float) -> float:
        return _short(median + (x - p50) * s)

    kind = next(k for k in ("value", "phrase", "beta", "uniform", "triangular", "normal",
                            "truncnormal", "lognormal", "discrete") if k in item)
    spec = item.get(kind)
    if kind in ("uniform", "triangular"):
        return {kind: {k: move(v) for k, v in spec.items()}}
    if kind == "normal":
        return {kind: {"mean": move(spec["mean"]), "sd": _short(spec["sd"] * s)}}
    if kind == "truncnormal":
        return {kind: {"mean": move(spec["mean"]), "sd": _short(spec["sd"] * s),
                       "low": move(spec["low"]), "high": move(spec["high"])}}
    if kind == "discrete":
        return {kind: {"values": [move(v) for v in spec["values"]], "probs": spec["probs"]}}
    if kind == "phrase":
        scale = item.get("scale") or {"low": 0.0, "high": 1.0}
        out = {"phrase": item["phrase"], "scale": {k: move(v) for k, v in scale.items()}}
        if "vocabulary" in item:
            out["vocabulary"] = item["vocabulary"]
        return out
    if kind == "lognormal":
        if median <= 0:
            raise UsageError(f"{jid}: a lognormal's median must be > 0, got {median:g}")
        return {kind: {"median": median,
                       "sigma": _short(math.asinh(width / (2 * median)) / Z90)}}
    if kind == "beta":
        return {kind: _beta(jid, median, width)}
    raise UsageError(f"{jid}: a {kind} has no range to move; change its value instead")


def _beta(jid: str, median: float, width: float) -> dict[str, float]:
    """The beta with this median and 90% range width, or a clear refusal."""
    if not (0 < median < 1 and width < 1):
        raise UsageError(f"{jid}: a beta lies in [0, 1]: its median must be inside and its 90% "
                         f"range narrower than 1, got median {median:g}, width {width:g}")

    def gap(theta: np.ndarray) -> np.ndarray:
        a, b = np.exp(theta)
        q5, q50, q95 = stats.beta.ppf([0.05, 0.5, 0.95], a, b)
        return np.array([q50 - median, (q95 - q5) - width])

    # start from the beta with the same mean and a variance of about (width / 3.3)^2
    var = min((width / (2 * Z90)) ** 2, median * (1 - median) * 0.99)
    k = median * (1 - median) / var - 1
    start = np.log([max(median * k, 1e-3), max((1 - median) * k, 1e-3)])
    fit = optimize.least_squares(lambda t: gap(t) / width, start, xtol=1e-15, ftol=1e-15,
                                 gtol=1e-15, max_nfev=500)
    if np.max(np.abs(gap(fit.x))) > 1e-7 * width:
        raise UsageError(f"{jid}: no beta has median {median:g} and a 90% range {width:g} "
                         "wide; restate it (a uniform or a triangular, say)")
    a, b = (float(x) for x in np.exp(fit.x))
    return {"a": _short(a), "b": _short(b)}


def _short(x: float) -> float:
    """``x`` to 9 significant digits: exact enough, and readable in the saved file."""
    return float(f"{x:.9g}")
