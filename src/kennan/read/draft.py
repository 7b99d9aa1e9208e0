"""A scenario skeleton from a document: its actors and one judgment stub per estimative
sentence, each citing its paragraph with a verbatim quote.

The YAML is written by hand (every scalar quoted as JSON, which is valid YAML) so that
its layout is stable and readable; the scenario language accepts it as it stands.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Sequence

from kennan.read.actors import Gazetteer, default_gazetteer
from kennan.read.document import MIN_QUOTE_WORDS, Document, quote_words
from kennan.read.estimative import EstimativeSentence
from kennan.read.period import courses_of_action, name_on, offices_on, sender_government

#: Quotes longer than this are cut to the clause around the phrase.
MAX_QUOTE = 200


def draft_scenario(
    doc: Document,
    judgments: Sequence[EstimativeSentence],
    *,
    source_path: str,
    gazetteer: Gazetteer | None = None,
    start: str | None = None,
    vocabulary: str | None = None,
    today: _dt.date | None = None,
) -> str:
    """The YAML text of a draft scenario for ``doc``.

    ``source_path`` is the document's path as the scenario file should give it
    (relative to the YAML file). The start month is ``start``, else the month of the
    document's date, else of the latest dated reference, else ``today``'s (with a
    comment asking for the right one). ``vocabulary`` is written when given.
    """
    gaz = gazetteer or default_gazetteer()
    month, known = _start_month(doc, start, today or _dt.date.today())
    title = doc.heading or doc.path.stem
    lines = [
        f"# Draft scenario read from {doc.path.name} by kennan read: the actors it names and",
        "# one judgment stub per estimative sentence, each citing its paragraph. Add issues,",
        "# state, considerations and decisions, and replace the placeholder policy.",
        "kennan: 1",
        "id: draft",
        f"title: {_q(title)}",
    ]
    if vocabulary:
        lines.append(f"vocabulary: {_q(vocabulary)}")
    lines += [
        "sources:",
        f"  - {{id: doc, title: {_q(title)}, path: {_q(source_path)}}}",
    ]
    if not known:
        lines.append("# The document gives no date: set the month the scenario starts.")
    lines.append(f"time: {{start: {_q(month)}, period: month, horizon: 12}}")
    actor_ids = actors_in(doc, judgments, gaz)
    # Names and offices as of the document's date, else of the month the draft starts.
    on = doc.date or (f"{month}-01" if known else None)
    own = sender_government(doc, gaz)
    courses = courses_of_action(doc) if own else []
    if courses and own not in actor_ids:
        actor_ids.append(own)  # the telegram weighs its own government's courses
    rename = {a: _period_id(a, on) for a in actor_ids}
    if actor_ids:
        lines.append("actors:")
        for actor_id in actor_ids:
            actor = gaz.get(actor_id)
            # A faction needs its state and influence: the author adds it by hand.
            if actor is None or actor.kind == "faction":
                continue
            named = name_on(actor_id, on)
            name = named.name if named else actor.name
            notes = []
            if named and (named.id != actor_id or named.name != actor.name):
                notes.append(f"so named on {on[:10]}: {named.source}")
            offices = offices_on(actor_id, on)
            if offices:
                notes.append(f"on {on[:10]}: " + "; ".join(offices))
            if actor_id == own and courses:
                n, words = courses[0]
                notes.append(f"the sender's own government: the document weighs its courses "
                             f"of action (paragraph {n}: \"{words}\")")
            note = f", note: {_q('; '.join(notes))}" if notes else ""
            lines.append(f"  - {{id: {rename[actor_id]}, kind: {actor.kind}, "
                         f"name: {_q(name)}{note}}}")
    else:
        lines.append("actors: []")
    lines.append("judgments:" if judgments else "judgments: []")
    counts: dict[tuple[int, str], int] = {}
    for j in judgments:
        slug = re.sub(r"[^a-z0-9]+", "_", j.phrase.lower()).strip("_")
        key = (j.paragraph, slug)
        counts[key] = counts.get(key, 0) + 1
        quote = quote_for(j)
        lines += [
            f"  - id: p{j.paragraph}_{slug}_{counts[key]}",
            f"    phrase: {_q(j.phrase)}",
            f"    cite: {{source: doc, paragraph: {j.paragraph}, quote: {_q(quote)}}}",
        ]
        if j.actors:
            mentions = ", ".join(_period_id(a, on) for a in j.actors)
            lines.append(f"    note: {_q('mentions ' + mentions)}")
    lines += [
        "policies:",
        "  - {id: placeholder, name: \"Placeholder: no action (replace with courses of action)\","
        " ladder: []}",
    ]
    return "\n".join(lines) + "\n"


def quote_for(j: EstimativeSentence, limit: int = MAX_QUOTE) -> str:
    """A verbatim quote for ``j``: the sentence, or, if longer than ``limit``, the clause
    around the phrase (cut at commas, semicolons, colons, dashes and brackets), and if
    that is still too long, whole words around the phrase."""
    s = j.sentence
    if len(s) <= limit:
        return s
    a, b = j.phrase_start - j.start, j.phrase_end - j.start
    marks = [m.end() for m in re.finditer(r"[,;:\u2014()]\s*", s[:a])]
    left = marks[-1] if marks else 0
    m = re.search(r"\s*[,;:\u2014()]", s[b:])
    right = b + m.start() if m else len(s)
    # A clause of a word or two ("surely,") is no citation: take words around the phrase.
    if quote_words(s[left:right]) < MIN_QUOTE_WORDS:
        left, right = 0, len(s)
    if right - left > limit:
        left = max(left, a - limit // 3)
        right = min(right, left + limit)
        left = s.rfind(" ", 0, left) + 1 if left > 0 and s[left - 1] != " " else left
        cut = s.rfind(" ", b, right)
        right = cut if cut > b and right < len(s) else right
    return s[left:right].strip()


def actors_in(doc: Document, judgments: Sequence[EstimativeSentence],
              gaz: Gazetteer) -> list[str]:
    """Ids of the gazetteer's actors that ``doc`` mentions, in order of first mention."""
    seen: dict[str, None] = {}
    for p in doc.paragraphs:
        for actor in gaz.mentioned(p.text):
            seen.setdefault(actor)
    for j in judgments:
        for actor in j.actors:
            seen.setdefault(actor)
    return list(seen)


def _period_id(actor_id: str, date: str | None) -> str:
    named = name_on(actor_id, date)
    return named.id if named else actor_id


def _start_month(doc: Document, start: str | None, today: _dt.date) -> tuple[str, bool]:
    if start:
        return start, True
    if doc.date and re.match(r"^\d{4}-\d{2}", doc.date):
        return doc.date[:7], True
    dated = sorted(r.date[:7] for r in doc.references if r.date and r.date[:1].isdigit())
    if dated:
        return dated[-1], True
    return f"{today.year:04d}-{today.month:02d}", False


def _q(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)
