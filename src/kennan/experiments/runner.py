"""Run every course of action of a scenario over many draws, chunk by chunk.

Draws are numbered globally; a chunk is a contiguous range of them. Since every
random number depends only on the root seed and the draw's index (see
:mod:`kennan.engine.streams`) and summaries merge exactly, results are
bit-identical for any chunk size and any executor (:mod:`.executors`). With a
run folder (:mod:`.store`) every chunk is stored as it finishes and a stopped
run resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kennan.engine.ablation import ablate as ablate_mechanism
from kennan.engine.model import Model, build_model
from kennan.engine.simulate import ESTIMATORS, ChunkResult
from kennan.errors import Location, UsageError
from kennan.experiments import limits
from kennan.experiments.chunks import ChunkTask, Job, file_hash, summarise
from kennan.experiments.executors import Executor
from kennan.experiments.results import Results
from kennan.experiments.store import (
    RunSpec,
    RunStore,
    check_resumable,
    read_manifest,
    read_summary,
)
from kennan.experiments.summary import Summary
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import load_scenario, resolve_scenario_path

DEFAULT_DRAWS = 10_000
DEFAULT_CHUNK = 16_384
#: Keep per-draw results in memory by default up to this many draws.
KEEP_DRAWS_LIMIT = 200_000

__all__ = ["DEFAULT_CHUNK", "DEFAULT_DRAWS", "KEEP_DRAWS_LIMIT", "chunk_plan", "empty_summary",
           "open_results", "run", "summarise"]


def chunk_plan(draws: int, chunk_size: int) -> list[tuple[int, int]]:
    """(start, count) of each chunk covering draws 0 .. draws-1."""
    if draws < 1:
        raise UsageError(f"draws must be at least 1, got {draws}")
    if chunk_size < 1:
        raise UsageError(f"chunk size must be at least 1, got {chunk_size}")
    return [(s, min(chunk_size, draws - s)) for s in range(0, draws, chunk_size)]


def empty_summary(model: Model) -> Summary:
    """A summary of no draws with the model's courses, outcomes, metrics and records."""
    records = [f"{o.id}.{name}" for o in model.outcomes for name, _ in o.record]
    return Summary.empty(model.course_ids, [o.id for o in model.outcomes],
                         [m.id for m in model.metrics], records, model.horizon,
                         model.course_ids.index(model.baseline),
                         [h.id for h in model.hypotheses], value=model.has_worth)


