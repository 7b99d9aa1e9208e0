"""What a change runs, and how a newer change from the same page stops an older one.

A change runs every course of the edited scenario for what the page shows: the
outcomes. Metrics are left out of these runs when none of them carries a worth
(:func:`outcomes_only`): no expression can read a metric and the engine draws no
random number for one, so every outcome's numbers are those of a full run, bit
for bit, while the run does about 40% less work on korea-1952. The exported
report and the analyses asked for on demand run the whole scenario.

A page sends each change at once, with its tab's id; a change supersedes the
changes from the same tab not yet answered (:class:`Runs`). One still waiting is
dropped when its turn comes; the one running stops at its next period
(:mod:`kennan.engine.interrupt`) or, outside the engine, at the next check between
the explorer's stages.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import TypeVar

from kennan.engine.interrupt import Stopped, stoppable
from kennan.errors import KennanError
from kennan.scenario.loaded import LoadedScenario

T = TypeVar("T")


class Superseded(KennanError):
    """A change that a newer change from the same page replaced before it was answered."""

    def __init__(self) -> None:
        super().__init__("superseded: a newer change from this page replaced this one before "
                         "its run finished; its result is not shown")


@dataclasses.dataclass(eq=False)
class Ticket:
    """One change waiting for its answer: its page's tab and whether it was superseded."""

    tab: str | None
    cancelled: threading.Event = dataclasses.field(default_factory=threading.Event)

    def check(self) -> None:
        """Raise :class:`Superseded` once a newer change has replaced this one."""
        if self.cancelled.is_set():
            raise Superseded


class Runs:
    """The changes not yet answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: list[Ticket] = []
        #: The ticket whose run is in the engine, if any (for tests and the benchmark).
        self.running: Ticket | None = None

    def begin(self, tab: str | None) -> Ticket:
        """A ticket for a new change from ``tab``, superseding that tab's open ones (a change
        without a tab supersedes nothing)."""
        with self._lock:
            if tab is not None:
                for older in self._open:
                    if older.tab == tab:
                        older.cancelled.set()
            ticket = Ticket(tab)
            self._open.append(ticket)
            return ticket

    def end(self, ticket: Ticket) -> None:
        """The change of ``ticket`` is answered (or refused)."""
        with self._lock:
            self._open.remove(ticket)

    def engine(self, ticket: Ticket, work: Callable[[], T]) -> T:
        """``work()`` (a run of the engine for ``ticket``), stopped at its next period by a
        newer change from the same tab: then :class:`Superseded`."""
        ticket.check()
        self.running = ticket
        try:
            with stoppable(ticket.cancelled):
                return work()
        except Stopped:
            raise Superseded from None
        finally:
            self.running = None


def outcomes_only(loaded: LoadedScenario) -> LoadedScenario:
    """``loaded`` without its metrics, when none carries a worth (else ``loaded`` itself),
    under every hypothesis too: what the page shows, run with less work."""
    if not loaded.model.metrics or any(m.worth is not None for m in loaded.model.metrics):
        return loaded
    checked = loaded.checked
    if checked is not None and checked.hypotheses:
        checked = dataclasses.replace(checked, hypotheses={
            h: dataclasses.replace(v, loaded=outcomes_only(v.loaded))
            for h, v in checked.hypotheses.items()})
    return LoadedScenario(model=loaded.model.model_copy(update={"metrics": []}), doc=loaded.doc,
                          origin=loaded.origin, checked=checked)
