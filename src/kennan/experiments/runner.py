"""Run every course of action of a scenario over many draws, chunk by chunk.

Draws are numbered globally; a chunk is a contiguous range of them. Since every
random number depends only on the root seed and the draw's index (see
:mod:`kennan.engine.streams`) and summaries merge exactly, results are
bit-identical for any chunk size and any executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kennan.engine.model import Model, build_model
from kennan.engine.simulate import ChunkResult, simulate
from kennan.errors import UsageError
from kennan.experiments.results import Results
from kennan.experiments.summary import Summary
from kennan.scenario.loading import LoadedScenario

DEFAULT_DRAWS = 10_000
DEFAULT_CHUNK = 16_384
#: Keep per-draw results in memory by default up to this many draws.
KEEP_DRAWS_LIMIT = 200_000


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
                         model.course_ids.index(model.baseline))


def summarise(model: Model, chunk: ChunkResult) -> Summary:
    """The summary of one chunk."""
    return Summary.of_chunk(chunk, [o.id for o in model.outcomes], model.horizon,
                            model.course_ids.index(model.baseline))


def run(
    scenario: str | LoadedScenario,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    chunk_size: int = DEFAULT_CHUNK,
    courses: Iterable[str] | None = None,
    baseline: str | None = None,
    keep_draws: bool | None = None,
    progress: Callable[[int], Any] | None = None,
) -> Results:
    """Simulate ``draws`` draws of every course (or ``courses``) of ``scenario``.

    ``baseline`` names the course paired differences are taken against (default:
    the scenario's ``baseline``, else the first course). Per-draw results are
    kept in memory when ``keep_draws`` is true (default: up to 200,000 draws).
    ``progress`` is called with the number of draws finished after each chunk.
    """
    model = build_model(scenario, list(courses) if courses is not None else None)
    if baseline is not None:
        if baseline not in model.course_ids:
            raise UsageError(f"unknown baseline course '{baseline}'; valid: "
                             f"{', '.join(model.course_ids)}")
        model.baseline = baseline
    keep = draws <= KEEP_DRAWS_LIMIT if keep_draws is None else keep_draws
    summary = empty_summary(model)
    kept: list[ChunkResult] = []
    for chunk in iterate_chunks(model, draws=draws, seed=seed, chunk_size=chunk_size):
        summary = summary.merge(summarise(model, chunk))
        if keep:
            kept.append(chunk)
        if progress is not None:
            progress(chunk.count)
    return Results.from_run(model, summary, seed=seed, chunks=kept if keep else None)


def iterate_chunks(model: Model, *, draws: int, seed: int, chunk_size: int
                   ) -> Iterator[ChunkResult]:
    """Simulate the chunks of a run in order, in this process."""
    for start, count in chunk_plan(draws, chunk_size):
        yield simulate(model, start=start, count=count, seed=seed)

