"""Where chunks run: in this process, in a pool of local processes, or on Dask.

Every executor runs the same function, :class:`~kennan.experiments.chunks.ChunkRunner`,
and yields :class:`~kennan.experiments.chunks.ChunkOutput` in the order chunks
finish. Since a chunk's numbers depend only on the seed and its draws, and
summaries merge exactly, the results do not depend on the executor, the number
of workers or the order. Executors keep only a few chunks in flight, so memory
stays bounded whatever the number of chunks. They are context managers: leaving
the ``with`` block stops their workers.

A worker compiles a scenario once per run and keeps the model in a runner
object created when the worker starts (the pool's initializer, or a Dask worker
plugin), not in module state.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

import numpy as np

from kennan.defaults import REPORT_WORKERS
from kennan.engine.model import Model
from kennan.errors import SimulationError, UsageError
from kennan.experiments.chunks import ChunkOutput, ChunkRunner, ChunkTask, Job
from kennan.experiments.design_chunks import DesignJob, DesignOutput, DesignTask, execute

BACKENDS = ("local", "processes", "dask")
#: Chunks in flight per worker: one running, one queued so a worker never waits.
IN_FLIGHT_PER_WORKER = 2
_RUNNER_ATTRIBUTE = "kennan_chunk_runner"
# glibc mallopt parameters, and the values tune_allocator sets.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD = 32 << 20  # the largest glibc accepts
_TRIM_THRESHOLD = 1 << 30


class Executor:
    """Runs chunks in this process, one after the other (the default)."""

    name = "local"
    workers = 1
    #: Whether the workers share this machine's memory.
    local = True

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers, if any."""

    def map_unordered(self, job: Job | DesignJob, tasks: Iterable[ChunkTask | DesignTask], *,
                      model: Model | None = None) -> Iterator[ChunkOutput | DesignOutput]:
        """Run ``tasks`` of ``job`` (a run's chunks, or a design's), yielding outputs as
        chunks finish.

        ``model`` is the run's compiled model when the caller has it (this process then
        uses it instead of compiling the scenario again)."""
        tune_allocator()
        runner = ChunkRunner()
        if model is not None:
            runner.add(job.job if isinstance(job, DesignJob) else job, model)
        for task in tasks:
            yield execute(runner, job, task)


LocalExecutor = Executor


