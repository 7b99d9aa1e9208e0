"""Semantic checks of a scenario whose shape is already valid.

Every problem is collected, then raised together: duplicate ids, references to
things that do not exist, expressions that do not compile, cycles among derived
state variables, policies that use a tag they forbid, judgments whose
distribution is impossible, and citations whose quote is not in the cited
paragraph of the cited source.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kennan.compiler import Expression, Namespace, compile_expression
from kennan.errors import KennanError, Problem, ScenarioError
from kennan.scenario.schema import Effects, Scenario
from kennan.scenario.yamlsource import PathKey

if TYPE_CHECKING:
    from kennan.read import Document
    from kennan.scenario.judgments import Distribution
    from kennan.scenario.loading import LoadedScenario

#: Names every expression may read besides the scenario's ids.
BUILTIN_NAMES = {"t": "time (the period index, 0 at the start)"}


@dataclass
class CheckedScenario:
    """What checking built: compiled expressions by path, distributions, documents."""

    expressions: dict[PathKey, Expression] = field(default_factory=dict)
    distributions: dict[str, Distribution] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    derived_order: list[str] = field(default_factory=list)
    namespace: Namespace | None = None


def check_scenario(loaded: LoadedScenario) -> CheckedScenario:
    """Check ``loaded`` and return what was built, or raise every problem at once."""
    s = loaded.model
    problems: list[Problem] = []
    out = CheckedScenario()

    def at(path: PathKey, message: str, *, key: bool = False) -> None:
        problems.append(Problem(message, loaded.doc.locate(path, key=key)))

    ids = _check_unique_ids(s, at)
    _check_references(s, ids, at)
    out.distributions = _check_judgments(s, at)
    out.documents = _check_citations(loaded, at)
    out.namespace = namespace_of(s)
    _compile_all(loaded, out, problems)
    out.derived_order = _derived_order(s, out, at)
    if problems:
        raise ScenarioError(_sorted(problems))
    return out


def namespace_of(s: Scenario) -> Namespace:
    """The names and id-functions that expressions of ``s`` may use."""
    values: dict[str, str] = dict(BUILTIN_NAMES)
    values.update({j.id: "judgment" for j in s.judgments})
    values.update({v.id: "state variable" for v in s.state})
    for d in s.decisions:
        if d.options is not None:
            values.update({o.id: f"option of '{d.id}' (1 when chosen this period)"
                           for o in d.options})
        else:
            values[d.id] = f"decision on issue '{d.issue}' (its settled position)"
    tags = {t for p in s.policies for step in p.ladder for t in step.tags}
    tags |= {t for p in s.policies for t in p.forbid}
    return Namespace(
        values=values,
        id_functions={
            "tagged": frozenset(tags),
            "active": frozenset(step.id for p in s.policies for step in p.ladder),
            "fired": frozenset(e.id for e in s.events),
            "prob": frozenset(o.id for d in s.decisions for o in (d.options or [])),
            "influence": frozenset(a.id for a in s.actors if a.kind == "faction"),
        },
    )


# -- ids and references -------------------------------------------------------------------

_ENTITY_LISTS = ("sources", "judgments", "actors", "issues", "state", "considerations",
                 "decisions", "policies", "events", "outcomes", "metrics")


def _entities(s: Scenario) -> Iterator[tuple[PathKey, str, str]]:
    """(path, id, kind) of every entity with an id, nested ones included."""
    for name in _ENTITY_LISTS:
        for i, item in enumerate(getattr(s, name)):
            yield (name, i, "id"), item.id, name
    for i, d in enumerate(s.decisions):
        for k, o in enumerate(d.options or []):
            yield ("decisions", i, "options", k, "id"), o.id, "options"
    for i, p in enumerate(s.policies):
        for k, step in enumerate(p.ladder):
            yield ("policies", i, "ladder", k, "id"), step.id, "steps"


def _check_unique_ids(s: Scenario, at: Any) -> dict[str, str]:
    seen: dict[str, tuple[PathKey, str]] = {}
    for path, ident, kind in _entities(s):
        if ident in seen:
            first_kind = seen[ident][1]
            at(path, f"duplicate id '{ident}' (already used by {first_kind[:-1]} '{ident}'); "
                     "ids must be unique within a scenario")
        elif ident in BUILTIN_NAMES:
            at(path, f"id '{ident}' is reserved")
        else:
            seen[ident] = (path, kind)
    return {ident: kind for ident, (_, kind) in seen.items()}


def _check_references(s: Scenario, ids: dict[str, str], at: Any) -> None:
    def ref(path: PathKey, ident: str, kinds: tuple[str, ...], what: str,
            key: bool = False) -> None:
        if ids.get(ident) not in kinds:
            pool = [i for i, k in ids.items() if k in kinds]
            close = difflib.get_close_matches(ident, pool, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            at(path, f"unknown {what} '{ident}'{hint}", key=key)

    actors = {a.id: a for a in s.actors}
    for i, a in enumerate(s.actors):
        if a.of is not None:
            ref(("actors", i, "of"), a.of, ("actors",), "actor")
            if a.of in actors and actors[a.of].kind != "state":
                at(("actors", i, "of"), f"'{a.id}' is part of '{a.of}', which is not a state")
    for i, issue in enumerate(s.issues):
        for part in ("positions", "saliences"):
            for actor in getattr(issue, part):
                ref(("issues", i, part, actor), actor, ("actors",), "actor", key=True)
    decisions = {d.id: d for d in s.decisions}
    for i, d in enumerate(s.decisions):
        ref(("decisions", i, "owner"), d.owner, ("actors",), "actor")
        if d.issue is not None:
            ref(("decisions", i, "issue"), d.issue, ("issues",), "issue")
    for i, c in enumerate(s.considerations):
        ref(("considerations", i, "actor"), c.actor, ("actors",), "actor")
        ref(("considerations", i, "decision"), c.decision, ("decisions",), "decision")
        d = decisions.get(c.decision)
        if d is not None and d.options is None:
            at(("considerations", i, "decision"),
               f"decision '{d.id}' is an issue scale; considerations feed discrete decisions")
        elif d is not None:
            options = [o.id for o in d.options or []]
            for opt in c.values:
                if opt not in options:
                    close = difflib.get_close_matches(opt, options, n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    at(("considerations", i, "values", opt),
                       f"'{opt}' is not an option of decision '{d.id}'{hint}; "
                       f"options: {', '.join(options)}", key=True)
    stocks = {v.id for v in s.state if v.value is None}
    derived = {v.id for v in s.state if v.value is not None}

    def effects(path: PathKey, eff: Effects | None) -> None:
        if eff is None:
            return
        for part in ("add", "multiply", "set"):
            for target in getattr(eff, part):
                p = (*path, part, target)
                if target in derived:
                    at(p, f"'{target}' is derived (it has a 'value'); effects change stocks only",
                       key=True)
                elif target not in stocks:
                    close = difflib.get_close_matches(target, sorted(stocks), n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    at(p, f"unknown state variable '{target}'{hint}", key=True)

    for i, p in enumerate(s.policies):
        forbidden = set(p.forbid)
        for k, step in enumerate(p.ladder):
            base = ("policies", i, "ladder", k)
            for n, tag in enumerate(step.tags):
                if tag in forbidden:
                    at((*base, "tags", n), f"policy '{p.id}' forbids tag '{tag}', "
                                           f"but its step '{step.id}' carries it")
            effects((*base, "effects"), step.effects)
            effects((*base, "on_enter"), step.on_enter)
            for r, risk in enumerate(step.risks):
                ref((*base, "risks", r, "event"), risk.event, ("events",), "event")
    for i, e in enumerate(s.events):
        effects(("events", i, "effects"), e.effects)
        if e.at is not None and e.at < s.time.start.replace(day=1):
            at(("events", i, "at"), f"event date {e.at} is before the scenario starts "
                                    f"({s.time.start:%Y-%m})")
    if s.baseline is not None:
        ref(("baseline",), s.baseline, ("policies",), "policy (course of action)")
    if s.replay is not None:
        ref(("replay", "course"), s.replay.course, ("policies",), "policy (course of action)")
        for ev in s.replay.events:
            ref(("replay", "events", ev), ev, ("events",), "event", key=True)
        for oc in s.replay.actual:
            ref(("replay", "actual", oc), oc, ("outcomes",), "outcome", key=True)


# -- judgments and citations ---------------------------------------------------------------

def _check_judgments(s: Scenario, at: Any) -> dict[str, Distribution]:
    out = {}
    for i, j in enumerate(s.judgments):
        try:
            out[j.id] = j.distribution(s.vocabulary)
        except (ValueError, KennanError) as exc:
            text = "; ".join(p.message for p in exc.problems) if isinstance(exc, KennanError) \
                else str(exc)
            at(("judgments", i), f"judgment '{j.id}': {text}")
    return out


_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2014": "-", "\u2013": "-"})


def normalise_quote(text: str) -> str:
    """Text compared for citations: typographic quotes and dashes plain, whitespace collapsed."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


