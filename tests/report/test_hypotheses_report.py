"""The report's sections for competing hypotheses and for expected value."""

from __future__ import annotations

from pathlib import Path

from kennan.report.build import analyse
from kennan.report.render import context, render

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SMALL = {"draws": 2000, "sobol_base": 0, "points": 100, "replicates": 2}


def test_the_report_says_where_the_recommended_course_changes():
    a = analyse(str(FIXTURES / "hypotheses.yaml"), **SMALL)
    readings = context(a)["readings"]
    rows = {row["id"]: row for row in readings["rows"]}
    assert a.best == "wait"
    assert rows["written"]["best"] == "push" and rows["written"]["changes"]
    assert rows["critics"]["best"] == "wait" and not rows["critics"]["changes"]
    assert "if \u201cThe reading as written\u201d holds, push" in readings["text"]
    assert rows["written"]["overrides"] == ["nothing: the scenario as written"]
    assert rows["critics"]["overrides"] == [
        "judgment p: value 0.8 (assumption: under this reading waiting is likely to do)",
        "consideration hawk_view: give_way = 2", "faction hawks: influence 1",
        "faction doves: influence 3"]
    html = render(a)
    assert 'id="hypotheses"' in html and 'data-hypothesis="critics"' in html


def test_the_report_ranks_by_expected_value_beside_the_question():
    a = analyse(str(FIXTURES / "values.yaml"), **SMALL)
    assert a.quantity.id == "deal,retreat" and a.best == "press"
    values = context(a)["values"]
    assert [row["label"] for row in values["rows"]] == ["wait", "press"]
    assert "where the question ranks press first" in values["text"]
    assert context(analyse(str(FIXTURES / "toy.yaml"), **SMALL))["values"] is None
