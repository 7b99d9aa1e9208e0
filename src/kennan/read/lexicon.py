"""Word lists the readers need, loaded from ``kennan/data/lexicon/`` (see its README).

Each loader reads its file once per process and returns an immutable value.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType


def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a tab-separated file in ``data/lexicon/`` as dicts (header row gives keys)."""
    text = resources.files("kennan").joinpath("data", "lexicon", name).read_text("utf-8")
    rows = csv.DictReader(
        (ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")),
        delimiter="\t",
        quoting=csv.QUOTE_NONE,
    )
    return tuple(dict(r) for r in rows)


@functools.cache
def classification_words() -> tuple[tuple[str, str], ...]:
    """(phrase, kind) pairs, longest phrase first, kind being level, precedence or caveat."""
    rows = [(r["phrase"].lower(), r["kind"]) for r in read_table("classification.tsv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@functools.cache
def series_designators() -> Mapping[str, str]:
    """Lower-case telegram series designator -> its usual spelling (deptel -> Deptel)."""
    return MappingProxyType({r["designator"]: r["canonical"] for r in read_table("series.tsv")})


@functools.cache
def precedence_rank() -> Mapping[str, int]:
    """Precedence -> urgency rank (higher is more urgent), from the order of the rows."""
    table = read_table("classification.tsv")
    rows = [r["phrase"].lower() for r in table if r["kind"] == "precedence"]
    return MappingProxyType({p: len(rows) - i for i, p in enumerate(rows)})


@functools.cache
def vocabulary_aliases() -> tuple[str, ...]:
    """The aliases of the estimative vocabularies (``data/vocabularies/aliases.csv``), in
    file order: the phrases the reader detects and the scenario language reads."""
    text = resources.files("kennan").joinpath("data", "vocabularies", "aliases.csv").read_text(
        "utf-8")
    return tuple(r["alias"].strip() for r in csv.DictReader(text.splitlines()))
