"""Updating on observations: known answers computed by hand, and bad observations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from kennan.errors import ScenarioError
from kennan.experiments.updating import update, weighted_quantiles
from kennan.scenario.loading import load_scenario_text

HAZARD = """\
kennan: 1
id: hazard
title: One judgment, one absorbing outcome with a monthly hazard
time: {start: 2000-01, period: month, horizon: 24}
judgments:
  - {id: theta, uniform: {low: 0, high: 0.2}, assumption: test}
  - {id: psi, uniform: {low: 0.05, high: 0.3}, assumption: test}
  - {id: mu, normal: {mean: 0, sd: 1}, assumption: test}
state:
  - {id: level, initial: mu}
policies:
  - {id: wait}
  - id: push
    ladder: [{id: shove}]
events:
  - {id: signal, hazard: psi}
  - {id: never, hazard: 0}
outcomes:
  - {id: deal, hazard: theta}
  - {id: impossible, when: "t > 100"}
"""


def observe(tmp_path, lines: str, as_of: str = "2000-06", course: str = "") -> str:
    path = tmp_path / "seen.yaml"
    extra = f"course: {course}\n" if course else ""
    path.write_text(f"kennan-observations: 1\nscenario: hazard\nas_of: {as_of}\n{extra}"
                    f"observed:\n{lines}")
    return str(path)


@pytest.fixture
def scenario(tmp_path):
    return load_scenario_text(HAZARD, str(tmp_path / "hazard.yaml"))


def integral(f, lo, hi):
    return quad(f, lo, hi)[0]


def test_outcome_not_by_month_6_matches_the_closed_form(scenario, tmp_path):
    seen = observe(tmp_path, "  - {outcome: deal, not_by: 2000-06}\n")
    up = update(scenario, seen, draws=40_000, seed=3)
    z = integral(lambda t: (1 - t) ** 6, 0, 0.2)
    mean = integral(lambda t: t * (1 - t) ** 6, 0, 0.2) / z
    by12 = 1 - integral(lambda t: (1 - t) ** 12, 0, 0.2) / z
    assert mean == pytest.approx(0.0786, abs=5e-5) and by12 == pytest.approx(0.3561, abs=5e-5)
    got = up.judgment_summary()["theta"]
    assert got["prior_mean"] == pytest.approx(0.1, abs=0.002)
    assert got["posterior_mean"] == pytest.approx(mean, abs=4 * 0.057 / np.sqrt(30_000))
    f = up.forecasts["wait"][0]
    assert f[5] == 0.0  # held off through month 6
    assert f[11] == pytest.approx(by12, abs=4 * np.sqrt(by12 * (1 - by12) / 30_000))
    assert up.effective_draws == pytest.approx(40_000 * z**2 / 0.2 /
                                               integral(lambda t: (1 - t) ** 12, 0, 0.2),
                                               rel=0.02)


def test_event_seen_in_a_period_and_a_conjunction(scenario, tmp_path):
    seen = observe(tmp_path, "  - {event: signal, in: 2000-04}\n"
                             "  - {outcome: deal, not_by: 2000-06}\n")
    up = update(scenario, seen, draws=40_000, seed=5)
    lik = lambda p: (1 - p) ** 3 * p  # noqa: E731  (not in months 1-3, then in month 4)
    psi = integral(lambda p: p * lik(p), 0.05, 0.3) / integral(lik, 0.05, 0.3)
    theta = (integral(lambda t: t * (1 - t) ** 6, 0, 0.2)
             / integral(lambda t: (1 - t) ** 6, 0, 0.2))
    got = up.judgment_summary()
    assert got["psi"]["posterior_mean"] == pytest.approx(psi, abs=0.002)
    assert got["theta"]["posterior_mean"] == pytest.approx(theta, abs=0.0015)
    assert got["mu"]["posterior_mean"] == pytest.approx(0.0, abs=0.03)  # unrelated


def test_state_reading_is_the_conjugate_normal_update(scenario, tmp_path):
    seen = observe(tmp_path, "  - {state: level, at: 2000-01, value: 1.0, sd: 1.0}\n")
    got = update(scenario, seen, draws=40_000, seed=1).judgment_summary()["mu"]
    # prior N(0, 1), reading N(mu, 1) = 1: posterior N(0.5, 0.5)
    assert got["posterior_mean"] == pytest.approx(0.5, abs=0.02)
    assert got["posterior_p95"] - got["posterior_p5"] == pytest.approx(
        2 * 1.6449 * np.sqrt(0.5), abs=0.05)


def test_no_observation_gives_back_the_prior_and_chunking_changes_nothing(scenario, tmp_path):
    seen = observe(tmp_path, "  []\n", as_of="2000-01")
    a = update(scenario, seen, draws=3_000, seed=9, chunk_size=1000)
    b = update(scenario, seen, draws=3_000, seed=9, chunk_size=777)
    for c in a.courses:
        assert np.array_equal(a.forecasts[c], b.forecasts[c])
        assert np.allclose(a.forecasts[c], a.prior_forecasts[c], rtol=0, atol=1e-12)
    assert a.effective_draws == pytest.approx(3_000)


def test_replications_average_chance_per_judgment_draw(scenario, tmp_path):
    seen = observe(tmp_path, "  - {event: signal, not_by: 2000-03}\n")
    a = update(scenario, seen, draws=2_000, replications=4, seed=2)
    assert a.posterior.outcome.shape[1] == 8_000 and a.weights.size == 2_000
    assert np.isclose(a.weights.sum(), 1.0)


@pytest.mark.parametrize(("lines", "message"), [
    ("  - {event: signl, in: 2000-02}\n", "unknown event 'signl' (did you mean 'signal'?)"),
    ("  - {outcome: deal, in: 1999-02}\n", "outside the scenario's time"),
    ("  - {event: signal, in: 2000-09}\n", "after as_of"),
    ("  - {event: signal, in: 2000-02, not_by: 2000-03}\n", "exactly one of in"),
    ("  - {state: level, at: 2000-02, value: 1}\n", "needs at, value and sd"),
    ("  - {event: signal, in: 2000-04}\n  - {event: signal, not_by: 2000-05}\n",
     "also in period 3"),
    ("  - {outcome: deal, in: 2000-02}\n  - {outcome: impossible, in: 2000-03}\n",
     "two different outcomes"),
    ("  - {outcome: impossible, in: 2000-03}\n", "no draw can produce this observation"),
    ("  - {outcome: deal, not_by: 2000-03}\n  - {event: never, in: 2000-03}\n",
     "no draw can produce this observation (event never in period 2)"),
])
def test_bad_observations_name_the_file_and_line(scenario, tmp_path, lines, message):
    seen = observe(tmp_path, lines)
    with pytest.raises(ScenarioError) as err:
        update(scenario, seen, draws=200, seed=0)
    text = str(err.value)
    assert message in text
    assert f"{seen}:" in text and "\n" not in text.strip().split("\n")[0]


def test_an_event_after_a_history_has_ended_carries_no_weight(scenario, tmp_path):
    # The model says nothing after its story ends: a history absorbed by 'deal' before
    # month 3 is not weighed by an event seen in month 3 (to say the story still ran,
    # observe the outcome not_by).
    seen = observe(tmp_path, "  - {event: never, in: 2000-03}\n")
    up = update(scenario, seen, draws=5_000, seed=4)
    theta = up.posterior.judgments["theta"]
    assert np.all(up.posterior.time[0][up.weights > 0] < 2)
    assert np.dot(up.weights, theta) > theta.mean()


def test_wrong_scenario_and_course(scenario, tmp_path):
    path = tmp_path / "o.yaml"
    path.write_text("kennan-observations: 1\nscenario: other\nas_of: 2000-02\ncourse: wiat\n"
                    "observed: []\n")
    with pytest.raises(ScenarioError) as err:
        update(scenario, str(path), draws=10)
    assert "scenario given is 'hazard'" in str(err.value)
    assert "unknown course 'wiat' (did you mean 'wait'?)" in str(err.value)
    assert f"{path}:2:11:" in str(err.value) and f"{path}:4:9:" in str(err.value)


def test_weighted_quantiles_of_equal_weights_are_the_median():
    x = np.array([3.0, 1.0, 2.0])
    assert weighted_quantiles(x, np.ones(3), [0.5]) == [2.0]
    assert weighted_quantiles(x, np.array([0.0, 0.0, 1.0]), [0.5]) == [2.0]


ROLL = HAZARD.replace("outcomes:", "replay:\n  course: wait\n  events: {signal: 2000-03}\n"
                      "  actual: {deal: 2000-05}\noutcomes:")


def test_rolling_replay_matches_the_closed_form_hazard(tmp_path):
    from kennan.experiments.rolling import rolling_replay

    loaded = load_scenario_text(ROLL, str(tmp_path / "roll.yaml"))
    r = rolling_replay(loaded, draws=30_000, seed=2)
    assert [m.month for m in r.months] == [1, 2, 3, 4, 5] and r.happened == [0, 0, 0, 0, 1]
    for t, f in enumerate(r.forecast):
        # P(deal in month t+1 | none in months 1..t) = E[theta (1-theta)^t] / E[(1-theta)^t]
        exact = (integral(lambda x, t=t: x * (1 - x) ** t, 0, 0.2)
                 / integral(lambda x, t=t: (1 - x) ** t, 0, 0.2))
        assert f == pytest.approx(exact, abs=4 * np.sqrt(exact / 30_000))
        assert r.prior[t] == pytest.approx(0.1, abs=4 * np.sqrt(0.1 / 30_000))
    assert r.scores()["brier"] < r.scores("prior")["brier"] + 0.01


def test_the_documented_observations_file_is_valid():
    import re
    from pathlib import Path

    from kennan.scenario.loading import load_scenario
    from kennan.scenario.observations import observations_from_text

    doc = Path(__file__).parents[2] / "docs" / "updating.md"
    block = re.search(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)[1]
    obs = observations_from_text(block, str(doc), load_scenario("korea-1952"))
    assert [o.kind for o in obs.items] == ["event", "event", "outcome", "state"]


READINGS = HAZARD.replace("""outcomes:
  - {id: deal, hazard: theta}""", """outcomes:
  - {id: deal, hazard: rate}""").replace("""judgments:
