"""A plain-Python, one-draw reference of the spatial model of politics.

This is the algorithm of ``docs/smp.md`` written as scalar loops, in the order of
operations KTAB uses, with no NumPy. It exists for two reasons: tests hold the
vectorised :func:`kennan.bargaining.models.smp.smp_multi` to it (bit for bit, ties
included), and the benchmark times the batched model against it, one draw at a
time. It is slow (O(n^3) Python operations a turn) and meant for small tables.

All values are on KTAB's unit scale: positions and saliences in [0, 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kennan.bargaining.models.smp_challenge import MIN_CONTEST, MIN_GAIN
from kennan.bargaining.models.smp_turn import GRID, MIN_COALITION, MIN_WEIGHT

# KTAB's constants, shared with the batched kernels (defined there, once).


@dataclass
class ReferenceRun:
    """Everything the reference records: states, risk attitudes, challenges."""

    states: list[list[list[float]]] = field(default_factory=list)
    risk: list[list[float]] = field(default_factory=list)
    # challenges[t][i] = (target, p, dEU) or None, for the turn from state t.
    challenges: list[list[tuple[int, float, float] | None]] = field(default_factory=list)
    quiet: bool = False


def _dist(ideal: list[float], point: list[float], sal: list[float]) -> float:
    ds_sq = 0.0
    ss_sq = 0.0
    for y, z, s in zip(ideal, point, sal, strict=True):
        ds = (y - z) * s
        ds_sq = ds_sq + ds * ds
        ss_sq = ss_sq + s * s
    return math.sqrt(ds_sq / ss_sq)


def _util(d: float, r: float) -> float:
    if d <= 1:
        return (1 - d) * (1 + d * r)
    return (1 - d) * (1 + r)


def _election(util: list[list[float]], weight: list[float], options: list[int]) -> list[float]:
    """Probabilistic Condorcet election: util[a][m] for voter a; returns p per option slot."""
    n_opt = len(options)
    coal = [[MIN_COALITION] * n_opt for _ in range(n_opt)]
    for x in range(n_opt):
        for y in range(x):
            cxy = MIN_COALITION
            cyx = MIN_COALITION
            for a, w in enumerate(weight):
                v = w * (util[a][options[x]] - util[a][options[y]])
                if v > 0:
                    cxy = cxy + v
                if v < 0:
                    cyx = cyx - v
            coal[x][y] = cxy
            coal[y][x] = cyx
    prob = [[0.5] * n_opt for _ in range(n_opt)]
    for x in range(n_opt):
        for y in range(x):
            prob[x][y] = coal[x][y] / (coal[x][y] + coal[y][x])
            prob[y][x] = coal[y][x] / (coal[x][y] + coal[y][x])
    q = []
    for x in range(n_opt):
        qx = 1.0
        for y in range(n_opt):
            qx = qx * prob[x][y]
        q.append(qx)
    total = 0.0
    for qx in q:
        total = total + qx
    if total == 0.0:  # every product underflowed (KTAB would divide by zero)
        return [0.0] * n_opt
    return [qx / total for qx in q]


def risk_attitudes(x: list[list[float]], s: list[list[float]], c: list[float]) -> list[float]:
    """Risk attitude of every actor from the election over all current positions."""
    n = len(x)
    value = [[1 - _dist(x[a], x[b], s[a]) for b in range(n)] for a in range(n)]
    p = _election(value, c, list(range(n)))
    p_min, p_max = 1.0, 0.0
    for pi in p:
        p_min = pi if pi < p_min else p_min
        p_max = pi if pi > p_max else p_max
    if p_max == p_min:  # every option equally likely: no basis for attitudes
        return [0.0] * n
    return [(3 * pi - (p_max + 2 * p_min)) / (2 * (p_max - p_min)) for pi in p]


def _round4(z: float) -> float:
    return math.floor(0.5 + z * GRID) / GRID


def _challenge(u: list[list[float]], w: list[float], tot_sal: list[float], i: int, j: int):
    """i's estimate (utilities ``u`` from i's perspective) of challenging j: (p, dEU)."""
    n = len(u)
    uii, uij, uji, ujj = u[i][i], u[i][j], u[j][i], u[j][j]
    contrib_i = w[i] * (uii - uij)
    contrib_j = w[j] * (uji - ujj)
    chij = MIN_CONTEST
    chji = MIN_CONTEST
    if contrib_i > 0.0:
        chij = chij + contrib_i
    if contrib_i < 0.0:
        chji = chji - contrib_i
    if contrib_j > 0.0:
        chij = chij + contrib_j
    if contrib_j < 0.0:
        chji = chji - contrib_j
    a_i, b_j = chij, chji
    for k in range(n):
        if k in (i, j):
            continue
        uki, ukj, ukk = u[k][i], u[k][j], u[k][k]
        v0 = w[k] * (uki - ukj)
        cki = a_i + v0 if v0 > 0 else a_i
        ckj = b_j - v0 if v0 < 0 else b_j
        pik = cki / (cki + ckj)
        pjk = 1.0 - pik
        join_i = (pik * (uki + uki + ukk)) + (pjk * (ukj + ukj + ukj))
        join_j = (pik * (uki + uki + uki)) + (pjk * (ukj + ukj + ukk))
        vk = w[k] * (join_i - join_j)
        chij = chij + vk if vk > 0 else chij
        chji = chji - vk if vk < 0 else chji
    pij = chij / (chij + chji)
    pji = chji / (chij + chji)
    sj = tot_sal[j]
    contest = pij * (uii + uii) + pji * (uij + uij)
    gain = (1 - sj) * (uii + uii) + sj * contest - (uii + uij)
    return pij, gain


def _turn(x, s, c, tot_sal, weight, r):
    """One turn from state ``x``; returns (new state, challenges)."""
    n, dims = len(x), len(x[0])
    d = [[_dist(x[a], x[b], s[a]) for b in range(n)] for a in range(n)]
    r_own = [((2.0 * r[a]) + r[a]) / 3.0 for a in range(n)]
    challenges: list[tuple[int, float, float] | None] = []
    bargains: list[tuple[int, int, list[float], list[float]]] = []
    for i in range(n):
        rh = [((2.0 * r[i]) + r[a]) / 3.0 for a in range(n)]
        u = [[_util(d[a][b], rh[a]) for b in range(n)] for a in range(n)]
        best_j, best_p, best_gain = -1, 0.0, -1.0
        for j in range(n):
            if j == i:
                continue
            pij, gain = _challenge(u, weight, tot_sal, i, j)
            if gain > MIN_GAIN and gain > best_gain:
                best_j, best_p, best_gain = j, pij, gain
        if best_j < 0:
            challenges.append(None)
            continue
        challenges.append((best_j, best_p, best_gain))
        j, p_i, p_j = best_j, best_p, 1 - best_p
        b_i, b_j = [], []
        for k in range(dims):
            w_i = (s[i][k] * s[i][k]) * (p_i * p_i)
            w_j = (s[j][k] * s[j][k]) * (p_j * p_j)
            den = w_i + MIN_WEIGHT + w_j
            b_i.append(_round4(((w_i + MIN_WEIGHT) * x[i][k] + w_j * x[j][k]) / den))
            b_j.append(_round4((w_i * x[i][k] + (MIN_WEIGHT + w_j) * x[j][k]) / den))
        bargains.append((i, j, b_i, b_j))
    # Every actor's valuation of every option: option 0 is the status quo.
    u_own = [[_util(d[a][b], r_own[a]) for b in range(n)] for a in range(n)]
    value = []
    for a in range(n):
        row = [0.0]
        for b in range(n):
            row[0] = row[0] + u_own[a][b]
        for i, j, b_i, b_j in bargains:
            acc = 0.0 + _util(_dist(x[a], b_i, s[a]), r[a])
            acc = acc + _util(_dist(x[a], b_j, s[a]), r[a])
            for b in range(n):
                if b not in (i, j):
                    acc = acc + u_own[a][b]
            row.append(acc)
        value.append([v / n for v in row])
    new_x = [list(p) for p in x]
    for k in range(n):
        # Queue order: status quo, k's own bargain, then bargains aimed at k by initiator.
        own = [m + 1 for m, b in enumerate(bargains) if b[0] == k]
        recv = [m + 1 for m, b in enumerate(bargains) if b[1] == k]
        queue = [0, *own, *recv]
        prob = _election(value, c, queue)
        best, best_p = 0, -1.0
        for slot, p in enumerate(prob):
            if best_p < abs(p):
                best, best_p = slot, abs(p)
        m = queue[best]
        if m > 0:
            i, j, b_i, b_j = bargains[m - 1]
            new_x[k] = list(b_i) if k == i else list(b_j)
    return new_x, challenges


def smp_reference(
    x: list[list[float]],
    s: list[list[float]],
    c: list[float],
    *,
    max_turns: int = 100,
    min_turns: int = 2,
    quiet_ratio: float = 0.02,
    guard: float = 1e-4,
) -> ReferenceRun:
    """Run the SMP on one table (unit scale) with plain loops; see the module docstring."""
    n = len(x)
    tot_sal = []
    for row in s:
        total = 0.0
        for v in row:
            total = total + v
        tot_sal.append(total)
    weight = [tot_sal[k] * c[k] for k in range(n)]
    run = ReferenceRun(states=[[list(p) for p in x]])
    first = 0.0
    t = 0
    while True:
        r = risk_attitudes(run.states[-1], s, c)
        run.risk.append(r)
        new_x, chl = _turn(run.states[-1], s, c, tot_sal, weight, r)
        run.challenges.append(chl)
        run.states.append(new_x)
        t += 1
        step = 0.0
        for a in range(n):
            sq = 0.0
            for k in range(len(new_x[a])):
                diff = new_x[a][k] - run.states[-2][a][k]
                sq = sq + diff * diff
            step = step + math.sqrt(sq)
        if t == 1:
            first = step + guard
        quiet = step / first < quiet_ratio
        if max_turns <= t or (min_turns <= t and quiet):
            run.quiet = quiet and min_turns <= t
            break
    run.risk.append(risk_attitudes(run.states[-1], s, c))
    return run
