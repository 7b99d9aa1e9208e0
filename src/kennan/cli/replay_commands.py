"""``kennan replay``: the model's monthly probabilities under what actually happened."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from kennan.cli.app import command
from kennan.scenario.defaults import DEFAULT_SCENARIO


def register(app: typer.Typer) -> None:
    """Add ``replay`` to ``app``."""
    command(app, "replay")(replay)


def replay(
    scenario: str = typer.Argument(DEFAULT_SCENARIO,
                                   help="A built-in scenario name or a YAML path."),
    draws: int = typer.Option(10_000, "--draws", help="Monte Carlo draws."),
    seed: int = typer.Option(0, "--seed", help="Root seed."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Fix the events that happened and the course taken; print the model's monthly
    probability of each outcome next to the actual date."""
    from kennan.experiments.replay import replay as run_replay

    r = run_replay(scenario, draws=draws, seed=seed)
    if as_json:
        typer.echo(json.dumps(r.to_json(), indent=2))
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
