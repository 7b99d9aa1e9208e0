"""Telegraphese expansion with a map back to the original text.

"Immed sitn wld" becomes "Immediate situation would"; every replaced stretch is a
:class:`Span` recording where it was in the original and where it is in the
expansion, so a quote can be found in either form and reported in the other.

The lexicon is data (``data/lexicon/``): ``telegraphese.tsv`` (the contractions the
FRUS lists leave out, with context rules for homographs) first, then a volume's own
list of terms when the source carries one, then ``frus_abbreviations.tsv`` (the FRUS
lists). Matching:

- a lexicon token in lower case, or with only an initial capital ("wld", "Govt"),
  matches whatever the case of the text; one with inner or all capitals ("FonMin",
  "POL") matches exactly, or (if not already all capitals) in all capitals; an exact
  match is preferred, so "POL" is petroleum, oil and lubricants while "pol" is policy
  after "fon" and political elsewhere;
- a token not in the lexicon but ending in a single "s" whose stem is ("negots",
  "POWs", "govts"; not "press") expands to the plural of the stem's expansion;
- case is kept: "Immed" -> "Immediate", "WLD" -> "WOULD"; proper names keep their
  capitals (a nationality keeps its capital however the token is written);
- single letters are never expanded, and words are whole words only (hyphens split
  words: "non-Commie" -> "non-Communist"; "re-examine" stays).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from kennan.read import lexicon as lexicon_files

_WORD = r"(?<![A-Za-z0-9])[A-Za-z]+(?![A-Za-z0-9])"
_CONTEXT_WINDOW = 60


@dataclass(frozen=True)
class Span:
    """One replaced stretch: ``original[start:end]`` became ``expanded[out_start:out_end]``."""

    start: int
    end: int
    out_start: int
    out_end: int
    token: str
    expansion: str


@dataclass(frozen=True)
class Expansion:
    """A text with its telegraphese expanded, and the map between the two."""

    original: str
    text: str
    spans: tuple[Span, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]``, widened to whole replaced tokens."""
        return self._map(start, True, "start"), self._map(end, True, "end")

    def to_expanded(self, start: int, end: int) -> tuple[int, int]:
        """The expanded span of ``original[start:end]``, widened to whole expansions."""
        return self._map(start, False, "start"), self._map(end, False, "end")

    def _map(self, pos: int, from_expanded: bool, side: str) -> int:
        if from_expanded:
            pairs = [(s.out_start, s.out_end, s.start, s.end) for s in self.spans]
        else:
            pairs = [(s.start, s.end, s.out_start, s.out_end) for s in self.spans]
        i = bisect.bisect_right([p[0] for p in pairs], pos) - 1
        if i < 0:
            return pos  # before every replacement: the texts agree
        a, b, c, d = pairs[i]
        if pos == a:
            return c
        if pos < b:  # inside a replaced stretch: widen to all of it
            return c if side == "start" else d
        return d + (pos - b)


@dataclass(frozen=True)
class _Rule:
    token: str
    expansion: str
    plural: str | None
    prev: re.Pattern[str] | None
    next: re.Pattern[str] | None

    def holds(self, before: str, after: str) -> bool:
        if self.prev is not None and not self.prev.search(before):
            return False
        return self.next is None or bool(self.next.search(after))


class Lexicon:
    """Rules by token, in priority order; built from rows (token, expansion, plural, context)."""

    def __init__(self, rows: list[tuple[str, str, str | None, str | None]]) -> None:
        self.exact: dict[str, list[_Rule]] = {}
        self.upper: dict[str, list[_Rule]] = {}
        self.folded: dict[str, list[_Rule]] = {}
        phrases: list[str] = []
        for token, expansion, plural, context in rows:
            token = token.strip()
            if len(token) < 2 or not expansion.strip():
                continue
            prev = nxt = None
            if context and context.startswith("prev:"):
                prev = re.compile(context[5:])
            elif context and context.startswith("next:"):
                nxt = re.compile(context[5:])
            rule = _Rule(token, expansion.strip(), plural or None, prev, nxt)
            if not re.fullmatch(r"[A-Za-z]+", token):
                phrases.append(token)
                self.exact.setdefault(token, []).append(rule)
                continue
            self.exact.setdefault(token, []).append(rule)
            if token[1:].islower() or token.islower():
                self.folded.setdefault(token.lower(), []).append(rule)
            elif not token.isupper():
                self.upper.setdefault(token.upper(), []).append(rule)
        # Every form a token may take to have rules: a quick "no" for ordinary words.
        self.known = frozenset(self.exact) | frozenset(self.upper) | frozenset(self.folded)
        alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
        phrase = rf"(?<![\w/])(?:{alternatives})(?![\w/])|" if alternatives else ""
        self.pattern = re.compile(phrase + _WORD)

    def rules(self, token: str) -> list[_Rule]:
        """Candidate rules for ``token`` (exact case first)."""
        if token not in self.known and token.lower() not in self.known:
            return []
        found = list(self.exact.get(token, ()))
        if token.isupper():
            found += self.upper.get(token, [])
        found += [r for r in self.folded.get(token.lower(), []) if r not in found]
        return found


