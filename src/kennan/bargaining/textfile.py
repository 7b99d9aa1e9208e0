"""Reading a table file as text, with the project's error for unreadable input."""

from __future__ import annotations

from pathlib import Path

from kennan.errors import Location, TableError


def read_text_file(path: str | Path, *, what: str) -> str:
    """The UTF-8 text of ``path`` (a BOM is dropped); :class:`TableError` naming the file
    when it cannot be read or decoded. ``what`` names the file in messages."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise TableError(f"cannot read {what}: {exc.strerror or exc}", Location(name)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"expected UTF-8 text, got byte {raw[exc.start]:#04x} at offset "
                         f"{exc.start}", Location(name)) from None
