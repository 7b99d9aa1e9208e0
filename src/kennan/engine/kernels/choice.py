"""Kernels of decisions (see :mod:`kennan.engine.decisions`): a choice between two options,
an issue's compromise, and the factions' normalised influences (``stages._influence``).

Why kernels and NumPy's ``exp`` between them: NumPy computes ``exp`` with its
own SIMD code where the CPU has it, whose last bits differ from the C library's
``exp`` that a compiled loop calls; so the exponential stays one NumPy pass, and the
kernels fuse the passes before it (each utility term's weight times its values, the
sum of the terms, times the sharpness, and the finite check) and after it (the
logistic, the deciders' weighted mean, the choice from the uniform and the writes to
the live draws).

Every array is float64 (the mask bool) and C-contiguous, of shape ``(courses,
draws)`` or ``(1, draws)``, the latter standing for a row shared by every course
(one draw's judgment, or a number): so the inner loop walks memory in order and
compiles to SIMD code. Per element the operations are NumPy's, in the same order.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types

_IN = types.Array(types.float64, 2, "C", readonly=True)
_OUT = types.Array(types.float64, 2, "C")
_MASK = types.Array(types.boolean, 2, "C", readonly=True)
_OPTIONS = dict(cache=True, nogil=True, error_model="numpy")


def grid(x, shape: tuple[int, int]) -> np.ndarray:
    """``x`` (a number, a ``(draws,)`` or ``(courses, draws)`` array) as these kernels
    take it: a C-contiguous float64 array of ``shape`` or, for a row every course shares,
    ``(1, draws)``. No copy where ``x`` is one already."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim < 2 and x.shape in ((), (1,)):
        return np.full((1, shape[1]), x.reshape(()))
    if x.ndim == 1 and x.shape[0] == shape[1]:
        x = x.reshape(1, shape[1])
    if x.ndim != 2 or x.shape not in (shape, (1, shape[1])):
        x = np.broadcast_to(x, shape)
    return np.ascontiguousarray(x)


@numba.njit([types.boolean(_OUT, _IN, _IN, _IN, types.int64, types.boolean,
                           types.boolean)], **_OPTIONS)
def add_term(acc, w, v1, v0, op, negative, first):  # pragma: no cover - compiled
    """A utility term's part of the difference of the second option over the first:
    ``x = w * (v1 - v0)`` (``op`` 1), ``w * (v1 + v0)`` (2) or ``w * v1`` (0), and then
    ``acc = x`` (``first``) or ``acc + x``, with ``-x`` and ``acc - x`` when ``negative``.
    Returns whether an element of ``acc`` is not finite (an overflow)."""
    bad = False
    for k in range(acc.shape[0]):
        ra = acc[k]
        rw = w[k if w.shape[0] > 1 else 0]
        r1 = v1[k if v1.shape[0] > 1 else 0]
        r0 = v0[k if v0.shape[0] > 1 else 0]
        for i in range(ra.shape[0]):
            x = r1[i]
            if op == 1:
                x = x - r0[i]
            elif op == 2:
                x = x + r0[i]
            x = rw[i] * x
            if first:
                x = -x if negative else x
            elif negative:
                x = ra[i] - x
            else:
                x = ra[i] + x
            bad |= not np.isfinite(x)
            ra[i] = x
    return bad


@numba.njit([types.boolean(_IN, _IN, _IN, types.int64, _IN, _OUT)], **_OPTIONS)
def scaled_difference(a, b, c, count, neg_sharp, out):  # pragma: no cover - compiled
    """``out = ((a + b) + c) * neg_sharp`` with the first ``count`` of ``a, b, c``
    (0 reads none: ``0 * neg_sharp``); returns whether an element is not finite.

    ``out`` is none of them (the loop is vectorised where its arrays are apart)."""
    bad = False
    for k in range(out.shape[0]):
        ra = a[k if a.shape[0] > 1 else 0]
        rb = b[k if b.shape[0] > 1 else 0]
        rc = c[k if c.shape[0] > 1 else 0]
        rs = neg_sharp[k if neg_sharp.shape[0] > 1 else 0]
        ro = out[k]
        for i in range(ro.shape[0]):
            v = 0.0
            if count > 0:
                v = ra[i]
            if count > 1:
                v = v + rb[i]
            if count > 2:
                v = v + rc[i]
            v = v * rs[i]
            bad |= not np.isfinite(v)
            ro[i] = v
    return bad


@numba.njit([types.void(_OUT, _IN, _OUT)], **_OPTIONS)
def logistic(e, weight, p1):  # pragma: no cover - compiled
    """``e`` = exp(-sharpness x difference) becomes ``P(first) = 1 / (1 + 1 / e)`` times
    ``weight``, and ``p1`` gets ``P(second) = 1 / (1 + e)`` times ``weight``.

    Why ``e`` is written in place rather than into a third argument that may be ``e``:
    the compiler vectorises a loop only where it can tell its arrays apart."""
    for k in range(e.shape[0]):
        re, r1 = e[k], p1[k]
        rw = weight[k if weight.shape[0] > 1 else 0]
        for i in range(re.shape[0]):
            x = re[i]
            r1[i] = 1.0 / (x + 1.0) * rw[i]
            re[i] = 1.0 / (1.0 / x + 1.0) * rw[i]


