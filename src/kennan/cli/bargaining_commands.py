"""``kennan forecast`` and ``kennan evaluate``: bargaining models on tables and on DEU data."""

from __future__ import annotations

import json

import numpy as np
import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kennan.cli.common import command, err_console, finite_json

# Round columns shown before eliding the middle of a long run.
_MAX_ROUND_COLUMNS = 12


def register(app: typer.Typer) -> None:
    """Add ``forecast`` and ``evaluate`` to ``app``."""
    command(app, "forecast")(forecast_table)
    command(app, "evaluate")(evaluate_models)


def forecast_table(
    table: str = typer.Argument(..., help="A CSV table (actor, position, salience, capability"
                                          "[, reference]) or a KTAB CSV."),
    model: str = typer.Option("eum", "--model", "-m",
                              help="Model id: compromise, median, nash, eum, smp, or all; "
                                   "several separated by commas."),
    dim: str | None = typer.Option(None, "--dim", help="For a KTAB table with several "
                                   "dimensions: the one to forecast (name or number)."),
    rounds: int = typer.Option(10, "--rounds", min=0, help="Rounds of the expected utility "
                                                            "model."),
    salience_scale: float = typer.Option(1.0, "--salience-scale",
                                         help="Top of the plain table's salience scale (1 or "
                                              "100)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Forecast what a negotiation settles on: rounds shown, then each model's forecast."""
    from kennan.bargaining.forecast import forecast, forecast_json
    from kennan.errors import UsageError

    if salience_scale not in (1.0, 100.0):
        raise UsageError(f"--salience-scale: expected 1 or 100, got {salience_scale:g}")
    result = forecast(table, models=model, dim=dim, rounds=rounds,
                      salience_scale=salience_scale)
    for name, why in result.skipped.items():
        err_console.print(Text(f"{result.table.origin}: {name} left out: {why}", style="yellow"))
    if as_json:
        typer.echo(json.dumps(forecast_json(result), allow_nan=False))
        return
    console = Console(highlight=False)
    tab = result.table
    for k in result.dims:
        where = f" — {tab.dims[k]}" if len(tab.dims) > 1 else ""
        for name, mf in result.models.items():
            if mf.rounds is None:
                continue
            col = result.dims.index(k)
            console.print(_rounds_table(f"{name}{where}: positions by round", tab.names,
                                        mf.rounds[:, :, col], console.width))
        summary = Table(title=f"Forecast{where}", box=box.SIMPLE_HEAD, title_justify="left")
        summary.add_column("model", no_wrap=True)
        summary.add_column("forecast", justify="right")
        summary.add_column("rounds", justify="right")
        for name, mf in result.models.items():
            col = result.dims.index(k)
            n_rounds = "" if mf.rounds is None else str(mf.rounds.shape[0] - 1)
            summary.add_row(name, f"{mf.forecast[col]:.3f}", n_rounds)
        console.print(summary)


def _rounds_table(title: str, names: list[str], hist: np.ndarray, width: int) -> Table:
    """Actors down, rounds across (the input first); a long run keeps its two ends."""
    total = hist.shape[0]
    cells = [[f"{v:.2f}" for v in row] for row in hist.T]
    name_width = max(len("actor"), *(len(n) for n in names))
    # Each column: its widest cell, Rich's padding either side and the box's divider.
    cell_width = max(len("input"), *(len(c) for row in cells for c in row)) + 3
    fit = max(3, min(_MAX_ROUND_COLUMNS, (width - name_width - 5) // cell_width))
    if total <= fit:
        shown: list[int | None] = list(range(total))
    else:
        keep = fit - 1  # one column goes to the ellipsis
        head = (keep + 1) // 2
        shown = [*range(head), None, *range(total - (keep - head), total)]
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("actor", no_wrap=True)
    for r in shown:
        table.add_column("…" if r is None else ("input" if r == 0 else str(r)), justify="right",
                         no_wrap=True)
    for i, name in enumerate(names):
        table.add_row(name, *("…" if r is None else cells[i][r] for r in shown))
    return table


def evaluate_models(
    data: str = typer.Argument("deu3", help="'deu3' (shipped) or a file in the DEU layout."),
    model: str = typer.Option("all", "--model", "-m",
                              help="Model id(s) to score, separated by commas, or all."),
    folds: int = typer.Option(10, "--folds", min=2,
                              help="Cross-validation folds over proposals for fitted models."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Score every model against observed outcomes (DEU III): MAE, median AE, within 10."""
    from kennan.bargaining.evaluate import evaluate, evaluation_json

    result = evaluate(data, models=model, folds=folds)
    if as_json:
        typer.echo(json.dumps(finite_json(evaluation_json(result)), allow_nan=False))
        return
    console = Console(highlight=False)
    for title, headers, rows in result.tables():
        table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
        table.add_column(headers[0], no_wrap=True)
        for head in headers[1:]:
            table.add_column(head, justify="right", no_wrap=True)
        for row in rows:
            table.add_row(*row)
        console.print(table)
    console.print(result.footnote())
