"""Item 9: what used to end in a traceback ends in one line."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

from kennan.cli.app import app

from .conftest import FIXTURES, one_line


@pytest.mark.parametrize("args", [["validate", str(FIXTURES / "toy.yaml")],
                                  ["run", str(FIXTURES / "toy.yaml"), "--draws", "20",
                                   "--json"],
                                  ["--help"]])
def test_output_to_a_full_device(args):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-c", "from kennan.cli.app import main; main()",
                               *args], stdout=full, stderr=subprocess.PIPE, text=True,
                              timeout=300)
    assert done.returncode == 1
    assert one_line(done.stderr) == "cannot write the output: No space left on device"


def test_an_empty_query(runner, run_folder):
    result = runner.invoke(app, ["query", str(run_folder), ""])
    assert result.exit_code == 1 and "no query given" in one_line(result.stderr)


def test_a_memory_error_is_one_line(runner, monkeypatch):
    import kennan.experiments.study as study_module

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(study_module, "build_model", exhausted)
    result = runner.invoke(app, ["run", str(FIXTURES / "toy.yaml"), "--draws", "10"])
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith("out of memory")


def test_an_overflowing_utility_is_an_error_not_numpy_warnings(runner, tmp_path):
    text = (FIXTURES / "toy.yaml").read_text().replace("weight: 2", "weight: 1e308")
    (tmp_path / "toy.yaml").write_text(text)
    (tmp_path / "source.txt").write_text((FIXTURES / "source.txt").read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would fail the run
        result = runner.invoke(app, ["run", str(tmp_path / "toy.yaml"), "--draws", "20"])
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "decision 'stance'" in line and "too large to compute" in line
    assert "toy.yaml:" in line
