"""How a scenario works, for the report: what reads what, and each definition in words.

:func:`mechanism_graph` builds an influence diagram from the compiled expressions'
dependencies: a node for every judgment, course of action, event, state variable,
faction, consideration, decision and outcome, and an edge from each thing read to
each thing whose expression reads it (plus the structure the language itself wires:
a consideration feeds its decision, a faction its state's decisions, a step's
effects its variables, an event's effects its variables, a step's risks their
events). :func:`definitions` states each event, decision and outcome in words.
:mod:`kennan.report.diagram` draws the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kennan.scenario.distributions import fmt
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.schema import Effects, Scenario

#: The kinds of node, left to right in the diagram: its columns.
COLUMNS: tuple[tuple[str, ...], ...] = (
    ("judgment",), ("course", "event"), ("state",), ("faction", "consideration"),
    ("decision",), ("outcome",),
)
COURSES = "courses"  # the one node that stands for every course's ladder steps


@dataclass(frozen=True)
class MechanismNode:
    """One thing of the scenario: its id, kind (see :data:`COLUMNS`) and display label."""

    id: str
    kind: str
    label: str


@dataclass
class MechanismGraph:
    """Nodes in file order and edges (read, reader), each edge once."""

    nodes: list[MechanismNode] = field(default_factory=list)
    edges: set[tuple[str, str]] = field(default_factory=set)

    def node(self, ident: str) -> MechanismNode | None:
        """The node with id ``ident``, if any."""
        return next((n for n in self.nodes if n.id == ident), None)


def mechanism_graph(loaded: LoadedScenario) -> MechanismGraph:
    """What reads what in ``loaded``, from its compiled expressions (see the module)."""
    s = loaded.model
    g = MechanismGraph()
    g.nodes += [MechanismNode(j.id, "judgment", j.id) for j in s.judgments]
    if any(p.steps() for p in s.policies):
        g.nodes.append(MechanismNode(COURSES, "course", "courses of action"))
    g.nodes += [MechanismNode(e.id, "event", e.label) for e in s.events]
    g.nodes += [MechanismNode(v.id, "state", v.label) for v in s.state]
    g.nodes += [MechanismNode(a.id, "faction", a.label) for a in s.actors if a.kind == "faction"]
    g.nodes += [MechanismNode(c.id, "consideration", c.label) for c in s.considerations]
    g.nodes += [MechanismNode(d.id, "decision", d.label) for d in s.decisions]
    g.nodes += [MechanismNode(o.id, "outcome", o.label) for o in s.outcomes]
    source = _sources(s)
    for path, expr in loaded.checked.expressions.items():
        for reader in _readers(s, path):
            for name in expr.names:
                if name in source:
                    g.edges.add((source[name], reader))
            for function, ident in expr.id_refs:
                read = COURSES if function in ("tagged", "active") else source.get(ident)
                if read is not None:
                    g.edges.add((read, reader))
    g.edges |= structural_edges(s)
    for c in s.considerations:
        g.edges.add((c.id, c.decision))
    for a in s.actors:
        if a.kind == "faction":
            g.edges |= {(a.id, d.id) for d in s.decisions if d.owner == a.of}
    known = {n.id for n in g.nodes}
    g.edges = {(a, b) for a, b in g.edges if a in known and b in known and a != b}
    return g


def _sources(s: Scenario) -> dict[str, str]:
    """Each name or id an expression may read -> the node it belongs to."""
    out = {j.id: j.id for j in s.judgments}
    out.update({v.id: v.id for v in s.state})
    out.update({e.id: e.id for e in s.events})
    out.update({a.id: a.id for a in s.actors if a.kind == "faction"})
    for d in s.decisions:
        out[d.id] = d.id
        out.update({o.id: d.id for o in d.options or []})
    return out


def _readers(s: Scenario, path: tuple[Any, ...]) -> list[str]:
    """The nodes an expression at ``path`` feeds (none for a metric or a record)."""
    head, i = path[0], path[1]
    if head == "actors":
        return [s.actors[i].id]
    if head == "issues":
        return [d.id for d in s.decisions if d.issue == s.issues[i].id]
    if head in ("state", "considerations", "decisions"):
        return [getattr(s, head)[i].id]
    if head == "policies":
        if "risks" in path:
            k = path.index("risks")
            return [_step_at(s, path).risks[path[k + 1]].event]
        if "effects" in path or "on_enter" in path:
            return [path[-1]]
        return [COURSES]
    if head == "events":
        return [path[-1]] if path[2] == "effects" else [s.events[i].id]
    if head == "outcomes" and path[2] != "record":
        return [s.outcomes[i].id]
    return []


def _step_at(s: Scenario, path: tuple[Any, ...]) -> Any:
    node: Any = s
    for part in path[: path.index("risks")]:
        node = node[part] if isinstance(part, int) else getattr(node, part)
    return node


def structural_edges(s: Scenario) -> set[tuple[str, str]]:
    """Edges the language wires whatever the expressions say: a step's effects feed
    their variables and its risks their events; an event's effects its variables."""
    out: set[tuple[str, str]] = set()
    for p in s.policies:
        for _, st in p.steps():
            for eff in (st.effects, st.on_enter):
                out |= {(COURSES, v) for v in (eff.targets() if eff else [])}
            out |= {(COURSES, r.event) for r in st.risks}
    for e in s.events:
        out |= {(e.id, v) for v in (e.effects.targets() if e.effects else [])}
    return out


# -- definitions in words --------------------------------------------------------------------

