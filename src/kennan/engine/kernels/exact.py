"""Compiled kernels of the exact sums (:mod:`kennan.engine.exact`).

Each takes a row in one loop where the NumPy code made a pass per operation. What
they return are exact sums (or parts of one that add exactly), so they equal the
NumPy code's whatever the order in which they add.
"""

from __future__ import annotations

import math

import numba
import numpy as np

_F1, _F2, _I1 = numba.float64[::1], numba.float64[:, ::1], numba.int64[::1]
#: Running sums of a row in :func:`fixed_row_sums`.
_LANES = 8


@numba.njit(numba.void(_F2, _I1, numba.int64, _F2, _I1, _F1), cache=True, nogil=True)
def extract(x: np.ndarray, rows: np.ndarray, log2n: int, parts: np.ndarray,
            count: np.ndarray, residual: np.ndarray) -> None:
    """Rump, Ogita and Oishi's error-free extraction of the ``rows`` of ``x``, finite and
    small enough that ``2 n max|x|`` does not overflow (``log2n``: ``ceil(log2 n)``).

    ``parts[i, j]`` gets the float64 sum of pass ``j`` over row ``rows[i]`` and
    ``count[i]`` the number of passes: each sum is exact, and the row's sum is exactly
    theirs. ``residual`` is a scratch row of ``x``'s length."""
    n = x.shape[1]
    for i in range(rows.shape[0]):
        row = x[rows[i]]
        top = 0.0
        for d in range(n):
            residual[d] = row[d]
            a = abs(row[d])
            if a > top:
                top = a
        j = 0
        while top > 0.0:
            # With sigma = 2**s and 2 n max|r| < sigma, q = (sigma + r) - sigma is r
            # rounded to a multiple of 2**(s-53), r - q is exact, and any partial sum
            # of the q is a multiple of 2**(s-53) below sigma: added exactly, in order.
            sigma = math.ldexp(1.0, math.frexp(top)[1] + log2n + 1)
            total = 0.0
            top = 0.0
            for d in range(n):
                r = residual[d]
                q = r + sigma
                q -= sigma
                r -= q
                residual[d] = r
                total += q
                a = abs(r)
                if a > top:
                    top = a
            parts[i, j] = total
            j += 1
        count[i] = j


def passes(log2n: int) -> int:
    """An upper bound on :func:`extract`'s passes over a row of ``2**log2n`` values or
    fewer: each takes at least ``51 - log2n`` bits off its largest value, and float64
    values span fewer than 2,150 bits."""
    return 2150 // max(51 - log2n, 1) + 2


@numba.njit([numba.float64(numba.float32[:, ::1], numba.float32, _F1),
             numba.float64(_F2, numba.float64, _F1)], cache=True, nogil=True)
def fixed_row_sums(x: np.ndarray, scale: float, sums: np.ndarray) -> float:
    """Each row of ``x`` times ``scale`` (2**24, in ``x``'s own type, as NumPy computes
    it: scaling by a power of two and rounding are exact in it), rounded half to even
    and added in float64 into ``sums``; returns the largest rounded value in size (NaN
    when some value is NaN or infinite). The sums are exact when that times the row
    length is below 2**53: every partial sum is then an integer below it, in any order
    of addition (so eight running sums, which keep the processor's adders busy)."""
    rows, n = x.shape
    peak = 0.0
    bad = False
    lanes = _LANES
    end = n - n % lanes
    acc = np.zeros(lanes)
    top = np.zeros(lanes)
    for r in range(rows):
        row = x[r]
        acc[:] = 0.0
        for d in range(0, end, lanes):
            for j in range(lanes):
                v = np.float64(np.rint(row[d + j] * scale))
                acc[j] += v
                a = abs(v)
                top[j] = a if a > top[j] else top[j]
        s = 0.0
        for j in range(lanes):
            s += acc[j]
        for d in range(end, n):
            v = np.float64(np.rint(row[d] * scale))
            s += v
            a = abs(v)
            top[0] = a if a > top[0] else top[0]
        sums[r] = s
        # NaN in a row makes its sum NaN (so does infinity, with the peak infinite).
        bad |= s != s
    for j in range(lanes):
        peak = top[j] if top[j] > peak else peak
    return np.nan if bad else peak

