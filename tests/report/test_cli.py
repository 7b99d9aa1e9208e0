"""``kennan report``, ``kennan sensitivity`` and ``kennan discover`` through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kennan.cli.app import app

from .conftest import TOY

runner = CliRunner()
SMALL_REPORT = ["--draws", "500", "--sobol-base", "32", "--points", "40", "--replicates", "2"]


def test_report_writes_the_file_and_says_where(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", TOY, *SMALL_REPORT])
    assert result.exit_code == 0, result.output
    path = tmp_path / "report.html"
    assert path.is_file()
    assert f"Wrote {path}" in result.stdout


def test_report_creates_missing_folders(tmp_path):
    out = tmp_path / "x" / "y" / "r.html"
    result = runner.invoke(app, ["report", TOY, "-o", str(out), *SMALL_REPORT])
    assert result.exit_code == 0, result.output
    assert out.is_file()


def test_report_bad_outcome_is_one_red_line(tmp_path):
    result = runner.invoke(app, ["report", TOY, "-o", str(tmp_path / "r.html"), "--outcome",
                                 "nope", *SMALL_REPORT])
    assert result.exit_code == 1
    assert "unknown outcome 'nope'; valid: war, deal" in result.stderr
    assert "Traceback" not in result.output


def test_sensitivity_table_and_json():
    result = runner.invoke(app, ["sensitivity", TOY, "--outcome", "deal", "--course", "squeeze",
                                 "--base", "32"])
    assert result.exit_code == 0, result.output
    assert "balance" in result.stdout and "¶1" in result.stdout
    result = runner.invoke(app, ["sensitivity", TOY, "--outcome", "deal", "--course", "squeeze",
                                 "--method", "morris", "--trajectories", "4", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["method"] == "morris" and {j["judgment"] for j in data["judgments"]} == {
        "balance", "vindication"}


def test_sensitivity_defaults_from_a_pilot():
    result = runner.invoke(app, ["sensitivity", TOY, "--base", "32", "--json"])
    assert result.exit_code == 0, result.output
    assert "outcome: deal (the most likely over the courses" in result.stderr
    assert "course: wait" in result.stderr
    assert json.loads(result.stdout)["course"] == "wait"


def test_sensitivity_says_the_outcome_is_the_question(tmp_path):
    # The question's outcome need not be the most likely: it is the one asked about.
    toy = Path(TOY)
    (tmp_path / "source.txt").write_text((toy.parent / "source.txt").read_text("utf-8"), "utf-8")
    path = tmp_path / "asked.yaml"
    path.write_text(toy.read_text("utf-8") + "question: {outcome: war, within: 6}\n", "utf-8")
    result = runner.invoke(app, ["sensitivity", str(path), "--base", "32", "--json"])
    assert result.exit_code == 0, result.output
    assert "outcome: war within 6 periods (the scenario's question" in result.stderr
    assert "most likely" not in result.stderr
    assert "within 6" in json.loads(result.stdout)["target"]
    path.write_text(toy.read_text("utf-8") + "question: {outcome: [war, deal]}\n", "utf-8")
    result = runner.invoke(app, ["sensitivity", str(path), "--base", "32", "--json"])
    assert result.exit_code == 0, result.output
    assert "outcome: war,deal (the scenario's question" in result.stderr


def test_sensitivity_bad_ids():
    for args, message in (
        (["--course", "nope"], "valid: wait, appeal, squeeze"),
        (["--course", "wait", "--outcome", "nope"], "valid: war, deal"),
        (["--course", "wait", "--outcome", "deal", "--judgments", "nope"],
         "valid: balance, vindication"),
        (["--course", "wait", "--outcome", "deal", "--method", "fast"], "valid: sobol, morris"),
    ):
        result = runner.invoke(app, ["sensitivity", TOY, "--base", "32", *args])
        assert result.exit_code == 1, args
        assert message in result.stderr


def test_discover_prints_rules_or_says_none():
    result = runner.invoke(app, ["discover", TOY, "--better", "squeeze", "--than", "wait",
                                 "--outcome", "deal", "--points", "40", "--replicates", "2"])
    assert result.exit_code == 0, result.output
    assert "Where squeeze beats wait" in result.stdout
    assert "PRIM boxes" in result.stdout and "Decision tree" in result.stdout


def test_discover_json_and_bad_course():
    result = runner.invoke(app, ["discover", TOY, "--better", "squeeze", "--than", "wait",
                                 "--outcome", "deal", "--points", "40", "--replicates", "1",
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["points"] == 40
    result = runner.invoke(app, ["discover", TOY, "--better", "nope", "--than", "wait",
                                 "--outcome", "deal"])
    assert result.exit_code == 1
    assert "unknown course" in result.stderr and "valid: wait, appeal, squeeze" in result.stderr
