"""Turn a checked neutral tree into nested closures that call NumPy on whole arrays.

Each node becomes one small Python function of the environment; a node whose
children are all constant is evaluated once, here, and becomes a constant. Each node
also knows whether its value is boolean, float, or unknown (an environment value),
so booleans are widened to 0/1 floats exactly where arithmetic needs it, and whether
it is fresh: made by this evaluation, never an environment value or a constant. An
operation on a fresh float array writes its result into that array instead of a new
one (the same ufunc on the same operands: the same bits, without the allocation).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from kennan.compiler import tree as t
from kennan.compiler.functions import FUNCTIONS, Value, as_number

Env = Mapping[str, Any]
Fn = Callable[[Env], Value]
Kind = Literal["bool", "float", "any"]

_ARITH = MappingProxyType(
    {
        "+": np.add,
        "-": np.subtract,
        "*": np.multiply,
        "/": np.true_divide,
        "**": np.power,
        "%": np.mod,
    }
)
_COMPARE = MappingProxyType(
    {
        "<": np.less,
        "<=": np.less_equal,
        ">": np.greater,
        ">=": np.greater_equal,
        "==": np.equal,
        "!=": np.not_equal,
    }
)
_LOGICAL = MappingProxyType({"and": np.logical_and, "or": np.logical_or})


@dataclass(frozen=True, slots=True)
class Emitted:
    """A compiled node: its closure, its folded value if constant, its kind, and whether
    its value is fresh (owned by the evaluation, so it may be overwritten)."""

    fn: Fn
    kind: Kind
    is_const: bool = False
    value: Value = 0.0
    fresh: bool = False
    #: For a negation ``-x`` that is not constant: ``x``, widened to float (a caller that
    #: subtracts the value can subtract ``-x``'s operand instead and save the negation).
    operand: Emitted | None = None


def _into(x: Value, other: Value) -> bool:
    """Whether ``x`` can hold the result of an element-wise operation of ``x`` and ``other``:
    a float64 array that ``other`` broadcasts to (``other`` no larger: the environment's
    arrays are ``(courses, draws)``, ``(draws,)`` or one course's ``(draws,)`` row)."""
    return (type(x) is np.ndarray and x.dtype == np.float64
            and getattr(other, "ndim", 0) <= x.ndim)


def fresh_binary(op: np.ufunc, a: Value, b: Value, a_fresh: bool, b_fresh: bool) -> Value:
    """``op(a, b)``, written into whichever operand is fresh (made by the caller, held by
    nothing else) and can hold it: the same bits as ``op(a, b)``, without a new array."""
    if a_fresh and _into(a, b):
        return op(a, b, out=a)
    if b_fresh and _into(b, a):
        return op(a, b, out=b)
    return op(a, b)


def emit(node: t.Node) -> Emitted:
    """Compile ``node`` (already checked) to a closure, folding constant subtrees."""
    return _EMITTERS[type(node)](node)


def _fold(fn: Fn, kind: Kind, children: list[Emitted], *, fresh: bool = True) -> Emitted:
    if not all(c.is_const for c in children):
        return Emitted(fn, kind, fresh=fresh)
    with np.errstate(all="ignore"):
        value = fn({})
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]  # np.where gives 0-d arrays; keep constants scalar
    return Emitted(lambda env: value, kind, True, value)


def _numeric(e: Emitted) -> Fn:
    """The closure of ``e``, widened to float unless it is known to be float already."""
    if e.kind == "float":
        return e.fn
    fn = e.fn
    return lambda env: as_number(fn(env))


def _fresh(e: Emitted) -> bool:
    """Whether the widened value of ``e`` is fresh (widening a value that is not fresh may
    or may not copy it, so it is not)."""
    return e.fresh and not e.is_const


def _joint_kind(children: list[Emitted]) -> Kind:
    kinds = {c.kind for c in children}
    return kinds.pop() if len(kinds) == 1 else "any"


def _const(node: t.Const) -> Emitted:
    value = node.value
    return Emitted(lambda env: value, "bool" if isinstance(value, bool) else "float", True, value)


def _name(node: t.Name) -> Emitted:
    key = node.name
    return Emitted(lambda env: env[key], "any")


def _id_ref(node: t.IdRef) -> Emitted:
    key = node.key
    return Emitted(lambda env: env[key], "any")


def _unary(node: t.Unary) -> Emitted:
    child = emit(node.operand)
    if node.op == "not":
        g = child.fn
        return _fold(lambda env: np.logical_not(g(env)), "bool", [child])
    num = _numeric(child)
    if node.op == "-":
        if child.is_const:
            return _fold(lambda env: np.negative(num(env)), "float", [child])
        operand = Emitted(num, "float", fresh=_fresh(child))
        if _fresh(child):
            def negate(env: Env) -> Value:
                x = num(env)
                return np.negative(x, out=x) if _into(x, None) else np.negative(x)

            return Emitted(negate, "float", fresh=True, operand=operand)
        return Emitted(lambda env: np.negative(num(env)), "float", fresh=True, operand=operand)
    return _fold(num, "float", [child], fresh=_fresh(child))


