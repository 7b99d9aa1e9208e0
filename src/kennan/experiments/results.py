"""The results of a run: a summary table, per-period probabilities, per-draw tables.

:class:`Results` is what :func:`kennan.run` returns. Its tables are pandas
DataFrames; in Jupyter it renders as the summary table.

Longer than 400 lines on purpose: :class:`Results` is the public face of a run (tables,
JSON, Jupyter rendering), kept in one class a user reads in one place.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kennan.engine.exact import to_fraction
from kennan.engine.model import Model
from kennan.engine.simulate import ChunkResult, outcome_probability
from kennan.errors import UsageError
from kennan.experiments.catalog import Catalog
from kennan.experiments.summary import Z95, Summary


@dataclass
class Results:
    """Summary of a run and, when kept, every draw."""

    scenario: str
    title: str
    seed: int
    periods: list[_dt.date]
    courses: list[str]
    course_labels: dict[str, str]
    outcomes: list[str]
    outcome_labels: dict[str, str]
    metrics: list[str]
    metric_labels: dict[str, str]
    baseline: str
    summary: Summary
    judgment_ids: list[str] = field(default_factory=list)
    #: The scenario's ``question`` (outcome, risk, within, text), when it states one.
    question: dict[str, Any] | None = None
    #: Competing hypotheses: each one's own results on the same draws (empty when none).
    hypotheses: dict[str, Results] = field(default_factory=dict)
    #: Each hypothesis's label and mean normalised prior weight.
    hypothesis_labels: dict[str, str] = field(default_factory=dict)
    hypothesis_weights: dict[str, float] = field(default_factory=dict)
    _chunks: list[ChunkResult] | None = field(default=None, repr=False)
    #: The run folder the results were opened from (see :meth:`draws_table`), if any.
    folder: str | None = field(default=None, repr=False)

    @classmethod
    def from_run(cls, model: Model, summary: Summary, *, seed: int,
                 chunks: list[ChunkResult] | None) -> Results:
        """Results of a run of ``model`` (pooled, with per-hypothesis results when the
        scenario states hypotheses)."""
        out = cls._of(model, summary, seed=seed, chunks=chunks)
        for k, h in enumerate(model.hypotheses):
            sub = cls._of(model, summary.hypotheses[h.id], seed=seed,
                          chunks=None if chunks is None
                          else [ch.hypotheses[h.id] for ch in chunks])
            out.hypotheses[h.id] = sub
            out.hypothesis_labels[h.id] = h.label
            out.hypothesis_weights[h.id] = summary.weight(k)
        return out

    @classmethod
    def _of(cls, model: Model, summary: Summary, *, seed: int,
            chunks: list[ChunkResult] | None) -> Results:
        return cls(
            scenario=model.scenario.id, title=model.scenario.title, seed=seed,
            periods=model.periods, courses=model.course_ids,
            course_labels={c.id: c.label for c in model.courses},
            outcomes=[o.id for o in model.outcomes],
            outcome_labels={o.id: o.label for o in model.outcomes},
            metrics=[m.id for m in model.metrics],
            metric_labels={m.id: m.label for m in model.metrics},
            baseline=model.baseline, summary=summary,
            judgment_ids=[j for j, _ in model.judgments], _chunks=chunks,
            question=(model.scenario.question.model_dump()
                      if model.scenario.question is not None else None),
        )

    @property
    def draws(self) -> int:
        """Number of draws simulated per course."""
        return self.summary.draws

    # -- tables --------------------------------------------------------------------

    def hypothesis(self, hypothesis: str) -> Results:
        """The results under one hypothesis alone, or :class:`UsageError` naming the valid
        ids."""
        if hypothesis not in self.hypotheses:
            valid = ", ".join(self.hypotheses) or "none (the scenario states no hypotheses)"
            raise UsageError(f"unknown hypothesis '{hypothesis}'; valid: {valid}")
        return self.hypotheses[hypothesis]

    def table(self, hypothesis: str | None = None) -> pd.DataFrame:
        """One row per course: outcome probabilities by the horizon, median time to the
        first outcome (periods), metric means, and paired differences against the baseline;
        pooled over the hypotheses, or under ``hypothesis`` alone."""
        if hypothesis is not None:
            return self.hypothesis(hypothesis).table()
        s = self.summary
        rows = []
        for c, course in enumerate(self.courses):
            row: dict[str, Any] = {"course": course}
            for k, o in enumerate(self.outcomes):
                row[o] = s.probability(c, k)
            row["median_time"] = s.median_time(c)
            for m, metric in enumerate(self.metrics):
                row[metric] = s.metric_mean(c, m)
            if self.question_outcomes:
                row["question"] = self.question_probability(course)
            if s.has_value:
                row["expected_value"] = s.value_mean(c)
            for k, o in enumerate(self.outcomes):
                d, lo, hi = s.outcome_difference(c, k)
                row[f"d_{o}"], row[f"d_{o}_lo"], row[f"d_{o}_hi"] = d, lo, hi
            if s.has_value:
                d, lo, hi = s.value_difference(c)
                row["d_expected_value"], row["d_expected_value_lo"] = d, lo
                row["d_expected_value_hi"] = hi
            rows.append(row)
        return pd.DataFrame(rows).set_index("course")

    @property
    def question_outcomes(self) -> list[str]:
        """The outcome(s) the scenario's question is about (several: their union)."""
        if not self.question:
            return []
        o = self.question["outcome"]
        return list(o) if isinstance(o, list) else [o]

    def question_probability(self, course: str) -> float:
        """Probability that ``course`` reaches the question's outcome (any outcome of its
        union) within the question's window (default: the horizon)."""
        c = self.check_course(course)
        return self.summary.union_probability(
            c, [self.outcomes.index(o) for o in self.question_outcomes],
            (self.question or {}).get("within"))

    def expected_value(self, course: str) -> tuple[float, float, float]:
        """Expected value to the deciding side under ``course`` (outcomes' and metrics'
        worth) with a 95% interval; :class:`UsageError` when nothing carries a worth."""
        c = self.check_course(course)
        if not self.summary.has_value:
            raise UsageError("no outcome or metric of this scenario carries a worth, so "
                             "courses have no expected value; give outcomes or metrics "
                             "'worth:'")
        return self.summary.value_interval(c)

    def by_hypothesis(self) -> pd.DataFrame:
        """One row per (hypothesis, course): the hypothesis's mean normalised weight, each
        outcome's probability by the horizon and each metric's mean; the pooled figures
        come last, as hypothesis ``"pooled"``."""
        rows = []
        parts = [*self.hypotheses.items(), ("pooled", self)]
        for h, res in parts:
            weight = self.hypothesis_weights.get(h, 1.0)
            for c, course in enumerate(res.courses):
                row: dict[str, Any] = {"hypothesis": h, "course": course, "weight": weight}
                for k, o in enumerate(res.outcomes):
                    row[o] = res.summary.probability(c, k)
                for m, metric in enumerate(res.metrics):
                    row[metric] = res.summary.metric_mean(c, m)
                rows.append(row)
        return pd.DataFrame(rows)

    def differences(self) -> pd.DataFrame:
        """Paired differences (course minus baseline) of every outcome and metric, with 95%
        intervals, one row per (course, quantity)."""
        s = self.summary
        rows = []
        for c, course in enumerate(self.courses):
            for k, o in enumerate(self.outcomes):
                d, lo, hi = s.outcome_difference(c, k)
                rows.append({"course": course, "quantity": o, "kind": "outcome",
                             "difference": d, "low": lo, "high": hi})
            for m, metric in enumerate(self.metrics):
                d, lo, hi = s.metric_difference(c, m)
                rows.append({"course": course, "quantity": metric, "kind": "metric",
                             "difference": d, "low": lo, "high": hi})
        return pd.DataFrame(rows)

    def by_period(self) -> pd.DataFrame:
        """Cumulative probability of each outcome at the end of each period, per course."""
        s = self.summary
        rows = []
        for c, course in enumerate(self.courses):
            for k, o in enumerate(self.outcomes):
                for t, p in enumerate(s.cumulative(c, k)):
                    rows.append({"course": course, "outcome": o, "period": t,
                                 "date": self.periods[t], "probability": p})
        return pd.DataFrame(rows)

    def trajectories(self) -> pd.DataFrame:
        """Mean of each metric's current value in each period, per course."""
        s = self.summary
        rows = []
        for m, metric in enumerate(self.metrics):
            for c, course in enumerate(self.courses):
                for t, v in enumerate(s.trajectory(m, c)):
                    rows.append({"course": course, "metric": metric, "period": t,
                                 "date": self.periods[t], "mean": v})
        return pd.DataFrame(rows)

    def draws_table(self) -> pd.DataFrame:
        """Every draw of every course: the sampled outcome and period, each outcome's
        conditional probability by the horizon (``p_<outcome>``), metrics (expected given
        the draw), records (expected given their outcome) and judgments.

        Available when the run kept its draws (``keep_draws``), or read from the run
        folder the results were opened from (``open_results``): the same frame, bit for
        bit, up to 20,000,000 rows (beyond, query the folder)."""
        if self._chunks is None and self.folder is not None:
            from kennan.experiments.store import read_draws_frame

            return read_draws_frame(self.folder, self.courses, self.draws)
        if self._chunks is None:
            raise ValueError("this run did not keep per-draw results; run with keep_draws=True "
                             "or read the Parquet files of a run folder")
        return pd.concat([draws_frame(ch, self.outcomes) for ch in self._chunks],
                         ignore_index=True)

    def to_json(self) -> dict[str, Any]:
        """The stable machine-readable summary (see the README)."""
        s = self.summary
        courses = {}
        for c, course in enumerate(self.courses):
            diffs = {}
            for k, o in enumerate(self.outcomes):
                d, lo, hi = s.outcome_difference(c, k)
                diffs[o] = {"difference": d, "low": lo, "high": hi}
            for m, metric in enumerate(self.metrics):
                d, lo, hi = s.metric_difference(c, m)
                diffs[metric] = {"difference": d, "low": lo, "high": hi}
            extra: dict[str, Any] = {}
            if self.question_outcomes:
                extra["question"] = self.question_probability(course)
            if s.has_value:
                v, lo, hi = s.value_interval(c)
                extra["expected_value"] = {"mean": v, "low": lo, "high": hi}
                d, lo, hi = s.value_difference(c)
                diffs["expected_value"] = {"difference": d, "low": lo, "high": hi}
            courses[course] = {
                **extra,
                "outcomes": {o: s.probability(c, k) for k, o in enumerate(self.outcomes)},
                "by_period": {o: s.cumulative(c, k) for k, o in enumerate(self.outcomes)},
                "metrics": {m: s.metric_mean(c, i) for i, m in enumerate(self.metrics)},
                "median_time": s.median_time(c),
                "judgment_share": {o: s.judgment_share(c, k)
                                   for k, o in enumerate(self.outcomes)},
                "differences": diffs,
            }
        out = {
            "scenario": self.scenario, "seed": self.seed, "draws": self.draws,
            "periods": [d.isoformat() for d in self.periods], "baseline": self.baseline,
            "courses": courses,
        }
        if self.hypotheses:
            out["hypotheses"] = {
                h: {"weight": self.hypothesis_weights[h], "label": self.hypothesis_labels[h],
                    "courses": res.to_json()["courses"]}
                for h, res in self.hypotheses.items()}
        return out

    def _repr_html_(self) -> str:
        return self.table().to_html(float_format=lambda x: f"{x:.3f}")

    # -- per-draw arrays and intervals ---------------------------------------------------

    def per_draw(self) -> DrawArrays:
        """Every kept draw as arrays (for paired comparison, value of information, discovery).

        Raises :class:`UsageError` when the run did not keep its draws."""
        if not self._chunks:
            raise UsageError("this run did not keep per-draw results; run with keep_draws=True")
        return DrawArrays.from_chunks(self._chunks)

    @property
    def catalog(self) -> Catalog:
        """The outcomes and metrics a quantity of these results can name."""
        return Catalog(dict(self.outcome_labels), dict(self.metric_labels), len(self.periods),
                       self.summary.has_value)

    def check_course(self, course: str) -> int:
        """Index of ``course``, or :class:`UsageError` listing the valid ids."""
        return _index(course, self.courses, "course of action")

    def check_outcome(self, outcome: str) -> int:
        """Index of ``outcome``, or :class:`UsageError` listing the valid ids."""
        return _index(outcome, self.outcomes, "outcome")

    def check_metric(self, metric: str) -> int:
        """Index of ``metric``, or :class:`UsageError` listing the valid ids."""
        return _index(metric, self.metrics, "metric")

    def outcome_interval(self, course: str, outcome: str) -> tuple[float, float, float]:
        """Probability of ``outcome`` by the horizon under ``course`` and its 95% (Wilson)
        interval; ``outcome`` may be a union, its ids joined by commas."""
        c = self.check_course(course)
        ks = [self.check_outcome(o) for o in outcome.split(",")]
        p = self.summary.union_probability(c, ks)
        return (p, *wilson(p, self.draws))

    def outcome_label(self, outcome: str) -> str:
        """The label of an outcome, or of a union (ids joined by commas) as "A or B"."""
        return " or ".join(self.outcome_labels[o] for o in outcome.split(","))

    def metric_interval(self, course: str, metric: str) -> tuple[float, float, float]:
        """Mean of ``metric`` under ``course`` with a 95% (normal) interval."""
        c, m = self.check_course(course), self.check_metric(metric)
        s, ss = (to_fraction(v) for v in self.summary.metric_sums[c][m])
        n = self.draws
        mean = float(s / n)
        var = float((ss - s * s / n) / (n - 1)) if n > 1 else math.nan
        half = Z95 * math.sqrt(max(var, 0.0) / n) if n > 1 else math.nan
        return (mean, mean - half, mean + half)

    def period_labels(self) -> list[str]:
        """Each period as ``YYYY-MM``."""
        return [f"{d.year}-{d.month:02d}" for d in self.periods]

    def influence_metrics(self) -> list[str]:
        """Metrics whose id or label mentions influence; all metrics when none does."""
        hits = [m for m in self.metrics
                if "influence" in m.lower() or "influence" in self.metric_labels[m].lower()]
        return hits or list(self.metrics)

    def default_risk(self, benefit: str) -> str:
        """The scenario's stated risk; else the other outcome whose probability differs most
        between courses (a metric when there is no other outcome)."""
        members = benefit.split(",")
        if self.question and self.question.get("risk") and self.question["risk"] not in members:
            return self.question["risk"]
        others = [o for o in self.outcomes if o not in members]
        if others:
            s = self.summary
            spread = {o: np.ptp([s.probability(c, self.outcomes.index(o))
                                 for c in range(len(self.courses))]) for o in others}
            return max(others, key=lambda o: spread[o])
        if not self.metrics:
            raise UsageError("no other outcome and no metric to plot as a risk")
        return self.metrics[0]

    def __repr__(self) -> str:
        return (f"Results(scenario={self.scenario!r}, draws={self.draws}, seed={self.seed}, "
                f"courses={self.courses})")


