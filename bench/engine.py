"""Engine throughput: draw-periods per second, peak memory, and the gain over a per-draw loop.

    python bench/engine.py [SCENARIO] [--sizes 10000,100000,1000000] [--loop-draws 300]
                           [--chunk-size 16384] [--workers 2] [--quick]

For a scenario (default korea-1952; the toy test scenario if korea is not
there), every course of action over every period:

* draw-periods per second at each size, in this process (one core). A draw is
  one set of judgment draws simulated under every course (and, with competing
  hypotheses, under every reading), so draw-periods per second = draws x periods /
  seconds; the course-draw-periods figure multiplies by the number of courses, the
  course-reading-periods figure by courses x readings (the work per draw-period
  grows with both: compare scenarios by this one);
* peak resident memory of the process after each size (it must stay flat);
* measured side by side in this process: the same compiled model evaluated one
  draw at a time in a Python loop (``simulate(model, start=i, count=1)``, the
  way per-run frameworks call a model), extrapolated per draw, and the ratio;
* the largest size again on ``--workers`` processes (the issue's target: 10^6
  draws of every course in under 15 s on two cores);
* a per-stage profile of ``--profile-draws`` draws: the share of run time spent
  in random numbers, expressions, events (stages 1-5 but the policy), policy,
  state (derived values and influences), decisions, outcomes, metrics and
  bookkeeping (the rest). Each share is exclusive: an expression evaluated inside
  a decision counts as an expression. Bookkeeping is split further into its parts
  (``bookkeeping_parts``, shares of the whole run): judgments (inverse CDFs and
  dependence), initial state (the block's arrays and the situation at the start),
  exact sums (:mod:`kennan.engine.exact`), pooling (the competing hypotheses' draws
  picked per draw), results (a block's per-draw results), summaries (a chunk's
  summary but its exact sums) and other (what no timer covers);
* the floor, side by side in the same process: a plain NumPy kernel that makes
  the same count of uniforms per period (one ``(draws,)`` array per random
  stream the period reads) and the same count of element-wise operations on
  ``(courses, draws)`` float64 arrays (see :func:`floor_counts`), for the same
  draws in the same chunks; ``ratio_to_floor`` is engine time / floor time, and
  both are given as draw-periods and course-reading-periods per second.

The profile and the engine-vs-floor runs count this process's CPU time (user and
system), so other processes on a shared machine do not distort their shares and
ratios; the sizes and the worker run count wall-clock time.

The last line is one JSON object of the figures: ``draw_periods_per_s`` is the
one-core rate at the largest size (with ``--profile-only``, the engine's rate beside
the floor); ``engine_*`` and ``floor_*`` are the side-by-side runs;
``seconds_one_process`` and ``seconds_on_workers`` the largest size's times
(``largest_draws``, 10^6 by default).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

import numpy as np

from kennan.compiler import tree as tr
from kennan.compiler.parse import parse_expression
from kennan.engine import accrual, stages
from kennan.engine import hypotheses as hypotheses_module
from kennan.engine import simulate as simulate_module
from kennan.engine.dependence import Dependence
from kennan.engine.evaluator import Evaluator
from kennan.engine.model import Model, Site, build_model
from kennan.engine.simulate import simulate
from kennan.engine.streams import Streams
from kennan.experiments import summary as summary_module
from kennan.experiments.executors import ProcessExecutor, tune_allocator
from kennan.experiments.runner import DEFAULT_CHUNK, run
from kennan.scenario.loading import builtin_scenarios

TOY = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "toy.yaml"


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: The profile's stages, in the order they are printed.
STAGES = ("random numbers", "expressions", "events", "policy", "state", "decisions",
          "outcomes", "metrics", "bookkeeping")
#: The named parts of bookkeeping, in the order they are printed ("other" is untimed).
PARTS = ("judgments", "initial state", "exact sums", "pooling", "results", "summaries",
         "other")


class StageClock:
    """Exclusive CPU time per stage: a timed call's time less that of its timed callees."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._inner: list[float] = []  # time of timed callees, one entry per open call

    def wrap(self, stage: str, fn: Callable) -> Callable:
        """``fn``, timed as ``stage``."""
        def timed(*args, **kwargs):
            t0 = time.process_time()
            self._inner.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.process_time() - t0
                self.seconds[stage] += elapsed - self._inner.pop()
                if self._inner:
                    self._inner[-1] += elapsed
        return timed

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Time the engine's stages (by patching the functions the period loop calls)."""
        targets = [(Streams, "__call__", "random numbers"),
                   (Evaluator, "__call__", "expressions"),
                   (stages, "run_period", "events"),  # stages 1-5 less what is timed inside
                   (stages, "_policy", "policy"),
                   (stages, "_derive", "state"), (stages, "_influence", "state"),
                   (stages, "decide", "decisions"),
                   (accrual.Outcomes, "settle", "outcomes"),
                   (accrual.Accrual, "record", "metrics"), (accrual.Accrual, "absorb", "metrics"),
                   (accrual.Accrual, "finish", "metrics"),
                   # The trajectory fused with its rounding and sums: mostly the sums' work.
                   (accrual.Accrual, "rounded_trajectory", "exact sums"),
                   (Dependence, "sample", "judgments"),
                   (simulate_module.Block, "__init__", "initial state"),
                   (stages.State, "initial", "initial state"),
                   (simulate_module.Block, "result", "results"),
                   (simulate_module, "expected_values", "results"),
                   (accrual.Outcomes, "records", "results"),
                   (hypotheses_module, "_select", "pooling"),
                   (summary_module.Summary, "of_chunk", "summaries"),
                   # The modules that call the exact sums import them by name.
                   *((module, name, "exact sums")
                     for module in (simulate_module, hypotheses_module, summary_module)
                     for name in ("fixed_sums", "exact_sums", "fixed_rounded", "rounded_sums",
                                  "_pooled_sums") if hasattr(module, name))]
        with ExitStack() as stack:
            for owner, name, stage in targets:
                original = getattr(owner, name)
                stack.enter_context(mock.patch.object(owner, name,
                                                      self.wrap(stage, original)))
            yield

    def shares(self, total: float) -> tuple[dict[str, float], dict[str, float]]:
        """Each stage's share of ``total`` seconds (bookkeeping: what no other stage
        takes), and each part of bookkeeping's share of the same total."""
        stage = {k: self.seconds.get(k, 0.0) / total for k in STAGES[:-1]}
        rest = max(1.0 - sum(stage.values()), 0.0)
        parts = {k: self.seconds.get(k, 0.0) / total for k in PARTS[:-1]}
        parts["other"] = max(rest - sum(parts.values()), 0.0)
        return {**stage, "bookkeeping": rest}, parts


