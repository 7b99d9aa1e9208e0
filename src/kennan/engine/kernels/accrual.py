"""Compiled kernels of a period's metric accrual (:mod:`kennan.engine.accrual`).

Each loops once over the draws where the NumPy code made a pass per operation: a
tail group's accrual after absorption (held value and expected aggregate), and the
trajectory's expected current value rounded to units of 2**-24 with its row sums.
They know no scenario: arrays and a few integer codes in, arrays out.

Why the bits are those of the NumPy code they replace: per element they perform the
same IEEE operations in the same order (no fast-math, so LLVM neither contracts a
product and a sum into one fused multiply-add nor reorders a sum), and a maximum or
minimum propagates NaN as NumPy's does.
"""

from __future__ import annotations

import numba
import numpy as np

#: A metric's aggregate, as the kernels' integer code.
FINAL, MAX, MIN, SUM, MEAN = range(5)
CODES = {"final": FINAL, "max": MAX, "min": MIN, "sum": SUM, "mean": MEAN}

#: Explicit signatures: C-ordered float64 arrays, int64 indices, so one compiled version
#: of each kernel serves every call (loaded from numba's cache after the first run).
_F1, _F2, _I1 = numba.float64[::1], numba.float64[:, ::1], numba.int64[::1]
_ACCRUE = numba.void(_F2, _F2, _F1, _I1, _I1, numba.boolean, _F2, _F2, _F2, _F2, numba.int64,
                     numba.boolean, numba.boolean, numba.float64, numba.float64,
                     numba.boolean, numba.boolean)
_ROUNDED = numba.float64(_F2, _F2, _F2, _F2, _F1)
_RECORD = numba.void(_F2, _F2, _F2, _F2, numba.int64, numba.boolean, numba.boolean)


@numba.njit(inline="always")
def _pick(x: float, y: float, code: int) -> float:
    """np.maximum (``code`` MAX) or np.minimum of ``x`` and ``y``, bit for bit: NaN in
    either gives NaN (the first one's), and of equal values (0.0 and -0.0) the second."""
    if code == MAX:
        return x if (x > y or x != x) else y
    return x if (x < y or x != x) else y


@numba.njit(inline="always")
def _aggregate(x: float, tot: float, p: float, tv: float, code: int, given: bool,
               stop: bool, rest: float, horizon: float, add_rest: bool) -> float:
    """A draw's aggregate given its extreme ``x``, total ``tot``, periods on the path ``p``
    and tail ``tv`` (the NumPy code's operations, in its order)."""
    if code in (MAX, MIN):
        if not given:
            return x
        return _pick(x, tv, code)
    if stop and not given:
        if code == MEAN:
            return tot / (p if p >= 1.0 else 1.0)
        return tot
    agg = tot + tv * rest if add_rest else tot
    return agg / horizon if code == MEAN else agg


@numba.njit(inline="always")
def _accrue_row(held: np.ndarray, expected: np.ndarray, mass: np.ndarray, tail: np.ndarray,
                extreme: np.ndarray, total: np.ndarray, periods: np.ndarray, code: int,
                given: bool, stop: bool, rest: float, horizon: float, add_held: bool,
                add_rest: bool) -> None:
    """:func:`accrue` on one course's row of draws (all 1-D, the same length)."""
    n = held.shape[0]
    if add_held:
        for d in range(n):
            held[d] += mass[d] * tail[d]
    if code == FINAL:
        return
    if code in (MAX, MIN):
        if not given:
            for d in range(n):
                expected[d] += mass[d] * extreme[d]
        else:
            for d in range(n):
                expected[d] += mass[d] * _pick(extreme[d], tail[d], code)
    elif stop and not given:
        if code == MEAN:
            for d in range(n):
                p = periods[d]
                expected[d] += mass[d] * (total[d] / (p if p >= 1.0 else 1.0))
        else:
            for d in range(n):
                expected[d] += mass[d] * total[d]
    elif not add_rest:
        if code == MEAN:
            for d in range(n):
                expected[d] += mass[d] * (total[d] / horizon)
        else:
            for d in range(n):
                expected[d] += mass[d] * total[d]
    elif code == MEAN:
        for d in range(n):
            expected[d] += mass[d] * ((total[d] + tail[d] * rest) / horizon)
    else:
        for d in range(n):
            expected[d] += mass[d] * (total[d] + tail[d] * rest)