def wilson(p: float, n: int) -> tuple[float, float]:
    """95% Wilson interval of a proportion ``p`` observed in ``n`` draws."""
    if n <= 0 or not math.isfinite(p):
        return (math.nan, math.nan)
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # the interval always contains p (rounding could nudge an end past it at 0 or 1)
    return (min(max(0.0, centre - half), p), max(min(1.0, centre + half), p))


def _index(name: str, valid: list[str], what: str) -> int:
    if name not in valid:
        raise UsageError(f"unknown {what} '{name}'; valid: {', '.join(valid)}")
    return valid.index(name)


@dataclass(frozen=True)
class DrawArrays:
    """Per-draw results as arrays: ``outcome``, ``time`` (the sampled history) and each
    metric of shape ``(courses, draws)``, each judgment ``(draws,)``; ``draw`` holds global
    draw indices; ``mass`` the conditional probabilities (see
    :class:`~kennan.engine.simulate.ChunkResult`)."""

    courses: list[str]
    draw: np.ndarray
    judgments: dict[str, np.ndarray]
    outcome: np.ndarray
    time: np.ndarray
    metrics: dict[str, np.ndarray]
    records: dict[str, np.ndarray]
    mass: np.ndarray | None = None

    def probability(self, k: int, within: int | None = None) -> np.ndarray:
        """``(courses, draws)`` probability of outcome ``k`` by period ``within`` (default:
        the horizon) given each draw's judgments and path."""
        return outcome_probability(self.mass, k, within)
    #: Each draw's value to the deciding side, ``(courses, draws)``, when outcomes or
    #: metrics carry a worth.
    value: np.ndarray | None = None

    @classmethod
    def from_chunks(cls, chunks: list[ChunkResult]) -> DrawArrays:
        """Concatenate chunks of the same courses, in draw order (one chunk's arrays are
        taken as they are, not copied: the outcome masses alone are tens of megabytes)."""
        chunks = sorted(chunks, key=lambda ch: ch.start)
        first = chunks[0]

        def join(arrays: list[np.ndarray], axis: int) -> np.ndarray:
            return arrays[0] if len(arrays) == 1 else np.concatenate(arrays, axis=axis)

        return cls(
            courses=list(first.courses),
            draw=join([_draw_numbers(ch) for ch in chunks], 0),
            judgments={j: join([ch.judgments[j] for ch in chunks], 0) for j in first.judgments},
            outcome=join([ch.outcome for ch in chunks], 1),
            time=join([ch.time for ch in chunks], 1),
            metrics={m: join([ch.metrics[m] for ch in chunks], 1) for m in first.metrics},
            records={r: join([ch.records[r] for ch in chunks], 1) for r in first.records},
            mass=join([ch.mass for ch in chunks], 3) if first.mass is not None else None,
            value=join([ch.value for ch in chunks], 1) if first.value is not None else None,
        )

    @property
    def count(self) -> int:
        """Number of draws."""
        return int(self.draw.shape[0])


