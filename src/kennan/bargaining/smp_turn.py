"""Vectorised kernels of the spatial model of politics: one turn for a chunk of draws.

Arrays carry a leading axis of draws ``c``; actors are ``n``, dimensions ``k``.
Everything is on KTAB's unit scale. Every sum and product that KTAB accumulates
runs here in KTAB's order too (a Python loop over the summed index, vectorised
over everything else), so each turn reproduces KTAB's doubles exactly and ties
break the way KTAB breaks them. The costly step is the challenge: each actor's
estimate of each challenge with every third party's vote, O(n^3) per draw, done
as n passes over (c, n, n) arrays. See ``docs/smp.md`` for the equations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kennan.bargaining.smp_reference import (
    GRID,
    MIN_COALITION,
    MIN_CONTEST,
    MIN_GAIN,
    MIN_WEIGHT,
)


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
    vote = np.empty((c, m, m))
    for a in range(voters):
        np.subtract(util[:, a, :, None], util[:, a, None, :], out=vote)
        vote *= weight[:, a, None, None]
        np.maximum(vote, 0.0, out=vote)
        coal += vote
    prob = coal / (coal + coal.transpose(0, 2, 1))
    idx = np.arange(m)
    prob[:, idx, idx] = 0.5
    return prob


def condorcet(prob: np.ndarray, member: np.ndarray | None = None) -> np.ndarray:
    """Conditional PCE: q_m = prod over members m' of P(m > m'), normalised over members."""
    c, m, _ = prob.shape
    q = np.ones((c, m))
    for y in range(m):
        factor = prob[:, :, y] if member is None else np.where(member[:, y, None],
                                                               prob[:, :, y], 1.0)
        q = q * factor
    if member is not None:
        q = np.where(member, q, 0.0)
    total = np.zeros(c)
    for x in range(m):
        total = total + q[:, x]
    return q / total[:, None]


def risk_attitudes(x: np.ndarray, tab: Table, d: np.ndarray | None = None) -> np.ndarray:
    """R_i in [-0.5, 1] from the election over all current positions (``Mid`` range)."""
    if d is None:
        d = distances(x, x, tab)
    p = condorcet(election(1 - d, tab.cap))
    p_min = p.min(axis=1, keepdims=True)
    p_max = p.max(axis=1, keepdims=True)
    flat = p_max == p_min
    # With every option equally likely the range is empty: treat everyone as neutral.
    span = np.where(flat, 1.0, 2 * (p_max - p_min))
    r = (3 * p - (p_max + 2 * p_min)) / span
    return np.where(flat, 0.0, r)


@dataclass(frozen=True)
class Challenges:
    """Each initiator's best challenge: ``has`` (c, n), target, p_ij and dEU_ij."""

    has: np.ndarray
    target: np.ndarray
    prob: np.ndarray
    gain: np.ndarray


