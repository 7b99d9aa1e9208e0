"""Switch one mechanism of a compiled model off, to a documented neutral.

A mechanism is a part of the scenario that makes something happen. Each kind has
its neutral, the value at which it does nothing while the rest works as before:

``consideration``
    its weight is 0: it adds nothing to any option's utility.
``faction``
    its influence is 0: the other factions of its state share all the influence
    (influences are normalised), and its votes in decisions weigh nothing.
``event``
    it never fires: no probability, no hazard, no trigger, no risk of a step.
``step``
    a policy step does nothing: no effects, no ``on_enter`` effects, no risks, no
    tags (the ladder still climbs past it).
``issue``
    the decisions on the issue settle at the midpoint of its scale, 50, whatever
    the positions.
``rule``
    a derived variable the scenario marks with ``neutral``: it holds that number
    instead of its ``value`` expression (then its bounds).

Nothing is recompiled: the model's specifications are copied with constant
expressions in place of the mechanism's.

A scenario with competing hypotheses runs each reading as a model of its own
(:mod:`kennan.engine.hypotheses`), so the mechanism is switched off in the base
model and in every reading that has it, an overridden one included (a reading's
override of a consideration's weight or a faction's influence is replaced by the
neutral like the scenario's own value). A mechanism is known when the base model
or any reading has it.
"""

from __future__ import annotations

import dataclasses

from kennan.compiler import Namespace, compile_expression
from kennan.engine.model import Model, Site
from kennan.errors import UsageError

KINDS = ("consideration", "faction", "event", "step", "issue", "rule")


def mechanisms(model: Model) -> list[tuple[str, str]]:
    """(id, kind) of every mechanism of ``model`` and of its readings (hypotheses), in
    the scenario's order by kind, each id once."""
    out = _own_mechanisms(model)
    known = {m for m, _ in out}
    for h in model.hypotheses:
        for m, kind in mechanisms(h.model):
            if m not in known:
                known.add(m)
                out.append((m, kind))
    return out


def _own_mechanisms(model: Model) -> list[tuple[str, str]]:
    """(id, kind) of the mechanisms of ``model`` itself (not of its readings)."""
    s = model.scenario
    out = [(c.id, "consideration") for c in s.considerations]
    out += [(a.id, "faction") for a in s.actors if a.kind == "faction"]
    out += [(e.id, "event") for e in s.events]
    seen = set()
    for course in model.courses:
        for step in course.steps:
            if step.id not in seen:
                seen.add(step.id)
                out.append((step.id, "step"))
    out += [(i.id, "issue") for i in s.issues]
    out += [(v.id, "rule") for v in s.state if v.neutral is not None]
    return out


def check_mechanism(model: Model, mechanism: str) -> str:
    """The kind of ``mechanism``, or a :class:`UsageError` listing the valid ids."""
    kinds = dict(mechanisms(model))
    if mechanism not in kinds:
        raise UsageError(f"unknown mechanism '{mechanism}'; valid: {', '.join(kinds)}")
    return kinds[mechanism]


def _constant(value: float, like: Site) -> Site:
    expr = compile_expression(value, Namespace(values={}), what=like.what)
    return Site(expr, like.location, f"{like.what} (switched off)")


def ablate(model: Model, mechanism: str) -> Model:
    """A copy of ``model`` with ``mechanism`` switched off, in the base model and in
    every reading that has it (see the module's notes)."""
    kind = check_mechanism(model, mechanism)
    out = _ablate_own(model, mechanism, kind) if mechanism in dict(_own_mechanisms(model)) \
        else dataclasses.replace(model)
    # Each reading is simulated from its own model: the switch must reach it there.
    out.hypotheses = [dataclasses.replace(h, model=ablate(h.model, mechanism))
                      if mechanism in dict(mechanisms(h.model)) else h
                      for h in model.hypotheses]
    return out


def _ablate_own(model: Model, mechanism: str, kind: str) -> Model:
    """A copy of ``model`` with ``mechanism`` (of ``kind``) switched off in it."""
    out = dataclasses.replace(model)
    ex = model.loaded.checked.expressions
    if kind == "consideration":
        k = next(i for i, c in enumerate(model.scenario.considerations) if c.id == mechanism)
        weight = ex[("considerations", k, "weight")]

        def off(terms):
            return tuple(dataclasses.replace(t, weight=_constant(0.0, t.weight))
                         if t.weight.expr is weight else t for t in terms)
        out.decisions = [dataclasses.replace(
            d, shared=off(d.shared), terms={a: off(ts) for a, ts in d.terms.items()})
            for d in model.decisions]
    elif kind == "faction":
        out.factions = {state: [(f, _constant(0.0, site) if f == mechanism else site)
                                for f, site in members]
                        for state, members in model.factions.items()}
    elif kind == "event":
        k = next(i for i, e in enumerate(model.events) if e.id == mechanism)
        e = model.events[k]
        out.events = list(model.events)
        out.events[k] = dataclasses.replace(e, at=None, hazard=None, when=None)
        out.courses = _steps(model, lambda st: dataclasses.replace(
            st, risks=tuple(r for r in st.risks if r[0] != k)))
    elif kind == "step":
        out.courses = _steps(model, lambda st: dataclasses.replace(
            st, effects=(), on_enter=(), risks=(), tags=()) if st.id == mechanism else st)
    elif kind == "rule":
        neutral = next(v.neutral for v in model.scenario.state if v.id == mechanism)
        out.derived = [dataclasses.replace(d, value=_constant(neutral, d.value))
                       if d.id == mechanism else d for d in model.derived]
    else:  # issue
        out.decisions = [dataclasses.replace(
            d, stances=tuple((a, _constant(50.0, pos), sal) for a, pos, sal in d.stances))
            if d.issue == mechanism else d for d in model.decisions]
    return out


def _steps(model: Model, change) -> list:
    """The model's courses with ``change`` applied to every step of every track."""
    return [dataclasses.replace(c, tracks=tuple(
        dataclasses.replace(tr, steps=tuple(change(st) for st in tr.steps))
        for tr in c.tracks)) for c in model.courses]
