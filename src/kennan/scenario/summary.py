"""What a validated scenario holds, for people: counts of entities and a row per judgment."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from kennan.scenario.loading import LoadedScenario

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
    return ", ".join(parts)


@dataclass(frozen=True)
class JudgmentRow:
    """One judgment as a reader sees it: its distribution, percentiles and grounds."""

    id: str
    kind: str
    distribution: str
    p5: float
    p50: float
    p95: float
    source: str | None
    paragraph: int | None
    quote: str | None
    assumption: str | None
    note: str | None

    @property
    def grounds(self) -> str:
        """``src ¶2: "quote"`` for a citation, ``assumption: reason`` otherwise."""
        if self.source is not None:
            return f"{self.source} \u00b6{self.paragraph}: \u201c{self.quote}\u201d"
        return f"assumption: {self.assumption}"

    def as_json(self) -> dict[str, Any]:
        """A plain mapping for ``--json``: the fields, with the citation nested."""
        out = asdict(self)
        cite = {k: out.pop(k) for k in ("source", "paragraph", "quote")}
        out["cite"] = cite if cite["source"] is not None else None
        return out


def judgment_rows(loaded: LoadedScenario) -> list[JudgmentRow]:
    """Every judgment of ``loaded`` in file order, with its 5th, 50th and 95th percentiles."""
    rows = []
    for j in loaded.model.judgments:
        dist = loaded.checked.distributions[j.id]
        p5, p50, p95 = (float(x) for x in np.asarray(dist.percentiles((5, 50, 95))))
        cite = j.cite
        rows.append(JudgmentRow(
            id=j.id, kind=j.kind, distribution=dist.describe(), p5=p5, p50=p50, p95=p95,
            source=cite.source if cite else None, paragraph=cite.paragraph if cite else None,
            quote=cite.quote if cite else None, assumption=j.assumption, note=j.note,
        ))
    return rows
