"""``kennan explore``: a live workbench for a scenario's judgments, in the browser."""

from __future__ import annotations

from pathlib import Path

import typer

from kennan.cli.common import command
from kennan.defaults import DEFAULT_SCENARIO

_FOLDER = typer.Option(Path("."), "--folder",
                       help="Where saved scenarios and exported reports go.")


def register(app: typer.Typer) -> None:
    """Add the explore command to ``app``."""
    command(app, "explore")(explore)


def explore(
    scenario: str = typer.Argument(DEFAULT_SCENARIO,
                                   help="A built-in scenario name or a .yaml file."),
    port: int = typer.Option(8765, "--port", help="Port on 127.0.0.1 (0: any free port)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser."),
    draws: int = typer.Option(10_000, "--draws", help="Monte Carlo draws of every course."),
    seed: int = typer.Option(0, "--seed", help="Root seed."),
    folder: Path = _FOLDER,
) -> None:
    """Serve a live workbench on 127.0.0.1: move judgments, see the answer move, save a copy."""
    from kennan.explore.server import serve

    serve(scenario, port=port, open_browser=not no_browser, draws=draws, seed=seed,
          folder=folder)
