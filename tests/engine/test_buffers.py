"""Kept buffers: zeros are zeros, a buffer in use is never handed out twice."""

from __future__ import annotations

import numpy as np

from kennan.engine import buffers

LARGE_SHAPE = (3, buffers.LARGE // 12 + 1)  # float32: just over the threshold


def test_zeros_are_zeros_fresh_and_reused():
    a = buffers.zeros(LARGE_SHAPE, np.float32)
    assert a.shape == LARGE_SHAPE and a.dtype == np.float32 and not a.any()
    a[:] = 7.0
    del a
    b = buffers.zeros(LARGE_SHAPE, np.float32)  # the same memory, zeroed again
    assert not b.any()
    c = buffers.zeros(LARGE_SHAPE, np.float32)  # b is in use: another buffer
    b[:] = 1.0
    assert not c.any() and not np.shares_memory(b, c)


def test_empty_has_the_shape_and_small_arrays_come_from_numpy():
    e = buffers.empty((2, *LARGE_SHAPE), np.float64)
    assert e.shape == (2, *LARGE_SHAPE) and e.dtype == np.float64 and e.flags.writeable
    small = buffers.zeros((4, 5), np.int16)
    assert small.dtype == np.int16 and not small.any()
