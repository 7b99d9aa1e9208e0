"""The neutral form every reader produces: a document of numbered paragraphs.

A :class:`Document` is what the rest of kennan sees of a source, whatever its format
(FRUS TEI or plain text). Paragraph numbers are the ones scenario citations use: the
heading, the classification line, the dateline and the signature are metadata, not
paragraphs; paragraph 1 is the first paragraph of the body. Paragraph text has page
markers and footnote markers removed and its whitespace collapsed to single spaces.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from kennan.errors import Location, ReadError
from kennan.read.telegraphese import Expansion, expand

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w")

#: The fewest words a quote cited as a judgment's ground may have: one or two words
#: ("surely", ".") can be found almost anywhere and show nothing of what a text says.
MIN_QUOTE_WORDS = 3


def quote_words(text: str) -> int:
    """How many words ``text`` has: runs between whitespace holding a letter or digit."""
    return sum(1 for w in text.split() if _WORD.search(w))


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (any Unicode space) to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def squeeze(text: str) -> str:
    """Remove all whitespace: the key for whitespace-insensitive comparison of quotes."""
    return _SPACE.sub("", text)


# Typographic quotes and dashes compare equal to plain ones (one character for one, so
# positions in the folded text are positions in the original).
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2014": "-", "\u2013": "-"})


def find_ignoring_space(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of the first occurrence of ``quote`` in ``text`` when all whitespace
    is ignored on both sides and typographic quotes and dashes equal plain ones, or None
    (also for a quote of nothing but space)."""
    needle = squeeze(quote).translate(_FOLD)
    if not needle:
        return None
    kept, folded = _folded(text)
    at = folded.find(needle)
    if at < 0:
        return None
    return kept[at], kept[at + len(needle) - 1] + 1


@functools.lru_cache(maxsize=1024)
def _folded(text: str) -> tuple[tuple[int, ...], str]:
    """The positions of ``text``'s characters that are not whitespace, and those characters
    folded (kept: every check of a scenario looks its quotes up in the same paragraphs)."""
    kept = tuple(i for i, ch in enumerate(text) if not ch.isspace())
    return kept, "".join(text[i] for i in kept).translate(_FOLD)


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph.

    ``pages`` are the printed pages the paragraph's text lies on, in order. A page
    marker "[Page N]" (or TEI ``<pb n="N"/>``) means the text after it is on page N
    and the text before it on page N-1, so a paragraph before the first marker is
    given page N-1. A paragraph's pages run from the page of its first character to
    the page of its last; a marker between two paragraphs belongs to the next one.
    When no page is known at all, ``pages`` is empty.
    """

    n: int
    text: str
    pages: tuple[int, ...] = ()

    @property
    def expanded(self) -> str:
        """The text with its telegraphese expanded (shipped lexicon)."""
        return self.expansion().text

    def expansion(self) -> Expansion:
        """The expansion of the text with its map back to the original."""
        return expand(self.text)

    def contains(self, quote: str) -> bool:
        """True if ``quote`` occurs in the text, as written or with its telegraphese
        expanded, ignoring differences of whitespace and of typographic quotes and dashes."""
        return self.locate(quote) is not None

    def locate(self, quote: str) -> tuple[int, int] | None:
        """Where ``quote`` is in the text: (start, end), or None.

        Whitespace is ignored; a quote given in expanded form ("Immediate situation")
        is found in the expansion and mapped back to the original span ("Immed sitn").
        """
        found = find_ignoring_space(self.text, quote)
        if found is not None:
            return found
        expansion = self.expansion()
        found = find_ignoring_space(expansion.text, quote)
        return None if found is None else expansion.to_original(*found)


@dataclass(frozen=True)
class Footnote:
    """A footnote of the document: its marker, its text if the source has it, its anchor.

    ``paragraph`` is the body paragraph the marker is in, or 0 for the heading and
    other metadata; ``anchor`` is the text just before the marker.
    """

    n: str
    text: str | None = None
    paragraph: int = 0
    anchor: str | None = None


@dataclass(frozen=True)
class Reference:
    """A reference to another telegram ("Deptel 268, June 4", "urtel 201", "your 308").

    ``series`` is the designator as written, normalised to its usual spelling (Deptel,
    urtel, mytel, Embtel, Tedul, ...) or the sending post for "Bangkok's 1083";
    ``date`` is ISO 8601 as far as known ("1951-06-13", or "--06-13" without a year).
    """

    series: str | None
    number: str | None
    date: str | None
    text: str
    paragraph: int = 0


@dataclass(frozen=True)
class Document:
    """A source document: metadata and numbered body paragraphs.

    Fields the source lacks are None (or empty). ``date`` is ISO 8601 as far as known
    (``1951-06-15``, ``1951-06-15T16:00``, ``1949-06-06T18:00-04:00``); it is local
    time, with a zone only when the source gives one. ``classification`` is the level
    in lower case ("top secret"); ``precedence`` likewise ("niact", "priority").
    """

    path: Path
    paragraphs: tuple[Paragraph, ...]
    format: str = "text"
    id: str | None = None
    heading: str | None = None
    number: str | None = None
    series: str | None = None
    sender: str | None = None
    addressee: str | None = None
    place: str | None = None
    date: str | None = None
    classification: str | None = None
    precedence: str | None = None
    source_note: str | None = None
    signed: str | None = None
    references: tuple[Reference, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    #: Abbreviations the source itself defines (a FRUS volume's list of terms), if any.
    terms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: The forms the body marks as glossed by the volume's list ("GDR", "FedRep") and the
    #: list's expansion of each; empty outside TEI.
    glossed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def paragraph(self, n: int) -> Paragraph:
        """Paragraph ``n`` (1-based).

        Raises :class:`~kennan.errors.ReadError` naming the file and the range of
        paragraphs that exist when there is no paragraph ``n``; never KeyError or
        IndexError.
        """
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(self.paragraphs):
            count = len(self.paragraphs)
            have = f"paragraphs 1-{count}" if count else "no paragraphs"
            raise ReadError(
                f"no paragraph {n!r} in this document: expected a number from 1 to {count} "
                f"(it has {have})",
                Location(str(self.path)),
            )
        return self.paragraphs[n - 1]
