"""``kennan validate`` and ``kennan judgments``: check a scenario and list its judgments."""

from __future__ import annotations

import typer

from kennan.cli.app import command


def register(app: typer.Typer) -> None:
    """Add the scenario commands to ``app``."""
    command(app, "validate")(validate)


def validate(
    scenario: str = typer.Argument(..., help="A built-in scenario name or a path to a .yaml file."),
) -> None:
    """Check a scenario: every problem at once, each as FILE:LINE:COL: message."""
    from kennan.scenario.loading import load_scenario

    loaded = load_scenario(scenario)
    typer.echo(f"{loaded.origin}: ok")