def _draw_numbers(chunk: ChunkResult) -> np.ndarray:
    """The global number of each row's draw."""
    if chunk.draw_numbers is not None:
        return chunk.draw_numbers
    return np.arange(chunk.start, chunk.start + chunk.count)


def draws_frame(chunk: ChunkResult, outcomes: list[str]) -> pd.DataFrame:
    """Long table of one chunk: a row per (draw, course)."""
    n_c, n = chunk.outcome.shape
    labels = np.array([*outcomes, ""], dtype=object)
    data: dict[str, Any] = {
        "draw": np.tile(_draw_numbers(chunk), n_c),
        "course": np.repeat(np.array(chunk.courses, dtype=object), n),
        "outcome": labels[chunk.outcome.ravel()],
        "period": chunk.time.ravel().astype(np.int64),
    }
    for k, o in enumerate(outcomes):
        data[o] = (chunk.outcome.ravel() == k)
    for k, o in enumerate(outcomes):
        data[f"p_{o}"] = chunk.probability(k).ravel()
    for name, values in chunk.metrics.items():
        data[name] = values.ravel()
    for name, values in chunk.records.items():
        data[name] = values.ravel()
    for name, values in chunk.judgments.items():
        data[f"j_{name}"] = np.tile(values, n_c)
    return pd.DataFrame(data)