def _arith(node: t.Arith) -> Emitted:
    first = emit(node.first)
    rest = [(_ARITH[op], emit(x)) for op, x in node.rest]
    a = _numeric(first)
    a_fresh = _fresh(first)
    if len(rest) == 1:  # the common case, without the loop
        op, b_e = rest[0]
        b = _numeric(b_e)
        b_fresh = _fresh(b_e)
        if not (a_fresh or b_fresh):
            return _fold(lambda env: op(a(env), b(env)), "float", [first, b_e])
        return _fold(lambda env: fresh_binary(op, a(env), b(env), a_fresh, b_fresh), "float",
                     [first, b_e])
    steps = [(op, _numeric(e), _fresh(e)) for op, e in rest]

    def chain(env: Env) -> Value:
        acc, acc_fresh = a(env), a_fresh
        for op, b, b_fresh in steps:
            acc = fresh_binary(op, acc, b(env), acc_fresh, b_fresh)
            acc_fresh = True
        return acc

    return _fold(chain, "float", [first, *(e for _, e in rest)])


def _compare(node: t.Compare) -> Emitted:
    children = [emit(x) for x in node.operands]
    fns = [c.fn for c in children]
    ops = [_COMPARE[o] for o in node.ops]
    if len(ops) == 1:
        op, a, b = ops[0], fns[0], fns[1]
        return _fold(lambda env: op(a(env), b(env)), "bool", children)

    def chain(env: Env) -> Value:
        # Each middle operand is evaluated once, as in Python's chained comparison.
        vals = [f(env) for f in fns]
        return reduce(np.logical_and, (op(vals[i], vals[i + 1]) for i, op in enumerate(ops)))

    return _fold(chain, "bool", children)


def _logical(node: t.Logical) -> Emitted:
    children = [emit(x) for x in node.operands]
    fns = [c.fn for c in children]
    op = _LOGICAL[node.op]
    if len(fns) == 2:
        a, b = fns
        return _fold(lambda env: op(a(env), b(env)), "bool", children)
    return _fold(lambda env: reduce(op, (f(env) for f in fns)), "bool", children)


def _if_else(node: t.IfElse) -> Emitted:
    test, body, orelse = emit(node.test), emit(node.body), emit(node.orelse)
    c, a, b = test.fn, body.fn, orelse.fn
    return _fold(
        lambda env: np.where(c(env), a(env), b(env)),
        _joint_kind([body, orelse]),
        [test, body, orelse],
    )


#: Functions of one argument that can write their result into a fresh argument.
_IN_PLACE = frozenset({"exp", "log", "abs", "sqrt", "logistic"})
_EXTREMES = MappingProxyType({"max": np.maximum, "min": np.minimum})


def _call(node: t.Call) -> Emitted:
    spec = FUNCTIONS[node.function]
    children = [emit(x) for x in node.args]
    fns = [_numeric(c) if spec.numeric else c.fn for c in children]
    fresh = [_fresh(c) for c in children]
    impl = spec.impl
    if spec.numeric:
        kind: Kind = "float"
    elif spec.boolean_from is not None:
        kind = _joint_kind(children[spec.boolean_from :])
    else:
        kind = "any"
    if node.function in _EXTREMES:
        op = _EXTREMES[node.function]

        def extreme(env: Env) -> Value:  # op(op(a, b), c): as reduce(op, args)
            acc, acc_fresh = fns[0](env), fresh[0]
            for f, f_fresh in zip(fns[1:], fresh[1:], strict=True):
                acc = fresh_binary(op, acc, f(env), acc_fresh, f_fresh)
                acc_fresh = True
            return acc

        return _fold(extreme, kind, children)
    if node.function == "clip" and fresh[0]:
        x_fn, lo_fn, hi_fn = fns

        def clip(env: Env) -> Value:
            x, lo, hi = x_fn(env), lo_fn(env), hi_fn(env)
            if _into(x, lo) and _into(x, hi):
                return np.clip(x, lo, hi, out=x)
            return np.clip(x, lo, hi)

        return _fold(clip, kind, children)
    if len(fns) == 1:
        f = fns[0]
        if node.function in _IN_PLACE and fresh[0]:
            def in_place(env: Env) -> Value:
                x = f(env)
                return impl(x, out=x) if _into(x, None) else impl(x)

            return _fold(in_place, kind, children)
        return _fold(lambda env: impl(f(env)), kind, children)
    return _fold(lambda env: impl(*[f(env) for f in fns]), kind, children)


_EMITTERS: MappingProxyType[type, Callable[[Any], Emitted]] = MappingProxyType(
    {
        t.Const: _const,
        t.Name: _name,
        t.IdRef: _id_ref,
        t.Unary: _unary,
        t.Arith: _arith,
        t.Compare: _compare,
        t.Logical: _logical,
        t.IfElse: _if_else,
        t.Call: _call,
    }
)