class ProcessExecutor(Executor):
    """Runs chunks in a pool of ``workers`` local processes (started with spawn)."""

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = check_workers(workers)
        self._pool: ProcessPoolExecutor | None = None

    def map_unordered(self, job: Job | DesignJob, tasks: Iterable[ChunkTask | DesignTask], *,
                      model: Model | None = None) -> Iterator[ChunkOutput | DesignOutput]:
        """Run ``tasks`` of ``job`` on the pool, yielding outputs as chunks finish."""
        if self._pool is None:
            # spawn: workers start clean (no inherited threads or locks) on every platform.
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_process_worker)
        pool = self._pool
        pending: set[Future] = set()
        todo = iter(tasks)
        try:
            while True:
                for task in todo:
                    # submit() may spawn a worker: born with Ctrl-C ignored, it cannot be
                    # interrupted while it imports (before its initializer runs).
                    with sigint_ignored():
                        pending.add(pool.submit(_run_in_process_worker, job, task))
                    if len(pending) >= self.workers * IN_FLIGHT_PER_WORKER:
                        break
                if not pending:
                    return
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        except BrokenProcessPool:
            raise SimulationError("a worker process died (killed, or out of memory); the "
                                  "chunks already stored are kept: finish the run with "
                                  "--resume") from None
        finally:
            # Drop queued chunks; let running ones finish (and store their files) so no
            # worker is still writing once the caller releases the run folder.
            for future in pending:
                future.cancel()
            wait(pending)

    def close(self) -> None:
        """Let running chunks finish, drop queued ones, and stop the workers."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def make_executor(backend: str = "local", *, workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """The executor named ``backend`` (local, processes or dask).

    ``workers`` defaults to the number of CPUs; ``scheduler`` (dask only) is the
    address of an existing Dask scheduler, else a local cluster is started."""
    if backend not in BACKENDS:
        raise UsageError(f"unknown backend '{backend}'; valid: {', '.join(BACKENDS)}")
    if scheduler is not None and backend != "dask":
        raise UsageError(f"a scheduler address needs --backend dask, got --backend {backend}")
    if backend == "local":
        if workers not in (None, 1):
            raise UsageError(f"the local backend runs in this process: --workers must be 1, "
                             f"got {workers}; use --backend processes or dask for more")
        return Executor()
    if backend == "processes":
        return ProcessExecutor(workers)
    # Imported only when asked for: distributed adds about half a second to every start.
    from kennan.experiments.dask_executor import DaskExecutor

    return DaskExecutor(workers, scheduler=scheduler)


def report_executor(backend: str | None = None, *, workers: int | None = None,
                    scheduler: str | None = None) -> Executor:
    """The executor ``kennan report`` runs on: as :func:`make_executor`, except that with no
    backend named it is a pool of :data:`~kennan.defaults.REPORT_WORKERS` processes (at
    most the CPUs this process may use; this process alone on one CPU), and a pool's
    workers default to that number too."""
    if backend is None:
        backend = "dask" if scheduler is not None else None
    if backend in (None, "processes") and workers is None:
        workers = min(REPORT_WORKERS, default_workers())
    if backend is None:
        backend = "processes" if workers is not None and workers > 1 else "local"
        workers = None if backend == "local" else workers
    return make_executor(backend, workers=workers, scheduler=scheduler)


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: Local worker processes per CPU at most: each holds its own copy of the model and
#: its chunks in memory, and more processes than CPUs only take turns.
MAX_WORKERS_PER_CPU = 4


def check_workers(workers: int | None, *, cap: bool = True) -> int:
    """``workers``, checked, or the number of CPUs when None. With ``cap`` (workers on
    this machine) more than :data:`MAX_WORKERS_PER_CPU` per CPU are refused."""
    if workers is None:
        return default_workers()
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise UsageError(f"--workers must be a whole number, got {workers!r}")
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    most = MAX_WORKERS_PER_CPU * default_workers()
    if cap and workers > most:
        raise UsageError(f"--workers {workers:,} is more than this machine can use: the limit "
                         f"is {most} ({MAX_WORKERS_PER_CPU} per CPU, {default_workers()} "
                         "CPUs here); for more workers use a Dask cluster (--backend dask "
                         "--scheduler ADDRESS)")
    return workers


def tune_allocator() -> None:
    """Keep freed memory in the C heap instead of returning it to the system at once.

    The period loop allocates and frees arrays of a few hundred kilobytes to a few
    megabytes thousands of times per chunk. With glibc's defaults each is a fresh
    mmap whose pages fault in zeroed: a quarter of the run time goes to the kernel,
    and more when two workers fault at once. Serving them from the heap removes
    that cost for a few percent more resident memory. A no-op where the C library
    is not glibc.

    NumPy's advice to use transparent huge pages for its large arrays is turned off
    too: where the kernel compacts memory to find a huge page (``defrag`` set to
    ``madvise``), a block's first large arrays stalled for tenths of a second each,
    about 0.7 s per process on korea-1952, and later chunks ran no faster with them.
    """
    # A private NumPy switch (2.x: numpy._core, 1.x: numpy.core); without it, no-op.
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    switch = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    if switch is not None:
        switch(False)
    try:
        libc = ctypes.CDLL("libc.so.6")
        # Both together: setting the trim threshold alone turns the adaptive mmap
        # threshold off and makes things worse.
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    except (OSError, AttributeError):
        pass


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT in this process for the duration, so worker processes started meanwhile
    inherit it: Ctrl-C reaches the whole process group, and this process, not each worker,
    stops the run. A no-op outside the main thread, where handlers cannot be set."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_process_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent handles it and stops the pool;
    # workers finish the chunk they are on, so no traceback from each of them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tune_allocator()
    # The runner (and the models it compiles) lives on this worker's process object.
    setattr(multiprocessing.current_process(), _RUNNER_ATTRIBUTE, ChunkRunner())


def _run_in_process_worker(job: Job | DesignJob, task: ChunkTask | DesignTask
                           ) -> ChunkOutput | DesignOutput:
    runner: Any = getattr(multiprocessing.current_process(), _RUNNER_ATTRIBUTE)
    return execute(runner, job, task)
