"""Benchmark of the analysis (issues 6 and 11): the report, section by section.

    python bench/analysis.py            # korea-1952: the report at its defaults
    python bench/analysis.py --quick    # smaller sizes, for a smoke test
    python bench/analysis.py --workers 2 --no-local   # the report on two workers only

Prints, measured in this process: the time of the full report at the default
settings (10,000 draws, Sobol' at 2**12 base samples, discovery at 2,000 points x
16 replicates; budget under 60 s on two cores) and the seconds of each of its
sections, side by side in this process (``local``) and on a pool of ``--workers``
processes; and design rows evaluated in chunks through the experiment runner
against the same rows evaluated one engine call per row (the way per-run
frameworks drive a model). On a shared machine compare the ratios, not the
absolute times. The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from kennan import defaults
from kennan.analysis.quantity import quantity_of
from kennan.engine.simulate import simulate
from kennan.experiments import designs
from kennan.experiments.executors import make_executor
from kennan.experiments.runner import run_design
from kennan.experiments.study import Study
from kennan.report.build import analyse
from kennan.report.render import render
from kennan.safeio import write_file

SCENARIO = "korea-1952"
COURSE = "reserve_and_pressure"
OUTCOME = "armistice"


def bench_report(draws: int, sobol_base: int, points: int, backend: str,
                 workers: int | None) -> tuple[float, dict[str, float], int]:
    """Seconds to analyse and write the report, the seconds of each section, and the
    page's size in bytes."""
    with tempfile.TemporaryDirectory() as tmp, \
            make_executor(backend, workers=workers) as executor:
        out = Path(tmp) / "report.html"
        start = time.perf_counter()
        analysis = analyse(SCENARIO, draws=draws, seed=0, sobol_base=sobol_base,
                           points=points, executor=executor)
        clock = time.perf_counter()
        write_file(out, render(analysis, elapsed=clock - start))
        sections = {**analysis.timings, "render": time.perf_counter() - clock}
        return time.perf_counter() - start, sections, out.stat().st_size


def bench_row_loop(rows: int) -> tuple[float, float]:
    """Seconds per design row: in chunks through the runner, and one engine call per row."""
    study = Study.open(SCENARIO, courses=[COURSE])
    q = quantity_of(study.catalog, outcome=OUTCOME)
    names = study.judgments()
    design = designs.saltelli_design(names, base=64, seed=0)
    sample, draws = design.sample[:rows], design.draws[:rows]
    start = time.perf_counter()
    batched = run_design(study, count=rows, seed=0, names=names, sample=sample, draws=draws,
                         extract=q.values)
    per_batched = (time.perf_counter() - start) / rows
    u = designs.full_uniforms(study.model, names, sample)
    start = time.perf_counter()
    looped = np.concatenate([q.values(simulate(study.model, start=0, count=1, seed=0,
                                               judgment_uniforms=u[i:i + 1],
                                               draw_index=draws[i:i + 1]))
                             for i in range(rows)], axis=-1)
    per_looped = (time.perf_counter() - start) / rows
    assert np.array_equal(batched, looped), "batched and looped runs must agree row by row"
    return per_batched, per_looped


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--workers", type=int, default=defaults.REPORT_WORKERS,
                        help="worker processes of the pooled report (0: skip it)")
    parser.add_argument("--no-local", action="store_true",
                        help="skip the report in this process")
    args = parser.parse_args()
    draws, base, points, loop_rows = ((2000, 256, 200, 40) if args.quick else
                                      (defaults.DRAWS, defaults.SOBOL_BASE,
                                       defaults.DISCOVERY_POINTS, 200))
    figures: dict[str, object] = {"scenario": SCENARIO, "quick": args.quick,
                                  "report_draws": draws, "sobol_base": base,
                                  "discovery_points": points}
    runs = ([("local", "local", None)] if not args.no_local else []) + (
        [(f"processes x{args.workers}", "processes", args.workers)] if args.workers else [])
    totals = {}
    for label, backend, workers in runs:
        seconds, sections, size = bench_report(draws, base, points, backend, workers)
        totals[label] = seconds
        print(f"report of {SCENARIO} ({label}): {seconds:.1f} s ({size / 1024:,.0f} KB); "
              f"{seconds / 60:.2f} of the 60 s budget")
        print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in sections.items()))
        figures[f"report_s[{label}]"] = round(seconds, 2)
        figures[f"sections[{label}]"] = {k: round(v, 2) for k, v in sections.items()}
    if len(totals) == 2:
        (a, ta), (b, tb) = totals.items()
        print(f"side by side: {b} takes {tb / ta:.2f} of the time of {a}")
        figures["pooled_over_local"] = round(tb / ta, 3)

    per_batched, per_looped = bench_row_loop(loop_rows)
    ratio = per_looped / per_batched
    print(f"design rows: {per_batched * 1e6:,.0f} us each in chunks, {per_looped * 1e6:,.0f} us "
          f"each one call per row ({loop_rows} rows): ratio {ratio:,.0f}")
    figures["ratio_chunked_vs_row_loop"] = round(ratio, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
