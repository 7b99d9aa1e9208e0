"""Run every course of action of a scenario over many draws, chunk by chunk; and run
designed experiments the same way.

Draws are numbered globally; a chunk is a contiguous range of them. Since every
random number depends only on the root seed and the draw's index (see
:mod:`kennan.engine.streams`) and summaries merge exactly, results are
bit-identical for any chunk size and any executor (:mod:`.executors`). With a
run folder (:mod:`.store`) every chunk is stored as it finishes and a stopped
run resumes where it stopped: :func:`settings` fills the options a resumed run was
not given from its folder.

:func:`run_design` is the one path of every analysis's designed experiment (Saltelli,
Morris, Latin hypercube, replications): its rows go in chunks through the same
executors (:mod:`.design_chunks`), on a :class:`~.study.Study` compiled once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shlex
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kennan.arguments import whole
from kennan.defaults import CHUNK_SIZE, DEFAULT_SCENARIO, DRAWS, KEEP_DRAWS_LIMIT, SEED
from kennan.engine.ablation import ablate as ablate_mechanism
from kennan.engine.model import Model, build_model
from kennan.engine.simulate import ESTIMATORS, ChunkResult
from kennan.errors import Location, UsageError
from kennan.experiments import limits
from kennan.experiments.chunkfiles import DOUBLE, PRECISIONS
from kennan.experiments.chunks import ChunkTask, Job, file_hash, summarise
from kennan.experiments.design_chunks import DesignJob, DesignTask, Extract, concatenate
from kennan.experiments.executors import Executor
from kennan.experiments.results import Results
from kennan.experiments.store import (
    RunSpec,
    RunStore,
    check_resumable,
    read_manifest,
    read_summary,
    resume_settings,
)
from kennan.experiments.study import Study
from kennan.experiments.summary import Summary
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import load_scenario

DEFAULT_DRAWS = DRAWS
DEFAULT_CHUNK = CHUNK_SIZE

__all__ = ["DEFAULT_CHUNK", "DEFAULT_DRAWS", "KEEP_DRAWS_LIMIT", "balanced_chunk", "chunk_plan",
           "empty_summary",
           "open_results", "resume_command", "run", "run_design", "settings", "summarise"]


def chunk_plan(draws: int, chunk_size: int) -> list[tuple[int, int]]:
    """(start, count) of each chunk covering draws 0 .. draws-1."""
    if draws < 1:
        raise UsageError(f"draws must be at least 1, got {draws}")
    if chunk_size < 1:
        raise UsageError(f"chunk size must be at least 1, got {chunk_size}")
    return [(s, min(chunk_size, draws - s)) for s in range(0, draws, chunk_size)]


def balanced_chunk(count: int, chunk_size: int, workers: int) -> int:
    """The chunk size to run ``count`` draws with on ``workers`` workers: ``chunk_size``,
    or less when that would leave a worker idle (a chunk's numbers never depend on it)."""
    return max(1, min(chunk_size, -(-count // max(workers, 1))))


def empty_summary(model: Model) -> Summary:
    """A summary of no draws with the model's courses, outcomes, metrics and records."""
    records = [f"{o.id}.{name}" for o in model.outcomes for name, _ in o.record]
    return Summary.empty(model.course_ids, [o.id for o in model.outcomes],
                         [m.id for m in model.metrics], records, model.horizon,
                         model.course_ids.index(model.baseline),
                         [h.id for h in model.hypotheses], value=model.has_worth)


def settings(*, scenario: str | Path | None = None, draws: int | None = None,
             seed: int | None = None, chunk_size: int | None = None,
             courses: Iterable[str] | None = None, baseline: str | None = None,
             out: str | Path | None = None, resume: bool = False,
             precision: str | None = None) -> dict[str, Any]:
    """A run's options: those given, then (when resuming) those the run folder ``out``
    records, then the defaults (:mod:`kennan.defaults`). A folder with no run to resume,
    or a precision that is not one of :data:`~.chunkfiles.PRECISIONS` (or not ``double``
    without a run folder), is refused before anything else."""
    if precision is not None and precision not in PRECISIONS:
        raise UsageError(f"unknown precision '{precision}'; valid: {', '.join(PRECISIONS)}")
    if precision not in (None, DOUBLE) and out is None:
        raise UsageError(f"--precision {precision} is how a run folder stores its floats: "
                         "add --out FOLDER")
    given = {"scenario": scenario, "draws": draws, "seed": seed, "chunk_size": chunk_size,
             "courses": None if courses is None else limits.course_ids(courses),
             "baseline": baseline, "precision": precision}
    if resume and out is not None:
        check_resumable(out)
    stored = resume_settings(out) if (resume and out is not None) else None
    defaults = stored or {"scenario": DEFAULT_SCENARIO, "draws": DRAWS, "seed": SEED,
                          "chunk_size": CHUNK_SIZE, "courses": None, "baseline": None,
                          "precision": DOUBLE}
    return {k: v if v is not None else defaults[k] for k, v in given.items()}


def resume_command(options: dict[str, Any], out: str | Path) -> str:
    """The ``kennan run`` command line that finishes the run of ``options`` (as
    :func:`settings` gives them) stored in ``out``."""
    parts = ["kennan", "run", str(options["scenario"]), "--draws", str(options["draws"]),
             "--seed", str(options["seed"]), "--chunk-size", str(options["chunk_size"])]
    if options.get("courses"):
        parts += ["--courses", ",".join(options["courses"])]
    if options.get("baseline"):
        parts += ["--baseline", options["baseline"]]
    if options.get("precision", DOUBLE) != DOUBLE:
        parts += ["--precision", options["precision"]]
    parts += ["--out", str(out), "--resume"]
    return " ".join(shlex.quote(p) for p in parts)


def run(
    scenario: str | Path | LoadedScenario | Study | None = None,
    *,
    draws: int | None = None,
    seed: int | None = None,
    chunk_size: int | None = None,
    courses: Iterable[str] | None = None,
    baseline: str | None = None,
    keep_draws: bool | None = None,
    progress: Callable[[int], Any] | None = None,
    executor: Executor | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    ablate: str | None = None,
    estimator: str = "conditional",
    precision: str | None = None,
    pooled_only: bool = False,
) -> Results:
    """Simulate ``draws`` draws of every course (or ``courses``) of ``scenario``.

    ``scenario`` is a name, a file, a loaded scenario or a :class:`~.study.Study` (whose
    compiled model, executor, chunk size and progress are then used). Options left None
    take the run folder's when resuming, else the defaults (:func:`settings`).
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
    ``precision`` is how the run folder stores its float columns: ``double`` (the
    engine's values, the default) or ``single`` (float32, rounded to nearest); the
    summary is of the engine's values either way.
    ``pooled_only`` runs each competing hypothesis only on the draws that follow it: the
    pooled results are the same, bit for bit, for less work, and ``hypotheses`` then hold
    each reading's results on its own draws only (not stored in a run folder).
    """
    if estimator not in ESTIMATORS:
        raise UsageError(f"unknown estimator '{estimator}'; valid: {', '.join(ESTIMATORS)}")
    if estimator != "conditional" and out is not None:
        raise UsageError("a run folder stores runs of the conditional estimator; drop --out "
                         "or --estimator")
    if resume and out is None:
        raise UsageError("--resume needs the run folder: --out FOLDER")
    if pooled_only and out is not None:
        raise UsageError("a run folder stores every reading on every draw; drop pooled_only")
    study = scenario if isinstance(scenario, Study) else None
    chosen = settings(scenario=None if study is not None else scenario, draws=draws, seed=seed,
                      chunk_size=chunk_size if chunk_size is not None else
                      (study.chunk_size if study is not None else None),
                      courses=courses, baseline=baseline, out=out, resume=resume,
                      precision=precision)
    # The same checks, and messages, as the command line's options.
    draws = whole("draws", chosen["draws"], least=1, most=limits.MAX_DRAWS)
    seed = whole("seed", chosen["seed"], least=0, most=limits.MAX_SEED)
    chunk_size = whole("chunk_size", chosen["chunk_size"], least=1)
    courses, baseline, precision = chosen["courses"], chosen["baseline"], chosen["precision"]
    if study is None:
        study = Study.open(chosen["scenario"], courses=courses)
        model = study.model
    elif courses is None:
        model = study.model
    else:
        study.check_courses(*courses)
        # In the study's order, as a compilation of these courses would give.
        model = study.course_model([c for c in study.course_ids if c in courses])
    executor = executor or study.executor
    progress = progress or study.progress
    if baseline is not None:
        if baseline not in model.course_ids:
            raise UsageError(f"unknown baseline course '{baseline}'; valid: "
                             f"{', '.join(model.course_ids)}")
        if baseline != model.baseline:
            model = _with_baseline(model, baseline)
    if ablate is not None:
        if out is not None:
            raise UsageError("an ablated run is not stored in a run folder")
        model = ablate_mechanism(model, ablate)
    if keep_draws and out is not None:
        raise UsageError("with a run folder the draws are stored in its Parquet files, not "
                         "kept in memory; read them with kennan.experiments.query")
    keep = (out is None and draws <= KEEP_DRAWS_LIMIT) if keep_draws is None else keep_draws
    # A remote cluster's memory is its own; locally every worker holds a chunk.
    in_flight = executor.workers if getattr(executor, "local", True) else 1
    limits.check_run_size(model, draws=draws, chunk_size=chunk_size, in_flight=in_flight,
                          keep_draws=bool(keep))
    # Without a run folder the chunking is invisible (same numbers): split the draws so
    # that every worker has a share. A run folder keeps the chunk size it records.
    plan = chunk_plan(draws, chunk_size if out is not None else
                      balanced_chunk(draws, chunk_size, executor.workers))
    job = _job(study, executor, courses=model.course_ids, baseline=model.baseline, seed=seed,
               out=out, keep=keep, ablate=ablate, estimator=estimator, precision=precision,
               pooled_only=bool(pooled_only))

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


def run_design(study: Study, *, count: int, seed: int, extract: Extract,
               courses: Sequence[str] | None = None, names: Sequence[str] = (),
               sample: np.ndarray | None = None, judgment_draws: np.ndarray | None = None,
               draws: np.ndarray | None = None, evidence: Any = None,
               watch: tuple[str, ...] = (), watch_course: int = 0,
               estimator: str | None = "conditional") -> Any:
    """Simulate ``count`` design rows of ``courses`` (default: the study's, in the order
    given) through the study's executor; returns what ``extract`` keeps of each chunk,
    joined along the last axis in row order.

    Each row's judgments are the uniforms of its row of ``sample`` for the judgments
    ``names`` (the others held at 0.5), else the judgment streams of the draw
    ``judgment_draws`` names, else its own draw's; its chance streams are those of the
    global draw ``draws`` names (default: the row's number). ``evidence``, ``watch``,
    ``watch_course`` (an index into ``courses``) and ``estimator`` are
    :func:`~kennan.engine.simulate.simulate`'s. Progress is reported per chunk."""
    count = whole("design rows", count, least=1)
    for name, rows in (("sample", sample), ("judgment_draws", judgment_draws),
                       ("draws", draws)):
        if rows is not None and len(rows) != count:
            raise ValueError(f"{name} has {len(rows)} rows, expected {count}")
    selected = list(courses) if courses is not None else study.course_ids
    study.check_courses(*selected)
    executor = study.executor
    job = DesignJob(_job(study, executor, courses=study.course_ids,
                         baseline=study.model.baseline, seed=seed),
                    tuple(selected), tuple(names), extract, evidence, tuple(watch),
                    watch_course, estimator)

    def part(a: np.ndarray | None, s: int, n: int) -> np.ndarray | None:
        return None if a is None else np.ascontiguousarray(a[s:s + n])

    tasks = (DesignTask(i, s, n, part(sample, s, n), part(judgment_draws, s, n),
                        part(draws, s, n))
             for i, (s, n) in enumerate(chunk_plan(count, balanced_chunk(
                 count, study.chunk_size, executor.workers))))
    parts: dict[int, Any] = {}
    with contextlib.closing(executor.map_unordered(job, tasks, model=study.model)) as outputs:
        for output in outputs:
            parts[output.index] = output.result()
            if study.progress is not None:
                study.progress(output.count)
    return concatenate([parts[i] for i in sorted(parts)])


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


def _job(study: Study, executor: Executor, *, courses: Sequence[str], baseline: str,
         seed: int, out: str | Path | None = None, keep: bool = False,
         ablate: str | None = None, estimator: str = "conditional",
         precision: str = DOUBLE, pooled_only: bool = False) -> Job:
    """What every chunk of a run (or of a design) of ``study`` shares."""
    if study.path is None and (out is not None or executor.name != "local"):
        raise UsageError("a run on workers or into a run folder needs the scenario as a file; "
                         "this one was not read from a file")
    return Job(scenario=str(study.path) if study.path is not None else study.loaded.origin,
               scenario_hash=study.digest or "", courses=tuple(courses), baseline=baseline,
               seed=seed, out=str(Path(out).resolve()) if out is not None else None,
               keep=keep, ablate=ablate, estimator=estimator, precision=precision,
               pooled_only=pooled_only)


def _with_baseline(model: Model, baseline: str) -> Model:
    """``model`` with another baseline (a copy: a study's model is shared)."""
    return dataclasses.replace(model, baseline=baseline)


def _spec(model: Model, job: Job, draws: int, chunk_size: int) -> RunSpec:
    return RunSpec(
        scenario=job.scenario, scenario_id=model.scenario.id, scenario_sha256=job.scenario_hash,
        seed=job.seed, draws=draws, chunk_size=chunk_size, courses=job.courses,
        baseline=job.baseline, outcomes=tuple(o.id for o in model.outcomes),
        metrics=tuple(m.id for m in model.metrics),
        periods=tuple(d.isoformat() for d in model.periods), precision=job.precision)