def _reads(node: tr.Node) -> bool:
    """Whether ``node`` reads the environment (else it is folded to a constant)."""
    if isinstance(node, tr.Name | tr.IdRef):
        return True
    if isinstance(node, tr.Const):
        return False
    children = {tr.Unary: lambda n: (n.operand,),
                tr.Arith: lambda n: (n.first, *(x for _, x in n.rest)),
                tr.Compare: lambda n: n.operands, tr.Logical: lambda n: n.operands,
                tr.IfElse: lambda n: (n.test, n.body, n.orelse), tr.Call: lambda n: n.args}
    return any(_reads(c) for c in children[type(node)](node))


def _ops(node: tr.Node) -> int:
    """Element-wise operations one evaluation of ``node`` performs (constants fold)."""
    if not _reads(node):
        return 0
    if isinstance(node, tr.Name | tr.IdRef):
        return 0
    if isinstance(node, tr.Unary):
        return (node.op != "+") + _ops(node.operand)
    if isinstance(node, tr.Arith):
        return len(node.rest) + _ops(node.first) + sum(_ops(x) for _, x in node.rest)
    if isinstance(node, tr.Compare):  # a chain also ands its comparisons
        return 2 * len(node.ops) - 1 + sum(_ops(x) for x in node.operands)
    if isinstance(node, tr.Logical):
        return len(node.operands) - 1 + sum(_ops(x) for x in node.operands)
    if isinstance(node, tr.IfElse):
        return 1 + _ops(node.test) + _ops(node.body) + _ops(node.orelse)
    return 1 + sum(_ops(x) for x in node.args)  # a function call


