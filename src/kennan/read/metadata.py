"""Telegram metadata from text: heading, classification line, dateline, number, references.

These rules serve both readers: the plain-text reader finds the front matter by them,
and the TEI reader uses them on the text of elements whose markup varies between
volumes (a classification in ``<p rend="flushleft">`` or in small capitals inside
``<opener>``). Word lists (classification levels, precedences, telegram series
designators) are data, in ``kennan/data/lexicon/``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from kennan.read import lexicon
from kennan.read.document import Document, normalise_space
from kennan.read.references import find_references

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_TIME = (r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\.?"
         r"|(?P<noon>noon|midnight)")
_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][^,\d\[\]]{{1,60}}?),\s+(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}),\s*"
    rf"(?P<year>\d{{4}})(?:\s*(?:[\u2014\u2013-]+|,)\s*(?:{_TIME}))?\.?(?:\s*\[Received.*\])?\s*$",
    re.IGNORECASE,
)
_SOURCE_NOTE = re.compile(
    r"^(?:Source:|\d{3}(?:\.\d+)?[A-Z]*/\S+(?:\s*:\s*|\s+)(?:Telegram|Despatch|Airgram)|"
    r"(?:Lot|FE files|Secretary's Memoranda)\b.*:\s*Telegram)",
    re.IGNORECASE,
)
_HEAD_NUMBER = re.compile(r"^\d{1,4}\.\s+(?=[A-Z])")
_DOC_FORMS = re.compile(
    r"^(?:Telegram|Memorandum|Letter|Message|Despatch|Airgram|Note|Circular)\b.{0,60}?\b(?:from|by)\s+",
    re.IGNORECASE,
)
_SENTENCE_END = ".?!;:"
# Telegram series designators not in the lexicon still have a shape: a post or person
# and "tel" (Cantel), "Tel"/"To" and a post (Telcan, Tosec), a person and "te"/"to".
_DESIGNATOR_SHAPE = re.compile(
    r"^(?:[A-Z][a-z]{1,8}tel|Tel[a-z]{2,5}|To[a-z]{3,5}|[A-Z][a-z]{2,5}t[eo])$"
)


def front_matter_kind(text: str, *, first: bool) -> str | None:
    """Which kind of front matter ``text`` is ("heading", "classification", "dateline",
    "number", "source", "received"), or None if it is body text."""
    text = normalise_space(text)
    if not text:
        return None
    if _DATELINE.match(text):
        return "dateline"
    if document_number(text):
        return "number"
    if _SOURCE_NOTE.match(text):
        return "source"
    if re.match(r"^\[Received\b.*\]$", text):
        return "received"
    if classification(text) is not None:
        return "classification"
    if first and _looks_like_heading(text):
        return "heading"
    return None


def _looks_like_heading(text: str) -> bool:
    core = re.sub(r"\s?\d{1,2}$", "", text)  # a footnote marker may end the heading
    return 0 < len(core.split()) <= 40 and core[-1:] not in _SENTENCE_END


def classification(
    text: str, *, lenient: bool = False
) -> tuple[str | None, str | None, tuple[str, ...]] | None:
    """Split a classification line into (level, precedence, handling caveats).

    "top secret" -> ("top secret", None, ()); "Secret—Niact" -> ("secret", "niact", ());
    "Top Secret Security Information—Eyes Only" -> ("top secret", None,
    ("security information", "eyes only")). None if the line is anything else.
    ``lenient`` (for a source note's "Secret; Official–Informal; Limit Distribution.")
    takes unknown short ";"-separated parts after a level as caveats.
    """
    words = lexicon.classification_words()
    rest = normalise_space(text).lower().strip(" .")
    rest = re.sub(r"(?<=\w)[\u2013\u2011](?=\w)", "-", rest)  # "official–informal"
    if not rest or len(rest.split()) > (20 if lenient else 12):
        return None
    level = precedence = None
    caveats: list[str] = []
    seps = re.compile(r"^(?:[\s\u2014\u2013\-;,/:]+|and\b)")
    while rest:
        m = seps.match(rest)
        if m and m.end():
            rest = rest[m.end():]
            continue
        for phrase, kind in words:
            after = rest[len(phrase): len(phrase) + 1]
            if rest.startswith(phrase) and not after.isalnum():
                if kind == "level" and level is None:
                    level = phrase
                elif kind == "precedence" and precedence is None:
                    precedence = phrase
                else:
                    caveats.append(phrase)
                rest = rest[len(phrase):]
                break
        else:
            part = re.match(r"^[^;]{1,40}", rest)
            if not (lenient and (level or precedence) and part and len(part.group(0).split()) <= 5):
                return None
            caveats.append(part.group(0).strip())
            rest = rest[part.end():]
    if level is None and precedence is None and not caveats:
        return None
    return level, precedence, tuple(caveats)


def document_number(text: str) -> str | None:
    """The number of a line that is nothing but a despatch or telegram number
    ("No. 129", "[No. 363.]", "No. A-139"), else None."""
    m = re.fullmatch(r"\[?No\.\s*((?:[A-Z][\u2013\u2011-])?\d{1,5})\.?\]?",
                     normalise_space(text))
    return re.sub(r"[\u2013\u2011]", "-", m.group(1)) if m else None


def higher_precedence(a: str | None, b: str | None) -> str | None:
    """The more urgent of two precedences (flash > niact > immediate > priority > routine)."""
    rank = lexicon.precedence_rank()
    if a is None or b is None:
        return a or b
    return a if rank.get(a, 0) >= rank.get(b, 0) else b


def split_heading(heading: str) -> tuple[str | None, str | None]:
    """Sender and addressee of a FRUS heading ("The Chargé in India (Steere) to the
    Secretary of State", "Telegram From X to Y"); a memorandum "by X" with no
    addressee gives (X, None); anything else without a "to" gives (None, None)."""
    text = _HEAD_NUMBER.sub("", normalise_space(heading))
    form = _DOC_FORMS.match(text)
    text = text[form.end():] if form else text
    depth = 0
    cuts: list[int] = []
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and text.startswith(" to ", i):
            cuts.append(i)
    if not cuts:
        by = form is not None and form.group(0).rstrip().lower().endswith("by")
        return (text.strip() or None) if by else None, None
    # The sender's name in parentheses usually ends right before the "to" that splits
    # ("Special Assistant to the President (Jackson) to the Secretary").
    after_name = [c for c in cuts if text[c - 1] == ")"]
    cut = after_name[0] if after_name else cuts[0]
    return text[:cut].strip(), text[cut + 4:].strip()


def parse_dateline(text: str) -> tuple[str | None, str | None]:
    """(place, ISO date or date-time) of a dateline "New Delhi, June 15, 1951—4 p. m."."""
    m = _DATELINE.match(normalise_space(text))
    if not m:
        return None, None
    month = MONTHS[m.group("month").lower().rstrip(".")]
    iso = f"{int(m.group('year')):04d}-{month:02d}-{int(m.group('day')):02d}"
    hour: int | None = None
    minute = 0
    if m.group("noon"):
        hour = 12 if m.group("noon").lower() == "noon" else 0
    elif m.group("hour"):
        hour = int(m.group("hour")) % 12 + (12 if m.group("ampm").lower() == "p" else 0)
        minute = int(m.group("minute") or 0)
    if hour is not None:
        iso += f"T{hour:02d}:{minute:02d}"
    return m.group("place").strip(), iso


def telegram_number(paragraphs: Sequence[str]) -> tuple[str | None, str | None, str | None]:
    """(number, series, precedence) from the opening of a telegram's body.

    FRUS prints the telegram's number first: "3643. Accord Hong Kong tel ...",
    "Tedul 5.", "Telcan 299. ReCantel 530", "Niact 428.", "A–139. Reference ...". A
    short first paragraph that carries no number ("(For Department use only)") is
    passed over for the second.
    """
    for i, text in enumerate(paragraphs[:2]):
        found = _opening_number(text)
        if found[0] is not None or found[2] is not None:
            return found
        if i == 0 and len(text) > 80:
            break
    return None, None, None


def _opening_number(text: str) -> tuple[str | None, str | None, str | None]:
    series_words = lexicon.series_designators()
    text = text.lstrip()
    precedence = None
    m = re.match(r"^(niact|priority|immediate|flash)\b\.?\s+", text, re.IGNORECASE)
    if m:
        precedence = m.group(1).lower()
        text = text[m.end():]
    m = re.match(r"^(?P<s>[A-Z][A-Za-z]{2,9})\s+(?P<n>\d{1,5})\.(?=\s|$)", text)
    if m and (m.group("s").lower() in series_words or _DESIGNATOR_SHAPE.match(m.group("s"))):
        s = m.group("s")
        return m.group("n"), series_words.get(s.lower(), s), precedence
    m = re.match(
        r"^(?P<n>(?:[A-Z][\u2013\u2011-])?\d{1,5})\.(?:\s+(?P<s>[A-Z][A-Za-z]{2,9})\.(?=\s|$))?",
        text,
    ) or re.match(  # the 1940s: "1167, July 15, 6 p.m."
        rf"^(?P<n>\d{{1,5}}),\s+(?={_MONTH}\s+\d)(?P<s>)", text)
    if m:
        s = m.group("s")
        series = None
        if s and s.lower() in lexicon.precedence_rank():  # "1234. Niact."
            precedence = higher_precedence(precedence, s.lower())
        elif s and (s.lower() in series_words or _DESIGNATOR_SHAPE.match(s)):
            series = series_words.get(s.lower(), s)
        return re.sub(r"[\u2013\u2011]", "-", m.group("n")), series, precedence
    return None, None, precedence


def complete(doc: Document, front: Mapping[str, str]) -> Document:
    """Fill the metadata that follows from the heading, front matter and paragraph 1."""
    changes: dict[str, object] = {}
    if doc.heading and doc.sender is None and doc.addressee is None:
        changes["sender"], changes["addressee"] = split_heading(doc.heading)
    if "classification" in front and doc.classification is None:
        parsed = classification(front["classification"])
        if parsed:
            changes["classification"] = parsed[0] or None
            changes["precedence"] = higher_precedence(doc.precedence, parsed[1])
    if "dateline" in front:
        place, date = parse_dateline(front["dateline"])
        changes.setdefault("place", doc.place or place)
        changes.setdefault("date", doc.date or date)
    if "source" in front and doc.source_note is None:
        changes["source_note"] = front["source"]
    if "number" in front and doc.number is None:
        changes["number"] = document_number(front["number"])
    if doc.paragraphs and doc.number is None and changes.get("number") is None:
        number, series, precedence = telegram_number([p.text for p in doc.paragraphs[:2]])
        changes["number"] = number
        changes["series"] = doc.series or series
        changes["precedence"] = higher_precedence(
            changes.get("precedence") or doc.precedence, precedence)
    if not doc.references:
        date = changes.get("date") or doc.date
        refs = find_references(doc.paragraphs, year_of=date if isinstance(date, str) else None)
        own = changes.get("series") or doc.series
        # The telegram's own designator ("3643. Xtel.") opens paragraph 1: not a reference.
        changes["references"] = tuple(
            r for r in refs
            if not (r.paragraph == 1 and r.number is None and r.series == own
                    and doc.paragraphs[0].text.find(r.text) < 16)
        )
    return dataclasses.replace(doc, **changes)


__all__ = [
    "MONTHS",
    "classification",
    "complete",
    "front_matter_kind",
    "parse_dateline",
    "split_heading",
    "telegram_number",
]
