"""Exact, order-independent sums of float64 arrays.

Floating-point addition is not associative, so a mean summed chunk by chunk
would change in its last bits with the chunk size. Instead every float64 is an
integer multiple of 2**-1074; we sum those integers exactly and carry totals as
Python integers. By error-free extraction, in a compiled loop per row
(:mod:`kennan.engine.kernels.exact`): each pass rounds every value of a row to a
multiple of a power of two so coarse that the rounded values add exactly in float64
whatever the order, and passes on the exact remainders until none is left (a pass
takes about 53 - log2(n) bits off every value, so values of a few magnitudes need two
to four passes). Totals merge by integer addition, so summaries are identical
whatever the chunking, the worker count or the order chunks finish in."""

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
    out = [0] * rows
    if not n or not rows:
        return out
    top = _peak(x)
    if not np.isfinite(top).all():
        raise ValueError("exact_sums needs finite values")
    # Rows so large that 2 n max|x| overflows take the slower path by exponent.
    huge = top >= 2.0 ** (1022 - _log2_ceil(n))
    for r in np.flatnonzero(huge):
        out[r] = _sums_by_exponent(x[r:r + 1])[0]
    index = np.flatnonzero(~huge & (top > 0))
    if index.size:
        # Why imported here: numba's import is paid by runs only (see engine.kernels).
        from kennan.engine.kernels import exact as kernels

        log2n = _log2_ceil(n)
        parts = np.empty((index.size, kernels.passes(log2n)))
        count = np.empty(index.size, dtype=np.int64)
        kernels.extract(np.ascontiguousarray(x), index.astype(np.int64), log2n, parts,
                        count, np.empty(n))
        for r, row, k in zip(index.tolist(), parts.tolist(), count.tolist(), strict=True):
            for total in row[:k]:
                num, den = total.as_integer_ratio()  # den is a power of 2, at most 2**1074
                out[r] += (num << _UNIT_EXP) // den
    return out


def _peak(x: np.ndarray) -> np.ndarray:
    """max |x| per row (NaN where a row has one), without a temporary of |x|."""
    return np.maximum(x.max(axis=-1), -x.min(axis=-1))


def _log2_ceil(n: int) -> int:
    return (n - 1).bit_length()


def _sums_by_exponent(x: np.ndarray) -> list[int]:
    """:func:`exact_sums` of finite rows, however large their values: split each value
    into exponent and 53-bit mantissa, mantissas into 26-bit halves, and add the halves
    per exponent with ``bincount`` (its float64 partial sums stay exact integers below
    2**53 for up to 2**26 values per call)."""
    rows = x.shape[0]
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


def fixed_sums(values: np.ndarray) -> list[int]:
    """Sums along the last axis of values rounded to multiples of 2**-24, as exact integers.

    Cheaper than :func:`exact_sums` (a multiply, a rounding and a sum, in one compiled
    loop: :func:`kennan.engine.kernels.exact.fixed_row_sums`) and just as independent of
    chunking, since rounding is per value and the sum is exact. Used for per-period
    trajectories and outcome masses, where a resolution of 6e-8 is ample. float32 input
    stays float32 (scaling by 2**24 and rounding are exact in it, and it halves the
    memory read); other input is taken as float64.
    """
    x = np.asarray(values)
    if x.dtype != np.float32:
        x = x.astype(np.float64, copy=False)
    if x.ndim == 1:
        x = x[None, :]
    from kennan.engine.kernels import exact as kernels  # numba: paid by runs only

    x = np.ascontiguousarray(x)
    sums = np.empty(len(x))
    peak = kernels.fixed_row_sums(x, x.dtype.type(1 << FIXED_BITS), sums)
    if peak * x.shape[-1] < 2.0**53:  # False for NaN or infinity
        return [int(v) for v in sums.tolist()]
    return rounded_sums(*fixed_rounded(x))


def fixed_rounded(values: np.ndarray, out: np.ndarray | None = None
                  ) -> tuple[np.ndarray, bool]:
    """``values`` in units of 2**-24, rounded to integers (2-D, into ``out`` when given),
    and whether every partial sum of a row stays below 2**53, so float64 adds them
    exactly in any order (:func:`rounded_sums`)."""
    x = np.asarray(values)
    if x.dtype != np.float32:
        x = x.astype(np.float64, copy=False)
    if x.ndim == 1:
        x = x[None, :]
    with np.errstate(over="ignore"):  # an infinity is refused by the exact sums
        q = np.multiply(x, x.dtype.type(1 << FIXED_BITS), out=out)
    np.rint(q, out=q)
    if not q.size:
        return q, True
    # NaN or infinity makes this False: the exact path then refuses them.
    return q, bool(float(_peak(q).max()) * q.shape[-1] < 2.0**53)


def rounded_sums(q: np.ndarray, exact_in_float: bool, sums: np.ndarray | None = None
                 ) -> list[int]:
    """Row sums of :func:`fixed_rounded`'s integers, as Python integers (``sums``: the
    rows already added in float64, in any order, used when that is exact)."""
    if exact_in_float:
        # Why float64 sums: every q is an integer and no partial sum reaches 2**53.
        if sums is None:
            sums = np.add.reduce(q, axis=-1, dtype=np.float64)
        return [int(v) for v in sums.tolist()]
    return [v >> _UNIT_EXP for v in exact_sums(q)]


def fixed_to_float(total: int, count: int) -> float:
    """A :func:`fixed_sums` total divided by ``count``."""
    if count == 0:
        return float("nan")
    return float(Fraction(total, count << FIXED_BITS))
