"""Reading a table file as text, with the project's error for unreadable input."""

from __future__ import annotations

from pathlib import Path

from kennan.errors import Location, TableError
from kennan.safeio import read_regular

#: Tables larger than this are refused unread: DEU III, the largest table we know, is
#: well under a megabyte.
MAX_BYTES = 16 * 1024 * 1024


def read_text_file(path: str | Path, *, what: str, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of ``path`` (a BOM is dropped); :class:`TableError` naming the file
    when it cannot be read or decoded, is not a regular file (a device, a FIFO) or is
    larger than ``max_bytes``. ``what`` names the file in messages."""
    name = str(path)
    try:
        raw = read_regular(path, max_bytes=max_bytes)
    except OSError as exc:
        raise TableError(f"cannot read {what}: {exc.strerror or exc}", Location(name)) from None
    if len(raw) > max_bytes:
        raise TableError(f"{what} is larger than the limit of {max_bytes:,} bytes",
                         Location(name))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"expected UTF-8 text, got byte {raw[exc.start]:#04x} at offset "
                         f"{exc.start}", Location(name)) from None
