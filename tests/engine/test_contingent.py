"""Contingent courses: conditional steps, parallel tracks, events with one chance.

Each fixture is small enough that its answer is known exactly (or, for a chance,
binomially): a conditional step is entered in the very period its condition
first holds, tracks climb as each would alone, a ``once`` event gets one trial.
"""

from __future__ import annotations

import numpy as np

import kennan
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.scenario.loading import load_scenario_text


def scenario(body: str, horizon: int = 12) -> object:
    text = f"kennan: 1\nid: t\ntitle: test\ntime: {{start: 2000-01, horizon: {horizon}}}\n{body}"
    return load_scenario_text(text, "test.yaml")


def levels(result, course: str, metric: str = "level") -> list[float]:
    traj = result.trajectories()
    rows = traj[(traj.course == course) & (traj.metric == metric)]
    return rows.sort_values("period")["mean"].round(6).tolist()


def test_a_conditional_step_is_entered_in_the_period_its_condition_first_holds():
    # x counts the periods (it is t at the policy stage); the threshold varies by draw.
    s = scenario("""
judgments:
  - {id: threshold, uniform: {low: 0.5, high: 9.5}, assumption: test}
state:
  - {id: x, initial: 0, update: x + 1}
policies:
  - id: firm
    ladder:
      - {id: protest}
      - {id: force, when: x >= threshold}
metrics:
  - {id: entered, value: "active(force) * t + (1 - active(force)) * 99", aggregate: min}
  - {id: protest_held, value: "active(protest)", aggregate: min}
""")
    model = build_model(s)
    r = simulate(model, start=0, count=400, seed=3)
    expected = np.ceil(r.judgments["threshold"])
    assert np.array_equal(r.metrics["entered"][0], expected)
    assert r.metrics["protest_held"][0].min() == 1  # the scheduled rung, from period 0


def test_a_conditional_rung_waits_for_the_rung_below_and_obeys_halt_and_step_down():
    s = scenario("""
policies:
  - id: late
    schedule: {start: 2000-07}
    ladder:
      - {id: a1}
      - {id: a2, when: t >= 2}
  - id: held
    halt: t >= 3 and t <= 5
    ladder:
      - {id: b1}
      - {id: b2, when: t >= 4}
  - id: bounce
    step_down: t == 6
    ladder:
      - {id: c1, when: t >= 2}
metrics:
  - {id: level, value: "active(a1) + active(a2) + active(b1) + active(b2) + active(c1)"}
""", horizon=9)
    r = kennan.run(s, draws=5, seed=0)
    # a1 on the schedule at period 6; a2's condition already holds, so it follows at 7
    assert levels(r, "late") == [0, 0, 0, 0, 0, 0, 1, 2, 2]
    # b1 at 0 (then the schedule would climb, but b2 is conditional); halt holds 3-5
    assert levels(r, "held") == [1, 1, 1, 1, 1, 1, 2, 2, 2]
    # c1 entered at 2, stepped down at 6, re-entered at 7 while its condition holds
    assert levels(r, "bounce") == [0, 0, 1, 1, 1, 1, 0, 1, 1]


TRACKS = """
state:
  - {id: spent, initial: 0}
policies:
  - id: both
    forbid: [nuclear]
    tracks:
      - id: diplomatic
        schedule: {every: 2}
        halt: t >= 3
        ladder:
          - {id: note, tags: [talk]}
          - {id: envoy, tags: [talk]}
          - {id: summit, tags: [talk]}
      - id: military
        schedule: {start: 2000-03}
        step_down: t >= 6
        ladder:
          - {id: alert, tags: [force], on_enter: {add: {spent: 1}}}
          - {id: convoy, tags: [force], on_enter: {add: {spent: 10}}}
  - id: diplomacy_alone
    schedule: {every: 2}
    halt: t >= 3
    ladder:
      - {id: note2}
      - {id: envoy2}
      - {id: summit2}
metrics:
  - {id: talk, value: "active(note) + active(envoy) + active(summit) + active(note2)
       + active(envoy2) + active(summit2)"}
  - {id: force, value: "active(alert) + active(convoy)"}
  - {id: talking, value: "tagged(talk)"}
  - {id: spent_m, value: spent}
"""


