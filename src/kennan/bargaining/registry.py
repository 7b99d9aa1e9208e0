"""Every bargaining model by id, and :func:`settle`, which runs one by its id.

Each model is a function of :mod:`kennan.bargaining.models` with the signature of
:class:`kennan.bargaining.base.BargainingModel`; ``MODELS`` is what the engine, the
``kennan forecast`` command and the DEU evaluation choose from.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from kennan.bargaining.base import Settlement
from kennan.bargaining.models.compromise import compromise
from kennan.bargaining.models.eum import eum
from kennan.bargaining.models.median import median
from kennan.bargaining.models.nash import nash
from kennan.bargaining.models.smp import smp
from kennan.errors import UsageError

__all__ = ["MODELS", "settle"]

MODELS: types.MappingProxyType[str, Callable[..., Settlement]] = types.MappingProxyType(
    {
        "compromise": compromise,
        "median": median,
        "nash": nash,
        "eum": eum,
        "smp": smp,
    }
)


def settle(
    model: str,
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    reference: np.ndarray | None = None,
    **options: Any,
) -> Settlement:
    """Run bargaining model ``model`` (an id of :data:`MODELS`) on a batch of draws.

    Arrays have shape ``(draws, actors)`` or ``(actors,)``; ``options`` are the model's
    own keyword options. Raises :class:`~kennan.errors.UsageError` for an unknown model
    id or an option the model does not take.
    """
    func = MODELS.get(model)
    if func is None:
        valid = ", ".join(MODELS)
        raise UsageError(f"unknown bargaining model {model!r}; expected one of: {valid}")
    if options:
        params = inspect.signature(func).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        unknown = [k for k in options if k not in params and not takes_any]
        if unknown:
            known = [p.name for p in params.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
            raise UsageError(
                f"bargaining model {model!r} has no option {', '.join(map(repr, unknown))}; "
                f"its options are: {', '.join(known) or 'none'}"
            )
    return func(positions, saliences, capabilities, reference=reference, **options)
