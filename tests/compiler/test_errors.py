"""Table-driven tests: (expression, expected error text and column) for every refusal."""

from __future__ import annotations

import numpy as np
import pytest

from kennan.compiler import Namespace, compile_expression
from kennan.errors import ExpressionError, KennanError, Location

NS = Namespace(
    {"soviet_pressure": "state", "thesis": "state", "balance": "judgment", "t": "time"},
    {"tagged": {"public", "manchuria"}, "fired": {"election"}},
)

# (source, expected message fragment, 1-based column of the problem in the text)
ERRORS = [
    # names
    ("soviet_presure > 50", "unknown name 'soviet_presure' (did you mean 'soviet_pressure'?)", 1),
    ("t + zzz", "unknown name 'zzz'", 5),
    ("public", "'public' is an id, not a value; write tagged(public)", 1),
    ("logistic + 1", "'logistic' is a function; call it as logistic(...)", 1),
    ("tagged * 2", "'tagged' is a function; call it as tagged(<id>)", 1),
    ("None", "None is not allowed", 1),
    ("inf", "unknown name 'inf'", 1),
    # functions
    ("logistc(t)", "unknown function 'logistc' (did you mean 'logistic'?)", 1),
    ("1 + __import__('os')", "unknown function '__import__'", 5),
    ("open('/etc/passwd')", "unknown function 'open'", 1),
    ("eval('1')", "unknown function 'eval'", 1),
    ("exec('x = 1')", "unknown function 'exec'", 1),
    ("getattr(t, 'x')", "unknown function 'getattr'", 1),
    ("thesis(1)", "'thesis' is a state, not a function", 1),
    ("(1)(2)", "only the functions of the expression language can be called", 1),
    ("clip(t, 0)", "clip() takes 3 arguments, got 2", 1),
    ("max(t)", "max() takes at least 2 arguments, got 1", 1),
    ("logistic(t, 1)", "logistic() takes 1 argument, got 2", 1),
    ("where(t, 1)", "where() takes 3 arguments, got 2", 1),
    ("exp()", "exp() takes 1 argument, got 0", 1),
    ("clip(t, lo=0, hi=1)", "keyword argument 'lo=' is not allowed", 9),
    ("max(**{'a': 1})", "'**' argument is not allowed", 5),
    ("max(*t)", "starred arguments ('*x') are not allowed", 5),
    # id functions
    ("tagged(publik)", "unknown id 'publik' for tagged() (did you mean 'public'?)", 8),
    ("fired(elektion) * 2", "unknown id 'elektion' for fired() (did you mean 'election'?)", 7),
    ("tagged(thesis)", "tagged() takes an id, but 'thesis' is a state", 8),
    ("tagged('public')", "the argument of tagged() must be a bare id", 8),
    ("tagged(public.x)", "the argument of tagged() must be a bare id", 8),
    ("tagged(public, manchuria)", "tagged() takes 1 argument (an id), got 2", 1),
    ("taged(public)", "unknown function 'taged' (did you mean 'tagged'?)", 1),
    # syntax outside the language
    ("thesis.real", "attribute access ('.real') is not allowed", 7),
    ("().__class__", "attribute access ('.__class__') is not allowed", 3),
    ("t[0]", "subscripts ('[...]') are not allowed", 1),
    ("lambda: 1", "'lambda' is not allowed", 1),
    ("[t for t in t]", "comprehensions are not allowed", 1),
    ("{t for t in t}", "comprehensions are not allowed", 1),
    ("{t: 1 for t in t}", "comprehensions are not allowed", 1),
    ("max(t for t in t)", "comprehensions are not allowed", 4),
    ("[1, 2]", "lists are not allowed", 1),
    ("t, 1", "tuples are not allowed", 1),
    ("{1}", "sets are not allowed", 1),
    ("{}", "dictionaries are not allowed", 1),
    ("'text'", "text (a string) is not allowed", 1),
    ("b'bytes'", "a bytes literal is not allowed", 1),
    ("f'{t}'", "f-strings are not allowed", 1),
    ("1j", "a complex number is not allowed", 1),
    ("...", "Ellipsis is not allowed", 1),
    ("(x := 1)", "assignment (':=') is not allowed", 2),
    ("await t", "'await' is not allowed", 1),
    ("(yield t)", "'yield' is not allowed", 2),
    # operators outside the language
    ("t // 2", "'//' is not allowed; use '/'", 3),
    ("t & 1", "'&' is not allowed; use 'and'", 3),
    ("t | 1", "'|' is not allowed; use 'or'", 3),
    ("t ^ 2", "'^' is not allowed; use '**' for a power", 3),
    ("t << 1", "'<<' is not allowed", 3),
    ("t >> 1", "'>>' is not allowed", 3),
    ("t @ t", "'@' is not allowed", 3),
    ("~t", "'~' is not allowed; use 'not'", 1),
    ("t is None", "'is' is not allowed; use '==' or '!='", 3),
    ("t is not 1", "'is not' is not allowed", 3),
    ("t in t", "'in' is not allowed", 3),
    ("t not in t", "'not in' is not allowed", 3),
    ("(t + 1) // 2", "'//' is not allowed", 9),
    # syntax errors, with the column
    ("t +", "syntax error", 4),
    ("max(t, 1", "syntax error", 4),
    ("1 +* 2", "syntax error", 4),
    ("t = 1", "syntax error", 1),
    ("t) or (t", "syntax error: unmatched ')'", 2),
    ("if t: 1", "syntax error", 1),
    ("import os", "syntax error", 1),
    # bounds and hostile text
    ("", "the expression is empty", 1),
    ("   ", "the expression is empty", 1),
    ("t + \x00", "null character", 5),
    ("t + \ud800", "lone surrogate", 5),
    ("t" * 2001, "2001 characters long; the limit is 2000", 1),
    ("t" + "+t" * 300, "601 syntax nodes; the limit is 500", 1),
    ("-" * 41 + "t", "nested 42 levels deep; the limit is 40", 1),
    ("max(" * 41 + "t" + ", 1)" * 41, "levels deep; the limit is 40", 1),
    ("(" * 300 + "t" + ")" * 300, "syntax error: too many nested parentheses", 200),
    ("9" * 400, "number is too large", 1),
    ("1 / 0", "evaluates to inf, not a finite number", 1),
    ("log(-1)", "evaluates to nan, not a finite number", 1),
]


