"""Challenges in the SMP: every actor's estimate of challenging every other, third parties voting.

The estimate for i challenging j sums a vote of every third party k, so all pairs
cost O(n^3) per draw. Two passes keep that cheap and KTAB-exact:

1. A fast pass over all (i, j) in an algebraically reduced form (fewer array
   operations per third party than KTAB's), which picks each actor's best target
   up to a rounding bound.
2. An exact pass, in KTAB's order of operations, for the chosen target of every
   actor and for any rival within that bound (a near-tie). Its doubles are
   KTAB's, so the bargain (rounded to 1e-4) and tie-breaks (lowest index) match.

Reduced form: with U the perspective's utilities, v_k = w_k (U_ki - U_kj) and
a_k = w_k (U_kk - U_ki), KTAB's third-party vote is
t_k = pi_k (2 a_k + v_k) - (a_k + v_k) with pi_k = (A + max(0, v_k)) / (A + B + |v_k|);
and the expected gain is dEU = (U_ii - U_ij) (1 - 2 S_j (1 - p_ij)). v_k is computed
exactly as KTAB does (pi_k is sensitive to it when the principals are weak); the
rest differs from KTAB's doubles by a few rounding errors of size w_k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_CONTEST = 1e-10  # floor of each side's strength in a challenge (KTAB's)
MIN_GAIN = 1e-5  # a challenge must promise more than this to be made (KTAB's)
# The fast pass's gain is within this many units of eps * (total weight / coalition) of KTAB's.
_ERR_SCALE = 1e-11
# Elements of a (draws, block, n, n) working array.
_BLOCK_ELEMENTS = 1 << 14


@dataclass(frozen=True)
class Challenges:
    """Each initiator's best challenge: ``has`` (c, n), target, p_ij and dEU_ij."""

    has: np.ndarray
    target: np.ndarray
    prob: np.ndarray
    gain: np.ndarray


def _util(om, dm, r):
    return om * (1 + dm * r)


def _principals(d, rp, w):
    """U^i(i,i), U^i(i,j) and the principals' strengths A (for i), B (for j): (c, i, j)."""
    n = d.shape[1]
    idx = np.arange(n)
    om, dm = 1 - d, np.minimum(d, 1.0)
    r_self = rp[:, idx, idx]
    u_ii = _util(om[:, idx, idx], dm[:, idx, idx], r_self)
    u_ij = _util(om, dm, r_self[:, :, None])
    u_ji = _util(om.transpose(0, 2, 1), dm.transpose(0, 2, 1), rp)
    u_jj = _util(om[:, idx, idx][:, None, :], dm[:, idx, idx][:, None, :], rp)
    con_i = w[:, :, None] * (u_ii[:, :, None] - u_ij)
    con_j = w[:, None, :] * (u_ji - u_jj)
    a_str = (MIN_CONTEST + np.maximum(con_i, 0.0)) + np.maximum(con_j, 0.0)
    b_str = (MIN_CONTEST - np.minimum(con_i, 0.0)) - np.minimum(con_j, 0.0)
    return u_ii, u_ij, a_str, b_str


