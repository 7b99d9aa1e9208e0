"""Exact, order-independent sums of float64 arrays.

Floating-point addition is not associative, so a mean summed chunk by chunk
would change in its last bits with the chunk size. Instead every float64 is an
integer multiple of 2**-1074; we sum those integers exactly (vectorised: split
each value into exponent and 53-bit mantissa, mantissas into 26-bit halves, and
add the halves per exponent with ``bincount``, whose float64 partial sums stay
exact integers below 2**53 for up to 2**26 values per call), and carry totals as
Python integers. Totals merge by integer addition, so summaries are identical
whatever the chunking, the worker count or the order chunks finish in.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

_UNIT_EXP = 1074  # 2**-1074 is the smallest positive float64
_HALF = 26
_MAX_PER_CALL = 1 << 26


def exact_sums(values: np.ndarray) -> list[int]:
    """Exact sums along the last axis of a 2-D array, in units of 2**-1074.

    Non-finite values are refused (the engine reports them before this point).
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    rows, n = x.shape
    if n > _MAX_PER_CALL:
        parts = [exact_sums(x[:, i:i + _MAX_PER_CALL]) for i in range(0, n, _MAX_PER_CALL)]
        return [sum(col) for col in zip(*parts, strict=True)]
    if not np.isfinite(x).all():
        raise ValueError("exact_sums needs finite values")
    mant, exp = np.frexp(x)  # x = mant * 2**exp, 0.5 <= |mant| < 1
    m = (mant * 2.0**53).astype(np.int64)  # exact: 53-bit signed integer
    hi = m >> _HALF  # floor division keeps hi * 2**26 + lo == m with 0 <= lo < 2**26
    lo = m - (hi << _HALF)
    emin = int(exp.min()) if exp.size else 0
    span = int(exp.max()) - emin + 1 if exp.size else 1
    key = (np.arange(rows)[:, None] * span + (exp - emin)).ravel()
    hi_sums = np.bincount(key, weights=hi.ravel().astype(np.float64), minlength=rows * span)
    lo_sums = np.bincount(key, weights=lo.ravel().astype(np.float64), minlength=rows * span)
    hi_sums = hi_sums.reshape(rows, span)
    lo_sums = lo_sums.reshape(rows, span)
    out = []
    for r in range(rows):
        total = 0
        for k in np.flatnonzero((hi_sums[r] != 0) | (lo_sums[r] != 0)):
            group = (int(hi_sums[r, k]) << _HALF) + int(lo_sums[r, k])
            shift = emin + int(k) - 53 + _UNIT_EXP
            # Subnormals have shift < 0, but then their low mantissa bits are zero.
            total += group << shift if shift >= 0 else group >> -shift
        out.append(total)
    return out


def to_float(total: int, count: int = 1) -> float:
    """``total`` (in units of 2**-1074) divided by ``count``, correctly rounded."""
    if count == 0:
        return float("nan")
    return float(Fraction(total, count << _UNIT_EXP))


def to_fraction(total: int) -> Fraction:
    """``total`` (in units of 2**-1074) as an exact fraction."""
    return Fraction(total, 1 << _UNIT_EXP)


#: Resolution of :func:`fixed_sums`: values are rounded to multiples of 2**-FIXED_BITS.
FIXED_BITS = 24
_FIXED_LIMIT = 2.0**20


def fixed_sums(values: np.ndarray) -> list[int]:
    """Sums along the last axis of values rounded to multiples of 2**-24, as exact integers.

    Cheaper than :func:`exact_sums` (a multiply, a rounding and a sum) and just as
    independent of chunking, since rounding is per value and the sum is exact.
    Used for per-period trajectories and outcome masses, where a resolution of 6e-8
    is ample. float32 input stays float32 (scaling by 2**24 and rounding are exact
    in it, and it halves the memory read); other input is taken as float64. Rows
    with a value of magnitude 2**20 or more, or so long that an int64 sum could
    overflow, fall back to exact sums (rescaled to the same units).
    """
    x = np.asarray(values)
    if x.dtype != np.float32:
        x = x.astype(np.float64, copy=False)
    if x.ndim == 1:
        x = x[None, :]
    if not x.size:
        return [0] * len(x)
    peak = np.maximum(x.max(axis=-1), -x.min(axis=-1))  # max |x| per row, no temporary
    # Rows whose int64 sum could overflow take the exact path.
    big = (peak >= _FIXED_LIMIT) | (peak * float(1 << FIXED_BITS) * x.shape[-1] >= 2.0**62)
    q = x * x.dtype.type(1 << FIXED_BITS)
    np.rint(q, out=q)
    # Why float64 sums: every q is an integer, so while a row's partial sums stay below
    # 2**53 in magnitude they are exact, and this skips an int64 copy of the array.
    if float(peak.max()) * (1 << FIXED_BITS) * x.shape[-1] < 2.0**53:
        out = [int(v) for v in np.add.reduce(q, axis=-1, dtype=np.float64)]
    else:
        out = [int(v) for v in q.astype(np.int64).sum(axis=-1)]
    for r in np.flatnonzero(big):
        rounded = np.rint(x[r].astype(np.float64) * float(1 << FIXED_BITS))
        out[r] = exact_sums(rounded[None, :])[0] >> _UNIT_EXP
    return out


def fixed_to_float(total: int, count: int) -> float:
    """A :func:`fixed_sums` total divided by ``count``."""
    if count == 0:
        return float("nan")
    return float(Fraction(total, count << FIXED_BITS))
