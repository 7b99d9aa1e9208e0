"""Sobol' and Morris through the engine: closed forms, citations, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from kennan.analysis import sensitivity
from kennan.errors import UsageError
from kennan.experiments import designs

from .conftest import LINEAR, TOY


def test_sobol_recovers_the_indices_of_a_linear_metric():
    # x + 2y with x, y uniform: first- and total-order indices 1/5 and 4/5
    s = sensitivity.sobol(LINEAR, course="steady", metric="linear", base=512, seed=1)
    t = s.table.set_index("judgment")
    assert list(s.table["judgment"]) == ["y", "x"]  # ranked by total order
    assert t.at["x", "S1"] == pytest.approx(0.2, abs=0.05)
    assert t.at["y", "S1"] == pytest.approx(0.8, abs=0.05)
    assert t.at["x", "ST"] == pytest.approx(0.2, abs=0.05)
    for j in "xy":
        assert t.at[j, "S1_low"] <= t.at[j, "S1"] <= t.at[j, "S1_high"]
    assert s.evaluations == 512 * 4
    assert "k" not in set(s.table["judgment"])  # constants are not varied


def test_sobol_rows_carry_their_grounds():
    s = sensitivity.sobol(TOY, course="squeeze", outcome="deal", base=64, seed=0)
    t = s.table.set_index("judgment")
    assert t.at["balance", "paragraph"] == 1
    assert t.at["balance", "quote"] == "balance is probably close"
    assert t.at["balance", "grounds"].startswith("¶1: ")
    assert s.target == "probability of deal by the horizon under squeeze"


def test_sobol_of_a_constant_output_is_zero_without_warnings():
    # war never happens under 'wait': the output is constant
    s = sensitivity.sobol(TOY, course="wait", outcome="war", base=32, seed=0)
    assert (s.table["S1"] == 0).all() and (s.table["ST"] == 0).all()


def test_sobol_of_a_difference():
    s = sensitivity.sobol(LINEAR, course="bold", against="steady", metric="worth", base=256)
    t = s.table.set_index("judgment")
    assert t.at["x", "ST"] > 0.9 and abs(t.at["y", "ST"]) < 0.05
    assert s.target.startswith("difference in Worth")


def test_morris_ranks_by_mean_absolute_effect():
    m = sensitivity.morris(LINEAR, course="steady", metric="linear", trajectories=10, seed=2)
    t = m.table.set_index("judgment")
    assert list(m.table["judgment"]) == ["y", "x"]
    # from the lowest to the highest level (quantiles 1/8 to 7/8): 0.75 in x, 1.5 in the metric
    assert t.at["x", "mu_star"] == pytest.approx(0.75)
    assert t.at["y", "mu_star"] == pytest.approx(1.5)
    assert m.to_json()["judgments"][0]["judgment"] == "y"


def test_same_seed_same_indices():
    a = sensitivity.sobol(TOY, course="squeeze", outcome="deal", base=32, seed=5)
    b = sensitivity.sobol(TOY, course="squeeze", outcome="deal", base=32, seed=5)
    np.testing.assert_array_equal(a.table["ST"], b.table["ST"])


@pytest.mark.parametrize(("options", "message"), [
    ({"course": "nope"}, "unknown course.*'nope'; valid: wait, appeal, squeeze"),
    ({"course": "wait", "against": "wait"}, "not itself"),
    ({"course": "wait", "outcome": "nope"}, "unknown outcome 'nope'; valid: war, deal"),
    ({"course": "wait", "judgments": ["nope"]}, "unknown judgment.*valid: balance, vindication"),
    ({"course": "wait", "judgments": ["monthly_hazard"]}, "constants and cannot be varied"),
    ({"course": "wait", "base": 100}, "power of two"),
])
def test_bad_input_is_a_usage_error(options, message):
    with pytest.raises(UsageError, match=message):
        sensitivity.sobol(TOY, **{"base": 32, **options})


def test_saltelli_layout_shares_event_rolls_between_a_and_ab():
    design = designs.saltelli_design(["balance", "vindication"], base=8, seed=0)
    rows = design.draws.reshape(8, 4)
    # A and both AB_i use draws 0..7; B uses draws 8..15
    np.testing.assert_array_equal(rows[:, 0], np.arange(8))
    np.testing.assert_array_equal(rows[:, 1], np.arange(8))
    np.testing.assert_array_equal(rows[:, 3], np.arange(8, 16))
