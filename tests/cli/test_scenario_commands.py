"""``kennan validate`` and ``kennan judgments`` through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kennan.cli.app import app

FIXTURES = Path(__file__).parent.parent / "fixtures"
TOY = str(FIXTURES / "toy.yaml")
BROKEN = """\
kennan: 1
id: broken
title: Three mistakes
time: {start: 2000-01, horizon: 12}
state:
  - {id: soviet, initial: 0, bounds: [0, 1]}
  - {id: y, value: "soviet + sovet"}
events:
  - {id: e, probability: 1.5}
policies:
  - {id: wait, ladr: []}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_validate_ok(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", TOY])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{TOY}: ok"
    assert lines[1].strip() == (
        "3 judgments (2 cited), 1 source, 4 actors (2 factions), 1 issue, 3 state variables, "
        "2 considerations, 2 decisions, 3 policies, 3 events, 2 outcomes, 2 metrics")


def test_validate_prints_warnings_grouped_on_stderr(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", TOY])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == f"{TOY}: 12 warnings (kennan validate --strict makes them errors)"
    assert lines[1] == "  numbers written into expressions, each a judgment without grounds (10):"
    assert lines[2] == (f"    {TOY}:28:34: salience of 'doves' on 'pressure_scale': the number "
                        "0.8 is a judgment without grounds; make it a judgment (cite or "
                        "assumption) and read it by name")
    assert lines[12] == ("  things nothing reads, which change nothing the simulator computes "
                         "(2):")
    assert lines[13].startswith(f"    {TOY}:22:10: actor 'us' takes no decision")
    assert len(lines) == 15


def test_validate_strict_makes_warnings_errors(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--strict", TOY])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 12 and all(line.startswith(f"{TOY}:") for line in lines)
    assert f"{TOY}:58:16: tag 'public' is read by no expression" in result.stderr


def test_validate_builtin(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "korea-1952"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("korea-1952.yaml: ok")


def test_validate_reports_every_problem(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}:7:30: value of 'y': unknown name 'sovet' (did you mean 'soviet'?)",
        f"{path}:9:26: probability of event 'e': a probability must lie in [0, 1], got 1.5",
        f"{path}:11:16: policies[0] 'wait' > ladr: unknown key 'ladr' (did you mean 'ladder'?); "
        "expected one of: id, name, note, ladder, schedule, halt, step_down, tracks, forbid",
    ]
    assert "Traceback" not in result.output


def test_validate_several(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(app, ["validate", TOY, str(path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{TOY}: ok")
    assert len([line for line in result.stderr.splitlines()
                if line.startswith(f"{path}:")]) == 3


@pytest.mark.parametrize(("argument", "message"), [
    ("korea-1953", "no built-in scenario 'korea-1953' and no such file; built-in: korea-1952"),
    ("missing.yaml", "missing.yaml: scenario file not found"),
])
def test_validate_nothing_there(runner: CliRunner, argument: str, message: str) -> None:
    result = runner.invoke(app, ["validate", argument])
    assert result.exit_code == 1
    assert message in result.stderr


def test_validate_needs_a_scenario(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2


def test_judgments_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["judgments", TOY], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Judgments of toy (3)" in out
    for text in ("balance", "beta(a=5, b=5)", "0.251", "0.749",
                 "src ¶1: “balance is probably close”",
                 "assumption: a round figure for the test", "from 'surely'"):
        assert text in out, text


def test_judgments_show_a_citation_and_an_assumption_together(runner: CliRunner,
                                                              tmp_path: Path) -> None:
    text = (FIXTURES / "toy.yaml").read_text(encoding="utf-8").replace(
        'assumption: "a round figure for the test"',
        'assumption: "a round figure for the test"\n'
        '    cite: {source: src, paragraph: 3, quote: "abrupt steps would risk", '
        'supports: existence}')
    (tmp_path / "source.txt").write_text((FIXTURES / "source.txt").read_text("utf-8"), "utf-8")
    path = tmp_path / "both.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["judgments", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "src ¶3 (existence): “abrupt steps would risk”" in result.stdout
    assert "assumption: a round figure for the test" in result.stdout
    assert "Size from the text: 2; from the modeller: 1 (1 of them citing the text" \
        in " ".join(result.stdout.split())
    rows = json.loads(runner.invoke(app, ["judgments", str(path), "--json"]).stdout)
    hazard = rows["judgments"][1]
    assert hazard["cite"]["supports"] == "existence" and hazard["size_from"] == "modeller"
    assert hazard["assumption"] == "a round figure for the test"


def test_judgments_table_narrow(runner: CliRunner) -> None:
    result = runner.invoke(app, ["judgments", TOY], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "monthly_hazard" in result.stdout and "value 0.1" in result.stdout


def test_judgments_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["judgments", TOY, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["scenario"] == "toy"
    first, second, third = payload["judgments"]
    assert first["id"] == "balance" and first["kind"] == "beta"
    assert first["distribution"] == "beta(a=5, b=5)"
    assert first["p5"] == pytest.approx(0.2514, abs=1e-4) and first["p50"] == 0.5
    assert first["cite"] == {"source": "src", "paragraph": 1,
                             "quote": "balance is probably close", "supports": "magnitude"}
    assert first["size_from"] == "text"
    assert second["cite"] is None and second["assumption"] == "a round figure for the test"
    assert second["size_from"] == "modeller"
    assert payload["size_from"] == {"text": 2, "modeller": 1, "modeller_cited": 0}
    assert third["kind"] == "phrase" and 0.8 <= third["p5"] < third["p95"] <= 0.99


def test_judgments_of_korea_cite_every_judgment(runner: CliRunner) -> None:
    result = runner.invoke(app, ["judgments", "korea-1952", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["judgments"]
    assert len(rows) >= 20
    assert all(r["cite"] is not None or r["assumption"] is not None for r in rows)
    # The size rests on exactly one of the text and the modeller.
    assert all((r["size_from"] == "text") == (r["assumption"] is None) for r in rows)
    assert all(r["p5"] <= r["p50"] <= r["p95"] for r in rows)


def test_judgments_of_a_broken_scenario(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(app, ["judgments", str(path)])
    assert result.exit_code == 1
    assert f"{path}:7:30:" in result.stderr
