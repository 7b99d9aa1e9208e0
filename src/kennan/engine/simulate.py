"""The period loop: every course of action over a block of draws, vectorised.

State arrays have shape ``(courses, draws)``; judgments and random streams have
shape ``(draws,)`` and broadcast over courses, so every course sees the same
judgment draws and the same random numbers (common random numbers).

Each period runs these stages in this order:

1. **scheduled events** whose date falls in the period get their probability;
2. **hazards and triggers**: events with a per-period hazard, or whose ``when``
   condition holds;
3. **policy**: each track of each course (one for a plain ladder) climbs one rung
   on its schedule, or onto a conditional rung in a period its ``when`` holds,
   unless ``halt`` holds, or steps down one rung while ``step_down`` holds (a rung's
   ``not_before`` date is respected); every track moves on the state as the stage
   began; entered rungs apply ``on_enter`` effects;
   every active rung applies its per-period ``effects`` and adds its risks to the
   probability of their events;
4. **event effects**: each event fires with its combined probability against one
   uniform per event and period (a non-repeating event at most once) and applies
   its effects;
5. **dynamics**: stocks with an ``update`` take their next value (computed
   simultaneously from this period's state), then bounds are applied;
6. **derived** variables are recomputed in dependency order;
7. **factions** get their normalised influence; **decisions** in file order:
   discrete ones by logit choice (factions combined by the decision's bargaining
   model), issue ones by bargaining over faction positions;
8. **outcomes**: in file order, each outcome absorbs its share of the probability
   that no outcome has absorbed the draw yet (all of it where its ``when`` holds,
   the hazard's share of it otherwise): see :mod:`kennan.engine.accrual`;
9. **metrics** are recorded on the path, and accrue after absorption by their
   ``after`` rule.

Before the first period the initial state is computed: stocks' initial values,
derived values, influences, then every **decision settled on that situation**
(uniforms of period -1), then derived values and influences once more. So in
period 0 a decision's probabilities are those its considerations give, not 1/N;
in later periods derived values (stage 6) read the decisions of the period
before (stage 7), a one-period lag from choice to consequence.

Two estimators of the outcomes (``estimator``): ``conditional`` (the default)
carries each hazard outcome as a probability along the path; ``sampled`` draws
it with a uniform, as one history would. Both give the same expectations; the
conditional one has less variance and gives each draw's probability of every
outcome given its judgments and the path's other chance events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kennan.engine import stages
from kennan.engine.accrual import Accrual, Outcomes
from kennan.engine.evaluator import Evaluator
from kennan.engine.evidence import Evidence
from kennan.engine.exact import rounded_sums
from kennan.engine.interrupt import checkpoint
from kennan.engine.model import Model
from kennan.engine.streams import Streams
from kennan.errors import Problem, SimulationError


@dataclass
class ChunkResult:
    """Per-draw results of one block of draws, and per-period exact sums.

    Arrays of shape ``(courses, draws)`` unless noted: ``outcome`` (index into the
    model's outcomes, -1 for none by the horizon) and ``time`` (its period index,
    -1 for none) of the sampled history; one array per metric (its expected
    aggregate) and per recorded value (its expected value given the outcome, NaN
    where the outcome cannot be reached). ``mass`` is float32 of shape
    ``(outcomes, courses, periods, draws)``: the probability that each outcome
    absorbs the draw in each period, given its judgments and its path.
    ``judgments`` are ``(draws,)``.
    ``trajectories[metric]`` is a list per course of per-period sums over the draws
    of the metric's current value, in units of 2**-24 (:func:`~kennan.engine.exact.fixed_sums`).

    With competing hypotheses these are the pooled draws (each draw follows the
    hypothesis ``hypothesis[draw]`` indexes), ``hypotheses`` holds every hypothesis's
    own results on the same draws and ``weights`` the normalised prior weights
    ``(hypotheses, draws)``.
    """

    start: int
    count: int
    courses: list[str]
    judgments: dict[str, np.ndarray]
    outcome: np.ndarray
    time: np.ndarray
    metrics: dict[str, np.ndarray]
    records: dict[str, np.ndarray]
    trajectories: dict[str, list[list[int]]]
    #: With evidence: log weight of each draw's history per observation,
    #: ``(observations, courses, draws)``; and each event's first period fired
    #: (``(events, courses, draws)``, -1 for never). None otherwise.
    log_weights: np.ndarray | None = None
    first_fired: np.ndarray | None = None
    #: With ``watch``: each watched variable's value at the end of every period on
    #: the watched course's row, ``(variables, horizon, draws)`` float32.
    watched: np.ndarray | None = None
    hypothesis: np.ndarray | None = None
    hypotheses: dict[str, ChunkResult] = field(default_factory=dict)
    weights: np.ndarray | None = None
    mass: np.ndarray | None = None
    #: When outcomes or metrics carry a worth: each draw's expected value to the deciding
    #: side, ``(courses, draws)`` (:func:`expected_values`).
    value: np.ndarray | None = None
    #: The global number of each row's draw when the rows are not draws ``start ..
    #: start+count-1`` (a reading's own draws, :func:`kennan.engine.hypotheses.own_draws`).
    draw_numbers: np.ndarray | None = None

    def probability(self, k: int, within: int | None = None) -> np.ndarray:
        """``(courses, draws)`` probability of outcome ``k`` by the end of period
        ``within - 1`` (default: by the horizon), given each draw's judgments and path."""
        return outcome_probability(self.mass, k, within)


