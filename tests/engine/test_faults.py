"""Numerical faults in the period loop: the evaluator's strict mode (NumPy raising on a
fault instead of a check of every value) reports the same errors as checking every value,
and a fault on the way to a finite value is no error."""

from __future__ import annotations

import numpy as np
import pytest

from kennan.engine.evaluator import Evaluator
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.errors import SimulationError
from kennan.scenario.loading import load_scenario_text


def model_of(body: str, horizon: int = 4):
    text = f"kennan: 1\nid: t\ntitle: test\ntime: {{start: 2000-01, horizon: {horizon}}}\n{body}"
    return build_model(load_scenario_text(text, "test.yaml"))


def test_a_guarded_division_by_zero_is_no_error_and_keeps_its_value():
    model = model_of("""
state:
  - {id: s, initial: 0, update: "s + 1"}
  - {id: r, value: "where(s > 1, 1 / (s - 1), 0)"}
policies: [{id: a}, {id: b}]
""")
    result = simulate(model, start=0, count=50, seed=1, watch=("r",))
    # s is t + 1 after period t's update: r is 0, then 1 / t.
    expected = np.array([0.0, 1.0, 1 / 2, 1 / 3], dtype=np.float32)  # watched: float32
    assert np.array_equal(result.watched[0, :, 0], expected)
    assert (result.watched[0] == result.watched[0, :, :1]).all()


def test_an_effect_that_overflows_is_reported_where_the_infinity_is_read():
    # x + 1e308 overflows inside the effect; 'x - 1e308' then reads an infinity, which
    # makes no new fault: the error must still name it.
    model = model_of("""
state:
  - {id: x, initial: 1.0e308}
  - {id: y, value: "x - 1.0e308"}
events: [{id: boom, hazard: 1, effects: {add: {x: 1.0e308}}}]
policies: [{id: a}]
""")
    with pytest.raises(SimulationError) as info:
        simulate(model, start=0, count=20, seed=0)
    text = str(info.value)
    assert "x - 1.0e308" in text and "infinity" in text and "period 0" in text


def test_a_nan_read_from_a_judgment_is_reported():
    model = model_of("""
judgments:
  - {id: z, uniform: {low: -1, high: 1}, assumption: test}
state: [{id: x, initial: 1, update: "x + sqrt(z)"}]
policies: [{id: a}]
""")
    with pytest.raises(SimulationError, match=r"'x \+ sqrt\(z\)' produced NaN"):
        simulate(model, start=0, count=100, seed=0)


def test_a_utility_too_large_is_reported_in_strict_mode():
    model = model_of("""
actors: [{id: p, kind: state}]
decisions:
  - {id: choose, owner: p, options: [{id: left}, {id: right}], sharpness: 1}
considerations:
  - {id: huge, actor: p, decision: choose, weight: 1.0e308, values: {left: 1, right: -1}}
policies: [{id: a}]
""")
    with pytest.raises(SimulationError, match="too large to compute"):
        simulate(model, start=0, count=10, seed=0)


def test_strict_mode_learns_a_faulting_site_and_distrust_lasts():
    model = model_of("""
state:
  - {id: s, initial: 0}
  - {id: r, value: "where(s > 0, 1 / s, 0)"}
policies: [{id: a}]
""")
    ev = Evaluator(model, start=0, shape=(1, 3), judgments={})
    ev.env["s"] = np.array([[0.0, 1.0, 2.0]])
    site = next(d.value for d in model.derived if d.id == "r")
    with ev.strict():
        assert ev.raising
        assert np.array_equal(ev(site), [[0.0, 1.0, 0.5]])
        assert id(site) in ev._noisy  # checked from now on
        with ev.quiet():
            assert not ev.raising
        assert ev.raising
        ev.distrust()
        assert not ev.raising
    with ev.strict():
        assert not ev.raising  # the distrust outlasts its block


@pytest.mark.parametrize("factor", ["1.0e200", "1.0e300"])
def test_a_metric_too_large_for_the_summary_is_one_line_naming_it(factor):
    # Squares of metric values above about 1.3e154 overflow float64: the run's summary
    # (its variance) could not be kept, so the engine refuses the metric by name.
    model = model_of(f"""
state: [{{id: x, initial: 1}}]
policies: [{{id: a}}, {{id: b}}]
metrics:
  - {{id: huge, value: "x * {factor}"}}
""")
    with pytest.raises(SimulationError) as info:
        simulate(model, start=0, count=10, seed=0)
    text = str(info.value)
    assert "metric 'huge'" in text and "larger units" in text and "test.yaml" in text
    assert "\n" not in text


def test_a_metric_just_below_the_limit_runs_and_is_summarised():
    from kennan.engine.simulate import METRIC_LIMIT
    from kennan.experiments.summary import Summary

    model = model_of(f"""
state: [{{id: x, initial: 1}}]
policies: [{{id: a}}, {{id: b}}]
metrics:
  - {{id: big, value: "x * {METRIC_LIMIT / 2!r}"}}
""")
    chunk = simulate(model, start=0, count=10, seed=0)
    summary = Summary.of_chunk(chunk, [], model.horizon, 0)
    assert summary.metric_sums[0][0][0] > 0


def test_metrics_and_outcomes_raise_on_faults_and_report_as_when_checked():
    # Metrics and outcomes are evaluated outside strict mode (their stages' own sums must
    # not raise): a fault on the way to a finite value keeps its value, a NaN is named.
    body = """
state:
  - {{id: s, initial: 0, update: "s + 1"}}
outcomes:
  - {{id: end, hazard: "{hazard}"}}
metrics:
  - {{id: m, value: "{metric}"}}
policies: [{{id: a}}]
"""
    guarded = model_of(body.format(hazard="where(s > 1, 0.1 / (s - 1), 0)",
                                   metric="where(s > 1, 1 / (s - 1), 0)"))
    result = simulate(guarded, start=0, count=20, seed=0)
    assert np.isfinite(result.metrics["m"]).all()
    for hazard, metric, named in [("0.1", "log(s - 1)", "metric 'm'"),
                                  ("0.1 * (0 / (s - 1))", "s", "outcome 'end'")]:
        with pytest.raises(SimulationError) as info:
            simulate(model_of(body.format(hazard=hazard, metric=metric)), start=0, count=20,
                     seed=0)
        text = str(info.value)
        assert named in text and ("NaN" in text or "infinity" in text), text
