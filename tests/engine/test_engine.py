"""The period loop: determinism, pairing, closed forms, ladders, absorption, numerical faults."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import kennan
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.errors import SimulationError
from kennan.scenario.loading import load_scenario_text

FIXTURES = Path(__file__).parent.parent / "fixtures"


def scenario(body: str, horizon: int = 12) -> object:
    """A minimal scenario around ``body`` (policies, state, events, outcomes, metrics)."""
    text = f"kennan: 1\nid: t\ntitle: test\ntime: {{start: 2000-01, horizon: {horizon}}}\n{body}"
    return load_scenario_text(text, "test.yaml")


def test_same_seed_same_numbers_and_chunking_does_not_matter():
    a = kennan.run(str(FIXTURES / "toy.yaml"), draws=5000, seed=3, chunk_size=1000)
    b = kennan.run(str(FIXTURES / "toy.yaml"), draws=5000, seed=3, chunk_size=65536)
    c = kennan.run(str(FIXTURES / "toy.yaml"), draws=5000, seed=3, chunk_size=777)
    assert a.to_json() == b.to_json() == c.to_json()
    def ordered(frame):
        return frame.sort_values(["course", "draw"]).reset_index(drop=True)

    assert ordered(a.draws_table()).equals(ordered(b.draws_table()))
    d = kennan.run(str(FIXTURES / "toy.yaml"), draws=5000, seed=4, chunk_size=1000)
    assert d.to_json() != a.to_json()


def test_a_draw_does_not_depend_on_its_chunk():
    model = build_model(str(FIXTURES / "toy.yaml"))
    whole = simulate(model, start=0, count=300, seed=9)
    part = simulate(model, start=120, count=7, seed=9)
    assert np.array_equal(whole.outcome[:, 120:127], part.outcome)
    for name, values in part.metrics.items():
        assert np.array_equal(whole.metrics[name][:, 120:127], values)
    for name, values in part.judgments.items():
        assert np.array_equal(whole.judgments[name][120:127], values)


def test_identical_courses_give_identical_draws():
    s = scenario("""
state: [{id: x, initial: 0}]
policies:
  - id: a
    ladder: [{id: s1, effects: {add: {x: 1}}}]
  - id: b
    ladder: [{id: s2, effects: {add: {x: 1}}}]
events: [{id: shock, hazard: 0.1, effects: {add: {x: 5}}}]
outcomes: [{id: end, hazard: "0.02 * x"}]
metrics: [{id: xm, value: x}]
""")
    r = kennan.run(s, draws=2000, seed=1)
    draws = r.draws_table()
    a, b = draws[draws.course == "a"], draws[draws.course == "b"]
    assert np.array_equal(a.outcome.to_numpy(), b.outcome.to_numpy())
    assert np.array_equal(a.period.to_numpy(), b.period.to_numpy())
    assert np.array_equal(a.xm.to_numpy(), b.xm.to_numpy())
    d, lo, hi = r.summary.outcome_difference(1, 0)
    assert d == lo == hi == 0


def test_constant_hazard_gives_a_geometric_time():
    p, horizon, n = 0.1, 120, 40_000
    s = scenario(f"""
policies: [{{id: only}}]
outcomes: [{{id: done, hazard: {p}}}]
""", horizon=horizon)
    r = kennan.run(s, draws=n, seed=5)
    t = r.draws_table().period.to_numpy()
    reached = t >= 0
    # Periods are 0-based: the first period's success is time 0; the mean is (1-p)/p.
    expected = (1 - p) / p
    truncation = (1 - p) ** horizon
    assert reached.mean() == pytest.approx(1 - truncation, abs=0.005)
    mean = t[reached].mean()
    sd = np.sqrt(1 - p) / p
    assert abs(mean - expected) < 4 * sd / np.sqrt(reached.sum())
    cumulative = r.summary.cumulative(0, 0)
    assert cumulative[0] == pytest.approx(p, abs=0.01)
    assert cumulative[9] == pytest.approx(1 - (1 - p) ** 10, abs=0.01)


def test_ladder_climbs_on_schedule_halts_and_steps_down():
    s = scenario("""
state:
  - {id: rung, initial: 0}
  - {id: gate, initial: 0}
policies:
  - id: climb
    schedule: {start: 2000-03, every: 2}
    ladder:
      - {id: r1, effects: {set: {rung: 1}}}
      - {id: r2, effects: {set: {rung: 2}}}
      - {id: r3, effects: {set: {rung: 3}}}
  - id: halted
    schedule: {start: 2000-01, every: 1}
    halt: "t >= 1"
    ladder:
      - {id: h1, effects: {set: {rung: 1}}}
      - {id: h2, effects: {set: {rung: 2}}}
  - id: down
    schedule: {start: 2000-01, every: 1}
    step_down: "t >= 4"
    ladder:
      - {id: d1, tags: [low], effects: {set: {rung: 1}}}
      - {id: d2, effects: {set: {rung: 2}}}
      - {id: d3, effects: {set: {rung: 3}}}
      - {id: d4, effects: {set: {rung: 4}}}
      - {id: d5, effects: {set: {rung: 5}}}
events:
  - {id: never, when: "t < 0"}
metrics:
  - id: level
    value: >-
      active(r1) + active(r2) + active(r3) + active(h1) + active(h2)
      + active(d1) + active(d2) + active(d3) + active(d4) + active(d5)
  - {id: low_tag, value: "tagged(low)"}
