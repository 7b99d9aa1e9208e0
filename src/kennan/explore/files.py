"""Writing the explorer's files: a new scenario, an exported report.

A file is written whole to a temporary file with an unpredictable name in the
target folder, flushed to disk, then put in place in one step: by a hard link,
which fails rather than replace a file already there, or, when overwriting was
asked for, by a rename. A reader never sees half a file, and no file the user
did not name is ever replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from pathlib import Path

from kennan.errors import Location, UsageError

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
    """Write ``text`` to ``path`` atomically; refuse to replace a file unless ``overwrite``."""
    where = Location(str(path))
    if path.exists() and not overwrite:
        raise UsageError(f"{path} already exists; choose another name or ask to overwrite it",
                         where)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"cannot write in {path.parent}: {exc.strerror or exc}", where) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name was taken meanwhile
            except FileExistsError:
                raise UsageError(f"{path} already exists; choose another name or ask to "
                                 "overwrite it", where) from None
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
                # no hard links on this file system: check, then rename
                if path.exists():
                    raise UsageError(f"{path} already exists; choose another name or ask "
                                     "to overwrite it", where) from None
                os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}", where) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path
