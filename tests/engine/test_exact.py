"""Fixed-point sums: the fast paths give the integers of the plain definition."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kennan.engine.exact import FIXED_BITS, exact_sums, fixed_sums


def _reference(x: np.ndarray) -> list[int]:
    """The definition: each value rounded to a multiple of 2**-24, summed exactly."""
    rounded = np.rint(np.asarray(x, dtype=np.float64) * float(1 << FIXED_BITS))
    return [v >> 1074 for v in exact_sums(rounded)]


_finite64 = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
_finite32 = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, width=32)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=40),
                  elements=_finite64))
def test_fixed_sums_of_float64_are_the_definition(x):
    assert fixed_sums(x) == _reference(x)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2, max_side=40),
                  elements=_finite32))
def test_fixed_sums_of_float32_are_those_of_float64(x):
    assert fixed_sums(x) == fixed_sums(x.astype(np.float64)) == _reference(x)


def test_fixed_sums_of_long_rows_are_exact():
    # Partial sums pass 2**53 (the integer path) and 2**63 (the exact path).
    for n in (1 << 12, 1 << 20):
        x = np.full((2, n), 2.0**19)
        x[1, ::2] = -(2.0**19) + 2.0**-24
        assert fixed_sums(x) == _reference(x)


def test_fixed_sums_beyond_float64_integers_and_of_non_finite_values():
    x = np.array([[1e300, -1e300, 3.0, 2.0**60], [0.5, np.nan, 1.0, 1.0]])
    assert fixed_sums(x[:1]) == _reference(x[:1])  # 1e300 * 2**24: the exact path
    for bad in (x, np.array([[3e38, 1.0]], np.float32)):  # NaN; float32 overflows to inf
        with pytest.raises(ValueError, match="finite"):
            fixed_sums(bad)


def test_fixed_sums_of_one_row_and_none():
    assert fixed_sums(np.array([0.5, 0.25])) == [3 << (FIXED_BITS - 2)]
    assert fixed_sums(np.zeros((3, 0))) == [0, 0, 0]


def _exact_reference(x: np.ndarray) -> list[int]:
    """The definition: each row's sum as a fraction, in units of 2**-1074."""
    return [int(sum(Fraction(float(v)) for v in row) * (1 << 1074)) for row in np.atleast_2d(x)]


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=40),
                  elements=st.floats(allow_nan=False, allow_infinity=False)))
def test_exact_sums_are_the_sums_of_the_values(x):
    # Any finite values: subnormals, the largest floats, both signs, mixed magnitudes.
    assert exact_sums(x) == _exact_reference(x)


def test_exact_sums_of_values_spread_over_every_magnitude():
    rng = np.random.default_rng(3)
    x = np.ldexp(rng.random((6, 3000)) - 0.5, rng.integers(-1074, 1020, (6, 3000)))
    x[0] = rng.random(3000)  # one row of a single magnitude beside them
    x[1, ::2] = -x[1, 1::2]  # a row that cancels to 0
    assert exact_sums(x) == _exact_reference(x)
    assert exact_sums(x[1]) == [0]


def test_a_pass_that_sums_to_zero_is_not_the_last():
    # The first pass takes 1 and -1 (its sum is 0); what is left is still summed.
    x = np.array([[1.0, -1.0, 2.0**-60, 3.0 * 2.0**-1074]])
    assert exact_sums(x) == _exact_reference(x) == [2**1014 + 3]


def test_exact_sums_refuse_non_finite_values():
    for bad in (np.nan, np.inf, -np.inf):
        with pytest.raises(ValueError, match="finite"):
            exact_sums(np.array([[1.0, bad]]))
