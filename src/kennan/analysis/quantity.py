"""What a course is judged by: reaching an outcome (by the horizon or within some months),
or a metric, with the direction that counts as better."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kennan.errors import UsageError
from kennan.experiments.catalog import Catalog


@dataclass(frozen=True)
class Quantity:
    """A per-draw value of each course: an outcome's indicator or a metric.

    ``sense`` is +1 when more is better, -1 when less is better; ``within`` counts
    an outcome only when reached in the first ``within`` periods.
    """

    kind: str  # "outcome", "metric" or "value" (the expected value of outcomes' worth)
    id: str
    label: str
    index: int
    within: int | None = None
    sense: int = 1
    #: For a union of outcomes: the index of each (``index`` is the first's).
    indices: tuple[int, ...] = ()

    def values(self, draws: Any) -> np.ndarray:
        """``(courses, draws)`` values from anything with ``outcome``, ``time``, ``metrics``
        (a :class:`~kennan.engine.simulate.ChunkResult` or per-draw arrays): a metric's
        expected value, or an outcome's probability given each draw's judgments and path
        (its sampled yes or no when the draws carry no probabilities)."""
        if self.kind == "metric":
            return np.asarray(draws.metrics[self.id], dtype=np.float64)
        if self.kind == "value":
            return np.asarray(draws.value, dtype=np.float64)
        members = self.indices or (self.index,)
        if getattr(draws, "mass", None) is not None:
            return sum(draws.probability(k, self.within) for k in members)
        hit = np.isin(draws.outcome, members)
        if self.within is not None:
            hit &= (draws.time >= 0) & (draws.time < self.within)
        return hit.astype(np.float64)

    def scores(self, draws: Any) -> np.ndarray:
        """Values signed so that higher is always better."""
        return self.sense * self.values(draws)

    def describe(self) -> str:
        """Readable statement, e.g. ``probability of Armistice within 12 months``."""
        if self.kind in ("metric", "value"):
            better = "lower" if self.sense < 0 else "higher"
            return f"{self.label} ({better} is better)"
        when = f" within {self.within} months" if self.within else " by the horizon"
        return f"probability of {self.label}{when}"


#: The metric name of the expected value to the deciding side (outcomes' and metrics' worth).
EXPECTED_VALUE = "expected_value"


def make_quantity(outcomes: dict[str, str], metrics: dict[str, str], horizon: int, *,
                  outcome: str | list[str] | None = None, metric: str | None = None,
                  within: int | None = None, lower_is_better: bool = False,
                  has_value: bool = False) -> Quantity:
    """The quantity named by ``outcome`` or ``metric`` (default: the first outcome).

    ``outcomes`` and ``metrics`` map ids to labels, in the scenario's order. An
    ``outcome`` that is a list, or ids joined by commas, is the union of those
    outcomes. ``metric`` may be ``expected_value`` when ``has_value`` (outcomes or
    metrics carry a worth) and no metric has that id. Unknown ids raise
    :class:`UsageError` listing the valid ones."""
    if isinstance(outcome, str) and "," in outcome:
        outcome = [o.strip() for o in outcome.split(",") if o.strip()]
    if isinstance(outcome, list | tuple):
        members = list(dict.fromkeys(outcome))
        if len(members) == 1:
            outcome = members[0]
        else:
            first = make_quantity(outcomes, metrics, horizon, outcome=members[0], within=within,
                                  lower_is_better=lower_is_better)
            for o in members[1:]:
                make_quantity(outcomes, metrics, horizon, outcome=o)
            return Quantity("outcome", ",".join(members),
                            " or ".join(outcomes[o] for o in members), first.index, within,
                            first.sense, tuple(list(outcomes).index(o) for o in members))
    if metric == EXPECTED_VALUE and metric not in metrics:
        if not has_value:
            raise UsageError("no outcome or metric of this scenario carries a worth, so there "
                             "is no expected value to judge courses by")
        if within is not None:
            raise UsageError("within applies to an outcome, not to the expected value")
        if outcome is not None:
            raise UsageError("give an outcome or a metric, not both")
        return Quantity("value", EXPECTED_VALUE, "expected value", -1, None,
                        -1 if lower_is_better else 1)
    if outcome is not None and metric is not None:
        raise UsageError("give an outcome or a metric, not both")
    if within is not None and not 1 <= within <= horizon:
        raise UsageError(f"within must be between 1 and the horizon ({horizon} periods), "
                         f"got {within}")
    if metric is not None:
        if metric not in metrics:
            raise UsageError(f"unknown metric '{metric}'; valid: {', '.join(metrics) or 'none'}")
        if within is not None:
            raise UsageError("within applies to an outcome, not to a metric")
        return Quantity("metric", metric, metrics[metric], list(metrics).index(metric),
                        None, -1 if lower_is_better else 1)
    if not outcomes:
        raise UsageError("this scenario has no outcome; name a metric instead")
    outcome = outcome if outcome is not None else next(iter(outcomes))
    if outcome not in outcomes:
        raise UsageError(f"unknown outcome '{outcome}'; valid: {', '.join(outcomes)}")
    return Quantity("outcome", outcome, outcomes[outcome], list(outcomes).index(outcome),
                    within, -1 if lower_is_better else 1)


def quantity_of(catalog: Catalog, **options: Any) -> Quantity:
    """:func:`make_quantity` over a :class:`~kennan.experiments.catalog.Catalog`: a run's
    (``results.catalog``) or a compiled scenario's (``study.catalog``)."""
    return make_quantity(catalog.outcomes, catalog.metrics, catalog.horizon,
                         has_value=catalog.has_value, **options)
