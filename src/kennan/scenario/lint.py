"""Warnings about a valid scenario: what runs, but is probably not what was meant.

Two kinds, each a :class:`ScenarioWarning` with its place in the file:

- ``number``: a number written into an expression other than 0, 1, a small integer
  or 100 (the top of an issue's scale) is a judgment without grounds: it should be
  declared under ``judgments`` with a citation or an assumption, and read by name;
- ``unread``: a judgment, state variable, actor, consideration or tag that nothing
  reads, so it changes nothing the simulator computes.

``kennan validate`` prints them grouped by kind; ``--strict`` makes them errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kennan.errors import Location, Problem, place_key
from kennan.scenario.distributions import fmt
from kennan.scenario.expressions import expression_location, expression_sites
from kennan.scenario.loaded import CheckedScenario, ScenarioWarning
from kennan.scenario.schema import Scenario
from kennan.scenario.yamlsource import PathKey, YamlDocument

__all__ = ["GUARD", "KINDS", "SMALL_INTEGER", "is_plain_number", "scenario_warnings"]

#: Integers up to this size (either sign) are counts and simple ratios, not judgments.
SMALL_INTEGER = 10
#: Numbers smaller than this keep a division or a logarithm finite; they judge nothing.
GUARD = 1e-6
#: Numbers that are part of the language rather than judgments: the ends of an issue scale.
_SCALE_ENDS = {100.0}

#: Each kind of warning with the heading ``kennan validate`` prints above its group.
KINDS: dict[str, str] = {
    "number": "numbers written into expressions, each a judgment without grounds",
    "unread": "things nothing reads, which change nothing the simulator computes",
}


def is_plain_number(x: float) -> bool:
    """True for 0, 1, an integer up to :data:`SMALL_INTEGER` in size, 100, or a number
    smaller than :data:`GUARD` in size (a guard such as ``max(x, 1e-9)``, not a judgment)."""
    if abs(x) < GUARD:
        return True
    return x == int(x) and (abs(x) <= SMALL_INTEGER or abs(x) in _SCALE_ENDS)


def scenario_warnings(s: Scenario, doc: YamlDocument,
                      checked: CheckedScenario) -> list[ScenarioWarning]:
    """Every warning about ``s`` (already checked: its expressions compiled), by place.

    With hypotheses, a number written into an override is reported too, and something
    counts as unread only when no hypothesis reads it either; the judgments that weigh
    the hypotheses are read by the pooling."""
    found = [*_numbers(s, doc, checked), *_unread(s, doc, checked)]
    variants = [v.loaded.checked.warnings for v in getattr(checked, "hypotheses", {}).values()]
    if variants:
        weights = {f"judgment '{h.weight}' " for h in s.hypotheses}
        found = [w for w in found if w.kind != "unread" or (
            not w.problem.message.startswith(tuple(weights))
            and all(any(x.problem.message == w.problem.message for x in v) for v in variants))]
        seen = {str(w) for w in found}
        for v in variants:
            for w in v:
                if w.kind == "number" and str(w) not in seen:
                    seen.add(str(w))
                    found.append(w)
    return sorted(found, key=lambda w: place_key(w.problem))


# -- numbers in expressions --------------------------------------------------------------

def _numbers(s: Scenario, doc: YamlDocument,
             checked: CheckedScenario) -> Iterator[ScenarioWarning]:
    for path, source, what in expression_sites(s):
        expr = checked.expressions.get(path)
        if expr is None:
            continue
        if not isinstance(source, str):
            # A bare number where an expression goes: the whole value is the judgment.
            if isinstance(source, bool) or is_plain_number(float(source)):
                continue
            yield _number(what, fmt(float(source)), doc.locate(path))
            continue
        for lit in expr.literals:
            if not is_plain_number(lit.value):
                yield _number(what, fmt(lit.value),
                              expression_location(doc, path, source, lit.line, lit.col))


def _number(what: str, text: str, where: Location) -> ScenarioWarning:
    message = (f"{what}: the number {text} is a judgment without grounds; make it a "
               "judgment (cite or assumption) and read it by name")
    return ScenarioWarning("number", Problem(message, where))


# -- what nothing reads --------------------------------------------------------------------

Unread = Callable[[PathKey, str], ScenarioWarning]


def _unread(s: Scenario, doc: YamlDocument,
            checked: CheckedScenario) -> Iterator[ScenarioWarning]:
    reads: dict[PathKey, set[str]] = {}
    id_reads: set[tuple[str, str]] = set()
    for path, expr in checked.expressions.items():
        reads[path] = set(expr.names)
        id_reads |= expr.id_refs
    names_read = set().union(*reads.values()) if reads else set()

    def unread(path: PathKey, message: str) -> ScenarioWarning:
        return ScenarioWarning("unread", Problem(message, doc.locate(path)))

    for i, j in enumerate(s.judgments):
        if j.id not in names_read:
            yield unread(("judgments", i, "id"),
                         f"judgment '{j.id}' is read by no expression, so it changes nothing; "
                         "read it where it belongs, or remove it")
    for i, v in enumerate(s.state):
        own = {("state", i, "update"), ("state", i, "value")}
        if not any(v.id in names for path, names in reads.items() if path not in own):
            yield unread(("state", i, "id"),
                         f"state variable '{v.id}' is read by no other expression (no "
                         "consideration, condition, hazard, metric or other variable), so it "
                         "changes nothing; read it, or remove it")
    yield from _unread_actors(s, id_reads, unread)
    yield from _unread_considerations(s, names_read, id_reads, unread)
    forbidden = {tag for p in s.policies for tag in p.forbid}
    seen: set[str] = set()
    for i, p in enumerate(s.policies):
        for below, step in p.steps():
            for n, tag in enumerate(step.tags):
                if tag in seen:
                    continue
                seen.add(tag)
                if tag not in forbidden and ("tagged", tag) not in id_reads:
                    yield unread(("policies", i, *below, "tags", n),
                                 f"tag '{tag}' is read by no expression (tagged({tag})) and "
                                 "forbidden by no policy, so it changes nothing")


def _unread_actors(s: Scenario, id_reads: set[tuple[str, str]],
                   unread: Unread) -> Iterator[ScenarioWarning]:
    owners = {d.owner for d in s.decisions}
    deciders = set(owners)
    deciders |= {a.id for a in s.actors if a.kind == "faction" and a.of in owners}
    deciders |= {x for f, x in id_reads if f == "influence"}
    deciders |= {c.actor for c in s.considerations}
    # An issue decision of an owner without factions (a negotiation) settles among every
    # actor that holds a position on the issue.
    issues = {x.id: x for x in s.issues}
    with_factions = {a.of for a in s.actors if a.kind == "faction"}
    for d in s.decisions:
        if d.issue in issues and d.owner not in with_factions:
            deciders |= set(issues[d.issue].positions)
    positioned = {actor for issue in s.issues for actor in issue.positions}
    for i, a in enumerate(s.actors):
        if a.id not in deciders:
            why = ("; its positions count only where it decides (as a faction of the "
                   "owner, or in a negotiation: an owner without factions)") \
                if a.id in positioned else ""
            yield unread(("actors", i, "id"),
                         f"actor '{a.id}' takes no decision, belongs to no state that does, "
                         f"and no expression reads its influence, so it changes nothing{why}")


def _unread_considerations(s: Scenario, names_read: set[str], id_reads: set[tuple[str, str]],
                           unread: Unread) -> Iterator[ScenarioWarning]:
    decisions = {d.id: d for d in s.decisions}
    probs = {x for f, x in id_reads if f == "prob"}
    for i, c in enumerate(s.considerations):
        d = decisions.get(c.decision)
        if d is None or d.options is None:
            continue
        options = [o.id for o in d.options]
        if not any(o in names_read or o in probs for o in options):
            yield unread(("considerations", i, "id"),
                         f"consideration '{c.id}' feeds decision '{d.id}', whose choice no "
                         f"expression reads (its options {', '.join(options)}, or prob() of "
                         "them), so it changes nothing")
