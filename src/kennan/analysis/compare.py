"""Paired comparison of courses of action, draw by draw.

Every course sees the same judgment draws and the same random streams (common
random numbers), so the difference between two courses is computed per draw and
its interval is that of a mean of paired differences: much narrower than the
difference of two independent estimates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kennan.analysis.quantity import Quantity, quantity_of
from kennan.errors import UsageError
from kennan.experiments.results import DrawArrays, Results
from kennan.experiments.summary import Z95


def main_outcome(results: Results) -> str:
    """The outcome an analysis is about by default: the scenario's ``question``, else the
    most likely one on average over the courses."""
    if not results.outcomes:
        raise UsageError("this scenario has no outcome; name a metric instead")
    if results.question:
        # a union of outcomes is written as their ids joined by commas
        return ",".join(results.question_outcomes)
    s = results.summary
    mean = {o: sum(s.probability(c, k) for c in range(len(results.courses)))
            for k, o in enumerate(results.outcomes)}
    return max(results.outcomes, key=lambda o: mean[o])


def paired_stats(diff: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean of paired differences along the last axis, and its 95% interval."""
    n = diff.shape[-1]
    mean = diff.mean(axis=-1)
    sd = diff.std(axis=-1, ddof=1) if n > 1 else np.full(mean.shape, np.nan)
    half = Z95 * sd / np.sqrt(n)
    return mean, mean - half, mean + half


def compare_courses(results: Results, *, quantity: Quantity | None = None,
                    courses: Sequence[str] | None = None,
                    draws: DrawArrays | None = None) -> pd.DataFrame:
    """Every ordered pair of courses (a, b): the mean of each, the paired difference a - b
    with its 95% interval, and the share of draws in which a does better than b, worse,
    or the same (``better`` follows the quantity's sense).

    ``quantity`` defaults to the probability of the scenario's first outcome.
    """
    q = quantity or quantity_of(results.catalog)
    chosen = list(courses) if courses is not None else list(results.courses)
    idx = [results.check_course(c) for c in chosen]
    d = draws or results.per_draw()
    v = q.values(d)[idx]  # (C, N)
    diff = v[:, None, :] - v[None, :, :]
    mean, low, high = paired_stats(diff)
    signed = q.sense * diff
    better = (signed > 0).mean(axis=-1)
    worse = (signed < 0).mean(axis=-1)
    means = v.mean(axis=-1)
    rows = []
    for i, a in enumerate(chosen):
        for j, b in enumerate(chosen):
            if i != j:
                rows.append({"course": a, "against": b, "mean": means[i],
                             "against_mean": means[j], "difference": mean[i, j],
                             "low": low[i, j], "high": high[i, j], "share_better": better[i, j],
                             "share_worse": worse[i, j],
                             "share_same": 1.0 - better[i, j] - worse[i, j]})
    return pd.DataFrame(rows, columns=["course", "against", "mean", "against_mean", "difference",
                                       "low", "high", "share_better", "share_worse",
                                       "share_same"])


def paired_differences(results: Results, *, course: str, against: str,
                       draws: DrawArrays | None = None) -> pd.DataFrame:
    """Every outcome (reached by the horizon) and metric of ``course`` against ``against``:
    both means, the paired difference with its 95% interval, and the share of draws where
    ``course``'s value is higher and lower."""
    a, b = results.check_course(course), results.check_course(against)
    d = draws or results.per_draw()
    rows = []
    quantities = [("outcome", o, (d.outcome == k).astype(np.float64))
                  for k, o in enumerate(results.outcomes)]
    quantities += [("metric", m, d.metrics[m]) for m in results.metrics]
    for kind, name, values in quantities:
        diff = values[a] - values[b]
        mean, low, high = paired_stats(diff)
        rows.append({"quantity": name, "kind": kind, "course_mean": values[a].mean(),
                     "against_mean": values[b].mean(), "difference": float(mean),
                     "low": float(low), "high": float(high),
                     "share_higher": float((diff > 0).mean()),
                     "share_lower": float((diff < 0).mean())})
    return pd.DataFrame(rows)


def ranking(results: Results, *, quantity: Quantity | None = None,
            draws: DrawArrays | None = None) -> pd.DataFrame:
    """Courses from best to worst on ``quantity``: mean, 95% interval, and the share of
    draws in which each course is (jointly) the best."""
    q = quantity or quantity_of(results.catalog)
    d = draws or results.per_draw()
    v = q.values(d)
    n = v.shape[1]
    mean = v.mean(axis=1)
    half = Z95 * v.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.full(mean.shape, np.nan)
    s = q.sense * v
    top = (s == s.max(axis=0, keepdims=True)).mean(axis=1)
    frame = pd.DataFrame({"course": results.courses, "mean": mean, "low": mean - half,
                          "high": mean + half, "share_best": top})
    return frame.sort_values("mean", ascending=q.sense < 0, kind="stable").reset_index(drop=True)


def judgment_shares(results: Results, *, quantity: Quantity | None = None,
                    draws: DrawArrays | None = None) -> dict[str, float]:
    """Per course, the share of the variance of an outcome (a yes or no per history) that
    the draws explain: Var(p_draw) / (p (1 - p)), the law of total variance on each draw's
    conditional probability ``p_draw`` (see :meth:`~kennan.experiments.summary.Summary.
    judgment_share`). NaN for a metric, or where the outcome is certain or impossible."""
    q = quantity or quantity_of(results.catalog)
    if q.kind != "outcome":
        return {c: float("nan") for c in results.courses}
    d = draws or results.per_draw()
    v = q.values(d)
    out = {}
    for c, course in enumerate(d.courses):
        p = float(v[c].mean())
        total = p * (1.0 - p)
        var = float(v[c].var(ddof=1)) if v.shape[1] > 1 else float("nan")
        out[course] = min(max(var / total, 0.0), 1.0) if total > 0 else float("nan")
    return out
