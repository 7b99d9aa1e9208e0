"""A run killed partway resumes to the same numbers; Ctrl-C stops cleanly; one run per folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas.testing as pdt
import pytest

from kennan.errors import SimulationError
from kennan.experiments.query import query
from kennan.experiments.runner import run

TOY = Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml"
# Forty small chunks: long enough to catch the run in the middle.
OPTIONS = ["--draws", "20000", "--chunk-size", "500", "--seed", "9"]


def _start(out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from kennan.cli.app import main; main()", "run", str(TOY),
         *OPTIONS, "--out", str(out), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_chunks(proc: subprocess.Popen, out: Path, n: int) -> None:
    deadline = time.monotonic() + 60
    while len(list((out / "draws").glob("chunk-*.parquet"))) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run stored no chunks in a minute"
        time.sleep(0.02)


def _all_draws(out: Path):
    return query(out, "select * from draws order by draw, course")


def test_kill_minus_nine_then_resume_equals_an_uninterrupted_run(tmp_path):
    out = tmp_path / "killed"
    proc = _start(out)
    try:
        _wait_for_chunks(proc, out, 4)
        # While it runs, a second run on the same folder is refused.
        with pytest.raises(SimulationError, match=f"in use by process {proc.pid}"):
            run(str(TOY), draws=20000, chunk_size=500, seed=9, out=out, resume=True)
    finally:
        proc.kill()
        proc.communicate()
    stored = len(list((out / "draws").glob("chunk-*.parquet")))
    assert 4 <= stored < 40, "the run should have been killed partway"
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"

    resumed = run(str(TOY), draws=20000, chunk_size=500, seed=9, out=out, resume=True)
    whole = run(str(TOY), draws=20000, chunk_size=500, seed=9, out=tmp_path / "whole")
    assert resumed.summary.to_dict() == whole.summary.to_dict()
    pdt.assert_frame_equal(_all_draws(out), _all_draws(tmp_path / "whole"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["attempts"][-1]["chunks_found"] >= stored - 1


@pytest.mark.parametrize("backend", [
    (),
    pytest.param(("--backend", "processes", "--workers", "2"), marks=pytest.mark.slow),
    pytest.param(("--backend", "dask", "--workers", "2"), marks=pytest.mark.slow),
], ids=["local", "processes", "dask"])
def test_ctrl_c_keeps_finished_chunks_and_says_how_to_resume(tmp_path, backend):
    out = tmp_path / "stopped"
    proc = _start(out, *backend)
    try:
        _wait_for_chunks(proc, out, 2)
        # As a terminal does: the signal goes to the whole process group (pool workers too).
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "Interrupted:" in stderr and "chunks are stored in" in stderr
    command = f"kennan run {TOY} --draws 20000 --seed 9 --chunk-size 500 --out {out} --resume"
    assert command in " ".join(stderr.split())
    assert "Traceback" not in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert not (out / ".lock").exists()
    assert not list(out.rglob("*.tmp"))
    resumed = run(str(TOY), draws=20000, chunk_size=500, seed=9, out=out, resume=True)
    assert resumed.draws == 20000
