"""The one chunk function every executor runs, and what travels to and from it.

A run is a :class:`Job` (what all its chunks share: the scenario file and its
hash, the courses, the seed, the run folder) and a list of :class:`ChunkTask`
(which draws). :class:`ChunkRunner` turns a task into a :class:`ChunkOutput`:
it simulates the draws, summarises them, writes the chunk file when the job has
a run folder, and sends back the summary (and the per-draw arrays only when the
caller keeps them). A runner builds each job's model once and keeps it, so a
worker that runs many chunks compiles the scenario once.

Errors a user can cause (a NaN in an expression, a full disk) come back as data
inside the output rather than as exceptions, so they cross process and network
boundaries with their file:line locations intact.
"""

from __future__ import annotations

import errno
import hashlib
from dataclasses import dataclass
from pathlib import Path

from kennan.engine.ablation import ablate
from kennan.engine.model import Model, build_model
from kennan.engine.simulate import ChunkResult, simulate
from kennan.errors import KennanError, Location, Problem, SimulationError
from kennan.experiments.store import write_chunk
from kennan.experiments.summary import Summary
from kennan.safeio import read_regular
from kennan.scenario.loading import load_scenario_text
from kennan.scenario.yamlsource import MAX_BYTES

#: How many compiled models a runner keeps (one per job; a worker rarely sees two).
MODELS_KEPT = 2


@dataclass(frozen=True)
class Job:
    """What every chunk of one run shares. Small and picklable: it travels with each task."""

    scenario: str  # path of the scenario file
    scenario_hash: str  # sha256 of its bytes, checked by every worker
    courses: tuple[str, ...]
    baseline: str
    seed: int
    out: str | None = None  # run folder: each chunk writes its own file there
    keep: bool = False  # send per-draw arrays back to the caller
    ablate: str | None = None  # a mechanism switched off (see kennan.engine.ablation)
    estimator: str = "conditional"  # of the outcomes (see kennan.engine.simulate)
    precision: str = "double"  # of the run folder's float columns (see .chunkfiles)
    pooled_only: bool = False  # each reading on its own draws (kennan.engine.hypotheses)


@dataclass(frozen=True)
class ChunkTask:
    """Chunk ``index`` of a run: global draws ``start .. start+count-1``."""

    index: int
    start: int
    count: int


@dataclass
class ChunkOutput:
    """What comes back from a chunk: its summary, or the problems that stopped it."""

    index: int
    start: int
    count: int
    summary: Summary | None = None
    chunk: ChunkResult | None = None
    error: tuple[type[KennanError], list[Problem]] | None = None

    def result(self) -> Summary:
        """The chunk's summary, or its error raised again as the kind it was raised as."""
        if self.error is not None:
            kind, problems = self.error
            raise kind(problems)
        if self.summary is None:
            raise RuntimeError(f"chunk {self.index} came back without a summary")
        return self.summary


def file_hash(path: str | Path) -> str:
    """sha256 of a file's bytes, in hex."""
    return hashlib.sha256(_scenario_bytes(Path(path))).hexdigest()


def _scenario_bytes(path: Path) -> bytes:
    # As the scenario loader reads it: a regular file, at most its size limit (a file
    # swapped for a device or a FIFO after loading cannot make this read without end).
    raw = read_regular(path, max_bytes=MAX_BYTES)
    if len(raw) > MAX_BYTES:
        raise OSError(errno.EFBIG, f"the scenario file is larger than {MAX_BYTES:,} bytes")
    return raw


def summarise(model: Model, chunk: ChunkResult) -> Summary:
    """The summary of one chunk."""
    return Summary.of_chunk(chunk, [o.id for o in model.outcomes], model.horizon,
                            model.course_ids.index(model.baseline))


def build_job_model(job: Job) -> Model:
    """Compile the job's scenario, refusing a file that changed since the run began."""
    path = Path(job.scenario)
    try:
        raw = _scenario_bytes(path)
    except OSError as exc:
        raise SimulationError(f"cannot read the scenario file: {exc.strerror}; a worker must "
                              f"see the same file as the machine that started the run",
                              _where(job)) from None
    if hashlib.sha256(raw).hexdigest() != job.scenario_hash:
        raise SimulationError("the scenario file changed while the run was going on (its "
                              "sha256 differs from the one the run started with); restore it or "
                              "start a new run", _where(job))
    model = build_model(load_scenario_text(raw.decode("utf-8-sig"), str(path)),
                        list(job.courses))
    model.baseline = job.baseline
    if job.ablate is not None:
        model = ablate(model, job.ablate)
    return model


class ChunkRunner:
    """Runs chunks, compiling each job's scenario once and keeping the model."""

    def __init__(self) -> None:
        self._models: dict[Job, Model] = {}

    def add(self, job: Job, model: Model) -> None:
        """Use an already compiled ``model`` for ``job``'s chunks."""
        self._models[_model_key(job)] = model
        while len(self._models) > MODELS_KEPT:
            self._models.pop(next(iter(self._models)))

    def model(self, job: Job) -> Model:
        """The compiled model of ``job``."""
        key = _model_key(job)
        if key not in self._models:
            self.add(job, build_job_model(job))
        return self._models[key]

    def __call__(self, job: Job, task: ChunkTask) -> ChunkOutput:
        """Simulate, summarise and (with a run folder) store one chunk."""
        out = ChunkOutput(task.index, task.start, task.count)
        try:
            model = self.model(job)
            chunk = simulate(model, start=task.start, count=task.count, seed=job.seed,
                             estimator=job.estimator, pooled_only=job.pooled_only)
            out.summary = summarise(model, chunk)
            if job.out is not None:
                write_chunk(job.out, task.index, chunk, out.summary,
                            [o.id for o in model.outcomes], seed=job.seed,
                            precision=job.precision)
            if job.keep:
                out.chunk = chunk
        except KennanError as exc:
            out.error = (type(exc), exc.problems)
            out.summary = out.chunk = None
        return out


def _model_key(job: Job) -> Job:
    # The model depends on the scenario and the courses, not on the seed or the folder.
    return Job(job.scenario, job.scenario_hash, job.courses, job.baseline, 0,
               ablate=job.ablate)


def _where(job: Job) -> Location:
    return Location(job.scenario)
