"""Bueno de Mesquita's expected utility model, as Scholz, Calbert and Smith (2011) read it.

Each round, on every draw at once:

1. **Risk.** With every risk exponent at 1, each actor's *danger* is the sum of the
   other actors' expected utilities of challenging it. With ``D`` the danger levels of
   all actors, ``R_i = (2 D_i - max D - min D) / (max D - min D)`` and the risk exponent
   is ``r_i = (1 - R_i/3) / (1 + R_i/3)``, in [0.5, 2].
2. **Win probabilities.** Actor ``k`` votes for ``i`` over ``j`` with
   ``v_k(i, j) = c_k s_k (d_kj^r_k - d_ki^r_k)``, distances ``d`` divided by the range of
   positions. ``P(i beats j) = sum_k max(0, v_k(i, j))`` divided by the sum of ``|v_k(a, b)|``
   over *all* triples ``k, a, b`` (the all-triples denominator; ``denominator="pair"``
   divides by ``sum_k |v_k(i, j)|`` instead, so that ``P(i, j) + P(j, i) = 1``).
3. **Expected utilities**, from the point of view of each actor ``v`` (its own ``r_v``),
   with ``U_s = 2 - 4 (0.5 - 0.5 d_ij)^r``, ``U_f = 2 - 4 (0.5 + 0.5 d_ij)^r`` and
   ``U_sq = 2 - 4 * 0.5^r``::

       EU_i(j) = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s
                 - Q U_sq - (1 - Q) (T U_b + (1 - T) U_w)

   (``Q = 1`` by default, so the last term vanishes; ``U_b``, ``U_w`` use the distance to
   the weighted median ``mu`` as in Scholz et al.'s section 3.)
4. **Offers.** Actor ``i`` looks at each ``j`` and its own view of ``a = EU_i(j)`` and
   ``b = EU_j(i)``: ``b > a > 0`` is a confrontation ``i`` loses (it moves to ``x_j``);
   ``b > 0 > a`` with ``b > |a|`` a compromise (it moves ``|a/b|`` of the way to ``x_j``);
   with ``b <= |a|`` a capitulation (it moves to ``x_j``). It accepts a confrontation if
   it has one, else a compromise, else a capitulation: the nearest confrontation or
   capitulation, and the compromise with the lowest ``(|a| x_i + b x_j) / (|a| + b)``
   (Scholz et al.'s own rule, ``offer_choice="scholz"``; ``"nearest"`` takes the nearest
   compromise). Ties go to the lowest new position. All actors move at once.

The forecast is the salience-times-capability weighted mean of the positions after the
last round (``outcome="median"``: their weighted median). With the defaults this
reproduces the published BDM 1994 EC emissions figures to three decimals.

Cost per round and draw is O(n^2 log n): voters are sorted by position, so the voters
closer to ``i`` than to ``j`` are a prefix (or suffix) of that order, and the vote sums
are differences of prefix sums found by a binary search on the midpoint of ``i`` and ``j``.

Longer than 400 lines because this docstring states the model's equations in full; the
code itself is about 385 lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from kennan.bargaining.base import Settlement, as_batch
from kennan.bargaining.models.compromise import weighted_mean
from kennan.bargaining.models.median import weighted_median
from kennan.errors import UsageError

# Elements of one (draws, actors, actors) temporary: chunks of draws this size (512 KB per
# array) measured fastest; bigger ones pay for page faults on every temporary.
_CHUNK_ELEMENTS = 1 << 16

# Positions closer than this share of the range count as one position (no contest).
_SAME = 1e-9

KINDS = ("none", "confrontation", "compromise", "capitulation")


@dataclass(frozen=True)
class EumRound:
    """One round of the model in detail, in the input's actor order.

    ``risk`` (draws, actors): each actor's risk exponent. ``eu_challenge[d, i, j]`` is
    ``EU_i(j)`` and ``eu_challenged[d, i, j]`` is ``EU_j(i)``, both as ``i`` sees them.
    ``kind`` (draws, actors) indexes :data:`KINDS`: the offer each actor accepted;
    ``partner`` the actor it came from (-1: none). ``positions`` are those after the round.
    """

    risk: np.ndarray
    eu_challenge: np.ndarray
    eu_challenged: np.ndarray
    kind: np.ndarray
    partner: np.ndarray
    positions: np.ndarray


def eum(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    reference: np.ndarray | None = None,
    rounds: int = 10,
    q: float = 1.0,
    t: float = 1.0,
    denominator: Literal["triples", "pair"] = "triples",
    offer_choice: Literal["scholz", "nearest"] = "scholz",
    voter_risk: Literal["own", "neutral"] = "own",
    risk: Literal["security", "neutral"] = "security",
    scale: Literal["initial", "current"] = "initial",
    outcome: Literal["mean", "median"] = "mean",
) -> Settlement:
    """Run the expected utility model for ``rounds`` rounds on every draw.

    Arrays have shape ``(draws, actors)`` (or ``(actors,)``); saliences in [0, 1].
    ``reference`` is accepted for the shared signature and not used. Options (the model's
    variants): ``q`` the probability that an unchallenged actor stays put; ``t`` the
    probability that a move it makes is for the better; ``denominator`` ``"triples"`` or
    ``"pair"``; ``offer_choice`` ``"scholz"`` or ``"nearest"``; ``voter_risk`` ``"own"``
    (voters weigh distances with their own risk exponent) or ``"neutral"``; ``risk``
    ``"security"`` (exponents from security levels each round) or ``"neutral"`` (all 1);
    ``scale`` divides distances by the range of the ``"initial"`` or ``"current"``
    positions; ``outcome`` ``"mean"`` or ``"median"`` of the final positions.
    Returns the forecast per draw and the positions after every round (input first).
    """
    opts = _Options.check(
        rounds=rounds, q=q, t=t, denominator=denominator, offer_choice=offer_choice,
        voter_risk=voter_risk, risk=risk, scale=scale, outcome=outcome,
    )
    x, s, c = as_batch(positions, saliences, capabilities)
    draws, n = x.shape
    history = np.empty((opts.rounds + 1, draws, n))
    history[0] = x
    chunk = max(1, _CHUNK_ELEMENTS // (n * n))
    for lo in range(0, draws, chunk):
        sl = slice(lo, lo + chunk)
        xc, sc, cc = x[sl], s[sl], c[sl]
        span = _span(xc)
        for k in range(opts.rounds):
            if opts.scale == "current":
                span = _span(xc)
            xc = _round(xc, sc, cc, span, opts, detail=False)
            history[k + 1, sl] = xc
    w = s * c
    final = history[-1]
    forecast = weighted_mean(final, w) if opts.outcome == "mean" else weighted_median(final, w)
    return Settlement(outcome=forecast, rounds=history)


def eum_round(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    span: np.ndarray | float | None = None,
    **options: object,
) -> EumRound:
    """One round of :func:`eum` with everything it computed (for charts and checks).

    ``span`` is the range that divides distances (default: the range of ``positions``).
    ``options`` are those of :func:`eum` (``rounds`` and ``outcome`` are ignored).
    """
    opts = _Options.check(**options)  # type: ignore[arg-type]
    x, s, c = as_batch(positions, saliences, capabilities)
    sp = _span(x) if span is None else np.broadcast_to(np.asarray(span, float), x.shape[:1])
    return _round(x, s, c, sp, opts, detail=True)


@dataclass(frozen=True)
class _Options:
    rounds: int
    q: float
    t: float
    denominator: str
    offer_choice: str
    voter_risk: str
    risk: str
    scale: str
    outcome: str

    @classmethod
    def check(
        cls, *, rounds: int = 10, q: float = 1.0, t: float = 1.0,
        denominator: str = "triples", offer_choice: str = "scholz", voter_risk: str = "own",
        risk: str = "security", scale: str = "initial", outcome: str = "mean",
    ) -> _Options:
        choices = {
            "denominator": ("triples", "pair"), "offer_choice": ("scholz", "nearest"),
            "voter_risk": ("own", "neutral"), "risk": ("security", "neutral"),
            "scale": ("initial", "current"), "outcome": ("mean", "median"),
        }
        given = {"denominator": denominator, "offer_choice": offer_choice,
                 "voter_risk": voter_risk, "risk": risk, "scale": scale, "outcome": outcome}
        for name, value in given.items():
            if value not in choices[name]:
                raise UsageError(
                    f"eum option {name}={value!r}: expected one of {', '.join(choices[name])}"
                )
        if isinstance(rounds, bool) or not isinstance(rounds, int | np.integer) or rounds < 0:
            raise UsageError(f"eum option rounds={rounds!r}: expected a whole number >= 0")
        for name, value in (("q", q), ("t", t)):
            if not 0.0 <= float(value) <= 1.0:
                raise UsageError(f"eum option {name}={value!r}: expected a probability in [0, 1]")
        return cls(int(rounds), float(q), float(t), **given)


def _span(x: np.ndarray) -> np.ndarray:
    span = x.max(axis=1) - x.min(axis=1)
    # All actors at one position: no distances, no contests; any positive span will do.
    return np.where(span > 0, span, 1.0)


def _round(
    x: np.ndarray, s: np.ndarray, c: np.ndarray, span: np.ndarray, opts: _Options, *, detail: bool
) -> np.ndarray | EumRound:
    """One round on a chunk of draws: returns the new positions (or an :class:`EumRound`)."""
    # Work in position order: the voters closer to one side of a pair are then contiguous.
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ss = np.take_along_axis(s, order, axis=1)
    ws = ss * np.take_along_axis(c, order, axis=1)
    geo = _Geometry.of(xs, span)
    dist = geo.dist
    mu = weighted_median(xs, ws) if opts.q < 1.0 else None

    p_neutral = _win_probabilities(geo, ws, None, opts.denominator)
    if opts.risk == "security":
        _, eu_other = _expected_utilities(dist, ss, xs, span, mu, p_neutral, None, opts)
        n = xs.shape[1]
        eu_other[:, np.arange(n), np.arange(n)] = 0.0
        danger = eu_other.sum(axis=2)  # danger[i] = sum over j of EU_j(i)
        top, bottom = danger.max(axis=1, keepdims=True), danger.min(axis=1, keepdims=True)
        spread = top - bottom
        big_r = np.divide(2 * danger - top - bottom, spread, out=np.zeros_like(danger),
                          where=spread > 0)
        r = (1 - big_r / 3) / (1 + big_r / 3)
        p = (p_neutral if opts.voter_risk == "neutral"
             else _win_probabilities(geo, ws, r, opts.denominator))
    else:
        r, p = None, p_neutral
    eu_self, eu_other = _expected_utilities(dist, ss, xs, span, mu, p, r, opts)

    best, pick, new = _accept(eu_self, eu_other, xs, dist, span, opts.offer_choice)
    moved = best < 4
    xs_new = np.where(moved, np.take_along_axis(new, pick[:, :, None], axis=2)[:, :, 0], xs)

    out = np.empty_like(x)
    np.put_along_axis(out, order, xs_new, axis=1)
    if not detail:
        return out
    inv = np.argsort(order, axis=1)
    rows = np.arange(x.shape[0])[:, None, None]

    def unsort2(m: np.ndarray) -> np.ndarray:
        return m[rows, inv[:, :, None], inv[:, None, :]]

    def unsort1(v: np.ndarray) -> np.ndarray:
        return np.take_along_axis(v, inv, axis=1)

    partner = np.where(moved, np.take_along_axis(order, pick, axis=1), -1)
    return EumRound(
        risk=unsort1(np.ones_like(xs) if r is None else r),
        eu_challenge=unsort2(eu_self),
        eu_challenged=unsort2(eu_other),
        kind=unsort1(np.where(moved, best, 0)),
        partner=unsort1(partner),
        positions=out,
    )


def _accept(
    eu_self: np.ndarray, eu_other: np.ndarray, xs: np.ndarray, dist: np.ndarray,
    span: np.ndarray, choice: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The offer each actor accepts: its kind (1-3, 4 none), sender, and the new positions.

    Actor ``a`` (row) weighs the offer of ``b`` (column) by ``EU_a(b)`` and ``EU_b(a)``.
    """
    # Actors closer than _SAME share a position: there EUs of order 1e-16 are noise.
    valid = dist > _SAME
    conf = (eu_self > 0) & (eu_other > eu_self) & valid
    against = (eu_self < 0) & (eu_other > 0) & valid
    comp = against & (eu_other + eu_self > 0)
    cap = against ^ comp
    # The three kinds are disjoint: 1 confrontation, 2 compromise, 3 capitulation, 4 none.
    kind = 4 - 3 * conf.view(np.int8) - 2 * comp.view(np.int8) - cap.view(np.int8)
    best = kind.min(axis=2)
    chosen = kind == best[:, :, None]
    here = xs[:, :, None]
    there = np.broadcast_to(xs[:, None, :], dist.shape)
    new, key = there, dist  # confrontations, capitulations: the nearest (units of the span)
    if comp.any():
        frac = np.divide(-eu_self, eu_other, out=np.zeros_like(eu_self), where=comp)
        new = np.where(comp, here + (there - here) * frac, there)
        per_span = span[:, None, None]
        if choice == "scholz":
            # Scholz et al.'s rule: the lowest (|a| x_a + b x_b) / (|a| + b).
            pull = np.divide(eu_other * there - eu_self * here, (eu_other - eu_self) * per_span,
                             out=np.zeros_like(eu_self), where=comp)
        else:
            pull = np.abs(new - here) / per_span
        key = np.where(comp, pull, dist)
    masked = np.where(chosen, key, np.inf)
    kmin = masked.min(axis=2, keepdims=True)
    # Offers tied on the key (to rounding) go to the lowest new position: order-free.
    tied = masked <= kmin + 1e-12
    pick = np.argmin(np.where(tied, new, np.inf), axis=2)
    return best, pick, new