@numba.njit([types.void(_IN, _IN, _OUT, _OUT)], **_OPTIONS)
def logistic_add(e, weight, p0, p1):  # pragma: no cover - compiled
    """:func:`logistic`'s probabilities times ``weight``, added to ``p0`` and ``p1``."""
    for k in range(e.shape[0]):
        re, r0, r1 = e[k], p0[k], p1[k]
        rw = weight[k if weight.shape[0] > 1 else 0]
        for i in range(re.shape[0]):
            x = re[i]
            r1[i] = r1[i] + 1.0 / (x + 1.0) * rw[i]
            r0[i] = r0[i] + 1.0 / (1.0 / x + 1.0) * rw[i]


@numba.njit([types.void(_IN, _MASK, _OUT, _OUT, _IN, _IN, _OUT, _OUT)], **_OPTIONS)
def choose(u, live, p0, p1, old0, old1, first, second):  # pragma: no cover - compiled
    """On the ``live`` draws: the second option is chosen where the uniform ``u`` (a row)
    is above ``p0``; ``first`` and ``second`` get 1.0 or 0.0. On the others: ``p0, p1``
    get the old probabilities ``old0, old1`` back (the options keep theirs)."""
    for k in range(p0.shape[0]):
        ru, rl = u[0], live[k]
        r0, r1, o0, o1 = p0[k], p1[k], old0[k], old1[k]
        rf, rs = first[k], second[k]
        n = r0.shape[0]
        every = True
        for i in range(n):
            every &= rl[i]
        if every:  # the usual row: a loop without branches, which vectorises
            for i in range(n):
                chosen = ru[i] > r0[i]
                rs[i] = 1.0 if chosen else 0.0
                rf[i] = 0.0 if chosen else 1.0
            continue
        for i in range(n):
            if rl[i]:
                chosen = ru[i] > r0[i]
                rs[i] = 1.0 if chosen else 0.0
                rf[i] = 0.0 if chosen else 1.0
            else:
                r0[i] = o0[i]
                r1[i] = o1[i]


@numba.njit([types.boolean(_IN, _IN, _IN, types.boolean, _OUT, _OUT)], **_OPTIONS)
def compromise_add(w, salience, position, first, total, weighted):  # pragma: no cover
    """One stance of an issue's compromise: ``ws = w * salience``; ``total`` gets ``ws``
    and ``weighted`` gets ``ws * position`` (``first``), else they are added. Returns
    whether every element of ``total`` is above 0."""
    positive = True
    for k in range(total.shape[0]):
        rw = w[k if w.shape[0] > 1 else 0]
        rs = salience[k if salience.shape[0] > 1 else 0]
        rp = position[k if position.shape[0] > 1 else 0]
        rt, rx = total[k], weighted[k]
        for i in range(rt.shape[0]):
            ws = rw[i] * rs[i]
            term = ws * rp[i]
            t = ws if first else rt[i] + ws
            rt[i] = t
            rx[i] = term if first else rx[i] + term
            positive &= t > 0.0
    return positive


@numba.njit([types.boolean(_OUT, _IN)], **_OPTIONS)
def divide_positive(weighted, total):  # pragma: no cover - compiled
    """``weighted / total`` in place where ``total`` is above 0 (elsewhere unchanged);
    returns whether every element of both was finite and every quotient is."""
    finite = True
    for k in range(weighted.shape[0]):
        rx, rt = weighted[k], total[k]
        for i in range(rx.shape[0]):
            t, x = rt[i], rx[i]
            q = x / t if t > 0.0 else x
            rx[i] = q
            finite &= np.isfinite(t) & np.isfinite(x) & np.isfinite(q)
    return finite


@numba.njit([types.boolean(_IN, types.boolean, _OUT)], **_OPTIONS)
def clipped_sum(value, first, total):  # pragma: no cover - compiled
    """``total`` gets ``max(value, 0)`` (``first``), else adds it; returns whether every
    element of ``total`` is above 0. ``max`` is NumPy's: NaN stays NaN, -0 gives +0."""
    positive = True
    for k in range(total.shape[0]):
        rv, rt = value[k if value.shape[0] > 1 else 0], total[k]
        for i in range(rt.shape[0]):
            v = rv[i]
            r = v if (v > 0.0 or v != v) else 0.0
            t = r if first else rt[i] + r
            rt[i] = t
            positive &= t > 0.0
    return positive


@numba.njit([types.void(_IN, _IN, _OUT)], **_OPTIONS)
def share(value, total, out):  # pragma: no cover - compiled
    """``max(value, 0) / total``, as :func:`clipped_sum` clips."""
    for k in range(out.shape[0]):
        rv = value[k if value.shape[0] > 1 else 0]
        rt, ro = total[k], out[k]
        for i in range(ro.shape[0]):
            v = rv[i]
            ro[i] = (v if (v > 0.0 or v != v) else 0.0) / rt[i]
