"""``kennan report``, ``kennan sensitivity`` and ``kennan discover``: what a run means.

Each command forwards to a keyword-only library function; when the outcome or the
courses are not given, a short pilot run picks the scenario's question (else the most
likely outcome) and the best course (and the runner-up), and the command says so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from kennan import defaults as D
from kennan.cli.common import command, err_console, finite_json
from kennan.defaults import DEFAULT_SCENARIO

PILOT_DRAWS = D.PILOT_DRAWS

_SCENARIO = typer.Argument(DEFAULT_SCENARIO, help="A built-in scenario name or a .yaml file.")
_OUTCOME = typer.Option(None, "--outcome", help="Outcome id (default: the scenario's question, "
                        "else the most likely outcome).")
_METRIC = typer.Option(None, "--metric", help="Judge courses by this metric instead.")
_WITHIN = typer.Option(None, "--within", help="Count the outcome only in the first N periods.")
_SEED = typer.Option(0, "--seed", help="Root seed.")
_JSON = typer.Option(False, "--json", help="Print a JSON object on stdout instead of a table.")
_OUTPUT = typer.Option("report.html", "-o", "--output",
                       help="The HTML file to write (missing folders are created).")
_BACKEND = typer.Option("local", "--backend", help="Where chunks run: local, processes or dask.")
_WORKERS = typer.Option(None, "--workers",
                        help="Worker processes for processes/dask [default: CPUs].")
_SCHEDULER = typer.Option(None, "--scheduler",
                          help="Address of an existing Dask scheduler (tcp://HOST:8786).")
_CHUNK = typer.Option(D.CHUNK_SIZE, "--chunk-size", help="Design rows (draws) per chunk.")


def register(app: typer.Typer) -> None:
    """Add the analysis commands to ``app``."""
    command(app, "report")(report)
    command(app, "sensitivity")(sensitivity)
    command(app, "discover")(discover)
    command(app, "ablate")(ablate)


def report(
    scenario: str = _SCENARIO,
    output: Path = _OUTPUT,
    draws: int = typer.Option(D.DRAWS, "--draws", help="Monte Carlo draws of every course."),
    seed: int = _SEED,
    outcome: str | None = _OUTCOME,
    within: int | None = _WITHIN,
    risk: str | None = typer.Option(None, "--risk", help="Outcome or metric plotted as risk."),
    courses: str | None = typer.Option(None, "--courses", help="Comma-separated course ids."),
    sobol_base: int = typer.Option(D.SOBOL_BASE, "--sobol-base",
                                   help="Sobol' base samples, a power of two (0: skip)."),
    points: int = typer.Option(D.DISCOVERY_POINTS, "--points",
                               help="Judgment points for discovery."),
    replicates: int = typer.Option(D.DISCOVERY_REPLICATES, "--replicates",
                                   help="Runs per discovery point."),
    ablate_draws: int = typer.Option(0, "--ablate-draws",
                                     help="Draws per mechanism for the ablation section "
                                          "(0: skip; one run per mechanism)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing report file."),
    backend: str | None = typer.Option(
        None, "--backend", help="Where chunks run: local, processes or dask [default: "
        f"processes with {D.REPORT_WORKERS} workers when this machine has 2 CPUs or more, "
        "else local]."),
    workers: int | None = typer.Option(
        None, "--workers", help=f"Worker processes [default: {D.REPORT_WORKERS}, at most the "
        "CPUs; for dask: CPUs]."),
    scheduler: str | None = _SCHEDULER,
    chunk_size: int = _CHUNK,
) -> None:
    """Write one self-contained HTML report of a scenario and say where."""
    from kennan.experiments.executors import report_executor
    from kennan.report.render import write_report

    started = time.perf_counter()
    with report_executor(backend, workers=workers, scheduler=scheduler) as executor:
        path = write_report(scenario, output=output, draws=draws, seed=seed, outcome=outcome,
                            within=within, risk=risk, courses=_split(courses),
                            sobol_base=sobol_base, points=points, replicates=replicates,
                            ablate_draws=ablate_draws, force=force, executor=executor,
                            chunk_size=chunk_size,
                            status=lambda msg: err_console.print(f"[dim]{msg}…[/dim]"))
    size = path.stat().st_size / 1024
    typer.echo(f"Wrote {path.resolve()} ({size:,.0f} KB) in "
               f"{time.perf_counter() - started:.1f} s")


def sensitivity(
    scenario: str = _SCENARIO,
    outcome: str | None = _OUTCOME,
    metric: str | None = _METRIC,
    within: int | None = _WITHIN,
    course: str | None = typer.Option(None, "--course", help="Course (default: the best)."),
    against: str | None = typer.Option(None, "--against",
                                       help="Analyse the difference course minus this one."),
    method: str = typer.Option("sobol", "--method", help="sobol or morris."),
    base: int = typer.Option(D.SOBOL_BASE, "--base", help="Sobol' base samples (a power of two)."),
    trajectories: int = typer.Option(D.MORRIS_TRAJECTORIES, "--trajectories",
                                     help="Morris trajectories."),
    judgments: str | None = typer.Option(None, "--judgments",
                                         help="Comma-separated judgment ids (default: all)."),
    seed: int = _SEED,
    top: int = typer.Option(0, "--top", help="Show only the first N judgments (0: all)."),
    as_json: bool = _JSON,
    backend: str = _BACKEND,
    workers: int | None = _WORKERS,
    scheduler: str | None = _SCHEDULER,
    chunk_size: int = _CHUNK,
) -> None:
    """Rank the judgments an outcome (or a difference of courses) hinges on."""
    from kennan.analysis import sensitivity as sa
    from kennan.errors import UsageError

    if method not in ("sobol", "morris"):
        raise UsageError(f"unknown method '{method}'; valid: sobol, morris")
    started = time.perf_counter()
    with _study(scenario, backend, workers, scheduler, chunk_size, as_json) as study:
        outcome, course, _, within = _defaults(study, outcome, metric, course, None, seed,
                                               within=within, labels=("course", None))
        options: dict[str, Any] = dict(course=course, against=against, outcome=outcome,
                                       metric=metric, within=within,
                                       judgments=_split(judgments), seed=seed)
        if method == "sobol":
            result = sa.sobol(study, base=base, **options)
        else:
            result = sa.morris(study, trajectories=trajectories, **options)
    if as_json:
        typer.echo(json.dumps(finite_json(_plain_tree(result.to_json())), allow_nan=False))
        return
    _print_sensitivity(result, top, time.perf_counter() - started)


def discover(
    scenario: str = _SCENARIO,
    better: str | None = typer.Option(None, "--better", help="Course (default: the runner-up)."),
    than: str | None = typer.Option(None, "--than", help="Course (default: the best)."),
    outcome: str | None = _OUTCOME,
    metric: str | None = _METRIC,
    within: int | None = _WITHIN,
    lower_is_better: bool = typer.Option(False, "--lower-is-better",
                                         help="For a metric such as a cost."),
    points: int = typer.Option(D.DISCOVERY_POINTS, "--points",
                               help="Judgment points (Latin hypercube)."),
    replicates: int = typer.Option(D.DISCOVERY_REPLICATES, "--replicates",
                                   help="Runs per point, averaged."),
    seed: int = _SEED,
    as_json: bool = _JSON,
    backend: str = _BACKEND,
    workers: int | None = _WORKERS,
    scheduler: str | None = _SCHEDULER,
    chunk_size: int = _CHUNK,
) -> None:
    """Find the boxes of judgments where one course beats another (PRIM and a tree)."""
    from kennan.analysis.discovery import discover_design

    with _study(scenario, backend, workers, scheduler, chunk_size, as_json) as study:
        outcome, than, better, within = _defaults(study, outcome, metric, than, better, seed,
                                                  within=within, labels=("than", "better"))
        found = discover_design(study, better=better, than=than, outcome=outcome,
                                metric=metric, within=within, lower_is_better=lower_is_better,
                                points=points, replicates=replicates, seed=seed)
    if as_json:
        typer.echo(json.dumps(finite_json(_plain_tree(found.to_json())), allow_nan=False))
        return
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"[bold]Where {better} beats {than}[/bold] on {found.quantity.describe()}")
    out.print(f"{found.source}; {better} does better at {found.base_rate:.1%} of the points.")
    for title, boxes in (("PRIM boxes", found.boxes), ("Decision tree leaves", found.tree)):
        out.print(f"\n[bold]{title}[/bold] (coverage, density and mass on held-out points)")
        if not boxes:
            out.print("  none clearly above the overall share: the wins look like chance")
        for i, b in enumerate(boxes, 1):
            out.print(f"  {i}. when {b.rule()}")
            out.print(f"     [dim]{b.explain()}; coverage {b.coverage:.0%}, "
                      f"density {b.density:.0%}, mass {b.mass:.0%}[/dim]")


def ablate(
    scenario: str = _SCENARIO,
    outcome: str | None = typer.Option(None, "--outcome",
                                       help="Outcome id (default: the scenario's question)."),
    metric: str | None = _METRIC,
    within: int | None = _WITHIN,
    mechanisms: str | None = typer.Option(None, "--mechanisms",
                                          help="Comma-separated mechanism ids (default: all)."),
    draws: int = typer.Option(D.ABLATION_DRAWS, "--draws",
                              help="Draws per run (one run per mechanism)."),
    seed: int = _SEED,
    hypothesis: str | None = typer.Option(
        None, "--hypothesis", help="Read the outcome under this competing reading (default: "
                                   "pooled over the readings)."),
    backend: str = _BACKEND,
    workers: int | None = _WORKERS,
    scheduler: str | None = _SCHEDULER,
    chunk_size: int = _CHUNK,
    as_json: bool = _JSON,
) -> None:
    """Switch each mechanism off in turn: what it contributes to the question's outcome."""
    from kennan.analysis.ablation import ablation
    from kennan.cli.common import print_tables

    with _study(scenario, backend, workers, scheduler, chunk_size, as_json) as study:
        found = ablation(study, draws=draws, seed=seed, only=_split(mechanisms),
                         outcome=outcome, metric=metric, within=within, hypothesis=hypothesis)
    if as_json:
        typer.echo(json.dumps(found.to_json(), default=_plain))
        return
    out = Console(highlight=False, soft_wrap=True)
    reading = (f" under the reading {found.hypothesis}" if found.hypothesis is not None
               else "")
    out.print(f"[bold]What each mechanism contributes[/bold] to the {found.quantity.describe()}"
              f"{reading}: the paired change when it is switched off ({found.draws:,} draws, seed "
              f"{found.seed}; 95% interval below; largest first).")
    labels = [f"{r['id']} ({r['kind']})" for r in found.rows]
    columns = [(c, [f"{r['effects'][c]['difference']:+.3f}\n[{r['effects'][c]['low']:+.3f}, "
                    f"{r['effects'][c]['high']:+.3f}]" for r in found.rows])
               for c in found.courses]
    print_tables(out, "Change when switched off", labels, columns)


