"""What an expression may read: value names and the ids each id-function accepts."""

from __future__ import annotations

import keyword
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from kennan.compiler.functions import FUNCTIONS

_KEYWORDS = frozenset(keyword.kwlist)


@dataclass(frozen=True)
class Namespace:
    """Every name an expression may read, and the id-functions it may call.

    ``values`` maps each readable name to its kind ("state", "judgment", "time", ...),
    used only in messages. ``id_functions`` maps a function whose single argument is a
    bare id (``tagged(public)``) to the ids it accepts; such a call reads the
    environment key ``"tagged:public"``.
    """

    values: Mapping[str, str]
    id_functions: Mapping[str, Collection[str]] = field(default_factory=dict)
    #: Names that exist but cannot be read as values, each with the reason and what to
    #: read instead (an outcome, a metric): used only in messages.
    unreadable: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Plain dicts and frozensets: cheap lookups, and the namespace pickles, so a
        # compiled Expression can be rebuilt in another process from its source.
        object.__setattr__(self, "values", {str(k): str(v) for k, v in self.values.items()})
        object.__setattr__(self, "unreadable",
                           {str(k): str(v) for k, v in self.unreadable.items()})
        ids = {str(k): frozenset(str(i) for i in v) for k, v in self.id_functions.items()}
        object.__setattr__(self, "id_functions", ids)
        clash = sorted(set(ids) & set(FUNCTIONS))
        if clash:
            raise ValueError(f"id-functions {clash} shadow built-in expression functions")

    def __hash__(self) -> int:
        return hash(
            (
                frozenset(self.values.items()),
                frozenset(self.id_functions.items()),  # type: ignore[arg-type]
                frozenset(self.unreadable.items()),
            )
        )

    def id_owner(self, name: str) -> list[str]:
        """The id-functions that accept ``name`` as an id (for messages)."""
        return sorted(f for f, ids in self.id_functions.items() if name in ids)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be written in an expression, or None when it can.

    Ids must be usable as names: ``soviet-pressure`` would read as a subtraction and
    ``lambda`` is a keyword. Schema checks call this on every id a namespace will hold.
    """
    if not name.isidentifier():
        return (
            f"{name!r} cannot be used in expressions: a name is a letter or '_' "
            "followed by letters, digits or '_'"
        )
    if name in _KEYWORDS:
        return f"{name!r} cannot be used in expressions: it is a keyword"
    if unicodedata.normalize("NFKC", name) != name:
        # The parser reads names in NFKC form, so this one could never match itself.
        return (
            f"{name!r} cannot be used in expressions: write it as "
            f"{unicodedata.normalize('NFKC', name)!r}"
        )
    return None
