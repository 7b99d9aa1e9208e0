"""Moving a judgment's median and 90% range: exact for every kind an affine map keeps."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.errors import UsageError
from kennan.explore.reshape import reshaped
from kennan.scenario.judgments import Judgment

ITEMS = [
    {"uniform": {"low": 0.1, "high": 0.4}},
    {"triangular": {"low": 0.0, "mode": 0.2, "high": 1.0}},
    {"normal": {"mean": 3.0, "sd": 2.0}},
    {"truncnormal": {"mean": 0.5, "sd": 0.3, "low": 0.0, "high": 1.0}},
    {"lognormal": {"median": 2.0, "sigma": 0.5}},
    {"discrete": {"values": [1.0, 2.0, 4.0, 8.0], "probs": [0.1, 0.4, 0.4, 0.1]}},
    {"phrase": "probably", "scale": {"low": 0.0, "high": 0.3}},
    {"phrase": "likely"},
    {"beta": {"a": 8.0, "b": 3.0}},
]


def _percentiles(spec: dict) -> np.ndarray:
    return np.asarray(Judgment(id="x", assumption="test", **spec).distribution()
                      .percentiles((5, 50, 95)), dtype=float)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: next(iter(i)))
@given(median=st.floats(0.2, 0.8), share=st.floats(0.05, 0.9))
@settings(max_examples=15, deadline=None)
def test_the_new_median_and_range_are_those_asked_for(item, median, share):
    p5, p50, p95 = _percentiles(item)
    if "discrete" in item:  # percentiles of a discrete judgment are its values
        median, share = p50 * 2, 1.0
    width = share * (0.4 if "beta" in item else p95 - p5)
    spec = reshaped("x", {"id": "x", **item}, (p5, p50, p95), median, width)
    assert next(iter(spec)) == next(iter(item))  # the same kind
    q5, q50, q95 = _percentiles(spec)
    assert q50 == pytest.approx(median, rel=1e-6, abs=1e-7)
    assert q95 - q5 == pytest.approx(width, rel=1e-5, abs=1e-7)


@pytest.mark.parametrize(("item", "median", "width", "message"), [
    ({"beta": {"a": 2.0, "b": 2.0}}, 1.5, 0.1, "a beta lies in"),
    ({"lognormal": {"median": 1.0, "sigma": 1.0}}, -1.0, 0.5, "median must be > 0"),
    ({"uniform": {"low": 0.0, "high": 1.0}}, 0.5, 0.0, "positive width"),
    ({"value": 3.0}, 3.0, 1.0, "a constant has no range"),
])
def test_impossible_shapes_are_refused_by_name(item, median, width, message):
    dist = np.asarray(Judgment(id="x", assumption="t", **item).distribution()
                      .percentiles((5, 50, 95)), dtype=float)
    with pytest.raises(UsageError, match=message):
        reshaped("x", {"id": "x", **item}, tuple(dist), median, width)
