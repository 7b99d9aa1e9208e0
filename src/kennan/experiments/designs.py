"""Designed experiments: a sampler gives uniforms, the engine maps them through each judgment.

A design is a matrix of uniforms, one column per uncertain judgment. The engine's
``judgment_uniforms`` turns each column into judgment values through the
judgment's inverse CDF, so SALib's samplers (which draw on ``[0, 1]``) drive the
real scenario without knowing anything about its distributions. Constant
judgments are left out of the SALib problem and held at 0.5 (any value gives
the same constant).

The events and hazards of a draw stay random: their streams are keyed by the
root seed and the draw's index. The designs below choose draw indices so that
rows which must differ only in one judgment also share the rest of their
randomness (each design's ``draws``). This module lays designs out; they run
through the experiment runner (:func:`kennan.experiments.runner.run_design`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from SALib.sample import latin
from SALib.sample import morris as morris_sampler
from SALib.sample import sobol as sobol_sampler

from kennan.engine.model import Model
from kennan.errors import UsageError

#: Uniforms handed to the engine stay this far inside (0, 1), so that an unbounded
#: distribution's inverse CDF stays finite at a sampler's end points.
EDGE = 1e-9


def uncertain_judgments(model: Model) -> list[str]:
    """Ids of the model's judgments that are not constants, in the model's order."""
    return [jid for jid, dist in model.judgments if not getattr(dist, "is_constant", False)]


def check_judgments(model: Model, judgments: Sequence[str] | None) -> list[str]:
    """The uncertain judgments to vary: ``judgments`` checked against the model, or all.

    Raises :class:`UsageError` naming the valid ids for an unknown id, and for a
    constant judgment (varying it changes nothing)."""
    uncertain = uncertain_judgments(model)
    if judgments is None:
        if not uncertain:
            raise UsageError(f"scenario '{model.scenario.id}' has no uncertain judgment to vary")
        return uncertain
    known = [jid for jid, _ in model.judgments]
    chosen = list(dict.fromkeys(judgments))
    unknown = [j for j in chosen if j not in known]
    if unknown:
        raise UsageError(f"unknown judgment(s) {', '.join(map(repr, unknown))}; valid: "
                         f"{', '.join(uncertain)}")
    constant = [j for j in chosen if j not in uncertain]
    if constant:
        raise UsageError(f"judgment(s) {', '.join(map(repr, constant))} are constants and cannot "
                         f"be varied; uncertain judgments: {', '.join(uncertain)}")
    if not chosen:
        raise UsageError("no judgment to vary was given")
    return chosen


def salib_problem(names: Sequence[str], groups: Sequence[str] | None = None) -> dict[str, Any]:
    """A SALib problem over the uniforms of ``names`` (bounds [0, 1] each); ``groups`` names
    the factor of each judgment when some judgments move as one (see :func:`factor_groups`)."""
    problem: dict[str, Any] = {"num_vars": len(names), "names": list(names),
                               "bounds": [[0.0, 1.0]] * len(names)}
    if groups is not None:
        problem["groups"] = list(groups)
    return problem


def factor_groups(model: Model, names: Sequence[str]) -> list[str] | None:
    """The factor of each of ``names`` for sensitivity, or None when each is its own.

    Judgments linked by a correlation or an order are not independent inputs: varying one
    alone is not a question the model can answer, so they form one factor, named by its
    members joined with ``+`` (``"cost_a + cost_b"``)."""
    label: dict[str, str] = {}
    for group in model.dependence.groups:
        members = [n for n in names if n in group]
        if len(members) > 1:
            label.update({m: " + ".join(members) for m in members})
    return [label.get(n, n) for n in names] if label else None


def factors_of(names: Sequence[str], groups: Sequence[str] | None) -> list[str]:
    """The distinct factors, in the order SALib reports them."""
    return list(dict.fromkeys(groups if groups is not None else names))


def full_uniforms(model: Model, names: Sequence[str], sample: np.ndarray) -> np.ndarray:
    """Uniforms for every judgment of ``model``: ``sample``'s columns for ``names``, 0.5 else.

    Values are clipped to ``[EDGE, 1 - EDGE]``."""
    order = [jid for jid, _ in model.judgments]
    out = np.full((sample.shape[0], len(order)), 0.5)
    for k, name in enumerate(names):
        out[:, order.index(name)] = sample[:, k]
    return np.clip(out, EDGE, 1.0 - EDGE)


def design_rng(seed: int, purpose: str) -> np.random.Generator:
    """The generator of a design's sampler, derived from the run's root seed."""
    tag = int.from_bytes(purpose.encode()[:8].ljust(8, b"\0"), "little")
    return np.random.default_rng(np.random.SeedSequence([int(seed), tag]))


@dataclass(frozen=True)
class SaltelliDesign:
    """A Saltelli design (first and total order) in SALib's row layout.

    ``sample`` has ``base * (D + 2)`` rows: for each base point, the row of matrix
    A, the D rows of A with one column taken from B, then the row of B.
    """

    names: list[str]
    base: int
    sample: np.ndarray
    groups: list[str] | None = None

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem the design was drawn for."""
        return salib_problem(self.names, self.groups)

    @property
    def factors(self) -> list[str]:
        """The factors the indices are for: judgments, or groups of dependent ones."""
        return factors_of(self.names, self.groups)

    @property
    def evaluations(self) -> int:
        """Number of model evaluations (draws) per course."""
        return self.sample.shape[0]

    @property
    def draws(self) -> np.ndarray:
        """The global draw whose chance streams each row uses, in SALib's row order.

        Row j of A and every row j of the mixed matrices AB_i use draw j; row j of B
        uses draw ``base + j``. So A and AB_i differ only in judgment i (the
        total-order estimator compares them) while B and AB_i share only judgment i
        (the first-order estimator compares those). The events' own randomness then
        acts as one more input, never switched: it lowers the indices' sum below one
        by its share of the variance. With groups, i runs over factors and AB_i takes
        the whole factor's columns from B."""
        k = len(self.factors) + 2
        block = np.tile(np.arange(k), self.base)
        return np.arange(self.base).repeat(k) + self.base * (block == k - 1)


