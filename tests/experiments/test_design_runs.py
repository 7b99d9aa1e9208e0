"""Designed experiments go through the experiment runner: one path, the same numbers on
every executor and chunk size; a study compiles the scenario once."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import numpy as np
import pytest

import kennan
from kennan import defaults
from kennan.analysis import sensitivity
from kennan.analysis.decomposition import decompose
from kennan.analysis.discovery import discover_both, discover_design
from kennan.analysis.quantity import quantity_of
from kennan.engine.model import build_model, select_courses
from kennan.engine.simulate import simulate
from kennan.errors import SimulationError, UsageError
from kennan.experiments import design_chunks
from kennan.experiments.executors import ProcessExecutor, report_executor
from kennan.experiments.runner import resume_command, run, run_design, settings
from kennan.experiments.study import Study

ROOT = Path(__file__).resolve().parents[2]
TOY = str(ROOT / "tests" / "fixtures" / "toy.yaml")
HYPOTHESES = str(ROOT / "tests" / "fixtures" / "hypotheses.yaml")


@pytest.fixture(scope="module")
def pool():
    """Two worker processes shared by the tests of this module."""
    with ProcessExecutor(2) as executor:
        yield executor


def _sobol(study_or_file, **options):
    return sensitivity.sobol(study_or_file, course="squeeze", outcome="deal", base=64, seed=5,
                             **options)


def test_sobol_is_bit_identical_on_every_executor_and_chunk_size(pool):
    local = _sobol(TOY)
    small = _sobol(TOY, chunk_size=37)
    workers = _sobol(TOY, executor=pool, chunk_size=50)
    for other in (small, workers):
        assert other.table.equals(local.table)
        assert (other.mean, other.variance) == (local.mean, local.variance)


def test_discovery_is_bit_identical_on_every_executor_and_chunk_size(pool):
    options = dict(better="wait", than="squeeze", outcome="deal", points=60, replicates=3,
                   seed=2)
    local = discover_design(TOY, **options)
    for extra in ({"chunk_size": 7}, {"executor": pool, "chunk_size": 40}):
        other = discover_design(TOY, **options, **extra)
        assert other.to_json() == local.to_json()


def test_decomposition_and_morris_do_not_depend_on_the_chunk_size(pool):
    a = decompose(TOY, draws=40, replications=3, seed=1, outcome="deal")
    b = decompose(TOY, draws=40, replications=3, seed=1, outcome="deal", chunk_size=11,
                  executor=pool)
    assert a.equals(b)
    m = sensitivity.morris(TOY, course="squeeze", outcome="deal", trajectories=6, seed=1)
    n = sensitivity.morris(TOY, course="squeeze", outcome="deal", trajectories=6, seed=1,
                           chunk_size=5)
    assert m.table.equals(n.table)


def test_a_design_row_does_not_depend_on_the_others():
    # Row i of a design run alone (one engine call, its own draw) gives the row's numbers.
    study = Study.open(TOY)
    q = quantity_of(study.catalog, outcome="deal")
    u = np.random.default_rng(0).uniform(size=(30, len(study.judgment_ids)))
    draws = np.arange(30)[::-1] * 7
    batched = run_design(study, count=30, seed=4, names=study.judgment_ids, sample=u,
                         draws=draws, extract=q.values)
    for i in (0, 13, 29):
        one = simulate(study.model, start=0, count=1, seed=4, judgment_uniforms=u[i:i + 1],
                       draw_index=draws[i:i + 1])
        assert np.array_equal(q.values(one)[:, 0], batched[:, i])


def test_the_difference_of_two_courses_is_course_minus_against():
    # Whatever their order in the file, course comes first: the two ways are opposite.
    ab = sensitivity.sobol(TOY, course="squeeze", against="wait", outcome="deal", base=32)
    ba = sensitivity.sobol(TOY, course="wait", against="squeeze", outcome="deal", base=32)
    assert ab.mean == pytest.approx(-ba.mean, abs=1e-12)
    both = discover_both(TOY, better="squeeze", than="wait", outcome="deal", points=40,
                         replicates=2)
    assert both[0].better == "squeeze" and both[1].better == "wait"
    assert both[0].hits + both[1].hits <= both[0].points


@pytest.mark.parametrize("scenario", [TOY, HYPOTHESES])
def test_a_selection_of_courses_gives_each_course_its_own_numbers(scenario):
    whole = build_model(scenario)
    ids = whole.course_ids
    picked = [ids[-1], ids[0]]
    full = simulate(whole, start=0, count=200, seed=9)
    part = simulate(select_courses(whole, picked), start=0, count=200, seed=9)
    for row, course in enumerate(picked):
        k = ids.index(course)
        assert np.array_equal(part.outcome[row], full.outcome[k])
        assert np.array_equal(part.mass[:, row], full.mass[:, k])
    with pytest.raises(UsageError, match="unknown course"):
        select_courses(whole, ["nope"])


def test_a_study_is_compiled_once(monkeypatch):
    study = Study.open(TOY)
    calls = []
    monkeypatch.setattr("kennan.experiments.study.build_model",
                        lambda *a, **k: calls.append(a) or build_model(*a, **k))
    run(study, draws=50, keep_draws=True)
    _sobol(study)
    discover_design(study, better="wait", than="squeeze", outcome="deal", points=20,
                    replicates=1)
    decompose(study, draws=10, replications=2, outcome="deal")
    assert calls == []


def test_a_failing_chunk_raises_its_error(monkeypatch):
    def broken(*args, **kwargs):
        raise SimulationError("boom in a chunk")

    monkeypatch.setattr(design_chunks, "simulate", broken)
    with pytest.raises(SimulationError, match="boom in a chunk"):
        _sobol(TOY)


def test_results_and_study_name_the_same_quantities():
    results = kennan.run(TOY, draws=20, keep_draws=True)
    assert results.catalog == Study.open(TOY).catalog
    assert quantity_of(results.catalog, outcome="deal") == quantity_of(
        Study.open(TOY).catalog, outcome="deal")


def test_settings_take_what_is_given_then_the_folder_then_the_defaults(tmp_path):
    fresh = settings()
    assert fresh == {"scenario": defaults.DEFAULT_SCENARIO, "draws": defaults.DRAWS,
                     "seed": defaults.SEED, "chunk_size": defaults.CHUNK_SIZE,
                     "courses": None, "baseline": None, "precision": "double"}
    folder = tmp_path / "run"
    run(TOY, draws=30, seed=4, chunk_size=10, out=folder)
    stored = settings(out=folder, resume=True, draws=60)
    assert stored["draws"] == 60 and stored["seed"] == 4 and stored["chunk_size"] == 10
    assert resume_command(stored, folder).endswith(f"--out {folder} --resume")
    with pytest.raises(UsageError, match="cannot resume"):
        settings(out=tmp_path / "none", resume=True)


def test_the_report_runs_on_two_workers_unless_told_otherwise(monkeypatch):
    monkeypatch.setattr("kennan.experiments.executors.default_workers", lambda: 8)
    with report_executor() as executor:
        assert (executor.name, executor.workers) == ("processes", defaults.REPORT_WORKERS)
    with report_executor(workers=1) as executor:
        assert executor.name == "local"
    with report_executor("local") as executor:
        assert executor.name == "local"
    monkeypatch.setattr("kennan.experiments.executors.default_workers", lambda: 1)
    with report_executor() as executor:
        assert executor.name == "local"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


def test_analysis_modules_do_not_import_the_engine():
    for path in (ROOT / "src" / "kennan" / "analysis").glob("*.py"):
        engine = [n for n in _imports(path) if n.startswith("kennan.engine")]
        assert not engine, f"{path.name} imports {engine}"


def test_defaults_and_version_import_nothing_and_agree_with_pyproject():
    for name in ("defaults.py", "version.py"):
        assert _imports(ROOT / "src" / "kennan" / name) == set(), name
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == kennan.__version__
