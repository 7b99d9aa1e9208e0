"""What ``kennan read`` shows: the judgment inventory of a document, as JSON or text.

The JSON layout is stable for scripts (fields the document lacks are null)::

    {"id", "number", "series", "from", "to", "place", "date", "classification",
     "precedence", "references": [{"series", "number", "date"}],
     "footnotes": [{"n", "text"}], "paragraphs": [{"n", "text", "expanded", "pages"}],
     "unexpanded": [..],
     "judgments": [{"paragraph", "sentence", "phrase", "low", "high", "actors", "actor",
                    "condition"}]}

``unexpanded`` lists the tokens that look like abbreviations but were not expanded
(most frequent first). ``date`` is ISO 8601 as far as known; a footnote's ``n`` is a
number when the marker is one (a string otherwise); ``low``/``high`` bound the
probability the phrase stands for under the chosen vocabulary (null when the vocabulary
lacks the phrase); ``actor`` is the actor the judgment is about and ``condition`` the
"if ..." it depends on (null when none).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kennan.read.document import Document
from kennan.read.estimative import EstimativeSentence
from kennan.read.expansion import expand_document, unexpanded

#: phrase -> (low, high) probability, or None when the vocabulary lacks the phrase.
Ranges = Callable[[str], "tuple[float, float] | None"]


def inventory(
    doc: Document,
    judgments: Sequence[EstimativeSentence],
    *,
    ranges: Ranges | None = None,
) -> dict[str, Any]:
    """The JSON-ready inventory of ``doc`` (layout in the module docstring)."""
    expansions = expand_document(doc)
    out: dict[str, Any] = {
        "id": doc.id,
        "number": doc.number,
        "series": doc.series,
        "from": doc.sender,
        "to": doc.addressee,
        "place": doc.place,
        "date": doc.date,
        "classification": doc.classification,
        "precedence": doc.precedence,
        "references": [{"series": r.series, "number": r.number, "date": r.date}
                       for r in doc.references],
        "footnotes": [{"n": int(f.n) if f.n.isdigit() else f.n, "text": f.text}
                      for f in doc.footnotes],
        "paragraphs": [{"n": p.n, "text": p.text, "expanded": e.text, "pages": list(p.pages)}
                       for p, e in zip(doc.paragraphs, expansions, strict=True)],
        "unexpanded": unexpanded(doc, expansions),
        "judgments": [],
    }
    for j in judgments:
        bounds = ranges(j.phrase) if ranges else None
        out["judgments"].append({
            "paragraph": j.paragraph,
            "sentence": j.sentence,
            "phrase": j.phrase,
            "low": None if bounds is None else round(float(bounds[0]), 6),
            "high": None if bounds is None else round(float(bounds[1]), 6),
            "actors": list(j.actors),
            "actor": j.actor,
            "condition": j.condition,
        })
    return out


def render_text(data: dict[str, Any], *, expanded: bool = False) -> str:
    """A terminal summary of an :func:`inventory`: metadata, footnotes, paragraphs
    (expanded when asked) and the judgments with their ranges."""
    lines: list[str] = []
    labels = [("id", "document"), ("number", "telegram"), ("series", "series"),
              ("from", "from"), ("to", "to"), ("place", "place"), ("date", "date"),
              ("classification", "classification"), ("precedence", "precedence")]
    for key, label in labels:
        if data.get(key) is not None:
            lines.append(f"{label + ':':16}{data[key]}")
    if data["references"]:
        refs = "; ".join(" ".join(str(x) for x in (r["series"], r["number"], r["date"]) if x)
                         for r in data["references"])
        lines.append(f"{'references:':16}{refs}")
    lines.append("")
    for p in data["paragraphs"]:
        pages = f" (p. {', '.join(str(x) for x in p['pages'])})" if p["pages"] else ""
        lines.append(f"[{p['n']}]{pages} {p['expanded'] if expanded else p['text']}")
        lines.append("")
    if data["footnotes"]:
        lines.append("Footnotes:")
        for f in data["footnotes"]:
            lines.append(f"  {f['n']}. {f['text'] or '(text not in the source)'}")
        lines.append("")
    if data.get("unexpanded"):
        lines.append("Not expanded: " + ", ".join(data["unexpanded"]))
        lines.append("")
    lines.append(f"Judgments: {len(data['judgments'])}")
    for j in data["judgments"]:
        rng = "" if j["low"] is None else f" [{j['low']:.2f}-{j['high']:.2f}]"
        actors = f" ({', '.join(j['actors'])})" if j["actors"] else ""
        about = f" about {j['actor']}" if j.get("actor") else ""
        cond = f" [condition: {j['condition']}]" if j.get("condition") else ""
        lines.append(f"  {j['paragraph']:>3}  {j['phrase']}{rng}{about}{actors}{cond}: "
                     f"{j['sentence']}")
    return "\n".join(lines).rstrip() + "\n"
