"""``kennan run`` (simulate a scenario's courses of action) and ``kennan query`` (SQL over a
run folder)."""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from kennan import defaults as D
from kennan.cli.common import command, err_console, finite_json, print_tables
from kennan.defaults import DEFAULT_SCENARIO

#: Rows ``kennan query`` shows as a table before pointing to --format csv.
TABLE_ROWS = 100


class Backend(StrEnum):
    """Where chunks run."""

    local = "local"
    processes = "processes"
    dask = "dask"


class Format(StrEnum):
    """How ``kennan query`` prints its result."""

    table = "table"
    csv = "csv"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add ``run`` and ``query`` to ``app``."""
    command(app, "run")(run_scenario)
    command(app, "query")(query_folder)


def run_scenario(
    scenario: Annotated[str | None, typer.Argument(
        help=f"A built-in scenario name or a path to a .yaml file [default: "
             f"{DEFAULT_SCENARIO}].", show_default=False)] = None,
    draws: Annotated[int | None, typer.Option(
        "--draws", help=f"Draws per course of action [default: {D.DRAWS}].")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help=f"Root seed [default: {D.SEED}].")] = None,
    chunk_size: Annotated[int | None, typer.Option(
        "--chunk-size", help=f"Draws per chunk [default: {D.CHUNK_SIZE}].")] = None,
    courses: Annotated[str | None, typer.Option(
        "--courses", help="Comma-separated course ids [default: all].")] = None,
    baseline: Annotated[str | None, typer.Option(
        "--baseline", help="Course to take paired differences against [default: the "
                           "scenario's baseline].")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the JSON summary on stdout.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Run folder: a manifest and one Parquet file per chunk.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Finish the run held by --out, keeping its chunks.")] = False,
    backend: Annotated[Backend, typer.Option(
        "--backend", help="Where chunks run.")] = Backend.local,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Worker processes for processes/dask [default: CPUs].")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Address of an existing Dask scheduler (tcp://HOST:8786).")] = None,
    estimator: Annotated[str, typer.Option(
        "--estimator", help="conditional (hazards carried as probability) or sampled.")
    ] = "conditional",
    precision: Annotated[str | None, typer.Option(
        "--precision", help="How --out stores float columns: double (lossless) or single "
                            "(float32: about half the bytes, 7 significant digits) [default: "
                            "double; with --resume the folder's].", show_default=False)] = None,
) -> None:
    """Simulate every course of action of a scenario and print the summary table."""
    from kennan.experiments.executors import make_executor
    from kennan.experiments.runner import chunk_plan, resume_command, run, settings
    from kennan.experiments.store import stored_chunks

    options = settings(scenario=scenario, draws=draws, seed=seed, chunk_size=chunk_size,
                       courses=_split(courses), baseline=baseline, out=out, resume=resume,
                       precision=precision)
    show_bar = not as_json and err_console.is_terminal
    try:
        with make_executor(backend.value, workers=workers, scheduler=scheduler) as executor, \
                _progress_bar(options["draws"], show_bar) as advance:
            results = run(**options, out=out, resume=resume, executor=executor,
                          progress=advance, estimator=estimator)
    except KeyboardInterrupt:
        if out is None:
            err_console.print(Text("Interrupted; nothing was stored (with --out FOLDER "
                                   "finished chunks are kept and the run can be resumed).",
                                   style="red"))
        else:
            stored = len(stored_chunks(out))
            total = len(chunk_plan(options["draws"], options["chunk_size"]))
            err_console.print(Text(f"Interrupted: {stored} of {total} chunks are stored in "
                                   f"{out}. Finish the run with:", style="red"))
            err_console.print(Text("  " + resume_command(options, out), style="red"))
        raise typer.Exit(code=130) from None
    if as_json:
        typer.echo(json.dumps(finite_json(results.to_json()), indent=2, allow_nan=False))
        return
    console = Console(highlight=False, soft_wrap=False)
    print_summary(results, console)
    if out is not None:
        console.print(f"Stored in {out} ({len(stored_chunks(out))} chunk files). Query it with: "
                      f"kennan query {shlex.quote(str(out))} \"select course, count(*) from draws "
                      "group by course\"")


def query_folder(
    folder: Annotated[Path, typer.Argument(help="A run folder written by kennan run --out.")],
    sql: Annotated[str, typer.Argument(
        help="SQL over the views draws, chunks, manifest and periods.")],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Run SQL (DuckDB) over a run folder's Parquet files and print the result."""
    from kennan.experiments.query import query

    frame = query(folder, sql)
    if fmt is Format.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    elif fmt is Format.json:
        typer.echo(frame.to_json(orient="records", date_format="iso"))
    else:
        table = Table(*map(str, frame.columns), show_edge=False)
        for row in frame.head(TABLE_ROWS).itertuples(index=False):
            table.add_row(*(_cell(v) for v in row))
        console = Console(highlight=False)
        console.print(table)
        if len(frame) > TABLE_ROWS:
            console.print(f"... {len(frame) - TABLE_ROWS:,} more rows (use --format csv for all)")


