"""What each mechanism contributes: switch it off, measure the paired change.

For every mechanism of a scenario (consideration, faction, event, policy step,
issue; see :mod:`kennan.engine.ablation` for each kind's neutral) the scenario is
run again with that mechanism switched off, on the same draws and random numbers
as the intact run (same seed: common random numbers), and each course's change in
the question's quantity (an outcome's probability given each draw, or a metric) is
the mean of the per-draw differences, with a 95% interval. Every run goes through
the experiment runner (:func:`kennan.experiments.runner.run`), so executors and
progress work as for ``kennan run``. A mechanism whose every interval covers 0 and
whose changes are tiny does nothing the question can see.

In a scenario with competing hypotheses the quantity is pooled over the readings
(each draw follows one); ``hypothesis`` reads it under one reading instead, on the
same draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kennan import defaults
from kennan.analysis.compare import paired_stats
from kennan.analysis.quantity import Quantity, quantity_of
from kennan.errors import UsageError
from kennan.experiments.executors import Executor
from kennan.experiments.runner import run
from kennan.experiments.study import Study
from kennan.scenario.loaded import LoadedScenario

DEFAULT_DRAWS = defaults.ABLATION_DRAWS


@dataclass(frozen=True)
class Ablation:
    """Paired changes of ``quantity`` per mechanism and course, largest first."""

    scenario: str
    quantity: Quantity
    draws: int
    seed: int
    courses: list[str]
    base: dict[str, float]
    rows: list[dict[str, Any]]
    #: The competing reading the quantity is read under (None: pooled, or no readings).
    hypothesis: str | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"mechanisms": [{"id", "kind", "effects": {course: {"difference", "low",
        "high"}}}], ...}``."""
        return {"scenario": self.scenario, "quantity": self.quantity.describe(),
                "hypothesis": self.hypothesis, "draws": self.draws, "seed": self.seed,
                "base": self.base, "mechanisms": self.rows}


def ablation(scenario: str | LoadedScenario | Study, *, draws: int = DEFAULT_DRAWS,
             seed: int = defaults.SEED,
             only: Sequence[str] | None = None, outcome: str | None = None,
             metric: str | None = None, within: int | None = None,
             executor: Executor | None = None,
             progress: Callable[[int], Any] | None = None,
             hypothesis: str | None = None) -> Ablation:
    """Switch off each mechanism (or those in ``only``) and measure the change in the
    question's outcome (default: the scenario's ``question``, else its first outcome),
    pooled over the competing readings or under ``hypothesis`` alone."""
    study = Study.open(scenario, executor=executor, progress=progress)
    chosen = list(dict.fromkeys(only)) if only else [m for m, _ in study.mechanisms()]
    kinds = {m: study.check_mechanism(m) for m in chosen}  # refuse unknown ids first
    readings = [h.id for h in study.model.hypotheses]
    if hypothesis is not None and hypothesis not in readings:
        valid = ", ".join(readings) or "none (the scenario states no hypotheses)"
        raise UsageError(f"unknown hypothesis '{hypothesis}'; valid: {valid}")
    if draws < 2:
        raise UsageError(f"an ablation needs at least 2 draws, got {draws}")
    question = study.question
    if outcome is None and metric is None and question is not None:
        outcome = question.outcome
        within = question.within if within is None else within
    q = quantity_of(study.catalog, outcome=outcome, metric=metric, within=within)

    def values(mechanism: str | None) -> np.ndarray:
        r = run(study, draws=draws, seed=seed, keep_draws=True, ablate=mechanism)
        return q.values((r if hypothesis is None else r.hypothesis(hypothesis)).per_draw())

    intact = values(None)
    rows = []
    for m in chosen:
        diff = values(m) - intact
        mean, low, high = paired_stats(diff)
        effects = {c: {"difference": float(mean[i]), "low": float(low[i]),
                       "high": float(high[i])} for i, c in enumerate(study.course_ids)}
        rows.append({"id": m, "kind": kinds[m], "effects": effects,
                     "largest": float(np.max(np.abs(mean)))})
    rows.sort(key=lambda r: -r["largest"])
    for r in rows:
        del r["largest"]
    base = {c: float(intact[i].mean()) for i, c in enumerate(study.course_ids)}
    return Ablation(study.id, q, draws, seed, study.course_ids, base, rows, hypothesis)
