"""Competing hypotheses: per-hypothesis and pooled results, exact where the answer is known.

The fixture has two readings: as written (weight 0.25: waiting reaches the good
outcome with chance 0.2, the hawks hold all influence and hold firm) and the
critics' (weight 0.75: chance 0.8, the doves hold three quarters of the influence
and both factions give way). Pushing gives 0.5 under either.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.experiments.executors import make_executor
from kennan.experiments.runner import open_results, run
from kennan.experiments.summary import Summary
from kennan.scenario.loading import load_scenario_text

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "hypotheses.yaml"


@pytest.fixture(scope="module")
def results():
    return run(str(FIXTURE), draws=4000, seed=3, chunk_size=1000, keep_draws=True)


def test_each_hypothesis_reads_its_own_overrides(results):
    written, critics = results.hypothesis("written"), results.hypothesis("critics")
    u = written.per_draw().judgments["u"]
    assert np.array_equal(u, critics.per_draw().judgments["u"])  # common random numbers
    assert written.table().loc["wait", "good"] == np.mean(u < 0.2)
    assert critics.table().loc["wait", "good"] == np.mean(u < 0.8)
    for res in (written, critics):
        assert res.table().loc["push", "good"] == np.mean(u < 0.5)
    # faction structure and considerations overridden: exact shares and choices
    assert written.table().loc["wait", "hawk_share"] == 1.0
    assert critics.table().loc["wait", "hawk_share"] == 0.25
    assert written.table().loc["wait", "yielding"] < 1e-20
    assert critics.table().loc["wait", "yielding"] > 1 - 1e-12


def test_pooled_draws_follow_the_hypothesis_the_weights_pick(results):
    d = results.per_draw()
    chosen = d.judgments["hypothesis"].astype(int)
    own = [results.hypothesis(h).per_draw() for h in ("written", "critics")]
    expected = np.where(chosen[None] == 0, own[0].outcome, own[1].outcome)
    assert np.array_equal(d.outcome, expected)
    for row in d.metrics["hawk_share"]:
        assert np.array_equal(row, np.where(chosen == 0, 1.0, 0.25))
    # the critics' share is a binomial draw around their weight, 0.75
    share = chosen.mean()
    assert abs(share - 0.75) < 4 * math.sqrt(0.75 * 0.25 / d.count)
    assert results.hypothesis_weights == {"written": 0.25, "critics": 0.75}
    assert results.table().loc["wait", "good"] == float(np.mean(d.outcome[0] == 0))


def test_by_hypothesis_and_table_by_hypothesis(results):
    frame = results.by_hypothesis()
    assert list(frame["hypothesis"].unique()) == ["written", "critics", "pooled"]
    row = frame[(frame.hypothesis == "critics") & (frame.course == "wait")].iloc[0]
    assert row["weight"] == 0.75 and row["hawk_share"] == 0.25
    assert results.table(hypothesis="written").loc["wait", "hawk_share"] == 1.0
    with pytest.raises(Exception, match="unknown hypothesis 'nope'; valid: written, critics"):
        results.table(hypothesis="nope")


def test_json_has_each_hypothesis_beside_the_pooled_courses(results):
    data = json.loads(json.dumps(results.to_json()))
    assert set(data["hypotheses"]) == {"written", "critics"}
    critics = data["hypotheses"]["critics"]
    assert critics["weight"] == 0.75
    assert critics["courses"]["wait"]["outcomes"]["good"] == pytest.approx(0.8, abs=0.05)
    assert data["courses"]["wait"]["outcomes"]["good"] == pytest.approx(0.65, abs=0.05)


def test_same_bits_whatever_the_chunking_and_workers(results):
    a = results.to_json()
    b = run(str(FIXTURE), draws=4000, seed=3, chunk_size=333).to_json()
    with make_executor("processes", workers=2) as executor:
        c = run(str(FIXTURE), draws=4000, seed=3, chunk_size=1500, executor=executor).to_json()
    assert a == b == c


def test_a_run_folder_keeps_the_hypotheses(tmp_path, results):
    run(str(FIXTURE), draws=4000, seed=3, chunk_size=1000, out=tmp_path / "r")
    back = open_results(tmp_path / "r")
    assert back.to_json() == results.to_json()
    assert back.summary.hypotheses["critics"].draws == 4000


def test_summaries_round_trip_and_older_ones_still_read(results):
    s = results.summary
    assert Summary.from_json(s.to_json()) == s
    old = json.loads(s.to_json())
    del old["hypotheses"], old["weight_sums"]
    assert Summary.from_json(json.dumps(old)).hypotheses == {}


def test_the_hypothesis_is_a_factor_designs_can_set():
    model = build_model(load_scenario_text(FIXTURE.read_text(), str(FIXTURE)))
    names = [j for j, _ in model.judgments]
    assert names[-1] == "hypothesis"
    u = np.full((4, len(names)), 0.5)
    u[:, -1] = [0.1, 0.24, 0.26, 0.9]  # the written reading holds below 0.25
    chunk = simulate(model, start=0, count=4, seed=0, judgment_uniforms=u)
    assert chunk.hypothesis.tolist() == [0, 0, 1, 1]
    assert chunk.metrics["hawk_share"][0].tolist() == [1.0, 1.0, 0.25, 0.25]


def test_uncertain_weights_are_normalised_in_each_draw():
    text = FIXTURE.read_text().replace(
        "    value: 0.25\n", "    uniform: {low: 0.1, high: 0.5}\n").replace(
        "    value: 0.75\n", "    uniform: {low: 0.4, high: 0.9}\n")
    model = build_model(load_scenario_text(text, str(FIXTURE)))
    chunk = simulate(model, start=0, count=2000, seed=1)
    a, b = chunk.judgments["w_written"], chunk.judgments["w_critics"]
    assert np.allclose(chunk.weights.sum(axis=0), 1.0)
    assert np.array_equal(chunk.weights[0], a / (a + b))
    summary = Summary.of_chunk(chunk, ["good"], 1, 0)
    assert summary.weight(0) == pytest.approx(float(np.mean(a / (a + b))), rel=1e-12)


def test_the_terminal_shows_each_reading_and_its_favourite(tmp_path):
    from typer.testing import CliRunner

    from kennan.cli.app import app

    text = FIXTURE.read_text().replace(
        "metrics:\n", "  - {id: bad, when: \"u > 0.95\"}\nmetrics:\n").replace(
        "hypotheses:\n", "question: {outcome: [good, bad]}\nhypotheses:\n").replace(
        "- {id: good, when", "- {id: good, worth: 1, when")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    out = CliRunner().invoke(app, ["run", str(path), "--draws", "2000"], env={"COLUMNS": "120"})
    assert out.exit_code == 0, out.output
    assert "By hypothesis (prior weight)" in out.output
    assert "written (0.25) wait" in out.output and "critics (0.75) wait" in out.output
    assert ("Most likely to reach 'good or bad', by hypothesis: written: push; critics: wait; "
            "pooled: wait") in out.output
    assert "Highest expected value, by hypothesis: written: push; critics: wait" in out.output


def test_sensitivity_counts_the_hypothesis_as_a_factor():
    from kennan.analysis import sensitivity

    # good = 1[u < p_H]: Var = 0.65 * 0.35; Var(E[good | H]) = 0.75 * 0.25 * 0.6**2,
    # so the first-order index of the hypothesis is 0.0675 / 0.2275 = 0.297
    s = sensitivity.sobol(str(FIXTURE), course="wait", outcome="good", base=2048, seed=1)
    row = s.table.set_index("judgment").loc["hypothesis"]
    assert row["S1"] == pytest.approx(0.297, abs=0.1)
    assert "which reading holds: 0: written (weight w_written)" in row["grounds"]


def test_validate_and_judgments_show_the_hypotheses():
    from kennan.scenario.loading import load_scenario
    from kennan.scenario.summary import describe_counts, entity_counts, judgment_rows

    loaded = load_scenario(str(FIXTURE))
    assert describe_counts(entity_counts(loaded)).endswith(", 2 competing hypotheses")
    rows = judgment_rows(loaded, hypotheses=True)
    assert len(judgment_rows(loaded)) == 4
    assert [(r.label, r.p50) for r in rows if r.id == "p"] == [("p", 0.2),
                                                                ("p (under critics)", 0.8)]