def challenges(d: np.ndarray, r: np.ndarray, tab: Table) -> Challenges:
    """Every actor i's estimate of challenging every j, third parties voting; best target."""
    c, n, _ = d.shape
    idx = np.arange(n)
    rp = ((2.0 * r)[:, :, None] + r[:, None, :]) / 3.0  # rp[h, a]: h's view of a's attitude
    om = 1 - d
    dm = np.minimum(d, 1.0)
    d_diag = d[:, idx, idx]
    r_self = rp[:, idx, idx]
    u_ii = (1 - d_diag) * (1 + np.minimum(d_diag, 1.0) * r_self)  # U^i(i, i)
    u_ij = om * (1 + dm * r_self[:, :, None])  # U^i(i, j)
    u_ji = om.transpose(0, 2, 1) * (1 + dm.transpose(0, 2, 1) * rp)  # U^i(j, i)
    u_jj = (1 - d_diag[:, None, :]) * (1 + np.minimum(d_diag, 1.0)[:, None, :] * rp)
    w = tab.weight
    con_i = w[:, :, None] * (u_ii[:, :, None] - u_ij)
    con_j = w[:, None, :] * (u_ji - u_jj)
    a_str = (MIN_CONTEST + np.maximum(con_i, 0.0)) + np.maximum(con_j, 0.0)
    b_str = (MIN_CONTEST - np.minimum(con_i, 0.0)) - np.minimum(con_j, 0.0)
    ci, cj = a_str.copy(), b_str.copy()
    u_kj, v0, pk, qk, tmp, tmp2 = (np.empty((c, n, n)) for _ in range(6))
    for k in range(n):
        rk = rp[:, :, k]  # (c, i): perspective i's view of k's attitude
        u_ki = om[:, k, :] * (1 + dm[:, k, :] * rk)  # U^i(k, i)
        u_kk = om[:, k, k, None] * (1 + dm[:, k, k, None] * rk)  # U^i(k, k)
        np.multiply(dm[:, k, None, :], rk[:, :, None], out=u_kj)
        u_kj += 1
        u_kj *= om[:, k, None, :]  # U^i(k, j)
        wk = w[:, k, None, None]
        np.subtract(u_ki[:, :, None], u_kj, out=v0)
        v0 *= wk
        # p_k: share of (i and k) against j in the little contest.
        np.maximum(v0, 0.0, out=tmp)
        tmp += a_str
        np.minimum(v0, 0.0, out=tmp2)
        np.subtract(b_str, tmp2, out=tmp2)
        np.add(tmp, tmp2, out=pk)
        np.divide(tmp, pk, out=pk)
        np.subtract(1.0, pk, out=qk)
        # Expected sum of utilities of joining i versus joining j (SemiCommit).
        twice = u_kj + u_kj
        np.add(twice, u_kj, out=tmp)
        tmp *= qk
        tmp += pk * ((u_ki + u_ki) + u_kk)[:, :, None]
        np.add(twice, u_kk[:, :, None], out=tmp2)
        tmp2 *= qk
        tmp2 += pk * ((u_ki + u_ki) + u_ki)[:, :, None]
        tmp -= tmp2
        tmp *= wk
        tmp[:, k, :] = 0.0  # k is a principal, not a third party, in these contests
        tmp[:, :, k] = 0.0
        np.maximum(tmp, 0.0, out=tmp2)
        ci += tmp2
        np.minimum(tmp, 0.0, out=tmp2)
        cj -= tmp2
    p_ij = ci / (ci + cj)
    p_ji = cj / (ci + cj)
    win = (u_ii + u_ii)[:, :, None]
    contest = p_ij * win + p_ji * (u_ij + u_ij)
    s_j = tab.total_sal[:, None, :]
    gain = ((1 - s_j) * win + s_j * contest) - (u_ii[:, :, None] + u_ij)
    ok = gain > MIN_GAIN
    ok[:, idx, idx] = False
    score = np.where(ok, gain, -np.inf)
    target = np.argmax(score, axis=2)  # first maximum: ties go to the lowest index
    rows = np.arange(c)[:, None]
    return Challenges(ok.any(axis=2), target, p_ij[rows, idx, target],
                      gain[rows, idx, target])


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
    sq = np.zeros((c, n))
    for b in range(n):
        sq = sq + u_own[:, :, b]
    acc = utility(distances(x, b_i, tab), r[:, :, None])
    acc += utility(distances(x, b_j, tab), r[:, :, None])
    target = np.where(chl.has, chl.target, idx)
    for b in range(n):
        keep = (idx != b) & (target != b)  # (c, initiator): b's position is unchanged
        np.add(acc, u_own[:, :, b, None], out=acc, where=keep[:, None, :])
    value[:, :, :n] = acc / n
    value[:, :, n] = sq / n
    prob = election(value, tab.cap)
    prob_ext = np.ones((c, n + 2, n + 2))  # option n + 1 pads queues: a factor of one
    prob_ext[:, : n + 1, : n + 1] = prob
    # Queue of k: status quo, k's own bargain, then bargains aimed at k by initiator index.
    recv = chl.has[:, None, :] & (target[:, None, :] == idx[None, :, None])  # [c, k, i]
    width = int(recv.sum(axis=2).max(initial=0))
    order = np.argsort(np.where(recv, idx, n + idx), axis=2, kind="stable")[:, :, :width]
    recv_opt = np.where(np.take_along_axis(recv, order, axis=2), order, n + 1)
    own_opt = np.where(chl.has, idx, n + 1)
    slots = np.concatenate([np.full((c, n, 1), n), own_opt[:, :, None], recv_opt], axis=2)
    member = slots <= n
    q = np.ones(slots.shape)
    for y in range(slots.shape[2]):
        q = q * prob_ext[rows[:, :, None], slots, slots[:, :, y, None]]
    q = np.where(member, q, 0.0)
    total = np.zeros((c, n))
    for y in range(slots.shape[2]):
        total = total + q[:, :, y]
    p = np.where(member, q / total[:, :, None], -1.0)
    chosen = slots[rows, idx, np.argmax(p, axis=2)]  # first maximum in queue order
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
    chl = challenges(d, r, tab)
    b_i, b_j = bargains(x, tab, chl)
    return resolve_queues(x, d, r, tab, chl, b_i, b_j), r, chl
