"""The expected utility model for one draw, in plain Python loops.

A direct transcription of the rules in :mod:`kennan.bargaining.models.eum` (default variant:
``Q = 1``, all-triples denominator, Scholz's offer choice, exponents from security
levels, distances over the initial range), written for clarity rather than speed: its
win probabilities cost O(n^3) per round. The tests hold the batched model to it, and
``bench/bargaining.py`` times the batched model against it.
"""

from __future__ import annotations

from collections.abc import Sequence


def eum_one(
    positions: Sequence[float],
    saliences: Sequence[float],
    capabilities: Sequence[float],
    *,
    rounds: int = 10,
) -> list[list[float]]:
    """Positions after every round for one table (the input first)."""
    x = [float(v) for v in positions]
    s = [float(v) for v in saliences]
    w = [si * float(ci) for si, ci in zip(s, capabilities, strict=True)]
    span = (max(x) - min(x)) or 1.0
    history = [list(x)]
    for _ in range(rounds):
        x = _one_round(x, s, w, span)
        history.append(list(x))
    return history


def _one_round(x: list[float], s: list[float], w: list[float], span: float) -> list[float]:
    n = len(x)
    ones = [1.0] * n
    p1 = _probabilities(x, w, ones, span)
    danger = [
        sum(_eu(j, i, x, s, p1, 1.0, span) for j in range(n) if j != i) for i in range(n)
    ]
    top, bottom = max(danger), min(danger)
    r = []
    for d in danger:
        big_r = (2 * d - top - bottom) / (top - bottom) if top > bottom else 0.0
        r.append((1 - big_r / 3) / (1 + big_r / 3))
    p = _probabilities(x, w, r, span)
    new = list(x)
    for i in range(n):
        offers: dict[int, list[tuple[float, float]]] = {1: [], 2: [], 3: []}  # kind: (key, pos)
        for j in range(n):
            if abs(x[j] - x[i]) <= 1e-9 * span:  # one position: no contest
                continue
            a = _eu(i, j, x, s, p, r[i], span)
            b = _eu(j, i, x, s, p, r[i], span)
            if b > a > 0:
                offers[1].append((abs(x[j] - x[i]), x[j]))
            elif b > 0 > a and b > -a:
                pos = x[i] + (x[j] - x[i]) * (-a / b)
                offers[2].append(((-a * x[i] + b * x[j]) / (b - a), pos))
            elif b > 0 > a:
                offers[3].append((abs(x[j] - x[i]), x[j]))
        for kind in (1, 2, 3):
            if offers[kind]:
                kmin = min(k for k, _ in offers[kind])
                new[i] = min(pos for k, pos in offers[kind] if k <= kmin + 1e-12 * span)
                break
    return new


def _probabilities(
    x: list[float], w: list[float], r: list[float], span: float
) -> list[list[float]]:
    n = len(x)

    def vote(k: int, i: int, j: int) -> float:
        return w[k] * ((abs(x[k] - x[j]) / span) ** r[k] - (abs(x[k] - x[i]) / span) ** r[k])

    den = sum(abs(vote(k, a, b)) for k in range(n) for a in range(n) for b in range(n))
    p = [[0.0] * n for _ in range(n)]
    if den == 0:
        return p
    for i in range(n):
        for j in range(n):
            if x[i] != x[j]:
                p[i][j] = sum(max(0.0, vote(k, i, j)) for k in range(n)) / den
    return p


def _eu(
    i: int, j: int, x: list[float], s: list[float], p: list[list[float]], r: float, span: float
) -> float:
    """EU_i(j): i's expected utility of challenging j, with risk exponent ``r``."""
    d = abs(x[i] - x[j]) / span
    u_s = 2 - 4 * (0.5 - 0.5 * d) ** r
    u_f = 2 - 4 * (0.5 + 0.5 * d) ** r
    u_sq = 2 - 4 * 0.5**r
    return s[j] * (p[i][j] * u_s + (1 - p[i][j]) * u_f) + (1 - s[j]) * u_s - u_sq
