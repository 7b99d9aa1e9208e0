"""What the explorer's page shows: the judgments as controls, and the results of a run.

The results are rendered on the server into an HTML fragment with the report's
own figure components (:mod:`kennan.report.figures`) and its answer in words
(:func:`kennan.report.render.headline`); the page swaps the fragment in. The same
fragment is in the page at ``/``, so a browser sees every course with its figure
as soon as the page loads.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np
from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup

from kennan.analysis import compare
from kennan.analysis.quantity import Quantity, quantity_of
from kennan.experiments.results import Results, wilson
from kennan.explore import edits as ed
from kennan.report import figures
from kennan.report.plots import plot_outcomes
from kennan.report.source import paragraph_html
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.summary import judgments_by_id

if TYPE_CHECKING:
    from kennan.explore.session import State


@dataclass
class View:
    """The results of one state, ready for the page."""

    version: int
    draws: int
    seed: int
    quantity: Quantity
    best: str
    runner_up: str | None
    answer: str
    numbers: dict[str, float]
    html: str
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """What the page receives after a run."""
        return {"version": self.version, "draws": self.draws, "seed": self.seed,
                "best": self.best, "answer": self.answer, "numbers": self.numbers,
                "html": self.html, "timings": self.timings}


@functools.cache
def environment() -> Environment:
    """The report's Jinja2 environment, also finding the explorer's templates."""
    from kennan.report.render import environment as report_environment

    env = report_environment()
    env.loader = ChoiceLoader([PackageLoader("kennan", "explore/templates"), env.loader])
    return env


def build_view(original: LoadedScenario, loaded: LoadedScenario, results: Results,
               state: State, *, own_draws: bool = False) -> View:
    """The view of ``results``, a run of ``loaded`` (``original`` with ``state``'s edits);
    ``own_draws`` when each reading of ``results`` ran only on the draws that follow it
    (:func:`kennan.engine.hypotheses.own_draws`)."""
    from kennan.report.render import headline

    q = quantity_of(results.catalog, outcome=compare.main_outcome(results),
                    within=(results.question or {}).get("within"))
    d = results.per_draw()
    ranking = compare.ranking(results, quantity=q, draws=d)
    pairs = compare.compare_courses(results, quantity=q, draws=d)
    base = pairs[pairs["against"] == results.baseline].set_index("course")
    rank = ranking.set_index("course")
    order = list(rank.index)
    split = judgment_split(q, d)
    labels = results.period_labels()
    courses = []
    for c, course in enumerate(results.courses):
        row = {"id": course, "label": results.course_labels[course],
               "colour": figures.colour(c), "rank": order.index(course) + 1,
               "mean": float(rank.at[course, "mean"]), "low": float(rank.at[course, "low"]),
               "high": float(rank.at[course, "high"]), "baseline": course == results.baseline,
               "versus": None, "figure": Markup(course_figure(results, c, labels).svg),
               "split": split[c] if split else None}
        if course in base.index:
            x = base.loc[course]
            row["versus"] = {k: float(x[k]) for k in ("difference", "low", "high",
                                                      "share_better", "share_worse")}
            row["versus"]["sign"] = ("pos" if x["difference"] * q.sense > 0 else
                                     "neg" if x["difference"] * q.sense < 0 else "")
        courses.append(row)
    ranked = sorted(courses, key=lambda r: r["rank"])
    answer = headline(SimpleNamespace(quantity=q, pairs=pairs), ranked)
    readings = readings_panel(results, ranked[0]["id"], q, own_draws)
    context = {
        "question": original.model.question.text if original.model.question else None,
        "quantity": q.describe(), "answer": answer, "courses": ranked,
        "baseline": results.course_labels[results.baseline], "draws": results.draws,
        "seed": results.seed, "version": state.version,
        "fig_outcomes": Markup(plot_outcomes(results).svg),
        "changes": changes(original, state), "readings": readings,
    }
    html = environment().get_template("results.html.j2").render(**context)
    runner = ranked[1]["id"] if len(ranked) > 1 else None
    return View(state.version, results.draws, results.seed, q, ranked[0]["id"], runner, answer,
                {r["id"]: r["mean"] for r in ranked}, html)


def readings_panel(results: Results, best: str, q: Quantity, own_draws: bool
                   ) -> dict[str, Any] | None:
    """Competing hypotheses: each reading's ranking, as the report shows them; with
    ``own_draws``, each from the draws that follow the reading (their number beside it;
    a reading that no draw follows is named apart)."""
    from kennan.report.views import readings_view

    ran = {h: r for h, r in results.hypotheses.items() if r.draws}
    panel = readings_view(results, best, {h: compare.ranking(r, quantity=q)
                                          for h, r in ran.items()})
    if panel is None:
        return None
    panel["own_draws"] = own_draws
    for row in panel["rows"]:
        row["draws"] = results.hypotheses[row["id"]].draws
    panel["none"] = [results.hypothesis_labels[h] for h in results.hypotheses if h not in ran]
    return panel


def judgment_split(q: Quantity, d: Any) -> list[dict[str, float]] | None:
    """For an outcome, per course: the share of the variance of reaching it (yes or no,
    history by history) that the draws' conditional probabilities explain (law of total
    variance: Var(E[Y | draw]) / Var(Y), an upper bound of the judgments' share, as
    :meth:`~kennan.experiments.summary.Summary.judgment_share` at the horizon) and the
    5th, 50th and 95th percentiles of the probability given a draw's judgments."""
    if q.kind != "outcome":
        return None
    p = q.values(d)  # (courses, draws): probability of the outcome given each draw
    out = []
    for row in p:
        mean = float(row.mean())
        total = mean * (1 - mean)
        between = float(row.var(ddof=1)) if row.size > 1 else math.nan
        share = min(max(between / total, 0.0), 1.0) if total > 0 else math.nan
        p5, p50, p95 = (float(x) for x in np.percentile(row, (5, 50, 95)))
        out.append({"share": share, "p5": p5, "p50": p50, "p95": p95})
    return out