@numba.njit(_ACCRUE, cache=True, nogil=True)
def accrue(held: np.ndarray, expected: np.ndarray, mass: np.ndarray, rows: np.ndarray,
           cols: np.ndarray, dense: bool, tail: np.ndarray, extreme: np.ndarray,
           total: np.ndarray, periods: np.ndarray, code: int, given: bool, stop: bool,
           rest: float, horizon: float, add_held: bool, add_rest: bool) -> None:
    """One tail group's absorption, in place: ``held += mass * tail`` (when ``add_held``)
    and, but for a final aggregate, ``expected += mass * aggregate``.

    ``held``, ``expected``, ``extreme``, ``total`` and ``periods`` are ``(courses, draws)``.
    ``mass`` is the group's mass at every draw (``dense``: raveled, ``(courses * draws,)``)
    or at the draws ``rows``, ``cols`` only. ``tail`` is ``(1 or courses, 1 or draws)``,
    broadcast. ``given``: the tail is the outcome's own value (not the latest); ``stop``:
    the metric stops at absorption; ``add_rest``: the aggregate adds ``tail * rest``."""
    courses, n = held.shape
    if dense:
        # Row by row, a loop per operation: each is simple enough for LLVM to vectorise
        # (element-wise, so the same bits), and a row stays in the cache between them.
        row_tail = np.empty(n)
        for c in range(courses):
            t = tail[c if tail.shape[0] > 1 else 0]
            if t.shape[0] == n:
                row_tail[:] = t
            else:
                row_tail[:] = t[0]
            _accrue_row(held[c], expected[c], mass[c * n:(c + 1) * n], row_tail,
                        extreme[c], total[c], periods[c], code, given, stop, rest,
                        horizon, add_held, add_rest)
        return
    for i in range(mass.shape[0]):
        c, d = rows[i], cols[i]
        tv = tail[c if tail.shape[0] > 1 else 0, d if tail.shape[1] > 1 else 0]
        m = mass[i]
        if add_held:
            held[c, d] += m * tv
        if code != FINAL:
            expected[c, d] += m * _aggregate(extreme[c, d], total[c, d], periods[c, d], tv,
                                             code, given, stop, rest, horizon, add_rest)


@numba.njit(_RECORD, cache=True, nogil=True)
def record(current: np.ndarray, total: np.ndarray, extreme: np.ndarray, value: np.ndarray,
           code: int, first: bool, changes: bool) -> None:
    """A metric's value this period into its running statistics, in place: the latest
    value (when it ``changes``: a constant's stays as the first period wrote it), the
    total for a sum or mean, the extreme for a max or min (the value itself the
    ``first`` period). ``current``, ``total`` and ``extreme`` are ``(courses, draws)``,
    ``value`` ``(1 or courses, 1 or draws)``, broadcast."""
    courses, n = current.shape
    adds = code in (SUM, MEAN)
    picks = code in (MAX, MIN) and changes
    for c in range(courses):
        v = value[c if value.shape[0] > 1 else 0]
        cur, tot, ext = current[c], total[c], extreme[c]
        if v.shape[0] == 1:  # one value for every draw of the row
            x = v[0]
            if changes:
                cur[:] = x
            if adds:
                for d in range(n):
                    tot[d] += x
            elif picks:
                for d in range(n):
                    ext[d] = x if first else _pick(ext[d], x, code)
            continue
        if changes:
            cur[:] = v
        if adds:
            for d in range(n):
                tot[d] += v[d]
        elif picks:
            if first:
                ext[:] = v
            else:
                for d in range(n):
                    ext[d] = _pick(ext[d], v[d], code)


@numba.njit(_ROUNDED, cache=True, nogil=True)
def rounded_trajectory(current: np.ndarray, survival: np.ndarray, held: np.ndarray,
                       q: np.ndarray, sums: np.ndarray) -> float:
    """Every metric's expected current value ``current * survival + held`` in units of
    2**-24, rounded half to even, into ``q``; each row's sum (added in order) into
    ``sums``; returns the largest ``|q|`` (NaN when some value is NaN).

    ``current``, ``held`` and ``q`` are ``(metrics * courses, draws)``, ``survival``
    ``(courses, draws)``; row ``r`` is course ``r % courses``."""
    rows, n = current.shape
    courses = survival.shape[0]
    scale = float(1 << 24)
    peak = 0.0
    nan = False
    for r in range(rows):
        c = r % courses
        s = 0.0
        for d in range(n):
            v = np.rint((current[r, d] * survival[c, d] + held[r, d]) * scale)
            q[r, d] = v
            s += v
            a = abs(v)
            if a > peak:
                peak = a
            elif a != a:
                nan = True
        sums[r] = s
    return np.nan if nan else peak
