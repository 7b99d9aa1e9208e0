"""One exploring session: the scenario it was started with, the edits made, the last run.

Every change arrives with the version of the state the page last saw and its tab's
id; a change made against an older version by another tab (which edited meanwhile)
is refused, so two tabs never overwrite each other's judgments silently. Runs are
one at a time; a newer change from the same tab supersedes its older ones
(:mod:`kennan.explore.runs`).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import gc
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kennan.engine.hypotheses import own_draws_sample_readings
from kennan.errors import KennanError, Problem, ScenarioError, UsageError
from kennan.experiments.runner import DEFAULT_DRAWS, KEEP_DRAWS_LIMIT
from kennan.experiments.runner import run as run_scenario
from kennan.experiments.study import Study
from kennan.explore import edits as ed
from kennan.explore.files import target_path, write_new
from kennan.explore.runs import Runs, Ticket, outcomes_only
from kennan.explore.view import View, build_view
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import (
    load_scenario,
    load_scenario_document,
    load_scenario_text,
    resolve_scenario_path,
)
from kennan.scenario.sourcepaths import allowing
from kennan.scenario.yamlsource import load_yaml, read_text

MIN_DRAWS = 100


class Conflict(UsageError):
    """A change made against a state that another tab has changed since."""


@dataclass
class State:
    """What the page edits: the judgments changed, the draws and the seed."""

    edits: dict[str, ed.AnyEdit] = field(default_factory=dict)
    draws: int = DEFAULT_DRAWS
    seed: int = 0
    version: int = 0
    #: The page (tab) whose change made this state; None for the file as it is.
    tab: str | None = None


class Explorer:
    """The scenario file it was started with (never written), and its edited state."""

    def __init__(self, scenario: str | Path, *, draws: int = DEFAULT_DRAWS, seed: int = 0,
                 folder: str | Path = ".") -> None:
        self.path = resolve_scenario_path(scenario).resolve()
        self.text = read_text(self.path, what="scenario file")
        self.original = load_scenario_text(self.text, str(self.path))
        self.folder = Path(folder).resolve()
        if not self.folder.is_dir():
            raise UsageError(f"folder for saved files does not exist: {self.folder}")
        self.state = State(draws=_check_draws(draws), seed=_check_seed(seed))
        self.current = self.original
        self._lock = threading.Lock()
        self.runs = Runs()
        self.view = self._run(self.original, self.state, None)

    # -- changes ---------------------------------------------------------------------------

    def update(self, *, version: Any, edits: Any, draws: Any, seed: Any,
               tab: Any = None) -> View:
        """Apply the page's edits (all of them, replacing the previous ones), run, and
        return the new view; raise :class:`Conflict` when ``version`` is stale and
        :class:`~kennan.explore.runs.Superseded` when a newer change from the same ``tab``
        came before this one was answered."""
        tab = _check_tab(tab)
        arrived = time.perf_counter()
        ticket = self.runs.begin(tab)
        try:
            with self._lock:
                ticket.check()
                started = time.perf_counter()
                self._check_version(version, tab)
                new = State(ed.parse_edits(edits, self.original), _check_draws(draws),
                            _check_seed(seed), self.state.version + 1, tab)
                parsed = time.perf_counter()
                loaded = self.edited(new.edits)
                validated = time.perf_counter()
                ticket.check()
                view = self._run(loaded, new, ticket)
                view.timings.update(waited=started - arrived, edits=parsed - started,
                                    validate=validated - parsed)
                ticket.check()  # a newer change is on its way: this state is not kept
                self.state, self.current, self.view = new, loaded, view
                return view
        finally:
            self.runs.end(ticket)

    def edited(self, edits: dict[str, ed.AnyEdit]) -> LoadedScenario:
        """The scenario with ``edits`` applied, validated as a scenario file is.

        Only the edited judgments are read anew: each is written as the YAML a saved
        file would hold and read back by the project's reader, then the whole scenario
        goes through the checks of shape and meaning a file goes through. (Reading the
        unchanged rest of the file again would cost more than the run.)"""
        if not edits:
            return self.original
        doc = self.original.doc
        items = list(doc.data["judgments"])
        index = {j.id: i for i, j in enumerate(self.original.model.judgments)}
        try:
            for jid, edit in edits.items():
                text = ed.block(ed.edited_item(items[index[jid]], edit), 0)
                items[index[jid]] = load_yaml(text, str(self.path)).data[0]
            data = {**doc.data, "judgments": items}
            return load_scenario_document(dataclasses.replace(doc, data=data), str(self.path))
        except ScenarioError as exc:
            # the places are those of an edited copy the user never sees: give the messages
            raise UsageError([Problem(p.message) for p in exc.problems]) from None

    def _run(self, loaded: LoadedScenario, state: State, ticket: Ticket | None) -> View:
        started = time.perf_counter()
        shown = outcomes_only(loaded)

        own = False

        def work() -> Any:
            nonlocal own
            study = Study.open(shown)
            own = own_draws_sample_readings(study.model)
            return run_scenario(study, draws=state.draws, seed=state.seed, keep_draws=True,
                                pooled_only=own)

        results = work() if ticket is None else self.runs.engine(ticket, work)
        ran = time.perf_counter()
        view = build_view(self.original, loaded, results, state, own_draws=own)
        view.timings.update(run=ran - started, view=time.perf_counter() - ran)
        return view

    def _check_version(self, version: Any, tab: str | None = None) -> None:
        """Refuse a change made against a state another tab has changed since (a page's
        own later changes, whose answers it may have dropped, are not a conflict)."""
        if not isinstance(version, int) or isinstance(version, bool):
            raise UsageError("malformed request: 'version' must be an integer")
        if version != self.state.version and (tab is None or tab != self.state.tab):
            raise Conflict(
                f"the judgments were changed in another tab or window (now at version "
                f"{self.state.version}, this page had {version}); reload this page to "
                "continue from those changes")

    # -- files -----------------------------------------------------------------------------

    def saved_text(self, *, folder: Path, why: str = "",
                   reasons: dict[str, str] | None = None) -> str:
        """The text of a new scenario file holding the current edits, for ``folder``: each
        changed judgment's note says what it was and why it changed, a header lists all."""
        edits = self.state.edits
        if not edits:
            raise UsageError("nothing to save: no judgment has been changed")
        reasons = {j: (reasons or {}).get(j, "") or e.reason or why for j, e in edits.items()}
        missing = [j for j, r in reasons.items() if not r.strip()]
        if missing:
            raise UsageError(f"say why before saving: no reason given for {', '.join(missing)}")
        when = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        data = {j["id"]: j for j in self.original.doc.data["judgments"]}
        notes, header = {}, []
        for jid, edit in edits.items():
            was = ed.describe(data[jid])
            now = ed.describe(ed.edited_item(data[jid], edit))
            change = f"Changed in kennan explore ({when}) from {was}. Why: {reasons[jid].strip()}"
            old = data[jid].get("note")
            notes[jid] = f"{old.strip()} [{change}]" if isinstance(old, str) else change
            header.append(f"#   {jid}: {was}  ->  {now}")
        text = ed.apply_edits(self.text, self.original, edits, notes)
        moved = load_scenario_text(text, str(self.path))
        text = ed.relocate_sources(text, moved, str(folder))
        head = [f"# An edited copy of {self.path}, saved by kennan explore ({when}).",
                "# Changed judgments (each one's note says what it was and why):", *header, ""]
        return "\n".join(head) + text

    def save(self, *, version: Any, name: Any, why: Any = "", reasons: Any = None,
             overwrite: Any = False, tab: Any = None) -> tuple[Path, LoadedScenario]:
        """Write the current edits as a new scenario file ``name`` in the session's folder,
        then load it back as any scenario file is loaded; returns its path and reading."""
        with self._lock:
            self._check_version(version, _check_tab(tab))
            if not isinstance(why, str) or not (reasons is None or isinstance(reasons, dict)):
                raise UsageError("malformed request: 'why' must be text, 'reasons' a mapping")
            path = target_path(self.folder, name, (".yaml", ".yml"))
            if path.resolve() == self.path:
                raise UsageError(f"{path} is the scenario being explored; it is never "
                                 "modified in place: choose another name")
            text = self.saved_text(folder=self.folder, why=why,
                                   reasons={str(k): str(v) for k, v in (reasons or {}).items()})
            write_new(path, text, overwrite=overwrite is True)
            try:
                # The copy reads the sources of the scenario being explored, in its folder.
                with allowing(self.path.parent):
                    return path, load_scenario(path)
            except KennanError:
                path.unlink(missing_ok=True)
                raise

    def export(self, *, version: Any, name: Any, overwrite: Any = False, tab: Any = None,
               **options: Any) -> Path:
        """Write the current state as the self-contained HTML report ``name`` in the
        session's folder (``options`` as :func:`kennan.report.build.analyse`)."""
        from kennan.report.build import analyse
        from kennan.report.render import render

        with self._lock:
            self._check_version(version, _check_tab(tab))
            path = target_path(self.folder, name, (".html", ".htm"))
            started = time.perf_counter()
            analysis = analyse(self.current, draws=self.state.draws, seed=self.state.seed,
                               **options)
            html = render(analysis, elapsed=time.perf_counter() - started)
            return write_new(path, html, overwrite=overwrite is True)

    def sensitivity(self, *, version: Any, method: Any = "morris", size: Any = None,
                    tab: Any = None) -> Any:
        """Sensitivity of the question's quantity under the current best course to every
        judgment of the edited scenario: Morris's screen (fast) or Sobol' indices."""
        from kennan.analysis import sensitivity

        with self._lock:
            self._check_version(version, _check_tab(tab))
            best, q = self.view.best, self.view.quantity
            common = {"course": best, "outcome": q.id, "within": q.within,
                      "seed": self.state.seed}
            if method == "morris":
                n = 32 if size is None else _check_int(size, "size", 4, 1024)
                return sensitivity.morris(self.current, trajectories=n, **common)
            if method == "sobol":
                n = 256 if size is None else _check_int(size, "size", 16, 8192)
                if n & (n - 1):
                    raise UsageError(f"size must be a power of two for Sobol', got {n}")
                return sensitivity.sobol(self.current, base=n, **common)
            raise UsageError(f"unknown method {method!r}: expected 'morris' or 'sobol'")


    def flips(self, *, version: Any, points: Any = None, replicates: Any = None,
              tab: Any = None) -> list[Any]:
        """Where the best course and the runner-up swap places, in judgment space, on the
        edited scenario (PRIM boxes and a tree, as in the report)."""
        from kennan.analysis import discovery

        with self._lock:
            self._check_version(version, _check_tab(tab))
            view = self.view
            if view.runner_up is None:
                return []
            n = 400 if points is None else _check_int(points, "points", 50, 20_000)
            r = 4 if replicates is None else _check_int(replicates, "replicates", 1, 64)
            q = view.quantity
            return [discovery.discover_design(self.current, better=a, than=b, outcome=q.id,
                                              within=q.within, points=n, replicates=r,
                                              seed=self.state.seed)
                    for a, b in ((view.runner_up, view.best), (view.best, view.runner_up))]


    def decompose(self, *, version: Any, draws: Any = None, replications: Any = None,
                  tab: Any = None) -> Any:
        """Each course's probability of the question's outcome and the shares of its
        variance due to the judgments, the path's chance events and the outcome's own
        dice (:func:`kennan.analysis.decomposition.decompose`), on the edited scenario."""
        from kennan.analysis.decomposition import decompose

        with self._lock:
            self._check_version(version, _check_tab(tab))
            n = 1000 if draws is None else _check_int(draws, "draws", 10, 100_000)
            r = 8 if replications is None else _check_int(replications, "replications", 2, 64)
            q = self.view.quantity
            return decompose(self.current, draws=n, replications=r, seed=self.state.seed,
                             outcome=q.id, within=q.within)


def settle() -> None:
    """Take every object alive now (the scenario as loaded and compiled, the modules) out
    of the cyclic garbage collector's reach, for a process that serves one explorer.

    Why: a full collection walks every tracked object, and after loading korea-1952 there
    are about 170,000 that live as long as the process; such a collection came every few
    changes and added up to 0.2 s to one (the 95th percentile of a change's time). Frozen,
    they are never walked again; whatever a change makes is still collected."""
    gc.collect()
    gc.freeze()


def _check_int(value: Any, name: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise UsageError(f"{name} must be a whole number from {low:,} to {high:,}, got "
                         f"{value!r}")
    return value


def _check_tab(tab: Any) -> str | None:
    if tab is None:
        return None
    if not isinstance(tab, str) or not 1 <= len(tab) <= 64:
        raise UsageError("malformed request: 'tab' must be a short text (the page's id)")
    return tab


def _check_draws(draws: Any) -> int:
    return _check_int(draws, "draws", MIN_DRAWS, KEEP_DRAWS_LIMIT)


def _check_seed(seed: Any) -> int:
    return _check_int(seed, "seed", 0, 2**63 - 1)
