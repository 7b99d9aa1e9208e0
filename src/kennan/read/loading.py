"""``load_document``: read a file as FRUS TEI or plain text, refusing bad input clearly."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import threading
from pathlib import Path

from kennan.errors import Location, ReadError
from kennan.read.document import Document
from kennan.safeio import read_regular

#: Files larger than this are refused before being read: a FRUS telegram is a few
#: kilobytes and a whole FRUS volume a few megabytes.
MAX_BYTES = 32 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_SUFFIXES = {".xml", ".tei"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def load_document(
    path: str | os.PathLike[str],
    *,
    document: str | None = None,
    encoding: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Document:
    """Read a source document: FRUS TEI XML or plain text.

    The format is chosen by content: a file whose text starts with ``<`` (after a
    byte-order mark and blank space), or named ``*.xml``, is read as TEI; anything
    else as plain text. Text must be UTF-8 (a BOM is allowed; UTF-16/32 need one),
    unless ``encoding`` names another; XML may declare its own encoding.
    ``document`` picks one ``<div type="document" xml:id="...">`` out of a file that
    holds several (a whole volume).

    Raises :class:`~kennan.errors.ReadError`, naming the file, for a missing,
    empty, binary, undecodable, oversized or malformed file, or a TEI file with no
    document in it.
    """
    p = Path(path)
    where = Location(str(p))
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ReadError("no such file: expected a path to a TEI (.xml) or text file",
                        where) from None
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}", where) from None
    if p.is_dir():
        raise ReadError("is a directory: expected a TEI (.xml) or text file", where)
    if size > max_bytes:
        raise ReadError(
            f"file too large: {size / 2**20:.1f} MB, expected at most {max_bytes / 2**20:.0f} MB "
            "(a telegram is a few kilobytes; cut the document out of a larger file)",
            where,
        )
    try:
        data = read_regular(p, max_bytes=max_bytes)
    except FileNotFoundError:
        raise ReadError("no such file: expected a path to a TEI (.xml) or text file",
                        where) from None
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}", where) from None
    if len(data) > max_bytes:  # the file grew while we looked
        raise ReadError(f"file too large: expected at most {max_bytes / 2**20:.0f} MB", where)
    if not data.strip():
        raise ReadError("the file is empty: expected a TEI (.xml) or text document", where)
    # Why a memo: checking a scenario reads its sources again for each competing reading,
    # and the explorer checks the whole scenario after every edit. A document is a pure
    # function of these bytes and these arguments, and is frozen. (Not a whole volume.)
    if len(data) > _KEPT_SIZE:
        return _parse(data, p, document, encoding, where)
    key = (str(p), document, encoding, hashlib.sha256(data).digest())
    parsed = _parsed.get(key)
    if parsed is None:
        parsed = _parse(data, p, document, encoding, where)
        with _lock:
            _parsed[key] = parsed
            while len(_parsed) > _KEPT:
                _parsed.pop(next(iter(_parsed)))
    return parsed


#: How many documents :func:`load_document` keeps, by path, arguments and bytes, and
#: the largest file kept.
_KEPT, _KEPT_SIZE = 16, 1 << 20
_parsed: dict[tuple, Document] = {}
_lock = threading.Lock()


def _parse(data: bytes, p: Path, document: str | None, encoding: str | None,
           where: Location) -> Document:
    """The document in ``data``, the bytes of file ``p`` (see :func:`load_document`)."""
    bom = next((enc for mark, enc in _BOMS if data.startswith(mark)), None)
    if bom is None and encoding is None:
        _refuse_binary(data, where)
    # Sniff the format leniently: an XML file may declare an encoding of its own.
    sniff = _codec(bom or encoding or "utf-8", where)
    head = data[:4096].decode(sniff, "replace").lstrip("\ufeff \t\r\n")
    if p.suffix.lower() in _XML_SUFFIXES or head.startswith("<"):
        from kennan.read.tei import parse_tei

        xml_encoding = encoding or ("utf-8" if bom == "utf-8-sig" else bom)
        return parse_tei(data, p, document=document, encoding=xml_encoding)
    if document is not None:
        raise ReadError(f"a document id ({document!r}) can only be chosen in a TEI file", where)
    from kennan.read.plaintext import parse_text

    text = _decode(data, bom or encoding or "utf-8", where)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_control(text, where)
    return parse_text(text, p)


def _refuse_binary(data: bytes, where: Location) -> None:
    sample = data[:8192]
    if b"\x00" in sample:
        raise ReadError(
            "binary file (it contains NUL bytes): expected a TEI (.xml) or text document; "
            "UTF-16 or UTF-32 text needs a byte-order mark",
            where,
        )


def _codec(encoding: str, where: Location) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ReadError(f"unknown encoding {encoding!r}: expected e.g. utf-8 or cp1252",
                        where) from None


def _decode(data: bytes, encoding: str, where: Location) -> str:
    name = _codec(encoding, where)
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ReadError(
            f"cannot decode byte 0x{data[exc.start]:02x} as {name}: expected UTF-8 text; "
            "if the file is in another encoding, name it (e.g. --encoding cp1252)",
            Location(where.file, line, col),
        ) from None


def _refuse_control(text: str, where: Location) -> None:
    m = _CONTROL.search(text, 0, 65536)
    if m:
        i = m.start()
        line = text.count("\n", 0, i) + 1
        col = i - (text.rfind("\n", 0, i) + 1) + 1
        raise ReadError(
            f"binary content (control character U+{ord(m.group(0)):04X}): expected a text "
            "document",
            Location(where.file, line, col),
        )