Row = tuple[str, str, str | None, str | None]


def default_rows(terms: Mapping[str, str] | None = None,
                 first: Mapping[str, str] | None = None) -> list[Row]:
    """The shipped rows: ``first`` (what a document itself glosses), telegraphese.tsv, the
    telegram series designators of series.tsv, then ``terms`` (a source's own list), then
    the FRUS lists."""
    rows: list[Row] = [(k, v, None, None) for k, v in (first or {}).items() if v]
    rows += [
        (r["token"], r["expansion"], r.get("plural") or None, r.get("context") or None)
        for r in lexicon_files.read_table("telegraphese.tsv")
    ]
    # "Legtel 589", "Deptels 471 and 472": the designators that name a kind of telegram
    # (series indicators such as "Secto" or "Kentel" are names and stay as written).
    rows += [(r["designator"], r["meaning"], None, None)
             for r in lexicon_files.read_table("series.tsv")
             if not r["meaning"].startswith("series")]
    rows += [(k, v, None, None) for k, v in (terms or {}).items()]
    rows += [(r["abbreviation"], r["expansion"], None, None)
             for r in lexicon_files.read_table("frus_abbreviations.tsv")]
    # A series indicator ("Polto", "Delga") names a channel, not a word: it stays.
    return [(t, "-" if _SERIES.match(e) else e, pl, c) for t, e, pl, c in rows]


_SERIES = re.compile(r"^series (?:indicator|designator)\b", re.IGNORECASE)


@functools.cache
def default_lexicon() -> Lexicon:
    """The shipped lexicon (built once per process)."""
    return Lexicon(default_rows())


def lexicon_with(terms: Mapping[str, str] | None,
                 first: Mapping[str, str] | None = None) -> Lexicon:
    """The shipped lexicon, with a source's own list of terms before the FRUS lists and
    the forms a document glosses (``first``) before everything."""
    return Lexicon(default_rows(terms, first)) if terms or first else default_lexicon()


def expand(text: str, *, lexicon: Lexicon | None = None,
           once: Mapping[str, str] | None = None, seen: set[str] | None = None) -> Expansion:
    """Expand the telegraphese in ``text``; see the module docstring for the rules.

    ``once`` maps acronyms to expand only at their first occurrence, as "expansion
    (ACRONYM)", and to leave as written afterwards; ``seen`` holds those already shown
    (updated in place, so that a document's paragraphs can share it).
    """
    lex = lexicon or default_lexicon()
    once = once or {}
    seen = set() if seen is None else seen
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in lex.pattern.finditer(text):
        token = m.group(0)
        if token in once:
            if token in seen:
                continue
            seen.add(token)
            replacement: str | None = f"{once[token]} ({token})"
        else:
            replacement = _expansion_of(lex, token, text, m.start(), m.end())
        if replacement is None or replacement == token:
            continue
        gap = text[pos:m.start()]
        out.append(gap)
        length += len(gap)
        out.append(replacement)
        spans.append(Span(m.start(), m.end(), length, length + len(replacement), token,
                          replacement))
        length += len(replacement)
        pos = m.end()
    out.append(text[pos:])
    return Expansion(text, "".join(out), tuple(spans))


def _expansion_of(lex: Lexicon, token: str, text: str, start: int, end: int) -> str | None:
    before = text[max(0, start - _CONTEXT_WINDOW):start]
    after = text[end:end + _CONTEXT_WINDOW]
    rule = _choose(lex.rules(token), before, after)
    plural = False
    if rule is None and len(token) > 2 and token[-1] in "sS" and token[-2] not in "sS":
        rule = _choose(lex.rules(token[:-1]), before, after)
        plural = rule is not None
        token_stem = token[:-1]
    else:
        token_stem = token
    if rule is None or rule.expansion == "-":
        return None
    expansion = rule.expansion
    if plural:
        expansion = rule.plural or _plural(expansion)
    return _match_case(expansion, token_stem, rule.token)


def _choose(rules: list[_Rule], before: str, after: str) -> _Rule | None:
    for rule in rules:
        if (rule.prev is not None or rule.next is not None) and rule.holds(before, after):
            return rule
    return next((r for r in rules if r.prev is None and r.next is None), None)


def _match_case(expansion: str, token: str, lexicon_token: str) -> str:
    if len(token) > 1 and token.isupper() and not lexicon_token.isupper():
        return expansion.upper()
    if token == lexicon_token or not re.fullmatch(r"[A-Za-z]+", token):
        return expansion
    if token[0].isupper() and expansion[:1].islower():
        return expansion[0].upper() + expansion[1:]
    return expansion


def _plural(phrase: str) -> str:
    """English plural of a phrase's head noun ("prisoner of war" -> "prisoners of war")."""
    words = phrase.split(" ")
    head = next((i - 1 for i, w in enumerate(words) if w in ("of", "for", "in", "on") and i), None)
    i = head if head is not None else len(words) - 1
    words[i] = _plural_word(words[i])
    return " ".join(words)


def _plural_word(word: str) -> str:
    if word.endswith("ese"):  # nationalities in -ese
        return word
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(?:s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"
