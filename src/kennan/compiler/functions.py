"""The table of functions an expression may call: name -> NumPy implementation and arity.

Every implementation takes and returns whole arrays (or scalars) and broadcasts; none
loops over draws. Adding a function means adding one row to :data:`FUNCTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from types import MappingProxyType

import numpy as np
from scipy.special import expit

Value = np.ndarray | np.generic | float | bool


def as_number(x: Value) -> Value:
    """``x`` as floating point when it is boolean or integer, else unchanged.

    NumPy adds boolean arrays as logical "or" and computes ``exp(True)`` in float16,
    so 0/1 values are widened to float64 before arithmetic.
    """
    if isinstance(x, np.ndarray | np.generic):
        return x.astype(np.float64) if x.dtype.kind in "biu" else x
    if isinstance(x, bool | int):
        return float(x)
    return x


def _maximum(*args: Value) -> Value:
    return reduce(np.maximum, args)


def _minimum(*args: Value) -> Value:
    return reduce(np.minimum, args)


def _clip(x: Value, lo: Value, hi: Value) -> Value:
    # min(max(x, lo), hi) in one pass: array bounds broadcast, and lo > hi gives hi.
    return np.clip(x, lo, hi)


def _logistic(x: Value, out: np.ndarray | None = None) -> Value:
    # expit is exact and never overflows: 1/(1+exp(-x)) without the warning at -1000.
    return expit(x, out=out)


@dataclass(frozen=True)
class FunctionSpec:
    """One callable function of the expression language."""

    name: str
    min_args: int
    max_args: int | None  # None: any number from min_args up
    impl: Callable[..., Value]
    numeric: bool  # widen boolean/integer arguments to float first
    boolean_from: int | None  # result is boolean when every argument from here on is
    example: str
    summary: str

    def arity_text(self) -> str:
        """The expected number of arguments, in words, for messages."""
        if self.max_args is None:
            return f"at least {self.min_args} arguments"
        if self.min_args == self.max_args:
            return f"{self.min_args} argument" + ("" if self.min_args == 1 else "s")
        return f"{self.min_args} to {self.max_args} arguments"


_SPECS = (
    FunctionSpec(
        "max",
        2,
        None,
        _maximum,
        False,
        0,
        "max(a, b, c)",
        "elementwise largest of two or more values",
    ),
    FunctionSpec(
        "min",
        2,
        None,
        _minimum,
        False,
        0,
        "min(a, b)",
        "elementwise smallest of two or more values",
    ),
    FunctionSpec("clip", 3, 3, _clip, True, None, "clip(x, 0, 1)", "x limited to [lo, hi]"),
    FunctionSpec(
        "logistic",
        1,
        1,
        _logistic,
        True,
        None,
        "logistic(3 * (x - 0.5))",
        "1 / (1 + exp(-x)), computed without overflow",
    ),
    FunctionSpec(
        "where",
        3,
        3,
        np.where,
        False,
        1,
        "where(x > 0.5, a, b)",
        "a where the condition holds, else b (same as 'a if c else b')",
    ),
    FunctionSpec("exp", 1, 1, np.exp, True, None, "exp(-0.1 * t)", "e to the power x"),
    FunctionSpec("log", 1, 1, np.log, True, None, "log(x)", "natural logarithm"),
    FunctionSpec("abs", 1, 1, np.abs, True, None, "abs(x - y)", "absolute value"),
    FunctionSpec("sqrt", 1, 1, np.sqrt, True, None, "sqrt(x)", "square root"),
)

FUNCTIONS: MappingProxyType[str, FunctionSpec] = MappingProxyType({s.name: s for s in _SPECS})
