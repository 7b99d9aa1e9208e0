"""A whole document's telegraphese: its volume's glosses, acronyms shown once, and what
was left unexpanded.

A FRUS TEI volume marks the abbreviations it glosses (``<gloss target="#t_GDR1">GDR
</gloss>``) and lists their expansions. When reading a document from a volume:

- a glossed acronym (all capitals: "GDR", "SAG", "WSBURNT") is expanded at its first
  occurrence in the document as "German Democratic Republic (GDR)" and left as written
  afterwards, as an editor would;
- a glossed contraction ("FedRep", "Mytel", "Chinat") is expanded everywhere, from the
  volume's own list, before the shipped lexicon;
- the volume's list of terms is used for its other abbreviations, after the shipped
  telegraphese;
- an acronym no list knows but the document spells out itself ("SA" in a telegram to the
  "Legation in Saudi Arabia": the initials of capitalised words of its heading or text)
  is shown once in the same way.

:func:`unexpanded` lists the tokens that look like abbreviations but were not expanded
(capitals the lexicons do not know, glosses whose term the file does not hold, words
without a vowel), so a reader sees what the expansion missed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from kennan.read.document import Document
from kennan.read.telegraphese import Expansion, Lexicon, expand, lexicon_with

_ROMAN = re.compile(r"^[IVXLCDM]+$")
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z]*(?![A-Za-z0-9])")
#: Capitals and vowel-less words a reader does not expand (titles, units, "US").
_KEEP = frozenset({
    "US", "OK", "AM", "PM", "Mr", "Mrs", "Messrs", "Dr", "St", "Jr", "Sr", "Ms", "Nr", "Pvt",
    "TV", "Z",
})


def _is_acronym(form: str) -> bool:
    return len(form) >= 2 and form.isalpha() and form.isupper()


def once_forms(doc: Document) -> dict[str, str]:
    """Acronyms of ``doc`` to expand once: those it spells out itself, the capitals of its
    volume's list of terms, and those it glosses (later entries win)."""
    out = _spelled_out(doc)
    out.update({k: v for k, v in doc.terms.items() if _is_acronym(k)})
    out.update({k: v for k, v in doc.glossed.items() if _is_acronym(k) and v})
    return out


_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of\s+(?:the\s+)?|and\s+)?[A-Z][a-z]+){1,3}")
_SMALL = frozenset({"of", "the", "and"})


def _spelled_out(doc: Document) -> dict[str, str]:
    """Acronyms of two to four capitals that no lexicon knows, each with the first run of
    capitalised words in ``doc`` (heading first) whose initials spell it."""
    lex = document_lexicon(doc)
    texts = [doc.heading or "", *(p.text for p in doc.paragraphs)]
    wanted = {m.group(0) for t in texts[1:] for m in re.finditer(r"\b[A-Z]{2,4}\b", t)}
    wanted = {w for w in wanted if w not in _KEEP and not _ROMAN.match(w) and not lex.rules(w)
              and w not in doc.glossed}
    out: dict[str, str] = {}
    for text in texts:
        for m in _NAME.finditer(text):
            words = [w for w in m.group(0).split() if w not in _SMALL]
            for size in range(2, min(4, len(words)) + 1):
                for i in range(len(words) - size + 1):
                    initials = "".join(w[0] for w in words[i:i + size])
                    if initials in wanted and initials not in out:
                        out[initials] = " ".join(words[i:i + size])
    return out


def document_lexicon(doc: Document) -> Lexicon:
    """The lexicon for ``doc``: its glossed contractions first, then the shipped rows with
    its volume's terms."""
    first = {k: v for k, v in doc.glossed.items() if v and not _is_acronym(k)}
    return lexicon_with(doc.terms, first)


def expand_document(doc: Document) -> list[Expansion]:
    """The expansion of each paragraph of ``doc``, in order (acronyms shown once)."""
    lex = document_lexicon(doc)
    once = once_forms(doc)
    seen: set[str] = set()
    return [expand(p.text, lexicon=lex, once=once, seen=seen) for p in doc.paragraphs]


def unexpanded(doc: Document, expansions: list[Expansion] | None = None) -> list[str]:
    """Tokens of ``doc`` that look like abbreviations and were not expanded, most
    frequent first (then alphabetically)."""
    expansions = expand_document(doc) if expansions is None else expansions
    once = once_forms(doc)
    unknown_glosses = {k for k, v in doc.glossed.items() if not v}
    found: Counter[str] = Counter()
    for exp in expansions:
        covered = [(s.start, s.end) for s in exp.spans]
        for m in _TOKEN.finditer(exp.original):
            token = m.group(0)
            if any(a <= m.start() < b for a, b in covered) or token in once:
                continue
            if _looks_abbreviated(token) or token in unknown_glosses:
                found[token] += 1
    return [t for t, _ in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))]


def _looks_abbreviated(token: str) -> bool:
    if token in _KEEP or len(token) < 2:
        return False
    if token.isupper():
        return not _ROMAN.match(token)
    return not re.search(r"[aeiouyAEIOUY]", token)


def glossary(doc: Document) -> Mapping[str, str]:
    """Every form ``doc`` glosses with the volume's expansion ("" when the file does not
    hold the term)."""
    return dict(doc.glossed)
