"""The compromise and weighted-median models, and the dispatch in ``settle``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kennan.bargaining import MODELS, Settlement, settle
from kennan.bargaining.models.compromise import compromise
from kennan.bargaining.models.median import median
from kennan.errors import UsageError


def _table(n: int) -> st.SearchStrategy:
    pos = arrays(float, n, elements=st.floats(0, 100))
    sal = arrays(float, n, elements=st.floats(0, 1))
    cap = arrays(float, n, elements=st.floats(0, 10))
    return st.tuples(pos, sal, cap)


tables = st.integers(2, 7).flatmap(_table)


def test_compromise_by_hand() -> None:
    out = compromise([10.0, 50.0, 90.0], [1.0, 0.5, 0.5], [1.0, 1.0, 2.0])
    assert isinstance(out, Settlement)
    assert out.rounds is None
    assert out.outcome.shape == (1,)
    assert out.outcome[0] == pytest.approx((10 + 25 + 90) / 2.5)


def test_compromise_zero_weight_row_is_unweighted_mean() -> None:
    x = np.array([[0.0, 30.0, 90.0], [0.0, 30.0, 90.0]])
    s = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    out = compromise(x, s, np.ones_like(x)).outcome
    assert out.tolist() == [40.0, 0.0]


def test_median_by_hand() -> None:
    x = [10.0, 50.0, 90.0]
    assert median(x, [1, 1, 1], [1, 1, 1]).outcome[0] == 50.0
    assert median(x, [1, 1, 1], [2, 1, 1]).outcome[0] == 30.0  # exact tie: midpoint
    assert median(x, [1, 1, 1], [3, 1, 1]).outcome[0] == 10.0
    assert median(x, [0, 0, 0], [4, 1, 1]).outcome[0] == 50.0  # no weight: plain median


def test_median_tie_skips_weightless_actor() -> None:
    # Cumulative weight is half at 10; the next actor with weight sits at 90.
    out = median([10.0, 50.0, 90.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]).outcome[0]
    assert out == 50.0


@settings(max_examples=200, deadline=None)
@given(tables, st.sampled_from(["compromise", "median"]), st.randoms(use_true_random=False))
def test_outcome_within_range_and_permutation_invariant(table, model, rnd) -> None:
    x, s, c = table
    out = settle(model, x, s, c).outcome[0]
    assert x.min() - 1e-9 <= out <= x.max() + 1e-9
    perm = list(range(len(x)))
    rnd.shuffle(perm)
    again = settle(model, x[perm], s[perm], c[perm]).outcome[0]
    assert again == pytest.approx(out, abs=1e-9)


@pytest.mark.parametrize("model", ["compromise", "median"])
def test_batched_equals_one_at_a_time(model: str) -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 100, (50, 4))
    s = rng.uniform(0, 1, (50, 4))
    c = rng.uniform(0, 1, (50, 4))
    s[3] = 0.0
    c[7, :2] = 0.0
    batch = settle(model, x, s, c).outcome
    single = [settle(model, x[i], s[i], c[i]).outcome[0] for i in range(50)]
    np.testing.assert_allclose(batch, single, rtol=0, atol=1e-12)


def test_models_registry() -> None:
    assert set(MODELS) == {"compromise", "median", "nash", "eum", "smp"}
    with pytest.raises(TypeError):
        MODELS["x"] = compromise  # type: ignore[index]


def test_unknown_model_lists_valid_ids() -> None:
    with pytest.raises(UsageError, match="compromise, median, nash, eum, smp"):
        settle("bdm", [1, 2], [1, 1], [1, 1])


def test_unknown_option_is_usage_error() -> None:
    with pytest.raises(UsageError, match="no option 'rounds'"):
        settle("compromise", [1, 2], [1, 1], [1, 1], rounds=3)


@pytest.mark.parametrize(("weights", "expected"), [
    # The cumulative weight reaches half only to rounding (0.1 + 0.1 + 0.15 vs 0.4 / 2 + ...):
    # a tie, so the midpoint; without the tolerance the lower actor would win.
    ((0.1, 0.1, 0.15, 0.05), 2.5),
    ((0.1, 0.2, 0.2, 0.1), 2.5),
    ((0.1, 0.2, 0.05, 0.35), 3.5),
])
def test_weighted_median_treats_a_rounding_tie_as_a_tie(weights, expected) -> None:
    from kennan.bargaining.models.median import weighted_median

    out = weighted_median(np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([weights]))
    assert out[0] == expected
