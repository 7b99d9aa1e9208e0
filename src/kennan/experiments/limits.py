"""How much work a command may take on, checked before it starts.

A run's or an analysis's size is known before any draw is made: draws, chunk
size, courses, periods and judgments give the memory a chunk needs and the
number of chunks; a design's rows and columns give its matrix. Work that could
not fit in this machine's memory is refused at once with a message naming the
limit and the way past it, instead of ending, minutes or hours later, in a
MemoryError. The same checks serve the command line and the Python API, so both
say the same thing (:func:`kennan.arguments.whole`, :func:`course_ids`).

The estimates are deliberately rough (a few arrays per state variable, event,
outcome and metric per course of a draw, measured on the built-in scenario) and
err on the large side; ``MEMORY_SHARE`` of the memory available when the
command starts is what one command may plan to use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psutil

from kennan.arguments import show_value
from kennan.errors import UsageError

#: Seeds are 64-bit: the streams hash the seed's decimal text with a 64-bit key.
MAX_SEED = 2**63 - 1
#: Draws of one run: counts and draw indices stay exact in 64-bit integers and floats.
MAX_DRAWS = 10**12
#: Chunks of one run: the plan of a run, and the resume check, go over every chunk.
MAX_CHUNKS = 1_000_000
#: Share of the memory available at the start that one command may plan to use.
MEMORY_SHARE = 0.5
#: Bytes held per (draw, course, state variable/event/outcome/metric) while a chunk runs:
#: measured on korea-1952 (about 6 KB a draw), rounded up.
_BYTES_PER_CELL = 8 * 4


def course_ids(courses: Iterable[str] | str | None) -> list[str] | None:
    """Course ids as a list (None: every course); text, an empty list or ids that are
    not text are refused, as ``--courses`` refuses them."""
    if courses is None:
        return None
    if isinstance(courses, str):
        raise UsageError(f"courses must be a list of course ids, got the text "
                         f"{show_value(courses)}; write courses=[{show_value(courses)}]")
    try:
        ids = list(courses)
    except TypeError:
        raise UsageError(
            f"courses must be a list of course ids, got {show_value(courses)}") from None
    if not ids:
        raise UsageError("courses must name at least one course (leave it out for every course)")
    bad = [c for c in ids if not isinstance(c, str)]
    if bad:
        raise UsageError(f"courses must be course ids (text), got {show_value(bad[0])}")
    return ids


def available_memory() -> int:
    """Bytes of memory available to a new allocation now (free plus reclaimable cache)."""
    return int(psutil.virtual_memory().available)


def memory_budget() -> int:
    """Bytes one command may plan to use: :data:`MEMORY_SHARE` of what is available."""
    return int(available_memory() * MEMORY_SHARE)


def chunk_bytes(model: Any, draws: int) -> int:
    """About the peak memory of simulating ``draws`` draws of ``model`` in one chunk."""
    width = (len(model.stocks) + len(model.derived) + len(model.decisions) + len(model.events)
             + len(model.outcomes) + len(model.metrics) + 4)
    per_draw = 8 * len(model.judgments) + _BYTES_PER_CELL * len(model.course_ids) * (
        width + len(model.periods)) + _mass_bytes(model)
    return draws * per_draw


def _mass_bytes(model: Any) -> int:
    """Bytes per draw of the conditional probabilities (float32, outcome x course x period)."""
    return 4 * len(model.outcomes) * len(model.course_ids) * len(model.periods)


def check_run_size(model: Any, *, draws: int, chunk_size: int, in_flight: int = 1,
                   keep_draws: bool = False) -> None:
    """Refuse a run whose chunk plan or memory could not work out on this machine."""
    chunks = -(-draws // chunk_size)
    if chunks > MAX_CHUNKS:
        raise UsageError(
            f"{draws:,} draws in chunks of {chunk_size:,} make {chunks:,} chunks; the limit is "
            f"{MAX_CHUNKS:,} chunks a run: raise --chunk-size (as far as memory allows), or "
            "split the work into several runs (different --seed values), each with --out, "
            "on a cluster if need be (--backend dask --scheduler ADDRESS)")
    need = chunk_bytes(model, min(chunk_size, draws)) * max(1, in_flight)
    if keep_draws:
        need += draws * (8 * (len(model.judgments) + len(model.course_ids) * (
            4 + len(model.metrics) + len(model.outcomes))) + _mass_bytes(model))
    budget = memory_budget()
    if need > budget:
        per_chunk = chunk_bytes(model, 1) * max(1, in_flight)
        fits = max(1, budget // max(1, per_chunk))
        what = "keeping every draw in memory" if keep_draws else \
            f"{in_flight} chunk(s) of {min(chunk_size, draws):,} draws at a time"
        raise UsageError(
            f"this run needs about {_gb(need)} of memory ({what}); the limit is {_gb(budget)} "
            f"({MEMORY_SHARE:.0%} of the {_gb(available_memory())} available): use a smaller "
            f"--chunk-size (at most about {fits:,} here)"
            + (", store the draws with --out instead of keeping them" if keep_draws else "")
            + ", fewer --workers, or a cluster (--backend dask --scheduler ADDRESS)")


def check_design_size(model: Any, *, rows: int, columns: int, what: str, option: str) -> None:
    """Refuse a design of ``rows`` judgment vectors (``columns`` judgments each) whose
    matrices would not fit in memory; ``option`` names what to lower."""
    need = rows * 8 * (2 * columns + len(model.judgments) + 4)
    budget = memory_budget()
    if need > budget:
        raise UsageError(
            f"{what} needs {rows:,} model evaluations, about {_gb(need)} of memory for the "
            f"design alone; the limit is {_gb(budget)} ({MEMORY_SHARE:.0%} of the "
            f"{_gb(available_memory())} available): lower {option}, or vary fewer judgments "
            "(--judgments)")


def _gb(n: int) -> str:
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 / 10 else f"{n / 2**20:,.0f} MB"