def test_tracks_climb_independently_each_on_its_own_schedule_halt_and_step_down():
    r = kennan.run(scenario(TRACKS, horizon=9), draws=5, seed=0)
    # diplomatic: periods 0 and 2 on its every-2 schedule, then halted
    assert levels(r, "both", "talk") == [1, 1, 2, 2, 2, 2, 2, 2, 2]
    # the same ladder alone climbs the same way: the other track does not disturb it
    assert levels(r, "diplomacy_alone", "talk") == levels(r, "both", "talk")
    # military: from period 2, one rung a month, stepped down from period 6
    assert levels(r, "both", "force") == [0, 0, 1, 2, 2, 2, 1, 0, 0]
    assert levels(r, "both", "talking") == [1] * 9
    # on_enter of each military rung, once each (stepping down does not refund it)
    assert levels(r, "both", "spent_m") == [0, 0, 1, 11, 11, 11, 11, 11, 11]


def test_a_single_track_is_the_plain_ladder_bit_for_bit():
    ladder = """
    schedule: {start: 2000-02, every: 2}
    halt: x > 3
    step_down: fired(shock)
    ladder:
      - {id: S1, effects: {add: {x: 0.5}}, risks: [{event: shock, hazard: 0.05}]}
      - {id: S2, when: x > 1, effects: {add: {x: 1}}}
"""
    plain = scenario(f"""
state: [{{id: x, initial: 0, update: x * 0.9}}]
events: [{{id: shock, hazard: 0.02, repeat: true}}]
policies:
  - id: course{ladder}
metrics: [{{id: xm, value: x, aggregate: sum}}]
outcomes: [{{id: end, hazard: "0.01 * x"}}]
""")
    tracked = scenario(f"""
state: [{{id: x, initial: 0, update: x * 0.9}}]
events: [{{id: shock, hazard: 0.02, repeat: true}}]
policies:
  - id: course
    tracks:
      - id: only{ladder.replace(chr(10) + "    ", chr(10) + "        ")}
metrics: [{{id: xm, value: x, aggregate: sum}}]
outcomes: [{{id: end, hazard: "0.01 * x"}}]
""")
    a = simulate(build_model(plain), start=0, count=2000, seed=7)
    b = simulate(build_model(tracked), start=0, count=2000, seed=7)
    assert np.array_equal(a.metrics["xm"], b.metrics["xm"])
    assert np.array_equal(a.outcome, b.outcome) and np.array_equal(a.time, b.time)


EVENTS = """
state:
  - {id: clashes, initial: 0}
  - {id: first, initial: 99}
policies: [{id: firm}]
events:
  - id: clash
    when: t >= 2
    probability: 0.3
    EXTRA
    effects: {add: {clashes: 1}, set: {first: t}}
metrics:
  - {id: count, value: clashes}
  - {id: at, value: first}
"""


def _clash(extra: str, draws: int = 20_000):
    s = scenario(EVENTS.replace("EXTRA", extra), horizon=12)
    r = simulate(build_model(s), start=0, count=draws, seed=11)
    return r.metrics["count"][0], r.metrics["at"][0]


def test_a_once_event_has_one_chance_in_the_first_period_its_condition_holds():
    n = 20_000
    count, at = _clash("once: true", n)
    fired = count > 0
    assert set(np.unique(count)) <= {0.0, 1.0}  # fires once, never again
    assert set(np.unique(at[fired])) == {2.0}  # only in the period force is first used
    sd = np.sqrt(0.3 * 0.7 / n)
    assert abs(fired.mean() - 0.3) < 4 * sd
    # Without 'once' the event keeps its chance each period until it fires (at most once).
    count, at = _clash("repeat: false", n)
    assert set(np.unique(count)) <= {0.0, 1.0}
    p_any = 1 - 0.7 ** 10  # periods 2..11
    assert abs((count > 0).mean() - p_any) < 4 * np.sqrt(p_any * (1 - p_any) / n)
    # With 'repeat' it fires in any period the condition holds: 10 periods at 0.3 each.
    count, _ = _clash("repeat: true", n)
    assert abs(count.mean() - 3.0) < 4 * np.sqrt(10 * 0.21 / n)
