"""Estimative language: the sentences of a document that carry a judgment.

The reader's vocabulary is the scenario language's: every alias of the estimative
vocabularies (``data/vocabularies/aliases.csv``: "probably", "surely", "might", "it is
clear", "will", "capable of", "I do not believe", ...) is detected, by its surface
pattern in ``data/lexicon/estimative.tsv`` or else by its words. A sentence yields one
judgment per clause that holds a phrase (clauses end at ";", ":", a dash, "nor", and a
comma before a conjunction or a new subject), with the clause's first phrase, unless
that phrase only frames the judgment ("in my judgment") and another follows. Each
judgment says where it is, the actors the sentence mentions, the actor it is about
(the nearest actor named before the phrase in its paragraph, else the first after it
in the sentence) and its condition ("if ..." before the phrase in the sentence). The
probability a phrase stands for is the business of the scenario's vocabularies.
"""

from __future__ import annotations

import functools
import itertools
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
    vocabularies give it; ``actors`` are gazetteer ids in order of first mention;
    ``actor`` the one the judgment is about, if named; ``condition`` the "if ..."
    clause it depends on, if any.
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
    actor: str | None = None
    condition: str | None = None


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


_CLAUSE_END = re.compile(
    r"[;:\u2014]|\s--\s|\bnor\b|,\s+(?=(?:and|but|while|whereas|although|though|yet|"
    r"they|he|she|it|we|I)\b)")
_CONDITION = re.compile(r"\b(?:if|unless|should|provided|in case|in the event)\b[^;:.]*?"
                        r"(?=,|\s+(?:then|they|he|she|it|we)\b|$)", re.IGNORECASE)


@functools.cache
def _phrase_pattern() -> tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...]]:
    rows = list(lexicon.read_table("estimative.tsv"))
    aliases = {a.casefold(): a for a in lexicon.vocabulary_aliases()}
    named = {r["phrase"].casefold() for r in rows}
    # One vocabulary for the reader and the scenario language: a gap is a data bug.
    if named ^ set(aliases):
        raise RuntimeError(
            "estimative.tsv and vocabularies/aliases.csv disagree: "
            + ", ".join(sorted(named ^ set(aliases))))
    names = tuple(r["phrase"] for r in rows)
    kinds = tuple((r.get("kind") or "").strip() for r in rows)
    alternatives = "|".join(f"(?P<p{i}>{r['pattern']})" for i, r in enumerate(rows))
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)
    return pattern, names, kinds


def _kind(phrase: str) -> str:
    _, names, kinds = _phrase_pattern()
    return kinds[names.index(phrase)]


def find_phrases(text: str) -> list[tuple[str, int, int]]:
    """(vocabulary phrase, start, end) of every estimative phrase in ``text``, in order."""
    pattern, names, _ = _phrase_pattern()
    out = []
    for m in pattern.finditer(text):
        index = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        out.append((names[index], m.start(), m.end()))
    return out


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the clauses of the sentence ``text[start:end]``."""
    cuts = [start] + [m.start() for m in _CLAUSE_END.finditer(text, start, end)] + [end]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def find_judgments(
    paragraphs: Iterable[Paragraph], *, gazetteer: Gazetteer | None = None
) -> list[EstimativeSentence]:
    """Every judgment of ``paragraphs``: one per clause holding an estimative phrase."""
    gaz = gazetteer or default_gazetteer()
    out = []
    for para in paragraphs:
        phrases = find_phrases(para.text)
        if not phrases:
            continue
        mentions = gaz.find(para.text)
        for start, end in split_sentences(para.text):
            sentence = para.text[start:end]
            for c_start, c_end in clauses(para.text, start, end):
                chosen = _choose(para.text, c_start,
                                 [p for p in phrases if c_start <= p[1] and p[2] <= c_end])
                if chosen is None:
                    continue
                name, p_start, p_end = chosen
                out.append(EstimativeSentence(
                    paragraph=para.n, sentence=sentence, start=start, end=end, phrase=name,
                    matched=para.text[p_start:p_end], phrase_start=p_start, phrase_end=p_end,
                    actors=gaz.mentioned(sentence),
                    actor=_actor(mentions, p_start, start, end),
                    condition=_condition(para.text[start:p_start]),
                ))
    return out


_SUBORDINATE = re.compile(
    r"\b(?:which|that|who|whom|whose|whereby|order|so|as|what|whatever|where|when|lest|"
    r"whether|if|unless)\b(?:\s+\S+){0,3}\s*$", re.IGNORECASE)
_INSIDE_CONDITION = re.compile(r"\b(?:if|unless|whether|lest)\b[^,;:]*$", re.IGNORECASE)


def _choose(text: str, clause_start: int,
            inside: list[tuple[str, int, int]]) -> tuple[str, int, int] | None:
    """The clause's judgment: its first likelihood phrase, else its first modal that is
    the clause's own, else its first frame."""
    modals = [p for p in inside if _kind(p[0]) == "modal"
              and not _SUBORDINATE.search(text[clause_start:p[1]])
              and not _INSIDE_CONDITION.search(text[clause_start:p[1]])]
    for group in ([p for p in inside if _kind(p[0]) == ""], modals,
                  [p for p in inside if _kind(p[0]) == "frame"]):
        if group:
            return group[0]
    return None


def _actor(mentions: list[tuple[str, int, int]], at: int, start: int, end: int) -> str | None:
    """The actor a judgment is about: the nearest named before the phrase in its sentence,
    else the first named after it there, else (a pronoun's antecedent) the nearest named
    before the sentence in the paragraph."""
    in_sentence = [m for m in mentions if start <= m[1] and m[2] <= end]
    before = [m for m in in_sentence if m[2] <= at]
    if before:
        return before[-1][0]
    if in_sentence:
        return in_sentence[0][0]
    earlier = [m for m in mentions if m[2] <= start]
    return earlier[-1][0] if earlier else None


_CONDITION_WORD = re.compile(r"\b(?:if|unless|provided|in case|in the event)\b",
                             re.IGNORECASE)
_SUBJECT = re.compile(r"\b(?:they|he|she|it|we|I|this|there)\b")


def _condition(before: str) -> str | None:
    """The last "if ..." clause of ``before`` (the sentence up to the phrase), up to its
    comma or to the main clause's subject."""
    found = list(_CONDITION_WORD.finditer(before))
    if not found:
        return None
    text = before[found[-1].start():].split(",")[0]
    words = list(re.finditer(r"\S+", text))
    # The main clause's subject: the last pronoun a few words into the condition.
    subjects = [m for m in _SUBJECT.finditer(text)
                if sum(1 for w in words if w.start() < m.start()) >= 3]
    if subjects:
        text = text[:subjects[-1].start()]
    return text.strip() or None
