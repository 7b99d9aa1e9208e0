"""Engine semantics with known answers: decisions at the start, conditional probabilities,
metrics after absorption."""

from __future__ import annotations

import math

import numpy as np
import pytest

import kennan
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.scenario.loading import load_scenario_text


def scenario(body: str, horizon: int = 12) -> object:
    text = f"kennan: 1\nid: t\ntitle: test\ntime: {{start: 2000-01, horizon: {horizon}}}\n{body}"
    return load_scenario_text(text, "test.yaml")


DECIDER = """
actors: [{id: power, kind: state}]
considerations:
  - {id: c, actor: power, decision: stance, weight: 1, values: {a: "log(4)", b: 0}}
decisions:
  - {id: stance, owner: power, options: [{id: a}, {id: b}], sharpness: 1}
policies: [{id: only}]
"""


def test_the_first_period_sees_the_decision_not_one_over_n():
    # p(a) = 4 / (4 + 1) = 0.8 from the start; the outcome's hazard 0.1 * p(a) in period 0
    s = scenario(DECIDER + """
outcomes: [{id: deal, hazard: "0.1 * prob(a)"}]
metrics: [{id: pa, value: "prob(a)", aggregate: max}]
""", horizon=1)
    r = kennan.run(s, draws=200, seed=0)
    assert r.summary.probability(0, 0) == pytest.approx(0.08, abs=1e-7)
    assert r.draws_table().pa.to_numpy() == pytest.approx(0.8, abs=1e-12)


def test_a_hazard_judgment_gives_its_closed_form_per_draw():
    s = scenario("""
judgments: [{id: theta, uniform: {low: 0, high: 0.2}, assumption: test}]
policies: [{id: only}]
outcomes: [{id: hit, hazard: theta}]
""")
    model = build_model(s)
    ch = simulate(model, start=0, count=500, seed=1)
    theta = ch.judgments["theta"]
    assert ch.probability(0)[0] == pytest.approx(1 - (1 - theta) ** 12, abs=1e-6)
    assert ch.probability(0, within=3)[0] == pytest.approx(1 - (1 - theta) ** 3, abs=1e-6)


def test_conditional_and_sampled_estimators_agree_in_expectation():
    s = scenario("""
judgments: [{id: theta, uniform: {low: 0, high: 0.2}, assumption: test}]
policies: [{id: only}]
outcomes: [{id: hit, hazard: theta}]
metrics: [{id: months, value: 1, aggregate: sum, after: stop}]
""")
    # E over theta of 1 - (1 - theta)^12 for theta ~ U(0, 0.2)
    exact = 1 - (1 - 0.8 ** 13) / (13 * 0.2)
    n = 20_000
    model = build_model(s)
    cond = simulate(model, start=0, count=n, seed=2)
    samp = simulate(model, start=0, count=n, seed=2, estimator="sampled")
    pc, ps = cond.probability(0)[0], samp.probability(0)[0]
    assert pc.mean() == pytest.approx(exact, abs=3 * pc.std() / math.sqrt(n) + 1e-6)
    assert ps.mean() == pytest.approx(exact, abs=4 * ps.std() / math.sqrt(n))
    assert pc.var() < ps.var()
    # expected months live: sum over t < 12 of (1 - theta)^t, per draw
    theta = cond.judgments["theta"]
    want = (1 - (1 - theta) ** 12) / theta
    assert cond.metrics["months"][0] == pytest.approx(want, rel=1e-6)


def test_a_metric_restating_an_outcome_agrees_with_the_outcome_table():
    s = scenario("""
judgments: [{id: theta, uniform: {low: 0, high: 0.2}, assumption: test}]
policies: [{id: only}]
events: [{id: rupture, hazard: 0.03}]
outcomes:
  - {id: war, when: "fired(rupture)"}
  - {id: deal, hazard: theta}
metrics:
  - {id: deal_within_6, value: 0, after: {deal: "t < 6"}}
  - {id: cost, value: 1, aggregate: sum, after: {war: 5, deal: 0}}
""")
    r = kennan.run(s, draws=4000, seed=3)
    by_6 = r.summary.cumulative(0, 1)[5]
    assert r.summary.metric_mean(0, 0) == pytest.approx(by_6, abs=1e-6)
    # cost: 1 per live period, 5 per period after the war, 0 after the deal
    d = r.draws_table()
    assert d.cost.min() >= 0 and d.cost.max() <= 5 * 12


def test_a_sum_holds_its_last_value_to_the_horizon_by_default():
    s = scenario("""
policies: [{id: only}]
outcomes: [{id: end, when: "t >= 2"}]
metrics:
  - {id: held, value: "t + 1", aggregate: sum}
  - {id: stopped, value: "t + 1", aggregate: sum, after: stop}
  - {id: mean_held, value: "t + 1", aggregate: mean}
""", horizon=6)
    d = kennan.run(s, draws=10, seed=0).draws_table()
    assert (d.held == 1 + 2 + 3 + 3 * 3).all()
    assert (d.stopped == 6).all()
    assert np.allclose(d.mean_held, 15 / 6)


def test_an_unknown_outcome_in_after_is_refused():
    from kennan.errors import KennanError

    with pytest.raises(KennanError, match="unknown outcome 'nope'"):
        scenario("""
policies: [{id: only}]
outcomes: [{id: end, when: "t >= 2"}]
metrics: [{id: m, value: 1, after: {nope: 1}}]
""")


def test_the_sampled_estimator_counts_histories_and_bad_names_are_refused():
    from kennan.errors import UsageError

    s = scenario("""
judgments: [{id: theta, uniform: {low: 0, high: 0.2}, assumption: test}]
policies: [{id: only}]
outcomes: [{id: hit, hazard: theta}]
""")
    r = kennan.run(s, draws=500, seed=4, estimator="sampled")
    d = r.draws_table()
    assert r.summary.probability(0, 0) == pytest.approx(d.hit.mean(), abs=1e-7)
    c = kennan.run(s, draws=500, seed=4)
    assert (c.draws_table().outcome == d.outcome).all()  # the same sampled histories
    with pytest.raises(UsageError, match="unknown estimator 'bogus'; valid: conditional, "
                                         "sampled"):
        kennan.run(s, draws=10, estimator="bogus")
