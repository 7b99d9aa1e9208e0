"""Estimative language: the sentences of a document that carry a judgment.

A sentence carries a judgment when it holds one of the phrases of
``data/lexicon/estimative.tsv`` ("probably", "surely", "think it possible", "must
assume", "cannot see", "believe", ...). Each such sentence is reported once, with its
first phrase (as the vocabularies name it), where it is in its paragraph, and the actors
it mentions. The probability a phrase stands for is the business of the scenario's
vocabularies, not of this module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kennan.read import lexicon
from kennan.read.actors import Gazetteer, default_gazetteer
from kennan.read.document import Paragraph

# Words after which a full stop does not end a sentence.
_NO_BREAK_AFTER = frozenset({
    "mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "maj", "capt", "adm",
    "sen", "rep", "gov", "amb", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "para", "paras", "e.g", "i.e", "cf", "vol", "p", "pp",
    "ibid", "op", "viz", "vs", "a.m", "p.m", "u.s", "u.k", "u.n", "u.s.s.r", "fig",
})
_END = re.compile(r"[.!?]+[\u201d\"'\u2019)\]]*(?=\s+|$)")
_STARTS_SENTENCE = re.compile(r"^\s+[\"\u201c\u2018'(\[]?[A-Z0-9]")


@dataclass(frozen=True)
class EstimativeSentence:
    """A sentence that carries a judgment.

    ``start``/``end`` locate the sentence in its paragraph's text, ``phrase_start``/
    ``phrase_end`` the phrase as written (``matched``); ``phrase`` is the name the
    vocabularies give it; ``actors`` are gazetteer ids in order of first mention.
    """

    paragraph: int
    sentence: str
    start: int
    end: int
    phrase: str
    matched: str
    phrase_start: int
    phrase_end: int
    actors: tuple[str, ...]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``.

    A sentence ends at ".", "!" or "?" (with closing quotes or brackets) before a space
    and a capital, digit or opening quote, except after an abbreviation ("Mr.", "Jan.",
    "i.e."), an initial ("U. Alexis Johnson") or the telegram number that opens a
    paragraph ("3643." or "Tedul 5.").
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if not _STARTS_SENTENCE.match(text[m.end():]) and m.end() < len(text):
            continue
        word = re.search(r"([A-Za-z.]+)$", text[start:m.start()])
        last = word.group(1).lower().strip(".") if word else ""
        if m.group(0) == "." and (last in _NO_BREAK_AFTER or re.fullmatch(r"[a-z]", last)):
            continue
        if m.group(0) == "." and last in ("no", "nos") and re.match(r"^\s+\d", text[m.end():]):
            continue  # "No. 104"
        opening = text[start:m.start()].strip()
        if start == 0 and re.fullmatch(r"(?:[A-Z][\w-]*\s+)?[A-Z]?[\u2013-]?\d{1,5}", opening):
            continue  # "3643." or "Tedul 5." opening the paragraph
        spans.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


@functools.cache
def _phrase_pattern() -> tuple[re.Pattern[str], tuple[str, ...]]:
    rows = lexicon.read_table("estimative.tsv")
    names = tuple(r["phrase"] for r in rows)
    alternatives = "|".join(f"(?P<p{i}>{r['pattern']})" for i, r in enumerate(rows))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE), names


def find_phrases(text: str) -> list[tuple[str, int, int]]:
    """(vocabulary phrase, start, end) of every estimative phrase in ``text``, in order."""
    pattern, names = _phrase_pattern()
    out = []
    for m in pattern.finditer(text):
        index = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        out.append((names[index], m.start(), m.end()))
    return out


def find_judgments(
    paragraphs: Iterable[Paragraph], *, gazetteer: Gazetteer | None = None
) -> list[EstimativeSentence]:
    """Every sentence of ``paragraphs`` that carries an estimative phrase, in order."""
    gaz = gazetteer or default_gazetteer()
    out = []
    for para in paragraphs:
        phrases = find_phrases(para.text)
        if not phrases:
            continue
        for start, end in split_sentences(para.text):
            inside = [p for p in phrases if start <= p[1] and p[2] <= end]
            if not inside:
                continue
            name, p_start, p_end = inside[0]
            sentence = para.text[start:end]
            out.append(EstimativeSentence(
                paragraph=para.n, sentence=sentence, start=start, end=end, phrase=name,
                matched=para.text[p_start:p_end], phrase_start=p_start, phrase_end=p_end,
                actors=gaz.mentioned(sentence),
            ))
    return out
