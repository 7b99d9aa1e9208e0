"""Item 7: --resume never starts a run in a folder that holds none, and the disk-full
advice is a command that resumes this very run."""

from __future__ import annotations

import errno
import shlex

import pytest

from kennan.cli.app import app
from kennan.experiments import store

from .conftest import FIXTURES, one_line

TOY = str(FIXTURES / "toy.yaml")


@pytest.mark.parametrize("state", ["missing", "empty", "no manifest"])
def test_resume_on_a_folder_without_a_run_is_refused(runner, tmp_path, state):
    out = tmp_path / "runs" / "ref"
    if state != "missing":
        out.mkdir(parents=True)
    if state == "no manifest":
        (out / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["run", "--out", str(out), "--resume"])
    assert result.exit_code == 1
    assert "cannot resume: the run folder" in one_line(result.stderr)
    assert "leave out --resume" in result.stderr
    # Nothing was started: no manifest, no chunk, no folder created.
    assert not (out / "manifest.json").exists()
    assert (sorted(p.name for p in out.iterdir()) if out.exists() else None) == \
        {"missing": None, "empty": [], "no manifest": ["notes.txt"]}[state]


def test_the_disk_full_advice_resumes_the_same_run(runner, tmp_path, monkeypatch):
    out = tmp_path / "run dir"
    real = store.atomic_write

    def full(path, write, **kwargs):
        if path.name.startswith("chunk-000001"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, write, **kwargs)

    monkeypatch.setattr(store, "atomic_write", full)
    result = runner.invoke(app, ["run", TOY, "--draws", "30", "--chunk-size", "10", "--seed",
                                 "7", "--out", str(out)])
    assert result.exit_code == 1
    line = one_line(result.stderr)
    advice = line.split("finish the run with: ", 1)[1]
    assert advice == f"kennan run --out {shlex.quote(str(out))} --resume"
    monkeypatch.setattr(store, "atomic_write", real)
    # The advice, run as given, finishes the same run: seed 7, 30 draws, the toy scenario.
    again = runner.invoke(app, shlex.split(advice)[1:])
    assert again.exit_code == 0, again.output
    manifest = store.read_manifest(out)
    assert (manifest["seed"], manifest["draws"], manifest["status"]) == (7, 30, "complete")
    assert manifest["scenario"] == str(FIXTURES / "toy.yaml")


def test_a_manifest_that_cannot_be_written_says_to_start_again(tmp_path, monkeypatch):
    from kennan.errors import SimulationError
    from kennan.experiments.runner import run

    def full(path, write, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "atomic_write", full)
    with pytest.raises(SimulationError, match="run the same command again"):
        run(TOY, draws=10, out=tmp_path / "run")
