"""Each judgment's grounds as a row an analyst can read: its distribution and its source."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kennan.scenario.judgments import describe_grounds
from kennan.scenario.loaded import LoadedScenario


@dataclass(frozen=True)
class JudgmentInfo:
    """A judgment's id, distribution, percentiles and grounds (a citation, an assumption or
    both; ``supports`` says what the quote supports, ``size_from`` whose the size is)."""

    id: str
    distribution: str
    p5: float
    p50: float
    p95: float
    constant: bool
    source: str | None = None
    source_title: str | None = None
    paragraph: int | None = None
    quote: str | None = None
    assumption: str | None = None
    note: str | None = None
    supports: str | None = None
    size_from: str = "modeller"

    @property
    def grounds(self) -> str:
        """``¶7 "quote"``, ``¶7 (direction): "quote"; assumption: reason`` or
        ``assumption: reason``."""
        cite = None if self.source is None else (self.source, self.paragraph, self.quote)
        return describe_grounds(cite, self.supports, self.assumption,  # type: ignore[arg-type]
                                with_source=False)

    @property
    def spread(self) -> str:
        """The 5th, 50th and 95th percentiles, or the constant."""
        if self.constant:
            return f"{self.p50:.4g}"
        return f"{self.p5:.3g} / {self.p50:.3g} / {self.p95:.3g}"


def judgment_infos(loaded: LoadedScenario) -> dict[str, JudgmentInfo]:
    """Every judgment of ``loaded``, in file order."""
    s = loaded.model
    titles = {src.id: src.title for src in s.sources}
    out = {}
    for j in s.judgments:
        dist = loaded.checked.distributions[j.id]
        p5, p50, p95 = (float(v) for v in np.asarray(dist.percentiles((5, 50, 95))))
        cite = j.cite
        out[j.id] = JudgmentInfo(
            id=j.id, distribution=dist.describe(), p5=p5, p50=p50, p95=p95,
            constant=bool(getattr(dist, "is_constant", False)),
            source=cite.source if cite else None,
            source_title=titles.get(cite.source) if cite else None,
            paragraph=cite.paragraph if cite else None,
            quote=cite.quote if cite else None,
            assumption=j.assumption, note=j.note, supports=j.supports, size_from=j.size_from,
        )
    variants = loaded.checked.hypotheses
    if variants:
        from kennan.scenario.hypotheses import HYPOTHESIS_FACTOR

        # The factor of competing hypotheses: its grounds are the weights' grounds.
        readings = ", ".join(f"{i}: {v.id} (weight {v.weight})"
                             for i, v in enumerate(variants.values()))
        out[HYPOTHESIS_FACTOR] = JudgmentInfo(
            id=HYPOTHESIS_FACTOR, distribution=f"one of {len(variants)} hypotheses, by "
                                               "their prior weights",
            p5=0.0, p50=0.0, p95=float(len(variants) - 1), constant=False,
            assumption=f"which reading holds: {readings}")
    return out
