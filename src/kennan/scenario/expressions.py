"""Compile every expression of a scenario, order derived state, check static ranges.

Part of semantic checking (:mod:`kennan.scenario.checks`): each expression is
compiled against the scenario's namespace and every problem is placed at the
character of the file it concerns, past a quote, inside a block scalar, across
folded lines. Values the language can judge without running (a constant, or a
probability that reads one judgment) are checked against their ranges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from kennan.compiler import Expression, Namespace, compile_expression
from kennan.errors import KennanError, Location, Problem
from kennan.scenario.distributions import fmt
from kennan.scenario.loaded import CheckedScenario
from kennan.scenario.schema import Effects, Scenario
from kennan.scenario.yamlsource import PathKey, YamlDocument

#: Names every expression may read besides the scenario's ids.
BUILTIN_NAMES = {"t": "time (the period index, 0 at the start)"}

At = Callable[..., None]


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
        for lane, lad in p.lanes():
            owner = f"'{p.id}'" if not lane else f"track '{lad.id}' of '{p.id}'"
            for part in ("halt", "step_down"):
                e = getattr(lad, part)
                if e is not None:
                    yield ("policies", i, *lane, part), e, f"{part} of {owner}"
        for rel, step in p.steps():
            base = ("policies", i, *rel)
            if step.when is not None:
                yield (*base, "when"), step.when, f"when of step '{step.id}'"
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
        if o.worth is not None:
            yield ("outcomes", i, "worth"), o.worth, f"worth of outcome '{o.id}'"
    for i, m in enumerate(s.metrics):
        yield ("metrics", i, "value"), m.value, f"metric '{m.id}'"
        if isinstance(m.after, dict):
            for oc, x in m.after.items():
                yield ("metrics", i, "after", oc), x, f"value of '{m.id}' after '{oc}'"
        if m.worth is not None:
            yield ("metrics", i, "worth"), m.worth, f"worth of metric '{m.id}'"


def _effect_sites(path: PathKey, eff: Effects | None, owner: str) -> Iterator:
    if eff is None:
        return
    for part in ("add", "multiply", "set"):
        for target, e in getattr(eff, part).items():
            yield (*path, part, target), e, f"{owner}: {part} to '{target}'"


def compile_all(s: Scenario, doc: YamlDocument, out: CheckedScenario,
                problems: list[Problem]) -> None:
    """Compile every expression of ``s`` into ``out.expressions``; collect the problems."""
    full = out.namespace
    assert full is not None
    judgments_only = Namespace(
        values={**BUILTIN_NAMES, **{j.id: "judgment" for j in s.judgments}},
        id_functions={},
        unreadable=full.unreadable,
    )
    for path, source, what in expression_sites(s):
        # An initial value, and a worth (one value per draw), read judgments only.
        ns = judgments_only if path[2] in ("initial", "worth") else full
        try:
            # No location: the compiler then reports places within the text, and we map
            # them onto the file ourselves (quotes, block scalars and folded lines).
            out.expressions[path] = compile_expression(source, ns, what=what)
        except KennanError as exc:
            found = [Problem(p.message, _place(doc, path, source, p.location))
                     for p in exc.problems]
            if ns is judgments_only:
                found = _explain_initial(found, full, "a worth" if path[2] == "worth"
                                         else "an initial value")
            problems.extend(found)


_LINE_START = re.compile(r"\r\n|\r|\n")


def _place(doc: YamlDocument, path: PathKey, source: Any, where: Location | None) -> Location:
    """The file position of a compiler problem at ``where`` (line, column in the text)."""
    if not isinstance(source, str):
        return doc.locate(path)
    if where is None or where.line is None:
        return doc.locate_text(path)
    starts = [0] + [m.end() for m in _LINE_START.finditer(source)]
    line = min(max(where.line, 1), len(starts))
    return doc.locate_text(path, starts[line - 1] + max((where.col or 1) - 1, 0))


def expression_location(doc: YamlDocument, path: PathKey, source: Any, line: int,
                        col: int) -> Location:
    """The file position of character ``col`` (0-based) of line ``line`` (1-based) of the
    expression ``source`` found at ``path``."""
    return _place(doc, path, source, Location(None, line, col + 1))


def _explain_initial(problems: list[Problem], full: Namespace,
                     kind: str = "an initial value") -> list[Problem]:
    notes = []
    for p in problems:
        m = re.search(r"unknown name '([^']+)'", p.message)
        if m and m.group(1) in full.values:
            notes.append(Problem(f"{p.message.split(':')[0]}: {kind} may read only "
                                 f"judgments and t, not the {full.values[m.group(1)]} "
                                 f"'{m.group(1)}'", p.location))
        else:
            notes.append(p)
    return notes


# -- static ranges --------------------------------------------------------------------------

def probability_sites(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """(path, description) of every expression whose value is a probability per period."""
    for i, e in enumerate(s.events):
        if e.hazard is not None:
            yield ("events", i, "hazard"), f"hazard of event '{e.id}'"
        yield ("events", i, "probability"), f"probability of event '{e.id}'"
    for i, o in enumerate(s.outcomes):
        if o.hazard is not None:
            yield ("outcomes", i, "hazard"), f"hazard of outcome '{o.id}'"
    for i, p in enumerate(s.policies):
        for rel, step in p.steps():
            for r, risk in enumerate(step.risks):
                yield (("policies", i, *rel, "risks", r, "hazard"),
                       f"risk of step '{step.id}' (event '{risk.event}')")


def check_ranges(s: Scenario, out: CheckedScenario, at: At) -> None:
    """Refuse values that are out of range whatever the draw.

    A probability (an event's probability or hazard, an outcome's hazard, a risk) that
    is a constant, or reads a single judgment whose distribution reaches outside
    [0, 1], is an error; so are constant issue positions outside 0-100, constant
    saliences outside [0, 1], negative constant influences and sharpnesses, and a
    constant initial value outside its variable's bounds.
    """
    ex = out.expressions
    for path, what in probability_sites(s):
        expr = ex.get(path)
        if expr is None:
            continue
        if expr.constant is not None and not 0.0 <= expr.constant <= 1.0:
            at(path, f"{what}: a probability must lie in [0, 1], got {fmt(expr.constant)}",
               text=True)
            continue
        name = _bare_name(expr)
        dist = out.distributions.get(name) if name else None
        if dist is not None:
            low, high = dist.bounds
            if low < 0.0 or high > 1.0:
                at(path, f"{what}: a probability must lie in [0, 1], but judgment '{name}' "
                         f"({dist.describe()}) ranges over [{fmt(low)}, {fmt(high)}]",
                   text=True)

    def constant(path: PathKey, ok: Callable[[float], bool], rule: str, what: str) -> None:
        expr = ex.get(path)
        if expr is not None and expr.constant is not None and not ok(expr.constant):
            at(path, f"{what}: {rule}, got {fmt(expr.constant)}", text=True)

    for i, issue in enumerate(s.issues):
        for actor in issue.positions:
            constant(("issues", i, "positions", actor), lambda x: 0.0 <= x <= 100.0,
                     "a position lies on the issue's 0-100 scale",
                     f"position of '{actor}' on '{issue.id}'")
        for actor in issue.saliences:
            constant(("issues", i, "saliences", actor), lambda x: 0.0 <= x <= 1.0,
                     "a salience lies in [0, 1]", f"salience of '{actor}' on '{issue.id}'")
    for i, a in enumerate(s.actors):
        if a.influence is not None:
            constant(("actors", i, "influence"), lambda x: x >= 0.0,
                     "an influence must be >= 0", f"influence of '{a.id}'")
    for i, d in enumerate(s.decisions):
        constant(("decisions", i, "sharpness"), lambda x: x >= 0.0,
                 "a sharpness must be >= 0 (0: every option equally likely)",
                 f"sharpness of '{d.id}'")
    for i, v in enumerate(s.state):
        if v.bounds is not None and v.initial is not None:
            low, high = v.bounds
            constant(("state", i, "initial"), lambda x, lo=low, hi=high: lo <= x <= hi,
                     f"the initial value must lie within its bounds [{fmt(low)}, {fmt(high)}]",
                     f"initial of '{v.id}'")


def check_stage_order(s: Scenario, out: CheckedScenario, at: At) -> None:
    """Refuse reads of a faction's influence where it is not yet settled.

    Influence is normalised at stage 7, after derived variables (stage 6) and from
    the factions' influence expressions themselves, so neither may call
    ``influence()``: in the first period there would be nothing to read.
    """
    sites = [(("state", i, "value"), f"value of '{v.id}'", "a derived variable")
             for i, v in enumerate(s.state) if v.value is not None]
    sites += [(("actors", i, "influence"), f"influence of '{a.id}'", "an influence")
              for i, a in enumerate(s.actors) if a.influence is not None]
    for path, what, kind in sites:
        expr = out.expressions.get(path)
        reads = sorted(x for f, x in (expr.id_refs if expr else ()) if f == "influence")
        if reads:
            at(path, f"{what}: {kind} cannot read influence({reads[0]}): influence is settled "
                     "after derived variables and from the influence expressions, each "
                     "period; read what that influence is computed from instead", text=True)


def _bare_name(expr: Expression) -> str | None:
    """The one name an expression consists of (``"p_war"``), else None."""
    if len(expr.names) != 1 or expr.id_refs:
        return None
    (name,) = expr.names
    return name if str(expr.source).strip() == name else None


# -- derived state ---------------------------------------------------------------------------

def derived_order(s: Scenario, out: CheckedScenario, at: At) -> list[str]:
    """Derived variables in an order where each comes after those it reads; cycles are errors."""
    derived = {v.id: i for i, v in enumerate(s.state) if v.value is not None}
    deps = {}
    for name, i in derived.items():
        expr = out.expressions.get(("state", i, "value"))
        deps[name] = sorted(n for n in (expr.names if expr else ()) if n in derived)
    order: list[str] = []
    color: dict[str, int] = {}  # 1 on the current path, 2 done
    reported: set[frozenset[str]] = set()
    for root in derived:
        if root in color:
            continue
        # Depth-first, with an explicit stack: a long chain of variables must not recurse.
        color[root] = 1
        path, stack = [root], [iter(deps[root])]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                node = path.pop()
                color[node] = 2
                order.append(node)
            elif color.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    at(("state", derived[cycle[0]], "value"),
                       f"derived state variables form a cycle: {' -> '.join(cycle)}; a derived "
                       "variable may not depend on itself (make one of them a stock with "
                       "'initial' and 'update')", text=True)
            elif nxt not in color:
                color[nxt] = 1
                path.append(nxt)
                stack.append(iter(deps[nxt]))
    return order
