"""Stage 7: decisions, discrete (logit choice) or on an issue scale (bargaining).

A discrete decision's deciders are the owner's factions (or the owner alone).
Each decider's utility for an option is the sum of its considerations' weight
times value (a consideration of the owner itself counts for every faction);
its choice probabilities are a logit with the decision's sharpness. Factions'
probabilities are combined by the decision's bargaining model, each option's
probability treated as a position on a 0-100 scale with the factions'
influence as capability, and renormalised. One uniform per decision and
period, shared by all courses, picks the option.

A decision between two options is the same logit written on the difference of
the two utilities, ``P(second) = 1 / (1 + exp(-sharpness * (U2 - U1)))``: one
array per decider instead of one per option, and no maximum to subtract.

An issue decision settles the factions' positions on the issue (salience
default 1, influence as capability) with the named bargaining model.

A decision runs in the evaluator's strict mode when it is on (see
:mod:`kennan.engine.evaluator`): a sum that overflows raises, and the decision is
settled again quietly, with every value checked, which reports it as before.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from kennan.bargaining import settle
from kennan.compiler.emit import fresh_binary
from kennan.compiler.functions import as_number
from kennan.engine.evaluator import Evaluator
from kennan.engine.masks import Live, full
from kennan.engine.model import DecisionSpec, Model, Site, UtilityTerm
from kennan.engine.streams import Streams
from kennan.errors import Problem, SimulationError

#: Silences the warnings of overflowing sums and of exp at the extremes: the finite
#: check below reports an overflow as an error, and exp(+-inf) gives the right limit.
_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore", "under": "ignore"}



def decide(model: Model, ev: Evaluator, dec: DecisionSpec, live: Live, streams: Streams,
           t: int) -> None:
    """Settle ``dec`` for period ``t`` and publish its result in the environment (on the
    draws ``live`` holds)."""
    if ev.raising:
        try:
            return _decide(ev, dec, live, streams, t)
        except FloatingPointError:  # nothing is published before the last step
            ev.distrust()
    with ev.quiet():
        _decide(ev, dec, live, streams, t)


def _decide(ev: Evaluator, dec: DecisionSpec, live: Live, streams: Streams, t: int) -> None:
    if dec.options:
        _discrete(ev, dec, live, streams, t)
    else:
        _issue(ev, dec, live)


def _weights(ev: Evaluator, actors: tuple[str, ...]) -> list[np.ndarray] | None:
    """Each actor's influence, or None when one of them has none."""
    keys = [f"influence:{a}" for a in actors]
    if not all(k in ev.env for k in keys):
        return None
    return [ev.env[k] for k in keys]


def _combine(ev: Evaluator, model_id: str, positions: np.ndarray, saliences: np.ndarray,
             weights: np.ndarray) -> np.ndarray:
    """Settle (actors, courses, draws) positions into (courses, draws) with a bargaining
    model other than the compromise (see :func:`_compromise`)."""
    n_actors, *shape = positions.shape

    def flat(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x, positions.shape).reshape(n_actors, -1).T

    with np.errstate(all="ignore"):  # the models' own arithmetic, as it always ran
        result = settle(model_id, flat(positions), flat(saliences), flat(weights))
    outcome = np.asarray(result.outcome).reshape(shape)
    if ev.raising and not np.isfinite(outcome).all():
        ev.distrust()  # not checked here: an expression reading it reports it
    return outcome


def _overflow(ev: Evaluator, dec: DecisionSpec, actor: str, util: np.ndarray) -> None:
    """Raise the error of a non-finite utility (``util``'s last two axes are courses and
    draws); return when no element is (only a sum overflowed)."""
    index = np.argwhere(~np.isfinite(util))
    if not len(index):
        return  # the sum overflowed, not an element: the logit below is still sound
    course, draw = (int(i) for i in index[0][-2:])
    date = ev.model.periods[ev.period] if ev.period >= 0 else None
    when = f", period {ev.period} ({date:%Y-%m})" if date is not None else ""
    raise SimulationError(Problem(
        f"decision '{dec.id}': the utility of '{actor}' (weights times values, times the "
        f"sharpness) is too large to compute (beyond about 1e308) at draw "
        f"{draw + ev.start}, course '{ev.model.courses[course].id}'{when}; scale the "
        "considerations' weights or values, or the sharpness, down", dec.sharpness.location))


def _check_finite(ev: Evaluator, dec: DecisionSpec, actor: str, util: np.ndarray) -> None:
    # Each term is finite (the evaluator checks), but their sum times the sharpness
    # may not be: a logit of infinities has no meaning, so say where it happened.
    with np.errstate(**_QUIET):
        total = np.add.reduce(util, axis=None)
    if not np.isfinite(total):
        _overflow(ev, dec, actor, util)


