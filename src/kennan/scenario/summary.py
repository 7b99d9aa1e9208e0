"""What a validated scenario holds, for people: counts of entities and a row per judgment
(:class:`JudgmentRow`, the one row of a judgment that commands, the report and the
explorer show)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from kennan.scenario.hypotheses import HYPOTHESIS_FACTOR
from kennan.scenario.judgments import describe_grounds
from kennan.scenario.loaded import LoadedScenario

#: Entity lists in the order a summary names them, with singular and plural nouns.
_NOUNS = (
    ("judgments", "judgment", "judgments"),
    ("sources", "source", "sources"),
    ("actors", "actor", "actors"),
    ("issues", "issue", "issues"),
    ("state", "state variable", "state variables"),
    ("considerations", "consideration", "considerations"),
    ("decisions", "decision", "decisions"),
    ("policies", "policy", "policies"),
    ("events", "event", "events"),
    ("outcomes", "outcome", "outcomes"),
    ("metrics", "metric", "metrics"),
)


def entity_counts(loaded: LoadedScenario) -> dict[str, int]:
    """How many of each kind of entity ``loaded`` declares (factions counted apart too)."""
    s = loaded.model
    counts = {name: len(getattr(s, name)) for name, _, _ in _NOUNS}
    counts["factions"] = sum(1 for a in s.actors if a.kind == "faction")
    counts["cited"] = sum(1 for j in s.judgments if j.cite is not None)
    counts["hypotheses"] = len(s.hypotheses)
    return counts


def describe_counts(counts: dict[str, int]) -> str:
    """One line: ``12 judgments (10 cited), 5 actors (2 factions), ...``."""
    parts = []
    for name, one, many in _NOUNS:
        n = counts.get(name, 0)
        text = f"{n} {one if n == 1 else many}"
        if name == "judgments" and n:
            text += f" ({counts.get('cited', 0)} cited)"
        if name == "actors" and counts.get("factions"):
            text += f" ({counts['factions']} factions)" if counts["factions"] != 1 \
                else " (1 faction)"
        parts.append(text)
    if counts.get("hypotheses"):
        parts.append(f"{counts['hypotheses']} competing hypotheses")
    return ", ".join(parts)


@dataclass(frozen=True)
class JudgmentRow:
    """One judgment as a reader sees it: its distribution, percentiles and grounds (a
    citation, an assumption or both; ``supports`` says what the quote supports,
    ``size_from`` whose the size is). The one row of a judgment that commands, the
    report and the explorer show."""

    id: str
    kind: str
    distribution: str
    p5: float
    p50: float
    p95: float
    constant: bool = False
    source: str | None = None
    source_title: str | None = None
    paragraph: int | None = None
    quote: str | None = None
    supports: str | None = None
    assumption: str | None = None
    note: str | None = None
    size_from: str = "modeller"
    #: The competing hypothesis this judgment is stated under (None: the scenario's own).
    hypothesis: str | None = None

    @property
    def label(self) -> str:
        """The id, with the hypothesis it is stated under."""
        return self.id if self.hypothesis is None else f"{self.id} (under {self.hypothesis})"

    @property
    def grounds(self) -> str:
        """``src ¶2: "quote"``, ``src ¶2 (direction): "quote"; assumption: reason``, or
        ``assumption: reason``."""
        return self.grounds_text()

    def grounds_text(self, sep: str = "; ", *, with_source: bool = True) -> str:
        """The grounds with ``sep`` between the citation and the assumption
        (``with_source`` False: ``¶2 "quote"``, the source id left out)."""
        cite = None if self.source is None else (self.source, self.paragraph, self.quote)
        return describe_grounds(cite, self.supports, self.assumption,  # type: ignore[arg-type]
                                with_source=with_source, sep=sep)

    @property
    def spread(self) -> str:
        """The 5th, 50th and 95th percentiles, or the constant."""
        if self.constant:
            return f"{self.p50:.4g}"
        return f"{self.p5:.3g} / {self.p50:.3g} / {self.p95:.3g}"

    def as_json(self) -> dict[str, Any]:
        """A plain mapping for ``--json``: the fields, with the citation nested."""
        out = asdict(self)
        for display_only in ("constant", "source_title"):
            del out[display_only]
        cite = {k: out.pop(k) for k in ("source", "paragraph", "quote", "supports")}
        out["cite"] = cite if cite["source"] is not None else None
        return out


def grounds_counts(rows: Sequence[JudgmentRow]) -> dict[str, int]:
    """How many judgments take their size from the text, and how many from the modeller
    (of those, how many still cite the text for their existence or direction)."""
    modeller = [r for r in rows if r.size_from == "modeller"]
    return {"text": len(rows) - len(modeller), "modeller": len(modeller),
            "modeller_cited": sum(1 for r in modeller if r.source is not None)}


def describe_grounds_counts(counts: dict[str, int]) -> str:
    """``Size from the text: 30; from the modeller: 12 (5 of them citing the text for
    existence or direction).``"""
    text = f"Size from the text: {counts['text']}; from the modeller: {counts['modeller']}"
    if counts["modeller_cited"]:
        text += (f" ({counts['modeller_cited']} of them citing the text for existence or "
                 "direction)")
    return text + "."


def judgment_rows(loaded: LoadedScenario, *, hypotheses: bool = False) -> list[JudgmentRow]:
    """Every judgment of ``loaded`` in file order, with its 5th, 50th and 95th percentiles;
    with ``hypotheses``, then those each competing hypothesis states instead (their
    ``hypothesis`` set, their ids repeating the scenario's)."""
    stated = [(j, loaded.checked.distributions[j.id], None) for j in loaded.model.judgments]
    for h in loaded.model.hypotheses if hypotheses else ():
        variant = loaded.checked.hypotheses.get(h.id)
        if variant is not None:
            stated += [(j, variant.loaded.checked.distributions[j.id], h.id)
                       for j in h.judgments]
    titles = {src.id: src.title for src in loaded.model.sources}
    rows = []
    for j, dist, hypothesis in stated:
        p5, p50, p95 = (float(x) for x in np.asarray(dist.percentiles((5, 50, 95))))
        cite = j.cite
        rows.append(JudgmentRow(
            id=j.id, kind=j.kind, distribution=dist.describe(), p5=p5, p50=p50, p95=p95,
            constant=bool(getattr(dist, "is_constant", False)),
            source=cite.source if cite else None,
            source_title=titles.get(cite.source) if cite else None,
            paragraph=cite.paragraph if cite else None,
            quote=cite.quote if cite else None, supports=j.supports,
            assumption=j.assumption, note=j.note, size_from=j.size_from,
            hypothesis=hypothesis,
        ))
    return rows


def judgments_by_id(loaded: LoadedScenario) -> dict[str, JudgmentRow]:
    """Every factor a run draws, by id, in file order: the judgments, and with competing
    hypotheses the factor that says which one holds (its grounds: the weights')."""
    out = {r.id: r for r in judgment_rows(loaded)}
    variants = loaded.checked.hypotheses
    if variants:
        readings = ", ".join(f"{i}: {v.id} (weight {v.weight})"
                             for i, v in enumerate(variants.values()))
        out[HYPOTHESIS_FACTOR] = JudgmentRow(
            id=HYPOTHESIS_FACTOR, kind="hypothesis",
            distribution=f"one of {len(variants)} hypotheses, by their prior weights",
            p5=0.0, p50=0.0, p95=float(len(variants) - 1),
            assumption=f"which reading holds: {readings}")
    return out
