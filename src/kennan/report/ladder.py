"""Each course of action's ladder as data for a diagram: its rungs in order, each with
tags, timing, the condition a conditional rung is entered on, effects and risks; the
schedule; the halt and step-down conditions; the tags it forbids. A course with
parallel tracks has one such ladder per track."""

from __future__ import annotations

from dataclasses import dataclass, field

from kennan.scenario.schema import Effects, Ladder, Policy, Scenario


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
    when: str | None = None  # a conditional rung: entered when this holds


@dataclass
class TrackView:
    """One of a course's parallel ladders."""

    id: str
    label: str
    note: str | None
    schedule: str
    halt: str | None
    step_down: str | None
    rungs: list[RungView] = field(default_factory=list)


@dataclass
class LadderView:
    """One course of action's ladder (``tracks`` empty), or its parallel ``tracks``."""

    id: str
    label: str
    note: str | None
    schedule: str
    halt: str | None
    step_down: str | None
    forbid: list[str]
    rungs: list[RungView] = field(default_factory=list)
    tracks: list[TrackView] = field(default_factory=list)


def _month(d: object) -> str | None:
    return None if d is None else f"{d.year}-{d.month:02d}"  # type: ignore[attr-defined]


def _effects(eff: Effects | None) -> list[str]:
    if eff is None:
        return []
    out = [f"{target} = {value}" for target, value in eff.set.items()]
    out += [f"{target} \u00d7 {value}" for target, value in eff.multiply.items()]
    out += [f"{target} + {value}" for target, value in eff.add.items()]
    return out


def _schedule(lad: Ladder, start: str) -> str:
    sched = lad.schedule
    every = "every month" if sched.every == 1 else f"every {sched.every} months"
    conditional = sum(st.when is not None for st in lad.ladder)
    if not lad.ladder:
        return "no rungs: nothing is done"
    if conditional == len(lad.ladder):
        return "each rung is entered when its condition holds"
    text = f"climbs one rung {every} from {_month(sched.start) or start}"
    if conditional:
        text += "; a conditional rung is entered when its condition holds instead"
    return text


def _rungs(lad: Ladder) -> list[RungView]:
    return [RungView(
        id=st.id, label=st.label, tags=list(st.tags), not_before=_month(st.not_before),
        effects=_effects(st.effects), on_enter=_effects(st.on_enter),
        risks=[f"{r.event} at hazard {r.hazard}" for r in st.risks],
        when=None if st.when is None else str(st.when),
    ) for st in lad.ladder]


def _cond(x: object) -> str | None:
    return None if x is None else str(x)


def ladder_view(policy: Policy, start: str) -> LadderView:
    """The diagram data of one policy (``start`` is the scenario's first month)."""
    tracks = [TrackView(id=tr.id, label=tr.label, note=tr.note, schedule=_schedule(tr, start),
                        halt=_cond(tr.halt), step_down=_cond(tr.step_down), rungs=_rungs(tr))
              for tr in policy.tracks]
    schedule = (f"{len(tracks)} parallel tracks, each on its own schedule" if tracks
                else _schedule(policy, start))
    return LadderView(
        id=policy.id, label=policy.label, note=policy.note, schedule=schedule,
        halt=_cond(policy.halt), step_down=_cond(policy.step_down),
        forbid=list(policy.forbid), rungs=_rungs(policy), tracks=tracks,
    )


def ladder_views(scenario: Scenario, courses: list[str]) -> list[LadderView]:
    """The ladders of ``courses``, in that order."""
    start = _month(scenario.time.start) or ""
    by_id = {p.id: p for p in scenario.policies}
    return [ladder_view(by_id[c], start) for c in courses]