def _static(ev: Evaluator, term: UtilityTerm) -> bool:
    return ev.is_static(term.weight) and all(ev.is_static(site) for _, site in term.values)


def _add(acc, x, sign: int = 1):
    """``acc + sign * x`` (``x`` fresh), in place in ``acc`` when it is an array of the
    result's shape (else in ``x``)."""
    if x is None:
        return acc
    op = np.add if sign > 0 else np.subtract
    if acc is None:
        if sign > 0:
            return x
        return np.negative(x, out=x) if isinstance(x, np.ndarray) else -x
    # In place when x broadcasts to acc's shape: the shapes met here are (), (draws,)
    # and (courses, draws).
    if isinstance(acc, np.ndarray) and np.shape(x) in ((), acc.shape, acc.shape[1:]):
        return op(acc, x, out=acc)
    return op(acc, x)


def _signed(ev: Evaluator, site: Site) -> tuple[int, object, bool]:
    """``site``'s value as (sign, magnitude, whether the magnitude is fresh): a negation
    ``-x`` gives (-1, x), so the caller subtracts x instead of negating it first (the
    same bits)."""
    key = ("operand", id(site))
    operand = ev.memo.get(key, False)
    if operand is False:  # kept for the block: the evaluator knows sites by identity
        negated = site.expr.negated_operand if site.expr.constant is None else None
        operand = ev.memo[key] = (None if negated is None
                                  else Site(negated, site.location, site.what))
    raw = ev(site if operand is None else operand)
    value = as_number(raw)
    fresh = value is not raw or ev.fresh(site if operand is None else operand)
    return (1 if operand is None else -1), value, fresh


def _term_difference(ev: Evaluator, term: UtilityTerm) -> tuple[int, object]:
    """Weight times (value of the second option - value of the first), as (sign, fresh
    magnitude). NumPy's operations even on numbers: an overflow raises in strict mode."""
    w = as_number(ev(term.weight))
    values = {o: _signed(ev, site) for o, site in term.values}
    if len(values) == 2:
        (s0, v0, f0), (s1, v1, f1) = values[0], values[1]
        # s (v1 - v0); or v1 + v0 = s1 (s1 v1 - s0 v0) when the signs differ.
        diff = fresh_binary(np.subtract if s0 == s1 else np.add, v1, v0, f1, f0)
        return s1, fresh_binary(np.multiply, w, diff, False, True)
    if not values:
        return 1, None
    (o, (sign, v, fresh)), = values.items()
    return (sign if o == 1 else -sign), fresh_binary(np.multiply, w, v, False, fresh)


def _difference(ev: Evaluator, dec: DecisionSpec, terms: tuple[UtilityTerm, ...],
                key: str | None) -> tuple[object, object]:
    """The utility difference of the second option over the first summed over ``terms``,
    as (the part that reads only judgments, the rest); either may be None.

    The first is the same every period: computed once per block and kept in the
    evaluator's memo under ``(decision, key)``, with the terms that make the rest."""
    memo_key = (dec.id, key)
    if memo_key not in ev.memo:
        static = None
        for term in terms:
            if _static(ev, term):
                sign, x = _term_difference(ev, term)
                static = _add(static, x, sign)
        ev.memo[memo_key] = static, [term for term in terms if not _static(ev, term)]
    static, terms_left = ev.memo[memo_key]
    dynamic = None
    for term in terms_left:
        dynamic = _add_term(ev, term, dynamic)
    return static, dynamic


def _add_term(ev: Evaluator, term: UtilityTerm, acc: np.ndarray | None) -> np.ndarray | None:
    """``acc`` plus the term's weight times (value of the second option - value of the
    first), in one pass (a kernel; :func:`_term_difference`'s operations, in its order),
    written into ``acc`` (a new ``(courses, draws)`` array when ``acc`` is None)."""
    from kennan.engine.kernels import choice as kernels

    w = as_number(ev(term.weight))  # evaluated (and checked) even without values
    if not term.values:
        return acc
    shape = ev.shape
    w = kernels.grid(w, shape)
    values = {o: _signed(ev, site) for o, site in term.values}
    if len(values) == 2:
        (s0, v0, _), (s1, v1, _) = values[0], values[1]
        # s (v1 - v0); or v1 + v0 = s1 (s1 v1 - s0 v0) when the signs differ.
        op, sign = (1 if s0 == s1 else 2), s1
        v1, v0 = kernels.grid(v1, shape), kernels.grid(v0, shape)
    else:
        (o, (s, v, _)), = values.items()
        op, sign, v1 = 0, (s if o == 1 else -s), kernels.grid(v, shape)
        v0 = v1
    first = acc is None
    if first:
        acc = np.empty(shape)
    if kernels.add_term(acc, w, v1, v0, op, sign < 0, first) and ev.raising:
        raise FloatingPointError  # as NumPy would have: settled again, checked
    return acc