def _error(source: object, **kwargs: object) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        compile_expression(source, NS, **kwargs)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize(("source", "text", "col"), ERRORS, ids=[e[0][:30] for e in ERRORS])
def test_error(source: str, text: str, col: int) -> None:
    err = _error(source)
    assert isinstance(err, KennanError)
    matching = [p for p in err.problems if text in p.message]
    assert matching, [str(p) for p in err.problems]
    assert matching[0].location == Location(None, 1, col), str(matching[0])
    assert all(p.message.startswith("expression: ") for p in err.problems)


def test_a_long_flat_sum_is_not_deep() -> None:
    e = compile_expression(" + ".join(["t"] * 200), NS)
    assert e({"t": np.ones(3)}).tolist() == [200.0] * 3


def test_every_problem_at_once() -> None:
    err = _error("soviet_presure + thesis.real + tagged(publik) + open(1) + t // 2")
    messages = [p.message for p in err.problems]
    assert len(messages) == 5, messages
    assert [p.location.col for p in err.problems if p.location] == [1, 24, 39, 49, 61]


def test_location_and_what() -> None:
    err = _error(
        "thesis - tagged(publik)", location=Location("s.yaml", 12, 15), what="effect on 'thesis'"
    )
    (problem,) = err.problems
    assert str(problem) == (
        "s.yaml:12:31: effect on 'thesis': unknown id 'publik' for tagged() "
        "(did you mean 'public'?)"
    )


def test_column_counts_characters_not_bytes() -> None:
    err = _error("'é' + é2 + thesis.x")
    assert [p.location.col for p in err.problems if p.location] == [1, 7, 18]


def test_multiline_problem_keeps_the_scalar_location() -> None:
    err = _error("thesis +\n  zzz", location=Location("s.yaml", 4, 9))
    (problem,) = err.problems
    assert problem.location == Location("s.yaml", 4, 9)
    assert "unknown name 'zzz' (line 2, column 3 of the expression)" in problem.message


def test_location_without_column() -> None:
    (problem,) = _error("zzz", location=Location("s.yaml", 4)).problems
    assert problem.location == Location("s.yaml", 4)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (None, "got nothing (null)"),
        ([1], "got a list"),
        ({"a": 1}, "got a mapping"),
        (b"1", "got a bytes"),
        (float("nan"), "evaluates to nan"),
        (float("inf"), "inf"),
    ],
)
def test_non_text_sources(source: object, text: str) -> None:
    (problem,) = _error(source, location=Location("s.yaml", 3, 7)).problems
    assert text in problem.message
    assert problem.location == Location("s.yaml", 3, 7)


@pytest.mark.parametrize(
    "fault", [RecursionError("deep"), MemoryError(), ValueError("null bytes"), OverflowError()]
)
def test_parser_faults_become_expression_errors(
    fault: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    def parse(*args: object, **kwargs: object) -> None:
        raise fault

    monkeypatch.setattr("kennan.compiler.parse.ast.parse", parse)
    (problem,) = _error("t + 1").problems
    assert "too deeply nested or too complex" in problem.message


def test_huge_integer_source() -> None:
    (problem,) = _error(10**400).problems
    assert "number is too large" in problem.message


def test_empty_what_gives_no_prefix() -> None:
    (problem,) = _error("zzz", what="").problems
    assert problem.message == "unknown name 'zzz'"
