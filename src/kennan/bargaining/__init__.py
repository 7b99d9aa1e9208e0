"""Bargaining models behind one signature, batched over a leading axis of draws.

``MODELS`` maps each model id to its function; :func:`settle` dispatches by id.
Every function takes arrays of shape ``(draws, actors)`` of positions, saliences
(0-1) and capabilities (>= 0), an optional ``reference`` point per draw, and
keyword-only options of its own, and returns a :class:`Settlement`.

=============  ==================================================  ===========
id             model                                               iterative
=============  ==================================================  ===========
``compromise`` salience x capability weighted mean                 no
``median``     salience x capability weighted median               no
``nash``       asymmetric Nash bargaining solution                 no
``eum``        Bueno de Mesquita's expected utility model          yes
``smp``        KTAB's spatial model of politics                    yes
=============  ==================================================  ===========
"""

from __future__ import annotations

import importlib
import inspect
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from kennan.bargaining.base import BargainingModel, Settlement, as_batch
from kennan.bargaining.compromise import compromise
from kennan.bargaining.eum import eum
from kennan.bargaining.median import median
from kennan.bargaining.nash import nash
from kennan.errors import UsageError

__all__ = ["MODELS", "BargainingModel", "Settlement", "as_batch", "settle"]


def _lazy(module: str, name: str) -> Callable[..., Settlement]:
    """A model function that imports ``module`` only when first called.

    Lets a model module owned elsewhere (the SMP) load only when used, and arrive or
    change without breaking the others.
    """

    def call(*args: Any, **kwargs: Any) -> Settlement:
        return _resolve(module, name)(*args, **kwargs)

    call.__name__ = name
    call.__qualname__ = name
    call.__doc__ = f"Lazily imported ``{module}.{name}``."
    call.__kennan_target__ = (module, name)  # type: ignore[attr-defined]
    return call


def _resolve(module: str, name: str) -> Callable[..., Settlement]:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        msg = f"bargaining model {name!r} is not available ({module} is missing)"
        raise UsageError(msg) from None
    return getattr(mod, name)


MODELS: types.MappingProxyType[str, Callable[..., Settlement]] = types.MappingProxyType(
    {
        "compromise": compromise,
        "median": median,
        "nash": nash,
        "eum": eum,
        # SMP: the public function ``smp`` of ``kennan/bargaining/smp.py`` (owned by the
        # SMP engineer). Change the target here if that function gets another name.
        "smp": _lazy("kennan.bargaining.smp", "smp"),
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
        target = getattr(func, "__kennan_target__", None)
        real = _resolve(*target) if target else func
        params = inspect.signature(real).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        unknown = [k for k in options if k not in params and not takes_any]
        if unknown:
            known = [p.name for p in params.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
            raise UsageError(
                f"bargaining model {model!r} has no option {', '.join(map(repr, unknown))}; "
                f"its options are: {', '.join(known) or 'none'}"
            )
        func = real
    return func(positions, saliences, capabilities, reference=reference, **options)
