"""The counter-based generator of :mod:`kennan.engine.streams`, compiled.

NumPy makes fourteen passes over a block's draws per stream and period (two rounds of
the SplitMix64 finaliser, the key, the scaling to (0, 1)), each writing a temporary;
this loops once. Every operation is on unsigned 64-bit integers, wrapping as NumPy's
do, and the last converts an integer below 2**53 to float64, exactly, then adds and
multiplies as NumPy does: the same bits.
"""

from __future__ import annotations

import numba
import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))
_SCALE = 2.0**-53


@numba.njit(inline="always")
def _mix(x: np.uint64) -> np.uint64:
    # SplitMix64 finaliser (as streams._mix).
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


@numba.njit(numba.float64[::1](numba.uint64, numba.uint64[::1]), cache=True, nogil=True)
def uniforms(key: np.uint64, draws: np.ndarray) -> np.ndarray:
    """:func:`kennan.engine.streams.uniforms` for C-ordered uint64 draw indices."""
    out = np.empty(draws.shape[0])
    for i in range(draws.shape[0]):
        x = draws[i] * _GOLDEN
        x += key
        x = _mix(x)
        x ^= key
        x = _mix(x)
        out[i] = (np.float64(x >> _S11) + 0.5) * _SCALE
    return out
