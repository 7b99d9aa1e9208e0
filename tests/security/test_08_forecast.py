"""Item 8: forecast values outside the documented ranges are refused; --json is always
strict JSON."""

from __future__ import annotations

import json

import pytest

from kennan.cli.app import app

from .conftest import one_line


def _table(tmp_path, rows):
    path = tmp_path / "t.csv"
    path.write_text("actor,position,salience,capability\n" + "".join(f"{r}\n" for r in rows))
    return str(path)


@pytest.mark.parametrize("rows", [
    ["A,1e308,0.5,1", "B,-1e308,0.5,1"],
    ["A,1,0.5,1e308", "B,2,0.5,1"],
])
def test_values_near_the_largest_double_are_refused(runner, tmp_path, rows):
    with _no_warnings():
        result = runner.invoke(app, ["forecast", _table(tmp_path, rows), "-m", "all", "--json"])
    assert result.exit_code == 1
    assert "rescale the" in result.stderr and result.stdout == ""
    assert "Traceback" not in result.output


def test_json_at_the_edges_of_the_ranges_is_strict(runner, tmp_path):
    rows = ["A,1e9,0.5,1e12", "B,-1e9,0.5,1e-300", "C,5,1e-300,1e12"]
    with _no_warnings():
        result = runner.invoke(app, ["forecast", _table(tmp_path, rows), "-m", "all", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout, parse_constant=_refuse)
    assert set(data["models"]) >= {"compromise", "median", "nash", "eum"}


def test_too_many_actors_for_the_smp(runner, tmp_path):
    rows = [f"a{i},{i % 100},0.5,{1 + i % 7}" for i in range(201)]
    result = runner.invoke(app, ["forecast", _table(tmp_path, rows), "-m", "smp"])
    assert result.exit_code == 1
    assert "expected at most 200 actors, got 201" in one_line(result.stderr)


def _refuse(name):
    raise AssertionError(f"not strict JSON: {name}")


def _no_warnings():
    import warnings

    class Guard(warnings.catch_warnings):
        def __enter__(self):
            super().__enter__()
            warnings.simplefilter("error")

    return Guard()


def test_rounds_are_bounded(runner, tmp_path):
    rows = ["A,1,0.5,1", "B,2,0.5,1"]
    result = runner.invoke(app, ["forecast", _table(tmp_path, rows), "--rounds", "100000000"])
    assert result.exit_code == 1
    assert one_line(result.stderr) == "rounds must be at most 10,000, got 100,000,000"