def _check_citations(loaded: LoadedScenario, at: Any) -> dict[str, Document]:
    from kennan.read import load_document

    s = loaded.model
    docs: dict[str, Document] = {}
    for i, src in enumerate(s.sources):
        path = (loaded.base_dir / src.path) if not Path(src.path).is_absolute() else Path(src.path)
        try:
            docs[src.id] = load_document(path)
        except KennanError as exc:
            at(("sources", i, "path"), f"source '{src.id}': {exc.problems[0].message} ({path})")
    known = {src.id for src in s.sources}
    for i, j in enumerate(s.judgments):
        if j.cite is None:
            continue
        base = ("judgments", i, "cite")
        if j.cite.source not in known:
            close = difflib.get_close_matches(j.cite.source, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            at((*base, "source"), f"judgment '{j.id}' cites unknown source '{j.cite.source}'{hint}")
            continue
        doc = docs.get(j.cite.source)
        if doc is None:
            continue
        count = len(doc.paragraphs)
        if not 1 <= j.cite.paragraph <= count:
            at((*base, "paragraph"), f"judgment '{j.id}' cites paragraph {j.cite.paragraph} "
                                     f"of '{j.cite.source}', which has {count} paragraphs")
            continue
        text = normalise_quote(doc.paragraphs[j.cite.paragraph - 1].text)
        quote = normalise_quote(j.cite.quote)
        if quote not in text:
            elsewhere = [p.n for p in doc.paragraphs if quote in normalise_quote(p.text)]
            hint = f"; it occurs in paragraph {elsewhere[0]}" if elsewhere else ""
            at((*base, "quote"), f"judgment '{j.id}': quote not found in paragraph "
                                 f"{j.cite.paragraph} of '{j.cite.source}'{hint}")
    return docs


# -- expressions ---------------------------------------------------------------------------

def expression_sites(s: Scenario) -> Iterator[tuple[PathKey, Any, str]]:
    """(path, source, description) of every expression in ``s``."""
    for i, a in enumerate(s.actors):
        if a.influence is not None:
            yield ("actors", i, "influence"), a.influence, f"influence of '{a.id}'"
    for i, issue in enumerate(s.issues):
        for part in ("positions", "saliences"):
            for actor, e in getattr(issue, part).items():
                yield ("issues", i, part, actor), e, f"{part[:-1]} of '{actor}' on '{issue.id}'"
    for i, v in enumerate(s.state):
        for part in ("initial", "update", "value"):
            e = getattr(v, part)
            if e is not None:
                yield ("state", i, part), e, f"{part} of '{v.id}'"
    for i, c in enumerate(s.considerations):
        yield ("considerations", i, "weight"), c.weight, f"weight of '{c.id}'"
        for opt, e in c.values.items():
            yield ("considerations", i, "values", opt), e, f"value of '{c.id}' for '{opt}'"
    for i, d in enumerate(s.decisions):
        yield ("decisions", i, "sharpness"), d.sharpness, f"sharpness of '{d.id}'"
    for i, p in enumerate(s.policies):
        for part in ("halt", "step_down"):
            e = getattr(p, part)
            if e is not None:
                yield ("policies", i, part), e, f"{part} of '{p.id}'"
        for k, step in enumerate(p.ladder):
            base = ("policies", i, "ladder", k)
            yield from _effect_sites((*base, "effects"), step.effects, f"step '{step.id}'")
            yield from _effect_sites((*base, "on_enter"), step.on_enter, f"step '{step.id}'")
            for r, risk in enumerate(step.risks):
                yield (*base, "risks", r, "hazard"), risk.hazard, f"risk of step '{step.id}'"
    for i, e in enumerate(s.events):
        for part in ("hazard", "when", "probability"):
            x = getattr(e, part)
            if x is not None:
                yield ("events", i, part), x, f"{part} of event '{e.id}'"
        yield from _effect_sites(("events", i, "effects"), e.effects, f"event '{e.id}'")
    for i, o in enumerate(s.outcomes):
        for part in ("when", "hazard"):
            x = getattr(o, part)
            if x is not None:
                yield ("outcomes", i, part), x, f"{part} of outcome '{o.id}'"
        for name, x in o.record.items():
            yield ("outcomes", i, "record", name), x, f"record '{name}' of outcome '{o.id}'"
    for i, m in enumerate(s.metrics):
        yield ("metrics", i, "value"), m.value, f"metric '{m.id}'"


def _effect_sites(path: PathKey, eff: Effects | None, owner: str) -> Iterator:
    if eff is None:
        return
    for part in ("add", "multiply", "set"):
        for target, e in getattr(eff, part).items():
            yield (*path, part, target), e, f"{owner}: {part} to '{target}'"


def _compile_all(loaded: LoadedScenario, out: CheckedScenario, problems: list[Problem]) -> None:
    s = loaded.model
    full = out.namespace
    assert full is not None
    judgments_only = Namespace(
        values={**BUILTIN_NAMES, **{j.id: "judgment" for j in s.judgments}},
        id_functions={},
    )
    for path, source, what in expression_sites(s):
        ns = judgments_only if path[0] == "state" and path[2] == "initial" else full
        try:
            out.expressions[path] = compile_expression(
                source, ns, location=loaded.doc.locate(path), what=what
            )
        except KennanError as exc:
            if ns is judgments_only:
                exc = _explain_initial(exc, full)
            problems.extend(exc.problems)


def _explain_initial(exc: KennanError, full: Namespace) -> KennanError:
    notes = []
    for p in exc.problems:
        m = re.search(r"unknown name '([^']+)'", p.message)
        if m and m.group(1) in full.values:
            notes.append(Problem(f"{p.message.split(':')[0]}: an initial value may read only "
                                 f"judgments and t, not the {full.values[m.group(1)]} "
                                 f"'{m.group(1)}'", p.location))
        else:
            notes.append(p)
    return KennanError(notes)


def _derived_order(s: Scenario, out: CheckedScenario, at: Any) -> list[str]:
    """Derived variables in an order where each comes after those it reads; cycles are errors."""
    derived = {v.id: i for i, v in enumerate(s.state) if v.value is not None}
    deps = {}
    for name, i in derived.items():
        expr = out.expressions.get(("state", i, "value"))
        deps[name] = sorted(n for n in (expr.names if expr else ()) if n in derived)
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    reported: set[frozenset[str]] = set()

    def visit(node: str, stack: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = [*stack[stack.index(node):], node]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                at(("state", derived[cycle[0]], "value"),
                   f"derived state variables form a cycle: {' -> '.join(cycle)}")
            return
        state[node] = 1
        for dep in deps[node]:
            visit(dep, [*stack, node])
        state[node] = 2
        order.append(node)

    for name in derived:
        visit(name, [])
    return order


def _sorted(problems: list[Problem]) -> list[Problem]:
    def key(p: Problem) -> tuple[int, int]:
        loc = p.location
        return (loc.line or 0, loc.col or 0) if loc else (0, 0)

    return sorted(problems, key=key)
