"""Stages 8-9: outcomes absorb probability, metrics accrue to the horizon.

Every draw carries ``survival``, the probability (given its judgments and the
path simulated so far) that no outcome has absorbed it yet. Each period, in file
order, an outcome takes its share of what survives:

* a ``when`` outcome takes all of it where its condition holds;
* a ``hazard`` outcome takes ``survival * hazard`` (the **conditional** estimator)
  or, with the **sampled** estimator, all of it where one uniform falls below the
  hazard.

The conditional estimator is conditional Monte Carlo (Rao-Blackwellisation): the
uniform that would decide a hazard outcome influences nothing else in the model,
so integrating it out analytically gives the same expectation with less
variance. The simulated path then goes on through a hazard outcome's period
(nothing on it reads whether the outcome happened) and stops only when no
probability is left. A sampled history, one outcome and period per draw, is
still drawn alongside from the same uniforms as before.

A metric's value per draw is its expectation over the absorbed masses: the
aggregate it would have if absorbed in period s by outcome k, weighted by the
probability of that, plus the surviving probability times its aggregate at the
horizon. What it does after absorption follows its ``after`` rule (see
:class:`~kennan.scenario.schema.Metric`): ``hold`` its last value for every
remaining period, ``stop``, or a value per outcome.
"""

from __future__ import annotations

import numpy as np

from kennan.engine import buffers
from kennan.engine.evaluator import Evaluator
from kennan.engine.evidence import FREE, Evidence, weigh_outcome, weigh_states
from kennan.engine.masks import Live, full
from kennan.engine.model import MetricSpec, Model


class Outcomes:
    """Absorbed probability per outcome and period, the sampled history, and records."""

    def __init__(self, model: Model, shape: tuple[int, int], *, conditional: bool):
        n_out, horizon = len(model.outcomes), model.horizon
        self.conditional = conditional
        self.survival = np.ones(shape)
        self.sampled = np.ones(shape, dtype=bool)  # not yet absorbed in the sampled history
        #: mass[k, c, t, n]: probability that outcome k absorbs draw n of course c in period t
        self.mass = buffers.zeros((n_out, shape[0], horizon, shape[1]), np.float32)
        self.outcome = np.full(shape, -1, dtype=np.int8)
        self.time = np.full(shape, -1, dtype=np.int16)
        #: Probability of reaching each outcome with a record (others are not needed).
        self.reached = {k: np.zeros(shape) for k, o in enumerate(model.outcomes) if o.record}
        self.record_sums = {f"{o.id}.{name}": np.zeros(shape) for o in model.outcomes
                            for name, _ in o.record}
        self._record_outcome = {f"{o.id}.{name}": k for k, o in enumerate(model.outcomes)
                                for name, _ in o.record}

    def settle(self, model: Model, ev: Evaluator, alive: np.ndarray, streams, t: int,
               accrual: Accrual, evidence: Evidence | None = None,
               log_w: np.ndarray | None = None) -> None:
        """Stage 8 of period ``t``: each outcome in file order takes its probability;
        ``alive`` (the path goes on) is updated in place. With ``evidence`` an observed
        outcome is forced or held off (and the draw weighed), then takes all or none."""
        shape = ev.shape
        for k, o in enumerate(model.outcomes):
            observed = evidence is not None and evidence.outcomes[k, t] != FREE
            if o.when is not None:
                hazard = None
                cond = full(ev(o.when), shape).astype(bool, copy=False)
                if not observed and not cond.any():
                    continue  # it takes nothing and ends no sampled history
                share = cond
            else:
                hazard = full(ev(o.hazard), shape)
                cond = streams(f"outcome:{o.id}", t) < hazard
                share = np.clip(hazard, 0.0, 1.0) if self.conditional else cond
            if observed:
                cond = weigh_outcome(evidence, k, t, hazard, cond, alive, log_w)
                share = cond
            new = self.sampled & cond & alive
            if new.any():
                # Why copyto: a masked write, without boolean indexing's gather of indices.
                np.copyto(self.outcome, np.int8(k), where=new)
                np.copyto(self.time, np.int16(t), where=new)
                self.sampled &= ~new
            m = self.survival * share if self.conditional else new.astype(np.float64)
            if not m.any():
                continue
            # Why no floor at 0: m = survival * share with share in [0, 1] is at most
            # survival, so the difference (correctly rounded) is never below 0.
            self.survival -= m
            self.mass[k, :, t, :] = m
            if k in self.reached:
                self.reached[k] += m
            for name, site in o.record:
                self.record_sums[f"{o.id}.{name}"] += m * full(ev(site), shape)
            accrual.absorb(model, ev, k, m, t)
        if self.conditional:
            alive &= self.survival > 0.0
        else:
            alive &= self.sampled
        if evidence is not None and evidence.states:
            weigh_states(evidence, t, ev.env, log_w)

    def records(self) -> dict[str, np.ndarray]:
        """Each record's expected value given its outcome is reached (NaN where it never is)."""
        out = {}
        for key, total in self.record_sums.items():
            r = self.reached[self._record_outcome[key]]
            out[key] = np.where(r > 0, total / np.where(r > 0, r, 1.0), np.nan)
        return out


