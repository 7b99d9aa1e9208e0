"""Build the report's analysis: run the scenario, then analyse the run.

The steps, each timed (``Analysis.timings``): a Monte Carlo run of every course
(draws kept); the ranking of courses and their paired comparison on the chosen
outcome; Sobol' indices of the best course's outcome with the judgments' grounds;
the EVPI of each judgment; where the best course and the runner-up swap places
(PRIM and a tree on a replicated Latin hypercube, evaluated once for both ways);
the signposts of the best course; optionally, what each mechanism contributes.
:mod:`kennan.report.render` makes the page.

The scenario is compiled once (a :class:`~kennan.experiments.study.Study`) and every
simulation goes through the experiment runner on the executor given, so the report
runs on a process pool or a Dask cluster like ``kennan run``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kennan import defaults
from kennan.analysis import compare, discovery, sensitivity, signposts, voi
from kennan.analysis.ablation import ablation
from kennan.analysis.quantity import EXPECTED_VALUE, Quantity, quantity_of
from kennan.defaults import DEFAULT_SCENARIO
from kennan.errors import UsageError
from kennan.experiments.executors import Executor
from kennan.experiments.results import Results
from kennan.experiments.runner import run as run_scenario
from kennan.experiments.study import Study
from kennan.scenario.loaded import LoadedScenario

DEFAULT_SOBOL_BASE = defaults.SOBOL_BASE
DEFAULT_POINTS = defaults.DISCOVERY_POINTS
DEFAULT_REPLICATES = defaults.DISCOVERY_REPLICATES
DEFAULT_SIGNPOSTS = defaults.REPORT_SIGNPOSTS


@dataclass
class Analysis:
    """Everything the report shows, computed."""

    loaded: LoadedScenario
    results: Results
    quantity: Quantity
    risk: str
    ranking: Any
    pairs: Any
    sobol: sensitivity.Sensitivity | None
    evpi: Any
    flips: list[discovery.Discovery]
    timings: dict[str, float] = field(default_factory=dict)
    #: The ranking of courses under each competing hypothesis alone (none: no hypotheses).
    readings: dict[str, Any] = field(default_factory=dict)
    #: What to watch (:mod:`kennan.analysis.signposts`), or None when not computed.
    signposts: Any = None
    #: The ranking of courses by expected value (outcomes' and metrics' worth), if any.
    value_ranking: Any = None
    #: Per course, the share of the outcome's variance the draws explain.
    shares: dict[str, float] = field(default_factory=dict)
    #: What each mechanism contributes (:mod:`kennan.analysis.ablation`), when computed.
    ablation: Any = None

    @property
    def best(self) -> str:
        """The course with the best value of the quantity."""
        return str(self.ranking["course"].iloc[0])

    @property
    def runner_up(self) -> str | None:
        """The second-best course, if there is more than one."""
        return str(self.ranking["course"].iloc[1]) if len(self.ranking) > 1 else None


def analyse(scenario: str | LoadedScenario | Study = DEFAULT_SCENARIO, *,
            draws: int = defaults.DRAWS, seed: int = defaults.SEED, outcome: str | None = None,
            within: int | None = None, risk: str | None = None,
            courses: list[str] | None = None, sobol_base: int = DEFAULT_SOBOL_BASE,
            points: int = DEFAULT_POINTS, replicates: int = DEFAULT_REPLICATES,
            ablate_draws: int = 0, executor: Executor | None = None,
            chunk_size: int | None = None, status: Callable[[str], Any] | None = None,
            progress: Callable[[int], Any] | None = None) -> Analysis:
    """Run ``scenario`` and analyse it for the report (``sobol_base`` 0 skips Sobol';
    ``ablate_draws`` above 0 switches off each mechanism in turn on that many draws).
    Every simulation runs on ``executor`` (default: this process) in chunks of
    ``chunk_size``; ``progress`` is called with the draws each chunk finished."""
    say = status or (lambda _msg: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    study = Study.open(scenario, courses=courses, executor=executor, chunk_size=chunk_size,
                       progress=progress)
    loaded = study.loaded
    _check_ids(loaded, outcome=outcome, risk=risk)
    lap("compile")
    say(f"running {draws:,} draws of every course")
    results = run_scenario(study, draws=draws, seed=seed, keep_draws=True)
    lap("run")
    if within is None and outcome is None and results.question:
        within = results.question.get("within")
    q = quantity_of(results.catalog, outcome=outcome or compare.main_outcome(results),
                    within=within)
    if risk is None:
        risk = results.default_risk(q.id)
    d = results.per_draw()
    ranking = compare.ranking(results, quantity=q, draws=d)
    pairs = compare.compare_courses(results, quantity=q, draws=d)
    readings = {h: compare.ranking(res, quantity=q) for h, res in results.hypotheses.items()}
    value_ranking = None
    if results.summary.has_value:
        value_ranking = compare.ranking(results, draws=d, quantity=quantity_of(
            results.catalog, metric=EXPECTED_VALUE))
    shares = compare.judgment_shares(results, quantity=q, draws=d)
    lap("compare")
    best = str(ranking["course"].iloc[0])
    sob = None
    if sobol_base:
        say(f"Sobol' indices of {best} ({sobol_base} base samples)")
        sob = sensitivity.sobol(study, course=best, outcome=q.id, within=within,
                                base=sobol_base, seed=seed)
    lap("sobol")
    say("value of information")
    evpi = voi.evpi(results, quantity=q, seed=seed, draws=d)
    lap("evpi")
    flips = []
    if len(ranking) > 1:
        runner = str(ranking["course"].iloc[1])
        say(f"where {best} and {runner} swap places")
        # One design, read both ways: where the runner-up beats the best, and the reverse.
        flips = discovery.discover_both(study, better=runner, than=best, outcome=q.id,
                                        within=within, points=points, replicates=replicates,
                                        seed=seed)
    lap("discovery")
    say("signposts")
    # Watching the best course: the signposts need no first run to find it.
    posts = signposts.find_signposts(study, course=best, draws=draws, seed=seed,
                                     top=DEFAULT_SIGNPOSTS,
                                     outcome=q.id if q.kind == "outcome" else None,
                                     within=within)
    lap("signposts")
    ablated = None
    if ablate_draws:
        say(f"switching off each mechanism ({ablate_draws:,} draws each)")
        ablated = ablation(study, draws=ablate_draws, seed=seed,
                           outcome=q.id if q.kind == "outcome" else None,
                           metric=q.id if q.kind == "metric" else None, within=within)
    lap("ablation")
    return Analysis(loaded, results, q, risk, ranking, pairs, sob, evpi, flips, timings,
                    readings, posts, value_ranking, shares, ablated)


def _check_ids(loaded: LoadedScenario, *, outcome: str | None, risk: str | None) -> None:
    """Refuse unknown outcome and risk ids before spending time on a run."""
    outcomes = [o.id for o in loaded.model.outcomes]
    metrics = [m.id for m in loaded.model.metrics]
    if not outcomes:
        raise UsageError(f"scenario '{loaded.id}' has no outcome: the report compares courses "
                         "by the probability of an outcome (kennan sensitivity and kennan "
                         "discover take --metric)")
    if outcome is not None and outcome not in outcomes:
        raise UsageError(f"unknown outcome '{outcome}'; valid: {', '.join(outcomes) or 'none'}")
    if risk is not None and risk not in outcomes and risk not in metrics:
        raise UsageError(f"unknown risk '{risk}': expected an outcome or a metric; valid: "
                         f"{', '.join([*outcomes, *metrics])}")
