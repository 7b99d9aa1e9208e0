"""Each course of action's ladder as data for a diagram: its rungs in order, each with
tags, timing, effects and risks; the schedule; the halt and step-down conditions; the
tags it forbids."""

from __future__ import annotations

from dataclasses import dataclass, field

from kennan.scenario.schema import Effects, Policy, Scenario


@dataclass
class RungView:
    """One rung of a ladder."""

    id: str
    label: str
    tags: list[str]
    not_before: str | None
    effects: list[str]
    on_enter: list[str]
    risks: list[str]


@dataclass
class LadderView:
    """One course of action's ladder."""

    id: str
    label: str
    note: str | None
    schedule: str
    halt: str | None
    step_down: str | None
    forbid: list[str]
    rungs: list[RungView] = field(default_factory=list)


def _month(d: object) -> str | None:
    return None if d is None else f"{d.year}-{d.month:02d}"  # type: ignore[attr-defined]


def _effects(eff: Effects | None) -> list[str]:
    if eff is None:
        return []
    out = [f"{target} = {value}" for target, value in eff.set.items()]
    out += [f"{target} \u00d7 {value}" for target, value in eff.multiply.items()]
    out += [f"{target} + {value}" for target, value in eff.add.items()]
    return out


def ladder_view(policy: Policy, start: str) -> LadderView:
    """The diagram data of one policy (``start`` is the scenario's first month)."""
    sched = policy.schedule
    every = "every month" if sched.every == 1 else f"every {sched.every} months"
    schedule = (f"climbs one rung {every} from {_month(sched.start) or start}"
                if policy.ladder else "no rungs: nothing is done")
    rungs = [RungView(
        id=st.id, label=st.label, tags=list(st.tags), not_before=_month(st.not_before),
        effects=_effects(st.effects), on_enter=_effects(st.on_enter),
        risks=[f"{r.event} at hazard {r.hazard}" for r in st.risks],
    ) for st in policy.ladder]
    return LadderView(
        id=policy.id, label=policy.label, note=policy.note, schedule=schedule,
        halt=None if policy.halt is None else str(policy.halt),
        step_down=None if policy.step_down is None else str(policy.step_down),
        forbid=list(policy.forbid), rungs=rungs,
    )


def ladder_views(scenario: Scenario, courses: list[str]) -> list[LadderView]:
    """The ladders of ``courses``, in that order."""
    start = _month(scenario.time.start) or ""
    by_id = {p.id: p for p in scenario.policies}
    return [ladder_view(by_id[c], start) for c in courses]
