"""The directions telegram 208 asserts, reproduced by the korea-1952 scenario.

The claims are Kennan's, so they are tested under his reading: the hypothesis
``kennan_reading``. Pooled over the competing readings the ranking may differ, and
docs/korea-1952.md reports it; no claim here reads the pooled results.

Population claims use the outcome probabilities; "across the judgment space" claims
compare courses draw by draw (common random numbers: the same judgments in every
course) on each draw's probability of an armistice within 12 months given its
judgments, which the engine carries per draw (issue 11).
"""

from __future__ import annotations

import numpy as np
import pytest

import kennan

DRAWS = 6000
READING = "kennan_reading"


@pytest.fixture(scope="module")
def results():
    return kennan.run("korea-1952", draws=DRAWS, seed=11).hypotheses[READING]


@pytest.fixture(scope="module")
def per_draw(results):
    p = results.per_draw().probability(results.outcomes.index("armistice"), within=12)
    return {c: p[k] for k, c in enumerate(results.courses)}


def within_12(results, course):
    table = results.by_period()
    row = table[(table.course == course) & (table.outcome == "armistice") & (table.period == 11)]
    return float(row.probability.iloc[0])


def test_overt_appeal_makes_an_armistice_within_a_year_less_likely_than_reserve(results,
                                                                                 per_draw):
    assert within_12(results, "overt_appeal") < within_12(results, "reserve") - 0.05
    share = np.mean(per_draw["overt_appeal"] < per_draw["reserve"])
    assert share >= 0.95  # measured: 1.00 of draws


# The six courses the telegram weighs (DESIGN.md); the scenario adds others (a compromise
# on prisoners, the UN lever, a backed approach, the course of 1953) that it does not.
TELEGRAM_COURSES = ("overt_appeal", "reserve", "graduated_pressure", "reserve_and_pressure",
                    "abrupt_escalation", "ground_pushes")


def test_graduated_pressure_beats_reserve_and_reserve_with_pressure_beats_all(results,
                                                                              per_draw):
    p = {c: within_12(results, c) for c in TELEGRAM_COURSES}
    assert p["graduated_pressure"] > p["reserve"] + 0.05
    assert p["reserve_and_pressure"] == max(p.values())
    assert np.mean(per_draw["graduated_pressure"] > per_draw["reserve"]) >= 0.95  # 0.953
    within = [c for c in TELEGRAM_COURSES if c != "abrupt_escalation"]
    best = np.all([per_draw["reserve_and_pressure"] >= per_draw[c] for c in within], axis=0)
    assert best.mean() >= 0.8


@pytest.mark.xfail(strict=True, reason=(
    "A consequence of the second edition's mechanisms, not a judgment changed to fit. "
    "Measured (10,000 draws, seed 0): the recommendation is ahead in 50% of draws, by "
    "5.8 points on average. A draw carries the alliance's invocation, a chance event: "
    "where abrupt escalation brings it within the year (36% of draws) the recommendation "
    "wins in 96%; elsewhere abrupt strikes press Moscow through war-fear and Chinese "
    "strain and win in 75%. The telegram objects to abrupt steps for the risk of the "
    "alliance (paragraph 7), which test_abrupt_escalation_makes_alliance_invocation_far_"
    "more_likely and the population ranking hold; docs/korea-1952.md says so."))
def test_reserve_with_pressure_beats_abrupt_escalation_draw_by_draw(per_draw):
    better = per_draw["reserve_and_pressure"] >= per_draw["abrupt_escalation"]
    assert better.mean() >= 0.8


def test_abrupt_escalation_makes_alliance_invocation_far_more_likely(results):
    s = results.summary
    k = results.outcomes.index("alliance_invoked")
    abrupt = s.probability(results.courses.index("abrupt_escalation"), k)
    graduated = s.probability(results.courses.index("graduated_pressure"), k)
    assert abrupt > 0.3
    assert abrupt > 5 * graduated


def test_the_soviet_balance_starts_close(results):
    traj = results.trajectories()
    start = traj[(traj.metric == "soviet_pressure") & (traj.period == 0)
                 & (traj.course == "reserve")]["mean"].iloc[0] / 100
    assert 0.1 < start < 0.6  # measured: about 0.17


def test_reserve_and_pressure_respects_the_telegrams_constraints(results):
    m = results.metrics.index("breaches")
    for course in results.courses:
        c = results.courses.index(course)
        breaches = results.summary.metric_mean(c, m)
        if course in ("abrupt_escalation", "course_1953"):  # Chiang unleashed in both
            assert breaches > 0
        else:
            assert breaches == 0
