"""Render an :class:`~kennan.report.build.Analysis` as one self-contained HTML page.

The page is a Jinja2 template (``templates/report.html.j2``) with its styles and
its script included inline; figures are inline SVG from
:mod:`kennan.report.figures`. Nothing is fetched when the page is viewed.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from kennan.errors import UsageError
from kennan.report import figures
from kennan.report.build import DEFAULT_SCENARIO, Analysis, analyse
from kennan.report.ladder import ladder_views
from kennan.report.plots import plot_outcomes, plot_risk_benefit, plot_trajectories
from kennan.report.source import source_views
from kennan.report.views import flip_view, mechanism_view, readings_view
from kennan.safeio import check_target, write_file
from kennan.scenario.dependence import describe_dependencies
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.summary import grounds_counts, judgments_by_id
from kennan.version import __version__


def environment() -> Environment:
    """The Jinja2 environment of the report templates (autoescaping on)."""
    env = Environment(loader=PackageLoader("kennan", "report/templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = _pct
    env.filters["num"] = _num
    env.filters["linked"] = linked
    return env


_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def linked(expression: str, anchors: dict[str, str]) -> Markup:
    """``expression`` as HTML with each name that has an anchor (a judgment's row, an
    event's definition) made a link to it."""
    out, last = [], 0
    for m in _NAME.finditer(expression):
        target = anchors.get(m.group(0))
        if target is None:
            continue
        out += [str(escape(expression[last:m.start()])),
                f'<a href="#{escape(target)}">{escape(m.group(0))}</a>']
        last = m.end()
    out.append(str(escape(expression[last:])))
    return Markup("".join(out))


def render(analysis: Analysis, *, elapsed: float | None = None) -> str:
    """The report page for ``analysis``."""
    return environment().get_template("report.html.j2").render(**context(analysis, elapsed))


def write_report(scenario: str | LoadedScenario = DEFAULT_SCENARIO, *,
                 output: str | Path = "report.html", force: bool = False,
                 **options: Any) -> Path:
    """Analyse ``scenario`` (``options`` as :func:`~kennan.report.build.analyse`) and write
    the report to ``output``, creating missing folders. Returns the path written.

    An existing ``output`` is replaced only with ``force``
    (see :func:`kennan.safeio.write_file`)."""
    path = Path(output)
    if path.is_dir():
        raise UsageError(f"output '{path}' is a folder; give a file name such as "
                         f"{path / 'report.html'}")
    check_target(path, force=force, what="the report")  # before minutes of analysis
    started = time.perf_counter()
    html = render(analyse(scenario, **options), elapsed=time.perf_counter() - started)
    return write_file(path, html, force=force, what="the report", make_parents=True)


def context(a: Analysis, elapsed: float | None = None) -> dict[str, Any]:
    """The template's variables."""
    r, q, s = a.results, a.quantity, a.loaded.model
    infos = judgments_by_id(a.loaded)
    colours = {c: figures.colour(i) for i, c in enumerate(r.courses)}
    rank = a.ranking.set_index("course")
    courses = [{
        "id": c, "label": r.course_labels[c], "colour": colours[c],
        "note": next((p.note for p in s.policies if p.id == c), None),
        "mean": rank.at[c, "mean"], "low": rank.at[c, "low"], "high": rank.at[c, "high"],
        "share_best": rank.at[c, "share_best"], "rank": int(list(rank.index).index(c)) + 1,
    } for c in rank.index]
    return {
        "title": s.title, "scenario_id": s.id, "description": s.description,
        "question_text": s.question.text if s.question is not None else None,
        "generated": _dt.date.today().isoformat(), "version": __version__,
        "draws": r.draws, "seed": r.seed, "elapsed": elapsed, "timings": a.timings,
        "first": r.period_labels()[0], "last": r.period_labels()[-1], "horizon": len(r.periods),
        "quantity": q.describe(), "outcome_label": q.label, "headline": headline(a, courses),
        "courses": courses, "colours": colours, "baseline": r.baseline,
        "summary": _summary(a),
        "fig_outcomes": Markup(plot_outcomes(r).svg),
        "fig_risk": Markup(plot_risk_benefit(r, q.id, a.risk).svg),
        "risk_label": {**r.outcome_labels, **r.metric_labels}[a.risk],
        "fig_trajectories": Markup(plot_trajectories(r).svg),
        "pairs": _pairs(a, courses),
        "readings": readings_view(r, a.best, a.readings, a.loaded),
        "values": _values(a),
        "chance": _chance(a),
        "ablation": _ablation(a),
        "sobol": _sobol(a, infos),
        "evpi": _evpi(a, infos),
        "flips": [flip_view(f, r.course_labels) for f in a.flips],
        "signposts": a.signposts,
        "ladders": ladder_views(s, r.courses),
        "mechanism": mechanism_view(a.loaded),
        "sources": source_views(a.loaded.checked.documents,
                                {src.id: src.title for src in s.sources}, infos),
        "judgments": list(infos.values()),
        "dependencies": describe_dependencies(s),
        "grounds_counts": {"judgments": len(infos), **grounds_counts(list(infos.values()))},
    }


def headline(a: Analysis, courses: list[dict[str, Any]]) -> str:
    """The answer in words: the best course, the runner-up and their paired difference
    (``a`` needs ``quantity`` and ``pairs``; ``courses`` are ranked, best first)."""
    best = courses[0]
    text = (f"Under the scenario's judgments, {best['label']} gives the "
            f"{'highest' if a.quantity.sense > 0 else 'lowest'} {a.quantity.describe()}: "
            f"{best['mean']:.3f} (95% interval {best['low']:.3f} to {best['high']:.3f}).")
    if len(courses) > 1:
        second = courses[1]
        row = a.pairs[(a.pairs["course"] == best["id"]) & (a.pairs["against"] == second["id"])]
        text += (f" Next comes {second['label']} at {second['mean']:.3f}; the paired difference "
                 f"is {row['difference'].iloc[0]:+.3f} ({row['low'].iloc[0]:+.3f} to "
                 f"{row['high'].iloc[0]:+.3f}), and draw by draw {best['label']} does better in "
                 f"{_pct(row['share_better'].iloc[0])} of draws and worse in "
                 f"{_pct(row['share_worse'].iloc[0])}.")
    return text


def _values(a: Analysis) -> dict[str, Any] | None:
    """The ranking by expected value, and whether it agrees with the question's."""
    if a.value_ranking is None:
        return None
    r = a.results
    rows = [{"label": r.course_labels[str(row.course)], "mean": row.mean, "low": row.low,
             "high": row.high, "share_best": row.share_best}
            for row in a.value_ranking.itertuples()]
    best = str(a.value_ranking["course"].iloc[0])
    same = best == a.best
    text = (f"Ranked by expected value (each outcome's worth if reached, plus each metric's "
            f"worth per unit), {r.course_labels[best]} comes first"
            + (", as it does on the question." if same else
               f", where the question ranks {r.course_labels[a.best]} first."))
    return {"rows": rows, "text": text}


def _summary(a: Analysis) -> dict[str, Any]:
    r = a.results
    head = [r.outcome_labels[o] for o in r.outcomes] + ["median time"]
    head += [r.metric_labels[m] for m in r.metrics]
    rows = []
    for c, course in enumerate(r.courses):
        cells = []
        for o in r.outcomes:
            p, lo, hi = r.outcome_interval(course, o)
            cells.append({"value": f"{p:.3f}", "title": f"95%: {lo:.3f} to {hi:.3f}"})
        t = r.summary.median_time(c)
        cells.append({"value": "—" if t is None else r.period_labels()[t],
                      "title": "fewer than half the draws reach an outcome" if t is None else ""})
        for m in r.metrics:
            v, lo, hi = r.metric_interval(course, m)
            cells.append({"value": _num(v), "title": f"95%: {_num(lo)} to {_num(hi)}"})
        rows.append({"id": course, "label": r.course_labels[course], "cells": cells})
    return {"head": head, "rows": rows}


def _pairs(a: Analysis, courses: list[dict[str, Any]]) -> dict[str, Any]:
    ids = [c["id"] for c in courses]
    p = a.pairs.set_index(["course", "against"])
    rows = []
    for c in courses:
        cells = []
        for other in ids:
            if other == c["id"]:
                cells.append(None)
                continue
            x = p.loc[(c["id"], other)]
            cells.append({"better": x["share_better"], "worse": x["share_worse"],
                          "difference": x["difference"], "low": x["low"], "high": x["high"],
                          "shade": min(1.0, abs(x["difference"]) * 4),
                          "sign": "pos" if x["difference"] * a.quantity.sense > 0 else "neg"})
        rows.append({"course": c, "cells": cells})
    return {"columns": courses, "rows": rows}


def _ablation(a: Analysis) -> dict[str, Any] | None:
    """Each mechanism's paired change under the best course and the largest over all."""
    ab = a.ablation
    if ab is None:
        return None
    best = a.best
    rows = []
    for r in ab.rows:
        e = r["effects"]
        top = max(e, key=lambda c: abs(e[c]["difference"]))
        rows.append({"id": r["id"], "kind": r["kind"], "best": e[best],
                     "top": a.results.course_labels.get(top, top), "top_effect": e[top],
                     "silent": all(x["low"] <= 0 <= x["high"] and
                                   abs(x["difference"]) < 0.005 for x in e.values())})
    return {"quantity": ab.quantity.describe(), "draws": ab.draws, "rows": rows,
            "label": a.results.course_labels[best]}


def _chance(a: Analysis) -> dict[str, Any] | None:
    """How much of whether the outcome happens is judgment and how much chance."""
    if a.quantity.kind != "outcome" or not a.shares:
        return None
    best = a.best
    share = a.shares.get(best)
    if share is None or share != share:  # NaN: certain or impossible
        return None
    others = [v for c, v in a.shares.items() if c != best and v == v]
    return {"outcome": a.quantity.describe().removeprefix("probability of "),
            "label": a.results.course_labels[best], "share": share,
            "range": (min(others), max(others)) if others else None}


def _sobol(a: Analysis, infos: dict[str, Any]) -> dict[str, Any] | None:
    if a.sobol is None:
        return None
    t = a.sobol.table
    evpi = dict(zip(a.evpi["judgment"], a.evpi["evpi_net"], strict=True))
    top = t.head(20)
    rows = [figures.BarRow(j, [
        figures.Bar("first order", s1, lo1, hi1, figures.PALETTE[0]),
        figures.Bar("total order", st, lo, hi, figures.PALETTE[1])],
        key=j, note=g)
        for j, g, s1, lo1, hi1, st, lo, hi in zip(
            top["judgment"], top["grounds"], top["S1"], top["S1_low"], top["S1_high"],
            top["ST"], top["ST_low"], top["ST_high"], strict=True)]
    fig = figures.bar_rows(rows, title=f"Sobol' indices, top {len(rows)} judgments",
                           x_label="share of variance", width=860, label_width=220)
    return {
        "target": a.sobol.target, "base": a.sobol.size, "evaluations": a.sobol.evaluations,
        "groups": a.sobol.groups,
        "unexplained": max(0.0, 1.0 - float(t["S1"].clip(lower=0).sum())),
        "figure": Markup(fig.svg),
        # A grouped factor (dependent judgments) shows each member's grounds.
        "rows": [{**rec, "info": infos[rec["members"][0]], "infos": infos,
                  "evpi": _value(a, evpi.get(rec["judgment"]))}
                 for rec in t.to_dict(orient="records")],
    }


def _value(a: Analysis, v: float | None) -> str:
    """A value of information in the quantity's units: probability points for an outcome."""
    if v is None or not math.isfinite(v):
        return "—"
    if a.quantity.kind == "outcome":
        return f"{v * 100:.2f} pts"
    return _num(v)


def _evpi(a: Analysis, infos: dict[str, Any]) -> dict[str, Any]:
    e = a.evpi
    labels = a.results.course_labels
    rows = []
    for rec in e.head(12).to_dict(orient="records"):
        runs, start, edge = [], 0.0, 0.0
        choice = rec["best_by_bin"]
        for i, (course, share) in enumerate(zip(choice, rec["bin_shares"], strict=True)):
            edge += share
            if i + 1 == len(choice) or choice[i + 1] != course:
                runs.append(f"{labels[course]} ({start * 100:.0f}–{edge * 100:.0f}th pct)")
                start = edge
        switch = "never changes"
        if len(runs) > 1:
            switch = "; ".join(runs) if rec["evpi_net"] > 0 else "changes only within noise"
        rows.append({**rec, "info": infos[rec["judgment"]], "switch": switch,
                     "value": _value(a, rec["evpi_net"]), "floor": _value(a, rec["noise"])})
    top = e.iloc[0] if len(e) else None
    return {"rows": rows, "best": labels[str(e["best"].iloc[0])] if len(e) else "",
            "bins": int(e["bins"].max()) if len(e) else 0,
            "top": None if top is None else {"judgment": top["judgment"],
                                             "value": _value(a, top["evpi_net"])}}


def _pct(v: float) -> str:
    if v is None or not math.isfinite(v):
        return "—"
    return f"{v * 100:.1f}%" if abs(v) < 0.995 or v == 1 else f"{v * 100:.0f}%"


def _num(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "—"
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        return f"{v:.2e}"
    return f"{v:.3g}" if abs(v) < 100 else f"{v:,.0f}"
