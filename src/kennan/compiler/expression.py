"""Compile an expression of the scenario language: parse, check, emit.

:func:`compile_expression` is the one entry point. It either returns an
:class:`Expression`, a callable over an environment of NumPy arrays, or raises one
:class:`~kennan.errors.ExpressionError` listing every problem found in the text.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from kennan.compiler.emit import Emitted, emit
from kennan.compiler.namespace import Namespace
from kennan.compiler.parse import Literal, RawProblem, parse_expression
from kennan.compiler.tree import Const
from kennan.errors import ExpressionError, Location, Problem

Source = str | int | float | bool


class Expression:
    """A compiled expression: call it with an environment to get its value.

    ``env`` maps every name in :attr:`names` to a float array (shape ``(draws,)`` or
    ``(courses, draws)``) or a float, and each id-function call ``f(x)`` in
    :attr:`id_refs` to the key ``"f:x"``. The result broadcasts over those shapes;
    comparisons and ``and``/``or``/``not`` give boolean arrays. Floating-point faults
    (0/0, log of 0, overflow) give NaN or inf silently; the caller checks the result.
    """

    __slots__ = ("_compiled", "_origin", "constant", "fresh", "id_refs", "is_boolean",
                 "literals", "names", "source")

    def __init__(
        self,
        source: str,
        names: frozenset[str],
        id_refs: frozenset[tuple[str, str]],
        compiled: Emitted,
        origin: tuple[Any, ...],
        literals: tuple[Literal, ...] = (),
    ):
        self.source = source
        self.names = names
        self.id_refs = id_refs
        #: Every number written in the text, with its place (empty for a bare number).
        self.literals = literals
        #: The value as a float when the expression reads nothing, else None.
        self.constant: float | None = float(compiled.value) if compiled.is_const else None
        #: True when the value is known to be boolean (a comparison, not, and, or).
        self.is_boolean: bool = compiled.kind == "bool"
        #: True when every evaluation makes a new array (or number), never an environment
        #: value or a constant: the caller may keep it, or write into it.
        self.fresh: bool = compiled.fresh and not compiled.is_const
        self._compiled = compiled
        self._origin = origin

    def __call__(self, env: Mapping[str, np.ndarray | float]) -> np.ndarray | float:
        """Evaluate over whole arrays; ``env`` needs every name and id key read."""
        with np.errstate(all="ignore"):
            return self.unguarded(env)

    def unguarded(self, env: Mapping[str, np.ndarray | float]) -> np.ndarray | float:
        """As calling the expression, for a caller that has silenced NumPy's floating-point
        warnings itself (``np.errstate(all="ignore")``): the evaluator, which checks every
        value it gets, enters that context once per value instead of twice."""
        if self._compiled.is_const:
            return self._compiled.value  # type: ignore[return-value]
        value = self._compiled.fn(env)
        if type(value) is np.ndarray and value.ndim == 0:
            return value[()]  # np.where on scalars gives 0-d arrays; callers expect scalars
        return value

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    @property
    def negated_operand(self) -> Expression | None:
        """For an expression ``-x`` (x not constant), the expression ``x`` widened to float,
        with this one's source: its value negated is this one's. None otherwise."""
        operand = self._compiled.operand
        if operand is None:
            return None
        return Expression(self.source, self.names, self.id_refs, operand,
                          (*self._origin[:4], True), self.literals)

    def __reduce__(self) -> tuple[Any, ...]:
        # Closures do not pickle; a worker process recompiles from the source instead.
        return (_recompile, self._origin)


def _recompile(
    source: Source, namespace: Namespace, location: Location | None, what: str,
    operand: bool = False,
) -> Expression:
    compiled = compile_expression(source, namespace, location=location, what=what)
    return compiled.negated_operand if operand else compiled  # type: ignore[return-value]


def compile_expression(
    source: Source,
    namespace: Namespace,
    *,
    location: Location | None = None,
    what: str = "expression",
) -> Expression:
    """Compile ``source`` to an :class:`Expression` over the names of ``namespace``.

    ``location`` is where the text starts in its file (``col`` is the 1-based column of
    its first character; for a quoted YAML scalar, one past the quote). Problems in a
    one-line expression are placed at ``location.col`` plus the offending node's
    column. Every message is prefixed with ``what`` (e.g. ``"effect on 'thesis'"``).
    A number or boolean compiles to a constant.

    Raises:
        ExpressionError: listing every problem found, each with its location.
    """
    origin = (source, namespace, location, what)
    if isinstance(source, bool | np.bool_):
        return _constant_expression(str(bool(source)), bool(source), origin, location, what)
    if isinstance(source, numbers.Real):
        try:
            value = float(source)
        except OverflowError:
            raise ExpressionError(
                Problem(_prefixed(what, "number is too large"), location)
            ) from None
        text = repr(source) if isinstance(source, int | float) else str(value)
        return _constant_expression(text, value, origin, location, what)
    if not isinstance(source, str):
        raise ExpressionError(
            Problem(
                _prefixed(
                    what, f"expected an expression (text or a number), got {_describe(source)}"
                ),
                location,
            )
        )
    parsed = parse_expression(source, namespace)
    if parsed.problems:
        multiline = "\n" in source or "\r" in source
        raise ExpressionError([_problem(p, location, what, multiline) for p in parsed.problems])
    assert parsed.tree is not None  # no problems means a tree
    compiled = emit(parsed.tree)
    if compiled.is_const:
        _check_finite(compiled, location, what)
    return Expression(source, parsed.names, parsed.id_refs, compiled, origin, parsed.literals)


def _constant_expression(
    text: str, value: float | bool, origin: tuple[Any, ...], location: Location | None, what: str
) -> Expression:
    compiled = emit(Const(value))
    _check_finite(compiled, location, what)
    return Expression(text, frozenset(), frozenset(), compiled, origin)


def _check_finite(compiled: Emitted, location: Location | None, what: str) -> None:
    value = float(compiled.value)
    if not math.isfinite(value):
        raise ExpressionError(
            Problem(
                _prefixed(what, f"evaluates to {value}, not a finite number"),
                _place(RawProblem("", 1, 0), location),
            )
        )


def _problem(raw: RawProblem, location: Location | None, what: str, multiline: bool) -> Problem:
    message = _prefixed(what, raw.message)
    if multiline and location is not None and location.line is not None:
        # The file position of a later line of a block scalar is not known here.
        message += f" (line {raw.line}, column {raw.col + 1} of the expression)"
        return Problem(message, location)
    return Problem(message, _place(raw, location))


def _place(raw: RawProblem, location: Location | None) -> Location:
    """The file position of a problem at ``raw``'s place in a one-line expression."""
    if location is None:
        return Location(None, raw.line, raw.col + 1)
    if location.line is None or location.col is None:
        return location
    return Location(location.file, location.line, location.col + raw.col)


def _prefixed(what: str, message: str) -> str:
    return f"{what}: {message}" if what else message


def _describe(value: object) -> str:
    names = {type(None): "nothing (null)", list: "a list", dict: "a mapping"}
    return names.get(type(value), f"a {type(value).__name__}")