def outcome_probability(mass: np.ndarray, k: int, within: int | None = None) -> np.ndarray:
    """``(courses, draws)`` probability of outcome ``k`` by the end of period ``within - 1``
    (default: the horizon) from per-period masses ``(outcomes, courses, periods, draws)``."""
    stop = mass.shape[2] if within is None else within
    return mass[k, :, :stop, :].sum(axis=1, dtype=np.float64)


def judgment_stream_uniforms(model: Model, streams: Streams) -> dict[str, np.ndarray]:
    """Each judgment's uniforms on the draws of ``streams``: a pure function of the seed,
    the judgment's id and each draw's global index (so they can be drawn again later)."""
    return {jid: streams(f"judgment:{jid}") for jid, _ in model.judgments}


#: The estimators of outcome probabilities (see the module's notes).
ESTIMATORS = ("conditional", "sampled")


@dataclass(frozen=True)
class Options:
    """What a block keeps besides its results: evidence to weigh, variables to watch."""

    forced_events: dict[str, int] | None = None
    evidence: Evidence | None = None
    watch: tuple[str, ...] = ()
    watch_course: int = 0
    estimator: str = "conditional"


class Block:
    """One model's period loop over a block of draws, advanced a period at a time."""

    def __init__(self, model: Model, *, start: int, count: int, streams: Streams,
                 judgments: dict[str, np.ndarray], options: Options):
        self.model, self.start, self.count, self.streams = model, start, count, streams
        self.judgments, self.options = judgments, options
        self.shape = shape = (len(model.courses), count)
        self.ev = Evaluator(model, start=start, shape=shape, judgments=judgments)
        self.sim = stages.State.initial(model, self.ev, shape, streams)
        self.forced = None
        if options.forced_events is not None:
            self.forced = {i: options.forced_events.get(e.id)
                           for i, e in enumerate(model.events)}
        self.outs = Outcomes(model, shape, conditional=options.estimator == "conditional")
        self.acc = Accrual(model, shape)
        self.rows: list[list[int]] = []
        #: The last period's metrics in units of 2**-24, rounded, and whether float64
        #: adds them exactly (:func:`~kennan.engine.exact.fixed_rounded`).
        self.rounded: tuple[np.ndarray, bool] | None = None
        watch = options.watch
        self.watched = (np.zeros((len(watch), model.horizon, count), np.float32) if watch
                        else None)
        self.log_w = self.first = None
        if options.evidence is not None:
            self.log_w = np.zeros((max(options.evidence.count, 1), *shape))
            self.first = np.full((len(model.events), *shape), -1, dtype=np.int16)

    def step(self, t: int) -> None:
        """Run period ``t`` and record its metrics."""
        checkpoint()  # a run made stoppable from outside stops here (engine.interrupt)
        sim, ev, evidence = self.sim, self.ev, self.options.evidence
        ev.begin_period(t)
        stages.run_period(self.model, ev, sim, self.streams, t, self.forced, evidence,
                          self.log_w)
        if self.first is not None:
            np.copyto(self.first, np.int16(t), where=sim.fired & (self.first < 0))
        self.acc.record(self.model, ev, sim.live)
        self.outs.settle(self.model, ev, sim.alive, self.streams, t, self.acc, evidence,
                         self.log_w)
        sim.live.refresh()  # settling ended some paths
        for n, name in enumerate(self.options.watch):
            self.watched[n, t] = np.broadcast_to(ev.env[name],
                                                 self.shape)[self.options.watch_course]
        # The trajectory's rounded values stay for a pooling of hypotheses to reuse (until
        # the next period overwrites them: the buffer is the accrual's).
        q, exact, sums = self.acc.rounded_trajectory(self.outs.survival)
        self.rounded = (q, exact)
        self.rows.append(rounded_sums(q, exact, sums))

    def result(self) -> ChunkResult:
        """The block's results once every period has run."""
        metrics = self.acc.finish(self.model, self.outs.survival)
        _check_metric_sizes(self.model, metrics, self.start)
        return ChunkResult(
            start=self.start, count=self.count, courses=self.model.course_ids,
            judgments=self.judgments, outcome=self.outs.outcome, time=self.outs.time,
            metrics=metrics, records=self.outs.records(),
            trajectories=trajectories(self.model, self.rows),
            log_weights=self.log_w, first_fired=self.first, watched=self.watched,
            mass=self.outs.mass,
            value=expected_values(self.model, self.ev, self.outs.mass, metrics))


#: The largest metric value whose summary can be kept: a run's summary sums each value's
#: square (for the variance) and the square of its difference from the baseline (up to
#: twice the value), which must stay below float64's largest number.
METRIC_LIMIT = 2.0 ** 510


