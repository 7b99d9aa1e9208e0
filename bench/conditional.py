"""Conditional probabilities: cost per judgment draw and standard error per estimator,
where the run time goes, and the time of a whole report.

    python bench/conditional.py [SCENARIO] [--draws 10000] [--chunk-size 16384] [--report]

For a scenario (default korea-1952) and its question's outcome (within the
question's months), measured side by side in this process:

* for each estimator (``sampled``: one uniform decides each hazard outcome;
  ``conditional``: the hazard is carried as probability), the seconds per judgment
  draw (all courses) and, per course, the standard error of the probability's
  estimate (sd of the per-draw values / sqrt(draws)); then the variance ratio
  (sampled / conditional: how many times more draws the sampled estimator needs
  for the same error) and the efficiency ratio (variance x time);
* the share of the conditional run's time spent in random numbers, in evaluating
  expressions, in decisions (their own work, expressions excluded) and in the rest
  (bookkeeping: stages, accrual, summaries), by wrapping those functions with
  exclusive timers;
* with ``--report``: the seconds of ``kennan report`` at its default settings.

The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from kennan.analysis.quantity import quantity_of
from kennan.defaults import DEFAULT_SCENARIO
from kennan.engine import decisions as decisions_module
from kennan.engine import stages as stages_module
from kennan.engine.evaluator import Evaluator
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.engine.streams import Streams
from kennan.experiments.catalog import Catalog


def run_estimator(model, q, *, draws: int, chunk: int, estimator: str) -> tuple[float, np.ndarray]:
    """Seconds and the ``(courses, draws)`` values of the quantity."""
    parts = []
    started = time.perf_counter()
    for s in range(0, draws, chunk):
        n = min(chunk, draws - s)
        ch = simulate(model, start=s, count=n, seed=0, estimator=estimator)
        parts.append(q.values(ch))
    return time.perf_counter() - started, np.concatenate(parts, axis=1)


class Timers:
    """Exclusive time of wrapped functions, by label (nested wrapped calls subtracted)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self._stack: list[list[float]] = []

    def wrap(self, label: str, fn):
        def inner(*args, **kwargs):
            self._stack.append([0.0])
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                total = time.perf_counter() - started
                children = self._stack.pop()[0]
                self.spent[label] = self.spent.get(label, 0.0) + total - children
                if self._stack:
                    self._stack[-1][0] += total
        return inner


def stage_shares(model, *, draws: int, chunk: int) -> dict[str, float]:
    """Shares of a conditional run's time: random numbers, expressions, decisions, rest."""
    timers = Timers()
    saved = (Streams.__call__, Evaluator.__call__, decisions_module.decide, stages_module.decide)
    Streams.__call__ = timers.wrap("random numbers", Streams.__call__)
    Evaluator.__call__ = timers.wrap("expressions", Evaluator.__call__)
    wrapped = timers.wrap("decisions", decisions_module.decide)
    decisions_module.decide = stages_module.decide = wrapped
    try:
        started = time.perf_counter()
        for s in range(0, draws, chunk):
            simulate(model, start=s, count=min(chunk, draws - s), seed=0)
        total = time.perf_counter() - started
    finally:
        Streams.__call__, Evaluator.__call__ = saved[0], saved[1]
        decisions_module.decide, stages_module.decide = saved[2], saved[3]
    shares = {k: v / total for k, v in timers.spent.items()}
    shares["bookkeeping"] = max(1.0 - sum(shares.values()), 0.0)
    return shares


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO)
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--chunk-size", type=int, default=16_384)
    ap.add_argument("--report", action="store_true", help="also time kennan report")
    args = ap.parse_args(argv)
    model = build_model(args.scenario)
    question = model.scenario.question
    q = quantity_of(Catalog.of_model(model), outcome=question.outcome if question else None,
                    within=question.within if question else None)
    print(f"{args.scenario}: {q.describe()}, {args.draws:,} judgment draws x "
          f"{len(model.courses)} courses")
    figures: dict[str, object] = {"scenario": args.scenario, "draws": args.draws}
    var = {}
    for est in ("sampled", "conditional"):
        seconds, v = run_estimator(model, q, draws=args.draws, chunk=args.chunk_size,
                                   estimator=est)
        se = v.std(axis=1, ddof=1) / math.sqrt(v.shape[1])
        var[est] = (seconds, se ** 2)
        print(f"  {est:<12} {1e6 * seconds / args.draws:8.1f} us per judgment draw; s.e. "
              + ", ".join(f"{c} {x:.4f}" for c, x in zip(model.course_ids, se, strict=True)))
        figures[est] = {"us_per_draw": 1e6 * seconds / args.draws,
                        "se": dict(zip(model.course_ids, se.tolist(), strict=True))}
    ratio = var["sampled"][1] / np.maximum(var["conditional"][1], 1e-300)
    eff = ratio * var["sampled"][0] / var["conditional"][0]
    print(f"  variance ratio sampled/conditional: median {np.median(ratio):.2f} "
          f"(min {ratio.min():.2f}, max {ratio.max():.2f}); efficiency ratio (variance x time): "
          f"median {np.median(eff):.2f}")
    figures["variance_ratio_median"] = float(np.median(ratio))
    figures["efficiency_ratio_median"] = float(np.median(eff))
    shares = stage_shares(model, draws=min(args.draws, args.chunk_size), chunk=args.chunk_size)
    print("  time shares: " + ", ".join(f"{k} {v:.0%}" for k, v in shares.items()))
    figures["time_shares"] = shares
    if args.report:
        from kennan.report.render import write_report

        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            write_report(args.scenario, output=Path(tmp) / "report.html")
            figures["report_seconds"] = time.perf_counter() - started
        print(f"  kennan report at its defaults: {figures['report_seconds']:.1f} s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1:])
