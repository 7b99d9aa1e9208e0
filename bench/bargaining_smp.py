"""Benchmark of the spatial model of politics (KTAB's SMP), measured side by side.

    python bench/bargaining_smp.py [--draws 10000] [--actors 30]

1. SMP on many draws of one table, batched, against the same model run one draw at a
   time in a Python loop: the plain-loop reference (``smp_reference``, the algorithm
   as scalar Python) and, for comparison, the vectorised function called per draw.
   The loops run on a sample of draws; their time per turn is scaled to all the
   draws' turns. Positions of the sampled draws are checked identical to the batch.
2. The KTAB examples: kennan's time per run beside KTAB's C++ (median of three on a
   2-vCPU Xeon VM, from the data README), positions checked against KTAB's own where
   we have them and against the plain-loop reference otherwise.
3. How the cost of a turn grows with the number of actors (10, 30, 100, 300).

The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from importlib import resources

import numpy as np

from kennan.bargaining import load_ktab_csv, smp, smp_multi
from kennan.bargaining.reference.smp import smp_reference

KTAB = resources.files("kennan") / "data" / "bargaining" / "ktab"
# KTAB's C++ wall times in seconds (median of 3, -O2, logging off), data/bargaining/ktab/README.md.
KTAB_SECONDS = {"dummyData-a040": 3.1, "dummyData-a080": 39.7, "dummyData-a160": 494.0}


def _table(seed: int, draws: int, n: int):
    rng = np.random.default_rng(seed)
    pos = np.round(rng.uniform(0, 100, (draws, n)), 2)
    sal = np.round(rng.uniform(0.1, 1.0, (draws, n)), 3)
    cap = np.round(rng.uniform(1, 100, (draws, n)), 1)
    return pos, sal, cap


def _timed(func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return time.perf_counter() - start, out


def _reference(pos, sal, cap):
    """The plain-loop reference on one draw of a one-issue table, on the 0-100 scale."""
    run = smp_reference([[v / 100.0] for v in pos], [[v] for v in sal], list(cap))
    return np.array(run.states)[:, :, 0] * 100.0


def batched_vs_loops(draws: int, n: int) -> dict:
    pos, sal, cap = _table(2026, draws, n)
    ref_sample, vec_sample = range(8), range(100)

    def loops(half: int) -> tuple[float, int, float, int, list]:
        """Time half of each loop's sample (one half before the batch, one after)."""
        t_ref = t_vec = 0.0
        turns_ref = turns_vec = 0
        kept = []
        for d in ref_sample[half::2]:
            t, states = _timed(_reference, pos[d], sal[d], cap[d])
            t_ref, turns_ref = t_ref + t, turns_ref + len(states) - 1
            kept.append((d, states))
        for d in vec_sample[half::2]:
            t, one = _timed(smp, pos[d], sal[d], cap[d])
            t_vec, turns_vec = t_vec + t, turns_vec + int(one.turns[0])
            kept.append((d, one.rounds[:, 0]))
        return t_ref, turns_ref, t_vec, turns_vec, kept

    before = loops(0)
    t_batch, res = _timed(smp, pos, sal, cap)
    after = loops(1)
    for d, states in before[4] + after[4]:  # the loops and the batch agree exactly
        assert np.array_equal(states, res.rounds[: len(states), d]), f"draw {d} differs"
    turns_all = int(res.turns.sum())
    loop_ref = (before[0] + after[0]) / (before[1] + after[1]) * turns_all
    loop_vec = (before[2] + after[2]) / (before[3] + after[3]) * turns_all
    print(f"SMP, {draws} draws of {n} actors (one issue), {turns_all} turns in all "
          f"({turns_all / draws:.1f} a draw)")
    print(f"  batched                               {t_batch:9.2f} s  "
          f"({t_batch / draws * 1e3:7.2f} ms a draw)")
    print(f"  plain Python loop, one draw at a time {loop_ref:9.1f} s  "
          f"({loop_ref / draws * 1e3:7.1f} ms a draw; timed on {len(ref_sample)} draws)  "
          f"ratio {loop_ref / t_batch:6.1f}")
    print(f"  vectorised smp(), one draw at a time  {loop_vec:9.1f} s  "
          f"({loop_vec / draws * 1e3:7.1f} ms a draw; timed on {len(vec_sample)} draws)  "
          f"ratio {loop_vec / t_batch:6.1f}")
    print("  (loop times: time per turn on the sample, half timed before the batch and half "
          "after, times all the draws' turns)")
    print("  positions of the timed draws identical to the batch: yes")
    return {"draws": draws, "actors": n, "turns": turns_all, "batched_s": round(t_batch, 3),
            "loop_reference_s": round(loop_ref, 1), "loop_vectorised_s": round(loop_vec, 1),
            "ratio_smp": round(loop_ref / t_batch, 1),
            "ratio_smp_vectorised_per_draw": round(loop_vec / t_batch, 1)}