def _check_metric_sizes(model: Model, metrics: dict[str, np.ndarray], start: int) -> None:
    """Refuse, in one line naming the metric's expression, a metric whose values are not
    finite or too large for the run's summary (:data:`METRIC_LIMIT`)."""
    for m in model.metrics:
        values = np.asarray(metrics[m.id])
        with np.errstate(invalid="ignore"):
            bad = ~(np.abs(values) < METRIC_LIMIT)
        if not bad.any():
            continue
        c, d = (int(i) for i in np.argwhere(np.atleast_2d(bad))[0])
        value = float(np.atleast_2d(values)[c, d])
        raise SimulationError(Problem(
            f"metric '{m.id}': its expected value is {value:.3g} in draw {start + d}, course "
            f"'{model.courses[c].id}'; a run's summary sums squares of metric values, so "
            f"each must stay below {METRIC_LIMIT:.3g} in size: express it in larger units",
            m.value.location))


def expected_values(model: Model, ev: Evaluator, mass: np.ndarray,
                    metrics: dict[str, np.ndarray]) -> np.ndarray | None:
    """Each draw's expected value to the deciding side: for each outcome with a worth, its
    worth times the draw's probability of reaching it by the horizon, plus, for each
    metric with a worth, its worth per unit times its value; None when nothing carries
    a worth. Worths read judgments only."""
    if not model.has_worth:
        return None
    shape = mass.shape[1:2] + mass.shape[3:]
    value = np.zeros(shape)
    for k, o in enumerate(model.outcomes):
        if o.worth is not None:
            value += np.broadcast_to(ev(o.worth), shape) * mass[k].sum(axis=1,
                                                                     dtype=np.float64)
    for m in model.metrics:
        if m.worth is not None:
            value += np.broadcast_to(ev(m.worth), shape) * metrics[m.id]
    return value


def trajectories(model: Model, rows: list[list[int]]) -> dict[str, list[list[int]]]:
    """Per-period fixed sums (one row per period, metric-major) regrouped per metric and
    course."""
    n_courses = len(model.courses)
    return {
        m.id: [[rows[t][k * n_courses + c] for t in range(model.horizon)]
               for c in range(n_courses)]
        for k, m in enumerate(model.metrics)
    }


def simulate(
    model: Model,
    *,
    start: int,
    count: int,
    seed: int,
    judgment_uniforms: np.ndarray | None = None,
    forced_events: dict[str, int] | None = None,
    evidence: Evidence | None = None,
    watch: tuple[str, ...] = (),
    watch_course: int = 0,
    estimator: str | None = None,
    draw_index: np.ndarray | None = None,
    pooled_only: bool = False,
) -> ChunkResult:
    """Simulate draws ``start .. start+count-1`` of every compiled course.

    ``judgment_uniforms`` (shape ``(count, judgments)``, values in (0, 1)) replaces
    the judgment streams, for designed experiments (Latin hypercube, Saltelli).
    ``forced_events`` maps event ids to the one period each fires in (all others
    never fire), for historical replay. ``evidence`` makes every history agree with
    what was observed and weighs it (:mod:`kennan.engine.evidence`); the result then
    carries ``log_weights`` and ``first_fired``. ``watch`` names state variables or
    decision options whose value at the end of every period on course ``watch_course``
    is kept (``watched``). A model with hypotheses runs each of them on these draws and
    pools them (:mod:`kennan.engine.hypotheses`). ``estimator`` is ``conditional`` or
    ``sampled`` (see the module's notes); the default is ``conditional``, except with
    ``evidence``, whose likelihood weights are those of sampled histories.
    ``draw_index`` (``count`` global draw indices) gives each row the chance streams of
    that draw instead of draw ``start + row``: a designed experiment's rows that must
    share their chance (Saltelli's A and AB matrices) can then run in one block.
    ``pooled_only`` runs each hypothesis only on the draws that follow it: the same
    pooled results, bit for bit, and each reading's results on its own draws only
    (:func:`kennan.engine.hypotheses.own_draws`).
    """
    if estimator is None:
        estimator = "sampled" if evidence is not None else "conditional"
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}")
    if draw_index is None:
        draws = np.arange(start, start + count, dtype=np.uint64)
    else:
        draws = np.asarray(draw_index, dtype=np.uint64)
        if draws.shape != (count,):
            raise ValueError(f"draw_index has shape {draws.shape}, expected ({count},)")
    streams = Streams(seed, draws)
    uniforms = (judgment_stream_uniforms(model, streams) if judgment_uniforms is None else
                {jid: judgment_uniforms[:, j] for j, (jid, _) in enumerate(model.judgments)})
    options = Options(forced_events, evidence, tuple(watch), watch_course, estimator)
    if model.hypotheses:
        from kennan.engine.hypotheses import simulate_hypotheses

        return simulate_hypotheses(model, start=start, count=count, streams=streams,
                                   uniforms=uniforms, options=options, pooled_only=pooled_only)
    # Correlated and ordered judgments draw on their own draw's uniforms only.
    judgments = model.dependence.sample(model.judgments, uniforms)
    block = Block(model, start=start, count=count, streams=streams, judgments=judgments,
                  options=options)
    for t in range(model.horizon):
        block.step(t)
    return block.result()
