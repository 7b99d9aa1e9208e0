"""The asymmetric Nash bargaining solution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from kennan.bargaining import settle
from kennan.bargaining.models.nash import nash
from kennan.errors import UsageError


def _brute(x, w, reach, utility):
    """The Nash product maximised by a bounded scalar search, one draw."""
    left = np.max(x - reach)
    right = np.min(x + reach)
    if right - left <= 1e-12:
        return 0.5 * (left + right)

    def loss(z):
        off = z - x
        gain = reach**2 - off**2 if utility == "quadratic" else reach - np.abs(off)
        return -np.sum(w * np.log(np.maximum(gain, 1e-300)))

    return minimize_scalar(loss, bounds=(left, right), method="bounded",
                           options={"xatol": 1e-10}).x


@pytest.mark.parametrize("utility", ["quadratic", "linear"])
@pytest.mark.parametrize("with_reference", [False, True])
def test_matches_a_scalar_search(utility: str, with_reference: bool) -> None:
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 100, (60, 4))
    s = rng.uniform(0.1, 1, (60, 4))
    c = rng.uniform(0.1, 1, (60, 4))
    # Half the references beyond every actor (a real bargain), half anywhere.
    ref = np.where(np.arange(60) % 2 == 0, rng.uniform(0, 100, 60), 150.0)
    out = nash(x, s, c, reference=ref if with_reference else None, utility=utility).outcome
    for d in range(60):
        if with_reference:
            reach = np.abs(ref[d] - x[d])
        else:
            reach = np.maximum(x[d] - x[d].min(), x[d].max() - x[d])
        expected = _brute(x[d], s[d] * c[d], reach, utility)
        assert out[d] == pytest.approx(expected, abs=1e-5)


def test_reference_between_actors_stands() -> None:
    out = nash([10.0, 90.0], [1.0, 1.0], [1.0, 1.0], reference=50.0).outcome[0]
    assert out == pytest.approx(50.0)


def test_two_equal_actors_on_one_side_split_the_gain() -> None:
    # Both want to leave 0; quadratic gains: the symmetric product is maximised between.
    out = nash([40.0, 60.0], [1.0, 1.0], [1.0, 1.0], reference=0.0).outcome[0]
    assert 40.0 < out < 60.0
    heavier = nash([40.0, 60.0], [1.0, 1.0], [1.0, 3.0], reference=0.0).outcome[0]
    assert heavier > out


def test_zero_weights_use_equal_weights() -> None:
    a = nash([10.0, 30.0, 90.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]).outcome[0]
    b = nash([10.0, 30.0, 90.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]).outcome[0]
    assert a == pytest.approx(b)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 6).flatmap(lambda n: st.tuples(
        st.lists(st.floats(0, 100), min_size=n, max_size=n),
        st.lists(st.floats(0, 1), min_size=n, max_size=n),
        st.lists(st.floats(0, 5), min_size=n, max_size=n),
    )),
    st.sampled_from(["quadratic", "linear"]),
    st.randoms(use_true_random=False),
)
def test_properties(table, utility, rnd) -> None:
    x, s, c = (np.array(v) for v in table)
    out = settle("nash", x, s, c, utility=utility).outcome[0]
    assert x.min() - 1e-9 <= out <= x.max() + 1e-9
    perm = list(range(len(x)))
    rnd.shuffle(perm)
    again = settle("nash", x[perm], s[perm], c[perm], utility=utility).outcome[0]
    assert again == pytest.approx(out, abs=1e-9)


def test_a_subnormal_weight_still_settles_on_its_actor() -> None:
    # Found by hypothesis: capability 2.2e-313 made every slope underflow to zero.
    for utility in ("quadratic", "linear"):
        out = settle("nash", np.array([0.0, 14.0]), np.array([1.0, 0.0]),
                     np.array([2.2e-313, 0.0]), utility=utility).outcome[0]
        assert out == pytest.approx(0.0, abs=1e-9)


def test_batched_equals_one_at_a_time() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 100, (30, 5))
    s = rng.uniform(0, 1, (30, 5))
    c = rng.uniform(0, 1, (30, 5))
    ref = rng.uniform(0, 100, 30)
    batch = nash(x, s, c, reference=ref).outcome
    single = [nash(x[d], s[d], c[d], reference=ref[d]).outcome[0] for d in range(30)]
    np.testing.assert_array_equal(batch, single)


def test_bad_options() -> None:
    with pytest.raises(UsageError, match="utility"):
        nash([1.0, 2.0], [1, 1], [1, 1], utility="cubic")
    with pytest.raises(UsageError, match="reference point"):
        nash([1.0, 2.0], [1, 1], [1, 1], disagreement="reference")