""", """judgments:
  - {id: rate, value: 0.05, assumption: test}
  - {id: w_slow, value: 0.6, assumption: test}
  - {id: w_fast, value: 0.4, assumption: test}
""") + """hypotheses:
  - {id: slow, weight: w_slow}
  - id: fast
    weight: w_fast
    judgments: [{id: rate, value: 0.15, assumption: test}]
"""


def test_hypotheses_posterior_is_bayes_rule_with_the_exact_bayes_factor(tmp_path):
    loaded = load_scenario_text(READINGS, str(tmp_path / "readings.yaml"))
    seen = observe(tmp_path, "  - {outcome: deal, not_by: 2000-06}\n")
    up = update(loaded, seen, draws=2_000, seed=1)
    got = up.hypothesis_weights()
    # Bayes factor slow:fast = (0.95 / 0.85)^6; prior odds 0.6 : 0.4.
    odds = 0.6 / 0.4 * (0.95 / 0.85) ** 6
    assert got["slow"]["prior"] == pytest.approx(0.6)
    assert got["slow"]["posterior"] == pytest.approx(odds / (1 + odds), rel=1e-12)
    assert got["fast"]["posterior"] == pytest.approx(1 / (1 + odds), rel=1e-12)
    assert up.to_json()["hypotheses"] == got
    assert "hypothesis" not in up.judgment_summary()