def ktab_examples() -> dict:
    print("KTAB examples, one run each (median of 3), beside KTAB's C++ (median of 3)")
    out = {}
    for name in ["dummyData_3Dim", "SOE-Pol-Comp", "dummyData-a040", "dummyData-a080",
                 "dummyData-a160"]:
        table = load_ktab_csv(KTAB / f"{name}.csv")
        runs = [_timed(smp_multi, table.positions, table.saliences, table.capabilities)
                for _ in range(3)]
        ours = statistics.median(t for t, _ in runs)
        res = runs[0][1]
        golden = KTAB / f"{name}.ktab.json"
        if golden.is_file():
            ref = json.loads(golden.read_text())
            theirs = ref["timing_s_median"]
            diff = float(np.abs(res.rounds[:, 0] - np.array(ref["positions_by_state"])).max())
            check = f"max |diff| vs KTAB's positions {diff:.1e}"
        else:
            theirs = KTAB_SECONDS[name]
            if len(table.names) <= 40:
                states = _reference(table.positions[:, 0], table.saliences[:, 0],
                                    table.capabilities)
                same = np.array_equal(states, res.rounds[:, 0, :, 0])
                check = f"identical to the plain-loop reference: {'yes' if same else 'NO'}"
            else:
                check = "no KTAB output here (checked against the reference by a slow test)"
        n, dims = len(table.names), len(table.dim_names)
        turns = int(res.turns[0])
        print(f"  {name:16s} {n:3d} actors x {dims} dims, {turns:2d} turns: kennan {ours:7.3f} s, "
              f"KTAB {theirs:7.3f} s, {theirs / ours:6.1f}x faster; {check}")
        out[name] = {"actors": n, "turns": turns, "kennan_s": round(ours, 4), "ktab_s": theirs,
                     "speedup": round(theirs / ours, 1)}
    return out


def scaling() -> dict:
    print("Cost of a turn by number of actors (one draw, one issue, first 4 turns)")
    out = {}
    for n in [10, 30, 100, 300]:
        pos, sal, cap = _table(n, 1, n)
        reps = 5 if n <= 30 else 1
        runs = [_timed(smp, pos, sal, cap, max_turns=4) for _ in range(reps)]
        t = statistics.median(s for s, _ in runs)
        per_turn = t / int(runs[0][1].turns[0])
        out[str(n)] = round(per_turn, 5)
        print(f"  {n:4d} actors: {per_turn * 1e3:9.2f} ms a turn")
    grow = math.log(out["300"] / out["100"]) / math.log(3)
    print(f"  growth from 100 to 300 actors: n^{grow:.2f} (the work is n^3; small tables "
          "are dominated by fixed costs)")
    return {"seconds_per_turn": out, "exponent_100_300": round(grow, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--actors", type=int, default=30)
    args = parser.parse_args()
    figures = batched_vs_loops(args.draws, args.actors)
    figures["ktab"] = ktab_examples()
    figures["scaling"] = scaling()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
