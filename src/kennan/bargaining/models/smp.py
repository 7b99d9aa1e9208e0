"""The spatial model of politics (SMP) of KTAB, reproduced in its default deterministic mode.

Actors hold positions on one or more dimensions, each with a salience, and have a
capability. Every turn each actor infers risk attitudes from a probabilistic
Condorcet election over the current positions, estimates every challenge it
could make (third parties voting), proposes an S2P2 bargain to its best target
(rounded half-up to 1e-4 on the unit scale), and every actor picks, by a
capability-weighted election, one option from its queue; all move at once. The run
stops when a turn moves less than 2% of the first turn (after at least two
turns) or after ``max_turns``. The equations are in ``docs/smp.md``.

Two entry points share one engine: :func:`smp` for one issue, with the common
signature of :mod:`kennan.bargaining.base`, and :func:`smp_multi` for several
dimensions at once (positions ``(draws, actors, dims)``). Both run all draws
together, in chunks, and reproduce KTAB's positions to the last bit on its
examples. :func:`kennan.bargaining.formats.smp_ktab.load_ktab_csv` reads KTAB's CSV
input layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kennan.bargaining.base import Settlement, as_batch
from kennan.bargaining.models.smp_turn import (
    Table,
    condorcet,
    distances,
    election,
    risk_attitudes,
    turn,
    utility,
)
from kennan.errors import TableError

__all__ = ["SMPSettlement", "smp", "smp_multi"]

# KTAB's stopping constants: a turn is quiet when it moves less than QUIET_RATIO of
# the first turn (plus GUARD, so a first turn that moves nothing stops the run).
QUIET_RATIO = 0.02
GUARD = 1e-4
# Two positions closer than this (unit scale) count as one when the forecast is chosen.
SAME_POSITION = 1e-3
# Elements per (draws, actors, actors) working array: keeps a chunk in cache.
CHUNK_ELEMENTS = 1 << 14


@dataclass(frozen=True)
class SMPSettlement(Settlement):
    """A :class:`Settlement` with the SMP's stopping record.

    ``rounds`` holds every state, the input first; a draw that stopped early
    repeats its last state up to the longest draw. ``turns`` (draws,) says how
    many turns each draw ran; ``quiet`` (draws,) is True where the stopping rule,
    not ``max_turns``, ended it. ``outcome`` is the most likely final position:
    the winner of KTAB's capability-weighted election over the distinct final
    positions.
    """

    turns: np.ndarray | None = None
    quiet: np.ndarray | None = None


def smp(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    reference: np.ndarray | None = None,
    max_turns: int = 100,
    min_turns: int = 2,
    scale: tuple[float, float] = (0.0, 100.0),
) -> SMPSettlement:
    """Run KTAB's SMP on one issue, batched over draws.

    ``positions``, ``saliences`` (0-1) and ``capabilities`` (>= 0) have shape
    ``(draws, actors)`` or ``(actors,)``. Positions lie on ``scale`` (KTAB's 0-100
    by default; the model itself works on 0-1). ``reference`` is accepted for the
    common signature and ignored: the SMP has no reference point. Returns
    ``outcome`` (draws,) and ``rounds`` (turns + 1, draws, actors).
    """
    try:
        pos, sal, cap = as_batch(positions, saliences, capabilities)
    except (TypeError, ValueError) as exc:
        raise TableError(f"SMP inputs must be numeric arrays of matching shapes: {exc}") from None
    if pos.ndim != 2:
        raise TableError(f"positions: expected shape (draws, actors), got {pos.shape}")
    res = smp_multi(pos[:, :, None], sal[:, :, None], cap, max_turns=max_turns,
                    min_turns=min_turns, scale=scale)
    return SMPSettlement(res.outcome[:, 0], res.rounds[..., 0], res.turns, res.quiet)


def smp_multi(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    reference: np.ndarray | None = None,
    max_turns: int = 100,
    min_turns: int = 2,
    scale: tuple[float, float] = (0.0, 100.0),
) -> SMPSettlement:
    """Run KTAB's SMP on several dimensions at once, batched over draws.

    ``positions`` and ``saliences`` have shape ``(draws, actors, dims)`` or
    ``(actors, dims)``; saliences are 0-1 per dimension with each actor's total in
    (0, 1]. ``capabilities`` is ``(draws, actors)`` or ``(actors,)``. Returns
    ``outcome`` (draws, dims) and ``rounds`` (turns + 1, draws, actors, dims), on
    ``scale``. ``reference`` is ignored (see :func:`smp`).
    """
    lo, hi = (float(v) for v in scale)
    x, sal, cap = _check(positions, saliences, capabilities, lo, hi, max_turns, min_turns)
    unit = (x - lo) / (hi - lo)
    draws, n, _ = unit.shape
    step = max(1, CHUNK_ELEMENTS // (n * n))
    parts = [_run_chunk(unit[a:a + step], Table.build(sal[a:a + step], cap[a:a + step]),
                        max_turns, min_turns) for a in range(0, draws, step)]
    longest = max(p[0].shape[0] for p in parts)
    rounds = np.concatenate([_pad(p[0], longest) for p in parts], axis=1)
    outcome = np.concatenate([p[1] for p in parts])
    turns = np.concatenate([p[2] for p in parts])
    quiet = np.concatenate([p[3] for p in parts])
    return SMPSettlement(outcome * (hi - lo) + lo, rounds * (hi - lo) + lo, turns, quiet)


def _pad(states: np.ndarray, length: int) -> np.ndarray:
    extra = length - states.shape[0]
    if extra == 0:
        return states
    return np.concatenate([states, np.repeat(states[-1:], extra, axis=0)])


def _run_chunk(x0: np.ndarray, tab: Table, max_turns: int, min_turns: int):
    """Turns until every draw of the chunk has stopped; draws drop out as they stop."""
    c = x0.shape[0]
    states = [x0]
    turns = np.zeros(c, dtype=int)
    quiet = np.zeros(c, dtype=bool)
    first = np.zeros(c)
    active = np.arange(c)
    t = 0
    while active.size:
        t += 1
        prev = states[-1][active]
        new, _, _ = turn(prev, tab.take(active))
        full = states[-1].copy()
        full[active] = new
        states.append(full)
        # KTAB's step size: Euclidean norms summed over actors, each sum left to right.
        diff = (new - prev).transpose(2, 1, 0)  # [k, a, c]
        sq = diff[0] * diff[0]
        for k in range(1, diff.shape[0]):
            sq += diff[k] * diff[k]
        norms = np.sqrt(sq)
        moved = norms[0].copy()
        for a in range(1, norms.shape[0]):
            moved += norms[a]
        if t == 1:
            first[active] = moved + GUARD
        is_quiet = (moved / first[active] < QUIET_RATIO) & (t >= min_turns)
        stop = is_quiet | (t >= max_turns)
        turns[active[stop]] = t
        quiet[active[stop]] = is_quiet[stop]
        active = active[~stop]
    final = states[-1]
    return np.stack(states), _likeliest(final, tab), turns, quiet


def _likeliest(x: np.ndarray, tab: Table) -> np.ndarray:
    """KTAB's most likely position: election over distinct positions, capability-weighted."""
    c, n, _ = x.shape
    d = distances(x, x, tab)
    r = risk_attitudes(x, tab, d)
    u_own = utility(d, (((2.0 * r) + r) / 3.0)[:, :, None])
    gap = np.zeros((c, n, n))
    for k in range(x.shape[2]):
        diff = x[:, :, None, k] - x[:, None, :, k]
        gap = gap + diff * diff
    same = np.sqrt(gap) < SAME_POSITION
    first = np.zeros((c, n), dtype=bool)  # the first actor at each distinct position
    for i in range(n):
        first[:, i] = ~(same[:, i, :i] & first[:, :i]).any(axis=1)
    p = condorcet(election(u_own, tab.cap), member=first)
    best = np.argmax(np.where(first, p, -1.0), axis=1)
    return x[np.arange(c), best]