def floor_counts(model: Model) -> tuple[int, int]:
    """Uniforms ``(draws,)`` and element-wise operations on ``(courses, draws)`` arrays
    that one period of ``model`` needs at least.

    Operations: every operator of every expression the period evaluates (expressions
    that read only judgments or nothing are evaluated once per block: none), plus
    the work the semantics needs, counted per item of the model: an event 3 (compare
    its uniform, mask the live draws, mark it fired; 2 more when it cannot repeat), an
    effect 2 and 1 more for a bounded stock (combine, masked write, clip), a stock
    update or derived value 1 (+1 bounded), an influence 3 (clip at 0, normalise,
    write), a discrete decision per decider and option 6 (utility times sharpness,
    less the maximum, exp, sum, divide, combine) and per option 3 (cumulative sum,
    choice, write), a utility term's value 2 (times weight, add), an outcome 5
    (share, mass, survival, mass store, reached), a record 2, a metric 3 on the path
    plus 3 per outcome (aggregate, expected, held) and 2 for the trajectory.
    Policy expressions and moves act on one course's row: they count 1/courses each.
    A scenario with competing hypotheses runs every reading on every draw: the
    operations are summed over the readings, the uniforms (shared by the readings,
    one stream drawn once a period) counted once.
    """
    if model.hypotheses:
        counts = [floor_counts(h.model) for h in model.hypotheses]
        return max(u for u, _ in counts), sum(o for _, o in counts)
    namespace = model.loaded.checked.namespace
    judgments = {j for j, _ in model.judgments}
    n_courses = len(model.courses)

    def per_period(site: Site | None) -> bool:
        # Constants fold; judgment-only expressions are evaluated once per block.
        return site is not None and site.expr.constant is None and bool(
            site.expr.id_refs or not site.expr.names <= judgments)

    def cost(site: Site | None) -> float:
        if not per_period(site):
            return 0.0
        return float(_ops(parse_expression(site.expr.source, namespace).tree))

    bounded = {st.id for st in model.stocks if st.bounds is not None}
    ops = 0.0

    def effects(effs) -> float:
        return sum(cost(e.site) + 2 + (e.target in bounded) for e in effs)

    uniforms = len(model.events)
    for e in model.events:
        ops += 3 + 2 * (not e.repeat) + effects(e.effects)
        ops += cost(e.hazard) + cost(e.when) + cost(e.probability) * (
            1.0 / model.horizon if e.at is not None else 1.0)
    for course in model.courses:
        row = 0.0
        for track in course.tracks:
            row += 4 + cost(track.halt) + cost(track.step_down)
            for st in track.steps:
                row += 1 + cost(st.when) + effects(st.effects)
                row += sum(cost(h) + 3 for _, h in st.risks)
        ops += row / n_courses
    for st in model.stocks:
        if st.update is not None:
            ops += cost(st.update) + 1 + (st.bounds is not None)
    for d in model.derived:
        ops += cost(d.value) + 1 + (d.bounds is not None)
    ops += sum(cost(site) + 3 for members in model.factions.values() for _, site in members)
    for dec in model.decisions:
        ops += cost(dec.sharpness)
        if dec.options:
            uniforms += 1
            n_opt = len(dec.options)
            ops += 6 * n_opt * len(dec.deciders) + 3 * n_opt
            terms = [*dec.shared, *(t for ts in dec.terms.values() for t in ts)]
            for term in terms:
                sites = (term.weight, *(v for _, v in term.values))
                if any(per_period(v) for v in sites):  # else summed once per block
                    ops += cost(term.weight) + sum(cost(v) + 2 for _, v in term.values)
        else:
            ops += sum(cost(pos) + cost(sal) + 3 for _, pos, sal in dec.stances) + 1
    for o in model.outcomes:
        uniforms += o.hazard is not None
        ops += 5 + cost(o.when) + cost(o.hazard) + sum(cost(s) + 2 for _, s in o.record)
    for m in model.metrics:
        ops += cost(m.value) + 3 + 3 * len(model.outcomes) + 2
        ops += sum(cost(s) for _, s in m.after_values)
    return uniforms, round(ops)


