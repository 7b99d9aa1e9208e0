"""Small readers of TEI elements: their text, dates, page breaks and marked names.

Helpers of :mod:`kennan.read.tei`; elements are matched by local name, so the TEI
namespace and the ``frus:`` one may be present or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from kennan.read import metadata
from kennan.read.document import normalise_space

XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
#: Elements whose text is not part of the running text around them.
SKIP_IN_TEXT = frozenset({"note", "figure", "graphic", "fw"})
#: Paragraph-level elements.
PARAGRAPHS = frozenset({"p", "ab", "l"})


def local(el: etree._Element) -> str:
    """The tag of ``el`` without its namespace ("" for comments and the like)."""
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def element_id(el: etree._Element) -> str | None:
    """The ``xml:id`` of ``el``, else its ``n``."""
    return el.get(XML_ID) or el.get("n")


def volume_terms(root: etree._Element) -> dict[str, str]:
    """The volume's list of abbreviations, when the file holds it: term -> expansion.

    A term label naming several forms ("PBS, PBSUCCESS") gives a row for each."""
    out: dict[str, str] = {}
    for label, expansion in term_entries(root).values():
        for form in (f.strip() for f in label.split(",")):
            if form:
                out.setdefault(form, expansion)
    return out


def term_entries(root: etree._Element) -> dict[str, tuple[str, str]]:
    """The volume's list of abbreviations by term id: ``t_GDR1`` -> (label, expansion)."""
    out: dict[str, tuple[str, str]] = {}
    for term in root.iter():
        if local(term) != "term" or not term.get(XML_ID):
            continue
        item = next((a for a in term.iterancestors() if local(a) == "item"), None)
        if item is None:
            continue
        whole = normalise_space(plain(item))
        label = normalise_space(plain(term))
        expansion = whole[len(label):].lstrip(" ,:").strip() if whole.startswith(label) else ""
        if expansion:
            out[term.get(XML_ID) or ""] = (label, expansion)
    return out


def plain(el: etree._Element) -> str:
    """Text of ``el`` without its notes (line breaks become spaces)."""
    parts = [el.text or ""]
    for c in el:
        name = local(c)
        if name == "lb":
            parts.append(" ")
        elif name and name not in SKIP_IN_TEXT:
            parts.append(plain(c))
        parts.append(c.tail or "")
    return "".join(parts)


def lines_of(el: etree._Element) -> list[str]:
    """Text of ``el`` split at ``<lb/>`` and at its block children, notes left out."""
    out: list[str] = [""]

    def walk(node: etree._Element) -> None:
        out[-1] += node.text or ""
        for c in node:
            name = local(c)
            if name in ("lb", "seg", "p", "dateline"):
                out.append("")
            if name and name not in SKIP_IN_TEXT and name != "lb":
                walk(c)
            if name in ("seg", "p", "dateline"):
                out.append("")
            out[-1] += c.tail or ""

    walk(el)
    return [normalise_space(x) for x in out if x.strip()]


def children(el: etree._Element) -> Iterator[etree._Element]:
    """The child elements of ``el`` (comments and processing instructions left out)."""
    for child in el:
        if isinstance(child.tag, str):
            yield child


def marked(head: etree._Element, kind: str) -> str | None:
    """The text of the first name in ``head`` marked ``type="from"`` or ``"to"``."""
    for c in head.iter():
        if local(c) in ("persName", "gloss", "orgName", "name") and c.get("type") == kind:
            text = normalise_space(plain(c))
            if text:
                return text
    return None


def dateline(dl: etree._Element) -> tuple[str | None, str | None]:
    """(place, ISO date) of a ``<dateline>``: from its markup, else from its text."""
    place = None
    for pn in (c for c in dl.iter() if local(c) == "placeName"):
        place = normalise_space(plain(pn)).strip("[],. ") or None
        break
    date = None
    for d in (c for c in dl.iter() if local(c) == "date"):
        value = d.get("when") or d.get("from") or d.get("notBefore") or d.get("notAfter")
        if value:
            date = tidy_iso(value)
            break
    if place is None or date is None:
        text = re.sub(r"[\[\]]", "", normalise_space(plain(dl)))
        p2, d2 = metadata.parse_dateline(text)
        place, date = place or p2, date or d2
    return place, date


def tidy_iso(value: str) -> str:
    """A ``when`` attribute as ISO 8601 without seconds (a zone, if given, stays):
    "1951-06-15T16:00:00" -> "1951-06-15T16:00"."""
    m = re.match(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:T(\d{2}:\d{2})(?::00)?(\S*))?$",
                 value.strip())
    if not m:
        return value.strip()
    out = m.group(1)
    if m.group(2):
        out += f"T{m.group(2)}{m.group(3) or ''}"
    return out


def date_from_attributes(div: etree._Element) -> str | None:
    """The day of ``frus:doc-dateTime-min``/``max`` when both fall on one day."""
    lo = hi = None
    for key, value in div.attrib.items():
        if key.endswith("doc-dateTime-min"):
            lo = value
        elif key.endswith("doc-dateTime-max"):
            hi = value
    if lo and hi and lo[:10] == hi[:10]:
        return lo if lo == hi and "T" in lo else lo[:10]
    return None


def start_page(div: etree._Element) -> int | None:
    """The page ``div`` starts on: the last numbered ``<pb>`` before it in the file."""
    node: etree._Element | None = div
    while node is not None:
        for sib in node.itersiblings(preceding=True):
            found = _last_pb(sib)
            if found is not None:
                return found
        node = node.getparent()
    return None


def _last_pb(el: etree._Element) -> int | None:
    if local(el) == "pb":
        return page_number(el)
    for pb in reversed([c for c in el.iter() if local(c) == "pb"]):
        n = page_number(pb)
        if n is not None:
            return n
    return None


def page_number(pb: etree._Element) -> int | None:
    """The number of a ``<pb>``, or None (title pages, roman numerals)."""
    n = (pb.get("n") or "").strip()
    return int(n) if n.isdigit() else None


def plain_note(note: etree._Element) -> str:
    """Text of a footnote, its own paragraphs joined by a space, nested notes dropped."""
    parts: list[str] = [note.text or ""]
    for c in note:
        name = local(c)
        if name in PARAGRAPHS or name in ("list", "quote", "item"):
            parts.append(" " + plain(c) + " ")
        elif name and name not in SKIP_IN_TEXT:
            parts.append(plain(c))
        parts.append(c.tail or "")
    return "".join(parts)


def tidy(text: str) -> str:
    """Normalise space, and drop the space pretty-printed XML leaves inside brackets and
    before commas, semicolons and colons ("( Steere )" -> "(Steere)")."""
    text = normalise_space(text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r"\s+([)\],;:])", r"\1", text)
    return text
