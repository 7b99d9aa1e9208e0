"""The neutral expression tree: small immutable nodes, already checked.

The parser builds these from Python's ``ast`` after the whitelist check; the emitter
turns them into closures. Nodes carry no positions: every problem is found before.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Const:
    """A literal number or boolean."""

    value: float | bool


@dataclass(frozen=True, slots=True)
class Name:
    """A value read from the environment by name."""

    name: str


@dataclass(frozen=True, slots=True)
class IdRef:
    """An id-function call such as ``tagged(public)``; reads ``env["tagged:public"]``."""

    function: str
    id: str

    @property
    def key(self) -> str:
        """The environment key this call reads."""
        return f"{self.function}:{self.id}"


@dataclass(frozen=True, slots=True)
class Unary:
    """``-x``, ``+x`` or ``not x``."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Arith:
    """Arithmetic ``+ - * / ** %`` evaluated left to right: ``first op1 x1 op2 x2 ...``.

    A left-associative chain such as ``a + b - c`` is one flat node, so long sums
    neither nest deeply nor recurse deeply when evaluated.
    """

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Compare:
    """A comparison, possibly chained: ``0 < x <= 1`` has two ops and three operands."""

    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Logical:
    """Elementwise ``and`` / ``or`` over two or more operands."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class IfElse:
    """``body if test else orelse``, elementwise."""

    test: Node
    body: Node
    orelse: Node


@dataclass(frozen=True, slots=True)
class Call:
    """A call of a function from the table in :mod:`kennan.compiler.functions`."""

    function: str
    args: tuple[Node, ...]


Node = Const | Name | IdRef | Unary | Arith | Compare | Logical | IfElse | Call