class Accrual:
    """Stage 9: every metric's running statistics on the path and its expectation per draw."""

    def __init__(self, model: Model, shape: tuple[int, int]):
        n = len(model.metrics)
        self.horizon = model.horizon
        self.current = np.zeros((n, *shape))  # latest value while the path is live
        self.total = np.zeros((n, *shape))
        self.extreme = np.zeros((n, *shape))
        self.periods = np.zeros(shape)
        # sum of mass x aggregate at absorption (but for final values: held is the same)
        self.expected = np.zeros((n, *shape))
        self.held = np.zeros((n, *shape))  # sum of mass x current value after absorption
        self.after = [dict(m.after_values) for m in model.metrics]
        # This period's aggregates of metrics without an after value, by metric.
        self._period, self._aggregates = -1, {}
        self._recorded = False  # whether record() has run: the first sets the extremes

    def record(self, model: Model, ev: Evaluator, live: Live) -> None:
        """Add this period's values on the path for the draws ``live`` holds."""
        first = not self._recorded
        self._recorded = True
        self.periods += live.mask
        for k, m in enumerate(model.metrics):
            value = full(ev(m.value), ev.shape)
            live.copy(self.current[k], value)
            if m.aggregate in ("sum", "mean"):
                live.add(self.total[k], value)
            elif m.aggregate in ("max", "min"):
                pick = np.maximum if m.aggregate == "max" else np.minimum
                best = value if first else pick(self.extreme[k], value)
                live.copy(self.extreme[k], best)

    def absorb(self, model: Model, ev: Evaluator, outcome: int, mass: np.ndarray,
               t: int) -> None:
        """Outcome ``outcome`` takes ``mass`` of each draw in period ``t``."""
        if t != self._period:  # aggregates without an after value hold for the period
            self._period, self._aggregates = t, {}
        for k, m in enumerate(model.metrics):
            site = self.after[k].get(outcome)
            if site is None:
                tail = self.current[k]
            else:
                tail = ev(site)
                # A constant stays a number: products with it need no array of it.
                tail = float(tail) if np.ndim(tail) == 0 else np.asarray(tail, dtype=np.float64)
            # Why skip a tail of 0: it adds only zeros, and held (a sum from +0.0 of
            # products) is never -0.0, so they would change no bit.
            if not (isinstance(tail, float) and tail == 0.0):
                self.held[k] += mass * tail
            if m.aggregate == "final":
                continue  # its aggregate is the tail: expected would equal held bit for bit
            if site is None:
                if k not in self._aggregates:
                    self._aggregates[k] = self._aggregate(k, m, tail, t, False)
                aggregate = self._aggregates[k]
            else:
                aggregate = self._aggregate(k, m, tail, t, True)
            self.expected[k] += mass * aggregate

    def _aggregate(self, k: int, m: MetricSpec, tail: np.ndarray, t: int,
                   given: bool) -> np.ndarray:
        """The metric's aggregate for a draw absorbed in period ``t`` with value ``tail``
        for each remaining period (``t`` = horizon - 1 and no tail for a survivor)."""
        rest = self.horizon - 1 - t
        if m.aggregate == "final":
            return tail
        if m.aggregate in ("max", "min"):
            pick = np.maximum if m.aggregate == "max" else np.minimum
            return pick(self.extreme[k], tail) if given else self.extreme[k]
        if m.after == "stop" and not given:
            total, periods = self.total[k], np.maximum(self.periods, 1.0)
        elif isinstance(tail, float) and tail * rest == 0.0:
            total, periods = self.total[k], float(self.horizon)  # a total is never -0.0
        else:
            total, periods = self.total[k] + tail * rest, float(self.horizon)
        return total if m.aggregate == "sum" else total / periods

    def trajectory(self, survival: np.ndarray) -> np.ndarray:
        """Expected current value of every metric this period, ``(metrics, courses, draws)``."""
        return self.held + survival * self.current

    def finish(self, model: Model, survival: np.ndarray) -> dict[str, np.ndarray]:
        """The expected aggregate of every metric per draw."""
        last = self.horizon - 1
        return {m.id: (self.held if m.aggregate == "final" else self.expected)[k]
                + survival * self._aggregate(k, m, self.current[k], last, False)
                for k, m in enumerate(model.metrics)}
