"""Actors in their time: institutions as the document's date named them, people with the
offices they held then, and the sender's own government.

``data/lexicon/institutions.tsv`` renames a gazetteer actor by date (the Politburo is the
Presidium from October 16, 1952 to April 8, 1966); ``data/lexicon/offices.tsv`` gives
people's offices by date. :func:`sender_government` tells whose government sent a
document, and :func:`courses_of_action` finds where the document weighs that
government's own courses ("we should use force", "we leave open some way").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kennan.read import lexicon
from kennan.read.actors import Gazetteer
from kennan.read.document import Document


@dataclass(frozen=True)
class PeriodName:
    """What a gazetteer actor is called on a date: its draft id, name and the source."""

    id: str
    name: str
    source: str


@functools.cache
def _institutions() -> dict[str, list[tuple[str, str, str, str, str]]]:
    out: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for r in lexicon.read_table("institutions.tsv"):
        out.setdefault(r["id"], []).append(
            (r["from"], r["until"] or "9999", r["period_id"], r["name"], r["source"]))
    return out


@functools.cache
def _offices() -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for r in lexicon.read_table("offices.tsv"):
        out.setdefault(r["id"], []).append((r["from"], r["until"] or "9999", r["office"]))
    return out


def name_on(actor_id: str, date: str | None) -> PeriodName | None:
    """The name ``actor_id`` had on ``date`` (ISO, a day or more precise), if the
    institutions lexicon dates it; None when it does not, or when the date is unknown."""
    if not date or not re.match(r"^\d{4}-\d{2}-\d{2}", date):
        return None
    day = date[:10]
    for start, until, period_id, name, source in _institutions().get(actor_id, []):
        if start <= day < until:
            return PeriodName(period_id, name, source)
    return None


def offices_on(actor_id: str, date: str | None) -> list[str]:
    """The offices ``actor_id`` held on ``date``, in the order of the lexicon."""
    if not date or not re.match(r"^\d{4}-\d{2}-\d{2}", date):
        return []
    day = date[:10]
    return [office for start, until, office in _offices().get(actor_id, [])
            if start <= day < until]


# FRUS prints US senders as "The Ambassador in X", "The Embassy in X", "The Secretary of
# State"; a foreign sender carries its nationality ("The British Ambassador").
_FOREIGN = re.compile(r"^(?:Telegram From )?(?:the )?([A-Z][a-z]+) (?:Ambassador|Minister|"
                      r"Embassy|Foreign|Prime|Chargé|Government|Delegation)", re.IGNORECASE)


def sender_government(doc: Document, gazetteer: Gazetteer) -> str | None:
    """The gazetteer id of the government that sent ``doc``: a foreign sender's own
    ("The British Ambassador" -> the United Kingdom), else, for a FRUS document or a
    sender in the US service ("The Ambassador in the Soviet Union", "The Secretary of
    State"), the United States; None when the document names no sender."""
    sender = doc.sender or (doc.heading or "")
    if not sender:
        return None
    m = _FOREIGN.match(sender.strip())
    if m:
        found = gazetteer.mentioned(m.group(1))
        if found:
            return found[0]
    return "united_states" if gazetteer.get("united_states") else None


_COURSE = re.compile(
    r"\b(?:we|our Government|our Govt|USG|the Department|Dept|the United States)\s+"
    r"(?:(?:should|must|would|will|could|might|may|cannot|can|shld|wld|cld)\s+(?:not\s+)?)?"
    r"(?:use|take|make|leave|propose|recommend|consider|decide|intend|plan|offer|press|"
    r"insist|accept|refuse|reject|agree|give|send|go|do|maintain|keep|avoid|seek|tell|"
    r"inform|approach|hold|withdraw|support|resist|negotiate|act|respond|stand)\b",
    re.IGNORECASE)


def courses_of_action(doc: Document) -> list[tuple[int, str]]:
    """(paragraph, words) where ``doc`` weighs its own government's courses of action."""
    out = []
    for p in doc.paragraphs:
        for m in _COURSE.finditer(p.text):
            out.append((p.n, m.group(0)))
    return out
