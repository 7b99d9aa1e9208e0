"""Table-driven tests: (expression, expected value) for every operator and function."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy.special import expit

from kennan.compiler import FUNCTIONS, Expression, Namespace, compile_expression, name_problem
from kennan.errors import ExpressionError

NS = Namespace(
    {"x": "state", "y": "state", "m": "state", "b": "state", "t": "time", "p": "judgment"},
    {"tagged": {"public", "manchuria"}, "fired": {"election"}, "prob": {"hold"}},
)
X = np.array([-1.0, 0.0, 0.5, 2.0])
Y = np.array([2.0, 3.0, 0.5, -4.0])
M = np.arange(8.0).reshape(2, 4) / 4  # (courses, draws)
B = np.array([True, False, True, False])
ENV = {
    "x": X,
    "y": Y,
    "m": M,
    "b": B,
    "t": 3,
    "p": 0.25,
    "tagged:public": np.array([1.0, 0.0, 1.0, 1.0]),
    "tagged:manchuria": np.array([False, True, False, True]),
    "fired:election": np.array([True, True, False, False]),
    "prob:hold": np.array([0.1, 0.2, 0.3, 0.4]),
}

# Expected values computed with faults silenced, as the compiler does.
with np.errstate(all="ignore"):
    CASES = [
        # literals and names
        ("1", 1.0),
        ("2.5e-1", 0.25),
        ("True", True),
        ("False", False),
        ("x", X),
        ("p", 0.25),
        ("t", 3),
        # unary
        ("-x", -X),
        ("+x", X),
        ("not b", ~B),
        ("not x", X == 0),
        ("-b", -B.astype(float)),
        ("- -x", X),
        # arithmetic
        ("x + y", X + Y),
        ("x - y", X - Y),
        ("x * y", X * Y),
        ("x / y", X / Y),
        ("x ** 2", X**2),
        ("2 ** x", 2.0**X),
        ("y % 3", np.mod(Y, 3)),
        ("-7 % 3", 2.0),
        ("x / 0", np.array([-np.inf, np.nan, np.inf, np.inf])),
        ("x + y * 2 - 1", X + Y * 2 - 1),
        ("(x + y) * 2", (X + Y) * 2),
        ("2 ** 3 ** 2", 512.0),
        ("x - y - 1 - 2", X - Y - 3),
        ("t ** -1", 1 / 3),
        # booleans as 0/1 in arithmetic
        ("b + b", B * 2.0),
        ("b * 3", B * 3.0),
        ("True + True", 2.0),
        ("(x > 0) + (y > 0)", (X > 0) * 1.0 + (Y > 0)),
        ("tagged(manchuria) * 2", np.array([0.0, 2.0, 0.0, 2.0])),
        # broadcasting: (draws,) against (courses, draws)
        ("m + x", M + X),
        ("m > x", M > X),
        ("clip(m, 0, x)", np.minimum(np.maximum(M, 0), X)),
        ("m if b else x", np.where(B, M, X)),
        # comparisons, chains
        ("x < y", X < Y),
        ("x <= 0.5", X <= 0.5),
        ("x > 0", X > 0),
        ("x >= 0.5", X >= 0.5),
        ("x == y", X == Y),
        ("x != y", X != Y),
        ("0 < x <= 2", (X > 0) & (X <= 2)),
        ("-1 < x < 1 < y", (X > -1) & (X < 1) & (Y > 1)),
        ("1 < 2", True),
        # boolean operators, elementwise
        ("x > 0 and y > 0", (X > 0) & (Y > 0)),
        ("x > 0 or y > 0", (X > 0) | (Y > 0)),
        ("x > 0 or y > 0 or b", (X > 0) | (Y > 0) | B),
        ("b and x > -1 and y < 3", B & (X > -1) & (Y < 3)),
        ("not (x > 0 and b)", ~((X > 0) & B)),
        ("x and y", (X != 0) & (Y != 0)),
        # conditional
        ("x if b else y", np.where(B, X, Y)),
        ("1 if x > 0 else 0", (X > 0) * 1.0),
        ("x if x > 0 else -x if x < 0 else 7", np.where(X > 0, X, np.where(X < 0, -X, 7))),
        # functions
        ("max(x, y)", np.maximum(X, Y)),
        ("max(x, y, 1)", np.maximum(np.maximum(X, Y), 1)),
        ("min(x, y)", np.minimum(X, Y)),
        ("min(x, y, 0, 0.25)", np.minimum(np.minimum(X, Y), 0)),
        ("clip(x, 0, 1)", np.clip(X, 0, 1)),
        ("clip(y, x, 1)", np.minimum(np.maximum(Y, X), 1)),
        ("logistic(x)", expit(X)),
        ("logistic(-1000)", 0.0),
        ("logistic(1000)", 1.0),
        ("logistic(3 * (x - 0.5))", expit(3 * (X - 0.5))),
        ("where(b, x, y)", np.where(B, X, Y)),
        ("where(x, 1, 2)", np.where(X != 0, 1.0, 2.0)),
        ("exp(x)", np.exp(X)),
        ("exp(b)", np.exp(B.astype(float))),
        ("log(y)", np.log(Y)),
        ("abs(y)", np.abs(Y)),
        ("sqrt(y)", np.sqrt(Y)),
        ("sqrt(4)", 2.0),
        # id functions
        ("tagged(public)", ENV["tagged:public"]),
        ("prob(hold) * 10", ENV["prob:hold"] * 10),
        ("1 if fired(election) else 0", np.array([1.0, 1.0, 0.0, 0.0])),
        ("clip(x - 0.1 * tagged(public), 0, 1)", np.clip(X - 0.1 * ENV["tagged:public"], 0, 1)),
        # layout: spaces, line breaks, comments
        ("  x + 1", X + 1),
        ("x +\n  y", X + Y),
        ("max(x,\r\n y)", np.maximum(X, Y)),
        ("x  # a comment", X),
        ("x \\\n + 1", X + 1),
    ]


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_value(source: str, expected: object) -> None:
    result = compile_expression(source, NS)(ENV)
    np.testing.assert_array_equal(np.broadcast_to(result, np.shape(expected)), expected)
    assert np.asarray(result).dtype.kind == np.asarray(expected).dtype.kind or (
        np.asarray(result).dtype.kind in "fi" and np.asarray(expected).dtype.kind in "fi"
    )


def test_every_function_has_a_case() -> None:
    called = {name for name in FUNCTIONS if any(f"{name}(" in src for src, _ in CASES)}
    assert called == set(FUNCTIONS)


def test_scalar_environment() -> None:
    e = compile_expression("logistic(3 * (x - 0.5)) if b else 0", NS)
    assert float(e({"x": 0.5, "b": True})) == 0.5
    assert float(e({"x": 0.5, "b": 0.0})) == 0.0


def test_python_float_division_by_zero_is_silent() -> None:
    # Python floats in env must not raise ZeroDivisionError: NumPy gives inf/nan.
    e = compile_expression("x / y + y % x", NS)
    assert np.isnan(e({"x": 0.0, "y": 0.0}))


@pytest.mark.parametrize(
    ("source", "value"),
    [
        (3, 3.0),
        (0.5, 0.5),
        (True, 1.0),
        (False, 0.0),
        ("1 + 2 * 3", 7.0),
        ("max(1, 2)", 2.0),
        ("1 if 2 > 1 else 0", 1.0),
        ("not False", 1.0),
        ("logistic(0)", 0.5),
    ],
)
def test_constants_fold(source: object, value: float) -> None:
    e = compile_expression(source, NS)  # type: ignore[arg-type]
    assert e.constant == value
    assert e.names == frozenset() and e.id_refs == frozenset()
    assert float(e({})) == value


def test_booleans_stay_boolean() -> None:
    assert compile_expression(True, NS)({}) is True
    e = compile_expression("x > 0 and b", NS)
    assert e.is_boolean
    assert e(ENV).dtype == bool
    assert not compile_expression("x + 1", NS).is_boolean


def test_names_and_id_refs() -> None:
    e = compile_expression("x + max(y, p) * tagged(public) if fired(election) else t", NS)
    assert e.names == {"x", "y", "p", "t"}
    assert e.id_refs == {("tagged", "public"), ("fired", "election")}
    assert e.constant is None
    assert e.source.startswith("x + max")


def test_reads_only_the_keys_it_names() -> None:
    e = compile_expression("x * tagged(public)", NS)
    assert np.array_equal(e({"x": X, "tagged:public": 2.0}), X * 2)
    with pytest.raises(KeyError):
        e({"x": X})


def test_no_warnings_on_faults() -> None:
    # filterwarnings=error would turn any RuntimeWarning into a failure here.
    e = compile_expression("log(x) + sqrt(x) + exp(1000 * y) + 0 / x + x % 0", NS)
    assert np.isnan(e(ENV)).any()


def test_pickles_by_recompiling() -> None:
    e = compile_expression("clip(x + tagged(public), 0, 1)", NS)
    again = pickle.loads(pickle.dumps(e))
    assert isinstance(again, Expression)
    np.testing.assert_array_equal(again(ENV), e(ENV))
    assert again.names == e.names and again.id_refs == e.id_refs


def test_namespace_rejects_shadowing_a_function() -> None:
    with pytest.raises(ValueError, match="max"):
        Namespace({}, {"max": {"a"}})


def test_values_named_like_functions() -> None:
    ns = Namespace({"log": "state", "exp": "judgment"})
    assert compile_expression("log(exp) + log", ns)({"log": 1.0, "exp": 1.0}) == 1.0


def test_scalar_results_are_not_zero_dimensional_arrays() -> None:
    value = compile_expression("where(t > 3, 1 / (t - 4), 0)", NS)({"t": 4.0})
    assert not isinstance(value, np.ndarray)
    assert np.isinf(value)


def test_namespace_is_hashable_and_compares_by_content() -> None:
    a = Namespace({"x": "state"}, {"tagged": ["public"]})
    b = Namespace({"x": "state"}, {"tagged": {"public"}})
    assert a == b and hash(a) == hash(b)
    assert a.id_functions["tagged"] == frozenset({"public"})


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("soviet_pressure", None),
        ("t", None),
        ("_x1", None),
        ("match", None),
        ("soviet-pressure", "a name is a letter or '_'"),
        ("1st", "a name is a letter"),
        ("lambda", "it is a keyword"),
        ("True", "it is a keyword"),
        ("ﬁnal", "write it as 'final'"),
    ],
)
def test_name_problem(name: str, problem: str | None) -> None:
    found = name_problem(name)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and repr(name) in found


@pytest.mark.parametrize(("source", "literals"), [
    ("x + 0.5", [(0.5, 1, 4, False)]),
    ("-0.25 * x", [(-0.25, 1, 1, True)]),
    ("x - 3 if x > 1e3 else 2", [(3.0, 1, 4, False), (1000.0, 1, 13, False), (2.0, 1, 22, False)]),
    ("x\n  * 0.75", [(0.75, 2, 4, False)]),
    ("x > True", []),
    ("x", []),
])
def test_literals_are_recorded_with_their_place(source: str, literals: list) -> None:
    e = compile_expression(source, NS)
    assert [(x.value, x.line, x.col, x.negated) for x in e.literals] == literals


def test_a_bare_number_has_no_literals() -> None:
    assert compile_expression(0.5, NS).literals == ()


def test_an_unreadable_name_says_why() -> None:
    ns = Namespace({"x": "state"}, unreadable={"deal": "an outcome; read what it comes from"})
    with pytest.raises(ExpressionError, match="'deal' is an outcome; read what it comes from"):
        compile_expression("x + deal", ns)
