"""Rolling replay: forecast each month from what was known at its start, then score.

For each month ``t`` of a scenario's history (its ``replay`` section) up to the month
the outcome actually happened, the observations are everything known by the end of
month ``t - 1``: the history's events that had happened, in the months they happened;
every other event not yet; no outcome yet. The forecast is the probability that the
history's outcome happens in month ``t``, under the course taken, after updating the
judgments on those observations (:mod:`kennan.experiments.updating`).

The history's events are imposed as ``kennan replay`` imposes them and the judgments
learn from the outcomes not having happened (a history the model finds impossible in
some detail, such as two events in one month that it can only see a month apart,
still replays). Nothing is fitted: the score is a test. The same months are scored
for the *prior* forecast (no updating: the model's own chance of the outcome in month
``t`` given none before, with the history's events imposed), side by side.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kennan.engine.evidence import build_evidence
from kennan.engine.model import build_model, period_index
from kennan.errors import UsageError
from kennan.experiments.replay import replay_section
from kennan.experiments.updating import hypothesis_posterior, simulate_histories
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import load_scenario
from kennan.scenario.observations import Observation, Observations

#: Forecasts are clipped this far from 0 and 1 in the log score.
EPS = 1e-6
#: Calibration bins of the forecasts.
BINS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


@dataclass
class Rolling:
    """Monthly forecasts of an outcome made before each month, and their scores."""

    scenario: str
    course: str
    outcome: str
    actual: _dt.date | None
    months: list[_dt.date]
    forecast: list[float]  # updated on what was known at the month's start
    prior: list[float]  # without updating on outcomes not yet seen
    effective: list[float]
    happened: list[int]
    #: Per month, with competing hypotheses: each one's weight after updating.
    hypotheses: list[dict[str, float]] = field(default_factory=list)

    def scores(self, which: str = "forecast") -> dict[str, float]:
        """Brier and log scores (mean per month) of ``forecast`` or ``prior``."""
        p = np.asarray(getattr(self, which))
        y = np.asarray(self.happened, dtype=float)
        q = np.clip(p, EPS, 1 - EPS)
        return {"brier": float(np.mean((p - y) ** 2)),
                "log": float(np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))}

    def calibration(self, which: str = "forecast") -> list[dict[str, float]]:
        """Per bin of forecast probability: months, mean forecast, observed frequency."""
        p = np.asarray(getattr(self, which))
        y = np.asarray(self.happened, dtype=float)
        out = []
        for lo, hi in itertools.pairwise(BINS):
            inside = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
            if inside.any():
                out.append({"low": lo, "high": hi, "months": int(inside.sum()),
                            "mean_forecast": float(p[inside].mean()),
                            "observed": float(y[inside].mean())})
        return out

    def to_json(self) -> dict[str, Any]:
        """Plain data (``kennan replay --rolling --json``)."""
        return {
            "scenario": self.scenario, "course": self.course, "outcome": self.outcome,
            "actual": None if self.actual is None else self.actual.isoformat(),
            "months": [{"month": f"{m:%Y-%m}", "forecast": f, "prior": p,
                        "effective_draws": e, "happened": bool(h),
                        "hypotheses": self.hypotheses[i] if self.hypotheses else {}}
                       for i, (m, f, p, e, h) in enumerate(zip(
                           self.months, self.forecast, self.prior, self.effective,
                           self.happened, strict=True))],
            "scores": {"forecast": self.scores("forecast"), "prior": self.scores("prior")},
            "calibration": {"forecast": self.calibration("forecast"),
                            "prior": self.calibration("prior")},
        }


def rolling_replay(scenario: str | Path | LoadedScenario, *, draws: int = 4_000,
                   replications: int = 1, seed: int = 0, outcome: str | None = None
                   ) -> Rolling:
    """Forecast, month by month, the history's outcome from what was known before it."""
    loaded = load_scenario(scenario)
    spec = replay_section(loaded)
    model = build_model(loaded, [spec.course])
    start = model.periods[0]
    target = outcome or next(iter(spec.actual), None)
    if target is None:
        raise UsageError(f"scenario '{loaded.id}''s replay names no actual outcome to score")
    if target not in [o.id for o in model.outcomes]:
        raise UsageError(f"unknown outcome '{target}'")
    actual = spec.actual.get(target)
    t_actual = None if actual is None else period_index(start, actual)
    last = model.horizon - 1 if t_actual is None else min(t_actual, model.horizon - 1)
    k = [o.id for o in model.outcomes].index(target)
    happened_at = {e: period_index(start, d) for e, d in spec.events.items()}
    where = loaded.doc.locate(("replay",))
    rolling = Rolling(loaded.id, spec.course, target, actual, [], [], [], [], [])
    for t in range(last + 1):
        items = []
        if t > 0:
            for e in model.events:
                p = happened_at.get(e.id)
                how = "in" if p is not None and p <= t - 1 else "not_by"
                items.append(Observation("event", e.id, how, p if how == "in" else t - 1,
                                         None, None, where))
            items += [Observation("outcome", o.id, "not_by", t - 1, None, None, where)
                      for o in model.outcomes]
        obs = Observations(loaded.doc.file, loaded.id, max(t - 1, 0), model.periods[t],
                           spec.course, tuple(items))
        post = simulate_histories(model, build_evidence(model, obs, learn_from_events=False),
                                  draws=draws, replications=replications, seed=seed)
        w = post.weights()[0]
        lik = post.by_draw(w)
        hit = post.by_draw(np.where((post.outcome[0] == k) & (post.time[0] == t), w, 0.0))
        pi = lik / lik.sum()
        ok = lik > 0
        rolling.forecast.append(float(np.dot(pi[ok], hit[ok] / lik[ok])))
        rolling.effective.append(float(1.0 / np.sum(pi ** 2)))
        weights = hypothesis_posterior(post, 0)
        if weights:
            rolling.hypotheses.append({k: v["posterior"] for k, v in weights.items()})
        # The prior: the same histories (held open until t), every draw weighted alike.
        rolling.prior.append(float(np.mean((post.outcome[0] == k) & (post.time[0] == t))))
        rolling.months.append(model.periods[t])
        rolling.happened.append(int(t == t_actual))
    return rolling