# -- helpers ----------------------------------------------------------------------------


def _split(text: str | None) -> list[str] | None:
    return None if text is None else [t.strip() for t in text.split(",") if t.strip()]


def _defaults(study: Any, outcome: str | None, metric: str | None, first: str | None,
              second: str | None, seed: int, *, within: int | None,
              labels: tuple[str, str | None]) -> tuple[str | None, str, str, int | None]:
    """Fill in the outcome (the scenario's question, with its window when ``within`` is not
    given; else the most likely outcome), ``first`` (best course) and ``second``
    (runner-up, only when ``labels[1]`` names it) from a short pilot run when they are not
    given; says what it chose on stderr."""
    want_second = labels[1] is not None
    if ((outcome is not None or metric is not None) and first is not None
            and (second is not None or not want_second)):
        return outcome, first, second or first, within
    from kennan.analysis import compare
    from kennan.analysis.quantity import quantity_of
    from kennan.experiments.runner import run

    pilot = run(study, draws=PILOT_DRAWS, seed=seed, keep_draws=True)
    if outcome is None and metric is None:
        outcome = compare.main_outcome(pilot)
        question = pilot.question or {}
        if question:  # the default is then the question's outcome (or union of outcomes)
            if within is None and question.get("within"):
                within = int(question["within"])
            window = f" within {within} periods" if within else ""
            err_console.print(f"[dim]outcome: {outcome}{window} (the scenario's question; "
                              "choose with --outcome)[/dim]")
        else:
            err_console.print(f"[dim]outcome: {outcome} (the most likely over the courses; "
                              "choose with --outcome)[/dim]")
    q = quantity_of(pilot.catalog, outcome=outcome, metric=metric, within=within)
    order = [c for c in compare.ranking(pilot, quantity=q)["course"] if c not in
             (first, second)]
    if first is None:
        first = order.pop(0)
        err_console.print(f"[dim]{labels[0]}: {first} (best in a {PILOT_DRAWS:,}-draw pilot; "
                          f"choose with --{labels[0]})[/dim]")
    if want_second and second is None and order:
        second = order.pop(0)
        err_console.print(f"[dim]{labels[1]}: {second} (next best in the pilot; choose with "
                          f"--{labels[1]})[/dim]")
    return outcome, first, second or first, within


