"""The grammar of a hedge: what an estimative phrase says, whoever writes it and however.

Diplomats write the same judgment many ways: "I doubt", "we doubt", "doubt";
"is not likely", "not likely"; "they are unlikely to"; "I don't believe". The
vocabularies match a phrase first as written, then by its *key*, which this module
computes:

- case, underscores and spacing do not matter, typographic apostrophes are plain;
- contractions open up: "don't" -> "do not", "won't" -> "will not", "cannot" -> "can not";
- a leading subject ("I", "we", "they", "he", "she", "you") and a leading "it is",
  "there is" go: the judgment is the same whoever holds it;
- auxiliaries and the copula go ("do not believe" -> "not believe", "might be
  possible" -> "might possible"), and so do a trailing "to", "that" or "whether";
- a negation ("not", "never") is pulled to the front: "will not" -> "not will",
  "is not likely" -> "not likely". Two negations cancel.

A negated phrase means what ``aliases.csv`` says it means: negation is not one rule
("might not" keeps the modal's doubt, "could not" denies the possibility), so each
negation a vocabulary reads is a row with its reason. :func:`meaning_words` gives the
words that suggest a known phrase by meaning ("evident" -> "it is clear").
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

__all__ = ["PhraseKey", "meaning_words", "phrase_key"]

_SUBJECTS = frozenset({"i", "we", "they", "he", "she", "you"})
_AUXILIARIES = frozenset({
    "am", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "'s",
})
_NEGATIONS = frozenset({"not", "never"})
_TRAILING = frozenset({"to", "that", "whether", "if"})
_OPENERS = (("it", "is"), ("it", "was"), ("there", "is"), ("there", "was"))
_CONTRACTIONS = (
    (re.compile(r"\bcan'?t\b|\bcannot\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bshan'?t\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'s\b"), " is"),
    (re.compile(r"\bi'm\b"), "i am"),
)


@dataclass(frozen=True)
class PhraseKey:
    """A phrase reduced to what it says: its words (without negation) and whether it is
    negated. ``text`` is the matching key ("not believe")."""

    words: tuple[str, ...]
    negated: bool

    @property
    def text(self) -> str:
        """The key as one string: "not " before the words when negated."""
        return ("not " if self.negated else "") + " ".join(self.words)

    @property
    def positive(self) -> str:
        """The key of the phrase without its negation."""
        return " ".join(self.words)


def phrase_key(phrase: str) -> PhraseKey:
    """The key of ``phrase`` (see the module docstring); never raises."""
    text = " ".join(phrase.replace("_", " ").replace("\u2019", "'").casefold().split())
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    words = [w.strip(".,;:!?\"()") for w in text.split()]
    words = [w for w in words if w]
    if len(words) > 1 and words[0] in _SUBJECTS:
        words = words[1:]
    if len(words) > 2 and tuple(words[:2]) in _OPENERS:
        words = words[2:]
    negated = sum(w in _NEGATIONS for w in words) % 2 == 1
    kept = [w for w in words if w not in _NEGATIONS and w not in _AUXILIARIES]
    while len(kept) > 1 and kept[-1] in _TRAILING:
        kept.pop()
    if not kept:  # nothing but auxiliaries: keep the words as they are
        kept = [w for w in words if w not in _NEGATIONS] or words
    return PhraseKey(tuple(kept), negated)


@functools.cache
def meaning_words() -> Mapping[str, str]:
    """Word -> the alias it suggests by meaning, from ``vocabularies/meanings.csv``."""
    text = resources.files("kennan.data.vocabularies").joinpath("meanings.csv").read_text(
        encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return MappingProxyType({r["word"].strip().casefold(): r["means"].strip() for r in rows})
