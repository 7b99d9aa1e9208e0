"""Historical replay of korea-1952 and its command."""

from __future__ import annotations

import itertools
import json

from typer.testing import CliRunner

from kennan.cli.app import app
from kennan.experiments.replay import replay


def test_replay_fixes_the_events_and_reports_the_actual_month():
    r = replay("korea-1952", draws=2000, seed=0)
    assert r.course == "course_1953"
    t = r.actual_period("armistice")
    assert r.periods[t].isoformat() == "1953-07-01"
    cumulative = r.cumulative("armistice")
    assert all(b >= a for a, b in itertools.pairwise(cumulative))
    assert 0 < cumulative[t] < 1
    # Held-off events never fire: no draw reaches the alliance outcome.
    k = r.outcomes.index("alliance_invoked")
    assert sum(r.summary.counts[0][k]) == 0


def test_replay_command_prints_the_actual_date_and_json():
    runner = CliRunner()
    result = runner.invoke(app, ["replay", "korea-1952", "--draws", "500"])
    assert result.exit_code == 0, result.output
    assert "1953-07-27" in result.output
    result = runner.invoke(app, ["replay", "korea-1952", "--draws", "500", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["actual"]["armistice"] == "1953-07-27"
    assert len(data["outcomes"]["armistice"]["monthly"]) == 24


def test_replay_of_a_scenario_without_history_is_a_clear_error(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["replay", "tests/fixtures/toy.yaml", "--draws", "10"])
    assert result.exit_code == 1
    assert "no 'replay' section" in result.output


def test_replay_reports_every_reading_and_stalins_death_matters():
    """Each competing reading is replayed on the same draws. After Stalin's death the
    successors' wish for an armistice can only add to Moscow's pressure, so that reading
    gives the armistice more by July 1953 than Kennan's; with Peking holding the key,
    Moscow's turn counts for less."""
    r = replay("korea-1952", draws=2000, seed=0)
    assert r.hypotheses == ["kennan_reading", "successors_seek_armistice", "peking_holds_key"]
    t = r.actual_period("armistice")
    by = {h: r.cumulative("armistice", h)[t] for h in r.hypotheses}
    assert by["successors_seek_armistice"] > by["kennan_reading"] > by["peking_holds_key"]
    # Before the death (month 7, February 1953) the first two readings are the same model.
    before = {h: r.cumulative("armistice", h)[6] for h in r.hypotheses}
    assert before["successors_seek_armistice"] == before["kennan_reading"]
    data = r.to_json()
    assert set(data["hypotheses"]) == set(r.hypotheses)
    assert data["hypotheses"]["kennan_reading"]["armistice"]["cumulative"][t] == by[
        "kennan_reading"]
