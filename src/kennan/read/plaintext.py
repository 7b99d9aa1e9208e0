"""Plain text as FRUS prints it: heading, classification line, body paragraphs.

The text is split into blocks at blank lines (or at lines, when a file has no blank
lines at all). Leading blocks that are metadata (the heading, the classification and
precedence line, the dateline, the source note) and trailing ones (the signature,
footnote texts) are taken out; the rest are the body paragraphs, numbered from 1.

Page markers "[Page 431]" are removed without breaking words or sentences and kept
as page numbers per paragraph (see :class:`~kennan.read.document.Paragraph`).
Footnote markers glued to words ("June 4.2", "at home.3", a trailing "1" on the
heading) are recognised by their place and by their sequence: FRUS numbers a
document's footnotes 1, 2, 3, ... in order, so a number is a marker only when it
is the next one expected (one skipped marker is tolerated where the context is
unambiguous, after a letter or a closing quote).
"""

from __future__ import annotations

import re
from pathlib import Path

from kennan.read import metadata
from kennan.read.document import Document, Footnote, Paragraph, normalise_space

_PAGE = re.compile(r"\[\s*Page\s+(\d{1,5})\s*\]", re.IGNORECASE)
# A footnote marker candidate: 1-2 digits glued to the end of a word or a closing
# mark, followed by a space, punctuation or the end. Group "ctx" is what it is glued to.
_MARK = re.compile(
    r"(?P<ctx>[a-z]|[.,;:!?)\]\"'\u2019\u201d\u2026])(?P<n>\d{1,2})(?=[\s,.;:)\u2014]|$)"
)
_DIGIT_DOT = re.compile(r"\d[.,]$")  # "29.2": could be a decimal, so only the expected number
_HEADING_MARK = re.compile(r"(?<=[A-Za-z)\].])\s?(\d{1,2})$")
_FOOTNOTE_TEXT = re.compile(r"^(\d{1,2})[.)]?\s+(?=\S)")
_SEPARATOR = re.compile(r"^(?:footnotes:?|[-_*=\u2014 ]{3,})$", re.IGNORECASE)
_SIGNATURE_MAX_WORDS = 5
#: Lines a heading may wrap over (FRUS headings take one to three).
_HEADING_LINES = 4


def parse_text(text: str, path: Path) -> Document:
    """Read a decoded plain-text document into a :class:`Document`."""
    blocks, heights, has_blank = _blocks(text)
    # A heading wraps over a few lines at most; in a file without blank lines it is one
    # line (else a run of lines continuing in lower case could be taken for one).
    tallest = _HEADING_LINES if has_blank else 1
    front: dict[str, str] = {}
    heading: str | None = None
    i = 0
    # Front matter: at most one of each kind, in any order, before the first body block.
    while i < len(blocks):
        raw = _PAGE.sub(" ", blocks[i]).strip()
        # A lone block is the body, whatever it looks like.
        kind = metadata.front_matter_kind(raw, first=(i == 0)) if len(blocks) > 1 else None
        if kind == "heading" and heights[i] > tallest:
            kind = None
        if kind is None or kind in front:
            break
        front[kind] = raw
        i += 1
    heading = front.get("heading")
    doc_id = None
    if heading is not None:
        # FRUS prints the document's number before its heading ("237. The Ambassador
        # ..."); the volume's id for it is "d237".
        m = re.match(r"^(?:No\.\s*)?(\d{1,4})\.?\s+(?=[A-Z])", heading)
        if m:
            doc_id, heading = f"d{m.group(1)}", heading[m.end():]
    end, footnote_texts = _back_matter(blocks, i)
    signed: str | None = None
    if end > i + 1 and _looks_like_signature(blocks[end - 1]):
        signed = normalise_space(blocks[end - 1])
        end -= 1

    marks = _Markers()
    footnotes: list[Footnote] = []
    if heading is not None:
        heading, n = marks.strip_heading(heading)
        if n is not None:
            footnotes.append(Footnote(n=n, text=footnote_texts.get(n), paragraph=0))
    body = blocks[i:end]
    texts, pages = _strip_pages(body)
    paragraphs: list[Paragraph] = []
    for raw, pg in zip(texts, pages, strict=True):
        clean, found = marks.strip_body(raw)
        if not clean:  # a page marker standing alone between paragraphs
            continue
        k = len(paragraphs) + 1
        for n, anchor in found:
            footnotes.append(Footnote(n=n, text=footnote_texts.get(n), paragraph=k, anchor=anchor))
        paragraphs.append(Paragraph(n=k, text=clean, pages=pg))
    return metadata.complete(
        Document(
            path=path,
            paragraphs=tuple(paragraphs),
            format="text",
            id=doc_id,
            heading=heading,
            signed=signed,
            footnotes=tuple(footnotes),
        ),
        front,
    )


