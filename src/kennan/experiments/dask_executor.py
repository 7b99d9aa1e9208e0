"""Chunks as tasks on Dask distributed: a local cluster, or any scheduler by address.

Each worker holds a :class:`~kennan.experiments.chunks.ChunkRunner` in a worker
plugin (Dask's place for per-worker state), so it compiles the scenario once per
run. Workers read the scenario file by its path and, with a run folder, write
chunk files there themselves: on a cluster of several machines both paths must
be on a file system every worker sees, and kennan must be installed on every
worker.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator

from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

from kennan.engine.model import Model
from kennan.errors import SimulationError
from kennan.experiments.chunks import ChunkOutput, ChunkRunner, ChunkTask, Job
from kennan.experiments.design_chunks import DesignJob, DesignOutput, DesignTask, execute
from kennan.experiments.executors import (
    IN_FLIGHT_PER_WORKER,
    Executor,
    check_workers,
    sigint_ignored,
    tune_allocator,
)

PLUGIN = "kennan-chunk-runner"
#: Seconds to wait for an existing scheduler to answer.
CONNECT_TIMEOUT = 20


class RunnerPlugin(WorkerPlugin):
    """Gives each Dask worker its own chunk runner when it starts."""

    def setup(self, worker: object) -> None:
        """Create the worker's runner."""
        tune_allocator()
        self.runner = ChunkRunner()


class DaskExecutor(Executor):
    """Runs chunks on a Dask cluster: a LocalCluster of ``workers`` single-threaded
    processes, or the existing scheduler at ``scheduler`` (``tcp://host:8786``)."""

    name = "dask"

    def __init__(self, workers: int | None = None, *, scheduler: str | None = None):
        self.scheduler = scheduler
        #: Whether the workers share this machine's memory (a local cluster).
        self.local = scheduler is None
        self.workers = check_workers(workers, cap=self.local)
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None

    def client(self) -> Client:
        """The Dask client, starting the local cluster or connecting on first use."""
        if self._client is None:
            try:
                if self.scheduler is not None:
                    self._client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
                else:
                    with sigint_ignored():
                        self._cluster = LocalCluster(
                            n_workers=self.workers, threads_per_worker=1, processes=True,
                            dashboard_address=None, silence_logs=logging.ERROR)
                    self._client = Client(self._cluster)
            except (OSError, TimeoutError) as exc:
                self.close()
                where = self.scheduler or "a local cluster"
                raise SimulationError(f"cannot start or reach the Dask scheduler ({where}): "
                                      f"{exc}") from None
            self._client.register_plugin(RunnerPlugin(), name=PLUGIN)
            if self.scheduler is not None:
                self.workers = max(1, len(self._client.scheduler_info()["workers"]))
        return self._client

    def map_unordered(self, job: Job | DesignJob, tasks: Iterable[ChunkTask | DesignTask], *,
                      model: Model | None = None) -> Iterator[ChunkOutput | DesignOutput]:
        """Submit ``tasks`` of ``job`` a few at a time; yield outputs as chunks finish."""
        client = self.client()
        todo = iter(tasks)
        running = as_completed()
        pending: set = set()

        def submit_more() -> None:
            for task in todo:
                future = client.submit(_run_on_dask_worker, job, task, pure=False)
                pending.add(future)
                running.add(future)
                if len(pending) >= self.workers * IN_FLIGHT_PER_WORKER:
                    break

        submit_more()
        try:
            for future in running:
                output = future.result()
                pending.discard(future)
                future.release()
                submit_more()
                yield output
        finally:
            running.clear()
            if pending:
                client.cancel(list(pending))

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this executor started one."""
        # A cluster stopped mid-task (Ctrl-C) logs the cancelled callbacks of its event
        # loop as errors with tracebacks; the run has already said what happened.
        with _quiet(_SHUTDOWN_LOGGERS):
            if self._client is not None:
                self._client.close()
                self._client = None
            if self._cluster is not None:
                self._cluster.close()
                self._cluster = None


_SHUTDOWN_LOGGERS = ("tornado.application", "tornado.general", "asyncio", "distributed")


@contextlib.contextmanager
def _quiet(names: tuple[str, ...]) -> Iterator[None]:
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _run_on_dask_worker(job: Job | DesignJob, task: ChunkTask | DesignTask
                        ) -> ChunkOutput | DesignOutput:
    plugin = get_worker().plugins[PLUGIN]
    return execute(plugin.runner, job, task)
