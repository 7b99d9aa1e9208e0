"""A validated scenario compiled into flat specifications the period loop runs.

Nothing here is specific to any scenario: the builder reads the scenario's
lists and the expressions the checker compiled, and lays them out as small
frozen records (indices, compiled expressions, periods) so the loop in
:mod:`kennan.engine.simulate` does no lookups by name.

Longer than 400 lines on purpose: each flat record sits beside the builder code that fills
it, so a field's meaning and its source in the scenario are read together.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from kennan.compiler import Expression
from kennan.engine.dependence import Dependence, build_dependence
from kennan.errors import Location, UsageError
from kennan.scenario.hypotheses import HYPOTHESIS_FACTOR
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import load_scenario
from kennan.scenario.schema import Effects, Scenario

EFFECT_ORDER = ("set", "multiply", "add")


@dataclass(frozen=True)
class Site:
    """A compiled expression and where it was written."""

    expr: Expression
    location: Location
    what: str


@dataclass(frozen=True)
class EffectSpec:
    """One change to a stock: ``kind`` is set, multiply or add."""

    kind: str
    target: str
    site: Site


@dataclass(frozen=True)
class StepSpec:
    id: str
    tags: tuple[str, ...]
    effects: tuple[EffectSpec, ...]
    on_enter: tuple[EffectSpec, ...]
    risks: tuple[tuple[int, Site], ...]  # (event index, hazard)
    not_before: int  # period index
    when: Site | None = None  # a conditional step: climbed onto when this holds


@dataclass(frozen=True)
class TrackSpec:
    """One ladder of a course: its steps, schedule, halt and step-down."""

    id: str
    steps: tuple[StepSpec, ...]
    start: int
    every: int
    halt: Site | None
    step_down: Site | None


@dataclass(frozen=True)
class CourseSpec:
    id: str
    label: str
    tracks: tuple[TrackSpec, ...]  # parallel ladders; one for a policy without tracks
    forbid: tuple[str, ...]

    @property
    def steps(self) -> tuple[StepSpec, ...]:
        """Every step of every track."""
        return tuple(st for tr in self.tracks for st in tr.steps)


@dataclass(frozen=True)
class EventSpec:
    id: str
    at: int | None
    hazard: Site | None
    when: Site | None
    probability: Site
    effects: tuple[EffectSpec, ...]
    repeat: bool
    once: bool = False  # a 'when' event's single chance, the first period it holds


@dataclass(frozen=True)
class UtilityTerm:
    weight: Site
    values: tuple[tuple[int, Site], ...]  # (option index, value)


@dataclass(frozen=True)
class DecisionSpec:
    id: str
    owner: str
    options: tuple[str, ...]  # empty for an issue decision
    issue: str | None
    combine: str
    sharpness: Site
    # For discrete decisions: the deciding actors (the owner's factions, or the owner), the
    # owner's own considerations (shared by every decider) and each decider's own terms.
    deciders: tuple[str, ...]
    terms: dict[str, tuple[UtilityTerm, ...]] = field(default_factory=dict)
    shared: tuple[UtilityTerm, ...] = ()
    # For issue decisions: per faction (position, salience).
    stances: tuple[tuple[str, Site, Site | None], ...] = ()


@dataclass(frozen=True)
class OutcomeSpec:
    id: str
    label: str
    when: Site | None
    hazard: Site | None
    record: tuple[tuple[str, Site], ...]
    worth: Site | None = None


@dataclass(frozen=True)
class MetricSpec:
    id: str
    label: str
    value: Site
    aggregate: str
    # After absorption: "hold" or "stop", and per outcome index an expression's site.
    after: str = "hold"
    after_values: tuple[tuple[int, Site], ...] = ()
    worth: Site | None = None


@dataclass(frozen=True)
class StockSpec:
    id: str
    initial: Site
    update: Site | None
    bounds: tuple[float, float] | None


@dataclass(frozen=True)
class DerivedSpec:
    id: str
    value: Site
    bounds: tuple[float, float] | None


@dataclass(frozen=True)
class HypothesisSpec:
    """One competing reading: its id, label, weight judgment and its own compiled model."""

    id: str
    label: str
    weight: str
    model: Model


@dataclass
class Model:
    """Everything the period loop needs, for the chosen courses of action."""

    scenario: Scenario
    loaded: LoadedScenario
    periods: list[_dt.date]
    judgments: list[tuple[str, object]]  # (id, Distribution)
    stocks: list[StockSpec]
    derived: list[DerivedSpec]
    factions: dict[str, list[tuple[str, Site]]]  # state id -> [(faction id, influence)]
    decisions: list[DecisionSpec]
    courses: list[CourseSpec]
    events: list[EventSpec]
    outcomes: list[OutcomeSpec]
    metrics: list[MetricSpec]
    tags: tuple[str, ...]
    baseline: str
    #: Competing readings, each compiled as a model of its own; empty when there are none.
    hypotheses: list[HypothesisSpec] = field(default_factory=list)
    #: How dependent judgments are sampled (correlations and orders); none by default.
    dependence: Dependence = field(default_factory=Dependence)

    @property
    def horizon(self) -> int:
        """Number of periods."""
        return len(self.periods)

    @property
    def has_worth(self) -> bool:
        """Whether an outcome or a metric carries a worth (courses then have an expected
        value)."""
        return any(o.worth is not None for o in self.outcomes) or any(
            m.worth is not None for m in self.metrics)

    @property
    def course_ids(self) -> list[str]:
        """Ids of the compiled courses, in order."""
        return [c.id for c in self.courses]


def period_index(start: _dt.date, when: _dt.date) -> int:
    """Index of the monthly period containing ``when`` (0 for the start month)."""
    return (when.year - start.year) * 12 + (when.month - start.month)


def month_dates(start: _dt.date, horizon: int) -> list[_dt.date]:
    """First day of each monthly period."""
    out = []
    y, m = start.year, start.month
    for _ in range(horizon):
        out.append(_dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def build_model(scenario: str | LoadedScenario, courses: list[str] | None = None) -> Model:
    """Compile ``scenario`` (name, path or loaded) for ``courses`` (default: all policies)."""
    loaded = load_scenario(scenario)
    s = loaded.model
    checked = loaded.checked
    ex = checked.expressions

    def site(path: tuple, what: str) -> Site:
        return Site(ex[path], loaded.doc.locate_text(path), what)

    def effects(path: tuple, eff: Effects | None, owner: str) -> tuple[EffectSpec, ...]:
        if eff is None:
            return ()
        out = []
        for kind in EFFECT_ORDER:
            for target in getattr(eff, kind):
                out.append(EffectSpec(kind, target,
                                      site((*path, kind, target), f"{owner}: {kind} '{target}'")))
        return tuple(out)

    start = s.time.start
    periods = month_dates(start, s.time.horizon)
    event_index = {e.id: i for i, e in enumerate(s.events)}

    all_ids = [p.id for p in s.policies]
    chosen = all_ids if not courses else list(courses)
    unknown = [c for c in chosen if c not in all_ids]
    if unknown:
        raise UsageError(f"unknown course(s) of action {', '.join(map(repr, unknown))}; "
                         f"valid: {', '.join(all_ids)}")
    course_specs = []
    for i, p in enumerate(s.policies):
        if p.id not in chosen:
            continue
        tracks = []
        for lane, lad in p.lanes():
            steps = []
            for k, st in enumerate(lad.ladder):
                base = ("policies", i, *lane, "ladder", k)
                steps.append(StepSpec(
                    id=st.id, tags=tuple(st.tags),
                    effects=effects((*base, "effects"), st.effects, f"step '{st.id}'"),
                    on_enter=effects((*base, "on_enter"), st.on_enter, f"step '{st.id}'"),
                    risks=tuple((event_index[r.event], site((*base, "risks", n, "hazard"),
                                                            f"risk of step '{st.id}'"))
                                for n, r in enumerate(st.risks)),
                    not_before=0 if st.not_before is None else period_index(start, st.not_before),
                    when=(site((*base, "when"), f"when of step '{st.id}'")
                          if st.when is not None else None),
                ))
            sched = lad.schedule
            owner = f"'{p.id}'" if not lane else f"track '{lad.id}' of '{p.id}'"
            tracks.append(TrackSpec(
                id=lad.id, steps=tuple(steps),
                start=0 if sched.start is None else period_index(start, sched.start),
                every=sched.every,
                halt=(site(("policies", i, *lane, "halt"), f"halt of {owner}")
                      if lad.halt is not None else None),
                step_down=(site(("policies", i, *lane, "step_down"), f"step_down of {owner}")
                           if lad.step_down is not None else None),
            ))
        course_specs.append(CourseSpec(id=p.id, label=p.label, tracks=tuple(tracks),
                                       forbid=tuple(p.forbid)))
    course_specs.sort(key=lambda c: chosen.index(c.id))

    factions: dict[str, list[tuple[str, Site]]] = {}
    for i, a in enumerate(s.actors):
        if a.kind == "faction" and a.of is not None:
            factions.setdefault(a.of, []).append(
                (a.id, site(("actors", i, "influence"), f"influence of '{a.id}'")))

    decisions = [_decision(s, i, site, factions) for i in range(len(s.decisions))]

    events = []
    for i, e in enumerate(s.events):
        events.append(EventSpec(
            id=e.id,
            at=None if e.at is None else period_index(start, e.at),
            hazard=site(("events", i, "hazard"), f"hazard of '{e.id}'") if e.hazard is not None
            else None,
            when=site(("events", i, "when"), f"when of '{e.id}'") if e.when is not None else None,
            probability=site(("events", i, "probability"), f"probability of '{e.id}'"),
            effects=effects(("events", i, "effects"), e.effects, f"event '{e.id}'"),
            repeat=e.repeat, once=e.once,
        ))
    outcomes = [OutcomeSpec(
        id=o.id, label=o.label,
        when=site(("outcomes", i, "when"), f"outcome '{o.id}'") if o.when is not None else None,
        hazard=(site(("outcomes", i, "hazard"), f"outcome '{o.id}'") if o.hazard is not None
                else None),
        record=tuple((name, site(("outcomes", i, "record", name), f"record '{name}'"))
                     for name in o.record),
        worth=(site(("outcomes", i, "worth"), f"worth of outcome '{o.id}'")
               if o.worth is not None else None),
    ) for i, o in enumerate(s.outcomes)]
    outcome_index = {o.id: k for k, o in enumerate(s.outcomes)}
    metrics = [MetricSpec(
        m.id, m.label, site(("metrics", i, "value"), f"metric '{m.id}'"), m.aggregate,
        after=m.after if isinstance(m.after, str) else "hold",
        after_values=tuple((outcome_index[oc], site(("metrics", i, "after", oc),
                                                    f"value of '{m.id}' after '{oc}'"))
                           for oc in (m.after if isinstance(m.after, dict) else {})),
        worth=(site(("metrics", i, "worth"), f"worth of metric '{m.id}'")
               if m.worth is not None else None),
    ) for i, m in enumerate(s.metrics)]
    stocks, derived = [], []
    by_id = {v.id: i for i, v in enumerate(s.state)}
    for i, v in enumerate(s.state):
        if v.value is None:
            stocks.append(StockSpec(
                v.id, site(("state", i, "initial"), f"initial of '{v.id}'"),
                site(("state", i, "update"), f"update of '{v.id}'") if v.update is not None
                else None,
                _bounds(v.bounds)))
    for name in checked.derived_order:
        i = by_id[name]
        derived.append(DerivedSpec(name, site(("state", i, "value"), f"value of '{name}'"),
                                   _bounds(s.state[i].bounds)))
    tags = sorted(checked.namespace.id_functions["tagged"])
    baseline = s.baseline if s.baseline in chosen else chosen[0]
    judgments: list[tuple[str, object]] = [(j.id, checked.distributions[j.id])
                                           for j in s.judgments]
    hypotheses = []
    for v in checked.hypotheses.values():
        sub = build_model(v.loaded, chosen)
        sub.baseline = baseline
        hypotheses.append(HypothesisSpec(v.id, v.label, v.weight, sub))
    if hypotheses:
        from kennan.engine.hypotheses import HypothesisFactor

        # Which reading a draw follows is one more uncertain input: designs vary it too.
        judgments.append((HYPOTHESIS_FACTOR, HypothesisFactor(
            tuple((h.id, h.weight) for h in hypotheses))))
    return Model(
        scenario=s, loaded=loaded, periods=periods, judgments=judgments,
        stocks=stocks, derived=derived, factions=factions, decisions=decisions,
        courses=course_specs, events=events, outcomes=outcomes, metrics=metrics,
        tags=tuple(tags), baseline=baseline, hypotheses=hypotheses,
        dependence=build_dependence(s),
    )


def _decision(s: Scenario, i: int, site, factions) -> DecisionSpec:
    d = s.decisions[i]
    sharp = site(("decisions", i, "sharpness"), f"sharpness of '{d.id}'")
    members = [f for f, _ in factions.get(d.owner, [])]
    if d.options is not None:
        options = tuple(o.id for o in d.options)
        deciders = tuple(members) if members else (d.owner,)
        terms: dict[str, list[UtilityTerm]] = {a: [] for a in deciders}
        shared: list[UtilityTerm] = []
        for k, c in enumerate(s.considerations):
            if c.decision != d.id:
                continue
            term = UtilityTerm(
                weight=site(("considerations", k, "weight"), f"weight of '{c.id}'"),
                values=tuple((options.index(o), site(("considerations", k, "values", o),
                                                     f"value of '{c.id}' for '{o}'"))
                             for o in c.values),
            )
            # A consideration of the owner itself is shared by all its factions.
            if c.actor == d.owner:
                shared.append(term)
            elif c.actor in terms:
                terms[c.actor].append(term)
        return DecisionSpec(d.id, d.owner, options, None, d.combine, sharp, deciders,
                            {a: tuple(t) for a, t in terms.items()}, tuple(shared))
    issue_i = next(n for n, x in enumerate(s.issues) if x.id == d.issue)
    issue = s.issues[issue_i]
    # A state's factions settle its position; any other owner (a negotiation, a group)
    # settles among every actor holding a position on the issue.
    holders = members or list(issue.positions)
    stances = []
    for a in holders:
        if a not in issue.positions:
            continue
        pos = site(("issues", issue_i, "positions", a), f"position of '{a}'")
        sal = (site(("issues", issue_i, "saliences", a), f"salience of '{a}'")
               if a in issue.saliences else None)
        stances.append((a, pos, sal))
    return DecisionSpec(d.id, d.owner, (), d.issue, d.combine, sharp, tuple(holders),
                        stances=tuple(stances))


def _bounds(b: list[float] | None) -> tuple[float, float] | None:
    return None if b is None else (float(b[0]), float(b[1]))


def select_courses(model: Model, courses: Sequence[str]) -> Model:
    """``model`` restricted to ``courses``, in that order (nothing is recompiled).

    Every course sees the same random numbers whatever the others are (they are keyed
    by draw, not by course), so a course's numbers are the same in the selection as in
    the whole model. The baseline stays when selected, else it is the first course."""
    ids = list(dict.fromkeys(courses))
    if ids == model.course_ids:
        return model
    by_id = {c.id: c for c in model.courses}
    unknown = [c for c in ids if c not in by_id]
    if unknown or not ids:
        raise UsageError(f"unknown course(s) of action {', '.join(map(repr, unknown))}; "
                         f"valid: {', '.join(model.course_ids)}")
    baseline = model.baseline if model.baseline in ids else ids[0]
    hypotheses = [dataclasses.replace(h, model=select_courses(h.model, ids))
                  for h in model.hypotheses]
    for h in hypotheses:
        h.model.baseline = baseline  # a fresh selection: the original keeps its own
    return dataclasses.replace(model, courses=[by_id[c] for c in ids], baseline=baseline,
                               hypotheses=hypotheses)
