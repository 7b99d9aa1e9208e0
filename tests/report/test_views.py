"""The report's parts for other pages (kennan.report.views), on closed-form readings."""

from __future__ import annotations

from pathlib import Path

import pytest

from kennan.analysis import compare
from kennan.experiments.runner import run
from kennan.report.views import flip_view, mechanism_view, readings_view
from kennan.scenario.loading import load_scenario

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def readings():
    loaded = load_scenario(FIXTURES / "hypotheses.yaml")
    results = run(loaded, draws=4000, seed=0, keep_draws=True)
    return loaded, results


def test_each_reading_its_weight_its_best_course_and_the_sentence(readings):
    loaded, results = readings
    rankings = {h: compare.ranking(r) for h, r in results.hypotheses.items()}
    view = readings_view(results, "wait", rankings, loaded)
    rows = {row["id"]: row for row in view["rows"]}
    # as written, waiting gives 0.2 and pushing 0.5; the critics' waiting gives 0.8
    assert rows["written"]["weight"] == 0.25 and rows["critics"]["weight"] == 0.75
    assert rows["written"]["best"] == results.course_labels["push"]
    assert rows["written"]["changes"] and not rows["critics"]["changes"]
    wait, push = results.courses.index("wait"), results.courses.index("push")
    # Monte Carlo over u at 4,000 draws: within 4 standard errors
    assert rows["written"]["values"][push] == pytest.approx(0.5, abs=0.032)
    assert rows["written"]["values"][wait] == pytest.approx(0.2, abs=0.026)
    assert rows["critics"]["values"][wait] == pytest.approx(0.8, abs=0.026)
    assert view["text"] == (f"The recommended course changes across the readings: pooled, it "
                            f"is {results.course_labels['wait']}; if \u201cThe reading as "
                            f"written\u201d holds, {results.course_labels['push']}.")
    assert rows["written"]["overrides"] == ["nothing: the scenario as written"]
    assert rows["critics"]["overrides"][0].startswith("judgment p: value 0.8")
    assert readings_view(results, "wait", rankings)["rows"][1]["overrides"] == []
    assert readings_view(results, "wait", {}) is None


def test_the_mechanism_and_a_flip_as_the_report_shows_them(readings):
    from kennan.analysis.discovery import discover_design

    loaded, results = readings
    view = mechanism_view(loaded)
    assert "<svg" in view["figure"] and view["anchors"]["u"] == "j-u"
    assert [g["title"] for g in view["groups"]] == ["Decisions", "Outcomes"]
    found = discover_design(loaded, better="wait", than="push", outcome="good", points=60,
                            replicates=1, seed=0)
    flip = flip_view(found, results.course_labels)
    assert (flip["better"], flip["than"]) == (results.course_labels["wait"],
                                              results.course_labels["push"])
    assert set(flip) == {"better", "than", "source", "base_rate", "boxes", "tree", "quantity"}
