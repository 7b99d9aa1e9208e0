"""Dependent judgments (issue 12 part 7): what the copula and the orders give, and at what cost.

    python bench/dependence.py            # 100,000 draws checked, 10**6 timed
    python bench/dependence.py --quick    # smaller sizes, for a smoke test

Prints the declared and the sampled Spearman correlation of each pair of a
three-judgment group (a beta, a lognormal and a uniform), the number of draws
breaking a declared order, the means of three ordered uniforms (the order
statistics' 3/4, 1/2, 1/4), and, side by side, the time of drawing the judgments
with the copula and the orders against drawing them independently. The last line
is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from scipy import stats

from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.scenario.loading import load_scenario_text

MATRIX = [[1.0, 0.6, 0.3], [0.6, 1.0, -0.4], [0.3, -0.4, 1.0]]
SCENARIO = f"""kennan: 1
id: bench
title: dependent judgments
time: {{start: 2000-01, horizon: 1}}
judgments:
  - {{id: a, beta: {{a: 2, b: 5}}, assumption: bench}}
  - {{id: b, lognormal: {{median: 3, sigma: 0.8}}, assumption: bench}}
  - {{id: c, uniform: {{low: -1, high: 4}}, assumption: bench}}
  - {{id: c1, uniform: {{low: 0, high: 1}}, assumption: bench}}
  - {{id: c2, uniform: {{low: 0, high: 1}}, assumption: bench}}
  - {{id: c3, uniform: {{low: 0, high: 1}}, assumption: bench}}
correlations:
  - {{judgments: [a, b, c], rank: {MATRIX}, assumption: bench}}
orders:
  - {{judgments: [c1, c2, c3], assumption: bench}}
policies: [{{id: wait}}]
"""


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_check, n_time = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    model = build_model(load_scenario_text(SCENARIO, "bench.yaml"))
    j = simulate(model, start=0, count=n_check, seed=0).judgments
    out: dict[str, float] = {}
    names = ["a", "b", "c"]
    for r in range(3):
        for q in range(r + 1, 3):
            got = float(stats.spearmanr(j[names[r]], j[names[q]]).statistic)
            out[f"spearman_{names[r]}{names[q]}"] = got
            print(f"rank correlation {names[r]}~{names[q]}: declared {MATRIX[r][q]:+.2f}, "
                  f"sampled {got:+.4f} ({n_check:,} draws)")
    broken = int((j["c1"] < j["c2"]).sum() + (j["c2"] < j["c3"]).sum())
    out["order_violations"] = broken
    print(f"draws breaking an order: {broken} of {n_check:,}")
    means = [float(j[k].mean()) for k in ("c1", "c2", "c3")]
    print("means of the ordered uniforms: " + ", ".join(f"{m:.4f}" for m in means)
          + " (order statistics: 0.75, 0.5, 0.25)")
    rng = np.random.default_rng(0)
    u = {jid: rng.random(n_time) for jid, _ in model.judgments}
    t = time.perf_counter()
    model.dependence.sample(model.judgments, u)
    dependent = time.perf_counter() - t
    t = time.perf_counter()
    {jid: dist.ppf(u[jid]) for jid, dist in model.judgments}  # type: ignore[attr-defined]
    independent = time.perf_counter() - t
    out["time_ratio"] = dependent / independent
    print(f"drawing {n_time:,} draws of 6 judgments: with copula and order "
          f"{dependent:.3f} s, independent {independent:.3f} s, "
          f"ratio {dependent / independent:.2f}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
