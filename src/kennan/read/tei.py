"""FRUS TEI: one ``<div type="document">`` to a :class:`Document`.

Volumes of 1945-1960 encode telegrams differently; every rule here has a fallback:

- the TEI namespace may be present or not, and volumes add others (``frus:``);
  elements are matched by local name;
- the heading may open with the document number ("No. 623", "87.") and may hold the
  source note (1955 on) and footnotes; the sender and addressee are marked
  ``<persName type="from">``/``<gloss type="from">`` and ``<gloss type="to">``/
  ``<persName type="to">``, but the sender and addressee given are the heading's own
  words on either side of its "to" ("The Chargé in India (Steere)"), as in plain text;
- the dateline stands alone or inside ``<opener>``; the date is ``<date when=...>``
  (with or without a time and a zone), else parsed from the text, else the day of the
  div's ``frus:doc-dateTime-min``/``max`` when both fall on one day;
- the classification and precedence sit in ``<p rend="flushleft">`` (1952-54), in
  small capitals inside ``<opener>`` (1945-51), or in the source note ("Secret;
  Niact.", 1955 on);
- page breaks ``<pb n="..."/>`` fall anywhere, even mid-word; the page a document
  starts on is the last ``<pb>`` before it in the file, if the file has one;
- footnotes are ``<note n="..">`` anywhere in the text; lists of subject and
  participants, openers, closers and salutations are not body paragraphs; list items
  are (with their labels), and so are the paragraphs of quotations and enclosures.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from kennan.errors import Location, ReadError
from kennan.read import metadata
from kennan.read.document import Document, Footnote, Paragraph, normalise_space
from kennan.read.teinodes import (
    PARAGRAPHS,
    SKIP_IN_TEXT,
    XML_ID,
    children,
    date_from_attributes,
    dateline,
    element_id,
    lines_of,
    local,
    marked,
    page_number,
    plain,
    plain_note,
    start_page,
    term_entries,
    tidy,
)

_FRONT_LISTS = {"subject", "participants", "to", "from", "distribution"}
_NOT_BODY = {"opener", "dateline", "byline", "salute", "docAuthor", "argument", "trailer"}
_BLOCK_IN_TEXT = {"list", "item", "label", "p", "quote", "lg", "l", "table", "row", "cell"}


def parse_tei(data: bytes, path: Path, *, document: str | None = None,
              encoding: str | None = None) -> Document:
    """Read TEI bytes: one document, or a volume with ``document`` naming one."""
    where = Location(str(path))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True, encoding=encoding,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        msg = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc)).strip()
        if "encoding" in msg.lower():
            raise ReadError(f"unknown or wrong encoding: {msg}", where) from None
        raise ReadError(f"malformed XML: {msg}", Location(str(path), line, col)) from None
    except (LookupError, ValueError) as exc:
        raise ReadError(f"unknown encoding: {exc}", where) from None
    if root is None:
        raise ReadError("malformed XML: no root element", where)
    div = _pick(root, document, where)
    return _DivReader(div, path, term_entries(root)).read()


def _pick(root: etree._Element, wanted: str | None, where: Location) -> etree._Element:
    if local(root) == "div" and root.get("type") == "document":
        docs = [root]
    else:
        docs = [el for el in root.iter() if local(el) == "div" and el.get("type") == "document"]
    ids = ", ".join(element_id(el) or "?" for el in docs[:8]) + (" ..." if len(docs) > 8 else "")
    if wanted is not None:
        for el in docs:
            if wanted in (el.get(XML_ID), el.get("n")):
                return el
        raise ReadError(
            f"no document {wanted!r} in this file: expected one of its "
            f"{len(docs)} document ids ({ids or 'none'})",
            where,
        )
    if len(docs) == 1:
        return docs[0]
    if len(docs) > 1:
        raise ReadError(
            f"this file holds {len(docs)} documents ({ids}): choose one by its id (--doc d237)",
            where,
        )
    # A TEI file of one document may put its paragraphs straight into <body>.
    for el in root.iter():
        if local(el) == "body" and any(local(c) == "p" for c in el):
            return el
    raise ReadError(
        'no document in this TEI file: expected a <div type="document"> or paragraphs in '
        f"<body> (the root element is <{local(root) or root.tag}>)",
        where,
    )


class _DivReader:
    """Reads one document div in document order, tracking pages and footnotes."""

    def __init__(self, div: etree._Element, path: Path,
                 entries: dict[str, tuple[str, str]]) -> None:
        self.div = div
        self.path = path
        self.entries = entries
        self.terms: dict[str, str] = {}
        for label, expansion in entries.values():
            for form in (f.strip() for f in label.split(",")):
                if form:
                    self.terms.setdefault(form, expansion)
        self.glossed: dict[str, str] = {}  # a body's glossed form -> the volume's expansion
        self.page = start_page(div)
        self.paragraphs: list[Paragraph] = []
        self.footnotes: list[Footnote] = []
        self.meta: dict[str, str | None] = {}
        self.front: dict[str, str] = {}
        self.first_break: int | None = None
        self.label = ""  # a list label waiting for the paragraph it opens
        self.raw_pages: list[list[int | None]] = []

    def read(self) -> Document:
        for el in children(self.div):
            self._element(el)
        if "classification" not in self.meta and self.meta.get("source_note"):
            self._classification_from_source(self.meta["source_note"] or "")
        if self.meta.get("date") is None:
            self.meta["date"] = date_from_attributes(self.div)
        # Text before the first page break of a document whose first page is unknown
        # lies on the page before that break (see Paragraph).
        before = self.first_break - 1 if self.first_break and self.first_break > 1 else None
        paragraphs = []
        for para, raw in zip(self.paragraphs, self.raw_pages, strict=True):
            known = [before if p is None else p for p in raw]
            seq = [p for p in known if p is not None]
            pages = tuple(range(seq[0], seq[-1] + 1)) if seq and seq[-1] >= seq[0] else (
                tuple(dict.fromkeys(seq)))
            paragraphs.append(Paragraph(para.n, para.text, pages))
        doc = Document(
            path=self.path,
            paragraphs=tuple(paragraphs),
            format="tei",
            id=element_id(self.div) if local(self.div) == "div" else None,
            footnotes=tuple(self.footnotes),
            terms=MappingProxyType(self.terms),
            glossed=MappingProxyType(self.glossed),
            **self.meta,  # type: ignore[arg-type]
        )
        return metadata.complete(doc, self.front)

    # -- structure -----------------------------------------------------------------

    def _element(self, el: etree._Element) -> None:
        name = local(el)
        if name == "pb":
            self._page_break(el)
        elif name == "note":
            self._note_outside_text(el)
        elif name == "head":
            self._head(el)
        elif name in _NOT_BODY:
            self._front(el)
        elif name == "closer":
            self._closer(el)
        elif name == "list":
            self._list(el)
        elif name in PARAGRAPHS:
            if not self._front_paragraph(el):
                self._paragraph(el)
        elif name in ("quote", "q", "postscript", "div", "attachment", "floatingText", "body",
                      "cit", "table"):
            for c in children(el):
                self._element(c)
        elif name == "row":  # a table row reads as one paragraph, its cells apart
            self._paragraph(el)
        else:
            self._skip(el)

    def _head(self, el: etree._Element) -> None:
        if "heading" in self.meta:  # the head of an enclosure: not the document's
            self._skip(el)
            return
        text, _ = self._inline(el, paragraph=0)
        for note in (c for c in el.iter() if local(c) == "note"):
            if note.get("type") == "source":
                self.meta.setdefault("source_note", tidy(plain_note(note)))
        self.meta["heading"] = re.sub(r"^(?:No\.\s*)?\d+[A-Z]?\.?\s+(?=\S)", "", text) or None
        sender, addressee = metadata.split_heading(self.meta["heading"] or "")
        marked_from = marked(el, "from")
        marked_to = marked(el, "to")
        self.meta["sender"] = sender if addressee else (sender or marked_from)
        self.meta["addressee"] = addressee or marked_to

    def _front(self, el: etree._Element) -> None:
        for dl in [el] if local(el) == "dateline" else [c for c in el.iter()
                                                          if local(c) == "dateline"]:
            place, date = dateline(dl)
            self.meta.setdefault("place", place)
            if date and not self.meta.get("date"):
                self.meta["date"] = date
        lines = lines_of(el)
        self._classification(lines)
        for line in lines:
            n = metadata.document_number(line)
            if n and "number" not in self.meta:
                self.meta["number"] = n
        self._inline(el, paragraph=0)  # for its footnotes and page breaks

    def _front_paragraph(self, el: etree._Element) -> bool:
        """A paragraph before the body that is a classification line or a despatch
        number ("No. 129"): metadata, not a body paragraph."""
        if self.paragraphs:
            return False
        lines = lines_of(el)
        if not lines or sum(len(x) for x in lines) > 160:
            return False
        numbers = [metadata.document_number(x) for x in lines]
        if not all(metadata.classification(x) or n for x, n in zip(lines, numbers, strict=True)):
            return False
        self._classification(lines)
        for n in numbers:
            if n and "number" not in self.meta:
                self.meta["number"] = n
        self._inline(el, paragraph=0)
        return True

    def _classification(self, lines: list[str]) -> None:
        for line in lines:
            parsed = metadata.classification(line)
            if not parsed:
                continue
            level, precedence, _ = parsed
            if level and "classification" not in self.meta:
                self.meta["classification"] = level
            if precedence:
                self.meta["precedence"] = metadata.higher_precedence(
                    self.meta.get("precedence"), precedence)

    def _classification_from_source(self, note: str) -> None:
        for sentence in re.split(r"(?<=\.)\s+(?=[A-Z])", note):
            parsed = metadata.classification(sentence, lenient=True)
            if parsed and parsed[0]:
                self._classification([sentence])
                self.meta.setdefault("classification", parsed[0])
                if parsed[1]:
                    self.meta["precedence"] = metadata.higher_precedence(
                        self.meta.get("precedence"), parsed[1])
                return

    def _closer(self, el: etree._Element) -> None:
        for s in (c for c in el.iter() if local(c) == "signed"):
            self.meta["signed"] = normalise_space(plain(s)) or self.meta.get("signed")
        self._inline(el, paragraph=len(self.paragraphs))

    def _list(self, el: etree._Element) -> None:
        if (el.get("type") or "").lower() in _FRONT_LISTS:
            self._inline(el, paragraph=0)
            return
        label = ""
        for c in children(el):
            name = local(c)
            if name == "label":
                label = normalise_space(plain(c))
            elif name == "item":
                self._paragraph(c, prefix=label)
                label = ""
            elif name == "head":
                self._paragraph(c)
            else:
                self._element(c)

    def _paragraph(self, el: etree._Element, prefix: str = "") -> None:
        blocks = [c for c in el if local(c) in PARAGRAPHS | {"list", "quote", "table"}]
        if local(el) not in PARAGRAPHS and blocks:
            # An item made of paragraphs: its label opens the first of them.
            self.label = prefix or self.label
            for c in children(el):
                self._element(c)
            self.label = ""
            return
        n = len(self.paragraphs) + 1
        text, pages = self._inline(el, paragraph=n)
        prefix, self.label = prefix or self.label, ""
        if prefix:
            text = f"{prefix} {text}".strip()
        if text:
            self.paragraphs.append(Paragraph(n, text))
            self.raw_pages.append(pages)

    def _note_outside_text(self, el: etree._Element) -> None:
        if el.get("type") == "source" and "source_note" not in self.meta:
            self.meta["source_note"] = tidy(plain_note(el))
        if el.get("n"):
            self.footnotes.append(Footnote(el.get("n") or "", tidy(plain_note(el)),
                                           len(self.paragraphs), None))
        self._skip(el)

    # -- text ----------------------------------------------------------------------

    def _gloss(self, el: etree._Element) -> None:
        """Record a body's ``<gloss target="#t_X">FORM</gloss>``: FORM is glossed by the
        volume's term t_X (the text may differ from the term's label: "FedRep" for
        "Fed Rep", "Mytel" for "mytel")."""
        target = (el.get("target") or "").lstrip("#")
        form = normalise_space(plain(el))
        if form:  # "" for a gloss whose term the file does not hold
            self.glossed.setdefault(form, self.entries.get(target, ("", ""))[1])

    def _page_break(self, pb: etree._Element) -> None:
        n = page_number(pb)
        if n is not None:
            self.page = n
            if self.first_break is None:
                self.first_break = n

    def _skip(self, el: etree._Element) -> None:
        for c in el.iter():
            if local(c) == "pb":
                self._page_break(c)

    def _inline(self, el: etree._Element, *, paragraph: int) -> tuple[str, list[int | None]]:
        """Text of ``el`` with notes out (kept as footnotes) and page breaks joined, and
        the page of each stretch of its text (None while the page is unknown)."""
        out: list[str] = []
        pages: list[int | None] = []

        def emit(text: str | None) -> None:
            if text:
                out.append(text)
                if text.strip():
                    pages.append(self.page)

        def walk(node: etree._Element) -> None:
            emit(node.text)
            for c in node:
                name = local(c)
                if name == "pb":
                    self._page_break(c)
                elif name == "note":
                    anchor = normalise_space("".join(out))[-60:]
                    if len(anchor) == 60:
                        anchor = anchor.split(" ", 1)[-1]
                    self.footnotes.append(Footnote(
                        n=c.get("n") or "*", text=tidy(plain_note(c)),
                        paragraph=paragraph, anchor=anchor or None))
                    self._skip(c)
                elif name == "lb":
                    out.append(" ")
                elif name == "gloss" and paragraph > 0:
                    self._gloss(c)
                    walk(c)
                elif name in _BLOCK_IN_TEXT:  # a list inside a paragraph: keep words apart
                    out.append(" ")
                    walk(c)
                    out.append(" ")
                elif name and name not in SKIP_IN_TEXT:
                    walk(c)
                emit(c.tail)

        walk(el)
        return tidy("".join(out)), pages