def _blocks(text: str) -> tuple[list[str], list[int], bool]:
    """Blocks of lines (joined by single spaces; page markers still in place), the number
    of lines of each, and whether the text has blank lines at all."""
    lines = text.split("\n")
    nonblank = sum(1 for ln in lines if ln.strip())
    has_blank = nonblank > 1 and any(not ln.strip() for ln in lines[:-1])
    blocks: list[str] = []
    heights: list[int] = []
    current: list[str] = []
    for line in lines:
        if not line.strip():
            if current:
                blocks.append(_join(current))
                heights.append(len(current))
                current = []
            continue
        # No blank lines anywhere: a line is a paragraph, unless it continues a
        # hard-wrapped one (the next line starts lower-case).
        if not has_blank and current and not line.lstrip()[:1].islower():
            blocks.append(_join(current))
            heights.append(len(current))
            current = []
        current.append(line)
    if current:
        blocks.append(_join(current))
        heights.append(len(current))
    return blocks, heights, has_blank


def _join(lines: list[str]) -> str:
    out = lines[0].strip()
    for line in lines[1:]:
        line = line.strip()
        # A line ending in a hyphen after a letter continues the word ("cease-" + "fire").
        sep = "" if out.endswith("-") and out[-2:-1].isalpha() else " "
        out = f"{out}{sep}{line}"
    return out


def _strip_pages(blocks: list[str]) -> tuple[list[str], list[tuple[int, ...]]]:
    """Remove page markers; return clean texts and each block's pages (see Paragraph)."""
    texts: list[str] = []
    raw_pages: list[list[int | None]] = []
    current: int | None = None
    first_marker: int | None = None
    for block in blocks:
        pieces: list[str] = []
        pages: list[int | None] = []
        pos = 0
        for m in _PAGE.finditer(block):
            seg = block[pos:m.start()]
            if seg.strip():
                pages.append(current)
            pieces.append(seg)
            # Join across the marker with one space if it stood between words, with
            # nothing if it split a word ("pres[Page 4]sure").
            before = block[m.start() - 1: m.start()] if m.start() else " "
            after = block[m.end(): m.end() + 1] or " "
            pieces.append(" " if before.isspace() or after.isspace() else "")
            current = int(m.group(1))
            first_marker = current if first_marker is None else first_marker
            pos = m.end()
        tail = block[pos:]
        if tail.strip():
            pages.append(current)
        pieces.append(tail)
        texts.append(normalise_space("".join(pieces)))
        raw_pages.append(pages)
    before_first = first_marker - 1 if first_marker is not None and first_marker > 1 else None
    out_pages = []
    for pages in raw_pages:
        known = [before_first if p is None else p for p in pages]
        seq = [p for p in known if p is not None]
        out_pages.append(tuple(range(seq[0], seq[-1] + 1)) if seq and seq[-1] >= seq[0] else
                         tuple(dict.fromkeys(seq)))
    return texts, out_pages


class _Markers:
    """Recognises footnote markers in document order (1, 2, 3, ...)."""

    def __init__(self) -> None:
        self.expected = 1

    def strip_heading(self, heading: str) -> tuple[str, str | None]:
        m = _HEADING_MARK.search(heading)
        if m and int(m.group(1)) in (self.expected, self.expected + 1):
            self.expected = int(m.group(1)) + 1
            return heading[: m.start()].rstrip(), m.group(1)
        return heading, None

    def strip_body(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        found: list[tuple[str, str]] = []
        out: list[str] = []
        pos = 0
        for m in _MARK.finditer(text):
            n = int(m.group("n"))
            weak = bool(_DIGIT_DOT.search(text[: m.start("n")]))
            # Footnote 1 of a FRUS document is on its heading; a copy without the heading
            # starts at 2.
            if weak and n != self.expected and not (self.expected == 1 and n == 2):
                continue
            if not weak and n not in (self.expected, self.expected + 1):
                continue
            self.expected = n + 1
            out.append(text[pos: m.start("n")])
            anchor = text[max(0, m.start("n") - 60): m.start("n")]
            anchor = anchor.split(" ", 1)[-1] if len(anchor) == 60 else anchor
            found.append((m.group("n"), anchor.strip()))
            pos = m.end("n")
        out.append(text[pos:])
        return normalise_space("".join(out)), found


def _back_matter(blocks: list[str], start: int) -> tuple[int, dict[str, str]]:
    """Find footnote texts at the end; return where the body ends and the texts by marker.

    Numbered trailing blocks are footnotes only if a separator line ("Footnotes",
    "----") stands before them or the first of them is a FRUS source note ("1. Source:
    ..."): telegrams often number their own paragraphs "1.", "2.", ...
    """
    end = len(blocks)
    k = end
    while k > start + 1 and _FOOTNOTE_TEXT.match(normalise_space(blocks[k - 1])):
        k -= 1
    if k == end:
        return end, {}
    first = normalise_space(blocks[k])
    separated = k > start + 1 and _SEPARATOR.match(normalise_space(blocks[k - 1]))
    if not (separated or re.match(r"^1[.)]?\s+Source\b", first)):
        return end, {}
    texts: dict[str, str] = {}
    for block in blocks[k:end]:
        raw = normalise_space(_PAGE.sub(" ", block))
        m = _FOOTNOTE_TEXT.match(raw)
        if m:
            texts.setdefault(m.group(1), raw[m.end():])
    return (k - 1 if separated else k), texts


def _looks_like_signature(text: str) -> bool:
    text = normalise_space(_PAGE.sub(" ", text))
    words = text.split()
    return (
        0 < len(words) <= _SIGNATURE_MAX_WORDS
        and text[-1:] not in ".?!:;,"
        and all(w[:1].isupper() or w[:1] in "([" for w in words)
    )
