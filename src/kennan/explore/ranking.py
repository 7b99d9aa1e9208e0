"""What the page asks for on demand, as HTML fragments: the sensitivity ranking with
citations, where the two best courses swap places, how the scenario works (the report's
own fragments) and the judgment / chance split of each course's outcome."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from kennan.analysis.sensitivity import Sensitivity
from kennan.explore.view import environment
from kennan.report import figures
from kennan.scenario.loaded import LoadedScenario

#: Rows drawn in the figure; the table lists every judgment.
TOP = 15


def sensitivity_html(s: Sensitivity) -> str:
    """``s`` as a bar figure of the top judgments and a ranked table with their grounds."""
    t = s.table
    if s.method == "morris":
        bars = [figures.BarRow(r.judgment, [figures.Bar("mu*", r.mu_star, r.mu_star_low,
                                                        r.mu_star_high, figures.PALETTE[0])],
                               key=r.judgment, note=r.grounds)
                for r in t.head(TOP).itertuples()]
        heads = ["mu* (95%)", "mu", "sigma"]
        cells = [[f"{r.mu_star:.3f} ({r.mu_star_low:.3f}–{r.mu_star_high:.3f})",
                  f"{r.mu:+.3f}", f"{r.sigma:.3f}"] for r in t.itertuples()]
        method = "Morris's screen"
        explain = ("mu* is the mean absolute change of the quantity when the judgment moves "
                   "from its lowest to its highest level (per unit of its quantile); sigma "
                   "shows interactions and curvature.")
        x_label = "mean absolute elementary effect (mu*)"
    else:
        bars = [figures.BarRow(r.judgment, [
            figures.Bar("first order", r.S1, r.S1_low, r.S1_high, figures.PALETTE[0]),
            figures.Bar("total order", r.ST, r.ST_low, r.ST_high, figures.PALETTE[1])],
            key=r.judgment, note=r.grounds) for r in t.head(TOP).itertuples()]
        heads = ["first order (95%)", "total order (95%)"]
        cells = [[f"{r.S1:.3f} ({r.S1_low:.3f}–{r.S1_high:.3f})",
                  f"{r.ST:.3f} ({r.ST_low:.3f}–{r.ST_high:.3f})"] for r in t.itertuples()]
        method = "Sobol' indices"
        explain = ("The first-order index is the share of the quantity's variance a judgment "
                   "explains alone; the total-order index adds its interactions.")
        x_label = "share of variance"
    figure = figures.bar_rows(bars, title=f"{method}, top {len(bars)} judgments",
                              x_label=x_label, width=760, label_width=200)
    rows = [{"judgment": r["judgment"], "cells": c, "distribution": r["distribution"],
             "source": r["source"], "paragraph": r["paragraph"], "quote": r["quote"],
             "assumption": r["assumption"]}
            for r, c in zip(t.to_dict(orient="records"), cells, strict=True)]
    return environment().get_template("sensitivity.html.j2").render(
        method=method, target=s.target, evaluations=s.evaluations, explain=explain,
        figure=Markup(figure.svg), heads=heads, rows=rows)


def flips_html(flips: list, labels: dict[str, str]) -> str:
    """Each discovery of where one course beats another, as the report shows it."""
    from kennan.report.views import flip_view

    return environment().get_template("flips.html.j2").render(
        flips=[flip_view(f, labels) for f in flips])


def mechanism_html(loaded: LoadedScenario) -> str:
    """The report's influence diagram of ``loaded`` and its definitions in words."""
    from kennan.report.views import mechanism_view

    return environment().get_template("mechanism.html.j2").render(
        mechanism=mechanism_view(loaded))


def split_html(frame: Any, labels: dict[str, str], *, draws: int, replications: int) -> str:
    """The judgment / path / dice split of each course's outcome, as a table of bars."""
    rows = [{"label": labels.get(r["course"], r["course"]), "p": r["probability"],
             "parts": [(name, r[name]) for name in ("judgments", "path", "outcome")]}
            for r in frame.to_dict(orient="records")]
    return environment().get_template("split.html.j2").render(
        rows=rows, draws=draws, replications=replications)
