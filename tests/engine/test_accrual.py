"""Outcomes and metrics: the index path for a few draws gives the dense path's bits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kennan.engine import accrual, buffers
from kennan.engine.model import build_model
from kennan.engine.simulate import ChunkResult, simulate
from kennan.scenario.loading import load_scenario_text

FIXTURES = Path(__file__).parent.parent / "fixtures"

# A condition outcome that takes a few draws a period (and one that never does), a
# hazard outcome with a record, and metrics of every aggregate, constant values,
# after values (numbers, expressions, judgments), hold and stop.
FEW = """kennan: 1
id: few
title: few draws absorbed
time: {start: 2000-01, horizon: 10}
judgments:
  - {id: rate, uniform: {low: 0.0, high: 0.3}, assumption: a test}
  - {id: loss, uniform: {low: 1, high: 5}, assumption: a test}
state:
  - {id: x, initial: 1, update: "x + rate"}
events:
  - {id: blow, hazard: "rate / 10"}
policies: [{id: a}, {id: b, ladder: [{id: up, effects: {add: {x: -0.5}}}]}]
outcomes:
  - {id: broke, when: "fired(blow)"}
  - {id: never, when: "x > 1000"}
  - {id: deal, hazard: "rate * 0.5", record: {level: "x * 2"}}
metrics:
  - {id: total, value: "x - 1", aggregate: sum, after: {broke: "-loss", deal: 0}}
  - {id: stopped, value: x, aggregate: mean, after: stop}
  - {id: held_mean, value: "x * x", aggregate: mean}
  - {id: top, value: "x - t", aggregate: max, after: {deal: "x + 1"}}
  - {id: bottom, value: "x - t", aggregate: min}
  - {id: last, value: x, after: {broke: -1}}
  - {id: flag, value: 0, after: {deal: "t < 4"}}
  - {id: ones, value: 1.5, aggregate: sum}
"""


def _arrays(r: ChunkResult) -> list[np.ndarray]:
    out = [r.outcome, r.time, r.mass, *r.metrics.values(), *r.records.values()]
    return [np.asarray(a) for a in out]


@pytest.mark.parametrize("estimator", ["conditional", "sampled"])
@pytest.mark.parametrize("source", ["few", "toy"])
def test_few_draws_by_index_give_the_dense_bits(monkeypatch, estimator, source):
    model = build_model(load_scenario_text(FEW, "few.yaml") if source == "few"
                        else str(FIXTURES / "toy.yaml"))
    results = {}
    for share in (-1.0, 1.0):  # never by index, always by index
        monkeypatch.setattr(accrual.Few, "SHARE", share)
        results[share] = simulate(model, start=5, count=400, seed=2, estimator=estimator)
    dense, few = results[-1.0], results[1.0]
    assert dense.trajectories == few.trajectories
    for a, b in zip(_arrays(dense), _arrays(few), strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if source == "few":  # the scenario does what it is for: a few draws a period, not none
        broke = dense.probability(0)
        assert 0 < np.count_nonzero(broke) < broke.size


def test_few_takes_values_of_every_shape():
    rows, cols = np.array([0, 1, 1]), np.array([2, 0, 3])
    few = accrual.Few(rows, cols)
    grid = np.arange(8.0).reshape(2, 4)
    assert few.take(grid).tolist() == [2.0, 4.0, 7.0]
    assert few.take(np.arange(4.0)).tolist() == [2.0, 0.0, 3.0]  # a judgment, (draws,)
    assert few.take(np.array(2.5)) == 2.5  # broadcasts as it is
    assert few.take(1.5) == 1.5
    assert accrual.Few.of(np.zeros((2, 4), bool)) is not None
    assert accrual.Few.of(np.ones((2, 4), bool)) is None  # many: dense is cheaper
    assert accrual.Few.of(None) is None


def test_kept_buffers_left_dirty_by_a_block_change_no_result(monkeypatch):
    # Every large array from kept buffers (the accrual's statistics among them), each
    # buffer handed out first full of NaN: the results are those of fresh arrays.
    model = build_model(load_scenario_text(FEW, "few.yaml"))
    fresh = simulate(model, start=3, count=300, seed=4)
    monkeypatch.setattr(buffers, "LARGE", 1)
    monkeypatch.setattr(buffers, "_kept", [])
    take = buffers._take

    def dirty(shape, dtype, *, zero):
        out = take(shape, dtype, zero=False)
        out.view(np.uint8).fill(0xFF)  # NaN in every float
        if zero:
            out.fill(0)
        return out

    monkeypatch.setattr(buffers, "_take", dirty)
    for _ in range(2):  # the second run reuses the first's buffers
        kept = simulate(model, start=3, count=300, seed=4)
        assert kept.trajectories == fresh.trajectories
        for a, b in zip(_arrays(fresh), _arrays(kept), strict=True):
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert buffers._kept  # the buffers were used
