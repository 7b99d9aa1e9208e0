"""``kennan run`` and ``kennan query`` through Typer's runner: output, layout, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kennan.cli.app import app

TOY = str(Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml")


@pytest.fixture
def cli():
    def invoke(*args: str):
        return CliRunner().invoke(app, list(args))

    return invoke


def test_json_layout(cli):
    result = cli("run", TOY, "--draws", "300", "--seed", "2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"scenario", "seed", "draws", "periods", "courses"} <= set(data)
    assert (data["scenario"], data["seed"], data["draws"]) == ("toy", 2, 300)
    assert data["periods"][:2] == ["2000-01-01", "2000-02-01"] and len(data["periods"]) == 12
    assert list(data["courses"]) == ["wait", "appeal", "squeeze"]
    for course in data["courses"].values():
        assert {"outcomes", "by_period", "metrics"} <= set(course)
        assert set(course["outcomes"]) == set(course["by_period"]) == {"war", "deal"}
        assert set(course["metrics"]) == {"strain_total", "hawk_influence"}
        for outcome, p in course["outcomes"].items():
            assert 0 <= p <= 1 and course["by_period"][outcome][-1] == p
            assert len(course["by_period"][outcome]) == 12


def test_json_has_no_nan_even_for_one_draw(cli):
    result = cli("run", TOY, "--draws", "1", "--json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # strict JSON: NaN would not parse
    assert "NaN" not in result.stdout


def test_summary_table(cli):
    result = cli("run", TOY, "--draws", "500", "--courses", "wait,squeeze")
    assert result.exit_code == 0, result.output
    out = result.stdout
    flat = " ".join(out.split())
    assert "500 draws per course, seed 0" in flat and "against 'wait'" in flat
    assert "Probability of each outcome by 2000-12" in out and "Mean of each metric" in out
    assert "squeeze" in out and "appeal" not in out
    # Each paired course shows its difference and the 95% interval under its figure.
    assert re.search(r"[+-]\d\.\d{3}\s+\[[+-]\d\.\d{3}, [+-]\d\.\d{3}\]", out)


def test_run_folder_resume_and_query(cli, tmp_path):
    out = str(tmp_path / "run")
    first = cli("run", TOY, "--draws", "600", "--chunk-size", "200", "--out", out, "--json")
    assert first.exit_code == 0
    refused = cli("run", TOY, "--draws", "600", "--out", out)
    assert refused.exit_code == 1 and "--resume" in refused.output
    # Resuming needs only the folder: the other settings come from its manifest.
    again = cli("run", "--out", out, "--resume", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == json.loads(first.stdout)
    other = cli("run", "--out", out, "--resume", "--seed", "1")
    assert other.exit_code == 1 and "the seed differs (folder: 0, now: 1)" in other.output

    table = cli("query", out, "select course, count(*) as n from draws group by course "
                "order by course")
    assert table.exit_code == 0 and "squeeze" in table.stdout and "600" in table.stdout
    csv = cli("query", out, "select count(*) as n from draws", "--format", "csv")
    assert csv.stdout == "n\n1800\n"
    records = cli("query", out, "select chunk, first_draw, draws from chunks", "--format", "json")
    assert json.loads(records.stdout)[2] == {"chunk": 2, "first_draw": 400, "draws": 200}


@pytest.mark.parametrize(("args", "code", "message"), [
    (("run", TOY, "--draws", "10", "--courses", "wait,nope"), 1, "unknown course(s)"),
    (("run", TOY, "--draws", "10", "--baseline", "nope"), 1, "unknown baseline course"),
    (("run", TOY, "--draws", "10", "--workers", "2"), 1, "the local backend runs in this"),
    (("run", TOY, "--scheduler", "tcp://x:1"), 1, "a scheduler address needs --backend dask"),
    (("run", TOY, "--resume"), 1, "--resume needs the run folder"),
    (("run", "no-such-scenario"), 1, "no built-in scenario 'no-such-scenario'"),
    (("run", TOY, "--draws", "0"), 1, "draws must be at least 1, got 0"),
    (("run", TOY, "--backend", "cloud"), 2, "--backend"),
    (("query", "/nonexistent/folder", "select 1"), 1, "not a kennan run folder"),
])
def test_exit_codes(cli, args, code, message):
    result = cli(*args)
    assert result.exit_code == code
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_bad_sql_is_a_clear_error(cli, tmp_path):
    out = str(tmp_path / "run")
    assert cli("run", TOY, "--draws", "50", "--out", out).exit_code == 0
    for sql, message in [("selec 1", "syntax error"),
                         ("select nope from draws", 'column "nope" not found'),
                         ("select * from nowhere", "nowhere")]:
        result = cli("query", out, sql)
        assert result.exit_code == 1
        text = " ".join(result.output.split())
        assert "the query failed" in text and message in text
        assert "views: draws, judgments, course_rows, chunks, manifest, periods" in text
