"""The chunk function of a designed experiment, run by the same executors as a run.

A designed experiment (Saltelli, Morris, a Latin hypercube, replications of chance,
histories under evidence) is a list of rows. Each row gives the judgments (the
uniforms of a design's sample, or the judgment streams of some draw) and the global
draw whose chance streams the row uses; rows that must share their chance (Saltelli's
A and AB matrices) name the same draw. A :class:`DesignJob` is what all chunks of one
experiment share, a :class:`DesignTask` one chunk of rows. A worker compiles the
study's scenario once (the same model a run of the study uses), selects the courses,
simulates the rows and sends back only what the job's ``extract`` keeps.

Since every random number depends only on the seed and the draw index, and every row
is simulated by itself, a row's numbers do not depend on the chunk it fell in, the
chunk size, the executor or the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kennan.engine.evidence import Evidence
from kennan.engine.model import select_courses
from kennan.engine.simulate import ChunkResult, simulate
from kennan.engine.streams import Streams
from kennan.errors import KennanError, Problem
from kennan.experiments.chunks import ChunkRunner, ChunkTask, Job
from kennan.experiments.designs import full_uniforms

#: What a design keeps of each chunk: an array whose last axis is the chunk's rows, or a
#: dict of such arrays. It must pickle (a module-level function, or a bound method of a
#: plain dataclass) to reach worker processes.
Extract = Callable[[ChunkResult], Any]


@dataclass(frozen=True)
class DesignJob:
    """What every chunk of one designed experiment shares (picklable)."""

    job: Job  # the study's scenario file, hash, compiled courses, baseline and seed
    courses: tuple[str, ...]  # the courses simulated, in the order values come back
    names: tuple[str, ...]  # the judgments a task's ``sample`` columns give
    extract: Extract
    evidence: Evidence | None = None
    watch: tuple[str, ...] = ()
    watch_course: int = 0  # index into ``courses``
    estimator: str | None = "conditional"  # None: the engine's default (sampled with evidence)


@dataclass(frozen=True)
class DesignTask:
    """Rows ``start .. start+count-1`` of a design.

    ``sample`` (``(count, len(names))``) gives the uniforms of the varied judgments
    (the others stay at 0.5); else ``judgment_draws`` names the draw whose judgment
    streams each row takes; else each row takes its own draw's. ``draws`` is the
    global draw whose chance streams each row uses (default: the row's number)."""

    index: int
    start: int
    count: int
    sample: np.ndarray | None = None
    judgment_draws: np.ndarray | None = None
    draws: np.ndarray | None = None


@dataclass
class DesignOutput:
    """What comes back from one chunk of a design: the extracted values, or the problems."""

    index: int
    start: int
    count: int
    values: Any = None
    error: tuple[type[KennanError], list[Problem]] | None = None

    def result(self) -> Any:
        """The extracted values, or the chunk's error raised again."""
        if self.error is not None:
            kind, problems = self.error
            raise kind(problems)
        return self.values


def execute(runner: ChunkRunner, job: Job | DesignJob, task: ChunkTask | DesignTask) -> Any:
    """Run one chunk of a run or of a design: what every executor's worker calls."""
    if isinstance(job, DesignJob):
        return run_design_chunk(runner, job, task)  # type: ignore[arg-type]
    return runner(job, task)  # type: ignore[arg-type]


def run_design_chunk(runner: ChunkRunner, job: DesignJob, task: DesignTask) -> DesignOutput:
    """Simulate one chunk of a design's rows and extract what the job keeps."""
    out = DesignOutput(task.index, task.start, task.count)
    try:
        model = select_courses(runner.model(job.job), job.courses)
        if task.sample is not None:
            uniforms = full_uniforms(model, job.names, task.sample)
        elif task.judgment_draws is not None:
            streams = Streams(job.job.seed, np.asarray(task.judgment_draws, dtype=np.uint64))
            uniforms = (np.column_stack([streams(f"judgment:{jid}") for jid, _ in
                                         model.judgments]) if model.judgments
                        else np.zeros((task.count, 0)))
        else:
            uniforms = None
        draws = (np.arange(task.start, task.start + task.count, dtype=np.uint64)
                 if task.draws is None else task.draws)
        chunk = simulate(model, start=task.start, count=task.count, seed=job.job.seed,
                         judgment_uniforms=uniforms, draw_index=draws, evidence=job.evidence,
                         watch=job.watch, watch_course=job.watch_course,
                         estimator=job.estimator)
        out.values = job.extract(chunk)
    except KennanError as exc:
        out.error = (type(exc), exc.problems)
    return out


def concatenate(parts: list[Any]) -> Any:
    """Chunks' extracted values joined along their last axis (each key of a dict)."""
    if isinstance(parts[0], dict):
        return {k: np.concatenate([p[k] for p in parts], axis=-1) for k in parts[0]}
    return np.concatenate([np.asarray(p) for p in parts], axis=-1)
