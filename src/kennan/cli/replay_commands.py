"""``kennan replay``: the model's monthly probabilities under what actually happened."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from kennan import defaults as D
from kennan.cli.common import command, finite_json
from kennan.defaults import DEFAULT_SCENARIO


def register(app: typer.Typer) -> None:
    """Add ``replay`` to ``app``."""
    command(app, "replay")(replay)


def replay(
    scenario: str = typer.Argument(DEFAULT_SCENARIO,
                                   help="A built-in scenario name or a YAML path."),
    draws: int = typer.Option(D.DRAWS, "--draws", help="Monte Carlo draws."),
    seed: int = typer.Option(0, "--seed", help="Root seed."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    rolling: bool = typer.Option(False, "--rolling", help="Month by month: forecast from "
                                 "what was known at the month's start, update, and score "
                                 "the forecasts against what happened."),
) -> None:
    """Fix the events that happened and the course taken; print the model's monthly
    probability of each outcome next to the actual date."""
    from kennan.experiments.replay import replay as run_replay

    if rolling:
        _rolling(scenario, draws=draws, seed=seed, as_json=as_json)
        return

    r = run_replay(scenario, draws=draws, seed=seed)
    if as_json:
        typer.echo(json.dumps(finite_json(r.to_json()), indent=2, allow_nan=False))
        return
    console = Console()
    console.print(f"[bold]{r.scenario}[/bold]: replay of course [bold]{r.course}[/bold], "
                  f"{r.summary.draws:,} draws")
    console.print("events fixed: " + ", ".join(f"{e} {d:%Y-%m-%d}" for e, d in r.forced.items()))
    shown = [o for o in r.outcomes if o in r.actual] or r.outcomes
    table = Table(show_lines=False)
    table.add_column("month")
    for o in shown:
        table.add_column(f"{o} this month", justify="right")
        table.add_column(f"{o} by then", justify="right")
    table.add_column("actual")
    for t, date in enumerate(r.periods):
        row = [f"{date:%Y-%m}"]
        for o in shown:
            row += [f"{r.monthly(o)[t]:.3f}", f"{r.cumulative(o)[t]:.3f}"]
        marks = [f"{o} {r.actual[o]:%Y-%m-%d}" for o in shown if r.actual_period(o) == t]
        row.append(", ".join(marks))
        table.add_row(*row, style="bold" if marks else None)
    console.print(table)
    for o in shown:
        t = r.actual_period(o)
        if t is not None:
            console.print(f"{o}: actual {r.actual[o]:%Y-%m-%d}; the model gave "
                          f"{r.cumulative(o)[t]:.1%} by the end of that month "
                          f"and {r.monthly(o)[t]:.1%} for that month itself.")
            for h in r.hypotheses:
                console.print(f"  under {h}: {r.cumulative(o, h)[t]:.1%} by then, "
                              f"{r.monthly(o, h)[t]:.1%} that month.")


def _rolling(scenario: str, *, draws: int, seed: int, as_json: bool) -> None:
    from kennan.experiments.rolling import rolling_replay

    r = rolling_replay(scenario, draws=draws, seed=seed)
    if as_json:
        typer.echo(json.dumps(r.to_json(), indent=2))
        return
    console = Console()
    console.print(f"[bold]{r.scenario}[/bold]: rolling replay of course [bold]{r.course}"
                  f"[/bold]; each month's chance of {r.outcome}, forecast from what was "
                  "known at its start")
    table = Table()
    readings = list(r.hypotheses[0]) if r.hypotheses else []
    for col in ("month", "updated forecast", "without updating", "effective draws",
                *(f"weight of {h}" for h in readings), "actual"):
        table.add_column(col, justify="left" if col in ("month", "actual") else "right")
    for i, (m, f, p, e, h) in enumerate(zip(r.months, r.forecast, r.prior, r.effective,
                                            r.happened, strict=True)):
        weights = [f"{r.hypotheses[i][k]:.3f}" for k in readings]
        table.add_row(f"{m:%Y-%m}", f"{f:.3f}", f"{p:.3f}", f"{e:,.0f}", *weights,
                      f"{r.outcome} {r.actual:%Y-%m-%d}" if h else "",
                      style="bold" if h else None)
    console.print(table)
    for which, name in (("forecast", "updated"), ("prior", "without updating")):
        s = r.scores(which)
        console.print(f"{name}: Brier {s['brier']:.4f}, log score {s['log']:.4f} "
                      f"(mean per month over {len(r.months)} months)")
