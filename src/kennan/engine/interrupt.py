"""Stopping a run from outside, between two periods.

Whoever starts a run in a thread may make it stoppable (:func:`stoppable`) with an
event; the engine calls :func:`checkpoint` at the start of every period, which
raises :class:`Stopped` once the event is set. Nothing else changes: a run that is
not stopped computes what it always does, and a stopped run leaves nothing behind
(its state is its own). ``kennan explore`` stops the run of a change that a newer
change has replaced. The event lives in a context variable, so it reaches the
engine through the runner and the local executor without being passed along, and
only in the thread (context) that set it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextvars import ContextVar

_STOP: ContextVar[threading.Event | None] = ContextVar("kennan_engine_stop", default=None)


class Stopped(BaseException):
    # A BaseException, as KeyboardInterrupt is: no ``except Exception`` on the way out
    # mistakes a stop for a failure of the run.
    """The run was asked to stop (:func:`stoppable`)."""


def checkpoint() -> None:
    """Raise :class:`Stopped` when this context's run was asked to stop."""
    event = _STOP.get()
    if event is not None and event.is_set():
        raise Stopped


@contextlib.contextmanager
def stoppable(event: threading.Event) -> Iterator[None]:
    """Within the block, runs in this context stop at their next period once ``event``
    is set."""
    token = _STOP.set(event)
    try:
        yield
    finally:
        _STOP.reset(token)
