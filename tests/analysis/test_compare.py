"""Paired comparison of courses: differences, intervals, shares, ranking."""

from __future__ import annotations

import numpy as np
import pytest

from kennan.analysis import compare
from kennan.analysis.quantity import make_quantity, quantity_of
from kennan.errors import UsageError


def test_pairs_are_antisymmetric_and_shares_sum_to_one(toy_results):
    q = quantity_of(toy_results.catalog, outcome="deal")
    pairs = compare.compare_courses(toy_results, quantity=q)
    assert len(pairs) == 3 * 2
    p = pairs.set_index(["course", "against"])
    for (a, b), row in p.iterrows():
        other = p.loc[(b, a)]
        assert row["difference"] == pytest.approx(-other["difference"])
        assert row["share_better"] == pytest.approx(other["share_worse"])
        assert row["share_better"] + row["share_worse"] + row["share_same"] == pytest.approx(1)
        assert row["low"] <= row["difference"] <= row["high"]


def test_pairs_match_the_run_summary_against_the_baseline(toy_results):
    q = quantity_of(toy_results.catalog, outcome="deal")
    pairs = compare.compare_courses(toy_results, quantity=q).set_index(["course", "against"])
    diffs = toy_results.differences().set_index(["course", "quantity"])
    got = pairs.loc[("squeeze", "wait")]
    want = diffs.loc[("squeeze", "deal")]
    assert got["difference"] == pytest.approx(want["difference"])
    assert got["low"] == pytest.approx(want["low"], rel=1e-6)


def test_paired_interval_is_narrower_than_unpaired(linear_results):
    # bold and steady share every draw, so their paired difference in 'linear' is exactly 0
    table = compare.paired_differences(linear_results, course="bold", against="steady")
    row = table.set_index("quantity").loc["linear"]
    assert row["difference"] == 0 and row["low"] == 0 and row["high"] == 0
    assert row["share_higher"] == 0 and row["share_lower"] == 0


def test_share_better_on_a_switch(linear_results):
    q = quantity_of(linear_results.catalog, metric="worth")
    p = compare.compare_courses(linear_results, quantity=q).set_index(["course", "against"])
    x = linear_results.per_draw().judgments["x"]
    assert p.loc[("bold", "steady"), "share_better"] == pytest.approx((x > 0.5).mean())


def test_lower_is_better_reverses_the_ranking(linear_results):
    up = compare.ranking(linear_results,
                         quantity=quantity_of(linear_results.catalog, metric="worth"))
    down = compare.ranking(linear_results, quantity=quantity_of(
        linear_results.catalog, metric="worth", lower_is_better=True))
    assert list(up["course"]) == list(reversed(list(down["course"])))


def test_main_outcome_is_the_most_likely(toy_results):
    assert compare.main_outcome(toy_results) == "deal"


@pytest.mark.parametrize(("options", "message"), [
    ({"outcome": "nope"}, "unknown outcome 'nope'; valid: war, deal"),
    ({"metric": "nope"}, "unknown metric 'nope'; valid: strain_total, hawk_influence"),
    ({"outcome": "war", "metric": "strain_total"}, "not both"),
    ({"outcome": "war", "within": 0}, "between 1 and the horizon"),
    ({"metric": "strain_total", "within": 3}, "within applies to an outcome"),
])
def test_bad_quantities(toy_results, options, message):
    with pytest.raises(UsageError, match=message):
        quantity_of(toy_results.catalog, **options)


def test_unknown_course_lists_valid_ids(toy_results):
    with pytest.raises(UsageError, match="unknown course of action 'nope'; valid: wait, appeal"):
        compare.compare_courses(toy_results, courses=["wait", "nope"])


def test_within_counts_only_early_outcomes(toy_results):
    d = toy_results.per_draw()
    early = make_quantity({"war": "War", "deal": "Deal"}, {}, 12, outcome="deal", within=3)
    v = early.values(d)
    # the probability of the deal in periods 0-2 given each draw
    np.testing.assert_allclose(v, d.mass[1, :, :3, :].sum(axis=1), rtol=0, atol=1e-6)
    assert (v <= d.probability(1)).all()