@contextmanager
def _study(scenario: str, backend: str, workers: int | None, scheduler: str | None,
           chunk_size: int, quiet: bool) -> Iterator[Any]:
    """The command's scenario, compiled once, with its executor and progress bar."""
    from kennan.experiments.executors import make_executor
    from kennan.experiments.study import Study

    with make_executor(backend, workers=workers, scheduler=scheduler) as executor, \
            _progress(quiet) as progress:
        yield Study.open(scenario, executor=executor, chunk_size=chunk_size, progress=progress)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int], None] | None]:
    if quiet or not err_console.is_terminal:
        yield None
        return
    with Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.completed:,} draws"),
                  TimeRemainingColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("draws", total=None)
        yield lambda n: bar.advance(task, n)


def _print_sensitivity(result: Any, top: int, seconds: float) -> None:
    out = Console(highlight=False, soft_wrap=False, width=max(Console().width, 120))
    t = result.table if not top else result.table.head(top)
    sobol = result.method == "sobol"
    out.print(f"[bold]{'Sobol' if sobol else 'Morris'}[/bold] sensitivity of the "
              f"{result.target} ({result.evaluations:,} draws, {seconds:.1f} s)")
    table = Table(show_edge=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("judgment")
    if sobol:
        table.add_column("first order (95%)", justify="right")
        table.add_column("total order (95%)", justify="right")
    else:
        table.add_column("mu* (95%)", justify="right")
        table.add_column("mu", justify="right")
        table.add_column("sigma", justify="right")
    table.add_column("grounds", overflow="fold", max_width=70)
    for i, row in enumerate(t.to_dict(orient="records"), 1):
        if sobol:
            cells = [f"{row['S1']:.3f} ({row['S1_low']:.3f}, {row['S1_high']:.3f})",
                     f"{row['ST']:.3f} ({row['ST_low']:.3f}, {row['ST_high']:.3f})"]
        else:
            cells = [f"{row['mu_star']:.3g} ({row['mu_star_low']:.3g}, "
                     f"{row['mu_star_high']:.3g})", f"{row['mu']:.3g}", f"{row['sigma']:.3g}"]
        table.add_row(str(i), row["judgment"], *cells, row["grounds"])
    out.print(table)
    for label, members in result.groups.items():
        out.print(f"[dim]{label}: one factor, grouped, because the scenario declares "
                  f"{', '.join(members)} dependent (correlated or ordered); they are varied "
                  "together[/dim]")


def _plain_tree(data: Any) -> Any:
    """``data`` with numpy scalars as Python numbers (and anything else odd as text)."""
    if isinstance(data, dict):
        return {k: _plain_tree(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_plain_tree(v) for v in data]
    if data is None or isinstance(data, bool | int | float | str):
        return data
    return _plain(data)


def _plain(v: Any) -> Any:
    # numpy scalars and missing values in JSON output
    if hasattr(v, "item"):
        return v.item()
    return str(v)