def _check(positions, saliences, capabilities, lo, hi, max_turns, min_turns):
    """Validate and broadcast the inputs to (draws, actors, dims) and (draws, actors)."""
    try:
        x, sal, cap = (np.asarray(a, dtype=float) for a in (positions, saliences, capabilities))
    except (TypeError, ValueError) as exc:
        raise TableError(f"SMP inputs must be numeric arrays: {exc}") from None
    # One draw may come without its leading axis.
    x = x[None] if x.ndim == 2 else x
    sal = sal[None] if sal.ndim == 2 else sal
    cap = cap[None] if cap.ndim == 1 else cap
    if x.ndim != 3 or sal.ndim != 3 or cap.ndim != 2:
        raise TableError("positions and saliences must be (draws, actors, dims), "
                         f"capabilities (draws, actors); got {np.shape(positions)}, "
                         f"{np.shape(saliences)} and {np.shape(capabilities)}")
    try:
        shape = np.broadcast_shapes(x.shape, sal.shape, (*cap.shape, 1))
    except ValueError:
        raise TableError(f"shapes do not match: positions {x.shape}, saliences {sal.shape}, "
                         f"capabilities {cap.shape}") from None
    x, sal = np.broadcast_to(x, shape), np.broadcast_to(sal, shape)
    cap = np.broadcast_to(cap, shape[:2])
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise TableError(f"scale: expected finite low < high, got {(lo, hi)}")
    if shape[0] < 1:
        raise TableError("expected at least one draw, got none")
    if shape[1] < 2:
        raise TableError(f"the SMP needs at least 2 actors, got {shape[1]}")
    if max_turns < 1 or min_turns < 1:
        raise TableError(f"max_turns and min_turns must be >= 1, got {max_turns}, {min_turns}")
    _bad(x, (x < lo) | (x > hi) | ~np.isfinite(x), f"positions: expected values in [{lo:g}, "
         f"{hi:g}]")
    _bad(sal, (sal < 0) | (sal > 1) | ~np.isfinite(sal), "saliences: expected values in [0, 1]")
    total = sal.sum(axis=2)
    _bad(total, (total <= 0) | (total > 1 + 1e-9), "saliences: expected each actor's total "
         "over dimensions in (0, 1]")
    _bad(cap, (cap < 0) | ~np.isfinite(cap), "capabilities: expected finite values >= 0")
    return x, sal, cap


def _bad(values: np.ndarray, mask: np.ndarray, expected: str) -> None:
    if mask.any():
        where = tuple(int(v) for v in np.argwhere(mask)[0])
        raise TableError(f"{expected}, got {float(values[where]):g} for actor {where[1]} "
                         f"(draw {where[0]}); {int(mask.sum())} bad value(s) in all")
