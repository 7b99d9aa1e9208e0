"""Every bargaining model by id, and :func:`settle`, which runs one by its id.

Each model is a function of :mod:`kennan.bargaining.models` with the signature of
:class:`kennan.bargaining.base.BargainingModel`; ``MODELS`` is what the engine, the
``kennan forecast`` command and the DEU evaluation choose from.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Collection, Sequence
from typing import Any

import numpy as np

from kennan.bargaining.base import Settlement
from kennan.bargaining.models.compromise import compromise
from kennan.bargaining.models.eum import eum
from kennan.bargaining.models.median import median
from kennan.bargaining.models.nash import nash
from kennan.bargaining.models.smp import smp
from kennan.errors import UsageError

__all__ = ["MODELS", "resolve_models", "settle"]

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


def resolve_models(models: Sequence[str] | str, known: Sequence[str] | None = None, *,
                   empty_is_all: bool = False, ignored: Collection[str] = ()) -> list[str]:
    """The model ids asked for (ids, or text with commas), in the order of ``known``
    (default: every id of :data:`MODELS`); ``all`` means every one; unknown ids raise.

    With ``empty_is_all`` nothing asked means every one (else it raises); ids in
    ``ignored`` are accepted and left out.
    """
    known = list(MODELS) if known is None else list(known)
    asked = [models] if isinstance(models, str) else list(models)
    names = [part.strip() for item in asked for part in item.split(",") if part.strip()]
    if not names and not empty_is_all:
        raise UsageError(f"no model given; expected one or more of: {', '.join(known)}, all")
    if not names or "all" in names:
        return known
    unknown = [m for m in names if m not in known and m not in ignored]
    if unknown:
        raise UsageError(f"unknown model {', '.join(map(repr, unknown))}; expected one or "
                         f"more of: {', '.join(known)}, all")
    return [m for m in known if m in names]
