"""The source text with each judgment's quote highlighted at its paragraph.

Quotes are located ignoring differences of whitespace (as citations are checked).
Overlapping quotes are split into segments so every character is marked once;
each quote gets an anchor ``q-<judgment>`` at its start and a link to the
judgment's row (``j-<judgment>``) at its end, so the two link both ways.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from kennan.read.document import Document
from kennan.scenario.summary import JudgmentRow


@dataclass
class ParagraphView:
    """One paragraph as HTML, with the judgments it grounds."""

    n: int
    anchor: str
    html: Markup
    judgments: list[str] = field(default_factory=list)


@dataclass
class SourceView:
    """One source document as paragraphs."""

    id: str
    title: str
    paragraphs: list[ParagraphView]


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Start and end of ``quote`` in ``text``, whitespace-insensitive, or None."""
    words = quote.split()
    if not words:
        return None
    chars = "".join(words)
    # any whitespace may sit between any two characters of the quote
    pattern = r"\s*".join(re.escape(c) for c in chars)
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def paragraph_html(text: str, quotes: list[tuple[str, str]]) -> tuple[Markup, list[str]]:
    """``text`` as HTML with each (judgment id, quote) marked; also the ids found."""
    spans = []
    for jid, quote in quotes:
        where = find_quote(text, quote)
        if where is not None:
            spans.append((where[0], where[1], jid))
    if not spans:
        return Markup(escape(text)), []
    # cut the text where any quote starts or ends; each piece knows which quotes cover it
    cuts = sorted({0, len(text), *[s for s, _, _ in spans], *[e for _, e, _ in spans]})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = escape(text[a:b])
        covering = [jid for s, e, jid in spans if s <= a and b <= e]
        starts = [jid for s, _, jid in spans if s == a]
        out.extend(f'<a class="anchor" id="q-{escape(j)}"></a>' for j in starts)
        if covering:
            ids = escape(" ".join(covering))
            out.append(f'<mark data-judgments="{ids}" title="{ids}">{piece}</mark>')
        else:
            out.append(str(piece))
        for _, e, jid in spans:
            if e == b:
                out.append(f'<a class="jref" href="#j-{escape(jid)}" '
                           f'title="judgment {escape(jid)}">{escape(jid)}</a>')
    return Markup("".join(out)), [jid for _, _, jid in sorted(spans)]


def source_views(documents: dict[str, Document], titles: dict[str, str],
                 infos: dict[str, JudgmentRow]) -> list[SourceView]:
    """Every source document with its judgments' quotes highlighted."""
    views = []
    for sid, doc in documents.items():
        paragraphs = []
        for p in doc.paragraphs:
            quotes = [(j.id, j.quote) for j in infos.values()
                      if j.source == sid and j.paragraph == p.n and j.quote]
            html, found = paragraph_html(p.text, quotes)
            paragraphs.append(ParagraphView(p.n, f"p-{sid}-{p.n}", html, found))
        views.append(SourceView(sid, titles.get(sid, sid), paragraphs))
    return views
