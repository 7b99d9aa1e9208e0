"""Scaling on this machine: throughput with 1 and 2 workers, and memory at 10^7 and 10^8 draws.

    python bench/scaling.py [SCENARIO] [--draws 196608] [--chunk-size 8192]
                            [--memory-sizes 1e7,1e8] [--quick] [--skip-memory]

1. Throughput (draws of every course per second) of the same run on a process
   pool and on a Dask LocalCluster with 1 and 2 workers, measured side by side
   in this process after the workers have started and compiled the scenario;
   efficiency = rate(2 workers) / (2 x rate(1 worker)) (target: 2 workers at
   least 1.7 times one, i.e. efficiency 0.85).
2. Memory: streaming runs (no per-draw results kept) of each size on 2 worker
   processes (``--memory-workers``); the peak resident memory of this process
   and of all its children, sampled every half second, must not grow with the
   number of draws.

The full run simulates 1.1 x 10^8 draws (korea-1952 on two cores: 340 s for
10^7, 2,710 s for 10^8); ``--quick`` uses 32,768 draws and sizes 10^5 and 10^6.
The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path

import psutil

from kennan.experiments.executors import make_executor
from kennan.experiments.runner import DEFAULT_CHUNK, run
from kennan.scenario.loading import builtin_scenarios

TOY = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "toy.yaml"
SAMPLE_S = 0.5


class PeakMemory:
    """Samples the resident memory of this process and its children in a thread."""

    def __init__(self) -> None:
        self.main_mb = 0.0
        self.total_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                main = me.memory_info().rss
                total = main + sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                continue  # a child went away between listing and reading
            self.main_mb = max(self.main_mb, main / 2**20)
            self.total_mb = max(self.total_mb, total / 2**20)
            self._stop.wait(SAMPLE_S)


def throughput(scenario: str, backend: str, workers: int, draws: int, chunk: int) -> float:
    """Draws per second of a run on ``workers`` workers, after a warm-up run."""
    with make_executor(backend, workers=workers) as executor:
        # Warm-up: start the workers, import, compile the scenario on each.
        run(scenario, draws=chunk * workers * 2, seed=1, chunk_size=chunk, executor=executor,
            keep_draws=False)
        t0 = time.perf_counter()
        run(scenario, draws=draws, seed=0, chunk_size=chunk, executor=executor,
            keep_draws=False)
        return draws / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=None)
    # An even number of equal chunks, so two workers finish together.
    parser.add_argument("--draws", type=int, default=24 * 8192)
    parser.add_argument("--chunk-size", type=int, default=8192)
    parser.add_argument("--memory-chunk-size", type=int, default=DEFAULT_CHUNK)
    parser.add_argument("--memory-sizes", default="1e7,1e8")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--memory-workers", type=int, default=2)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    scenario = args.scenario or ("korea-1952" if "korea-1952" in builtin_scenarios()
                                 else str(TOY))
    draws = 16 * 2048 if args.quick else args.draws
    chunk = 2048 if args.quick else args.chunk_size
    sizes = [100_000, 1_000_000] if args.quick else [
        int(float(s)) for s in args.memory_sizes.split(",")]
    print(f"scenario {scenario}; {draws:,} draws in chunks of {chunk:,}; "
          f"{psutil.cpu_count()} CPUs")

    figures: dict[str, object] = {"scenario": scenario, "draws": draws, "chunk_size": chunk}
    rates: dict[str, float] = {}
    for backend in () if args.skip_throughput else ("processes", "dask"):
        for workers in (1, 2):
            rate = throughput(scenario, backend, workers, draws, chunk)
            rates[f"{backend}_{workers}"] = rate
            print(f"{backend:>9} x {workers}: {rate:10,.0f} draws/s")
        efficiency = rates[f"{backend}_2"] / (2 * rates[f"{backend}_1"])
        print(f"{backend:>9}: 2 workers are {2 * efficiency:.2f} times one "
              f"(efficiency {efficiency:.2f})")
        figures[f"{backend}_speedup"] = round(2 * efficiency, 3)
        figures[f"{backend}_efficiency"] = round(efficiency, 3)
    if rates:
        figures["draws_per_s"] = {k: round(v) for k, v in rates.items()}

    if not args.skip_memory:
        memory = {}
        workers = args.memory_workers
        with make_executor("processes", workers=workers) as executor:
            for n in sizes:
                t0 = time.perf_counter()
                with PeakMemory() as peak:
                    run(scenario, draws=n, seed=0, chunk_size=args.memory_chunk_size,
                        executor=executor, keep_draws=False)
                seconds = time.perf_counter() - t0
                memory[str(n)] = {"seconds": round(seconds, 1),
                                  "peak_main_mb": round(peak.main_mb, 1),
                                  "peak_total_mb": round(peak.total_mb, 1)}
                print(f"{n:>13,} draws on {workers} processes: {seconds:9.1f} s, peak RSS main "
                      f"{peak.main_mb:7.1f} MB, with workers {peak.total_mb:7.1f} MB")
        first, last = memory[str(sizes[0])], memory[str(sizes[-1])]
        growth = last["peak_total_mb"] / first["peak_total_mb"]
        print(f"memory from {sizes[0]:,} to {sizes[-1]:,} draws: x{growth:.2f}")
        figures["memory"] = memory
        figures["memory_growth"] = round(growth, 3)
        figures["peak_mb"] = max(m["peak_total_mb"] for m in memory.values())
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
