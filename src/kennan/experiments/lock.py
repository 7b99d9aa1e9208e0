"""One run per folder: a lock file created with O_EXCL that holds the owner's PID and host.

A second run on the folder is refused, naming the process that holds it. A lock
whose process is gone (killed, crashed: on this host, no such PID or a zombie)
is stale and taken over, so a run killed with -9 can be resumed.
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

import psutil

from kennan.errors import Location, SimulationError

LOCK = ".lock"


def acquire_lock(folder: Path) -> Path:
    """Create the lock file holding our PID; take over a stale lock whose process is gone."""
    lock = folder / LOCK
    host = socket.gethostname()
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pid, lock_host = _read_lock(lock)
            if pid is not None and lock_host == host and not _alive(pid):
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()  # stale: its process died (killed, crashed)
                continue
            who = f"process {pid} on {lock_host}" if pid is not None else "another process"
            raise SimulationError(
                f"the run folder is in use by {who}; wait for that run to finish, or, if no "
                f"such process is running, delete {lock}", Location(str(folder))) from None
        except OSError as exc:
            raise SimulationError(f"cannot lock the run folder: {exc.strerror or exc}",
                                  Location(str(folder))) from None
        with os.fdopen(fd, "w") as f:
            f.write(f"{os.getpid()}\n{host}\n")
        return lock
    raise SimulationError("could not take over the stale lock of the run folder; try again",
                          Location(str(folder)))


def release_lock(folder: Path) -> None:
    """Delete the folder's lock if this process holds it (never another run's)."""
    lock = folder / LOCK
    pid, _ = _read_lock(lock)
    if pid == os.getpid():
        with contextlib.suppress(OSError):
            lock.unlink()


def _read_lock(lock: Path) -> tuple[int | None, str | None]:
    try:
        lines = lock.read_text().split()
        return int(lines[0]), lines[1] if len(lines) > 1 else None
    except (OSError, ValueError, IndexError):
        return None, None


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True  # cannot tell: assume it runs
