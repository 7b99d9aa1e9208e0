"""``kennan validate`` and ``kennan judgments``: check a scenario and list its judgments."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kennan.cli.common import command
from kennan.errors import KennanError

_SCENARIO_HELP = "A built-in scenario name (e.g. korea-1952) or a path to a .yaml file."


def register(app: typer.Typer) -> None:
    """Add the scenario commands to ``app``."""
    command(app, "validate")(validate)
    command(app, "judgments")(judgments)


def validate(
    scenarios: Annotated[list[str], typer.Argument(help=_SCENARIO_HELP, metavar="SCENARIO...")],
    strict: Annotated[bool, typer.Option(
        "--strict", help="Make every warning an error (exit status 1).")] = False,
) -> None:
    """Check scenarios: print 'ok' and what each holds, or every problem as FILE:LINE:COL.

    Warnings (numbers written into expressions, things nothing reads) follow on stderr,
    grouped by kind; with --strict they are errors."""
    from kennan.scenario.loading import load_scenario
    from kennan.scenario.summary import describe_counts, entity_counts

    problems = []
    for name in scenarios:
        try:
            loaded = load_scenario(name)
        except KennanError as exc:
            problems.extend(exc.problems)
            continue
        found = loaded.checked.warnings
        if strict and found:
            problems.extend(w.problem for w in found)
            continue
        typer.echo(f"{loaded.origin}: ok")
        typer.echo(f"  {describe_counts(entity_counts(loaded))}")
        _print_warnings(loaded.origin, found)
    if problems:
        raise KennanError(problems)


def _print_warnings(origin: str, found: list) -> None:
    """``found`` on stderr, in yellow, under one heading per kind."""
    if not found:
        return
    from rich.text import Text

    from kennan.cli.common import err_console
    from kennan.scenario.lint import KINDS

    n = len(found)
    err_console.print(Text(f"{origin}: {n} warning{'s' if n != 1 else ''} "
                           "(kennan validate --strict makes them errors)", style="yellow"))
    for kind, heading in KINDS.items():
        group = [w for w in found if w.kind == kind]
        if group:
            err_console.print(Text(f"  {heading} ({len(group)}):", style="yellow"))
            for w in group:
                err_console.print(Text(f"    {w}", style="yellow"))


def judgments(
    scenario: Annotated[str, typer.Argument(help=_SCENARIO_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List every judgment: distribution, 5/50/95 percentiles, its citation (and what the
    quote supports) and its assumption, and how many take their size from the text."""
    from kennan.scenario.dependence import describe_dependencies
    from kennan.scenario.loading import load_scenario
    from kennan.scenario.summary import describe_grounds_counts, grounds_counts, judgment_rows

    loaded = load_scenario(scenario)
    rows = judgment_rows(loaded, hypotheses=True)
    counts = grounds_counts(rows)
    dependencies = describe_dependencies(loaded.model)
    if as_json:
        payload = {"scenario": loaded.id, "judgments": [r.as_json() for r in rows],
                   "size_from": counts, "dependencies": dependencies}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    # On a narrow terminal the distribution goes under the id, leaving room for the quote.
    wide = console.width >= 140
    table = Table(title=f"Judgments of {loaded.id} ({len(rows)})", show_lines=not wide,
                  caption=describe_grounds_counts(counts))
    table.add_column("id" if wide else "judgment")
    if wide:
        table.add_column("distribution")
    for q in ("5%", "50%", "95%"):
        table.add_column(q, justify="right", no_wrap=True)
    table.add_column("grounds", ratio=2 if wide else None)
    for r in rows:
        head = [Text(r.label, style="bold"), r.distribution] if wide else \
            [Text.assemble((r.label, "bold"), "\n", r.distribution)]
        table.add_row(*head, _num(r.p5), _num(r.p50), _num(r.p95), r.grounds_text("\n"))
    console.print(table)
    if dependencies:
        console.print("[bold]Dependent judgments[/bold] (percentiles above are as stated, "
                      "before orders sort the draws)")
        for d in dependencies:
            console.print(Text(f"  {d['kind']}: {d['text']}; {d['grounds']}"))


def _num(x: float) -> str:
    return f"{x:.3g}"