def _fast_gains(d, rp, w, total_sal, u_ii, u_ij, a_str, b_str):
    """dEU for all (i, j) in the reduced form, with a bound on its distance from KTAB's."""
    c, n, _ = d.shape
    idx = np.arange(n)
    om, dm = 1 - d, np.minimum(d, 1.0)
    ab = (a_str + b_str)[:, None]
    a_blk = a_str[:, None]
    rk_all = rp.transpose(0, 2, 1)  # [c, k, i]: perspective i's view of k's attitude
    u_ki = _util(om, dm, rk_all)  # U^i(k, i)
    u_kk = _util(om[:, idx, idx][:, :, None], dm[:, idx, idx][:, :, None], rk_all)
    wk = w[:, :, None]
    a_all = wk * (u_kk - u_ki)  # a_k = w_k (U_kk - U_ki)
    sum_t = np.zeros((c, n, n))
    sum_abs = np.zeros((c, n, n))
    step = max(1, _BLOCK_ELEMENTS // (c * n * n))  # third parties per block
    for k0 in range(0, n, step):
        ks = slice(k0, min(n, k0 + step))
        m = ks.stop - k0
        # U^i(k, j) = (1 - d_kj)(1 + d_kj R_ik) exactly as KTAB rounds it (an outer
        # product with one term per entry is exact), so that v_k is KTAB's to the bit:
        # KTAB's pi_k turns on v_k against the principals' strengths, which can be tiny.
        u_kj = np.matmul(rk_all[:, ks, :, None], dm[:, ks, None, :])  # [c, k, i, j]
        u_kj += 1.0
        u_kj *= om[:, ks, None, :]
        v = u_ki[:, ks, :, None] - u_kj
        v *= wk[:, ks, :, None]  # v_k = w_k (U_ki - U_kj)
        pi = np.maximum(v, 0.0)
        pi += a_blk
        den = np.abs(v)
        den += ab
        pi /= den  # pi_k: the share of (i with k) against j in the little contest
        # t_k = pi a_k - (1 - pi) b_k = pi (a_k + b_k) - b_k, with b_k = a_k + v_k.
        b = v + a_all[:, ks, :, None]
        t = b + a_all[:, ks, :, None]
        t *= pi
        t -= b
        own = np.arange(m)
        t[:, own, own + k0, :] = 0.0  # k is a principal here, not a third party
        t[:, own, :, own + k0] = 0.0
        sum_t += t[:, 0] if m == 1 else t.sum(axis=1)
        np.abs(t, out=t)
        sum_abs += t[:, 0] if m == 1 else t.sum(axis=1)
    ci = a_str + 0.5 * (sum_abs + sum_t)
    cj = b_str + 0.5 * (sum_abs - sum_t)
    p = ci / (ci + cj)
    gain = (u_ii[:, :, None] - u_ij) * (1 - 2 * total_sal[:, None, :] * (1 - p))
    err = _ERR_SCALE * (1 + w.sum(axis=1)[:, None, None] / (ci + cj))
    return gain, err


def _exact(d, rp, w, total_sal, cc, ii, jj):
    """KTAB's p_ij and dEU_ij, in its order of operations, for the listed (draw, i, j)."""
    n = d.shape[1]
    om, dm = 1 - d, np.minimum(d, 1.0)
    idx = np.arange(n)
    # (T, n) rows per listed triple, indexed by the third party k: whole rows of the
    # transposed matrices (om_t[c, i, k] = 1 - d_ki), which gather fast.
    om_t, dm_t = om.transpose(0, 2, 1).copy(), dm.transpose(0, 2, 1).copy()
    om_ki, dm_ki = om_t[cc, ii], dm_t[cc, ii]  # distance from k to i
    om_kj, dm_kj = om_t[cc, jj], dm_t[cc, jj]
    om_kk, dm_kk = om[:, idx, idx][cc], dm[:, idx, idx][cc]
    r_ik, w_k = rp[cc, ii, :], w[cc]  # i's view of k's attitude; k's weight
    uii = _util(om[cc, ii, ii], dm[cc, ii, ii], rp[cc, ii, ii])
    uij = _util(om[cc, ii, jj], dm[cc, ii, jj], rp[cc, ii, ii])
    uji = _util(om[cc, jj, ii], dm[cc, jj, ii], rp[cc, ii, jj])
    ujj = _util(om[cc, jj, jj], dm[cc, jj, jj], rp[cc, ii, jj])
    con_i = w[cc, ii] * (uii - uij)
    con_j = w[cc, jj] * (uji - ujj)
    a_str = (MIN_CONTEST + np.maximum(con_i, 0.0)) + np.maximum(con_j, 0.0)
    b_str = (MIN_CONTEST - np.minimum(con_i, 0.0)) - np.minimum(con_j, 0.0)
    # Every third party's vote at once, (T, n); then KTAB's running sums over k.
    uki = _util(om_ki, dm_ki, r_ik)
    ukj = _util(om_kj, dm_kj, r_ik)
    ukk = _util(om_kk, dm_kk, r_ik)
    v0 = w_k * (uki - ukj)
    cki = a_str[:, None] + np.maximum(v0, 0.0)
    ckj = b_str[:, None] - np.minimum(v0, 0.0)
    pik = cki / (cki + ckj)
    pjk = 1.0 - pik
    join_i = (pik * ((uki + uki) + ukk)) + (pjk * ((ukj + ukj) + ukj))
    join_j = (pik * ((uki + uki) + uki)) + (pjk * ((ukj + ukj) + ukk))
    vk = w_k * (join_i - join_j)
    vk[(ii[:, None] == idx) | (jj[:, None] == idx)] = 0.0  # principals are not third parties
    gain_i = np.maximum(vk, 0.0).T.copy()
    gain_j = np.minimum(vk, 0.0).T.copy()
    chij, chji = a_str.copy(), b_str.copy()
    for k in range(n):  # KTAB's running sums, in index order
        chij += gain_i[k]
        chji -= gain_j[k]
    pij = chij / (chij + chji)
    pji = chji / (chij + chji)
    sj = total_sal[cc, jj]
    contest = pij * (uii + uii) + pji * (uij + uij)
    gain = ((1 - sj) * (uii + uii) + sj * contest) - (uii + uij)
    return pij, gain


def challenges(d: np.ndarray, r: np.ndarray, w: np.ndarray, total_sal: np.ndarray) -> Challenges:
    """Each actor's best challenge (largest dEU above 1e-5, lowest index on ties).

    ``d`` (c, n, n) are distances, ``r`` (c, n) risk attitudes, ``w`` (c, n) the
    weights S_i c_i and ``total_sal`` (c, n) the saliences S_i.
    """
    c, n, _ = d.shape
    idx = np.arange(n)
    rp = ((2.0 * r)[:, :, None] + r[:, None, :]) / 3.0  # rp[h, a]: h's view of a's attitude
    u_ii, u_ij, a_str, b_str = _principals(d, rp, w)
    gain, err = _fast_gains(d, rp, w, total_sal, u_ii, u_ij, a_str, b_str)
    gain[:, idx, idx] = -np.inf
    lo, hi = gain - err, gain + err
    sure = np.where(lo > MIN_GAIN, lo, -np.inf).max(axis=2, keepdims=True)
    cand = (hi > MIN_GAIN) & (hi >= sure)  # could be the exact best target
    cc, ii, jj = np.nonzero(cand)
    step = max(1, _BLOCK_ELEMENTS // n)  # usually one candidate per actor: one block
    parts = [_exact(d, rp, w, total_sal, cc[a:a + step], ii[a:a + step], jj[a:a + step])
             for a in range(0, max(cc.size, 1), step)]
    p_ex = np.concatenate([q[0] for q in parts])
    g_ex = np.concatenate([q[1] for q in parts])
    exact = np.full((c, n, n), -np.inf)
    exact[cc, ii, jj] = np.where(g_ex > MIN_GAIN, g_ex, -np.inf)
    target = np.argmax(exact, axis=2)  # first maximum: ties go to the lowest index
    prob = np.zeros((c, n, n))
    prob[cc, ii, jj] = p_ex
    rows = np.arange(c)[:, None]
    best = exact[rows, idx, target]
    return Challenges(best > -np.inf, target, prob[rows, idx, target], best)