def floor_run(draws: int, chunk_size: int, *, courses: int, periods: int, judgments: int,
              uniforms: int, ops: int) -> float:
    """Seconds of the floor kernel over ``draws`` in chunks: per chunk a uniform per
    judgment and draw, then per period ``uniforms`` arrays ``(draws,)`` and ``ops``
    binary operations on ``(courses, draws)`` float64 arrays (each a fresh temporary,
    as plain NumPy code makes them)."""
    rng = np.random.default_rng(0)
    t0 = time.process_time()
    for start in range(0, draws, chunk_size):
        count = min(chunk_size, draws - start)
        rng.random((judgments, count))
        a = rng.random((courses, count))
        b = rng.random((courses, count))
        for _ in range(periods):
            for _ in range(uniforms):
                rng.random(count)
            x = a
            for i in range(ops):
                x = x * b if i % 2 else x + a  # alternating keeps values bounded
    return time.process_time() - t0


def profile(model: Model, draws: int, chunk_size: int
            ) -> tuple[float, dict[str, float], dict[str, float]]:
    """Seconds of ``draws`` draws run in this process under the stage clock, the
    shares of each stage and those of bookkeeping's parts."""
    clock = StageClock()
    with clock.installed():
        t0 = time.process_time()
        run(model.loaded, draws=draws, seed=0, chunk_size=chunk_size, keep_draws=False)
        total = time.process_time() - t0
    return (total, *clock.shares(total))


def engine_vs_floor(model: Model, draws: int, chunk_size: int, repeats: int
                    ) -> tuple[float, float]:
    """Best of ``repeats`` alternating runs: engine seconds and floor seconds for the
    same draws in the same chunks."""
    uniforms, ops = floor_counts(model)
    shape = {"courses": len(model.courses), "periods": model.horizon,
             "judgments": len(model.judgments), "uniforms": uniforms, "ops": ops}
    engine, floor = [], []
    for _ in range(repeats):
        t0 = time.process_time()
        run(model.loaded, draws=draws, seed=0, chunk_size=chunk_size, keep_draws=False)
        engine.append(time.process_time() - t0)
        floor.append(floor_run(draws, chunk_size, **shape))
    return min(engine), min(floor)


def profile_and_floor(model: Model, draws: int, chunk_size: int, repeats: int
                      ) -> dict[str, object]:
    """Print the stage profile and the engine beside its floor; their figures."""
    seconds, shares, parts = profile(model, draws, chunk_size)
    print(f"profile of {draws:,} draws ({seconds:.2f} s, timers included): "
          + ", ".join(f"{stage} {share:.1%}" for stage, share in shares.items()))
    print("  bookkeeping's parts (shares of the whole run): "
          + ", ".join(f"{part} {share:.1%}" for part, share in parts.items()))
    uniforms, ops = floor_counts(model)
    engine, floor = engine_vs_floor(model, draws, chunk_size, repeats)
    rate, floor_rate = draws * model.horizon / engine, draws * model.horizon / floor
    width = len(model.courses) * readings(model)
    print(f"engine {engine:.2f} s ({rate:,.0f} draw-periods/s, {rate * width:,.0f} "
          f"course-reading-periods/s) vs floor {floor:.2f} s ({floor_rate:,.0f} and "
          f"{floor_rate * width:,.0f}; {uniforms} uniforms and {ops} element-wise operations "
          f"per period{f', over {readings(model)} readings' if model.hypotheses else ''}): "
          f"ratio to floor {engine / floor:.2f}")
    return {"profile_draws": draws, "profile": {k: round(v, 4) for k, v in shares.items()},
            "bookkeeping_parts": {k: round(v, 4) for k, v in parts.items()},
            "floor_uniforms_per_period": uniforms, "floor_ops_per_period": ops,
            "engine_s": round(engine, 3), "floor_s": round(floor, 3),
            "ratio_to_floor": round(engine / floor, 3),
            "engine_draw_periods_per_s": round(rate),
            "floor_draw_periods_per_s": round(floor_rate),
            "engine_course_reading_periods_per_s": round(rate * width),
            "floor_course_reading_periods_per_s": round(floor_rate * width),
            "draw_periods_per_s": round(rate)}


