"""The expected value of perfect information about each judgment.

For a value V (a course's probability of an outcome, or a metric, signed so
that more is better) the decision without further information picks the course
with the best mean, worth ``max_c E[V_c]``. Knowing judgment J first, one would
pick the best course for each value of J, worth ``E_J[max_c E[V_c | J]]``. The
difference is the EVPI of J, in the units of V (probability points for an
outcome).

Estimator, on the draws of a run (common random numbers, so every course is
evaluated on the same draws): split J's values into ``bins`` quantile bins
(fewer when J takes fewer distinct values), estimate ``E[V_c | J in bin]`` by
the bin means, and take ``sum_b (n_b / N) max_c mean_bc - max_c mean_c``.

Its biases: (1) the maximum of noisy bin means is biased upwards (it rises
with the number of courses and bins and falls as ``1/sqrt(n_b)``); the
``noise`` column estimates this bias by the same statistic after randomly
permuting J against the draws (which destroys any information in J) and
``evpi_net`` subtracts it. (2) Knowing only J's bin rather than its exact value
gives less than perfect information, so the estimate is biased downwards by
the variation of the best course within a bin. Both biases shrink as the draws
grow; with 10,000 draws and 10 bins the noise floor is typically a few tenths of
a probability point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kennan import defaults
from kennan.analysis.quantity import Quantity, quantity_of
from kennan.errors import UsageError
from kennan.experiments.results import DrawArrays, Results


def quantile_bins(x: np.ndarray, bins: int) -> np.ndarray:
    """Bin index of each value: ``bins`` quantile bins, ties kept together (so a judgment
    with few distinct values gets one bin per value)."""
    edges = np.unique(np.quantile(x, np.linspace(0.0, 1.0, bins + 1)[1:-1]))
    # renumber so that no bin is empty
    return np.unique(np.searchsorted(edges, x, side="right"), return_inverse=True)[1]


def evpi(results: Results, *, quantity: Quantity | None = None,
         judgments: Sequence[str] | None = None, bins: int = defaults.EVPI_BINS,
         permutations: int = defaults.EVPI_PERMUTATIONS, seed: int = defaults.SEED,
         draws: DrawArrays | None = None) -> pd.DataFrame:
    """EVPI of each uncertain judgment (see the module's notes), ranked by ``evpi_net``.

    Columns: ``judgment``, ``evpi``, ``noise`` (the permutation estimate of its upward
    bias), ``evpi_net``, ``best`` (the course chosen without information) and
    ``best_by_bin`` (the course chosen in each bin, from low to high values of J) and
    ``bin_shares`` (the share of draws in each bin)."""
    if bins < 2:
        raise UsageError(f"bins must be at least 2, got {bins}")
    if permutations < 0:
        raise UsageError(f"permutations must be at least 0, got {permutations}")
    q = quantity or quantity_of(results.catalog)
    d = draws or results.per_draw()
    s = q.scores(d)  # (C, N), higher is better
    n = s.shape[1]
    names = uncertain_judgments(d, judgments)
    means = s.mean(axis=1)
    best = int(np.argmax(means))
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x5601]))
    perms = [rng.permutation(n) for _ in range(permutations)]
    rows = []
    for name in names:
        b = quantile_bins(d.judgments[name], bins)
        k = int(b.max()) + 1
        value, by_bin = _informed(s, b, k)
        shares = np.bincount(b, minlength=k) / n
        gain = value - means[best]
        floor = (float(np.mean([_informed(s, b[p], k)[0] for p in perms])) - means[best]
                 if perms else 0.0)
        rows.append({"judgment": name, "evpi": gain, "noise": floor,
                     "evpi_net": max(gain - floor, 0.0),
                     "bins": k, "best": d.courses[best],
                     "best_by_bin": [d.courses[i] for i in by_bin],
                     "bin_shares": shares.tolist()})
    frame = pd.DataFrame(rows, columns=["judgment", "evpi", "noise", "evpi_net", "bins", "best",
                                        "best_by_bin", "bin_shares"])
    return frame.sort_values("evpi_net", ascending=False, kind="stable").reset_index(drop=True)


def _informed(s: np.ndarray, b: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    """Value of choosing the best course per bin, and that course per bin."""
    n_c, n = s.shape
    sums = np.stack([np.bincount(b, weights=s[c], minlength=k) for c in range(n_c)])  # (C, k)
    return float(sums.max(axis=0).sum() / n), np.argmax(sums, axis=0)


def uncertain_judgments(d: DrawArrays, judgments: Sequence[str] | None) -> list[str]:
    """``judgments`` checked against the run's ids, or every judgment that varies."""
    varying = [j for j, v in d.judgments.items() if np.ptp(v) > 0]
    if judgments is None:
        return varying
    unknown = [j for j in judgments if j not in d.judgments]
    if unknown:
        raise UsageError(f"unknown judgment(s) {', '.join(map(repr, unknown))}; valid: "
                         f"{', '.join(varying)}")
    return list(judgments)