def course_figure(results: Results, c: int, labels: list[str]) -> figures.SvgFigure:
    """One course's outcome probabilities over time, a line per outcome with its band."""
    s, n = results.summary, results.draws
    series = []
    for k, o in enumerate(results.outcomes):
        p = s.cumulative(c, k)
        bands = [wilson(v, n) for v in p]
        series.append(figures.Series(o, results.outcome_labels[o], p, [b[0] for b in bands],
                                     [b[1] for b in bands], figures.colour(k + 2)))
    top = max([0.05, *(b for x in series for b in (x.high or []) if math.isfinite(b))])
    course = results.courses[c]
    panel = figures.Panel(results.course_labels[course], series, "probability", (0.0, top))
    return figures.line_panels([panel], labels, columns=1, panel_width=400, panel_height=190)


def changes(original: LoadedScenario, state: State) -> list[dict[str, str]]:
    """Each edited judgment: what the file says and what the page says now."""
    data = {j["id"]: j for j in original.doc.data["judgments"]}
    return [{"id": jid, "was": ed.describe(data[jid]),
             "now": ed.describe(ed.edited_item(data[jid], edit)), "reason": edit.reason}
            for jid, edit in state.edits.items()]


def judgment_controls(original: LoadedScenario, state: State) -> list[dict[str, Any]]:
    """Every judgment of the file as the page's control: its grounds, its source paragraph
    with the quoted words marked, and its current value (as in the file, pinned, or
    stated anew)."""
    infos = judgments_by_id(original)
    paragraphs = {(sid, p.n): p.text for sid, doc in original.checked.documents.items()
                  for p in doc.paragraphs}
    weighs: dict[str, list[str]] = {}
    for h in original.model.hypotheses:
        weighs.setdefault(h.weight, []).append(h.label)
    rows = []
    for item in original.doc.data["judgments"]:
        jid = item["id"]
        info = infos[jid]
        edit = state.edits.get(jid)
        low, high = ed.support(original, jid)
        spec = dict(edit.spec) if isinstance(edit, ed.Restate) else \
            {k: item[k] for k in ed.SPEC_KEYS if k in item}
        reshape = edit if isinstance(edit, ed.Reshape) else None
        text = paragraphs.get((info.source, info.paragraph)) if info.source else None
        rows.append({
            "id": jid, "info": info, "kind": _kind(item), "weighs": weighs.get(jid, []),
            "mode": "file" if edit is None else edit.mode,
            "pin": edit.value if isinstance(edit, ed.Pin) else info.p50,
            "reason": edit.reason if edit is not None else "",
            "median": reshape.median if reshape else info.p50,
            "width": reshape.width if reshape else info.p95 - info.p5,
            "support": (low, high), "slider": _slider(info, low, high),
            "fields": _fields(_kind(item), spec),
            "paragraph": paragraph_html(text, [(jid, info.quote)])[0] if text else None,
        })
    return rows


def _kind(item: dict[str, Any]) -> str:
    return next(k for k in ed.SPEC_KEYS if k in item)


def _fields(kind: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs that state a judgment of ``kind``: name, key path, type, current value."""
    value = spec.get(kind)
    if kind == "value":
        return [{"name": "value", "key": "value", "type": "number", "value": value}]
    if kind == "phrase":
        out = [{"name": "phrase", "key": "phrase", "type": "text", "value": value or ""}]
        scale = spec.get("scale")
        if isinstance(scale, dict):
            out += [{"name": f"scale {k}", "key": f"scale.{k}", "type": "number",
                     "value": scale.get(k)} for k in ("low", "high")]
        if "vocabulary" in spec:
            out.append({"name": "vocabulary", "key": "vocabulary", "type": "text",
                        "value": spec["vocabulary"]})
        return out
    if kind == "discrete" and isinstance(value, dict):
        return [{"name": k, "key": f"discrete.{k}", "type": "list",
                 "value": ", ".join(f"{v:g}" for v in value.get(k, []))}
                for k in ("values", "probs")]
    params = value if isinstance(value, dict) else {}
    return [{"name": k, "key": f"{kind}.{k}", "type": "number", "value": v}
            for k, v in params.items()]


def _slider(info: Any, low: float, high: float) -> dict[str, float]:
    """Range of a pin's slider: the support where finite, else a wide span of percentiles."""
    lo = low if math.isfinite(low) else info.p5 - 2 * (info.p95 - info.p5 or 1)
    hi = high if math.isfinite(high) else info.p95 + 2 * (info.p95 - info.p5 or 1)
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    return {"min": lo, "max": hi, "step": (hi - lo) / 200}
