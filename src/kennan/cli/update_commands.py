"""``kennan update`` (posterior judgments and forecasts after observations) and
``kennan signposts`` (what to watch)."""

from __future__ import annotations

import json
import warnings

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from kennan import defaults as D
from kennan.cli.common import command, err_console
from kennan.defaults import DEFAULT_SCENARIO

#: Judgments listed in the terminal table (those that moved most); --json has all.
SHOWN = 15


def register(app: typer.Typer) -> None:
    """Add ``update`` and ``signposts`` to ``app``."""
    command(app, "update")(update_scenario)
    command(app, "signposts")(signposts)


def update_scenario(
    scenario: str = typer.Argument(DEFAULT_SCENARIO,
                                   help="A built-in scenario name or a YAML path."),
    observe: str = typer.Option(..., "--observe", help="An observations file "
                                "(kennan-observations: 1), or the name of one shipped with "
                                "a built-in scenario."),
    draws: int = typer.Option(D.DRAWS, "--draws", min=1, help="Draws of the judgments."),
    replications: int = typer.Option(1, "--replications", min=1, max=1000,
                                     help="Histories of chance per draw of the judgments."),
    seed: int = typer.Option(0, "--seed", min=0, help="Root seed."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Weigh each draw of the judgments by how likely it makes what was observed; print
    the posterior judgments and the forecasts of every course from the as-of date."""
    from kennan.experiments.updating import UpdateWarning, update
    from kennan.scenario.loading import load_scenario
    from kennan.scenario.observations import resolve_observations_path

    loaded = load_scenario(scenario)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UpdateWarning)
        up = update(loaded, resolve_observations_path(observe, loaded), draws=draws,
                    replications=replications, seed=seed)
    for w in caught:
        err_console.print(f"warning: {w.message}", style="yellow")
    if as_json:
        typer.echo(json.dumps(up.to_json(), indent=2))
        return
    _print_update(up, loaded)


def _print_update(up, loaded) -> None:
    from kennan.scenario.summary import judgment_rows

    console = Console()
    obs = up.observations
    console.print(f"[bold]{up.scenario}[/bold]: updated on {len(obs.items)} observation(s) "
                  f"known by the end of {obs.as_of_date:%Y-%m}; course followed "
                  f"[bold]{up.course}[/bold]")
    for o in obs.items:
        console.print(f"  seen: {o.describe()}")
    console.print(f"{up.weights.size:,} draws of the judgments x {up.posterior.replications} "
                  f"histories; the posterior rests on an effective {up.effective_draws:,.0f} "
                  "draws")
    for hid, w in up.hypothesis_weights().items():
        console.print(f"  hypothesis {hid}: prior weight {w['prior']:.3f} -> posterior "
                      f"{w['posterior']:.3f}")
    rows = {r.id: r for r in judgment_rows(loaded)}
    summary = up.judgment_summary()

    def moved(jid: str) -> float:
        s = summary[jid]
        spread = (s["prior_p95"] - s["prior_p5"]) or 1.0
        return abs(s["posterior_mean"] - s["prior_mean"]) / spread

    table = Table(box=box.SIMPLE_HEAD, title="Judgments that moved most")
    for col in ("judgment", "prior mean", "posterior mean", "posterior 5-95%", "grounds"):
        table.add_column(col, justify="left" if col in ("judgment", "grounds") else "right",
                         overflow="fold")
    for jid in sorted((j for j in summary if moved(j) > 0), key=moved, reverse=True)[:SHOWN]:
        s = summary[jid]
        table.add_row(jid, f"{s['prior_mean']:.3g}", f"{s['posterior_mean']:.3g}",
                      f"{s['posterior_p5']:.3g} to {s['posterior_p95']:.3g}",
                      rows[jid].grounds if jid in rows else "")
    console.print(table)
    table = Table(box=box.SIMPLE_HEAD, title=f"Outcomes by {up.periods[-1]:%Y-%m}: prior -> "
                                             "posterior")
    table.add_column("course")
    for o in up.outcomes:
        table.add_column(o, justify="right")
    h = len(up.periods) - 1
    for c in up.courses:
        table.add_row(c, *[f"{up.prior_forecasts[c][k, h]:.3f} -> {up.forecasts[c][k, h]:.3f}"
                           for k in range(len(up.outcomes))])
    console.print(table)


def signposts(
    scenario: str = typer.Argument(DEFAULT_SCENARIO,
                                   help="A built-in scenario name or a YAML path."),
    course: str | None = typer.Option(None, "--course", help="The course that will be "
                                      "followed (whose indicators are watched); default: "
                                      "the recommended one."),
    draws: int = typer.Option(D.DRAWS, "--draws", min=1, help="Monte Carlo draws."),
    seed: int = typer.Option(0, "--seed", min=0, help="Root seed."),
    top: int = typer.Option(10, "--top", min=1, max=1000, help="Signposts listed."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Which observable indicators, if seen by a date, would most change the course
    ranking or the question's answer."""
    from kennan.analysis.signposts import find_signposts

    result = find_signposts(scenario, course=course, draws=draws, seed=seed, top=top)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2))
        return
    console = Console()
    console.print(f"[bold]{result.scenario}[/bold]: {result.question_text}")
    console.print(f"recommended now: [bold]{result.recommended}[/bold] "
                  f"({result.answer:.3f}); indicators watched under course "
                  f"[bold]{result.watched}[/bold]")
    table = Table(box=box.SIMPLE_HEAD)
    for col in ("signpost", "chance seen", "value of seeing", "if seen", "if not seen"):
        table.add_column(col, justify="left" if col in ("signpost", "if seen", "if not seen")
                         else "right", overflow="fold")
    for s in result.signposts:
        when = f"{result.periods[s.period]:%Y-%m}"
        table.add_row(f"{s.event} by {when}", f"{s.chance:.2f}", f"{s.value:.4f}", s.if_seen,
                      s.if_not)
    console.print(table)
    for s in result.signposts[:3]:
        console.print(f"- {s.trigger}")
        for g in s.grounds:
            console.print(f"    {g}", style="dim")
