"""Engine throughput: draw-periods per second, peak memory, and the gain over a per-draw loop.

    python bench/engine.py [SCENARIO] [--sizes 10000,100000,1000000] [--loop-draws 300]
                           [--chunk-size 16384] [--workers 2] [--quick]

For a scenario (default korea-1952; the toy test scenario if korea is not
there), every course of action over every period:

* draw-periods per second at each size, in this process (one core). A draw is
  one set of judgment draws simulated under every course, so draw-periods per
  second = draws x periods / seconds; the course-draw-periods figure multiplies
  by the number of courses;
* peak resident memory of the process after each size (it must stay flat);
* measured side by side in this process: the same compiled model evaluated one
  draw at a time in a Python loop (``simulate(model, start=i, count=1)``, the
  way per-run frameworks call a model), extrapolated per draw, and the ratio;
* the largest size again on ``--workers`` processes (the issue's target: 10^6
  draws of every course in under a minute on two cores).

The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.experiments.executors import ProcessExecutor
from kennan.experiments.runner import DEFAULT_CHUNK, run
from kennan.scenario.loading import builtin_scenarios

TOY = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "toy.yaml"


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=None)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--loop-draws", type=int, default=300)
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="sizes 10^3, 10^4; 50 loop draws")
    args = parser.parse_args()
    scenario = args.scenario or ("korea-1952" if "korea-1952" in builtin_scenarios()
                                 else str(TOY))
    sizes = [1000, 10_000] if args.quick else [int(float(s)) for s in args.sizes.split(",")]
    loop_draws = 50 if args.quick else args.loop_draws

    model = build_model(scenario)
    n_courses, horizon = len(model.courses), model.horizon
    print(f"scenario {model.scenario.id}: {n_courses} courses, {horizon} periods, "
          f"{len(model.judgments)} judgments; chunk size {args.chunk_size}; Python "
          f"{sys.version.split()[0]}")
    simulate(model, start=0, count=100, seed=0)  # warm caches and imports

    figures: dict[str, object] = {"scenario": model.scenario.id, "courses": n_courses,
                                  "periods": horizon, "chunk_size": args.chunk_size}
    per_size = {}
    for n in sizes:
        t0 = time.perf_counter()
        run(model.loaded, draws=n, seed=0, chunk_size=args.chunk_size, keep_draws=False)
        seconds = time.perf_counter() - t0
        rate = n * horizon / seconds
        per_size[n] = {"seconds": round(seconds, 3), "draw_periods_per_s": round(rate),
                       "course_draw_periods_per_s": round(rate * n_courses),
                       "peak_mb": round(peak_mb(), 1)}
        print(f"{n:>10,} draws: {seconds:8.2f} s  {rate:12,.0f} draw-periods/s  "
              f"{rate * n_courses:12,.0f} course-draw-periods/s  peak RSS {peak_mb():7.1f} MB")
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
        "draw_periods_per_s": per_size[largest]["draw_periods_per_s"],
        "course_draw_periods_per_s": per_size[largest]["course_draw_periods_per_s"],
        "peak_mb": round(peak_mb(), 1),
        "loop_ms_per_draw": round(loop_per_draw * 1e3, 3),
        "ratio_vs_loop": round(ratio, 1),
        "workers": args.workers,
        "largest_on_workers_s": round(workers_seconds, 2),
    })
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
