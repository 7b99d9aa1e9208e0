"""Parts of the report as data for its templates, public for other pages that show them.

Each function returns what one of the report's fragments (a Jinja2 template under
``report/templates`` or ``explore/templates``) renders: the competing readings and
their rankings (:func:`readings_view`), a discovery of where one course beats another
(:func:`flip_view`), and the mechanism's influence diagram with its definitions in
words (:func:`mechanism_view`). The HTML report (:mod:`kennan.report.render`) and
``kennan explore`` (:mod:`kennan.explore`) both use them, so the two show the same
thing the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from kennan.report.diagram import mechanism_figure
from kennan.report.mechanism import definitions, mechanism_graph
from kennan.scenario.distributions import fmt

if TYPE_CHECKING:
    import pandas as pd

    from kennan.experiments.results import Results
    from kennan.scenario.loaded import LoadedScenario

__all__ = ["flip_view", "mechanism_view", "readings_view"]


def readings_view(results: Results, best: str, readings: dict[str, pd.DataFrame],
                  loaded: LoadedScenario | None = None) -> dict[str, Any] | None:
    """Each competing hypothesis (reading) of ``results``: its weight, its ranking
    (``readings``: hypothesis id -> :func:`kennan.analysis.compare.ranking` under it), its
    best course and whether that differs from the pooled ``best``, with a sentence that
    says so; with ``loaded``, what each reading overrides. None without readings."""
    if not readings:
        return None
    r = results
    rows = []
    for h, ranking in readings.items():
        rank = ranking.set_index("course")
        top = str(ranking["course"].iloc[0])
        rows.append({"id": h, "label": r.hypothesis_labels[h], "weight": r.hypothesis_weights[h],
                     "best": r.course_labels[top], "changes": top != best,
                     "values": [rank.at[c, "mean"] for c in r.courses],
                     "overrides": overrides(loaded, h) if loaded is not None else []})
    changed = [row for row in rows if row["changes"]]
    if changed:
        text = (f"The recommended course changes across the readings: pooled, it is "
                f"{r.course_labels[best]}; " + "; ".join(
                    f"if \u201c{row['label']}\u201d holds, {row['best']}" for row in changed) + ".")
    else:
        text = (f"The recommended course, {r.course_labels[best]}, is the same under every "
                "reading.")
    return {"rows": rows, "text": text,
            "courses": [r.course_labels[c] for c in r.courses]}


def overrides(loaded: LoadedScenario, h: str) -> list[str]:
    """What hypothesis ``h`` of ``loaded`` changes, one line each, judgments with their
    grounds."""
    hyp = next(x for x in loaded.model.hypotheses if x.id == h)
    variant = loaded.checked.hypotheses[h].loaded
    out = []
    for j in hyp.judgments:
        grounds = (f"\u00b6{j.cite.paragraph} \u201c{j.cite.quote}\u201d" if j.cite
                   else f"assumption: {j.assumption}")
        out.append(f"judgment {j.id}: {variant.checked.distributions[j.id].describe()} "
                   f"({grounds})")
    for c in hyp.considerations:
        parts = ([f"weight {_expr(c.weight)}"] if c.weight is not None else []) + [
            f"{o} = {_expr(v)}" for o, v in c.values.items()]
        out.append(f"consideration {c.id}: {', '.join(parts)}")
    for f in hyp.actors:
        parts = ([f"influence {_expr(f.influence)}"] if f.influence is not None else []) + (
            [f"of {f.of}"] if f.of is not None else [])
        out.append(f"faction {f.id}: {', '.join(parts)}")
    return out or ["nothing: the scenario as written"]


def _expr(value: Any) -> str:
    return fmt(value) if isinstance(value, float) else str(value)


def flip_view(flip: Any, labels: dict[str, str]) -> dict[str, Any]:
    """A discovery of where one course beats another
    (:class:`kennan.analysis.discovery.Discovery`): the two courses by label (``labels``:
    course id -> label), the base rate, its PRIM boxes and the first four leaves of its
    tree, each box with its rule in symbols and in words, coverage, density and mass."""
    def box(b: Any) -> dict[str, Any]:
        return {"rule": b.rule(), "explain": b.explain(), "coverage": b.coverage,
                "density": b.density, "mass": b.mass, "judgments": list(b.limits)}
    return {"better": labels[flip.better], "than": labels[flip.than], "source": flip.source,
            "base_rate": flip.base_rate, "boxes": [box(b) for b in flip.boxes],
            "tree": [box(b) for b in flip.tree[:4]], "quantity": flip.quantity.describe()}


def mechanism_view(loaded: LoadedScenario) -> dict[str, Any]:
    """The influence diagram of ``loaded`` (inline SVG) and its definitions in words,
    grouped by kind (events, decisions, outcomes), with the anchors that link names in
    expressions to a judgment's row or a definition."""
    graph = mechanism_graph(loaded)
    defs = definitions(loaded)
    groups = [{"title": title, "entries": [d for d in defs if d.kind == kind]}
              for kind, title in (("event", "Events"), ("decision", "Decisions"),
                                  ("outcome", "Outcomes"))]
    anchors = {j.id: f"j-{j.id}" for j in loaded.model.judgments}
    anchors.update({d.id: f"def-{d.id}" for d in defs})
    anchors.update({o.id: f"def-{d.id}" for d in loaded.model.decisions
                    for o in d.options or []})
    return {"figure": Markup(mechanism_figure(graph).svg), "nodes": len(graph.nodes),
            "edges": len(graph.edges), "groups": [g for g in groups if g["entries"]],
            "anchors": anchors}
