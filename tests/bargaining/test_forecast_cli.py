"""``kennan forecast``: plain and KTAB tables, the JSON layout, and bad input."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kennan.bargaining.forecast import forecast
from kennan.bargaining.formats.tables import read_table
from kennan.cli.app import app
from kennan.errors import TableError

DATA = resources.files("kennan") / "data" / "bargaining"
BDM = str(DATA / "bdm1994" / "ec_emissions_actors.csv")

KTAB_3D = """DummyData_3Dim ,"Dummy scenario",4,2,
Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,
A0, Spatial Actor, 102.5, 75.79, 49.53,  6.37,  5.91,
A1, Spatial Actor,  53.3, 82.72, 30.33, 73.50, 21.22,
A2, Spatial Actor, 129.6, 12.45, 48.47, 90.89, 13.55,
A3, Spatial Actor,  70.0, 40.00, 20.00, 50.00, 60.00,
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _write(tmp_path: Path, text: str, name: str = "table.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_eum_rounds_and_forecast(runner: CliRunner) -> None:
    result = runner.invoke(app, ["forecast", BDM, "--model", "eum"])
    assert result.exit_code == 0, result.output
    assert "eum: positions by round" in result.stdout
    assert "7.242" in result.stdout
    assert "Belgium" in result.stdout


def test_json_layout_all_models(runner: CliRunner) -> None:
    result = runner.invoke(app, ["forecast", BDM, "--model", "all", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["actors", "models"]
    assert doc["actors"][:3] == ["Netherlands", "Belgium", "Luxembourg"]
    assert list(doc["models"]) == ["compromise", "median", "nash", "eum", "smp"]
    assert set(doc["models"]["compromise"]) == {"forecast"}
    assert doc["models"]["compromise"]["forecast"] == pytest.approx(7.390, abs=5e-4)
    eum = doc["models"]["eum"]
    assert eum["forecast"] == pytest.approx(7.242, abs=5e-4)
    assert len(eum["rounds"]) == 11 and len(eum["rounds"][0]) == 10
    assert eum["rounds"][0][1] == 7.0  # the input first: Belgium at 7
    assert eum["rounds"][1][1] == pytest.approx(8.4159, abs=5e-5)
    assert "rounds" in doc["models"]["smp"]


def test_reference_column_reaches_nash(tmp_path: Path) -> None:
    text = "actor,position,salience,capability,reference\na,40,1,1,0\nb,60,1,1,\n"
    tab = read_table(_write(tmp_path, text))
    assert tab.reference is not None and tab.reference[0] == 0.0
    res = forecast(tab, models=["nash"])
    assert 40.0 < res.models["nash"].forecast[0] < 60.0


def test_ktab_layout_each_dimension_or_one(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, KTAB_3D, "ktab.csv")
    result = runner.invoke(app, ["forecast", path, "-m", "compromise,eum", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["dimensions"] == ["Pstn1", "Pstn2"]
    assert len(doc["models"]["compromise"]["forecast"]) == 2
    one = json.loads(runner.invoke(app, ["forecast", path, "-m", "compromise", "--dim", "Pstn2",
                                         "--json"]).stdout)
    assert list(one) == ["actors", "models"]
    assert one["models"]["compromise"]["forecast"] == doc["models"]["compromise"]["forecast"][1]
    text = runner.invoke(app, ["forecast", path, "-m", "smp"])
    assert text.exit_code == 0, text.output
    assert "Pstn1" in text.stdout and "Pstn2" in text.stdout


def test_ktab_example_with_smp(runner: CliRunner, tmp_path: Path) -> None:
    ktab = DATA / "ktab" / "dummyData_3Dim.csv"
    path = tmp_path / "dummy.csv"
    shutil.copyfile(str(ktab), path)
    result = runner.invoke(app, ["forecast", str(path), "-m", "smp", "--dim", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["models"]["smp"]["rounds"][0]) == 7


def test_salience_scale_100(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "Actor,Position,Salience,Capability\na,0,80,1\nb,100,40,1\n")
    result = runner.invoke(app, ["forecast", path, "-m", "compromise", "--salience-scale", "100",
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["models"]["compromise"]["forecast"] == pytest.approx(100 / 3)


BAD = [
    ("actor,position,salience\na,1,1\nb,2,1\n", 1, None, "missing column(s) capability"),
    ("actor,position,salience,capability\na,1,1,1\nb,x,1,1\n", 3, 2,
     "column position: expected a number, got 'x'"),
    ("actor,position,salience,capability\na,1,1,-2\nb,2,1,1\n", 2, 4,
     "column capability: expected a number >= 0, got -2"),
    ("actor,position,salience,capability\na,1,1.5,1\nb,2,1,1\n", 2, 3,
     "column salience: expected a number in [0, 1], got 1.5"),
    ("actor,position,salience,capability\na,1,80,1\nb,2,1,1\n", 2, 3, "--salience-scale 100"),
    ("actor,position,salience,capability\na,1,1,1\n", 3, None, "expected at least 2 actors, got 1"),
    ("actor,position,salience,capability\na,1,0,1\nb,2,0,1\n", 2, 3, "every salience is zero"),
    ("actor,position,salience,capability\na,nan,1,1\nb,2,1,1\n", 2, 2,
     "column position: expected a finite number, got 'nan'"),
    ("actor,position,salience,capability\na,1,1,1\nb,2,,1\n", 3, 3,
     "column salience: expected a number, got an empty cell"),
    ("actor,position,salience,capability,reference\na,1,1,1,3\nb,2,1,1,4\n", 3, 5,
     "expected one reference point"),
]


@pytest.mark.parametrize(("text", "line", "col", "message"), BAD)
def test_bad_tables(runner: CliRunner, tmp_path: Path, text: str, line: int, col: int | None,
                    message: str) -> None:
    path = _write(tmp_path, text)
    result = runner.invoke(app, ["forecast", path, "-m", "all"])
    assert result.exit_code == 1
    where = f"{path}:{line}" + (f":{col}" if col else "")
    assert f"{where}: " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output
    with pytest.raises(TableError):
        read_table(path)


def test_bad_ktab_cell_names_line_and_column(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, KTAB_3D.replace("82.72", "abc"), "ktab.csv")
    result = runner.invoke(app, ["forecast", path])
    assert result.exit_code == 1
    assert f"{path}:4:4: " in result.stderr


def test_every_problem_reported_at_once(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "actor,position,salience,capability\na,x,1,1\nb,2,7,-1\n")
    result = runner.invoke(app, ["forecast", path])
    assert result.exit_code == 1
    assert result.stderr.count(path) == 3


def test_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["forecast", BDM, "--model", "bdm"])
    assert result.exit_code == 1
    assert "unknown model 'bdm'" in result.stderr and "compromise" in result.stderr
    result = runner.invoke(app, ["forecast", str(tmp_path / "absent.csv")])
    assert result.exit_code == 1
    assert "cannot read the table" in result.stderr
    result = runner.invoke(app, ["forecast", BDM, "--dim", "9"])
    assert result.exit_code == 1
    assert "--dim" in result.stderr


def test_all_models_leave_out_what_the_table_does_not_suit(runner: CliRunner,
                                                          tmp_path: Path) -> None:
    path = _write(tmp_path, "actor,position,salience,capability\na,10,0,1\nb,50,1,1\nc,90,1,2\n")
    result = runner.invoke(app, ["forecast", path, "-m", "all", "--json"])
    assert result.exit_code == 0, result.output
    assert "smp left out" in result.stderr
    assert list(json.loads(result.stdout)["models"]) == ["compromise", "median", "nash", "eum"]
    alone = runner.invoke(app, ["forecast", path, "-m", "smp"])
    assert alone.exit_code == 1
    assert "'a'" in alone.stderr


cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-5, 200).map(str),
    st.text(alphabet="0123456789.-eEnaif ", max_size=6),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(cells, cells, cells), min_size=0, max_size=5))
def test_any_cells_give_a_table_or_a_table_error(tmp_path: Path, rows) -> None:
    lines = ["actor,position,salience,capability"]
    lines += [f"a{i},{x},{s},{c}" for i, (x, s, c) in enumerate(rows)]
    path = _write(tmp_path, "\n".join(lines) + "\n")
    try:
        tab = read_table(path)
    except TableError as exc:
        assert all(p.location is not None and p.location.file == path for p in exc.problems)
        return
    assert len(tab.names) >= 2
    assert np.isfinite(tab.positions).all()
    assert ((tab.saliences >= 0) & (tab.saliences <= 1)).all()
    assert (tab.capabilities >= 0).all()


def test_header_without_actor_column_is_a_plain_table_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "name,position,salience,capability\na,1,1,1\nb,2,1,1\n")
    with pytest.raises(TableError, match=r"missing column.*actor"):
        read_table(path)
