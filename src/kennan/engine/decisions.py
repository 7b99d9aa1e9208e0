"""Stage 7: decisions, discrete (logit choice) or on an issue scale (bargaining).

A discrete decision's deciders are the owner's factions (or the owner alone).
Each decider's utility for an option is the sum of its considerations' weight
times value (a consideration of the owner itself counts for every faction);
its choice probabilities are a logit with the decision's sharpness. Factions'
probabilities are combined by the decision's bargaining model, each option's
probability treated as a position on a 0-100 scale with the factions'
influence as capability, and renormalised. One uniform per decision and
period, shared by all courses, picks the option.

An issue decision settles the factions' positions on the issue (salience
default 1, influence as capability) with the named bargaining model.
"""

from __future__ import annotations

import numpy as np

from kennan.bargaining import settle
from kennan.engine.evaluator import Evaluator
from kennan.engine.model import DecisionSpec, Model, UtilityTerm
from kennan.engine.streams import Streams
from kennan.errors import Problem, SimulationError


def _full(value, shape) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), shape)


def decide(model: Model, ev: Evaluator, dec: DecisionSpec, alive: np.ndarray, streams: Streams,
           t: int) -> None:
    """Settle ``dec`` for period ``t`` and publish its result in the environment."""
    if dec.options:
        _discrete(ev, dec, alive, streams, t)
    else:
        _issue(ev, dec, alive)


def _weights(ev: Evaluator, actors: tuple[str, ...]) -> np.ndarray | None:
    keys = [f"influence:{a}" for a in actors]
    if not all(k in ev.env for k in keys):
        return None
    return np.stack([ev.env[k] for k in keys])


def _combine(model_id: str, positions: np.ndarray, saliences: np.ndarray,
             weights: np.ndarray) -> np.ndarray:
    """Settle (actors, courses, draws) positions into (courses, draws)."""
    if model_id == "compromise":
        w = weights * saliences
        total = w.sum(axis=0)
        weighted = (w * positions).sum(axis=0)
        return np.where(total > 0, weighted / np.where(total > 0, total, 1.0),
                        positions.mean(axis=0))
    n_actors, *shape = positions.shape

    def flat(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x, positions.shape).reshape(n_actors, -1).T

    result = settle(model_id, flat(positions), flat(saliences), flat(weights))
    return np.asarray(result.outcome).reshape(shape)


def _overflow(ev: Evaluator, dec: DecisionSpec, actor: str, util: np.ndarray) -> None:
    index = np.argwhere(~np.isfinite(util))
    if not len(index):
        return  # the sum overflowed, not an element: the logit below is still sound
    _, course, draw = (int(i) for i in index[0])
    date = ev.model.periods[ev.period] if ev.period >= 0 else None
    when = f", period {ev.period} ({date:%Y-%m})" if date is not None else ""
    raise SimulationError(Problem(
        f"decision '{dec.id}': the utility of '{actor}' (weights times values, times the "
        f"sharpness) is too large to compute (beyond about 1e308) at draw "
        f"{draw + ev.start}, course '{ev.model.courses[course].id}'{when}; scale the "
        "considerations' weights or values, or the sharpness, down", dec.sharpness.location))


def _sum_terms(ev: Evaluator, dec: DecisionSpec, terms: tuple[UtilityTerm, ...],
               key: str | None) -> np.ndarray:
    """Sum of weight x value over ``terms``, shape (options, courses, draws).

    The terms that read only judgments give the same sum every period: it is computed
    once per block and kept in the evaluator's memo under ``(decision, key)``.
    """
    memo_key = (dec.id, key)
    static = ev.memo.get(memo_key)
    if memo_key not in ev.memo:
        static = None
        for term in terms:
            if not _static(ev, term):
                continue
            if static is None:
                static = np.zeros((len(dec.options), ev.shape[1]))
            w = ev(term.weight)
            for o, site in term.values:
                static[o] += w * ev(site)
        ev.memo[memo_key] = static
    util = np.zeros((len(dec.options), *ev.shape))
    if static is not None:
        util += static[:, None, :]
    for term in terms:
        if _static(ev, term):
            continue
        w = ev(term.weight)
        for o, site in term.values:
            util[o] += w * ev(site)
    return util


def _static(ev: Evaluator, term: UtilityTerm) -> bool:
    return ev.is_static(term.weight) and all(ev.is_static(site) for _, site in term.values)


def _discrete(ev: Evaluator, dec: DecisionSpec, alive: np.ndarray, streams: Streams,
              t: int) -> None:
    shape = ev.shape
    n_opt = len(dec.options)
    sharp = ev(dec.sharpness)
    weights = _weights(ev, dec.deciders) if len(dec.deciders) > 1 else None
    p = None
    probs = []
    # The owner's own considerations count for every decider: summed once.
    with np.errstate(over="ignore", invalid="ignore"):
        shared = _sum_terms(ev, dec, dec.shared, None)
    for a, actor in enumerate(dec.deciders):
        own = dec.terms.get(actor, ())
        with np.errstate(over="ignore", invalid="ignore"):
            util = shared + _sum_terms(ev, dec, own, actor) if own else shared.copy()
            util *= sharp
        # Each term is finite (the evaluator checks), but their sum times the sharpness
        # may not be: a logit of infinities has no meaning, so say where it happened.
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.add.reduce(util, axis=None)
        if not np.isfinite(total):
            _overflow(ev, dec, actor, util)
        util -= util.max(axis=0)
        np.exp(util, out=util)
        util /= util.sum(axis=0)
        if weights is None:
            p = util
        elif dec.combine == "compromise":
            # Influences are normalised, so the compromise is the influence-weighted mean.
            p = util * weights[a] if p is None else p + util * weights[a]
        else:
            probs.append(util)
    if probs:
        stacked = np.stack(probs, axis=1) * 100.0  # (options, actors, courses, draws)
        ones = np.ones(stacked.shape[1:])
        p = np.stack([_combine(dec.combine, stacked[o], ones, weights)
                      for o in range(n_opt)]) / 100.0
        p = np.clip(p, 0.0, None)
        p /= np.where(p.sum(axis=0) > 0, p.sum(axis=0), 1.0)
    u = streams(f"decision:{dec.id}", t)
    # The chosen option is the number of cumulative probabilities below the uniform.
    choice = np.zeros(shape, dtype=np.int64)
    running = np.zeros(shape)
    for k in range(n_opt - 1):
        running += p[k]
        choice += u > running
    env = ev.env
    for k, o in enumerate(dec.options):
        np.copyto(env[o], choice == k, where=alive)
        np.copyto(env[f"prob:{o}"], p[k], where=alive)


def _issue(ev: Evaluator, dec: DecisionSpec, alive: np.ndarray) -> None:
    shape = ev.shape
    actors = tuple(a for a, _, _ in dec.stances)
    positions = np.stack([_full(ev(pos), shape) for _, pos, _ in dec.stances])
    saliences = np.stack([_full(1.0 if sal is None else ev(sal), shape)
                          for _, _, sal in dec.stances])
    weights = _weights(ev, actors)
    if weights is None:
        weights = np.ones_like(positions)
    value = _combine(dec.combine, positions, saliences, weights)
    np.copyto(ev.env[dec.id], value, where=alive)
