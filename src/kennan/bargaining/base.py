"""The one interface every bargaining model shares.

A model takes arrays of shape ``(draws, actors)``: each actor's position on an
issue scale, its salience (0-1) and its capability (>= 0), optionally a reference
point per draw, and returns a :class:`Settlement`: the predicted outcome per draw
and, for iterative models, the positions after every round (the input first).
Inputs of shape ``(actors,)`` are treated as one draw. The engine and the
``kennan forecast`` command call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Settlement:
    """What a bargaining model predicts.

    ``outcome`` has shape ``(draws,)``. ``rounds`` is ``None`` for one-shot models
    and otherwise has shape ``(rounds + 1, draws, actors)``: the input positions
    first, then the positions after each round.
    """

    outcome: np.ndarray
    rounds: np.ndarray | None = None


class BargainingModel(Protocol):
    """Signature shared by all models (extra options are keyword-only)."""

    def __call__(
        self,
        positions: np.ndarray,
        saliences: np.ndarray,
        capabilities: np.ndarray,
        *,
        reference: np.ndarray | None = None,
    ) -> Settlement: ...


def as_batch(*arrays: np.ndarray | None) -> tuple[np.ndarray | None, ...]:
    """Promote ``(actors,)`` inputs to ``(1, actors)`` float arrays; broadcast to one shape."""
    present = [np.atleast_2d(np.asarray(a, dtype=float)) for a in arrays if a is not None]
    shape = np.broadcast_shapes(*(a.shape for a in present))
    out = iter(np.broadcast_to(a, shape) for a in present)
    return tuple(None if a is None else next(out) for a in arrays)
