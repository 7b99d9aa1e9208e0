"""Historical replay: fix what actually happened and compare the model with history.

A scenario's ``replay`` section names the course actually taken, the dates of the
events that occurred (every other event is held off) and the actual dates of
outcomes. The replay simulates that one course with those events and reports,
month by month, the model's probability of each outcome, beside the actual date.
Nothing is fitted to history: the judgments are those the scenario cites.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from kennan.arguments import whole
from kennan.defaults import CHUNK_SIZE, DRAWS, SEED
from kennan.engine.model import build_model, period_index
from kennan.engine.simulate import simulate
from kennan.errors import UsageError
from kennan.experiments import limits
from kennan.experiments.runner import chunk_plan, empty_summary, summarise
from kennan.experiments.summary import Summary
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import load_scenario


@dataclass
class Replay:
    """The model's monthly outcome probabilities under what actually happened."""

    scenario: str
    course: str
    periods: list[_dt.date]
    outcomes: list[str]
    forced: dict[str, _dt.date]
    actual: dict[str, _dt.date]
    summary: Summary

    @property
    def hypotheses(self) -> list[str]:
        """The scenario's competing readings (empty when it has none)."""
        return list(self.summary.hypotheses)

    def _summary(self, hypothesis: str | None) -> Summary:
        return self.summary if hypothesis is None else self.summary.hypotheses[hypothesis]

    def monthly(self, outcome: str, hypothesis: str | None = None) -> list[float]:
        """Probability that ``outcome`` happens in each month, given it has not before
        (pooled, or under one reading)."""
        summary = self._summary(hypothesis)
        k = self.outcomes.index(outcome)
        counts = summary.counts[0]
        at_risk = summary.draws
        out = []
        for t in range(len(self.periods)):
            out.append(counts[k][t] / at_risk if at_risk else float("nan"))
            at_risk -= sum(counts[j][t] for j in range(len(self.outcomes)))
        return out

    def cumulative(self, outcome: str, hypothesis: str | None = None) -> list[float]:
        """Probability that ``outcome`` has happened by the end of each month (pooled, or
        under one reading)."""
        return self._summary(hypothesis).cumulative(0, self.outcomes.index(outcome))

    def actual_period(self, outcome: str) -> int | None:
        """Index of the month the outcome actually happened in, if within the horizon."""
        if outcome not in self.actual:
            return None
        t = period_index(self.periods[0], self.actual[outcome])
        return t if 0 <= t < len(self.periods) else None

    def to_json(self) -> dict:
        """Machine-readable replay."""
        return {
            "scenario": self.scenario, "course": self.course, "draws": self.summary.draws,
            "periods": [d.isoformat() for d in self.periods],
            "events": {e: d.isoformat() for e, d in self.forced.items()},
            "actual": {o: d.isoformat() for o, d in self.actual.items()},
            "outcomes": {o: {"monthly": self.monthly(o), "cumulative": self.cumulative(o)}
                         for o in self.outcomes},
            "hypotheses": {h: {o: {"monthly": self.monthly(o, h),
                                   "cumulative": self.cumulative(o, h)}
                               for o in self.outcomes}
                           for h in self.hypotheses},
        }


def replay_section(loaded: LoadedScenario) -> Any:
    """The scenario's ``replay`` section, or a clear error when it has none."""
    if loaded.model.replay is None:
        raise UsageError(f"scenario '{loaded.id}' has no 'replay' section: add one naming the "
                         "course taken, the events that occurred and the actual outcome dates")
    return loaded.model.replay


def replay(scenario: str | LoadedScenario, *, draws: int = DRAWS, seed: int = SEED,
           chunk_size: int = CHUNK_SIZE) -> Replay:
    """Replay ``scenario``'s history (its ``replay`` section)."""
    draws = whole("draws", draws, least=1, most=limits.MAX_DRAWS)
    seed = whole("seed", seed, least=0, most=limits.MAX_SEED)
    chunk_size = whole("chunk_size", chunk_size, least=1)
    loaded = load_scenario(scenario)
    spec = replay_section(loaded)
    model = build_model(loaded, [spec.course])
    start = model.periods[0]
    forced = {e: period_index(start, d) for e, d in spec.events.items()}
    limits.check_run_size(model, draws=draws, chunk_size=chunk_size)
    summary = empty_summary(model)
    for first, count in chunk_plan(draws, chunk_size):
        chunk = simulate(model, start=first, count=count, seed=seed, forced_events=forced)
        summary = summary.merge(summarise(model, chunk))
    return Replay(scenario=loaded.id, course=spec.course, periods=model.periods,
                  outcomes=[o.id for o in model.outcomes], forced=dict(spec.events),
                  actual=dict(spec.actual), summary=summary)
