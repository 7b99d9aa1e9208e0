"""Scenario discovery: PRIM on known boxes, held-out honesty, the tree, designed runs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.analysis import discovery, prim
from kennan.analysis.quantity import quantity_of
from kennan.errors import UsageError

from .conftest import LINEAR, TOY


def _planted(n=4000, noise=0.05, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 5))
    y = ((x[:, 0] > 0.6) & (x[:, 3] <= 0.5)) | (rng.random(n) < noise)
    return x, y


def test_prim_finds_a_planted_box_and_only_its_judgments():
    x, y = _planted()
    boxes = prim.prim_boxes(x, y, list("abcde"))
    first = boxes[0]
    assert set(first.limits) == {"a", "d"}
    lo_a, hi_a = first.limits["a"]
    assert lo_a == pytest.approx(0.6, abs=0.05) and hi_a == np.inf
    assert first.limits["d"][1] == pytest.approx(0.5, abs=0.05)
    assert first.density > 0.9 and first.coverage > 0.6
    assert first.rule().startswith("a > 0.")
    assert "d <= 0." in first.rule()
    assert "a in its top" in first.explain()


def test_prim_reports_nothing_for_pure_chance():
    rng = np.random.default_rng(1)
    x = rng.random((3000, 6))
    y = rng.random(3000) < 0.2
    assert prim.prim_boxes(x, y, list("abcdef")) == []
    assert discovery.tree_rules(x, y, list("abcdef")) == []


def test_tree_rules_find_the_planted_box():
    x, y = _planted()
    rules = discovery.tree_rules(x, y, list("abcde"))
    assert rules and {"a", "d"} <= set(rules[0].limits)
    assert rules[0].density > 0.9


def test_discover_on_run_draws(linear_results):
    d = discovery.discover(linear_results, better="bold", than="steady",
                           quantity=quantity_of(linear_results.catalog, metric="worth"))
    assert d.base_rate == pytest.approx(0.5, abs=0.02)
    box = d.boxes[0]
    assert list(box.limits) == ["x"]
    assert box.limits["x"][0] == pytest.approx(0.5, abs=0.05)
    assert box.density == 1.0
    assert d.to_json()["prim"][0]["limits"]["x"][1] is None  # open end in JSON


def test_discover_design_on_the_switch():
    d = discovery.discover_design(LINEAR, better="steady", than="bold", metric="worth",
                                  points=300, replicates=1, seed=0)
    assert d.points == 300
    box = d.boxes[0]
    assert list(box.limits) == ["x"] and box.limits["x"][1] == pytest.approx(0.5, abs=0.06)
    assert "Latin hypercube of 300" in d.source


def test_discover_design_averages_replicates_of_a_toy_outcome():
    d = discovery.discover_design(TOY, better="squeeze", than="wait", outcome="deal",
                                  points=40, replicates=3, seed=0)
    assert d.points == 40 and 0 <= d.hits <= 40


@pytest.mark.parametrize(("options", "message"), [
    ({"better": "wait", "than": "wait"}, "not itself"),
    ({"better": "nope", "than": "wait"}, "unknown course.*valid: wait, appeal, squeeze"),
    ({"better": "squeeze", "than": "wait", "points": 5}, "points must be at least 20"),
    ({"better": "squeeze", "than": "wait", "replicates": 0}, "replicates must be at least 1"),
    ({"better": "squeeze", "than": "wait", "metric": "nope"}, "unknown metric 'nope'"),
])
def test_design_bad_input(options, message):
    with pytest.raises(UsageError, match=message):
        discovery.discover_design(TOY, **{"points": 40, "replicates": 1, **options})


def test_run_discovery_bad_courses(toy_results):
    with pytest.raises(UsageError, match="unknown course of action 'nope'"):
        discovery.discover(toy_results, better="nope", than="wait")


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), share=st.floats(0.05, 0.6))
def test_box_measures_are_shares(seed, share):
    rng = np.random.default_rng(seed)
    x = rng.random((400, 3))
    y = (x[:, 1] < share) | (rng.random(400) < 0.1)
    for b in prim.prim_boxes(x, y, ["a", "b", "c"]) + discovery.tree_rules(x, y, ["a", "b", "c"]):
        assert 0 <= b.coverage <= 1 and 0 <= b.density <= 1 and 0 < b.mass <= 1
        for lo, hi in b.limits.values():
            assert lo < hi