@dataclass(frozen=True)
class _Geometry:
    """What one round's pairs share: distances, order, and where each pair's midpoint falls."""

    dist: np.ndarray  # (B, n, n) |x_a - x_b| / span
    sign: np.ndarray  # (B, n, n) +1 where x_a < x_b, -1 where x_a > x_b, 0 where equal
    upper: np.ndarray  # (B, n, n) True where x_a > x_b
    at_b: np.ndarray  # (B, n, n) flat index of prefix[d, below(a, b), b]
    at_a: np.ndarray  # (B, n, n) flat index of prefix[d, below(a, b), a]

    @classmethod
    def of(cls, xs: np.ndarray, span: np.ndarray) -> _Geometry:
        b, n = xs.shape
        delta = xs[:, None, :] - xs[:, :, None]  # x_b - x_a
        sign = np.sign(delta)
        upper = delta < 0
        np.abs(delta, out=delta)
        # Divide (not multiply by 1/span): the extreme pair must get exactly 1, since
        # (0.5 - 0.5 d) ** r with r < 1 magnifies any rounding of d near 1.
        delta /= span[:, None, None]
        # 2 x_k < x_a + x_b is exactly x_k < (x_a + x_b) / 2: doubling and halving are exact.
        below = _count_below(2.0 * xs, xs[:, :, None] + xs[:, None, :])
        row = below * n
        row += (np.arange(b) * ((n + 1) * n))[:, None, None]
        return cls(delta, sign, upper, row + np.arange(n)[None, None, :],
                   row + np.arange(n)[None, :, None])