def print_summary(results: Any, console: Console) -> None:
    """The terminal summary: outcomes by the horizon, then metrics, one row per course,
    with paired differences against the baseline and their 95% intervals (split into
    several tables when the columns do not fit the terminal's width)."""
    s = results.summary
    end = results.periods[-1].strftime("%Y-%m")
    console.print(f"{results.title} ({results.scenario}): {results.draws:,} draws per course, "
                  f"seed {results.seed}, {len(results.periods)} periods to {end}. Under each "
                  f"figure: the paired difference against '{results.baseline}' and its 95% "
                  "interval. Median time: the month by which half the draws reached an outcome.")
    paired = [course != results.baseline for course in results.courses]
    times = [s.median_time(c) for c in range(len(results.courses))]
    columns = [("median time",
                ["-" if t is None else results.periods[t].strftime("%Y-%m") for t in times])]
    for k, o in enumerate(results.outcomes):
        columns.append((o, [_figure(s.probability(c, k), s.outcome_difference(c, k), p)
                            for c, p in enumerate(paired)]))
    print_tables(console, f"Probability of each outcome by {end}", results.courses, columns)
    columns = [(o, [_share(s.judgment_share(c, k)) for c in range(len(results.courses))])
               for k, o in enumerate(results.outcomes)]
    if columns:
        print_tables(console, "Share of each outcome's variance the judgments explain "
                      "(the rest is the outcome's own chance)", results.courses, columns)
    columns = [(m, [_figure(s.metric_mean(c, i), s.metric_difference(c, i), p)
                    for c, p in enumerate(paired)]) for i, m in enumerate(results.metrics)]
    if columns:
        print_tables(console, "Mean of each metric", results.courses, columns)
    print_question(results, console, paired)
    if results.hypotheses:
        print_hypotheses(results, console)


def print_question(results: Any, console: Console, paired: list[bool]) -> None:
    """The question's outcome when it is a union of outcomes, and the expected value of
    each course when outcomes or metrics carry a worth, with the ranking by each."""
    s = results.summary
    columns = []
    union = len(results.question_outcomes) > 1
    if union:
        base = results.question_probability(results.baseline)
        columns.append((" or ".join(results.question_outcomes),
                        [_number(results.question_probability(c), sign=False)
                         + (f"\n{_number(results.question_probability(c) - base)}" if p else "")
                         for c, p in zip(results.courses, paired, strict=True)]))
    if s.has_value:
        columns.append(("expected value", [_figure(s.value_mean(c), s.value_difference(c), p)
                                           for c, p in enumerate(paired)]))
    if not columns:
        return
    within = (results.question or {}).get("within")
    window = f"within {within} periods" if within else "by the horizon"
    print_tables(console, f"The question ({window}) and the expected value", results.courses,
                  columns)
    ranks = []
    if union:
        ranks.append(("the question", [results.question_probability(c)
                                       for c in results.courses]))
    if s.has_value:
        ranks.append(("expected value", [s.value_mean(c) for c in range(len(results.courses))]))
    for name, values in ranks:
        order = sorted(range(len(values)), key=lambda i: -values[i])
        console.print(f"Ranked by {name}: " + " > ".join(results.courses[i] for i in order))


def print_hypotheses(results: Any, console: Console) -> None:
    """Per hypothesis (with its mean prior weight), each course's outcome probabilities,
    then the course each hypothesis favours on the question's outcome."""
    end = results.periods[-1].strftime("%Y-%m")
    labels, cells = [], {o: [] for o in results.outcomes}
    for h, res in results.hypotheses.items():
        for c, course in enumerate(res.courses):
            first = c == 0
            labels.append(f"{h} ({results.hypothesis_weights[h]:.2f}) {course}" if first
                          else f"  {course}")
            for k, o in enumerate(res.outcomes):
                cells[o].append(_number(res.summary.probability(c, k), sign=False))
    print_tables(console, f"By hypothesis (prior weight): outcomes by {end}", labels,
                  list(cells.items()))
    parts = [*results.hypotheses.items(), ("pooled", results)]
    if results.question_outcomes:
        what = " or ".join(results.question_outcomes)
        best = [(h, _best(res.courses, [res.question_probability(c) for c in res.courses]))
                for h, res in parts]
    else:
        what = results.outcomes[0]
        best = [(h, _best(res.courses, [res.summary.probability(c, 0)
                                        for c in range(len(res.courses))])) for h, res in parts]
    console.print(f"Most likely to reach '{what}', by hypothesis: "
                  + "; ".join(f"{h}: {c}" for h, c in best))
    if results.summary.has_value:
        best = [(h, _best(res.courses, [res.summary.value_mean(c)
                                        for c in range(len(res.courses))])) for h, res in parts]
        console.print("Highest expected value, by hypothesis: "
                      + "; ".join(f"{h}: {c}" for h, c in best))


def _best(courses: list[str], values: list[float]) -> str:
    return courses[max(range(len(values)), key=values.__getitem__)]


def _split(text: str | None) -> list[str] | None:
    return None if text is None else [c.strip() for c in text.split(",") if c.strip()]


@contextmanager
def _progress_bar(total: int, show: bool) -> Iterator[Callable[[int], None] | None]:
    if not show:
        yield None
        return
    bar = Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("draws"), TimeElapsedColumn(), TimeRemainingColumn(),
                   console=err_console, transient=True)
    with bar:
        task = bar.add_task("run", total=total)
        yield lambda n: bar.advance(task, n)


def _figure(value: float, diff: tuple[float, float, float], paired: bool) -> str:
    # Three short lines (figure, difference, interval) keep columns narrow.
    text = _number(value, sign=False)
    if paired:
        d, lo, hi = diff
        text += f"\n{_number(d)}\n[{_number(lo)}, {_number(hi)}]"
    return text


def _share(x: float) -> str:
    return "-" if x != x else f"{x:.0%}"


def _number(x: float, *, sign: bool = True) -> str:
    if math.isnan(x):
        return "n/a"
    magnitude = abs(x)
    digits = 3 if magnitude < 1000 else 0
    return f"{x:+,.{digits}f}" if sign else f"{x:,.{digits}f}"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6g}"
    return str(value)
