"""A scenario's sources, read, and its citations checked against them.

Each source is found relative to the scenario file's folder (never outside it, see
:mod:`kennan.scenario.sourcepaths`) and read as a document; each citation (of a
judgment, a correlation, an order) must name a listed source, a paragraph it has,
and a quote that paragraph contains, as written or with its telegraphese expanded.
"""

from __future__ import annotations

from typing import Any

from kennan.errors import KennanError, did_you_mean
from kennan.read import Document, load_document
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.sourcepaths import SourceOutside, source_path

__all__ = ["check_sources"]


def check_sources(loaded: LoadedScenario, at: Any) -> dict[str, Document]:
    """Read every source of ``loaded`` and check every citation against it.

    ``at(path, message, text=...)`` records a problem at ``path`` of the file (the
    reporter of :func:`kennan.scenario.checks.check_scenario`). Returns the documents
    read, by source id.
    """
    s = loaded.model
    docs: dict[str, Document] = {}
    for i, src in enumerate(s.sources):
        try:
            path = source_path(loaded.base_dir, src.path)
        except SourceOutside as exc:
            at(("sources", i, "path"), f"source '{src.id}': {exc}", text=True)
            continue
        try:
            docs[src.id] = load_document(path)
        except KennanError as exc:
            at(("sources", i, "path"),
               f"source '{src.id}': cannot read '{src.path}' (looked for {path}; a relative "
               f"path is relative to the scenario file's folder): {exc.problems[0].message}",
               text=True)
    known = {src.id for src in s.sources}
    cited = [(("judgments", i, "cite"), f"judgment '{j.id}'", j.cite)
             for i, j in enumerate(s.judgments)]
    cited += [((kind, i, "cite"), f"{kind}[{i}]", d.cite)
              for kind in ("correlations", "orders") for i, d in enumerate(getattr(s, kind))]
    for base, who, cite in cited:
        if cite is None:
            continue
        if cite.source not in known:
            listed = f"; sources: {', '.join(sorted(known))}" if known else \
                "; the scenario lists no sources"
            at((*base, "source"), f"{who} cites unknown source "
                                  f"'{cite.source}'{did_you_mean(cite.source, known)}{listed}")
            continue
        doc = docs.get(cite.source)
        if doc is None:
            continue
        count = len(doc.paragraphs)
        if not 1 <= cite.paragraph <= count:
            at((*base, "paragraph"), f"{who} cites paragraph {cite.paragraph} "
                                     f"of '{cite.source}', which has {count} paragraphs")
            continue
        # As written or with its telegraphese expanded ("Immediate situation" for
        # "Immed sitn"), whitespace, typographic quotes and dashes aside.
        if not doc.paragraphs[cite.paragraph - 1].contains(cite.quote):
            elsewhere = [p.n for p in doc.paragraphs if p.contains(cite.quote)]
            hint = f"; it occurs in paragraph {elsewhere[0]}" if elsewhere else ""
            at((*base, "quote"), f"{who}: quote not found in paragraph "
                                 f"{cite.paragraph} of '{cite.source}'{hint}", text=True)
    return docs