def _binary(ev: Evaluator, dec: DecisionSpec, sharp) -> list[np.ndarray]:
    """Choice probabilities of a two-option decision, one (courses, draws) array each."""
    from kennan.engine.kernels import choice as kernels  # numba's import: on first use

    shape = ev.shape
    weights = _weights(ev, dec.deciders) if len(dec.deciders) > 1 else None
    compromise = weights is None or dec.combine == "compromise"
    shared_static, shared = _difference(ev, dec, dec.shared, None)
    # -(d sharp) as d (-sharp): rounding is symmetric in the sign, so the same bits.
    negative_sharp = kernels.grid(np.negative(sharp), shape)
    one = kernels.grid(1.0, shape)  # x * 1.0 is x: a decider alone is not weighted
    p0 = p1 = None
    probs = []
    for a, actor in enumerate(dec.deciders):
        own_static, own = _difference(ev, dec, dec.terms.get(actor, ()), actor)
        # The parts that read only judgments are at most (draws,): summed first.
        static = _add(None if shared_static is None else np.copy(shared_static),
                      own_static)
        parts = [kernels.grid(x, shape) for x in (shared, own, static) if x is not None]
        d = np.empty(shape)  # (shared + own) + static, times -sharpness
        if kernels.scaled_difference(*parts, *[one] * (3 - len(parts)), len(parts),
                                     negative_sharp, d):
            if ev.raising:
                raise FloatingPointError  # as NumPy would have: settled again, checked
            _overflow(ev, dec, actor, d)
        with np.errstate(**_QUIET):
            np.exp(d, out=d)  # NumPy's exp, not the C library's: see the kernels
        # P(second) = 1 / (1 + e), P(first) = 1 / (1 + 1 / e), e = exp(-d): each stays
        # accurate near 0 (no 1 - p), and e = 0 or inf gives the limits.
        weighted = weights is not None and compromise
        w = kernels.grid(weights[a], shape) if weighted else one
        if p0 is not None and weighted:
            # Influences are normalised: the compromise is the influence-weighted mean.
            kernels.logistic_add(d, w, p0, p1)
        else:  # without weights, the last decider's probabilities, as they always were
            p0, p1 = d, np.empty(shape)
            kernels.logistic(p0, w, p1)
        if not compromise:
            probs.append(np.stack([p0, p1]))
    if probs:
        return list(_bargained(ev, dec, probs, weights))
    return [p0, p1]


def _bargained(ev: Evaluator, dec: DecisionSpec, probs: list[np.ndarray],
               weights: list[np.ndarray]) -> np.ndarray:
    """Factions' choice probabilities ``(options, courses, draws)`` each, combined by the
    decision's bargaining model and renormalised."""
    stacked = np.stack(probs, axis=1) * 100.0  # (options, actors, courses, draws)
    ones = np.ones(stacked.shape[1:])
    w = np.stack(weights)
    p = np.stack([_combine(ev, dec.combine, stacked[o], ones, w)
                  for o in range(len(dec.options))]) / 100.0
    p = np.clip(p, 0.0, None)
    p /= np.where(p.sum(axis=0) > 0, p.sum(axis=0), 1.0)
    return p


def _sum_terms(ev: Evaluator, dec: DecisionSpec, terms: tuple[UtilityTerm, ...],
               key: str | None) -> np.ndarray:
    """Sum of weight x value over ``terms``, shape (options, courses, draws).

    The terms that read only judgments give the same sum every period: it is computed
    once per block and kept in the evaluator's memo under ``(decision, key)``.
    """
    memo_key = (dec.id, key)
    if memo_key not in ev.memo:
        static = None
        for term in terms:
            if not _static(ev, term):
                continue
            if static is None:
                static = np.zeros((len(dec.options), ev.shape[1]))
            w = ev(term.weight)
            for o, site in term.values:
                static[o] += np.multiply(w, ev(site))
        ev.memo[memo_key] = static
    static = ev.memo[memo_key]
    util = np.zeros((len(dec.options), *ev.shape))
    if static is not None:
        util += static[:, None, :]
    for term in terms:
        if _static(ev, term):
            continue
        w = ev(term.weight)
        for o, site in term.values:
            util[o] += np.multiply(w, ev(site))
    return util


def _softmax(ev: Evaluator, dec: DecisionSpec, sharp) -> np.ndarray:
    """Choice probabilities of a decision with other than two options,
    ``(options, courses, draws)``."""
    weights = _weights(ev, dec.deciders) if len(dec.deciders) > 1 else None
    p = None
    probs = []
    # The owner's own considerations count for every decider: summed once.
    shared = _sum_terms(ev, dec, dec.shared, None)
    for a, actor in enumerate(dec.deciders):
        own = dec.terms.get(actor, ())
        util = shared + _sum_terms(ev, dec, own, actor) if own else shared.copy()
        util *= sharp
        if not ev.raising:  # strict mode: finite, or the overflow raised
            _check_finite(ev, dec, actor, util)
        util -= util.max(axis=0)
        np.exp(util, out=util)
        util /= util.sum(axis=0)
        if weights is None:
            p = util
        elif dec.combine == "compromise":
            p = util * weights[a] if p is None else p + util * weights[a]
        else:
            probs.append(util)
    if probs:
        p = _bargained(ev, dec, probs, weights)
    return p


