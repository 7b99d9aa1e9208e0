"""Parse expression text with ``ast`` and check it against a whitelist of nodes and names.

Only ``ast.parse(..., mode="eval")`` ever sees the user's text; nothing is compiled to
bytecode or executed. The checker walks the syntax tree once, collects every problem
with its position, and builds the neutral tree of :mod:`kennan.compiler.tree`.

Longer than 400 lines on purpose: the whitelist is one checker, every node kind allowed
and every refusal's message in one place, so what user text may say is read here alone.
"""

from __future__ import annotations

import ast
import difflib
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from kennan.compiler import tree as t
from kennan.compiler.functions import FUNCTIONS
from kennan.compiler.namespace import Namespace
from kennan.compiler.text import NEWLINE, SourceText, position

MAX_LENGTH = 2000
MAX_NODES = 500
MAX_DEPTH = 40

_ARITH = MappingProxyType(
    {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.Mod: "%"}
)
_BAD_ARITH = MappingProxyType(
    {
        ast.FloorDiv: "'//' is not allowed; use '/'",
        ast.MatMult: "'@' is not allowed",
        ast.BitAnd: "'&' is not allowed; use 'and'",
        ast.BitOr: "'|' is not allowed; use 'or'",
        ast.BitXor: "'^' is not allowed; use '**' for a power",
        ast.LShift: "'<<' is not allowed",
        ast.RShift: "'>>' is not allowed",
    }
)
_COMPARE = MappingProxyType(
    {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
)
_BAD_COMPARE = MappingProxyType(
    {ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
)
_UNARY = MappingProxyType({ast.USub: "-", ast.UAdd: "+", ast.Not: "not"})

# Why each other kind of syntax is refused, by node type (the fallback names the type).
_FORBIDDEN = MappingProxyType(
    {
        ast.Attribute: "attribute access is not allowed",
        ast.Subscript: "subscripts ('[...]') are not allowed",
        ast.Starred: "starred arguments ('*x') are not allowed",
        ast.Lambda: "'lambda' is not allowed",
        ast.ListComp: "comprehensions are not allowed",
        ast.SetComp: "comprehensions are not allowed",
        ast.DictComp: "comprehensions are not allowed",
        ast.GeneratorExp: "comprehensions are not allowed",
        ast.List: "lists are not allowed",
        ast.Tuple: "tuples are not allowed",
        ast.Set: "sets are not allowed",
        ast.Dict: "dictionaries are not allowed",
        ast.JoinedStr: "f-strings are not allowed",
        ast.FormattedValue: "f-strings are not allowed",
        ast.NamedExpr: "assignment (':=') is not allowed",
        ast.Await: "'await' is not allowed",
        ast.Yield: "'yield' is not allowed",
        ast.YieldFrom: "'yield' is not allowed",
        ast.Slice: "slices are not allowed",
    }
)

# Refused whole: names inside are bound there, or are text; reporting them is noise.
_OPAQUE = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.JoinedStr)

# Nodes that are markers rather than syntax: not counted towards the size bound.
_MARKERS = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


@dataclass(frozen=True)
class RawProblem:
    """A problem at a place in the expression text: 1-based line, 0-based character."""

    message: str
    line: int = 1
    col: int = 0


@dataclass(frozen=True)
class Literal:
    """A number written in an expression, and where: 1-based line, 0-based character.

    ``negated`` is true when a minus sign is written right before it (``-0.5``)."""

    value: float
    line: int = 1
    col: int = 0
    negated: bool = False


@dataclass(frozen=True)
class Parsed:
    """The result of checking: a tree when there are no problems, and what it reads."""

    tree: t.Node | None
    problems: tuple[RawProblem, ...]
    names: frozenset[str]
    id_refs: frozenset[tuple[str, str]]
    literals: tuple[Literal, ...] = ()


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse_expression(source: str, namespace: Namespace) -> Parsed:
    """Parse and check ``source`` against ``namespace``; collect every problem found."""
    if len(source) > MAX_LENGTH:
        return _failed(
            f"the expression is {len(source)} characters long; the limit is {MAX_LENGTH}"
        )
    if not source.strip():
        return _failed("the expression is empty")
    bad = next((i for i, c in enumerate(source) if "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        return _failed(
            "the expression contains an invalid character (a lone surrogate)",
            *position(source, bad),
        )
    if "\x00" in source:
        return _failed(
            "the expression contains a null character", *position(source, source.index("\x00"))
        )
    # The text is parsed inside parentheses so it may span lines (a YAML block
    # scalar) and start with spaces; SourceText maps positions back to the user's text.
    text = SourceText(source)
    try:
        module = _parse(text.wrapped)
    except SyntaxError as exc:
        if (exc.lineno or 1) == 1 and (exc.offset or 1) <= 1:
            # Blamed on the wrapping parenthesis ("'(' was never closed" when the text
            # leaves one of its own open): the bare text gives a truer position.
            return _bare_syntax_error(source) or _failed(f"syntax error: {exc.msg}")
        return _failed(f"syntax error: {exc.msg}", *text.syntax_position(exc))
    except (RecursionError, MemoryError, ValueError, OverflowError):
        return _failed("the expression is too deeply nested or too complex to parse")
    body = module.body
    if (
        body.lineno == 1
        and body.col_offset == 0
        and not isinstance(body, ast.Tuple | ast.GeneratorExp)
    ):
        # Only the wrapping parenthesis starts at column 0: the text closed it early,
        # as in "a) or (b".
        return _failed("syntax error: unmatched ')'", *text.unmatched_close())
    size, depth = _measure(body)
    if size > MAX_NODES:
        return _failed(f"the expression has {size} syntax nodes; the limit is {MAX_NODES}")
    if depth > MAX_DEPTH:
        return _failed(f"the expression is nested {depth} levels deep; the limit is {MAX_DEPTH}")
    checker = _Checker(namespace, text)
    node = checker.visit(body)
    problems = tuple(sorted(checker.problems, key=lambda p: (p.line, p.col)))
    return Parsed(
        None if problems else node,
        problems,
        frozenset(checker.names),
        frozenset(checker.id_refs),
        tuple(sorted(checker.literals, key=lambda x: (x.line, x.col))),
    )


def _failed(message: str, line: int = 1, col: int = 0) -> Parsed:
    return Parsed(None, (RawProblem(message, line, col),), frozenset(), frozenset())


def _parse(text: str) -> ast.Expression:
    # Odd literals ("1if", "x is 1") draw SyntaxWarnings; the checker reports what
    # matters, and a warning printed to stderr (or raised, under -W error) would not.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, mode="eval")


def _bare_syntax_error(source: str) -> Parsed | None:
    """The syntax error of ``source`` parsed as it is (leading blanks removed), if any."""
    bare = source.lstrip(" \t\f")
    try:
        _parse(bare)
    except SyntaxError as exc:
        line, col = exc.lineno or 1, (exc.offset or 1) - 1
        if line == 1:
            col += len(source) - len(bare)
        lines = NEWLINE.split(source)
        line = min(max(line, 1), len(lines))
        return _failed(f"syntax error: {exc.msg}", line, max(0, min(col, len(lines[line - 1]))))
    except (RecursionError, MemoryError, ValueError, OverflowError):
        return None
    return None


def _measure(body: ast.AST) -> tuple[int, int]:
    """Node count and nesting depth, iteratively (hostile input must not recurse).

    The left operand of an arithmetic operator sits at its parent's depth: a long sum
    ``a + b + c + ...`` is flat, not deep.
    """
    size = depth = 0
    stack = [(body, 1)]
    while stack:
        node, level = stack.pop()
        size += 1
        depth = max(depth, level)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _MARKERS):
                continue
            flat = isinstance(node, ast.BinOp) and child is node.left
            stack.append((child, level if flat else level + 1))
    return size, depth


class _Checker:
    """One pass over the syntax tree: checks every node, builds the neutral tree."""

    def __init__(self, namespace: Namespace, text: SourceText):
        self.ns = namespace
        self.text = text
        self.problems: list[RawProblem] = []
        self.names: set[str] = set()
        self.id_refs: set[tuple[str, str]] = set()
        self.literals: list[Literal] = []
        self._negated: set[int] = set()  # ids of constants written right after a minus

    def report(self, message: str, where: ast.AST | tuple[int, int]) -> None:
        line, col = where if isinstance(where, tuple) else self.text.node_position(where)
        self.problems.append(RawProblem(message, line, col))

    def visit(self, node: ast.AST) -> t.Node | None:
        """The neutral node for ``node``, or None after reporting why it is refused."""
        method = _VISITORS.get(type(node))
        if method is not None:
            return method(self, node)
        message = _FORBIDDEN.get(type(node), f"{type(node).__name__} is not allowed")
        if isinstance(node, ast.Attribute):
            message = f"attribute access ('.{node.attr}') is not allowed"
            self.report(message, self.text.after(node.value))
        else:
            self.report(message, node)
        if isinstance(node, _OPAQUE):
            return None
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.visit(child)
        return None

    def visit_all(self, nodes: Iterable[ast.AST]) -> tuple[t.Node, ...] | None:
        out = [self.visit(n) for n in nodes]
        return None if any(n is None for n in out) else tuple(out)  # type: ignore[arg-type]

    def constant(self, node: ast.Constant) -> t.Node | None:
        value = node.value
        if isinstance(value, bool):
            return t.Const(value)
        if isinstance(value, int | float):
            try:
                number = float(value)
            except OverflowError:
                self.report("number is too large", node)
                return None
            negated = id(node) in self._negated
            where = self.text.node_position(node)
            self.literals.append(Literal(-number if negated else number, *where, negated))
            return t.Const(number)
        kinds = {str: "text (a string)", bytes: "a bytes literal", complex: "a complex number"}
        what = kinds.get(type(value), repr(value))
        self.report(f"{what} is not allowed here; an expression computes a number", node)
        return None

    def name(self, node: ast.Name) -> t.Node | None:
        name = node.id
        if name in self.ns.values:
            self.names.add(name)
            return t.Name(name)
        owners = self.ns.id_owner(name)
        if name in FUNCTIONS or name in self.ns.id_functions:
            hint = "<id>" if name in self.ns.id_functions else "..."
            self.report(f"{name!r} is a function; call it as {name}({hint})", node)
        elif owners:
            self.report(f"{name!r} is an id, not a value; write {owners[0]}({name})", node)
        elif name in self.ns.unreadable:
            self.report(f"{name!r} is {self.ns.unreadable[name]}", node)
        else:
            hint = suggestion(name, self.ns.values)
            self.report(f"unknown name {name!r}{hint}", node)
        return None

    def unary(self, node: ast.UnaryOp) -> t.Node | None:
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            self._negated.add(id(node.operand))
        operand = self.visit(node.operand)
        op = _UNARY.get(type(node.op))
        if op is None:
            self.report("'~' is not allowed; use 'not'", node)
            return None
        return None if operand is None else t.Unary(op, operand)

    def binop(self, node: ast.BinOp) -> t.Node | None:
        # Walk down the left spine iteratively: a long sum is one flat Arith node.
        spine = [node]
        while isinstance(spine[-1].left, ast.BinOp):
            spine.append(spine[-1].left)
        first = self.visit(spine[-1].left)
        rest: list[tuple[str, t.Node | None]] = []
        for part in reversed(spine):
            op = _ARITH.get(type(part.op))
            if op is None:
                self.report(
                    _BAD_ARITH.get(type(part.op), "operator not allowed"),
                    self.text.after(part.left),
                )
            rest.append((op or "?", self.visit(part.right)))
        if first is None or any(x is None for _, x in rest) or any(o == "?" for o, _ in rest):
            return None
        return t.Arith(first, tuple(rest))  # type: ignore[arg-type]

    def boolop(self, node: ast.BoolOp) -> t.Node | None:
        operands = self.visit_all(node.values)
        op = "and" if isinstance(node.op, ast.And) else "or"
        return None if operands is None else t.Logical(op, operands)

    def compare(self, node: ast.Compare) -> t.Node | None:
        ops = []
        for left, op in zip([node.left, *node.comparators], node.ops, strict=False):
            if type(op) in _BAD_COMPARE:
                word = _BAD_COMPARE[type(op)]
                hint = "; use '==' or '!='" if word.startswith("is") else ""
                self.report(f"'{word}' is not allowed{hint}", self.text.after(left))
            ops.append(_COMPARE.get(type(op)))
        operands = self.visit_all([node.left, *node.comparators])
        if operands is None or None in ops:
            return None
        return t.Compare(tuple(ops), operands)  # type: ignore[arg-type]

    def ifexp(self, node: ast.IfExp) -> t.Node | None:
        parts = self.visit_all([node.test, node.body, node.orelse])
        return None if parts is None else t.IfElse(*parts)

    def call(self, node: ast.Call) -> t.Node | None:
        for kw in node.keywords:
            label = f"keyword argument '{kw.arg}='" if kw.arg else "'**' argument"
            self.report(f"{label} is not allowed; pass arguments by position", kw)
        if not isinstance(node.func, ast.Name):
            before = len(self.problems)
            self.visit(node.func)
            if len(self.problems) == before:  # e.g. "(x)(1)": say why a call is refused
                self.report("only the functions of the expression language can be called", node)
            self.visit_all(node.args)
            return None
        name = node.func.id
        if name in self.ns.id_functions:
            return self.id_call(node, name)
        spec = FUNCTIONS.get(name)
        if spec is None:
            return self.unknown_call(node, name)
        args = self.visit_all(node.args)
        n = len(node.args)
        if n < spec.min_args or (spec.max_args is not None and n > spec.max_args):
            self.report(f"{name}() takes {spec.arity_text()}, got {n}", node)
            return None
        if args is None or node.keywords:
            return None
        return t.Call(name, args)

    def unknown_call(self, node: ast.Call, name: str) -> None:
        callable_names = [*FUNCTIONS, *self.ns.id_functions]
        hint = suggestion(name, callable_names)
        kind = self.ns.values.get(name)
        if kind is not None:
            self.report(f"{name!r} is a {kind}, not a function", node.func)
        else:
            self.report(f"unknown function {name!r}{hint}", node.func)
        # Arguments of a misspelled id-function are ids, not names: don't report them.
        if not any(hint == f" (did you mean {f!r}?)" for f in self.ns.id_functions):
            self.visit_all(node.args)

    def id_call(self, node: ast.Call, name: str) -> t.Node | None:
        ids = self.ns.id_functions[name]
        if len(node.args) != 1:
            self.report(f"{name}() takes 1 argument (an id), got {len(node.args)}", node)
            return None
        arg = node.args[0]
        if not isinstance(arg, ast.Name):
            example = f", e.g. {name}({min(ids)})" if ids else ""
            self.report(f"the argument of {name}() must be a bare id{example}", arg)
            return None
        ident = arg.id
        if ident not in ids:
            kind = self.ns.values.get(ident)
            if kind is not None:
                self.report(f"{name}() takes an id, but {ident!r} is a {kind}", arg)
            else:
                self.report(f"unknown id {ident!r} for {name}(){suggestion(ident, ids)}", arg)
            return None
        if node.keywords:
            return None
        self.id_refs.add((name, ident))
        return t.IdRef(name, ident)


_VISITORS: MappingProxyType[type, Callable[[_Checker, Any], t.Node | None]] = MappingProxyType(
    {
        ast.Constant: _Checker.constant,
        ast.Name: _Checker.name,
        ast.UnaryOp: _Checker.unary,
        ast.BinOp: _Checker.binop,
        ast.BoolOp: _Checker.boolop,
        ast.Compare: _Checker.compare,
        ast.IfExp: _Checker.ifexp,
        ast.Call: _Checker.call,
    }
)
