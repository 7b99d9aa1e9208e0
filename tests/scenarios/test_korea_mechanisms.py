"""Each mechanism of korea-1952 does the work telegram 208 says it does.

Every test fixes one or two judgments of the scenario (the rest drawn as usual, same
seed, so courses and variants are paired) and checks the direction of the mechanism,
or an exact identity where one is known. Judgments are fixed here to probe the model,
never to change what the scenario says.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import kennan
from kennan.scenario.loading import load_scenario_text, resolve_scenario_path

DRAWS = 2000
PATH = resolve_scenario_path("korea-1952")
TEXT = PATH.read_text(encoding="utf-8")


def fixed(values: dict[str, float], text: str = TEXT) -> str:
    """The scenario text with each named judgment fixed at a value."""
    for jid, value in values.items():
        pattern = re.compile(rf"(  - id: {jid}\n)    (?!value:)\w+: .*\n")
        text, n = pattern.subn(rf"\g<1>    value: {value}\n", text)
        assert n == 1, jid
    return text


def run(text: str = TEXT, draws: int = DRAWS):
    return kennan.run(load_scenario_text(text, str(PATH)), draws=draws, seed=5)


def metric(results, course: str, name: str) -> float:
    return results.summary.metric_mean(results.courses.index(course),
                                       results.metrics.index(name))


def probability(results, course: str, outcome: str) -> float:
    return results.summary.probability(results.courses.index(course),
                                       results.outcomes.index(outcome))


def within_12(results, course: str) -> np.ndarray:
    """Each draw's probability of an armistice within 12 months, given its judgments."""
    p = results.per_draw().probability(results.outcomes.index("armistice"), within=12)
    return p[results.courses.index(course)]


def test_a_stronger_soviet_wish_for_a_settlement_makes_one_more_likely():
    """Paragraph 3: the sign of the settlement mechanism is no longer inverted."""
    low = run(fixed({"p_help_settlement": 0.1, "us_open_to_withdrawal": 0.3}))
    high = run(fixed({"p_help_settlement": 0.9, "us_open_to_withdrawal": 0.3}))
    assert probability(high, "reserve", "settlement") > probability(low, "reserve", "settlement")


def test_stalin_without_a_leaning_passes_the_factions_proposal_on_exactly():
    """Paragraph 13: the verdict is the proposal's odds times exp(-leaning)."""
    text = fixed({"stalin_temperament": 0, "stalin_approval": 0, "succession_hazard": 0})
    r = run(text, draws=500)
    for course in ("reserve", "overt_appeal", "reserve_and_pressure"):
        assert metric(r, course, "soviet_pressure") == pytest.approx(
            metric(r, course, "factions_proposal_mean"), rel=1e-9)


def test_stalin_leaning_to_the_line_overrules_the_factions():
    r = run(fixed({"stalin_temperament": 1, "succession_hazard": 0}), draws=1000)
    assert metric(r, "reserve", "soviet_pressure") < metric(r, "reserve", "factions_proposal_mean")


def test_reserve_moves_the_factions_and_the_factions_move_the_kremlin():
    """Paragraphs 14-17: reserve strains the thesis, the critics gain and press for an
    armistice; an appeal does the opposite."""
    r = run()
    assert metric(r, "reserve", "critics_influence") > metric(r, "overt_appeal",
                                                              "critics_influence") + 0.2
    assert metric(r, "reserve", "factions_proposal_mean") > metric(
        r, "overt_appeal", "factions_proposal_mean") + 10
    # With the critics' wish for negotiation removed, reserve helps less.
    flat = run(fixed({"w_critics_negotiation": 0}))
    gain = metric(r, "reserve", "armistice_within_12") - metric(r, "overt_appeal",
                                                                 "armistice_within_12")
    gain_flat = (metric(flat, "reserve", "armistice_within_12")
                 - metric(flat, "overt_appeal", "armistice_within_12"))
    assert gain > gain_flat


def test_a_compromise_on_prisoners_never_makes_an_armistice_less_likely():
    """Paragraphs 4-5: the terms set what an armistice costs Moscow and Peking."""
    r = run()
    compromise = within_12(r, "reserve_and_pow_compromise")
    firm = within_12(r, "reserve")
    assert np.all(compromise >= firm - 1e-12)
    assert np.mean(compromise > firm + 1e-6) > 0.9
    # Without any Soviet or Chinese stake in the terms the compromise changes nothing.
    none = run(fixed({"w_army_reliability": 0, "w_secret_police": 0, "china_pow_stake": 0}))
    assert within_12(none, "reserve_and_pow_compromise") == pytest.approx(
        within_12(none, "reserve"))


