"""Semantic checks of a scenario whose shape is already valid.

Every problem is collected, then raised together: duplicate, reserved or unusable
ids, references to things that do not exist, decisions nobody can take,
expressions that do not compile, values out of range whatever the draw, cycles
among derived state variables, policies that use a tag they forbid, judgments
whose distribution is impossible, and citations whose quote is not in the cited
paragraph of the cited source.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kennan.compiler import FUNCTIONS, Namespace, name_problem
from kennan.errors import KennanError, Location, Problem, ScenarioError, by_place, did_you_mean
from kennan.scenario.dependence import check_dependencies
from kennan.scenario.distributions import Distribution
from kennan.scenario.expressions import (
    BUILTIN_NAMES,
    check_ranges,
    check_stage_order,
    compile_all,
    derived_order,
)
from kennan.scenario.hypotheses import check_hypotheses, variant
from kennan.scenario.judgments import load_vocabulary
from kennan.scenario.lint import scenario_warnings
from kennan.scenario.loaded import CheckedScenario, LoadedScenario, Variant
from kennan.scenario.schema import ENTITY_LISTS, SINGULAR, Effects, Scenario
from kennan.scenario.sources import check_sources
from kennan.scenario.yamlsource import PathKey, YamlDocument

__all__ = ["ID_FUNCTIONS", "check_scenario", "namespace_of", "reserved_names"]

#: The id-functions of the expression language: each takes one id of a kind.
ID_FUNCTIONS = {"tagged": "tag", "active": "step", "fired": "event", "prob": "option",
                "influence": "faction"}


def check_scenario(loaded: LoadedScenario) -> CheckedScenario:
    """Check ``loaded`` and return what was built, or raise every problem at once."""
    s = loaded.model
    doc = loaded.doc
    problems: list[Problem] = []
    out = CheckedScenario()
    at = _Reporter(doc, problems)
    ids = _check_ids(s, at)
    _check_references(s, ids, at)
    _check_decisions(s, at)
    out.distributions = _check_judgments(s, at)
    check_dependencies(s, out.distributions, at)
    out.documents = check_sources(loaded, at)
    out.namespace = namespace_of(s)
    compile_all(s, doc, out, problems)
    check_ranges(s, out, at)
    check_stage_order(s, out, at)
    out.derived_order = derived_order(s, out, at)
    sound = check_hypotheses(loaded, out, ids, at)
    out.hypotheses = _check_variants(loaded, sound, problems)
    if problems:
        raise ScenarioError(by_place(problems))
    out.warnings = scenario_warnings(s, doc, out)
    return out


def _check_variants(loaded: LoadedScenario, sound: list[int],
                    problems: list[Problem]) -> dict[str, Variant]:
    """Each sound hypothesis's variant checked as a scenario of its own, by id; its
    problems that the scenario itself lacks go to ``problems``, prefixed with it."""
    variants = {}
    known = {(p.message, _key(p.location)) for p in problems}
    for h in sound:
        hyp = loaded.model.hypotheses[h]
        try:
            read = variant(loaded, h)
            read.checked = check_scenario(read)
        except ScenarioError as exc:
            for p in exc.problems:
                if (p.message, _key(p.location)) not in known:
                    problems.append(Problem(f"under hypothesis '{hyp.id}': {p.message}",
                                            p.location))
            continue
        variants[hyp.id] = Variant(hyp.id, hyp.label, hyp.weight, read)
    return variants


def _key(loc: Location | None) -> tuple:
    return (loc.file, loc.line, loc.col) if loc is not None else ()


@dataclass
class _Reporter:
    """``at(path, message)`` records a problem at ``path`` of the document."""

    doc: YamlDocument
    problems: list[Problem]

    def __call__(self, path: PathKey, message: str, *, key: bool = False,
                 text: bool = False) -> None:
        # ``text``: at the first character of a text value (past a quote), not its token.
        where = self.doc.locate_text(path) if text else self.doc.locate(path, key=key)
        self.problems.append(Problem(message, where))

    def line(self, path: PathKey) -> int | None:
        """The line of the value at ``path``."""
        return self.doc.locate(path).line


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
    unreadable = {o.id: _OUTCOME_READ for o in s.outcomes}
    unreadable.update({m.id: _METRIC_READ for m in s.metrics})
    tags = {t for p in s.policies for _, step in p.steps() for t in step.tags}
    tags |= {t for p in s.policies for t in p.forbid}
    return Namespace(
        values=values,
        id_functions={
            "tagged": frozenset(tags),
            "active": frozenset(step.id for p in s.policies for _, step in p.steps()),
            "fired": frozenset(e.id for e in s.events),
            "prob": frozenset(o.id for d in s.decisions for o in (d.options or [])),
            "influence": frozenset(a.id for a in s.actors if a.kind == "faction"),
        },
        unreadable=unreadable,
    )


# Why an outcome or a metric cannot be read, and what to read instead.
_OUTCOME_READ = ("an outcome, which no expression can read: an outcome is where a draw "
                 "ends, not a value during it; read what it is reached from (its 'when' or "
                 "'hazard'), or declare an event with that condition and read fired(event)")
_METRIC_READ = ("a metric, which no expression can read: metrics are recorded for the "
                "results; read the expression of its 'value' instead")


def reserved_names() -> dict[str, str]:
    """Names no id may take, each with the reason: they mean something in expressions."""
    out = {name: "a built-in name of expressions" for name in BUILTIN_NAMES}
    out.update({name: "a function of expressions" for name in FUNCTIONS})
    out.update({name: "an id-function of expressions" for name in ID_FUNCTIONS})
    return out


# -- ids and references -------------------------------------------------------------------

def _entities(s: Scenario) -> Iterator[tuple[PathKey, str, str]]:
    """(path, id, kind) of every entity with an id, nested ones included."""
    for name in ENTITY_LISTS:
        for i, item in enumerate(getattr(s, name)):
            yield (name, i, "id"), item.id, name
    for i, d in enumerate(s.decisions):
        for k, o in enumerate(d.options or []):
            yield ("decisions", i, "options", k, "id"), o.id, "options"
    for i, p in enumerate(s.policies):
        for rel, step in p.steps():
            yield ("policies", i, *rel, "id"), step.id, "steps"


def _check_ids(s: Scenario, at: _Reporter) -> dict[str, str]:
    """Every id unique, usable in expressions and not reserved; returns id -> kind."""
    seen: dict[str, tuple[PathKey, str]] = {}
    reserved = reserved_names()
    for path, ident, kind in _entities(s):
        why = name_problem(ident)
        if why is not None:
            at(path, f"invalid id for {SINGULAR[kind]}: {why}")
        elif ident in reserved:
            at(path, f"id '{ident}' is reserved: it is {reserved[ident]}; choose another id")
        elif ident in seen:
            first_path, first_kind = seen[ident]
            at(path, f"duplicate id '{ident}': already the id of {SINGULAR[first_kind]} "
                     f"'{ident}' (line {at.line(first_path)}); ids must be unique within "
                     "a scenario")
        else:
            seen[ident] = (path, kind)
    for i, p in enumerate(s.policies):
        for n, tag in enumerate(p.forbid):
            _check_tag(tag, ("policies", i, "forbid", n), reserved, at)
        for rel, step in p.steps():
            for n, tag in enumerate(step.tags):
                _check_tag(tag, ("policies", i, *rel, "tags", n), reserved, at)
        # Track ids name a policy's ladders in reports; unique within their policy.
        first: dict[str, int] = {}
        for j, track in enumerate(p.tracks):
            if track.id in first:
                at(("policies", i, "tracks", j, "id"),
                   f"duplicate track id '{track.id}' in policy '{p.id}': already track "
                   f"{first[track.id] + 1}; tracks of one policy need different ids")
            first.setdefault(track.id, j)
    return {ident: kind for ident, (_, kind) in seen.items()}


def _check_tag(tag: str, path: PathKey, reserved: dict[str, str], at: Any) -> None:
    why = name_problem(tag)
    if why is not None:
        at(path, f"invalid tag: {why}")
    elif tag in reserved:
        at(path, f"tag '{tag}' is reserved: it is {reserved[tag]}; choose another tag")


def _check_references(s: Scenario, ids: dict[str, str], at: Any) -> None:
    def ref(path: PathKey, ident: str, kinds: tuple[str, ...], what: str,
            key: bool = False) -> None:
        if ids.get(ident) not in kinds:
            pool = [i for i, k in ids.items() if k in kinds]
            at(path, f"unknown {what} '{ident}'{did_you_mean(ident, pool)}", key=key)

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
        for actor in issue.saliences:
            if actor in actors and actor not in issue.positions:
                at(("issues", i, "saliences", actor),
                   f"'{actor}' has a salience on issue '{issue.id}' but no position; "
                   "give it a position too, or drop the salience", key=True)
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
                    at(("considerations", i, "values", opt),
                       f"'{opt}' is not an option of decision '{d.id}'"
                       f"{did_you_mean(opt, options)}; "
                       f"options: {', '.join(options)}", key=True)
    _check_effects_and_policies(s, ids, ref, at)


def _check_effects_and_policies(s: Scenario, ids: dict[str, str], ref: Any, at: Any) -> None:
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
                    at(p, f"unknown state variable '{target}'{did_you_mean(target, stocks)}",
                       key=True)

    for i, p in enumerate(s.policies):
        forbidden = set(p.forbid)
        for rel, step in p.steps():
            base = ("policies", i, *rel)
            for n, tag in enumerate(step.tags):
                if tag in forbidden:
                    at((*base, "tags", n), f"policy '{p.id}' forbids tag '{tag}', "
                                           f"but its step '{step.id}' carries it")
            effects((*base, "effects"), step.effects)
            effects((*base, "on_enter"), step.on_enter)
            for r, risk in enumerate(step.risks):
                ref((*base, "risks", r, "event"), risk.event, ("events",), "event")
    start = s.time.start.replace(day=1)
    for i, e in enumerate(s.events):
        effects(("events", i, "effects"), e.effects)
        if e.at is not None and e.at < start:
            at(("events", i, "at"), f"event date {e.at} is before the scenario starts "
                                    f"({s.time.start:%Y-%m})")
    for i, m in enumerate(s.metrics):
        if isinstance(m.after, dict):
            for oc in m.after:
                ref(("metrics", i, "after", oc), oc, ("outcomes",), "outcome", key=True)
    if s.baseline is not None:
        ref(("baseline",), s.baseline, ("policies",), "policy (course of action)")
    if s.question is not None:
        if isinstance(s.question.outcome, list):
            outcomes = [o.id for o in s.outcomes]
            for n, member in enumerate(s.question.outcome):
                if member not in outcomes:
                    at(("question", "outcome", n),
                       f"the question's union names unknown outcome '{member}'"
                       f"{did_you_mean(member, outcomes)}; expected one of the outcomes: "
                       f"{', '.join(outcomes) or 'none (the scenario has no outcomes)'}")
        else:
            ref(("question", "outcome"), s.question.outcome, ("outcomes",), "outcome")
        if s.question.risk is not None:
            ref(("question", "risk"), s.question.risk, ("outcomes",), "outcome")
        if s.question.within is not None and s.question.within > s.time.horizon:
            at(("question", "within"), f"within {s.question.within} periods is past the "
                                       f"horizon of {s.time.horizon}")
    if s.replay is not None:
        ref(("replay", "course"), s.replay.course, ("policies",), "policy (course of action)")
        for ev in s.replay.events:
            ref(("replay", "events", ev), ev, ("events",), "event", key=True)
        for oc in s.replay.actual:
            ref(("replay", "actual", oc), oc, ("outcomes",), "outcome", key=True)


def _check_decisions(s: Scenario, at: Any) -> None:
    """Every decision has someone to take it; considerations reach someone who decides."""
    actors = {a.id for a in s.actors}
    factions: dict[str, list[str]] = {}
    for a in s.actors:
        if a.kind == "faction" and a.of is not None:
            factions.setdefault(a.of, []).append(a.id)
    decisions = {d.id: d for d in s.decisions}
    issues = {x.id: x for x in s.issues}
    for i, c in enumerate(s.considerations):
        d = decisions.get(c.decision)
        if d is None or d.options is None or c.actor not in actors or c.actor == d.owner:
            continue
        members = factions.get(d.owner, [])
        if c.actor not in members:
            who = (f"the factions of '{d.owner}' ({', '.join(members)})" if members
                   else f"'{d.owner}' itself (it has no factions)")
            at(("considerations", i, "actor"),
               f"consideration '{c.id}' belongs to '{c.actor}', who does not take decision "
               f"'{d.id}': it is taken by {who}, so this consideration would count for "
               "nothing")
    for i, d in enumerate(s.decisions):
        issue = issues.get(d.issue) if d.issue is not None else None
        if issue is None or d.owner not in actors:
            continue
        members = factions.get(d.owner, [])
        missing = [f for f in members if f not in issue.positions]
        if members and len(missing) == len(members):
            at(("decisions", i, "issue"),
               f"decision '{d.id}' settles issue '{issue.id}' among the factions of "
               f"'{d.owner}' ({', '.join(members)}), but none of them holds a position on it; "
               f"give them positions under issue '{issue.id}'")
        elif missing:
            at(("decisions", i, "issue"),
               f"decision '{d.id}' settles issue '{issue.id}' among the factions of "
               f"'{d.owner}', but {', '.join(repr(f) for f in missing)} "
               f"{'holds' if len(missing) == 1 else 'hold'} no position on it; "
               "give every faction a position")
        elif not members and not issue.positions:
            at(("decisions", i, "issue"),
               f"decision '{d.id}' settles issue '{issue.id}', but no actor holds a position "
               "on it")


# -- judgments ---------------------------------------------------------------------------

def _check_judgments(s: Scenario, at: Any) -> dict[str, Distribution]:
    default_ok = True
    try:
        load_vocabulary(s.vocabulary)
    except (ValueError, KennanError) as exc:
        default_ok = False
        at(("vocabulary",), f"vocabulary: {_text(exc)}")
    out = {}
    for i, j in enumerate(s.judgments):
        if j.kind == "phrase" and j.vocabulary is None and not default_ok:
            continue
        try:
            out[j.id] = j.distribution(s.vocabulary)
        except (ValueError, KennanError) as exc:
            at(("judgments", i, j.kind), f"judgment '{j.id}': {_text(exc)}")
    return out


def _text(exc: Exception) -> str:
    if isinstance(exc, KennanError):
        return "; ".join(p.message for p in exc.problems)
    return str(exc)
