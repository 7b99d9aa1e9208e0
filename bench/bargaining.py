"""Benchmark of the expected utility model (EUM), measured side by side in one process.

    python bench/bargaining.py [--draws 10000] [--actors 30] [--sample 20] [--no-smp]

1. EUM (10 rounds) on ``--draws`` draws of a ``--actors``-actor table, batched, against
   the same model run one draw at a time in a Python loop: the plain-Python
   transcription (``kennan.bargaining.reference.eum``, the algorithm as scalar loops) and,
   for comparison, the batched function called once per draw. The loops run on
   ``--sample`` draws; their time per draw is set against the batch's time per draw.
   The sampled draws' positions are checked against the batch.
2. How the batched cost per draw grows with the number of actors (10, 30, 100, 300).
3. Unless ``--no-smp``: runs ``bench/bargaining_smp.py`` (the SMP's benchmark, about 20
   minutes on a busy 2-core machine) and merges its figures: ``ratio_smp`` beside
   ``ratio_eum``, the rest under ``smp``.

Times are CPU seconds of this process (``time.process_time``), the fairest measure on
a shared machine; every model here runs on one core. The last line is one JSON object
of the figures, with ``"ratio_eum"`` the batched speed-up over the plain Python loop.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from kennan.bargaining.models.eum import eum
from kennan.bargaining.reference.eum import eum_one


def _table(seed: int, draws: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A DEU-like table: positions in steps of 5 on 0-100, saliences and capabilities."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0, 100, (draws, n)) / 5) * 5
    return x, rng.uniform(0.1, 1.0, (draws, n)), rng.uniform(0.05, 1.0, (draws, n))


def _cpu(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.process_time()
    out = fn(*args, **kwargs)
    return time.process_time() - start, out


def compare(draws: int, n: int, sample: int) -> dict[str, float]:
    """Batched EUM against the plain loop and against the batched function per draw."""
    x, s, c = _table(1, draws, n)
    batch_s, res = _cpu(eum, x, s, c)
    per_draw_batch = batch_s / draws
    pick = np.linspace(0, draws - 1, sample).astype(int)
    loop_s, hist = _cpu(lambda: [eum_one(x[d], s[d], c[d]) for d in pick])
    numpy_s, _ = _cpu(lambda: [eum(x[d], s[d], c[d]) for d in pick])
    worst = max(float(np.abs(np.array(h) - res.rounds[:, d]).max())
                for h, d in zip(hist, pick, strict=True))
    per_draw_loop, per_draw_numpy = loop_s / sample, numpy_s / sample
    print(f"EUM, 10 rounds, {n} actors: batched over {draws} draws {batch_s:.2f} s "
          f"({per_draw_batch * 1e3:.3f} ms a draw)")
    ratio = per_draw_loop / per_draw_batch
    print(f"  plain Python loop, one draw at a time ({sample} draws): "
          f"{per_draw_loop * 1e3:.1f} ms a draw -> batched is {ratio:.0f}x faster; "
          f"all {draws} draws would take {per_draw_loop * draws:.0f} s")
    print(f"  batched function called per draw ({sample} draws): {per_draw_numpy * 1e3:.2f} ms "
          f"a draw -> batched is {per_draw_numpy / per_draw_batch:.1f}x faster")
    print(f"  largest difference from the plain loop on the sampled draws: {worst:.1e}")
    return {"eum_draws": draws, "eum_actors": n, "eum_batched_s": round(batch_s, 3),
            "eum_loop_ms_per_draw": round(per_draw_loop * 1e3, 3),
            "eum_batched_ms_per_draw": round(per_draw_batch * 1e3, 4),
            "ratio_eum": round(per_draw_loop / per_draw_batch, 1),
            "ratio_eum_vs_per_draw_calls": round(per_draw_numpy / per_draw_batch, 2),
            "eum_max_abs_diff": worst}


def scaling() -> dict[str, float]:
    """Batched cost per draw (10 rounds) at 10, 30, 100 and 300 actors."""
    print("EUM cost per draw, batched (10 rounds):")
    out: dict[str, float] = {}
    prev = None
    for n, draws in ((10, 4000), (30, 2000), (100, 200), (300, 20)):
        x, s, c = _table(n, draws, n)
        secs, _ = _cpu(eum, x, s, c)
        per = secs / draws
        grow = "" if prev is None else f"  x{per / prev[1]:.1f} for x{n / prev[0]:.1f} actors"
        print(f"  {n:4d} actors: {per * 1e3:9.3f} ms a draw ({draws} draws){grow}")
        out[f"eum_ms_per_draw_{n}"] = round(per * 1e3, 4)
        prev = (n, per)
    exponent = np.polyfit(np.log([10, 30, 100, 300]),
                          np.log([out[f"eum_ms_per_draw_{n}"] for n in (10, 30, 100, 300)]), 1)[0]
    print(f"  fitted growth: cost ~ n^{exponent:.2f} (the kernel is O(n^2 log n) per round)")
    out["eum_growth_exponent"] = round(float(exponent), 2)
    return out


def smp_figures(draws: int, actors: int) -> dict[str, object]:
    """Run the SMP's own benchmark and return the figures of its last line."""
    script = Path(__file__).with_name("bargaining_smp.py")
    if not script.is_file():
        print("SMP benchmark not found: skipped")
        return {}
    print(f"Running {script.name} (its output follows):", flush=True)
    done = subprocess.run([sys.executable, str(script), "--draws", str(draws), "--actors",
                           str(actors)], capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(f"  | {line}")
    if done.returncode != 0 or not lines:
        print(f"  SMP benchmark failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
        return {"smp_benchmark_failed": True}
    return json.loads(lines[-1])


def main() -> None:
    """Run the benchmark and print its figures, the last line as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--actors", type=int, default=30)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--no-smp", action="store_true", help="skip the SMP's benchmark")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    figures.update(compare(args.draws, args.actors, args.sample))
    figures.update(scaling())
    if not args.no_smp:
        smp = smp_figures(args.draws, args.actors)
        figures["ratio_smp"] = smp.get("ratio_smp")
        figures["smp"] = smp
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