def test_an_approach_that_never_becomes_known_costs_no_face():
    """Paragraph 6: the face cost needs the approach to become known; 18: vindication
    does not."""
    unknown = run(fixed({"p_approach_known": 0, "vindication_size": 0}))
    known = run(fixed({"p_approach_known": 1, "vindication_size": 0}))
    assert metric(known, "overt_appeal", "soviet_pressure") < metric(
        unknown, "overt_appeal", "soviet_pressure")


def test_a_backed_approach_is_not_read_as_vindication():
    """Paragraph 18: the vindication needs a request 'not backed by tangible means'."""
    r = run(fixed({"p_approach_known": 0}))
    assert metric(r, "backed_approach", "ruling_influence") < metric(
        r, "overt_appeal", "ruling_influence")


def test_broken_constraints_cost_the_armistice():
    """Paragraph 7: commitments to Chiang, harm to civilians and landings make Peking
    less ready to agree."""
    r = run()
    none = run(fixed({"chiang_penalty": 0, "civilian_harm_penalty": 0, "caught_penalty": 0}))
    assert metric(r, "abrupt_escalation", "armistice_within_12") < metric(
        none, "abrupt_escalation", "armistice_within_12")
    # Courses that keep the constraints do not feel them.
    assert metric(r, "reserve_and_pressure", "armistice_within_12") == pytest.approx(
        metric(none, "reserve_and_pressure", "armistice_within_12"))


def test_the_halt_reads_what_washington_could_see():
    """Paragraph 7: the ladder halts on concessions seen at the talks, not on the
    Kremlin's own choice probabilities."""
    for course in ("graduated_pressure", "reserve_and_pressure", "backed_approach"):
        block = TEXT[TEXT.index(f"  - id: {course}\n"):]
        block = block[:block.index("ladder:")]
        assert "seen_concessions" in block and "prob(" not in block


def test_threats_in_public_cut_both_ways():
    """Paragraphs 10-11: moves toward UN expulsion disturb Moscow slightly, but a
    public threat makes pressing Peking look like yielding."""
    no_face = run(fixed({"w_face_west": 0}))
    assert metric(no_face, "un_expulsion_threat", "soviet_pressure") > metric(
        no_face, "reserve", "soviet_pressure")
    no_lever = run(fixed({"w_un_expulsion": 0}))
    assert metric(no_lever, "un_expulsion_threat", "soviet_pressure") < metric(
        no_lever, "reserve", "soviet_pressure")


def test_war_with_the_alliance_is_not_the_cheapest_course():
    """A draw that ends in general war keeps paying for it to the horizon; one that ends
    in an armistice stops paying."""
    r = run()
    costs = {c: metric(r, c, "us_cost") for c in r.courses}
    assert costs["abrupt_escalation"] == max(costs.values())
    assert costs["reserve_and_pressure"] < costs["reserve"]


def test_the_window_metric_restates_the_outcome_table():
    r = run(draws=500)
    table = r.by_period()
    for course in ("reserve", "abrupt_escalation"):
        row = table[(table.course == course) & (table.outcome == "armistice")
                    & (table.period == 11)]
        assert metric(r, course, "armistice_within_12") == pytest.approx(
            float(row.probability.iloc[0]), abs=1e-6)  # float32 mass


def test_switching_a_mechanism_off_reaches_every_reading():
    """kennan ablate on the scenario with its hypotheses: Stalin's leaning (paragraph 13)
    and Washington's firm reserve (paragraph 18) move the question's outcome."""
    from kennan.analysis.ablation import ablation

    a = ablation(PATH.as_posix(), draws=100, seed=5, only=["line_suits_stalin",
                                                            "firm_reserve"])
    rows = {r["id"]: r["effects"] for r in a.rows}
    assert rows["line_suits_stalin"]["reserve"]["low"] > 0
    assert rows["firm_reserve"]["reserve"]["high"] < 0
    # a step held only by other courses changes nothing in the course without it
    assert rows["firm_reserve"]["abrupt_escalation"]["difference"] == 0.0


def test_the_successors_wish_is_nothing_under_kennans_reading_and_helps_under_theirs():
    """Paragraph 19's second reading: its one override (the successors' wish for an
    armistice, weight 0 in Kennan's reading) is switched off in that reading only."""
    from kennan.analysis.ablation import ablation

    kennan_reading = ablation(PATH.as_posix(), draws=200, seed=5, within=24,
                              only=["successors_seek_calm"], hypothesis="kennan_reading")
    effects = kennan_reading.rows[0]["effects"]
    assert all(e == {"difference": 0.0, "low": 0.0, "high": 0.0} for e in effects.values())
    theirs = ablation(PATH.as_posix(), draws=200, seed=5, within=24,
                      only=["successors_seek_calm"], hypothesis="successors_seek_armistice")
    changes = [e["difference"] for e in theirs.rows[0]["effects"].values()]
    assert max(changes) <= 0 and min(changes) < 0
