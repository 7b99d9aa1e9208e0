"""A scenario with competing hypotheses: the page offers their weights beside the rest."""

from __future__ import annotations

import re
import urllib.request

import pytest

from .conftest import DRAWS, TOY


@pytest.fixture
def explorer(tmp_path):
    from kennan.explore.session import Explorer

    return Explorer(TOY.parent / "hypotheses.yaml", draws=DRAWS, folder=tmp_path)


def test_the_page_names_each_hypothesis_and_its_weight(served):
    url, _ = served
    with urllib.request.urlopen(url + "/", timeout=60) as r:
        html = r.read().decode()
    assert '<a href="#j-w_critics">The critics gain ground</a>' in html
    assert "weight of the hypothesis “The reading as written”" in html
    assert 'id="readings"' in html


@pytest.fixture
def captured(monkeypatch):
    """The results of every run the explorer makes, in order."""
    import kennan.explore.session as session

    real, out = session.run_scenario, []

    def run(*args, **kwargs):
        out.append(real(*args, **kwargs))
        return out[-1]

    monkeypatch.setattr(session, "run_scenario", run)
    return out


def test_each_reading_is_shown_from_the_draws_that_follow_it(captured, tmp_path):
    from kennan.explore.session import Explorer

    explorer = Explorer(TOY.parent / "hypotheses.yaml", draws=DRAWS, folder=tmp_path)
    results = captured[-1]
    assert sum(r.draws for r in results.hypotheses.values()) == DRAWS
    html = explorer.view.html
    counts = [int(n) for n in re.findall(r'data-draws="(\d+)"', html)]
    assert counts == [results.hypotheses[h].draws for h in ("written", "critics")]
    assert "from the draws that follow it" in html


def test_weights_read_by_the_scenario_run_every_reading_on_every_draw(captured, tmp_path):
    from kennan.explore.session import Explorer

    text = (TOY.parent / "hypotheses.yaml").read_text()
    path = tmp_path / "tilted.yaml"  # a consideration of one reading reads a weight
    path.write_text(text.replace("values: {give_way: 2}", 'values: {give_way: "2 * w_written"}'))
    explorer = Explorer(path, draws=DRAWS, folder=tmp_path)
    assert all(r.draws == DRAWS for r in captured[-1].hypotheses.values())
    assert "data-draws" not in explorer.view.html
    assert "Every reading was run on every draw" in explorer.view.html


def test_a_reading_no_draw_follows_is_named_apart():
    from kennan.analysis import compare
    from kennan.analysis.quantity import quantity_of
    from kennan.experiments.runner import run
    from kennan.explore.view import readings_panel

    results = run(str(TOY.parent / "hypotheses.yaml"), draws=1, seed=0, keep_draws=True,
                  pooled_only=True)
    empty = [h for h, r in results.hypotheses.items() if not r.draws]
    assert len(empty) == 1
    q = quantity_of(results.catalog, outcome=compare.main_outcome(results))
    panel = readings_panel(results, results.courses[0], q, True)
    assert [row["id"] for row in panel["rows"]] == [h for h in results.hypotheses
                                                   if h not in empty]
    assert panel["none"] == [results.hypothesis_labels[empty[0]]]
