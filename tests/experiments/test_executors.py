"""Every executor, worker count and chunk size gives bit-identical results."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas.testing as pdt
import pytest

from kennan.errors import SimulationError, UsageError
from kennan.experiments.chunks import ChunkRunner, ChunkTask, Job, file_hash
from kennan.experiments.executors import Executor, ProcessExecutor, make_executor
from kennan.experiments.runner import run
from kennan.scenario.loading import load_scenario_text

DRAWS = 1200
TOY = Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml"


@pytest.fixture(scope="module")
def reference():
    return str(TOY), run(str(TOY), draws=DRAWS, seed=3, chunk_size=DRAWS)


@pytest.fixture(scope="module")
def pool():
    """Two worker processes shared by the tests of this module (spawning takes a second)."""
    with ProcessExecutor(2) as executor:
        yield executor


@pytest.mark.parametrize(("backend", "workers"), [("processes", 1), ("processes", 2),
                                                  ("dask", 2)])
def test_workers_match_local(reference, canonical, pool, backend, workers):
    toy, local = reference
    with (contextlib.nullcontext(pool) if (backend, workers) == ("processes", 2)
          else make_executor(backend, workers=workers)) as executor:
        # Small chunks so several run at once and finish in any order.
        results = run(toy, draws=DRAWS, seed=3, chunk_size=150, executor=executor)
        again = run(toy, draws=DRAWS, seed=3, chunk_size=500, executor=executor)
    assert results.summary.to_dict() == local.summary.to_dict()
    assert again.summary.to_dict() == local.summary.to_dict()
    pdt.assert_frame_equal(canonical(results.draws_table()), canonical(local.draws_table()))


def test_run_folder_on_workers_matches_local(reference, pool, tmp_path):
    toy, local = reference
    results = run(toy, draws=DRAWS, seed=3, chunk_size=400, executor=pool, out=tmp_path / "run")
    assert results.summary.to_dict() == local.summary.to_dict()
    assert len(list((tmp_path / "run" / "draws").glob("chunk-*.parquet"))) == 3


def _copy_toy(folder: Path, edit: tuple[str, str] | None = None) -> Path:
    text = TOY.read_text()
    if edit is not None:
        text = text.replace(*edit)
    (folder / "source.txt").write_text((TOY.parent / "source.txt").read_text())
    path = folder / "toy.yaml"
    path.write_text(text)
    return path


def test_a_numerical_fault_on_a_worker_keeps_its_location(pool, tmp_path):
    bad = _copy_toy(tmp_path, ('"thesis - 0.01"', '"thesis - 0.01 / (t - 3)"'))
    with pytest.raises(SimulationError) as info:
        run(str(bad), draws=50, seed=0, executor=pool)
    message = str(info.value)
    assert f"{bad}:" in message and "infinity" in message and "period 3" in message


def test_a_worker_refuses_a_scenario_file_that_changed(tmp_path):
    path = _copy_toy(tmp_path)
    job = Job(scenario=str(path), scenario_hash=file_hash(path), courses=("wait",),
              baseline="wait", seed=0)
    assert ChunkRunner()(job, ChunkTask(0, 0, 10)).result().draws == 10
    path.write_text(path.read_text() + "\n# edited\n")
    output = ChunkRunner()(job, ChunkTask(1, 10, 10))
    with pytest.raises(SimulationError, match="the scenario file changed"):
        output.result()


@pytest.mark.parametrize(("backend", "workers", "scheduler", "message"), [
    ("local", None, None, None),
    ("bogus", None, None, "unknown backend 'bogus'; valid: local, processes, dask"),
    ("local", 2, None, "the local backend runs in this process"),
    ("processes", None, "tcp://x:1", "a scheduler address needs --backend dask"),
    ("processes", 0, None, "--workers must be at least 1, got 0"),
])
def test_make_executor_checks_its_options(backend, workers, scheduler, message):
    if message is None:
        assert type(make_executor(backend, workers=workers, scheduler=scheduler)) is Executor
        return
    with pytest.raises(UsageError, match=message):
        make_executor(backend, workers=workers, scheduler=scheduler)


def test_a_scenario_not_from_a_file_runs_only_in_process():
    text = TOY.read_text().replace("path: source.txt", f"path: {TOY.parent / 'source.txt'}")
    loaded = load_scenario_text(text, "<memory>")
    assert run(loaded, draws=20).draws == 20
    with pytest.raises(UsageError, match="needs the scenario as a file"):
        run(loaded, draws=20, executor=ProcessExecutor(1))


def test_an_existing_dask_scheduler(reference):
    from distributed import LocalCluster

    toy, local = reference
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, \
            make_executor("dask", scheduler=cluster.scheduler_address) as executor:
        results = run(toy, draws=DRAWS, seed=3, chunk_size=300, executor=executor)
        assert executor.workers == 1
    assert results.summary.to_dict() == local.summary.to_dict()


def test_an_unreachable_dask_scheduler_is_a_clear_error(toy, monkeypatch):
    monkeypatch.setattr("kennan.experiments.dask_executor.CONNECT_TIMEOUT", 1)
    with make_executor("dask", scheduler="tcp://127.0.0.1:9") as executor, \
            pytest.raises(SimulationError, match="cannot start or reach the Dask scheduler "
                                                 r"\(tcp://127\.0\.0\.1:9\)"):
        run(toy, draws=10, executor=executor)
