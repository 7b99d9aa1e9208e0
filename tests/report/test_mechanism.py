"""The report's influence diagram and its definitions in words, on the toy scenario."""

from __future__ import annotations

import re

import pytest

from kennan.report.diagram import mechanism_figure
from kennan.report.mechanism import COURSES, definitions, mechanism_graph
from kennan.scenario.loading import load_scenario, load_scenario_text

from .conftest import TOY


@pytest.fixture(scope="module")
def toy():
    return load_scenario(TOY)


def test_every_read_is_an_edge_and_nothing_else(toy) -> None:
    g = mechanism_graph(toy)
    assert g.edges == {
        # state reads (update, derived value) and what reads state
        ("strain", "strain_share"), ("strain_share", "gain"), ("thesis", "hawks"),
        ("thesis", "doves"),
        # judgments
        ("balance", "fear"), ("balance", "pressure"), ("vindication", "thesis"),
        ("monthly_hazard", "deal"),
        # the language's own wiring: considerations feed their decision, factions their
        # state's decisions, steps their variables and risks, events their variables
        ("gain", "stance"), ("fear", "stance"), ("hawks", "stance"), ("doves", "stance"),
        ("hawks", "pressure"), ("doves", "pressure"), (COURSES, "thesis"),
        (COURSES, "strain"), (COURSES, "alliance"), ("election", "thesis"),
        ("shock", "strain"),
        # reads of decisions (prob of an option) and events (fired)
        ("stance", COURSES), ("stance", "deal"), ("alliance", "war"),
    }
    kinds = {n.id: n.kind for n in g.nodes}
    assert kinds["balance"] == "judgment" and kinds[COURSES] == "course"
    assert kinds["hawks"] == "faction" and kinds["deal"] == "outcome"
    assert "us" not in kinds  # only factions of the actors are drawn


def test_the_figure_draws_every_node_and_edge_offline(toy) -> None:
    g = mechanism_graph(toy)
    svg = mechanism_figure(g).svg
    assert svg.startswith("<svg") and "http" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert set(re.findall(r'data-node="([^"]+)"', svg)) == {n.id for n in g.nodes}
    drawn = set(re.findall(r'data-from="([^"]+)" data-to="([^"]+)"', svg))
    assert drawn == g.edges
    # An edge back to an earlier column is dashed: the loop closes next period.
    back = re.search(r'data-from="stance" data-to="courses"[^>]*>', svg)
    assert back and 'stroke-dasharray' in back.group(0)


def test_definitions_in_words(toy) -> None:
    words = {d.id: "".join(part for sentence in d.sentences for _, part in sentence)
             for d in definitions(toy)}
    assert words["election"] == ("Fires in 2000-06 with probability 0.5.When it fires, it "
                                 "adds 0.1 to thesis.")
    assert words["shock"] == ("Fires each month with probability 0.02 (at most once per "
                              "draw).When it fires, it sets strain to 0.")
    assert words["alliance"] == ("Has no trigger of its own: it fires only through the risks "
                                 "of steps.While held, these steps add to its chance each "
                                 "month: bombing (squeeze) at 0.05.")
    assert words["stance"].startswith(
        "Each month the factions of power (hawks, doves) choose among hold, press: the chance "
        "of an option grows as exp(sharpness × utility), with sharpness 3. Their choices are "
        "combined by the compromise model, each weighted by its influence.")
    assert "fear (doves) adds to the utility weight 2 times -balance for hold, balance for " \
           "press." in words["stance"]
    assert words["pressure"].startswith("Each month the factions of power (hawks, doves) "
                                        "settle a position on pressure_scale, from 0 (no "
                                        "pressure) to 100 (full pressure).")
    assert words["war"].startswith("Reached in the first month that fired(alliance) holds. "
                                   "It ends the draw. Outcomes are tried in file order (this "
                                   "one 1 of 2)")
    assert "Records terms = pressure." in words["deal"]
    assert [d.kind for d in definitions(toy)] == ["event"] * 3 + ["decision"] * 2 + \
        ["outcome"] * 2


def test_a_scenario_with_nothing_but_a_policy_draws() -> None:
    loaded = load_scenario_text(
        "kennan: 1\nid: t\ntitle: T\ntime: {start: 2000-01, horizon: 3}\n"
        "policies: [{id: wait}]\n", "t.yaml")
    g = mechanism_graph(loaded)
    assert g.nodes == [] and g.edges == set()
    assert mechanism_figure(g).svg.startswith("<svg")
    assert definitions(loaded) == []


def test_the_report_has_the_mechanism(toy_report) -> None:
    html = toy_report.read_text(encoding="utf-8")
    assert '<section id="mechanism">' in html and 'href="#mechanism"' in html
    assert 'class="mech-node" data-node="alliance"' in html
    assert '<dt id="def-alliance">alliance <code>alliance</code></dt>' in html
    assert '<code>fired(<a href="#def-alliance">alliance</a>)</code>' in html
    assert '<code><a href="#j-monthly_hazard">monthly_hazard</a> * prob(' in html


def test_names_in_expressions_link_to_their_rows_and_nothing_else_changes() -> None:
    from kennan.report.render import linked

    anchors = {"w": "j-w", "e": "j-e", "x<y": "bad"}
    html = str(linked("w * 1e-3 + max(e, 2) if x < y else w_other", anchors))
    assert html == ('<a href="#j-w">w</a> * 1e-3 + max(<a href="#j-e">e</a>, 2) if x &lt; y '
                    'else w_other')
