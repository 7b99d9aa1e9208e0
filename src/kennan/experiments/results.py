"""The results of a run: a summary table, per-period probabilities, per-draw tables.

:class:`Results` is what :func:`kennan.run` returns. Its tables are pandas
DataFrames; in Jupyter it renders as the summary table.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kennan.engine.model import Model
from kennan.engine.simulate import ChunkResult
from kennan.experiments.summary import Summary


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
    _chunks: list[ChunkResult] | None = field(default=None, repr=False)

    @classmethod
    def from_run(cls, model: Model, summary: Summary, *, seed: int,
                 chunks: list[ChunkResult] | None) -> Results:
        """Results of a run of ``model``."""
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
        )

    @property
    def draws(self) -> int:
        """Number of draws simulated per course."""
        return self.summary.draws

    # -- tables --------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """One row per course: outcome probabilities by the horizon, median time to the
        first outcome (periods), metric means, and paired differences against the baseline."""
        s = self.summary
        rows = []
        for c, course in enumerate(self.courses):
            row: dict[str, Any] = {"course": course}
            for k, o in enumerate(self.outcomes):
                row[o] = s.probability(c, k)
            row["median_time"] = s.median_time(c)
            for m, metric in enumerate(self.metrics):
                row[metric] = s.metric_mean(c, m)
            for k, o in enumerate(self.outcomes):
                d, lo, hi = s.outcome_difference(c, k)
                row[f"d_{o}"], row[f"d_{o}_lo"], row[f"d_{o}_hi"] = d, lo, hi
            rows.append(row)
        return pd.DataFrame(rows).set_index("course")

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
        """Every draw of every course: outcome, period, metrics, records and judgments.

        Available when the run kept its draws (``keep_draws``)."""
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
            courses[course] = {
                "outcomes": {o: s.probability(c, k) for k, o in enumerate(self.outcomes)},
                "by_period": {o: s.cumulative(c, k) for k, o in enumerate(self.outcomes)},
                "metrics": {m: s.metric_mean(c, i) for i, m in enumerate(self.metrics)},
                "median_time": s.median_time(c),
                "differences": diffs,
            }
        return {
            "scenario": self.scenario, "seed": self.seed, "draws": self.draws,
            "periods": [d.isoformat() for d in self.periods], "baseline": self.baseline,
            "courses": courses,
        }

    def _repr_html_(self) -> str:
        return self.table().to_html(float_format=lambda x: f"{x:.3f}")

    def __repr__(self) -> str:
        return (f"Results(scenario={self.scenario!r}, draws={self.draws}, seed={self.seed}, "
                f"courses={self.courses})")


def draws_frame(chunk: ChunkResult, outcomes: list[str]) -> pd.DataFrame:
    """Long table of one chunk: a row per (draw, course)."""
    n_c, n = chunk.outcome.shape
    labels = np.array([*outcomes, ""], dtype=object)
    data: dict[str, Any] = {
        "draw": np.tile(np.arange(chunk.start, chunk.start + n), n_c),
        "course": np.repeat(np.array(chunk.courses, dtype=object), n),
        "outcome": labels[chunk.outcome.ravel()],
        "period": chunk.time.ravel().astype(np.int64),
    }
    for k, o in enumerate(outcomes):
        data[o] = (chunk.outcome.ravel() == k)
    for name, values in chunk.metrics.items():
        data[name] = values.ravel()
    for name, values in chunk.records.items():
        data[name] = values.ravel()
    for name, values in chunk.judgments.items():
        data[f"j_{name}"] = np.tile(values, n_c)
    return pd.DataFrame(data)
