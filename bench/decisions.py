"""Decisions and influences (stage 7 and ``stages._influence``) side by side with a reference.

    python bench/decisions.py REFERENCE_SRC [SCENARIO] [--period 12] [--rounds 30]

REFERENCE_SRC is the ``src`` folder of another tree of kennan (for instance one made by
``git archive <commit> src | tar -x -C /tmp/ref``). The scenario (default korea-1952)
runs one chunk in this process; at period ``--period`` of the first block, every
decision and the influences are settled again, alternating this tree's code and the
reference's (its ``engine/decisions.py`` and ``engine/stages.py`` loaded as modules of
their own) on the same state, 5 times per round. Printed: each one's median CPU time
per call (``time.process_time``, so other processes on a shared machine count little)
and the ratio of this tree's to the reference's.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

from kennan.engine import decisions, stages
from kennan.experiments.runner import run


def load(path: Path, name: str):
    """The module at ``path``, under ``name`` (apart from this tree's)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path)
    parser.add_argument("scenario", nargs="?", default="korea-1952")
    parser.add_argument("--period", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    engine = args.reference / "kennan" / "engine"
    old_decisions = load(engine / "decisions.py", "reference_decisions")
    old_stages = load(engine / "stages.py", "reference_stages")
    seconds: dict[tuple[str, str], list[float]] = {}

    def timed(key: str, pair) -> None:
        for _ in range(args.rounds):
            for name, call in pair:
                t0 = time.process_time()
                for _ in range(5):
                    call()
                seconds.setdefault((key, name), []).append((time.process_time() - t0) / 5)

    decide, influence, seen = stages.decide, stages._influence, set()

    def decide_twice(model, ev, dec, live, streams, t):
        if t == args.period and dec.id not in seen:
            seen.add(dec.id)
            timed(f"decision {dec.id}", [
                ("this", lambda: decisions.decide(model, ev, dec, live, streams, t)),
                ("reference", lambda: old_decisions.decide(model, ev, dec, live, streams, t))])
        return decide(model, ev, dec, live, streams, t)

    def influence_twice(model, ev, live, **kwargs):
        if ev.period == args.period and not kwargs and "influence" not in seen:
            seen.add("influence")
            timed("influences", [("this", lambda: influence(model, ev, live)),
                                 ("reference", lambda: old_stages._influence(model, ev, live))])
        return influence(model, ev, live, **kwargs)

    stages.decide, stages._influence = decide_twice, influence_twice
    run(args.scenario, draws=16_384, seed=0, keep_draws=False)
    for key in dict.fromkeys(k for k, _ in seconds):
        this = float(np.median(seconds[key, "this"]))
        ref = float(np.median(seconds[key, "reference"]))
        print(f"{key}: {this * 1e3:.3f} ms vs reference {ref * 1e3:.3f} ms, "
              f"ratio {this / ref:.2f}")


if __name__ == "__main__":
    main()
