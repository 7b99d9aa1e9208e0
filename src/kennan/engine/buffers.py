"""Large arrays served from kept buffers, so the kernel need not hand out fresh pages.

A block's outcome masses (``(outcomes, courses, periods, draws)`` float32) and its
metrics' running statistics (``(6, metrics, courses, draws)`` float64) are tens
of megabytes: more than the C library serves from its heap, so each block would
map fresh memory that the kernel zeroes page by page as the periods write it, a
cost that grows with the machine's load. Instead a buffer is kept once no array
uses it any more, and the next block of the same size takes it, zeroed in one
pass. Nothing here changes a value: an array from :func:`zeros` is all zeros.

A new buffer is an anonymous memory map, zeros already when fresh from the kernel,
advised NOT to use transparent huge pages: NumPy advises them for its large arrays,
and where the kernel compacts memory to find one (``defrag`` set to ``madvise``, a
common default) the first writes to a block's masses stalled for 0.2-0.5 s per 45 MB
buffer; in 4 KB pages they take about 30 ms.
"""

from __future__ import annotations

import contextlib
import mmap
import sys
import threading
from math import prod

import numpy as np

#: Arrays smaller than this come from NumPy directly (the C heap serves them well).
LARGE = 16 << 20
#: At most this many bytes of buffers are kept (a few blocks' masses and metric
#: statistics: a process runs one chunk at a time, its blocks all at once with
#: competing hypotheses; a buffer beyond this is simply not kept).
_KEPT_BYTES = 512 << 20

_kept: list[np.ndarray] = []
_lock = threading.Lock()


def zeros(shape: tuple[int, ...], dtype: type | np.dtype) -> np.ndarray:
    """``np.zeros(shape, dtype)``, in a kept buffer of the same size when one is free."""
    return _take(shape, dtype, zero=True)


def empty(shape: tuple[int, ...], dtype: type | np.dtype) -> np.ndarray:
    """``np.empty(shape, dtype)``, in a kept buffer of the same size when one is free."""
    return _take(shape, dtype, zero=False)


def _take(shape: tuple[int, ...], dtype: type | np.dtype, *, zero: bool) -> np.ndarray:
    dtype = np.dtype(dtype)
    nbytes = prod(shape) * dtype.itemsize
    if nbytes < LARGE:
        return np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
    with _lock:
        for buf in _kept:
            # Free when only this list, the loop and the call hold it: every array
            # handed out is a view, which keeps its buffer referenced while it lives.
            if buf.nbytes == nbytes and sys.getrefcount(buf) == 3:
                out = buf.view(dtype).reshape(shape)
                break
        else:
            buf, zero = _mapped(nbytes), False  # fresh from the kernel: zeros already
            if sum(b.nbytes for b in _kept) + nbytes <= _KEPT_BYTES:
                _kept.append(buf)
            out = buf.view(dtype).reshape(shape)
    if zero:
        out.fill(0)
    return out


def _mapped(nbytes: int) -> np.ndarray:
    """``nbytes`` of zeros in an anonymous memory map in small pages (see the module's
    notes); the array keeps the map alive and it is unmapped with it."""
    try:
        region = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    except (AttributeError, OSError, ValueError):  # no anonymous maps here
        return np.zeros(nbytes, np.uint8)
    advice = getattr(mmap, "MADV_NOHUGEPAGE", None)
    if advice is not None:
        # A kernel without transparent huge pages refuses the advice: small pages anyway.
        with contextlib.suppress(OSError):
            region.madvise(advice)
    return np.frombuffer(region, np.uint8)
