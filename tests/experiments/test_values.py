"""Questions over several outcomes, and the expected value of outcomes' and metrics' worth.

In the fixture waiting reaches a deal with chance 0.3 and a clash with 0.1;
pressing reaches a deal with 0.2, a retreat with 0.3 and a clash with 0.2 (all read
against one uniform judgment), with effort 1 and 3. Worth: deal 1, retreat
uniform(0.5, 1.5), clash -4, effort -0.1 per unit. So the question (deal or retreat)
favours pressing (0.5 against 0.3), the expected value waiting (-0.2 against -0.6).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kennan.analysis import compare
from kennan.analysis.quantity import quantity_of
from kennan.errors import UsageError
from kennan.experiments.runner import open_results, run

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "values.yaml"


@pytest.fixture(scope="module")
def results():
    return run(str(FIXTURE), draws=5000, seed=2, chunk_size=700, keep_draws=True)


def test_each_draws_value_is_its_outcomes_worth_plus_its_metrics(results):
    d = results.per_draw()
    w_retreat = d.judgments["w_retreat"]
    worth = np.select([d.outcome == 0, d.outcome == 1, d.outcome == 2],
                      [np.ones_like(d.value), np.broadcast_to(w_retreat, d.value.shape),
                       np.full(d.value.shape, -4.0)], 0.0)
    expected = worth - 0.1 * d.metrics["effort"]
    assert np.array_equal(d.value, expected)
    for c, course in enumerate(results.courses):
        mean, low, high = results.expected_value(course)
        assert mean == pytest.approx(float(d.value[c].mean()), rel=1e-12)
        assert low < mean < high


def test_the_closed_form_expected_values(results):
    # wait: 0.3 - 0.4 - 0.1 = -0.2; press: 0.2 + 0.3 - 0.8 - 0.3 = -0.6 (sd about 1.3 and 1.8)
    assert results.expected_value("wait")[0] == pytest.approx(-0.2, abs=0.08)
    assert results.expected_value("press")[0] == pytest.approx(-0.6, abs=0.1)
    ranking = compare.ranking(results,
                              quantity=quantity_of(results.catalog, metric="expected_value"))
    assert list(ranking["course"]) == ["wait", "press"]


def test_the_question_is_the_union_of_its_outcomes(results):
    d = results.per_draw()
    union = np.isin(d.outcome, [0, 1]).mean(axis=1)
    assert [results.question_probability(c) for c in results.courses] == union.tolist()
    assert compare.main_outcome(results) == "deal,retreat"
    q = quantity_of(results.catalog, outcome=compare.main_outcome(results))
    assert q.label == "deal or retreat" and q.values(d).mean(axis=1).tolist() == union.tolist()
    assert results.outcome_interval("press", "deal,retreat")[0] == union[1]
    assert results.default_risk("deal,retreat") == "clash"
    ranking = compare.ranking(results, quantity=q)
    assert list(ranking["course"]) == ["press", "wait"]


def test_json_and_table_carry_the_question_and_the_expected_value(results):
    data = json.loads(json.dumps(results.to_json()))
    press = data["courses"]["press"]
    assert press["question"] == results.question_probability("press")
    assert set(press["expected_value"]) == {"mean", "low", "high"}
    assert "expected_value" in press["differences"]
    table = results.table()
    assert table.loc["wait", "expected_value"] == results.expected_value("wait")[0]
    assert table.loc["wait", "d_expected_value"] == 0.0


def test_same_bits_whatever_the_chunking_and_a_run_folder(tmp_path, results):
    again = run(str(FIXTURE), draws=5000, seed=2, chunk_size=4999, out=tmp_path / "r")
    assert again.to_json() == results.to_json()
    assert open_results(tmp_path / "r").to_json() == results.to_json()


def test_no_worth_no_expected_value(toy):
    res = run(toy, draws=50)
    assert "expected_value" not in res.table().columns
    with pytest.raises(UsageError, match="no outcome or metric of this scenario carries a worth"):
        res.expected_value("wait")
    with pytest.raises(UsageError, match="carries a worth"):
        quantity_of(res.catalog, metric="expected_value")


def test_a_union_names_known_outcomes_only(results):
    with pytest.raises(UsageError, match="unknown outcome 'nope'"):
        quantity_of(results.catalog, outcome="deal,nope")
