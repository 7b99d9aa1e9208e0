"""FRUS TEI: one ``<div type="document">`` to a :class:`Document`.

Volumes encode telegrams differently, so every rule here has a fallback:

- the TEI namespace may be present or not, and volumes add others (``frus:``); elements
  are matched by local name;
- the sender and addressee are ``<persName type="from">`` and ``<gloss type="to">`` (or
  ``<persName type="to">``) in ``<head>``, else they are split out of the heading text;
- the dateline stands alone or inside ``<opener>``; the date is ``<date when=...>`` (with
  or without time and zone, or ``from``/``notBefore``), else parsed from the text;
- the classification and precedence sit in ``<p rend="flushleft">`` (1952-54), in
  small capitals inside ``<opener>`` (1951 and older), or in a ``<seg>``;
- page breaks ``<pb n="..."/>`` fall anywhere, even mid-word; the page a document
  starts on is the last ``<pb>`` before it in the volume;
- footnotes are ``<note n="..">`` inside the text; the source note is
  ``<note type="source">``.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from kennan.errors import Location, ReadError
from kennan.read import metadata
from kennan.read.document import Document, Footnote, Paragraph, normalise_space

_SKIP_IN_TEXT = {"note", "figure", "graphic"}
# Elements whose text is not body text even when they contain <p>.
_NOT_BODY = {"head", "note", "opener", "closer", "dateline", "signed", "byline", "salute",
             "trailer", "frus:attachment"}
_BLOCKS = {"p", "ab", "item", "quote", "list", "table", "row", "lg", "l"}


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def parse_tei(data: bytes, path: Path, *, document: str | None = None,
              encoding: str | None = None) -> Document:
    """Read TEI bytes (one document, or a volume with ``document`` naming one)."""
    where = Location(str(path))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True, encoding=encoding,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        msg = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc))
        if "encoding" in msg.lower() or "unsupported" in msg.lower():
            raise ReadError(f"unknown or wrong encoding: {msg}", where) from None
        raise ReadError(f"malformed XML: {msg}", Location(str(path), line, col)) from None
    except (LookupError, ValueError) as exc:
        raise ReadError(f"unknown encoding: {exc}", where) from None
    if root is None:
        raise ReadError("malformed XML: no root element", where)
    div = _pick(root, document, where)
    return _read_div(div, path)


def _pick(root: etree._Element, wanted: str | None, where: Location) -> etree._Element:
    docs = [el for el in root.iter() if _local(el) == "div" and el.get("type") == "document"]
    if _local(root) == "div" and root.get("type") == "document":
        docs = [root]
    if wanted is not None:
        for el in docs:
            if el.get("{http://www.w3.org/XML/1998/namespace}id") == wanted or el.get("n") == wanted:
                return el
        have = ", ".join(_id(el) or "?" for el in docs[:8]) + (" ..." if len(docs) > 8 else "")
        raise ReadError(
            f"no document {wanted!r} in this file: expected one of its "
            f"{len(docs)} document ids ({have or 'none'})",
            where,
        )
    if len(docs) == 1:
        return docs[0]
    if len(docs) > 1:
        have = ", ".join(_id(el) or "?" for el in docs[:8]) + (" ..." if len(docs) > 8 else "")
        raise ReadError(
            f"this file holds {len(docs)} documents ({have}): choose one by its id "
            "(--doc d237)",
            where,
        )
    # A TEI file of one document may skip the div and put the paragraphs in <body>.
    bodies = [el for el in root.iter() if _local(el) == "body"]
    if bodies and any(_local(c) == "p" for c in bodies[0]):
        return bodies[0]
    raise ReadError(
        f'no document in this TEI file: expected a <div type="document"> '
        f"(the root element is <{_local(root) or root.tag}>)",
        where,
    )


def _id(el: etree._Element) -> str | None:
    return el.get("{http://www.w3.org/XML/1998/namespace}id") or el.get("n")


def _read_div(div: etree._Element, path: Path) -> Document:
    start_page = _start_page(div)
    walker = _Walker(start_page)
    front: dict[str, str] = {}
    heading = sender = addressee = place = date = None
    source_note: str | None = None
    signed: str | None = None
    footnotes: list[Footnote] = []
    paragraphs: list[Paragraph] = []
    classification = precedence = None

    for el in _children(div):
        name = _local(el)
        if name == "pb":
            walker.page_break(el)
        elif name == "note" and el.get("type") == "source":
            source_note = normalise_space(_plain(el))
        elif name == "head":
            heading, fns = walker.inline(el, paragraph=0)
            footnotes.extend(fns)
            heading = re.sub(r"^No\.\s*\d+\s*", "", heading).strip() or None
            sender = _first_text(el, "persName", "from") or _first_text(el, "gloss", "from")
            addressee = _first_text(el, "gloss", "to") or _first_text(el, "persName", "to")
        elif name in ("opener", "dateline") or (name == "p" and _is_front_p(el)):
            for dl in ([el] if name == "dateline" else _descendants(el, "dateline")):
                p, d = _dateline(dl)
                place, date = place or p, date or d
            text, fns = walker.inline(el, paragraph=0)
            footnotes.extend(fns)
            c = _classification_of(el, text)
            if c:
                classification = classification or c[0]
                precedence = precedence or c[1]
            if name == "dateline" and place is None:
                front["dateline"] = text
        elif name == "closer":
            for s in _descendants(el, "signed"):
                signed = normalise_space(_plain(s)) or signed
            walker.skip(el)
        elif name in _BLOCKS or name == "div":
            for block in _blocks(el):
                text, fns = walker.inline(block, paragraph=len(paragraphs) + 1)
                if not text:
                    continue
                footnotes.extend(fns)
                paragraphs.append(Paragraph(len(paragraphs) + 1, text, walker.pages_of_last()))
        else:
            walker.skip(el)

    doc = Document(
        path=path,
        paragraphs=tuple(paragraphs),
        format="tei",
        id=_id(div),
        heading=heading,
        sender=sender,
        addressee=addressee,
        place=place,
        date=date,
        classification=classification,
        precedence=precedence,
        source_note=source_note,
        signed=signed,
        footnotes=tuple(footnotes),
    )
    return metadata.complete(doc, front)


def _children(div: etree._Element):
    for child in div:
        if not isinstance(child.tag, str):
            continue
        # Attachments (enclosures) and nested document parts read as part of the body.
        if _local(child) in ("attachment",) or (_local(child) == "div" and child.get("type") != "document"):
            yield from _children(child)
        else:
            yield child


def _blocks(el: etree._Element):
    """The paragraph-level elements of ``el``: itself, or its block children in order."""
    inner = [c for c in el if isinstance(c.tag, str) and _local(c) in ("p", "ab", "item", "l")]
    if _local(el) in ("p", "ab", "l") or not inner:
        yield el
        return
    for c in el:
        if isinstance(c.tag, str) and _local(c) in ("p", "ab", "item", "l"):
            yield from _blocks(c)


def _is_front_p(el: etree._Element) -> bool:
    if _local(el) != "p":
        return False
    text = normalise_space(_plain(el))
    return metadata.classification(text) is not None and len(text) < 120


def _classification_of(el: etree._Element, text: str) -> tuple[str | None, str | None] | None:
    # Older volumes print the classification in small capitals inside the opener; the
    # lines are separated by <lb/>, so try each line alone as well as the whole text.
    candidates = [text]
    for hi in el.iter():
        if _local(hi) in ("hi", "seg") and "smallcaps" in (hi.get("rend") or ""):
            candidates.append(normalise_space(_plain(hi)))
    for line in _lines(el):
        candidates.append(line)
    for cand in candidates:
        parsed = metadata.classification(cand)
        if parsed and (parsed[0] or parsed[1]):
            return parsed[0], parsed[1]
    return None


def _lines(el: etree._Element) -> list[str]:
    parts: list[str] = [el.text or ""]
    for c in el.iter():
        if c is el:
            continue
        if _local(c) == "lb":
            parts.append("\n")
        elif c.text and _local(c) != "note":
            parts.append(c.text)
        if c.tail:
            parts.append(c.tail)
    return [normalise_space(x) for x in "".join(parts).split("\n") if x.strip()]


def _first_text(el: etree._Element, tag: str, type_: str) -> str | None:
    for c in el.iter():
        if _local(c) == tag and c.get("type") == type_:
            text = normalise_space(_plain(c))
            if text:
                return text
    return None


def _descendants(el: etree._Element, tag: str) -> list[etree._Element]:
    return [c for c in el.iter() if _local(c) == tag]


def _plain(el: etree._Element) -> str:
    """Text of ``el`` without its notes."""
    parts = [el.text or ""]
    for c in el:
        if isinstance(c.tag, str) and _local(c) not in _SKIP_IN_TEXT:
            parts.append(_plain(c))
        parts.append(c.tail or "")
    return "".join(parts)


def _dateline(dl: etree._Element) -> tuple[str | None, str | None]:
    place = None
    for pn in _descendants(dl, "placeName"):
        place = normalise_space(_plain(pn)).rstrip(",. ") or None
        break
    date = None
    for d in _descendants(dl, "date"):
        date = d.get("when") or d.get("from") or d.get("notBefore") or d.get("notAfter")
        if date:
            date = _tidy_iso(date)
            break
    if place is None or date is None:
        p2, d2 = metadata.parse_dateline(_plain(dl))
        place, date = place or p2, date or d2
    return place, date


def _tidy_iso(value: str) -> str:
    # "1952-12-31T19:00:00" -> "1952-12-31T19:00"; keep a zone if the volume gives one.
    m = re.match(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:T(\d{2}:\d{2})(?::00)?(\S*))?$", value.strip())
    if not m:
        return value.strip()
    out = m.group(1)
    if m.group(2):
        out += f"T{m.group(2)}{m.group(3) or ''}"
    return out


def _start_page(div: etree._Element) -> int | None:
    for pb in div.itersiblings(preceding=True):
        found = _last_pb(pb)
        if found is not None:
            return found
    parent = div.getparent()
    while parent is not None:
        for sib in parent.itersiblings(preceding=True):
            found = _last_pb(sib)
            if found is not None:
                return found
        parent = parent.getparent()
    return None


def _last_pb(el: etree._Element) -> int | None:
    pbs = [c for c in el.iter() if _local(c) == "pb"]
    for pb in reversed(pbs):
        n = _page_number(pb)
        if n is not None:
            return n
    return None


def _page_number(pb: etree._Element) -> int | None:
    n = pb.get("n") or ""
    return int(n) if n.isdigit() else None


class _Walker:
    """Walks inline content in document order, tracking pages and footnote anchors."""

    def __init__(self, page: int | None) -> None:
        self.page = page
        self.first_break: int | None = None
        self._pages: list[int | None] = []

    def page_break(self, pb: etree._Element) -> None:
        n = _page_number(pb)
        if n is not None:
            self.page = n
            if self.first_break is None:
                self.first_break = n

    def skip(self, el: etree._Element) -> None:
        for c in el.iter():
            if _local(c) == "pb":
                self.page_break(c)

    def inline(self, el: etree._Element, *, paragraph: int) -> tuple[str, list[Footnote]]:
        """Normalised text of ``el`` (notes removed, page breaks joined) and its footnotes."""
        out: list[str] = []
        notes: list[Footnote] = []
        self._pages = []

        def emit(text: str | None) -> None:
            if text:
                out.append(text)
                if text.strip():
                    self._pages.append(self.page)

        def walk(node: etree._Element) -> None:
            emit(node.text)
            for c in node:
                name = _local(c)
                if name == "pb":
                    self.page_break(c)
                elif name == "note":
                    anchor = normalise_space("".join(out))[-60:]
                    anchor = anchor.split(" ", 1)[-1] if len(anchor) == 60 else anchor
                    notes.append(Footnote(n=c.get("n") or "*", text=normalise_space(_plain_note(c)),
                                          paragraph=paragraph, anchor=anchor or None))
                    self.skip(c)
                elif name == "lb":
                    out.append(" ")
                elif isinstance(c.tag, str) and name not in _SKIP_IN_TEXT:
                    walk(c)
                emit(c.tail)

        walk(el)
        return normalise_space("".join(out)), notes

    def pages_of_last(self) -> tuple[int, ...]:
        known = [p for p in self._pages if p is not None]
        if not known:
            return ()
        return tuple(range(known[0], known[-1] + 1))


def _plain_note(note: etree._Element) -> str:
    # A footnote's own paragraphs are separated by a space; its nested notes dropped.
    parts: list[str] = [note.text or ""]
    for c in note:
        if isinstance(c.tag, str) and _local(c) != "note":
            parts.append(" " + _plain(c) + " ")
        parts.append(c.tail or "")
    return "".join(parts)


__all__ = ["parse_tei"]
