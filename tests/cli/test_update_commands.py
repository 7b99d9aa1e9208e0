"""``kennan update``, ``kennan signposts`` and ``kennan replay --rolling`` on korea-1952."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kennan.cli.app import app

runner = CliRunner()


def test_update_json_has_the_documented_shape():
    r = runner.invoke(app, ["update", "korea-1952", "--observe", "seen-1953-03",
                            "--draws", "600", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["as_of"] == "1953-03" and 0 < data["effective_draws"] <= 600
    j = next(iter(data["judgments"].values()))
    assert {"prior_mean", "posterior_mean", "posterior_p5", "posterior_p95"} <= set(j)
    assert isinstance(data["hypotheses"], dict)
    out = data["courses"]["reserve_and_pressure"]["outcomes"]["armistice"]
    assert 0 <= out["prior"] <= 1 and 0 <= out["posterior"] <= 1
    # Held off through March 1953 (period 7) by the observation.
    assert out["posterior_by_period"][7] == 0.0


def test_update_table_and_a_bad_observation(tmp_path):
    r = runner.invoke(app, ["update", "korea-1952", "--observe", "seen-1953-03",
                            "--draws", "300"])
    assert r.exit_code == 0 and "prior -> posterior" in r.output
    bad = tmp_path / "seen.yaml"
    bad.write_text("kennan-observations: 1\nscenario: korea-1952\nas_of: 1953-03\n"
                   "observed:\n  - {event: stalin_death, in: 1953-03}\n")
    r = runner.invoke(app, ["update", "korea-1952", "--observe", str(bad), "--draws", "10"])
    assert r.exit_code == 1
    assert f"{bad}:5:13: unknown event 'stalin_death'" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("args", [["--draws", "0"], ["--replications", "0"]])
def test_update_refuses_bad_sizes(args):
    r = runner.invoke(app, ["update", "korea-1952", "--observe", "seen-1953-03", *args])
    assert r.exit_code == 2


def test_rolling_replay_scores_every_month_to_the_armistice():
    r = runner.invoke(app, ["replay", "korea-1952", "--rolling", "--draws", "400", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    months = data["months"]
    assert months[0]["month"] == "1952-08" and months[-1]["month"] == "1953-07"
    assert [m["happened"] for m in months].count(True) == 1 and months[-1]["happened"]
    for which in ("forecast", "prior"):
        s = data["scores"][which]
        assert 0 <= s["brier"] <= 1 and s["log"] <= 0
        assert sum(b["months"] for b in data["calibration"][which]) == len(months)


def test_signposts_runs_on_korea():
    r = runner.invoke(app, ["signposts", "korea-1952", "--draws", "1000", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["recommended"] and isinstance(data["signposts"], list)