def readings(model: Model) -> int:
    """Readings every draw runs under: the competing hypotheses, or the one model."""
    return max(len(model.hypotheses), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=None)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--loop-draws", type=int, default=300)
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile-draws", type=int, default=65_536,
                        help="draws of the stage profile and of the engine-vs-floor runs")
    parser.add_argument("--floor-repeats", type=int, default=2,
                        help="alternating engine and floor runs; the best of each counts")
    parser.add_argument("--profile-only", action="store_true",
                        help="only the profile and the floor (no sizes, loop or workers)")
    parser.add_argument("--quick", action="store_true",
                        help="sizes 10^3, 10^4; 50 loop draws; profile 10^4 draws")
    args = parser.parse_args()
    scenario = args.scenario or ("korea-1952" if "korea-1952" in builtin_scenarios()
                                 else str(TOY))
    sizes = [1000, 10_000] if args.quick else [int(float(s)) for s in args.sizes.split(",")]
    loop_draws = 50 if args.quick else args.loop_draws
    profile_draws = 10_000 if args.quick else args.profile_draws

    model = build_model(scenario)
    n_courses, horizon, n_readings = len(model.courses), model.horizon, readings(model)
    print(f"scenario {model.scenario.id}: {n_courses} courses, {horizon} periods, "
          f"{n_readings} reading{'s' if n_readings > 1 else ''}, "
          f"{len(model.judgments)} judgments; chunk size {args.chunk_size}; Python "
          f"{sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs")
    tune_allocator()  # as the executors do, so the floor runs under the same allocator
    # Warm caches, imports and compiled kernels (numba's cache loads once per process),
    # the summaries' exact sums included.
    run(model.loaded, draws=100, seed=0, chunk_size=100, keep_draws=False)

    figures: dict[str, object] = {"scenario": model.scenario.id, "courses": n_courses,
                                  "readings": n_readings,
                                  "periods": horizon, "chunk_size": args.chunk_size,
                                  "load_average": round(os.getloadavg()[0], 1)}
    figures.update(profile_and_floor(model, profile_draws, args.chunk_size,
                                     args.floor_repeats))
    if args.profile_only:
        print(json.dumps(figures))
        return
    per_size = {}
    for n in sizes:
        t0 = time.perf_counter()
        run(model.loaded, draws=n, seed=0, chunk_size=args.chunk_size, keep_draws=False)
        seconds = time.perf_counter() - t0
        rate = n * horizon / seconds
        per_size[n] = {"seconds": round(seconds, 3), "draw_periods_per_s": round(rate),
                       "course_draw_periods_per_s": round(rate * n_courses),
                       "course_reading_periods_per_s": round(rate * n_courses * n_readings),
                       "peak_mb": round(peak_mb(), 1)}
        print(f"{n:>10,} draws: {seconds:8.2f} s  {rate:12,.0f} draw-periods/s  "
              f"{rate * n_courses * n_readings:12,.0f} course-reading-periods/s  "
              f"peak RSS {peak_mb():7.1f} MB")
    largest = max(sizes)
    vector_per_draw = per_size[largest]["seconds"] / largest

    t0 = time.perf_counter()
    for i in range(loop_draws):
        simulate(model, start=i, count=1, seed=0)
    loop_per_draw = (time.perf_counter() - t0) / loop_draws
    ratio = loop_per_draw / vector_per_draw
    print(f"one draw at a time ({loop_draws} draws): {loop_per_draw * 1e3:.2f} ms per draw; "
          f"vectorised at {largest:,}: {vector_per_draw * 1e6:.1f} us per draw; "
          f"ratio {ratio:,.0f}x")

    t0 = time.perf_counter()
    with ProcessExecutor(args.workers) as executor:
        run(scenario, draws=largest, seed=0, chunk_size=args.chunk_size, executor=executor,
            keep_draws=False)
    workers_seconds = time.perf_counter() - t0
    print(f"{largest:,} draws on {args.workers} worker processes (start-up included): "
          f"{workers_seconds:.1f} s")

    figures.update({
        "sizes": {str(n): v for n, v in per_size.items()},
        "seconds_one_process": per_size[largest]["seconds"],
        "seconds_on_workers": round(workers_seconds, 2),
        "draw_periods_per_s": per_size[largest]["draw_periods_per_s"],
        "course_draw_periods_per_s": per_size[largest]["course_draw_periods_per_s"],
        "course_reading_periods_per_s": per_size[largest]["course_reading_periods_per_s"],
        "largest_draws": largest,
        "peak_mb": round(peak_mb(), 1),
        "loop_ms_per_draw": round(loop_per_draw * 1e3, 3),
        "ratio_vs_loop": round(ratio, 1),
        "workers": args.workers,
        "largest_on_workers_s": round(workers_seconds, 2),
    })
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