def run(
    scenario: str | Path | LoadedScenario,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    chunk_size: int = DEFAULT_CHUNK,
    courses: Iterable[str] | None = None,
    baseline: str | None = None,
    keep_draws: bool | None = None,
    progress: Callable[[int], Any] | None = None,
    executor: Executor | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    ablate: str | None = None,
    estimator: str = "conditional",
) -> Results:
    """Simulate ``draws`` draws of every course (or ``courses``) of ``scenario``.

    ``baseline`` names the course paired differences are taken against (default:
    the scenario's ``baseline``, else the first course). ``executor`` runs the
    chunks (default: this process; see :func:`.executors.make_executor`).
    ``out`` is a run folder that receives a manifest and one Parquet file per
    chunk; ``resume`` finishes the run a folder holds. Per-draw results are kept
    in memory when ``keep_draws`` is true (default: without ``out``, up to
    200,000 draws). ``progress`` is called with the number of draws finished
    after each chunk (and once, first, with the draws a resumed run already has).
    ``ablate`` switches one mechanism off (:mod:`kennan.engine.ablation`).
    ``estimator`` is ``conditional`` (hazard outcomes carried as probability) or
    ``sampled`` (see :mod:`kennan.engine.simulate`); a run folder stores conditional runs.
    """
    if estimator not in ESTIMATORS:
        raise UsageError(f"unknown estimator '{estimator}'; valid: {', '.join(ESTIMATORS)}")
    if estimator != "conditional" and out is not None:
        raise UsageError("a run folder stores runs of the conditional estimator; drop --out "
                         "or --estimator")
    # The same checks, and messages, as the command line's options.
    draws = limits.whole("draws", draws, least=1, most=limits.MAX_DRAWS)
    seed = limits.whole("seed", seed, least=0, most=limits.MAX_SEED)
    chunk_size = limits.whole("chunk_size", chunk_size, least=1)
    courses = limits.course_ids(courses)
    if resume and out is not None:
        check_resumable(out)  # before any work: a folder with no run is not resumed
    loaded, path, digest = _scenario_source(scenario)
    model = build_model(loaded, courses)
    if baseline is not None:
        if baseline not in model.course_ids:
            raise UsageError(f"unknown baseline course '{baseline}'; valid: "
                             f"{', '.join(model.course_ids)}")
        model.baseline = baseline
    if ablate is not None:
        if out is not None:
            raise UsageError("an ablated run is not stored in a run folder")
        model = ablate_mechanism(model, ablate)
    if resume and out is None:
        raise UsageError("--resume needs the run folder: --out FOLDER")
    if keep_draws and out is not None:
        raise UsageError("with a run folder the draws are stored in its Parquet files, not "
                         "kept in memory; read them with kennan.experiments.query")
    executor = executor if executor is not None else Executor()
    keep = (out is None and draws <= KEEP_DRAWS_LIMIT) if keep_draws is None else keep_draws
    # A remote cluster's memory is its own; locally every worker holds a chunk.
    in_flight = executor.workers if getattr(executor, "local", True) else 1
    limits.check_run_size(model, draws=draws, chunk_size=chunk_size, in_flight=in_flight,
                          keep_draws=bool(keep))
    plan = chunk_plan(draws, chunk_size)
    if path is None and (out is not None or executor.name != "local"):
        raise UsageError("a run on workers or into a run folder needs the scenario as a file; "
                         "this one was not read from a file")
    job = Job(scenario=str(path) if path is not None else loaded.origin,
              scenario_hash=digest or "", courses=tuple(model.course_ids),
              baseline=model.baseline, seed=seed,
              out=str(Path(out).resolve()) if out is not None else None, keep=keep,
              ablate=ablate, estimator=estimator)

    store = (RunStore.open(out, _spec(model, job, draws, chunk_size), resume=resume)
             if out is not None else None)
    summary = empty_summary(model)
    done = store.done if store is not None else {}
    for part in done.values():
        summary = summary.merge(part)
    if done and progress is not None:
        progress(summary.draws)
    tasks = [ChunkTask(i, s, n) for i, (s, n) in enumerate(plan) if i not in done]
    kept: dict[int, ChunkResult] = {}
    status = "failed"
    try:
        with contextlib.closing(executor.map_unordered(job, tasks, model=model)) as outputs:
            for output in outputs:
                summary = summary.merge(output.result())
                if keep and output.chunk is not None:
                    kept[output.index] = output.chunk
                if progress is not None:
                    progress(output.count)
        status = "complete"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if store is not None:
            if status == "complete":
                store.finish(summary)
            else:
                store.close(status)
    chunks = [kept[i] for i in sorted(kept)] if keep else None
    return Results.from_run(model, summary, seed=seed, chunks=chunks)


def open_results(folder: str | Path) -> Results:
    """The results of the complete run stored in run folder ``folder`` (summary only: the
    per-draw tables are in its Parquet files, see :mod:`.query`).

    The scenario is compiled again from the file the manifest names, which must
    still have the same sha256."""
    manifest = read_manifest(folder)
    if manifest.get("status") != "complete":
        raise UsageError(f"the run is not complete (status: {manifest.get('status')}); finish "
                         f"it with: kennan run --out {shlex.quote(str(folder))} --resume",
                         Location(str(folder)))
    scenario = Path(str(manifest["scenario"]))
    if not scenario.is_file() or file_hash(scenario) != manifest["scenario_sha256"]:
        raise UsageError(f"the scenario file the run was made from is missing or changed: "
                         f"{scenario}", Location(str(Path(folder) / "manifest.json")))
    model = build_model(load_scenario(scenario), list(manifest["courses"]))
    model.baseline = manifest["baseline"]
    results = Results.from_run(model, read_summary(folder), seed=int(manifest["seed"]),
                               chunks=None)
    results.folder = str(folder)  # draws_table() reads the folder's chunk files
    return results


def _scenario_source(scenario: str | Path | LoadedScenario
                     ) -> tuple[LoadedScenario, Path | None, str | None]:
    """The loaded scenario, its file (absolute) and the sha256 of the file's bytes."""
    if isinstance(scenario, LoadedScenario):
        path = Path(scenario.doc.file)
        if not path.is_file():
            return scenario, None, None
        return scenario, path.resolve(), file_hash(path)
    path = resolve_scenario_path(scenario)
    loaded = load_scenario(path)
    return loaded, path.resolve(), file_hash(path)


def _spec(model: Model, job: Job, draws: int, chunk_size: int) -> RunSpec:
    return RunSpec(
        scenario=job.scenario, scenario_id=model.scenario.id, scenario_sha256=job.scenario_hash,
        seed=job.seed, draws=draws, chunk_size=chunk_size, courses=job.courses,
        baseline=job.baseline, outcomes=tuple(o.id for o in model.outcomes),
        metrics=tuple(m.id for m in model.metrics),
        periods=tuple(d.isoformat() for d in model.periods))