def _discrete(ev: Evaluator, dec: DecisionSpec, live: Live, streams: Streams, t: int) -> None:
    sharp = ev(dec.sharpness)
    probs = _binary(ev, dec, sharp) if len(dec.options) == 2 else _softmax(ev, dec, sharp)
    u = streams(f"decision:{dec.id}", t)
    env = ev.env
    if len(dec.options) == 2:
        if _choose(ev, dec, live, u, probs):
            return
        # The second option is chosen when the uniform is above the first's probability.
        second = u > probs[0]
        live.copy(env[dec.options[1]], second)
        live.copy(env[dec.options[0]], np.logical_not(second, out=second))
    else:
        # The chosen option is the number of cumulative probabilities below the uniform.
        choice = np.zeros(ev.shape, dtype=np.int64)
        running = np.zeros(ev.shape)
        for k in range(len(dec.options) - 1):
            running += probs[k]
            choice += u > running
        for k, o in enumerate(dec.options):
            live.copy(env[o], choice == k)
    for k, o in enumerate(dec.options):
        # A probability made here is new: it may become the environment's array.
        live.put(env, f"prob:{o}", probs[k], probs[k].shape == ev.shape)


def _choose(ev: Evaluator, dec: DecisionSpec, live: Live, u: np.ndarray,
            probs: list[np.ndarray]) -> bool:
    """Choose between two options and publish the probabilities in one pass (a kernel),
    when every array is one the kernel takes (else return False: nothing is written)."""
    from kennan.engine.kernels import choice as kernels

    env, shape = ev.env, ev.shape
    arrays = [*probs, *(env[f"prob:{o}"] for o in dec.options),
              *(env[o] for o in dec.options)]
    if not (live.mask.shape == shape and live.mask.flags.c_contiguous and all(
            x.shape == shape and x.dtype == np.float64 and x.flags.c_contiguous
            for x in arrays) and all(x.flags.writeable for x in (*probs, *arrays[4:]))):
        return False
    # The probabilities are new: they become the environment's arrays, holding the old
    # values on the dead draws (as Live.put does).
    kernels.choose(kernels.grid(u, shape), live.mask, *arrays)
    for o, p in zip(dec.options, probs, strict=True):
        env[f"prob:{o}"] = p
    return True


def _issue(ev: Evaluator, dec: DecisionSpec, live: Live) -> None:
    shape = ev.shape
    actors = tuple(a for a, _, _ in dec.stances)
    weights = _weights(ev, actors)
    if dec.combine == "compromise":
        value = _compromise(ev, dec, weights)
    else:
        positions = np.stack([full(ev(pos), shape) for _, pos, _ in dec.stances])
        saliences = np.stack([full(1.0 if sal is None else ev(sal), shape)
                              for _, _, sal in dec.stances])
        w = np.ones_like(positions) if weights is None else np.stack(weights)
        value = _combine(ev, dec.combine, positions, saliences, w)
    live.put(ev.env, dec.id, value, value.shape == shape and value.dtype == np.float64)


def _compromise(ev: Evaluator, dec: DecisionSpec, weights: list[np.ndarray] | None
                ) -> np.ndarray:
    """The influence- and salience-weighted mean of the positions (their plain mean where
    every weight is 0), ``(courses, draws)``, accumulated actor by actor in file order
    (a kernel pass per actor: its weight times salience, added to the total, and times
    its position, added to the weighted sum)."""
    from kennan.engine.kernels import choice as kernels

    shape = ev.shape
    one = kernels.grid(1.0, shape)  # x * 1.0 is x: no weight, or the salience 1
    total, weighted = np.empty(shape), np.empty(shape)
    positive = True
    for a, (_, pos, sal) in enumerate(dec.stances):
        w = one if weights is None else kernels.grid(weights[a], shape)
        s = one if sal is None else kernels.grid(ev(sal), shape)
        positive = kernels.compromise_add(w, s, kernels.grid(ev(pos), shape), a == 0, total,
                                          weighted)
    if not kernels.divide_positive(weighted, total) and ev.raising:
        raise FloatingPointError  # an overflow, as NumPy would have: settled again quietly
    if positive:
        return weighted
    mean = reduce(np.add, [full(ev(pos), shape) for _, pos, _ in dec.stances]) / len(
        dec.stances)
    return np.where(total > 0, weighted, mean)