def _count_below(xs: np.ndarray, query: np.ndarray) -> np.ndarray:
    """For sorted rows ``xs`` (B, n) and ``query`` (B, n, n): how many ``xs < query``.

    Exact in floating point. Few actors: one comparison pass per actor; more: a
    branch-free binary search over rows padded with +inf to a power of two.
    """
    b, n = xs.shape
    if n <= 8:
        count = np.zeros(query.shape, dtype=np.intp)
        for k in range(n):
            count += xs[:, k, None, None] < query
        return count
    width = 1 << n.bit_length()  # > n, so the search never runs off a row
    padded = np.full((b, width), np.inf)
    padded[:, :n] = xs
    flat = padded.ravel()
    pos = np.broadcast_to((np.arange(b) * width)[:, None, None], query.shape).copy()
    step = width >> 1
    while step:
        # pos is the row start plus the count so far; probe the element step further on.
        probe = np.take(flat, pos + (step - 1))
        np.add(pos, step, out=pos, where=probe < query)
        step >>= 1
    pos -= (np.arange(b) * width)[:, None, None]
    return pos


def _win_probabilities(
    geo: _Geometry, ws: np.ndarray, r: np.ndarray | None, denominator: str
) -> np.ndarray:
    """``P[b, i, j]``: probability that ``i`` beats ``j`` (actors in position order)."""
    b, n, _ = geo.dist.shape
    votes = geo.dist * ws[:, :, None] if r is None else geo.dist ** r[:, :, None]
    if r is not None:
        votes *= ws[:, :, None]  # votes[k, m]: voter k's weighted distance to m
    prefix = np.zeros((b, n + 1, n))
    np.cumsum(votes, axis=1, out=prefix[:, 1:, :])
    flat = prefix.ravel()
    # Voters below the midpoint are closer to i when i is the lower of the pair, voters
    # above it when i is the upper one; voters at the midpoint cast no vote.
    lower_side = np.take(flat, geo.at_b)
    lower_side -= np.take(flat, geo.at_a)
    total = prefix[:, n, :]
    num = lower_side * geo.sign
    num += np.where(geo.upper, total[:, None, :] - total[:, :, None], 0.0)
    np.maximum(num, 0.0, out=num)  # differences of prefix sums: clear rounding below zero
    if denominator == "triples":
        # Each voter's |v(a, b)| over all ordered pairs is twice its positive parts.
        den = 2.0 * num.sum(axis=(1, 2))[:, None, None]
    else:
        den = num + num.transpose(0, 2, 1)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def _expected_utilities(
    dist: np.ndarray, ss: np.ndarray, xs: np.ndarray, span: np.ndarray, mu: np.ndarray | None,
    p: np.ndarray, r: np.ndarray | None, opts: _Options,
) -> tuple[np.ndarray, np.ndarray]:
    """``(EU_a(b), EU_b(a))`` for every pair, both as ``a`` (row) sees them with ``r_a``.

    ``EU_a(b) = U_s - s_b (1 - P_ab) (U_s - U_f) - status quo``; ``EU_b(a)`` likewise with
    ``s_a`` and ``P_ba`` (the distance, hence ``U_s`` and ``U_f``, is the same).
    """
    if r is None:  # r = 1: U_s = 2 d, U_f = -2 d, U_sq = 0
        base = 2.0 * dist
        gain = 2.0 * base
        u_sq: np.ndarray | float = 0.0
    else:
        ra = r[:, :, None]
        u_sq = 2.0 - 4.0 * 0.5**ra
        near = dist * -0.5
        near += 0.5
        near **= ra  # (0.5 - 0.5 d)^r
        gain = dist * 0.5
        gain += 0.5
        gain **= ra  # (0.5 + 0.5 d)^r
        gain -= near
        gain *= 4.0  # U_s - U_f
        base = np.subtract(0.5**ra, near, out=near)
        base *= 4.0  # U_s - U_sq
    eu_self = 1.0 - p
    eu_self *= ss[:, None, :]
    eu_self *= gain
    np.subtract(base, eu_self, out=eu_self)
    eu_other = 1.0 - p.transpose(0, 2, 1)
    eu_other *= ss[:, :, None]
    eu_other *= gain
    np.subtract(base, eu_other, out=eu_other)
    if opts.q >= 1.0:
        return eu_self, eu_other
    # Q < 1: the status quo may move for the better (T) or the worse, around the median mu.
    to_mu = np.abs(xs - mu[:, None]) / span[:, None]
    exponent = 1.0 if r is None else r[:, :, None]

    def moved(e: np.ndarray) -> np.ndarray:
        better = 2.0 - 4.0 * (0.5 - 0.25 * e) ** exponent
        worse = 2.0 - 4.0 * (0.5 + 0.25 * e) ** exponent
        return (1.0 - opts.q) * (opts.t * better + (1.0 - opts.t) * worse - u_sq)

    # base already subtracted U_sq once; Q U_sq + (1 - Q)(...) = U_sq + (1 - Q)(... - U_sq).
    return (eu_self - moved(to_mu[:, :, None] + dist),
            eu_other - moved(to_mu[:, None, :] + dist))
