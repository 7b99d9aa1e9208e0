"""Reading and writing user-named files without surprises.

Every file kennan reads on a user's say-so (a scenario, a source document, a table)
goes through :func:`read_regular`: only a regular file is read (a device such as
``/dev/zero``, a FIFO or a socket is refused before any byte is read, so a read can
neither run without end nor hang), and never more than the caller's limit plus one
byte, so "too large" is known without reading the rest.

Every file kennan writes for a user (a report, a draft scenario, a run folder's
files) goes through :func:`write_file` or :func:`atomic_write`: the bytes go to a
temporary file created in the target's own folder with an unpredictable name and
``O_EXCL`` (so a symlink planted there is never followed), are flushed to disk, and
the file is renamed into place, so the target never holds a partial file. An
existing target is replaced only when the caller says so (``--force``), and never
when it is not a regular file: a device node, a FIFO or a folder is left alone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from kennan.errors import KennanError, Location, UsageError

__all__ = ["NotRegularFile", "atomic_write", "check_target", "file_kind", "read_regular",
           "umask_mode", "write_file"]

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link"))


class NotRegularFile(OSError):
    """A path names something other than a regular file (a device, a FIFO, a folder)."""

    def __init__(self, kind: str):
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file")


def file_kind(mode: int) -> str:
    """``'a character device'``, ``'a FIFO (named pipe)'``... for an ``st_mode``."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path: str | os.PathLike[str], *, max_bytes: int) -> bytes:
    """The bytes of regular file ``path``: at most ``max_bytes + 1`` of them.

    A result longer than ``max_bytes`` means the file is too large (the caller says
    so in its own words). Raises :class:`NotRegularFile` for a device, FIFO or socket
    (checked before opening and again on the open file, so a swap in between is
    caught), IsADirectoryError for a folder, and OSError as ``open`` does
    (FileNotFoundError, PermissionError).
    """
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise NotRegularFile(file_kind(mode))
    # O_NONBLOCK: should a FIFO be swapped in after the check, opening it does not hang.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(file_kind(mode))
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def umask_mode(base: int = 0o666) -> int:
    """``base`` with the process's umask applied: the mode ``open()`` would give a new file."""
    mask = os.umask(0o022)
    os.umask(mask)
    return base & ~mask


def atomic_write(path: Path, write: Callable[[BinaryIO], Any], *,
                 replace: bool = True, mode: int | None = None) -> None:
    """Write ``path`` through ``write(file)`` into a fresh temporary file, then rename.

    The temporary file is created by :func:`tempfile.mkstemp` in ``path``'s folder
    (unpredictable name, ``O_EXCL``: never a planted symlink), flushed to disk, given
    ``mode`` (default: what the umask gives a new file) and renamed onto ``path``.
    With ``replace`` false an existing ``path`` is never replaced (the rename is a
    hard link, which fails if the name exists): FileExistsError. Raises OSError as
    the file system does; the temporary file is removed on any failure.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fchmod(fh.fileno(), umask_mode() if mode is None else mode)
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                # A file system without hard links: the check and the rename are two steps.
                if os.path.lexists(path):
                    raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
                os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        os.unlink(tmp)  # the hard link's other name


def check_target(path: str | os.PathLike[str], *, force: bool = False,
                 what: str = "the file", error: type[KennanError] = UsageError) -> None:
    """Refuse, before any work is done, a target :func:`write_file` would refuse: one that
    exists (unless ``force``) or is not a regular file (a device, a FIFO, a folder)."""
    where = Location(str(path))
    try:
        info = os.stat(path)  # follows a symlink: what it names must be a regular file
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise error(f"cannot write {what}: {exc.strerror or exc}", where) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise error(f"cannot write {what}: it is {file_kind(info.st_mode)}, not a regular "
                    "file; refusing to replace it (give a file name)", where)
    if (info is not None or os.path.lexists(path)) and not force:
        raise error(f"{what} exists; pass --force to overwrite it, or choose another name",
                    where)


def write_file(path: str | os.PathLike[str], data: str | bytes, *, force: bool = False,
               what: str = "the file", make_parents: bool = False,
               error: type[KennanError] = UsageError) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` safely (see the module doc); the path.

    Without ``force`` an existing ``path`` is refused ("pass --force"); even with it, a
    ``path`` that is not a regular file (a device, a FIFO, a folder) is refused.
    ``make_parents`` creates missing folders. Every failure is one ``error`` naming
    ``path`` and saying ``what`` could not be written.
    """
    target = Path(path)
    where = Location(str(target))
    check_target(target, force=force, what=what, error=error)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if make_parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, lambda fh: fh.write(payload), replace=force)
    except FileExistsError:
        raise error(f"{what} exists; pass --force to overwrite it, or choose another name",
                    where) from None
    except OSError as exc:
        raise error(f"cannot write {what}: {exc.strerror or exc}", where) from None
    return target
