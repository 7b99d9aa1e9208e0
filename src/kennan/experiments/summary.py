"""Mergeable summaries of runs: exact, so any chunking gives identical numbers.

A :class:`Summary` holds integer counts and exact float sums (integers in units
of 2**-1074, see :mod:`kennan.engine.exact`). Two summaries of disjoint draws
merge by addition, so a run of any size is summarised in bounded memory and the
result does not depend on chunk size, worker count or the order chunks finish.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from kennan.engine.exact import FIXED_BITS, exact_sums, fixed_sums, fixed_to_float, to_fraction
from kennan.engine.simulate import ChunkResult

Z95 = 1.959963984540054


@dataclass
class Summary:
    """Aggregates of one or more chunks for courses ``courses`` against ``baseline``."""

    courses: list[str]
    outcomes: list[str]
    metrics: list[str]
    records: list[str]
    horizon: int
    baseline: int
    draws: int = 0
    # counts[c][k][t]: draws of course c whose sampled history reaches outcome k in period t
    counts: list[list[list[int]]] = field(default_factory=list)
    # prob[c][k][t]: sum over draws of the conditional probability that outcome k absorbs
    # the draw in period t (units of 2**-24, see engine.exact.fixed_sums); prob_sq[c][k]:
    # sum of the squares of each draw's probability of k by the horizon (same units)
    prob: list[list[list[int]]] = field(default_factory=list)
    prob_sq: list[list[int]] = field(default_factory=list)
    # metric sums per course: [sum, sum of squares]
    metric_sums: list[list[list[int]]] = field(default_factory=list)
    # paired differences against the baseline, per course: outcome probabilities by the
    # horizon (sums of d and d**2 in units of 2**-24), then metrics (exact sums)
    diff_outcomes: list[list[list[int]]] = field(default_factory=list)
    diff_metrics: list[list[list[int]]] = field(default_factory=list)
    # record sums per course: exact sums of each draw's expected record times the
    # probability that its outcome is reached
    record_sums: list[list[int]] = field(default_factory=list)
    # trajectories[m][c][t]: sum over draws of metric m's current value (units of 2**-24)
    trajectories: list[list[list[int]]] = field(default_factory=list)
    # competing hypotheses: each one's own summary of the same draws, and the exact sum
    # over draws of its normalised prior weight (units of 2**-1074)
    hypotheses: dict[str, Summary] = field(default_factory=dict)
    weight_sums: list[int] = field(default_factory=list)
    # expected value per course (when outcomes or metrics carry a worth): exact sums of
    # each draw's value and its square, and of the paired difference against the baseline
    value_sums: list[list[int]] = field(default_factory=list)
    diff_value: list[list[int]] = field(default_factory=list)

    @classmethod
    def empty(cls, courses: list[str], outcomes: list[str], metrics: list[str],
              records: list[str], horizon: int, baseline: int,
              hypotheses: list[str] | tuple[str, ...] = (), value: bool = False) -> Summary:
        """A summary of no draws (with an empty summary per hypothesis, when given, and
        expected-value sums when ``value``)."""
        nc, no, nm = len(courses), len(outcomes), len(metrics)
        return cls(
            hypotheses={h: cls.empty(courses, outcomes, metrics, records, horizon, baseline,
                                     value=value)
                        for h in hypotheses},
            weight_sums=[0] * len(hypotheses),
            value_sums=[[0, 0] for _ in range(nc)] if value else [],
            diff_value=[[0, 0] for _ in range(nc)] if value else [],
            courses=list(courses), outcomes=list(outcomes), metrics=list(metrics),
            records=list(records), horizon=horizon, baseline=baseline, draws=0,
            counts=[[[0] * horizon for _ in range(no)] for _ in range(nc)],
            prob=[[[0] * horizon for _ in range(no)] for _ in range(nc)],
            prob_sq=[[0] * no for _ in range(nc)],
            metric_sums=[[[0, 0] for _ in range(nm)] for _ in range(nc)],
            diff_outcomes=[[[0, 0] for _ in range(no)] for _ in range(nc)],
            diff_metrics=[[[0, 0] for _ in range(nm)] for _ in range(nc)],
            record_sums=[[0] * len(records) for _ in range(nc)],
            trajectories=[[[0] * horizon for _ in range(nc)] for _ in range(nm)],
        )

    @classmethod
    def of_chunk(cls, chunk: ChunkResult, outcomes: list[str], horizon: int,
                 baseline: int) -> Summary:
        """The summary of one chunk's per-draw results."""
        metrics = list(chunk.metrics)
        records = list(chunk.records)
        if not chunk.count:  # a reading that no draw of its chunk follows (own_draws)
            return cls.empty(chunk.courses, outcomes, metrics, records, horizon, baseline,
                             value=chunk.value is not None)
        s = cls.empty(chunk.courses, outcomes, metrics, records, horizon, baseline)
        s.draws = chunk.count
        nc = len(chunk.courses)
        for c in range(nc):
            for k in range(len(outcomes)):
                hit = chunk.time[c][chunk.outcome[c] == k]
                s.counts[c][k] = np.bincount(hit, minlength=horizon).astype(int).tolist()
        if metrics:
            values = np.stack([chunk.metrics[m] for m in metrics], axis=1)  # (C, M, N)
            flat = values.reshape(-1, chunk.count)
            sums = exact_sums(flat)
            squares = exact_sums(flat * flat)
            d = values - values[baseline][None]
            dflat = d.reshape(-1, chunk.count)
            dsums = exact_sums(dflat)
            dsquares = exact_sums(dflat * dflat)
            nm = len(metrics)
            for c in range(nc):
                for m in range(nm):
                    i = c * nm + m
                    s.metric_sums[c][m] = [sums[i], squares[i]]
                    s.diff_metrics[c][m] = [dsums[i], dsquares[i]]
        n_out = len(outcomes)
        if n_out:
            # Why no float64 copy: fixed_sums reads float32 exactly, and float32 summed
            # with a float64 accumulator gives the float64 sums bit for bit.
            mass = chunk.mass  # (K, C, T, N)
            per_t = fixed_sums(mass.reshape(-1, chunk.count))
            p = mass.sum(axis=2, dtype=np.float64)  # (K, C, N) by the horizon
            d = p - p[:, baseline][:, None]
            sq = fixed_sums(np.concatenate([p * p, d, d * d]).reshape(-1, chunk.count))
            block = n_out * nc
            for k in range(n_out):
                for c in range(nc):
                    base = (k * nc + c) * horizon
                    s.prob[c][k] = per_t[base:base + horizon]
                    i = k * nc + c
                    s.prob_sq[c][k] = sq[i]
                    s.diff_outcomes[c][k] = [sq[block + i], sq[2 * block + i]]
        for r, name in enumerate(records):
            values = chunk.records[name]
            k = outcomes.index(name.split(".", 1)[0])
            weight = chunk.probability(k)
            s_r = exact_sums(np.where(weight > 0, values * weight, 0.0))
            for c in range(nc):
                s.record_sums[c][r] = s_r[c]
        s.trajectories = [chunk.trajectories[m] for m in metrics]
        if chunk.value is not None:
            v = chunk.value
            d = v - v[baseline][None]
            sums, squares = exact_sums(v), exact_sums(v * v)
            dsums, dsquares = exact_sums(d), exact_sums(d * d)
            s.value_sums = [[sums[c], squares[c]] for c in range(nc)]
            s.diff_value = [[dsums[c], dsquares[c]] for c in range(nc)]
        if chunk.hypotheses:
            s.hypotheses = {h: cls.of_chunk(sub, outcomes, horizon, baseline)
                            for h, sub in chunk.hypotheses.items()}
            s.weight_sums = exact_sums(chunk.weights)
        return s

    def merge(self, other: Summary) -> Summary:
        """The summary of the union of two disjoint sets of draws."""
        if (self.courses, self.outcomes, self.metrics, list(self.hypotheses)) != (
                other.courses, other.outcomes, other.metrics, list(other.hypotheses)):
            raise ValueError("cannot merge summaries of different courses, outcomes, metrics "
                             "or hypotheses")
        out = Summary.empty(self.courses, self.outcomes, self.metrics, self.records,
                            self.horizon, self.baseline)
        out.hypotheses = {h: s.merge(other.hypotheses[h]) for h, s in self.hypotheses.items()}
        out.weight_sums = _add(self.weight_sums, other.weight_sums)
        out.value_sums = _add(self.value_sums, other.value_sums)
        out.diff_value = _add(self.diff_value, other.diff_value)
        out.draws = self.draws + other.draws
        out.counts = _add(self.counts, other.counts)
        out.prob = _add(self.prob, other.prob)
        out.prob_sq = _add(self.prob_sq, other.prob_sq)
        out.metric_sums = _add(self.metric_sums, other.metric_sums)
        out.diff_outcomes = _add(self.diff_outcomes, other.diff_outcomes)
        out.diff_metrics = _add(self.diff_metrics, other.diff_metrics)
        out.record_sums = _add(self.record_sums, other.record_sums)
        out.trajectories = _add(self.trajectories, other.trajectories)
        return out

    # -- derived figures ---------------------------------------------------------------

    def probability(self, c: int, k: int) -> float:
        """Probability that course ``c`` reaches outcome ``k`` by the horizon (the mean of
        the draws' conditional probabilities)."""
        return fixed_to_float(sum(self.prob[c][k]), self.draws)

    def union_probability(self, c: int, ks: list[int], within: int | None = None) -> float:
        """Probability that course ``c`` reaches any of outcomes ``ks`` within ``within``
        periods (default: by the horizon); outcomes are exclusive, so it is their sum."""
        stop = self.horizon if within is None else within
        return fixed_to_float(sum(sum(self.prob[c][k][:stop]) for k in ks), self.draws)

    def cumulative(self, c: int, k: int) -> list[float]:
        """Cumulative probability of outcome ``k`` under course ``c`` at the end of each period."""
        run, out = 0, []
        for n in self.prob[c][k]:
            run += n
            out.append(fixed_to_float(run, self.draws))
        return out

    def judgment_share(self, c: int, k: int) -> float:
        """Share of the variance of reaching outcome ``k`` (a yes or no per history) under
        course ``c`` that the draws' conditional probabilities explain (law of total
        variance: Var(E[Y | draw]) / Var(Y)); NaN when the outcome is certain or impossible.

        With the conditional estimator a draw's probability is given its judgments and
        the other chance events of its path, so this is an upper bound of the share of
        the judgments alone, reached when no other chance event matters."""
        n = self.draws
        if n < 2:
            return math.nan
        s = Fraction(sum(self.prob[c][k]), 1 << FIXED_BITS)
        ss = Fraction(self.prob_sq[c][k], 1 << FIXED_BITS)
        p = s / n
        total = p * (1 - p)
        if total <= 0:
            return math.nan
        between = (ss - s * s / n) / (n - 1)
        return float(min(max(between / total, Fraction(0)), Fraction(1)))

    def median_time(self, c: int) -> int | None:
        """Median period index of the first outcome, or None when fewer than half reach one."""
        run = 0
        for t in range(self.horizon):
            run += sum(self.prob[c][k][t] for k in range(len(self.outcomes)))
            if self.draws and 2 * run >= self.draws << FIXED_BITS:
                return t
        return None

    def metric_mean(self, c: int, m: int) -> float:
        """Mean of metric ``m`` under course ``c``."""
        return float(to_fraction(self.metric_sums[c][m][0]) / self.draws) if self.draws \
            else math.nan

    def record_mean(self, c: int, r: int) -> float:
        """Mean recorded value ``r`` over the draws of course ``c`` that reached its outcome."""
        outcome = self.records[r].split(".", 1)[0]
        k = self.outcomes.index(outcome)
        n = Fraction(sum(self.prob[c][k]), 1 << FIXED_BITS)
        return float(to_fraction(self.record_sums[c][r]) / n) if n else math.nan

    def trajectory(self, m: int, c: int) -> list[float]:
        """Mean over draws of metric ``m`` in each period under course ``c``."""
        return [fixed_to_float(v, self.draws) for v in self.trajectories[m][c]]

    def outcome_difference(self, c: int, k: int) -> tuple[float, float, float]:
        """Paired difference in probability of outcome ``k``, course ``c`` minus baseline,
        with a 95% interval (normal approximation on the paired indicators)."""
        s, ss = self.diff_outcomes[c][k]
        unit = 1 << FIXED_BITS
        return _interval(Fraction(s, unit), Fraction(ss, unit), self.draws)

    def metric_difference(self, c: int, m: int) -> tuple[float, float, float]:
        """Paired difference in the mean of metric ``m``, course ``c`` minus baseline, 95%."""
        s, ss = self.diff_metrics[c][m]
        return _interval(to_fraction(s), to_fraction(ss), self.draws)

    # -- persistence -------------------------------------------------------------------

    @property
    def has_value(self) -> bool:
        """Whether the summary holds expected values (outcomes or metrics had a worth)."""
        return bool(self.value_sums)

    def value_mean(self, c: int) -> float:
        """Expected value to the deciding side under course ``c``."""
        return float(to_fraction(self.value_sums[c][0]) / self.draws) if self.draws \
            else math.nan

    def value_interval(self, c: int) -> tuple[float, float, float]:
        """Expected value under course ``c`` with a 95% (normal) interval."""
        s, ss = self.value_sums[c]
        return _interval(to_fraction(s), to_fraction(ss), self.draws)

    def value_difference(self, c: int) -> tuple[float, float, float]:
        """Paired difference in expected value, course ``c`` minus baseline, 95%."""
        s, ss = self.diff_value[c]
        return _interval(to_fraction(s), to_fraction(ss), self.draws)

    def weight(self, h: int) -> float:
        """Mean over draws of hypothesis ``h``'s normalised prior weight."""
        return float(to_fraction(self.weight_sums[h]) / self.draws) if self.draws else math.nan

    def to_dict(self) -> dict[str, Any]:
        """Plain data (Python ints stay exact in JSON)."""
        out = dict(self.__dict__)
        out["hypotheses"] = {h: s.to_dict() for h, s in self.hypotheses.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        """Inverse of :meth:`to_dict`."""
        data = dict(data)
        data["hypotheses"] = {h: cls.from_dict(s) for h, s in data.get("hypotheses", {}).items()}
        return cls(**data)

    def to_json(self) -> str:
        """Compact JSON text, exact: large sums are written as ``"MpE"`` (M times 2**E).

        An exact sum is an integer near 2**1080 whose low bits are mostly zero;
        dropping the trailing zeros shrinks a chunk's summary about tenfold.
        """
        return json.dumps(_pack(self.to_dict()), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Summary:
        """Inverse of :meth:`to_json`; raises ValueError for anything malformed."""
        try:
            data = json.loads(text)
            return cls.from_dict(_unpacked(data))
        except (TypeError, KeyError, RecursionError, AttributeError) as exc:
            raise ValueError(f"not a summary: {exc}") from None


_FIELDS = frozenset(Summary.__dataclass_fields__)
_NAMES = frozenset({"courses", "outcomes", "metrics", "records"})
#: Fields a summary written before hypotheses existed lacks.
_OPTIONAL = frozenset({"hypotheses", "weight_sums", "value_sums", "diff_value"})


def _unpacked(data: Any) -> dict[str, Any]:
    """A packed summary's fields, checked and unpacked (nested hypotheses too)."""
    if not isinstance(data, dict) or not _FIELDS - _OPTIONAL <= set(data) <= _FIELDS:
        raise ValueError("not a summary")
    out = {k: v if k in _NAMES or k == "hypotheses" else _unpack(v) for k, v in data.items()}
    hypotheses = out.get("hypotheses", {})
    if not isinstance(hypotheses, dict):
        raise ValueError("not a summary")
    out["hypotheses"] = {h: _unpacked(s) for h, s in hypotheses.items()}
    return out
# Integers below this many bits are written as they are.
_SMALL_BITS = 63


def _pack(x: Any) -> Any:
    if isinstance(x, list):
        return [_pack(v) for v in x]
    if isinstance(x, dict):
        return {k: _pack(v) for k, v in x.items()}
    if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > _SMALL_BITS:
        shift = (x & -x).bit_length() - 1
        return f"{x >> shift}p{shift}"
    return x


def _unpack(x: Any) -> Any:
    if isinstance(x, list):
        return [_unpack(v) for v in x]
    if isinstance(x, str):
        mantissa, sep, shift = x.partition("p")
        if not sep:
            raise ValueError(f"not a packed number: {x!r}")
        return int(mantissa) << int(shift)
    return x


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, list):
        return [_add(x, y) for x, y in zip(a, b, strict=True)]
    return a + b


def _interval(s: Fraction, ss: Fraction, n: int) -> tuple[float, float, float]:
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = s / n
    if n > 1:
        var = (ss - s * s / n) / (n - 1)
        half = Z95 * math.sqrt(max(float(var), 0.0) / n)
    else:
        half = math.nan
    m = float(mean)
    return (m, m - half, m + half)
