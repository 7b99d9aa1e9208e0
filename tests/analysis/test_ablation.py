"""Mechanism ablation: each kind's neutral, paired changes, the JSON shape, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import kennan
from kennan.analysis.ablation import ablation
from kennan.cli.app import app
from kennan.errors import UsageError
from kennan.experiments.executors import make_executor

from .conftest import HERE, TOY

EVPPI = str(HERE / "evppi.yaml")


def test_switching_off_a_step_makes_the_course_its_alternative():
    a = ablation(EVPPI, draws=400, seed=2)
    rows = {r["id"]: r for r in a.rows}
    assert {r["kind"] for r in a.rows} == {"event", "step"}
    go = rows["go"]["effects"]
    # without its step, 'bold' is 'steady' draw by draw
    assert go["bold"]["difference"] == pytest.approx(a.base["steady"] - a.base["bold"],
                                                     abs=1e-9)
    assert go["steady"] == {"difference": 0.0, "low": 0.0, "high": 0.0}
    shock = rows["shock"]["effects"]["bold"]
    assert shock["high"] < 0  # the shock doubles bold's hazard: without it, less
    assert a.rows[0]["id"] == "shock"  # largest first


def test_neutrals_of_factions_considerations_and_issues():
    r = kennan.run(TOY, draws=300, seed=1, ablate="doves", keep_draws=True)
    assert np.allclose(r.per_draw().metrics["hawk_influence"], 1.0)
    r = kennan.run(TOY, draws=300, seed=1, ablate="pressure_scale", keep_draws=True)
    terms = r.per_draw().records["deal.terms"]
    assert np.allclose(terms[~np.isnan(terms)], 50.0)
    intact = kennan.run(TOY, draws=300, seed=1, keep_draws=True).per_draw()
    off = kennan.run(TOY, draws=300, seed=1, ablate="fear", keep_draws=True).per_draw()
    assert not np.allclose(intact.probability(1), off.probability(1))
    silent = kennan.run(TOY, draws=300, seed=1, ablate="election", keep_draws=True)
    assert silent.draws == 300


def test_an_ablated_run_is_the_same_on_worker_processes():
    local = kennan.run(TOY, draws=200, seed=3, ablate="gain", chunk_size=64)
    with make_executor("processes", workers=2) as ex:
        remote = kennan.run(TOY, draws=200, seed=3, ablate="gain", chunk_size=64, executor=ex)
    assert local.to_json() == remote.to_json()


def test_unknown_mechanism_is_refused_before_any_work():
    with pytest.raises(UsageError, match="unknown mechanism 'nope'; valid: gain, fear"):
        ablation(TOY, only=["nope"])
    with pytest.raises(UsageError, match="unknown mechanism"):
        kennan.run(TOY, draws=10, ablate="nope")


def test_cli_json_shape():
    out = CliRunner().invoke(app, ["ablate", EVPPI, "--draws", "100", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    first = data["mechanisms"][0]
    assert set(first) == {"id", "kind", "effects"}
    assert set(first["effects"]["bold"]) == {"difference", "low", "high"}
    bad = CliRunner().invoke(app, ["ablate", EVPPI, "--mechanisms", "nope"])
    assert bad.exit_code == 1 and "unknown mechanism 'nope'" in bad.output
    assert "Traceback" not in bad.output


READINGS = str(HERE / "ablation_readings.yaml")


def _crisis_by_3(hazard: float) -> float:
    """Probability of the crisis within the 3 months at a constant monthly hazard."""
    return 1.0 - (1.0 - hazard) ** 3


def _per_reading(ablate: str | None) -> dict[str, np.ndarray]:
    r = kennan.run(READINGS, draws=50, seed=4, keep_draws=True, ablate=ablate)
    return {h: r.hypothesis(h).per_draw().probability(0) for h in ("written", "angry")}


def test_a_mechanism_is_switched_off_in_every_reading_closed_form():
    # hazard: h + 0.2 fired(shock) (the rule shock_hazard) + 0.1 tagged(push)
    # + 0.4 prob(escalate); the angry
    # reading sets h = 0.05 and the weight of 'anger' to 2 (escalate with 1/(1 + e^-2))
    escalate = 1.0 / (1.0 + np.exp(-2.0))
    h = {"written": 0.1, "angry": 0.05}
    p = {"written": 0.5, "angry": escalate}
    expected = {
        None: {r: [h[r] + 0.2 + 0.4 * p[r], h[r] + 0.3 + 0.4 * p[r]] for r in h},
        # the event exists in every reading: it is switched off in each
        "shock": {r: [h[r] + 0.4 * p[r], h[r] + 0.1 + 0.4 * p[r]] for r in h},
        # the angry reading overrides the weight: the override is switched off too
        "anger": {r: [h[r] + 0.2 + 0.2, h[r] + 0.3 + 0.2] for r in h},
        "push_step": {r: [h[r] + 0.2 + 0.4 * p[r]] * 2 for r in h},
    }
    # the derived rule that carries the shock's hazard, held at its neutral 0
    expected["shock_hazard"] = expected["shock"]
    for mechanism, readings in expected.items():
        got = _per_reading(mechanism)
        for reading, hazards in readings.items():
            for course, hazard in enumerate(hazards):
                assert np.allclose(got[reading][course], _crisis_by_3(hazard), atol=1e-6), (
                    mechanism, reading, course)


def test_the_pooled_ablation_follows_each_draws_reading():
    a = ablation(READINGS, draws=400, seed=4, only=["anger"])
    intact = kennan.run(READINGS, draws=400, seed=4, keep_draws=True)
    angry = intact.per_draw().judgments["hypothesis"] == 1
    escalate = 1.0 / (1.0 + np.exp(-2.0))
    # only the draws that follow the angry reading change, each by the same amount
    one = _crisis_by_3(0.45) - _crisis_by_3(0.25 + 0.4 * escalate)
    assert a.rows[0]["effects"]["wait"]["difference"] == pytest.approx(
        one * angry.mean(), abs=1e-6)
    assert 0 < angry.mean() < 1


def test_a_mechanism_in_no_reading_is_refused_in_one_line_before_any_work():
    with pytest.raises(UsageError, match=r"^unknown mechanism 'nope'; valid: anger, shock, "
                                         r"push_step, shock_hazard$"):
        ablation(READINGS, only=["nope"])
    with pytest.raises(UsageError, match="unknown mechanism 'nope'"):
        kennan.run(READINGS, draws=10, ablate="nope")
    bad = CliRunner().invoke(app, ["ablate", READINGS, "--mechanisms", "shock,nope"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert bad.output.strip().splitlines() == [
        "unknown mechanism 'nope'; valid: anger, shock, push_step, shock_hazard"]


def test_the_ablation_read_under_one_reading_is_that_readings_closed_form():
    escalate = 1.0 / (1.0 + np.exp(-2.0))
    angry = ablation(READINGS, draws=50, seed=4, only=["anger", "shock"], hypothesis="angry")
    rows = {r["id"]: r["effects"]["wait"] for r in angry.rows}
    assert rows["anger"]["difference"] == pytest.approx(
        _crisis_by_3(0.45) - _crisis_by_3(0.25 + 0.4 * escalate), abs=1e-6)
    assert rows["shock"]["difference"] == pytest.approx(
        _crisis_by_3(0.05 + 0.4 * escalate) - _crisis_by_3(0.25 + 0.4 * escalate), abs=1e-6)
    assert angry.base["wait"] == pytest.approx(_crisis_by_3(0.25 + 0.4 * escalate), abs=1e-6)
    assert angry.to_json()["hypothesis"] == "angry"
    written = ablation(READINGS, draws=50, seed=4, only=["anger"], hypothesis="written")
    assert written.rows[0]["effects"]["wait"] == {"difference": 0.0, "low": 0.0, "high": 0.0}
    with pytest.raises(UsageError, match="unknown hypothesis 'calm'; valid: written, angry"):
        ablation(READINGS, draws=50, hypothesis="calm")
    with pytest.raises(UsageError, match="unknown hypothesis 'calm'; valid: none"):
        ablation(EVPPI, draws=50, hypothesis="calm")
    out = CliRunner().invoke(app, ["ablate", READINGS, "--draws", "20", "--hypothesis",
                                   "angry", "--mechanisms", "anger"])
    assert out.exit_code == 0, out.output
    assert "under the reading angry" in out.output


def test_neutral_belongs_to_derived_rules_only(tmp_path):
    text = (HERE / "ablation_readings.yaml").read_text(encoding="utf-8").replace(
        '  - {id: shock_hazard, value: "0.2 * fired(shock)", neutral: 0}',
        '  - {id: shock_hazard, value: "0.2 * fired(shock)", neutral: 0}\n'
        '  - {id: level, initial: 0, neutral: 1}')
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    out = CliRunner().invoke(app, ["validate", str(path)])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "only a derived variable ('value') has 'neutral'" in out.output
    assert f"{path}:31:" in out.output
