"""Writing the explorer's files: a new scenario, an exported report.

The page names a file, never a folder: files go into the folder the explorer was
started with. Each is written by :func:`kennan.safeio.write_file`: whole, to a
temporary file with an unpredictable name in that folder, then put in place in
one step, never replacing a file unless the page asked to overwrite it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kennan.errors import Location, UsageError
from kennan.safeio import write_file

#: A plain file name: no folder, not hidden, printable, of modest length.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.,()+-]{0,150}")


def target_path(folder: Path, name: str, suffixes: tuple[str, ...]) -> Path:
    """``folder / name`` after checking that ``name`` is a plain file name with one of
    ``suffixes`` (the page names files; it never chooses folders)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise UsageError(f"file name {name!r}: expected a plain name of letters, digits, "
                         f"spaces and _.,()+- (no folder), ending in {' or '.join(suffixes)}")
    if not name.lower().endswith(suffixes):
        raise UsageError(f"file name {name!r}: expected it to end in {' or '.join(suffixes)}")
    return folder / name


def write_new(path: Path, text: str, *, overwrite: bool = False) -> Path:
    """Write ``text`` to ``path`` through :func:`kennan.safeio.write_file` (a fresh temporary
    file in the folder, then a rename); refuse to replace a file unless ``overwrite``."""
    if os.path.lexists(path) and not overwrite:
        raise UsageError(f"{path} already exists; choose another name or tick 'overwrite'",
                         Location(str(path)))
    return write_file(path, text, force=overwrite, what=str(path))
