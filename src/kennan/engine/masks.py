"""Writes restricted to the live draws, fast when almost every draw is live.

A draw whose path has ended (absorbed by an outcome) keeps its state frozen, so
most stages write their results only where the path goes on. NumPy's masked
writes (``np.copyto(..., where=mask)``, ``ufunc(..., where=mask)``) branch per
element and cost three to six plain passes when a few percent of the draws are
dead, which is the usual case. :class:`Live` instead writes everywhere and puts
the few dead draws' old values back, which gives the same bits.
"""

from __future__ import annotations

import numpy as np


def full(value, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` (a number or an array) as a read-only float64 view of ``shape``: no copy."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), shape)

#: Above this share of dead draws, saving and restoring them costs more than a masked write.
_DEAD_SHARE = 0.25


class Live:
    """A ``(courses, draws)`` mask of live draws and the writes restricted to them.

    ``mask`` is read when :meth:`refresh` runs: call it after the mask changes."""

    __slots__ = ("_dead", "_rows", "mask")

    def __init__(self, mask: np.ndarray, dead: np.ndarray | None = None):
        self.mask = mask
        self.refresh(dead)

    def refresh(self, dead: np.ndarray | None = None) -> None:
        """Take note of the mask's current values (``dead``: the flat indices of its
        false values, when the caller knows them)."""
        if dead is None:
            dead = np.flatnonzero(~self.mask)
        self._dead = dead if dead.size <= _DEAD_SHARE * self.mask.size else None
        self._rows: dict[int, Live] = {}

    def row(self, c: int) -> Live:
        """The live draws of course ``c`` (a view of its row of the mask)."""
        live = self._rows.get(c)
        if live is None:
            dead = self._dead
            if dead is not None:  # this row's part of the sorted flat indices
                n = self.mask.shape[-1]
                lo, hi = np.searchsorted(dead, (c * n, (c + 1) * n))
                dead = dead[lo:hi] - c * n
            live = self._rows[c] = Live(self.mask[c], dead)
        return live

    @property
    def all(self) -> bool:
        """Whether every draw is live."""
        return self._dead is not None and not self._dead.size

    def copy(self, dst: np.ndarray, src: np.ndarray | float) -> None:
        """``dst = src`` where the draws are live (``src`` broadcasts)."""
        dead = self._dead
        if dead is None or not self._flat(dst):
            np.copyto(dst, src, where=self.mask)
        elif not dead.size:
            np.copyto(dst, src)
        else:
            flat = dst.reshape(-1)
            saved = flat[dead]
            np.copyto(dst, src)
            flat[dead] = saved

    def put(self, env: dict, key: str, value: np.ndarray, owned: bool) -> None:
        """``env[key] = value`` where the draws are live; an ``owned`` value (a new array
        of the mask's shape that nothing else holds) becomes ``env[key]``, with the dead
        draws' old values put into it, instead of being copied."""
        dead = self._dead
        dst = env[key]
        if owned and dead is not None and self._flat(value) and self._flat(dst):
            if dead.size:
                value.reshape(-1)[dead] = dst.reshape(-1)[dead]
            env[key] = value
        else:
            self.copy(dst, value)

    def add(self, dst: np.ndarray, src: np.ndarray | float) -> None:
        """``dst += src`` where the draws are live (``src`` broadcasts)."""
        dead = self._dead
        if dead is None or not self._flat(dst):
            np.add(dst, src, out=dst, where=self.mask)
        elif not dead.size:
            np.add(dst, src, out=dst)
        else:
            flat = dst.reshape(-1)
            saved = flat[dead]
            np.add(dst, src, out=dst)
            flat[dead] = saved

    def _flat(self, dst: np.ndarray) -> bool:
        # Whether the dead draws' flat indices address dst: the mask's shape, and
        # C-contiguous (it reshapes to a flat view of its own memory).
        return dst.shape == self.mask.shape and dst.flags.c_contiguous
