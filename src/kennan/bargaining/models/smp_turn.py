"""Vectorised kernels of the spatial model of politics: one turn for a chunk of draws.

Arrays carry a leading axis of draws ``c``; actors are ``n``, dimensions ``k``.
Everything is on KTAB's unit scale. Every sum and product that KTAB accumulates
runs here in KTAB's order too (a Python loop over the summed index, vectorised
over everything else), so each turn reproduces KTAB's doubles exactly and ties
break the way KTAB breaks them. The costly step, every actor's estimate of every
challenge with every third party's vote (O(n^3) per draw), is in
:mod:`kennan.bargaining.models.smp_challenge`. See ``docs/smp.md`` for the equations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kennan.bargaining.models.smp_challenge import Challenges, challenges

MIN_COALITION = 1e-8  # floor of a coalition's strength in an election (KTAB's)
MIN_WEIGHT = 1e-6  # keeps the bargain's interpolation defined when both weights vanish
GRID = 10000.0  # bargains are rounded half-up to 1/GRID on the unit scale

# Elements of a (draws, block, n, n) working array when a sum runs in blocks.
BLOCK_ELEMENTS = 1 << 14


@dataclass(frozen=True)
class Table:
    """The fixed part of a chunk: saliences (c, n, k), capabilities (c, n) and derived sums."""

    sal: np.ndarray
    cap: np.ndarray
    total_sal: np.ndarray  # S_i, summed in dimension order
    sal_sq: np.ndarray  # sum_k s_ik^2, the distance's denominator
    weight: np.ndarray  # S_i * c_i, an actor's weight in a challenge

    @classmethod
    def build(cls, sal: np.ndarray, cap: np.ndarray) -> Table:
        """Derive the sums from saliences and capabilities (in KTAB's order)."""
        total = np.zeros(sal.shape[:2])
        sq = np.zeros(sal.shape[:2])
        for k in range(sal.shape[2]):
            total = total + sal[:, :, k]
            sq = sq + sal[:, :, k] * sal[:, :, k]
        return cls(sal, cap, total, sq, total * cap)

    def take(self, rows: np.ndarray) -> Table:
        """The same table for a subset of draws."""
        return Table(*(a[rows] for a in (self.sal, self.cap, self.total_sal, self.sal_sq,
                                         self.weight)))


def distances(ideal: np.ndarray, points: np.ndarray, tab: Table) -> np.ndarray:
    """dist_a(z_b) for every actor a (ideal ``(c, n, k)``) and point b (``(c, m, k)``)."""
    acc = np.zeros((ideal.shape[0], ideal.shape[1], points.shape[1]))
    for k in range(ideal.shape[2]):
        ds = (ideal[:, :, None, k] - points[:, None, :, k]) * tab.sal[:, :, None, k]
        acc += ds * ds
    return np.sqrt(acc / tab.sal_sq[:, :, None])


def utility(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """u(d, R) = (1 - d)(1 + d R), with d capped at 1 inside the bracket as KTAB does."""
    return (1 - d) * (1 + np.minimum(d, 1.0) * r)


def election(util: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """P(option m beats m') from voters' utilities ``util`` (c, voters, options)."""
    c, voters, m = util.shape
    coal = np.full((c, m, m), MIN_COALITION)
    # u_m - u_m' as a product with an inner dimension of two, [u_m, 1] . [1, -u_m']:
    # each term is exact, so the result is the correctly rounded difference, built
    # without a slow broadcast.
    left = np.stack([util, np.ones_like(util)], axis=3)  # [c, a, m, 2]
    right = np.stack([np.ones_like(util), -util], axis=2)  # [c, a, 2, m']
    step = max(1, BLOCK_ELEMENTS // (c * m * m))  # voters per block
    zeros = np.zeros((c, min(step, voters), m, m))
    for a0 in range(0, voters, step):
        vs = slice(a0, min(voters, a0 + step))
        vote = np.matmul(left[:, vs], right[:, vs])
        vote *= weight[:, vs, None, None]
        np.maximum(vote, zeros[:, : vote.shape[1]], out=vote)
        for j in range(vote.shape[1]):  # one voter after another, as KTAB adds them
            coal += vote[:, j]
    prob = coal / (coal + coal.transpose(0, 2, 1))
    idx = np.arange(m)
    prob[:, idx, idx] = 0.5
    return prob


def condorcet(prob: np.ndarray, member: np.ndarray | None = None) -> np.ndarray:
    """Conditional PCE: q_m = prod over members m' of P(m > m'), normalised over members."""
    factor = prob if member is None else np.where(member[:, None, :], prob, 1.0)
    q = factor[:, :, 0].copy()
    for y in range(1, factor.shape[2]):  # products and sums in KTAB's order
        q *= factor[:, :, y]
    if member is not None:
        q = np.where(member, q, 0.0)
    total = q[:, 0].copy()
    for x in range(1, q.shape[1]):
        total += q[:, x]
    return q / total[:, None]


def risk_attitudes(x: np.ndarray, tab: Table, d: np.ndarray | None = None) -> np.ndarray:
    """R_i in [-0.5, 1] from the election over all current positions (``Mid`` range)."""
    if d is None:
        d = distances(x, x, tab)
    p = condorcet(election(1 - d, tab.cap))
    p_min = p.min(axis=1, keepdims=True)
    p_max = p.max(axis=1, keepdims=True)
    flat = ~(p_max > p_min)
    # With every option equally likely the range is empty (KTAB divides by zero; so it
    # would if every product underflowed): treat everyone as neutral.
    span = np.where(flat, 1.0, 2 * (p_max - p_min))
    r = (3 * p - (p_max + 2 * p_min)) / span
    return np.where(flat, 0.0, r)


def _round4(z: np.ndarray) -> np.ndarray:
    return np.floor(0.5 + z * GRID) / GRID


def bargains(x: np.ndarray, tab: Table, chl: Challenges) -> tuple[np.ndarray, np.ndarray]:
    """S2P2 bargain of each initiator with its target, from the initiator's p: (b_I, b_J)."""
    rows = np.arange(x.shape[0])[:, None]
    xi, si = x, tab.sal
    xj, sj = x[rows, chl.target], tab.sal[rows, chl.target]
    p = chl.prob[:, :, None]
    q = 1 - p
    wi = (si * si) * (p * p)
    wj = (sj * sj) * (q * q)
    den = (wi + MIN_WEIGHT) + wj
    b_i = _round4(((wi + MIN_WEIGHT) * xi + wj * xj) / den)
    b_j = _round4((wi * xi + (MIN_WEIGHT + wj) * xj) / den)
    return b_i, b_j


def resolve_queues(x: np.ndarray, d: np.ndarray, r: np.ndarray, tab: Table,
                   chl: Challenges, b_i: np.ndarray, b_j: np.ndarray) -> np.ndarray:
    """Each actor's capability-weighted election over its queue; everyone moves at once."""
    c, n, _ = x.shape
    idx = np.arange(n)
    rows = np.arange(c)[:, None]
    r_own = ((2.0 * r) + r) / 3.0
    u_own = utility(d, r_own[:, :, None])  # U^a(a, b)
    value = np.empty((c, n, n + 1))  # value[a, m]: option m < n is m's bargain; n: status quo
    u_own_t = u_own.transpose(0, 2, 1)  # [c, b, a]
    sq = u_own_t[:, 0].copy()
    for b in range(1, n):  # summed in b's order, as KTAB does
        sq += u_own_t[:, b]
    acc = utility(distances(x, b_i, tab), r[:, :, None])
    acc += utility(distances(x, b_j, tab), r[:, :, None])
    target = np.where(chl.has, chl.target, idx)
    step = max(1, BLOCK_ELEMENTS // (c * n * n))
    for b0 in range(0, n, step):
        bs = slice(b0, min(n, b0 + step))
        # keep[c, i, b]: b's position is unchanged by i's bargain. The terms u * keep are
        # u or exactly 0.0, added in b's order, as KTAB skips the two moved positions.
        keep = (idx[bs, None] != idx) & (target[:, None, :] != idx[bs, None])  # [c, b, i]
        # An outer product with one term per entry is exact: u, or exactly 0.0.
        terms = np.matmul(u_own_t[:, bs, :, None], keep[:, :, None, :].astype(float))
        for j in range(terms.shape[1]):
            acc += terms[:, j]
    value[:, :, :n] = acc / n
    value[:, :, n] = sq / n
    prob = election(value, tab.cap)
    # Queue of k: status quo, k's own bargain, then bargains aimed at k by initiator
    # index. q[k, m] multiplies P(m beats m') over the queue in that order.
    q = np.repeat(prob[:, None, :, n], n, axis=1)
    q *= np.where(chl.has[:, :, None], prob.transpose(0, 2, 1)[:, :n, :], 1.0)
    member = np.zeros((c, n, n + 1), dtype=bool)
    member[:, idx, idx] = chl.has
    member[:, :, n] = True
    draw = np.arange(c)
    for i in range(n):  # i's bargain sits in its target's queue only
        k = target[:, i]
        q[draw, k] *= np.where(chl.has[:, i, None], prob[:, :, i], 1.0)
        member[draw, k, i] |= chl.has[:, i]
    q = np.where(member, q, 0.0)
    total = q[:, :, n] + q[:, idx, idx]
    for i in range(n):
        k = target[:, i]
        total[draw, k] += np.where(chl.has[:, i], q[draw, k, i], 0.0)
    p = np.where(member, q / total[:, :, None], -1.0)
    # The first maximum in queue order (KTAB's deterministic choice).
    rank = np.broadcast_to(np.arange(2, n + 3), (c, n, n + 1)).copy()
    rank[:, :, n] = 0
    rank[:, idx, idx] = 1
    top = p == p.max(axis=2, keepdims=True)
    chosen = np.argmin(np.where(top, rank, n + 3), axis=2)
    chosen[~(total > 0)] = n  # every product underflowed: no basis to move, stay put
    new = x.copy()
    mine = chosen == idx
    theirs = (chosen < n) & ~mine
    new[mine] = b_i[mine]
    src = np.broadcast_to(rows, chosen.shape)[theirs]
    new[theirs] = b_j[src, chosen[theirs]]
    return new


def turn(x: np.ndarray, tab: Table) -> tuple[np.ndarray, np.ndarray, Challenges]:
    """One simultaneous turn: (new positions, risk attitudes used, challenges made)."""
    d = distances(x, x, tab)
    r = risk_attitudes(x, tab, d)
    chl = challenges(d, r, tab.weight, tab.total_sal)
    b_i, b_j = bargains(x, tab, chl)
    return resolve_queues(x, d, r, tab, chl, b_i, b_j), r, chl