@dataclass(frozen=True)
class Definition:
    """One event, decision or outcome stated in words; ``code`` parts are expressions."""

    id: str
    kind: str
    label: str
    sentences: list[list[tuple[str, str]]]  # each sentence: ("text" | "code", part)
    note: str | None = None


def definitions(loaded: LoadedScenario) -> list[Definition]:
    """Every event, decision and outcome of ``loaded`` in words, in that order."""
    s = loaded.model
    out = [_event(s, e) for e in s.events]
    out += [_decision(s, d) for d in s.decisions]
    out += [_outcome(o, k, len(s.outcomes)) for k, o in enumerate(s.outcomes)]
    return out


def _t(text: str) -> tuple[str, str]:
    return ("text", text)


def _c(expr: Any) -> tuple[str, str]:
    # A number read from YAML is a float: 0.0 is shown as it was written, 0.
    return ("code", fmt(float(expr)) if isinstance(expr, int | float) and
            not isinstance(expr, bool) else str(expr))


def _effects(eff: Effects | None) -> list[tuple[str, str]]:
    """``sets x to a, multiplies y by b, adds c to z`` as text and code parts."""
    if eff is None or not eff.targets():
        return []
    parts: list[tuple[str, str]] = []
    for target, value in eff.set.items():
        parts += [_t(", " if parts else ""), _t("sets "), _c(target), _t(" to "), _c(value)]
    for target, value in eff.multiply.items():
        parts += [_t(", " if parts else ""), _t("multiplies "), _c(target), _t(" by "),
                  _c(value)]
    for target, value in eff.add.items():
        parts += [_t(", " if parts else ""), _t("adds "), _c(value), _t(" to "), _c(target)]
    return parts


def _event(s: Scenario, e: Any) -> Definition:
    times = ("one chance only, the first month it holds" if e.once
             else "repeatedly" if e.repeat else "at most once per draw")
    certain = not isinstance(e.probability, str) and float(e.probability) == 1.0
    if e.at is not None:
        first = ([_t(f"Fires in {e.at:%Y-%m}.")] if certain else
                 [_t(f"Fires in {e.at:%Y-%m} with probability "), _c(e.probability), _t(".")])
    elif e.hazard is not None:
        first = [_t("Fires each month with probability "), _c(e.hazard),
                 _t(f" ({'repeatedly' if e.repeat else 'at most once per draw'}).")]
    elif e.when is not None:
        chance = [] if certain else [_t(" with probability "), _c(e.probability)]
        first = [_t("Fires"), *chance, _t(" in a month that "), _c(e.when),
                 _t(f" holds ({times}).")]
    else:
        first = [_t("Has no trigger of its own: it fires only through the risks of steps.")]
    sentences = [first]
    risks = [(p, st, r) for p in s.policies for _, st in p.steps() for r in st.risks
             if r.event == e.id]
    if risks:
        parts = [_t("While held, these steps add to its chance each month: ")]
        for n, (p, st, r) in enumerate(risks):
            parts += [_t("; " if n else ""), _t(f"{st.label} ({p.label}) at "), _c(r.hazard)]
        sentences.append([*parts, _t(".")])
    effects = _effects(e.effects)
    if effects:
        sentences.append([_t("When it fires, it "), *effects, _t(".")])
    return Definition(e.id, "event", e.label, sentences, e.note)


def _decision(s: Scenario, d: Any) -> Definition:
    factions = [a.label for a in s.actors if a.kind == "faction" and a.of == d.owner]
    owner = next((a.label for a in s.actors if a.id == d.owner), d.owner)
    who = f"the factions of {owner} ({', '.join(factions)})" if factions else owner
    verb = "" if factions else "s"
    combined = (f" Their {'positions' if d.options is None else 'choices'} are combined by "
                f"the {d.combine} model, each weighted by its influence." if factions else "")
    if d.options is None:
        issue = next(x for x in s.issues if x.id == d.issue)
        first = [_t(f"Each month {who} settle{verb} a position on {issue.label}, from 0 "
                    f"({issue.low}) to 100 ({issue.high}).{combined}")]
        return Definition(d.id, "decision", d.label, [first], d.note)
    options = ", ".join(o.label for o in d.options)
    sentences = [[_t(f"Each month {who} choose{verb} among {options}: the chance of an "
                     "option grows as exp(sharpness × utility), with sharpness "),
                  _c(d.sharpness), _t(f".{combined}")]]
    for c in (c for c in s.considerations if c.decision == d.id):
        actor = next((a.label for a in s.actors if a.id == c.actor), c.actor)
        parts = [_t(f"{c.label} ({actor}) adds to the utility weight "), _c(c.weight),
                 _t(" times ")]
        for n, (option, value) in enumerate(c.values.items()):
            parts += [_t(", " if n else ""), _c(value), _t(f" for {option}")]
        sentences.append([*parts, _t(".")])
    return Definition(d.id, "decision", d.label, sentences, d.note)


def _outcome(o: Any, k: int, n: int) -> Definition:
    if o.when is not None:
        first = [_t("Reached in the first month that "), _c(o.when), _t(" holds.")]
    else:
        first = [_t("Reached each month with probability "), _c(o.hazard), _t(".")]
    order = (f" Outcomes are tried in file order (this one {k + 1} of {n}): of two reached "
             "in the same month, the earlier wins." if n > 1 else "")
    sentences = [[*first, _t(" It ends the draw." + order)]]
    if o.record:
        parts = [_t("Records ")]
        for m, (name, value) in enumerate(o.record.items()):
            parts += [_t(", " if m else ""), _t(f"{name} = "), _c(value)]
        sentences.append([*parts, _t(".")])
    return Definition(o.id, "outcome", o.label, sentences, o.note)