def saltelli_design(names: Sequence[str], *, base: int, seed: int,
                    groups: Sequence[str] | None = None) -> SaltelliDesign:
    """A scrambled Sobol' sequence arranged by SALib's Saltelli scheme (first and total order),
    swapping each of ``groups``' factors as a whole.

    ``base`` must be a power of two (the Sobol' sequence's balance properties need it)."""
    if base < 2 or base & (base - 1):
        raise UsageError(f"the number of base samples must be a power of two of at least 2, "
                         f"got {base}")
    groups = None if groups is None else list(groups)
    sample = sobol_sampler.sample(salib_problem(names, groups), base, calc_second_order=False,
                                  scramble=True, seed=design_rng(seed, "saltelli"))
    if _one_factor(names, groups):
        # SALib ignores a single group; with one factor AB is B: rows A, B, B per point.
        d = len(names)
        blocks = sample.reshape(base, d + 2, d)
        sample = np.stack([blocks[:, 0], blocks[:, -1], blocks[:, -1]], axis=1).reshape(-1, d)
    return SaltelliDesign(list(names), base, sample, groups)


def _one_factor(names: Sequence[str], groups: Sequence[str] | None) -> bool:
    """Whether several judgments all form a single factor (which SALib's samplers ignore)."""
    return groups is not None and len(names) > 1 and len(set(groups)) == 1


@dataclass(frozen=True)
class MorrisDesign:
    """Morris trajectories: ``trajectories * (D + 1)`` rows on a grid of ``levels`` levels."""

    names: list[str]
    trajectories: int
    levels: int
    sample: np.ndarray
    groups: list[str] | None = None

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem the design was drawn for."""
        return salib_problem(self.names, self.groups)

    @property
    def factors(self) -> list[str]:
        """The factors the effects are for: judgments, or groups of dependent ones."""
        return factors_of(self.names, self.groups)

    @property
    def uniforms(self) -> np.ndarray:
        """The rows handed to the engine: the grid's end points 0 and 1 mapped to the
        centres of ``levels`` equal bins, ``(k + 0.5) / levels``, which keeps the inverse
        CDF of an unbounded judgment finite."""
        return (np.rint(self.sample * (self.levels - 1)) + 0.5) / self.levels

    @property
    def draws(self) -> np.ndarray:
        """The global draw of each row: every point of trajectory r uses draw r, so an
        elementary effect compares two rows that differ only in one judgment."""
        return np.arange(self.trajectories).repeat(len(self.factors) + 1)


def morris_design(names: Sequence[str], *, trajectories: int, levels: int = 4,
                  seed: int, groups: Sequence[str] | None = None) -> MorrisDesign:
    """Morris's one-at-a-time trajectories over the judgments' uniforms (one factor of
    ``groups`` at a time)."""
    if trajectories < 2:
        raise UsageError(f"Morris needs at least 2 trajectories, got {trajectories}")
    if levels < 2 or levels % 2:
        raise UsageError(f"Morris needs an even number of levels of at least 2, got {levels}")
    rng = design_rng(seed, "morris")
    groups = None if groups is None else list(groups)
    sample = morris_sampler.sample(salib_problem(names, groups), trajectories,
                                   num_levels=levels, seed=int(rng.integers(1, 2**31 - 1)))
    return MorrisDesign(list(names), trajectories, levels, sample, groups)


def latin_hypercube(names: Sequence[str], *, count: int, seed: int) -> np.ndarray:
    """A Latin hypercube of ``count`` points over the judgments' uniforms, ``(count, D)``."""
    if count < 1:
        raise UsageError(f"a Latin hypercube needs at least 1 point, got {count}")
    rng = design_rng(seed, "latin")
    return latin.sample(salib_problem(names), count, seed=int(rng.integers(1, 2**31 - 1)))