""", horizon=9)
    r = kennan.run(s, draws=10, seed=0)
    traj = r.trajectories()

    def levels(course):
        rows = traj[(traj.course == course) & (traj.metric == "level")]
        return rows.sort_values("period")["mean"].round(6).tolist()

    # climbs at periods 2, 4, 6 (start March, every 2 months), then holds at the top
    assert levels("climb") == [0, 0, 1, 1, 2, 2, 3, 3, 3]
    # climbs at period 0, then the halt holds it
    assert levels("halted") == [1, 1, 1, 1, 1, 1, 1, 1, 1]
    # climbs to 4 by period 3, then steps down one rung a period to the bottom
    assert levels("down") == [1, 2, 3, 4, 3, 2, 1, 0, 0]
    low = traj[(traj.course == "down") & (traj.metric == "low_tag")].sort_values("period")
    assert low["mean"].tolist() == [1, 1, 1, 1, 1, 1, 1, 0, 0]


def test_absorbed_draws_stop_changing():
    s = scenario("""
state: [{id: x, initial: 0, update: "x + 1"}]
policies: [{id: only}]
outcomes: [{id: stop, when: "t >= 3"}]
metrics:
  - {id: final_x, value: x}
  - {id: total, value: 1, aggregate: sum, after: stop}
  - {id: held, value: 1, aggregate: sum}
""")
    r = kennan.run(s, draws=50, seed=0)
    d = r.draws_table()
    assert (d.period == 3).all()
    assert (d.final_x == 4).all()  # x was 1, 2, 3, 4 in periods 0-3, then frozen
    assert (d.total == 4).all()  # after: stop counts the live periods only
    assert (d.held == r.summary.horizon).all()  # the default holds the last value
    assert r.summary.cumulative(0, 0)[-1] == 1.0


def test_first_outcome_in_file_order_wins():
    s = scenario("""
policies: [{id: only}]
outcomes:
  - {id: first, when: "t >= 2"}
  - {id: second, when: "t >= 2"}
""")
    r = kennan.run(s, draws=20, seed=0)
    assert r.summary.probability(0, 0) == 1.0
    assert r.summary.probability(0, 1) == 0.0


def test_nan_is_reported_with_location_draw_and_period():
    s = scenario("""
judgments:
  - {id: z, uniform: {low: -1, high: 1}, assumption: test}
state: [{id: x, initial: 1, update: "log(z)"}]
policies: [{id: only}]
""")
    with pytest.raises(SimulationError) as info:
        kennan.run(s, draws=100, seed=0)
    text = str(info.value)
    assert "test.yaml:" in text and "NaN" in text and "period 0" in text and "draw " in text


def test_risks_fire_their_event_and_common_random_numbers_pair_courses():
    s = scenario("""
policies:
  - id: safe
  - id: risky
    ladder: [{id: r, risks: [{event: boom, hazard: 0.2}]}]
events: [{id: boom}]
outcomes: [{id: war, when: "fired(boom)"}]
""", horizon=10)
    r = kennan.run(s, draws=20_000, seed=2)
    assert r.summary.probability(0, 0) == 0.0
    assert r.summary.probability(1, 0) == pytest.approx(1 - 0.8**10, abs=0.01)


def test_faction_influence_is_normalised_and_compromise_settles_an_issue():
    s = scenario("""
actors:
  - {id: land, kind: state}
  - {id: a, kind: faction, of: land, influence: 3}
  - {id: b, kind: faction, of: land, influence: 1}
issues:
  - {id: i, low: no, high: yes, positions: {a: 0, b: 100}, saliences: {a: 1, b: 1}}
decisions:
  - {id: stance, owner: land, issue: i}
policies: [{id: only}]
metrics:
  - {id: pos, value: stance}
  - {id: share_a, value: "influence(a)"}
""")
    r = kennan.run(s, draws=10, seed=0)
    assert r.summary.metric_mean(0, 0) == pytest.approx(25.0)
    assert r.summary.metric_mean(0, 1) == pytest.approx(0.75)


def test_logit_choice_matches_its_probabilities():
    s = scenario("""
actors: [{id: p, kind: state}]
decisions:
  - {id: choose, owner: p, options: [{id: left}, {id: right}], sharpness: 1}
considerations:
  - {id: lean, actor: p, decision: choose, values: {right: 1}}
policies: [{id: only}]
metrics:
  - {id: right_share, value: right, aggregate: mean}
  - {id: right_prob, value: "prob(right)"}
""")
    r = kennan.run(s, draws=20_000, seed=0)
    expected = np.exp(1) / (1 + np.exp(1))
    assert r.summary.metric_mean(0, 1) == pytest.approx(expected)
    assert r.summary.metric_mean(0, 0) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("model", ["compromise", "median", "nash", "eum", "smp"])
def test_every_bargaining_model_can_settle_a_states_factions(model):
    s = scenario(f"""
actors:
  - {{id: land, kind: state}}
  - {{id: a, kind: faction, of: land, influence: 3}}
  - {{id: b, kind: faction, of: land, influence: 1}}
  - {{id: c, kind: faction, of: land, influence: 1}}
issues:
  - {{id: i, low: no, high: yes, positions: {{a: 20, b: 60, c: 90}}}}
decisions:
  - {{id: stance, owner: land, issue: i, combine: {model}}}
  - {{id: pick, owner: land, options: [{{id: x}}, {{id: y}}], combine: {model}}}
considerations:
  - {{id: pa, actor: a, decision: pick, values: {{x: 1}}}}
  - {{id: pb, actor: b, decision: pick, values: {{y: 1}}}}
policies: [{{id: only}}]
metrics:
  - {{id: pos, value: stance}}
  - {{id: px, value: "prob(x)"}}
""", horizon=2)
    r = kennan.run(s, draws=8, seed=0)
    pos = r.summary.metric_mean(0, 0)
    px = r.summary.metric_mean(0, 1)
    assert 20 <= pos <= 90
    assert 0 <= px <= 1
    if model == "compromise":
        assert pos == pytest.approx((3 * 20 + 60 + 90) / 5)
