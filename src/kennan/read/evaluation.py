"""Scoring telegraphese expansion against hand-checked expansions.

A gold file (tab-separated: file, doc, paragraph, token, expansion) lists, in order, every
token of a document's body paragraphs that a reader would expand, with the expansion,
and the abbreviations a reader leaves as written (expansion ``=``). Every other word is
an ordinary word, which must stay as written. :func:`score` counts, for one document,
the tokens expanded correctly and the words expanded that should not have been.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kennan.read.document import Document
from kennan.read.expansion import expand_document

_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+(?![A-Za-z0-9])")


@dataclass(frozen=True)
class GoldRow:
    """One hand-checked token: where it is and what it should become (``=``: as written)."""

    file: str
    doc: str
    paragraph: int
    token: str
    expansion: str


@dataclass(frozen=True)
class Score:
    """Counts for one or more documents; ``misses`` and ``false`` name the tokens."""

    expected: int = 0
    correct: int = 0
    ordinary: int = 0
    wrong: int = 0
    misses: tuple[str, ...] = ()
    false: tuple[str, ...] = ()

    @property
    def recall(self) -> float:
        """Share of the tokens a reader would expand that were expanded correctly."""
        return self.correct / self.expected if self.expected else 1.0

    @property
    def false_rate(self) -> float:
        """Share of ordinary words (and words to leave) that were expanded."""
        return self.wrong / self.ordinary if self.ordinary else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.expected + other.expected, self.correct + other.correct,
                     self.ordinary + other.ordinary, self.wrong + other.wrong,
                     self.misses + other.misses, self.false + other.false)


def read_gold(path: str | Path) -> list[GoldRow]:
    """The rows of a gold file (lines starting with ``#`` are comments)."""
    lines = [ln for ln in Path(path).read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [GoldRow(r["file"], r["doc"], int(r["paragraph"]), r["token"], r["expansion"])
            for r in rows]


def read_documents(path: str | Path) -> list[tuple[str, str, str]]:
    """(file, doc id, volume) of each row of a documents file (columns file, doc, volume)."""
    lines = [ln for ln in Path(path).read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(r["file"], r["doc"], r["volume"]) for r in rows]


def score(doc: Document, gold: Iterable[GoldRow]) -> Score:
    """Score the expansion of ``doc`` against its gold rows (rows of other paragraphs of
    the same document, in order)."""
    by_paragraph: dict[int, list[GoldRow]] = {}
    for row in gold:
        by_paragraph.setdefault(row.paragraph, []).append(row)
    total = Score()
    for para, exp in zip(doc.paragraphs, expand_document(doc), strict=True):
        total = total + _score_paragraph(para.text, exp.spans, by_paragraph.get(para.n, []))
    return total


def _score_paragraph(text: str, spans: Sequence, rows: list[GoldRow]) -> Score:
    by_start = {s.start: s for s in spans}
    claimed: set[int] = set()
    expected = correct = wrong = 0
    misses: list[str] = []
    false: list[str] = []
    cursor = 0
    for row in rows:
        m = re.compile(rf"(?<![A-Za-z0-9]){re.escape(row.token)}(?![A-Za-z0-9])").search(
            text, cursor)
        if m is None:
            raise ValueError(f"{row.file} {row.doc} paragraph {row.paragraph}: gold token "
                             f"{row.token!r} not found after position {cursor}")
        cursor = m.end()
        claimed.update(range(m.start(), m.end()))
        span = by_start.get(m.start())
        if row.expansion == "=":
            if span is not None:
                wrong += 1
                false.append(f"{row.token} -> {span.expansion}")
            continue
        expected += 1
        # A span may take the abbreviation's full stop with it ("Dec." -> "December").
        same = span is not None and span.token.rstrip(".") == row.token.rstrip(".")
        if same and span.expansion == row.expansion:
            correct += 1
        else:
            misses.append(f"{row.token} -> {span.expansion if span else row.token} "
                          f"(expected {row.expansion})")
    words = [m for m in _WORD.finditer(text) if m.start() not in claimed]
    for m in words:
        span = by_start.get(m.start())
        if span is not None:
            wrong += 1
            false.append(f"{span.token} -> {span.expansion}")
    leave = sum(1 for r in rows if r.expansion == "=")
    return Score(expected, correct, len(words) + leave, wrong, tuple(misses), tuple(false))
