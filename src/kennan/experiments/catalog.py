"""What a quantity of a scenario can name: its outcomes and metrics, horizon and worth.

Analyses judge courses by a quantity (an outcome's probability, a metric, the expected
value; :mod:`kennan.analysis.quantity`). A :class:`Catalog` is the one typed thing
they read the names from, whether they hold a compiled scenario
(:class:`~kennan.experiments.study.Study`) or a run's results
(:class:`~kennan.experiments.results.Results`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Catalog:
    """Outcome and metric ids with their labels (in the scenario's order), the number of
    periods, and whether outcomes or metrics carry a worth (an expected value)."""

    outcomes: dict[str, str]
    metrics: dict[str, str]
    horizon: int
    has_value: bool

    @classmethod
    def of_model(cls, model: Any) -> Catalog:
        """The catalog of a compiled :class:`~kennan.engine.model.Model`."""
        return cls({o.id: o.label for o in model.outcomes},
                   {m.id: m.label for m in model.metrics}, model.horizon, model.has_worth)
