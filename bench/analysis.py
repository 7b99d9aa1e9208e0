"""Benchmark of the analysis (issue 6): the report and a Sobol' analysis of every judgment.

    python bench/analysis.py            # korea-1952: report at 10,000 draws; Sobol' at 2**12
    python bench/analysis.py --quick    # smaller sizes, for a smoke test

Prints, measured in this process: the time of a full report at the default draws
(target under 60 s); the time of first- and total-order Sobol' indices of every
uncertain judgment with 2**12 base samples (target under 600 s); and, side by
side, the design evaluated in batches through the engine against the same design
rows evaluated one model call per row (the way per-run frameworks drive a model).
The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from kennan.analysis import sensitivity
from kennan.analysis.quantity import quantity_of
from kennan.engine.model import build_model
from kennan.experiments import designs
from kennan.report.render import write_report

SCENARIO = "korea-1952"
COURSE = "reserve_and_pressure"
OUTCOME = "armistice"


def bench_report(draws: int, sobol_base: int) -> tuple[float, int]:
    """Seconds to analyse and write the report, and its size in bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        start = time.perf_counter()
        write_report(SCENARIO, output=out, draws=draws, seed=0, sobol_base=sobol_base)
        return time.perf_counter() - start, out.stat().st_size


def bench_sobol(base: int) -> tuple[float, sensitivity.Sensitivity]:
    """Seconds for Sobol' indices of every uncertain judgment at ``base`` base samples."""
    start = time.perf_counter()
    result = sensitivity.sobol(SCENARIO, course=COURSE, outcome=OUTCOME, base=base, seed=0)
    return time.perf_counter() - start, result


def bench_row_loop(rows: int) -> tuple[float, float]:
    """Seconds per design row: batched through the engine, and one engine call per row."""
    model = build_model(SCENARIO, [COURSE])
    q = quantity_of(model, outcome=OUTCOME)
    names = designs.uncertain_judgments(model)
    design = designs.saltelli_design(names, base=64, seed=0)
    u = designs.full_uniforms(model, names, design.sample[:rows])
    start = time.perf_counter()
    batched = designs.run_uniforms(model, u, seed=0, extract=q.values)
    per_batched = (time.perf_counter() - start) / rows
    start = time.perf_counter()
    looped = np.concatenate([designs.run_uniforms(model, u[i:i + 1], seed=0, start=i,
                                                  extract=q.values) for i in range(rows)],
                            axis=-1)
    per_looped = (time.perf_counter() - start) / rows
    assert np.array_equal(batched, looped), "batched and looped runs must agree draw by draw"
    return per_batched, per_looped


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    args = parser.parse_args()
    draws, base, loop_rows = (2000, 512, 60) if args.quick else (10_000, 4096, 400)

    report_s, report_bytes = bench_report(draws, 4096 if not args.quick else 512)
    print(f"report of {SCENARIO} at {draws:,} draws: {report_s:.1f} s "
          f"({report_bytes / 1024:,.0f} KB); {report_s / 60:.2f} of the 60 s budget")

    sobol_s, result = bench_sobol(base)
    judgments = len(result.table)
    print(f"Sobol' of {judgments} judgments, {base:,} base samples ({result.evaluations:,} "
          f"draws of {COURSE}): {sobol_s:.1f} s; {sobol_s / 600:.3f} of the 600 s budget")
    top = result.table.head(3)
    print("  top by total order: " + ", ".join(
        f"{j} {st:.3f}" for j, st in zip(top["judgment"], top["ST"], strict=True)))

    per_batched, per_looped = bench_row_loop(loop_rows)
    ratio = per_looped / per_batched
    print(f"design rows: {per_batched * 1e6:,.0f} us each in batches, {per_looped * 1e6:,.0f} us "
          f"each one call per row ({loop_rows} rows): ratio {ratio:,.0f}")

    print(json.dumps({
        "scenario": SCENARIO, "quick": args.quick, "report_draws": draws,
        "report_s": round(report_s, 2), "report_kb": round(report_bytes / 1024),
        "sobol_base": base, "sobol_judgments": judgments, "sobol_draws": result.evaluations,
        "sobol_s": round(sobol_s, 2), "ratio_batched_vs_row_loop": round(ratio, 1),
        "report_budget_share": round(report_s / 60, 3),
        "sobol_budget_share": round(sobol_s / 600, 4),
    }))


if __name__ == "__main__":
    main()
