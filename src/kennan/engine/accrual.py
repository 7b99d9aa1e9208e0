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
from kennan.engine.model import Model


class Outcomes:
    """Absorbed probability per outcome and period, the sampled history, and records."""

    def __init__(self, model: Model, shape: tuple[int, int], *, conditional: bool):
        n_out, horizon = len(model.outcomes), model.horizon
        self.conditional = conditional
        self.survival = np.ones(shape)
        self.sampled = np.ones(shape, dtype=bool)  # not yet absorbed in the sampled history
        #: mass[k, c, t, n]: probability that outcome k absorbs draw n of course c in
        #: period t. Why not zeroed here: settle writes every (k, t) slice in period t,
        #: zeros included, so a pass over tens of megabytes is saved per block.
        self.mass = buffers.empty((n_out, shape[0], horizon, shape[1]), np.float32)
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
        taken: list[Taken] = []
        for k, o in enumerate(model.outcomes):
            observed = evidence is not None and evidence.outcomes[k, t] != FREE
            if o.when is not None:
                hazard = None
                cond = full(ev(o.when), shape).astype(bool, copy=False)
                if not observed and not cond.any():
                    self.mass[k, :, t, :] = 0.0  # it takes nothing and ends no sampled history
                    continue
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
            # Where the mass can be other than 0: all of it is taken where a condition
            # holds (or the sampled history ends), none elsewhere.
            marks = new if not self.conditional else share if share.dtype == bool else None
            few = Few.of(marks)
            if few is None:
                m = self.survival * share if self.conditional else new.astype(np.float64)
            else:
                # survival * True is survival, bit for bit; sampled histories take all of it.
                m = few.take(self.survival) if self.conditional else np.ones(few.size)
            if not m.any():
                self.mass[k, :, t, :] = 0.0
                continue
            self._take(model, ev, k, o, t, m, few)
            taken.append((k, m, few))
        accrual.absorb(model, ev, taken, t)
        if self.conditional:
            alive &= self.survival > 0.0
        else:
            alive &= self.sampled
        if evidence is not None and evidence.states:
            weigh_states(evidence, t, ev.env, log_w)

    def _take(self, model: Model, ev: Evaluator, k: int, o, t: int, m: np.ndarray,
              few: Few | None) -> None:
        """Outcome ``k`` takes ``m`` of the surviving probability (at ``few`` draws only
        when given: elsewhere it takes 0, which would change no bit of these sums)."""
        # Why no floor at 0: m = survival * share with share in [0, 1] is at most
        # survival, so the difference (correctly rounded) is never below 0.
        if few is None:
            self.survival -= m
            self.mass[k, :, t, :] = m
        else:
            few.sub(self.survival, m)
            self.mass[k, :, t, :] = 0.0
            few.put(self.mass[k, :, t, :], m)
        if k in self.reached:
            if few is None:
                self.reached[k] += m
            else:
                few.add(self.reached[k], m)
        for name, site in o.record:
            total = self.record_sums[f"{o.id}.{name}"]
            value = full(ev(site), ev.shape)
            if few is None:
                total += m * value
            else:
                few.add(total, m * few.take(value))

    def records(self) -> dict[str, np.ndarray]:
        """Each record's expected value given its outcome is reached (NaN where it never is)."""
        out = {}
        for key, total in self.record_sums.items():
            r = self.reached[self._record_outcome[key]]
            out[key] = np.where(r > 0, total / np.where(r > 0, r, 1.0), np.nan)
        return out


class Few:
    """A few draws of a ``(courses, draws)`` array, by course and draw index.

    Updates restricted to them give the same bits as the dense ones where the others
    would add or subtract 0: every array so updated is a sum from +0.0, never -0.0, so
    adding a product of 0 and a finite number leaves it as it is."""

    __slots__ = ("cols", "rows", "size")

    #: Above this share of the draws, dense arrays are cheaper than indices.
    SHARE = 0.25

    def __init__(self, rows: np.ndarray, cols: np.ndarray):
        self.rows, self.cols, self.size = rows, cols, len(rows)

    @classmethod
    def of(cls, marks: np.ndarray | None) -> Few | None:
        """The draws ``marks`` (2-D bool) holds, or None when there are many (or no marks)."""
        if marks is None or np.count_nonzero(marks) > cls.SHARE * marks.size:
            return None
        rows, cols = np.nonzero(np.broadcast_to(marks, marks.shape))
        # C-ordered: the accrual's compiled kernel takes them so (nonzero's are strided).
        return cls(np.ascontiguousarray(rows), np.ascontiguousarray(cols))

    def take(self, x: np.ndarray | float) -> np.ndarray | float:
        """``x`` (a number, or an array that broadcasts to 2-D) at the draws."""
        if isinstance(x, float):
            return x
        x = np.asarray(x)
        if x.ndim < 2:
            x = np.broadcast_to(x, (1, *x.shape) if x.ndim else (1, 1))
        return x[self.rows if x.shape[0] > 1 else 0, self.cols if x.shape[1] > 1 else 0]

    def add(self, dst: np.ndarray, values: np.ndarray | float) -> None:
        """``dst += values`` at the draws."""
        dst[self.rows, self.cols] += values

    def sub(self, dst: np.ndarray, values: np.ndarray | float) -> None:
        """``dst -= values`` at the draws."""
        dst[self.rows, self.cols] -= values

    def put(self, dst: np.ndarray, values: np.ndarray | float) -> None:
        """``dst = values`` at the draws."""
        dst[self.rows, self.cols] = values


