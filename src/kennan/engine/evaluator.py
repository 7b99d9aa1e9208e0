"""Evaluate compiled expressions on the current environment, and refuse NaN and infinity.

The environment maps every readable name to a value: judgments ``(draws,)``,
state, options, influences ``(courses, draws)``, ``t`` a float. Expressions that
read only judgments are evaluated once per block and cached. A result that is
not finite is a :class:`~kennan.errors.SimulationError` naming the expression's
file:line and the draw, course and period that produced it.

Checking every value for NaN and infinity costs a pass over it. Inside
:meth:`Evaluator.strict` NumPy raises on a floating-point fault instead (division
by zero, overflow, an invalid operation), which costs nothing, and a value made
without a fault from finite inputs is finite: so there a value is checked only when
its evaluation faulted. Outside it, in stages whose own arithmetic must not raise
(metrics, outcomes), a trusted evaluator raises on faults for the evaluation alone,
to the same effect. Why that is sound: every input is finite. Judgments are
checked once per block; state, derived values and decisions' options come from
checked values (copied, clipped, or compared); choice probabilities and influences
are finite by construction; and a stage whose own arithmetic may overflow (an
effect's sum, a bargaining model's result) calls :meth:`Evaluator.distrust` when it
did, after which every value is checked again. A site whose value faults on the way
to a finite result (``where(x > 0, y / x, 0)``) is re-evaluated quietly, checked,
and checked from then on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from kennan.engine.model import Model, Site
from kennan.errors import Problem, SimulationError


class RowView(Mapping[str, Any]):
    """One course's row of an environment, read lazily.

    Why a view: an expression reads a handful of names, so slicing every array of the
    environment (as a dict per course and period) cost more than the reads."""

    __slots__ = ("_c", "_env")

    def __init__(self, env: dict[str, Any], c: int):
        self._env, self._c = env, c

    def __getitem__(self, key: str) -> Any:
        v = self._env[key]
        return v[self._c] if isinstance(v, np.ndarray) and v.ndim == 2 else v

    def __iter__(self) -> Iterator[str]:
        return iter(self._env)

    def __len__(self) -> int:
        return len(self._env)


class Evaluator:
    """The environment of one block of draws and the rules for evaluating in it."""

    def __init__(self, model: Model, *, start: int, shape: tuple[int, int],
                 judgments: dict[str, np.ndarray]):
        self.model = model
        self.start = start
        self.shape = shape
        self.env: dict[str, Any] = dict(judgments)
        self.env["t"] = 0.0
        self.period = -1
        self._static = frozenset(judgments)
        self._cache: dict[int, Any] = {}
        self._invariant: dict[int, bool] = {}  # per site: whether it reads only judgments
        #: Per-block memo for stages that cache judgment-only intermediate results.
        self.memo: dict[Any, Any] = {}
        #: Whether NumPy raises on floating-point faults and values need no other check
        #: (inside :meth:`strict`, while every input is known to be finite).
        self.raising = False
        self._trusted = all(np.isfinite(v).all() for v in judgments.values())
        self._noisy: set[int] = set()  # sites whose evaluation faults on finite inputs

    def strict(self) -> _Mode:
        """A context in which NumPy raises on floating-point faults and the evaluator
        trusts a value made without one (see the module's notes); as :meth:`quiet` once
        the evaluator distrusts its inputs."""
        return _Mode(self, self._trusted)

    def quiet(self) -> _Mode:
        """A context in which NumPy ignores floating-point faults and every value is
        checked (as outside :meth:`strict`)."""
        return _Mode(self, False)

    def distrust(self) -> None:
        """Take note that a stage may have written a value that is not finite: from now
        on (in this block) every value is checked."""
        self._trusted = False
        self.raising = False

    def begin_period(self, t: int) -> None:
        """Advance the clock."""
        self.period = t
        self.env["t"] = float(t)

    def is_static(self, site: Site) -> bool:
        """Whether ``site`` reads only judgments (or nothing), so its value never changes."""
        invariant = self._invariant.get(id(site))
        if invariant is None:
            invariant = self._invariant[id(site)] = (not site.expr.id_refs
                                                     and site.expr.names <= self._static)
        return invariant

    def fresh(self, site: Site) -> bool:
        """Whether each value of ``site`` is new, held by nothing else (not an environment
        value, a constant or a value kept for the block): the caller may write into it."""
        return site.expr.fresh and not self.is_static(site)

    def owned(self, site: Site, value: Any) -> bool:
        """Whether ``value`` (just got from ``site``) is a new ``(courses, draws)`` float
        array that nothing else holds: the caller may keep it as an environment value."""
        return (type(value) is np.ndarray and value.dtype == np.float64
                and value.shape == self.shape and value.flags.c_contiguous
                and self.fresh(site))

    def row_env(self, c: int) -> Mapping[str, Any]:
        """The environment seen by course ``c`` alone: its row of every (courses, draws) array.

        A live view: it reads the environment as it is when a name is read."""
        return RowView(self.env, c)

    def __call__(self, site: Site, env: dict[str, Any] | None = None, *, course: int | None = None
                 ) -> Any:
        """Value of ``site``'s expression (in ``env``, default the whole environment)."""
        expr = site.expr
        if expr.constant is not None:
            return expr.constant
        key = id(site)
        invariant = self.is_static(site)
        if invariant and key in self._cache:
            return self._cache[key]
        if (self.raising or self._trusted) and key not in self._noisy:
            try:
                if self.raising:
                    value = expr.unguarded(self.env if env is None else env)
                else:  # trusted, outside strict mode: raising for this value alone
                    with np.errstate(divide="raise", over="raise", invalid="raise",
                                     under="ignore"):
                        value = expr.unguarded(self.env if env is None else env)
            except FloatingPointError:
                self._noisy.add(key)  # evaluated again below, quietly, and checked
            else:
                if type(value) is not np.ndarray and not math.isfinite(value):
                    self._check(site, value, course)
                if invariant:
                    self._cache[key] = value
                return value
        # One context for the value and its check (each costs microseconds per call).
        with np.errstate(all="ignore"):
            value = expr.unguarded(self.env if env is None else env)
            # One cheap reduction first: the sum is finite whenever every element is
            # (barring overflow, which the precise check then sorts out).
            suspect = (type(value) is np.ndarray and value.dtype != bool
                       and not np.isfinite(np.add.reduce(value, axis=None)))
        if suspect or (type(value) is not np.ndarray and not math.isfinite(value)):
            self._check(site, value, course)
        if invariant:
            self._cache[key] = value
        return value

    def _check(self, site: Site, value: Any, course: int | None) -> None:
        """Raise the error of the first NaN or infinity in ``value``, if any."""
        if isinstance(value, np.ndarray):
            if value.dtype == bool:
                return
            bad = ~np.isfinite(value)
            if not bad.any():
                return
            index = np.argwhere(bad)[0]
            kind = "NaN" if np.isnan(value[tuple(index)]) else "infinity"
            self._fail(site, kind, index, value.ndim, course)
        elif isinstance(value, float | int | np.floating) and not np.isfinite(value):
            self._fail(site, "NaN" if np.isnan(value) else "infinity", None, 0, course)

    def _fail(self, site: Site, kind: str, index: Any, ndim: int, course: int | None) -> None:
        where = []
        if index is not None:
            draw = int(index[-1]) + self.start
            where.append(f"draw {draw}")
            c = int(index[0]) if ndim == 2 else course
            if c is not None:
                where.append(f"course '{self.model.courses[c].id}'")
        elif course is not None:
            where.append(f"course '{self.model.courses[course].id}'")
        if self.period >= 0:
            date = self.model.periods[self.period]
            where.append(f"period {self.period} ({date:%Y-%m})")
        else:
            where.append("at the start")
        raise SimulationError(Problem(
            f"{site.what}: expression '{site.expr.source}' produced {kind} ({', '.join(where)})",
            site.location,
        ))


class _Mode:
    """NumPy's floating-point error state and the evaluator's trust, set for a ``with``
    block and restored after it (:meth:`Evaluator.strict`, :meth:`Evaluator.quiet`)."""

    __slots__ = ("_errstate", "_ev", "_raising", "_saved")

    def __init__(self, ev: Evaluator, raising: bool):
        self._ev, self._raising = ev, raising
        self._errstate = (np.errstate(divide="raise", over="raise", invalid="raise",
                                      under="ignore") if raising
                          else np.errstate(all="ignore"))

    def __enter__(self) -> None:
        self._saved = self._ev.raising
        self._errstate.__enter__()
        self._ev.raising = self._raising

    def __exit__(self, *exc: object) -> None:
        self._errstate.__exit__(*exc)
        # A distrust inside the block outlasts it.
        self._ev.raising = self._saved and self._ev._trusted
