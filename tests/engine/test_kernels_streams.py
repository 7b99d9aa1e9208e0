"""The compiled generator (engine/kernels/streams.py) gives the NumPy formula's bits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.engine.streams import Streams, stream_key, uniforms

_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def _reference(key: np.uint64, draws: np.ndarray) -> np.ndarray:
    """The generator as NumPy passes (the engine's own code before it was compiled)."""
    with np.errstate(over="ignore"):
        x = draws.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        x += key
        x = _mix(x)
        x ^= key
        x = _mix(x)
    return ((x >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53


@settings(max_examples=60, deadline=None)
@given(key=st.integers(0, 2**64 - 1),
       draws=st.lists(st.integers(0, 2**64 - 1), max_size=40))
def test_same_bits_as_the_numpy_formula(key: int, draws: list[int]) -> None:
    d = np.array(draws, dtype=np.uint64)
    got = uniforms(np.uint64(key), d)
    assert got.dtype == np.float64 and got.shape == d.shape
    assert got.tobytes() == _reference(np.uint64(key), d).tobytes()


def test_pinned_values() -> None:
    # Computed by the NumPy code the kernel replaced: a change of the generator's bits
    # changes every result of every run.
    u = uniforms(stream_key(7, "event:election", 3),
                 np.array([0, 1, 2, 10**6, 2**63 - 1], dtype=np.uint64))
    assert [x.hex() for x in u.tolist()] == [
        "0x1.210a62d0fb6b2p-1", "0x1.f2f152ae75a48p-1", "0x1.8ed8037f8034ep-1",
        "0x1.7ddee4c4d7f3fp-2", "0x1.69a103856cda7p-2"]


def test_open_interval_and_chunk_independence() -> None:
    draws = np.arange(10_000, dtype=np.uint64)
    whole = Streams(3, draws)("event:x", 5)
    assert whole.min() > 0.0 and whole.max() < 1.0
    part = Streams(3, draws[4_000:4_100])("event:x", 5)
    assert part.tobytes() == whole[4_000:4_100].tobytes()
    strided = Streams(3, draws[::7])("event:x", 5)  # a non-contiguous block of draws
    assert strided.tobytes() == whole[::7].tobytes()
