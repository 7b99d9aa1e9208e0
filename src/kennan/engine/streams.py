"""Counter-based random numbers: each one a pure function of (seed, stream, period, draw).

A draw's uniforms never depend on which chunk it fell in, how large chunks are,
which worker ran them or in which order, so results are bit-identical for any
chunking and any executor. A stream is named by a string (``"judgment:balance"``,
``"event:election"``): every course of action reads the same stream for the same
event, which gives common random numbers and paired comparisons for free.

The generator hashes a 64-bit key and the draw index with two rounds of the
SplitMix64 finaliser (a bijective mixer with full avalanche), a counter-based
design in the spirit of Philox, in one compiled loop over the draws.
"""

from __future__ import annotations

import hashlib

import numpy as np


def stream_key(seed: int, stream: str, period: int = 0) -> np.uint64:
    """The 64-bit key of ``stream`` at ``period`` under root ``seed``."""
    digest = hashlib.blake2b(f"{seed}\x1f{stream}\x1f{period}".encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def uniforms(key: np.uint64, draws: np.ndarray) -> np.ndarray:
    """Uniforms in the open interval (0, 1), one per global draw index in ``draws``.

    Per draw index ``d``: ``x = mix(mix(d * golden + key) ^ key)`` in wrapping uint64
    arithmetic (``mix`` the SplitMix64 finaliser), then ``((x >> 11) + 0.5) * 2**-53``;
    compiled (:func:`kennan.engine.kernels.streams.uniforms`): one loop over the draws."""
    from kennan.engine.kernels.streams import uniforms as kernel  # numba: only when drawing

    return kernel(np.uint64(key), np.ascontiguousarray(draws, dtype=np.uint64))


class Streams:
    """The uniforms of one root seed for a block of global draw indices.

    The uniforms of the latest period asked for are kept, read-only: competing
    hypotheses step through a period one after the other and read the same streams."""

    def __init__(self, seed: int, draws: np.ndarray):
        self.seed = int(seed)
        self.draws = np.asarray(draws, dtype=np.uint64)
        self._period: int | None = None
        self._kept: dict[str, np.ndarray] = {}

    def __call__(self, stream: str, period: int = 0) -> np.ndarray:
        """Uniforms of ``stream`` at ``period`` for this block's draws (read-only)."""
        if period != self._period:
            self._period, self._kept = period, {}
        u = self._kept.get(stream)
        if u is None:
            u = uniforms(stream_key(self.seed, stream, period), self.draws)
            u.flags.writeable = False
            self._kept[stream] = u
        return u
