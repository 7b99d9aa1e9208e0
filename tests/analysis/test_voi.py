"""Expected value of perfect information: a closed form, the noise floor, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.analysis import voi
from kennan.analysis.quantity import quantity_of
from kennan.errors import UsageError


def test_evpi_of_a_switch_matches_the_closed_form(linear_results):
    # bold is worth x ~ U(0, 1), steady 0.5: EVPI(x) = E[max(x, 0.5)] - 0.5 = 0.125
    e = voi.evpi(linear_results, quantity=quantity_of(linear_results.catalog, metric="worth"))
    t = e.set_index("judgment")
    assert list(e["judgment"]) == ["x", "y"]
    assert t.at["x", "evpi_net"] == pytest.approx(0.125, abs=0.01)
    assert t.at["y", "evpi_net"] < 0.005  # y changes nothing about the choice
    assert t.at["x", "best_by_bin"][:5] == ["steady"] * 5
    assert t.at["x", "best_by_bin"][5:] == ["bold"] * 5
    assert sum(t.at["x", "bin_shares"]) == pytest.approx(1)


def test_noise_floor_estimates_the_upward_bias(linear_results):
    e = voi.evpi(linear_results, quantity=quantity_of(linear_results.catalog, metric="worth"),
                 permutations=10).set_index("judgment")
    # y carries no information: its raw estimate is all bias, and the floor is of that size
    assert e.at["y", "evpi"] == pytest.approx(e.at["y", "noise"], abs=0.003)


def test_lower_is_better_values_the_other_choice(linear_results):
    e = voi.evpi(linear_results, quantity=quantity_of(linear_results.catalog, metric="worth",
                                                      lower_is_better=True))
    assert e.set_index("judgment").at["x", "evpi_net"] == pytest.approx(0.125, abs=0.01)


@pytest.mark.parametrize(("options", "message"), [
    ({"bins": 1}, "bins must be at least 2"),
    ({"permutations": -1}, "permutations must be at least 0"),
    ({"judgments": ["nope"]}, "unknown judgment.*valid: x, y"),
])
def test_bad_options(linear_results, options, message):
    with pytest.raises(UsageError, match=message):
        voi.evpi(linear_results, quantity=quantity_of(linear_results.catalog, metric="worth"),
                 **options)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=300),
       bins=st.integers(2, 20))
def test_quantile_bins_are_ordered_and_keep_ties_together(values, bins):
    x = np.asarray(values)
    b = voi.quantile_bins(x, bins)
    assert b.min() == 0 and b.max() < bins
    assert len(np.unique(b)) == b.max() + 1  # no empty bin
    order = np.argsort(x, kind="stable")
    assert (np.diff(b[order]) >= 0).all()  # bins rise with the values
    for v in np.unique(x):
        assert len(np.unique(b[x == v])) == 1