#: An outcome's index, the mass it takes, and the few draws that mass is held at (None: all).
Taken = tuple[int, np.ndarray, "Few | None"]


class Accrual:
    """Stage 9: every metric's running statistics on the path and its expectation per draw.

    Why values after a draw's absorption need no care: where a draw's path has ended
    its survival is 0, and so is any mass it gives later, so its running statistics
    (latest value, total, extreme, periods) are only ever multiplied by 0 and added
    to sums that are never -0.0: they change no bit of any result. Record writes them
    for every draw (plain passes, cheaper than writes restricted to live draws)."""

    def __init__(self, model: Model, shape: tuple[int, int]):
        n = len(model.metrics)
        self.horizon = model.horizon
        self.shape = shape
        # One kept buffer (engine.buffers) for the running statistics and the rounded
        # trajectory: a block of the same size reuses it, so its pages need not fault in
        # afresh every block. Not zeroed where the first record writes every value.
        store = buffers.empty((6, n, *shape), np.float64)
        self.current = store[0]  # latest value while the path is live (set by record)
        self.total = store[1]
        self.extreme = store[2]  # set by the first record (read for max and min only)
        # sum of mass x aggregate at absorption (but for final values: held is the same)
        self.expected = store[3]
        self.held = store[4]  # sum of mass x current value after absorption
        for zeroed in (self.total, self.expected, self.held):
            zeroed.fill(0.0)
        self.periods = np.zeros(shape)
        #: The trajectory's rounded values, ``(metrics * courses, draws)``.
        self._rounded = store[5].reshape(n * shape[0], shape[1])
        self.after = [dict(m.after_values) for m in model.metrics]
        #: A metric's value when it is a constant: its latest value is that number for
        #: every draw once recorded, and products with a number need no array of it.
        self.constant = [None if m.value.expr.constant is None else float(m.value.expr.constant)
                         for m in model.metrics]
        self._recorded = False  # whether record() has run: the first sets the extremes
        # Why imported here: numba's import (about 0.3 s) is paid by runs only, not by
        # every command that imports the engine's modules.
        from kennan.engine.kernels import accrual as kernels

        self._kernels = kernels
        self._codes = [kernels.CODES[m.aggregate] for m in model.metrics]

    def record(self, model: Model, ev: Evaluator, live: Live) -> None:
        """Add this period's values on the path (``live`` holds the draws on it), each
        metric's in one compiled loop (:func:`~kennan.engine.kernels.accrual.record`)."""
        first = not self._recorded
        self._recorded = True
        self.periods += live.mask
        for k, m in enumerate(model.metrics):
            c = self.constant[k]
            value = c if c is not None else ev(m.value)
            self._kernels.record(self.current[k], self.total[k], self.extreme[k],
                                 _as_2d(value), self._codes[k], first, first or c is None)

    def absorb(self, model: Model, ev: Evaluator, taken: list[Taken], t: int) -> None:
        """The outcomes ``taken`` (index, mass, and the few draws the mass is held at, or
        None for all) absorb their masses of each draw in period ``t``.

        Per metric, outcomes whose tail is the same (its latest value, or the same
        number) add their masses first, in file order, and accrue once, in one compiled
        loop over the draws (:func:`~kennan.engine.kernels.accrual.accrue`)."""
        groups: dict[tuple[int, ...], tuple[np.ndarray, Few | None]] = {}
        rest = float(self.horizon - 1 - t)
        for k, m in enumerate(model.metrics):
            tails: dict[object, list[Taken]] = {}  # in file order of their first outcome
            for item in taken:
                site = self.after[k].get(item[0])
                key = ("latest" if site is None else
                       float(site.expr.constant) if site.expr.constant is not None else site)
                tails.setdefault(key, []).append(item)
            for key, members in tails.items():
                mass, few = self._combined(members, groups)
                if key == "latest":
                    c = self.constant[k]
                    tail = self.current[k] if c is None else c
                elif isinstance(key, float):
                    tail = key
                else:
                    tail = ev(key)
                    tail = float(tail) if np.ndim(tail) == 0 else tail
                number = isinstance(tail, float)
                rows, cols = (_NONE, _NONE) if few is None else (few.rows, few.cols)
                self._kernels.accrue(
                    self.held[k], self.expected[k], mass.reshape(-1), rows, cols,
                    few is None, _as_2d(tail), self.extreme[k], self.total[k], self.periods,
                    self._codes[k], key != "latest", m.after == "stop", rest,
                    float(self.horizon),
                    # Why skip a tail of 0: it adds only zeros, and held (a sum from +0.0
                    # of products) is never -0.0, so they would change no bit.
                    not (number and tail == 0.0),
                    # A total is never -0.0: adding a zero changes no bit of it.
                    not (number and tail * rest == 0.0))

    def _combined(self, members: list[Taken],
                  groups: dict[tuple[int, ...], tuple[np.ndarray, Few | None]]
                  ) -> tuple[np.ndarray, Few | None]:
        """The masses of ``members`` added in file order, kept in ``groups``: dense ones
        with a pass, those held at a few draws at their draws only (elsewhere they would
        add 0, which changes no bit of a sum that is never -0.0)."""
        if len(members) == 1:
            return members[0][1], members[0][2]
        key = tuple(o for o, _, _ in members)
        if key not in groups:
            first, rest = members[0], members[1:]
            total = first[1].copy() if first[2] is None else np.zeros(self.shape)
            if first[2] is not None:
                first[2].add(total, first[1])
            for _, mass, few in rest:
                if few is None:
                    np.add(total, mass, out=total)
                else:
                    few.add(total, mass)
            groups[key] = (total, None)
        return groups[key]

    def finish(self, model: Model, survival: np.ndarray) -> dict[str, np.ndarray]:
        """The expected aggregate of every metric per draw: what survives to the horizon
        accrues, by the same kernel as an absorption, with its latest value as the tail
        and no period left (into copies: the running sums stay as they are)."""
        out = {}
        for k, m in enumerate(model.metrics):
            final = m.aggregate == "final"  # its aggregate is held's, else expected's
            held = self.held[k].copy() if final else self.held[k]
            expected = self.expected[k] if final else self.expected[k].copy()
            # Why a tail of 0 rests is added even so: infinity or NaN in the latest value
            # still makes the aggregate NaN, as it would for a draw absorbed earlier.
            self._kernels.accrue(
                held, expected, survival.reshape(-1), _NONE, _NONE, True,
                self.current[k], self.extreme[k], self.total[k], self.periods,
                self._codes[k], False, m.after == "stop", 0.0, float(self.horizon),
                final, True)
            out[m.id] = held if final else expected
        return out

    def rounded_trajectory(self, survival: np.ndarray) -> tuple[np.ndarray, bool, np.ndarray]:
        """Expected current value of every metric this period in units of 2**-24, rounded
        (rows ``(metric, course)``: ``(metrics * courses, draws)``), whether float64 adds
        them exactly (as :func:`~kennan.engine.exact.fixed_rounded` says) and their row
        sums (float64: exact integers when it does). The array is the accrual's own,
        overwritten next period."""
        n = self.shape[1]
        sums = np.empty(len(self._rounded))
        peak = self._kernels.rounded_trajectory(
            self.current.reshape(-1, n), survival, self.held.reshape(-1, n), self._rounded,
            sums)
        # NaN or infinity makes this False: the exact sums then refuse them.
        return self._rounded, bool(peak * n < 2.0**53), sums


#: No index: a dense mass's rows and columns.
_NONE = np.empty(0, dtype=np.int64)


def _as_2d(tail: np.ndarray | float) -> np.ndarray:
    """A tail (a number, or an array that broadcasts to ``(courses, draws)``) as the
    kernels take it: 2-D float64, C-ordered and writable (one compiled signature)."""
    a = np.asarray(tail, dtype=np.float64)
    a = a.reshape(1, 1) if a.ndim == 0 else a.reshape(1, -1) if a.ndim == 1 else a
    return np.require(a, np.float64, ["C", "W"])
