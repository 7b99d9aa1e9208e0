"""The scenario language: pydantic models of a scenario file (``kennan: 1``).

Every kind of entity is a list of mappings, each with an ``id`` unique within the
scenario, so expressions and references name things by id. Models are strict:
unknown keys and wrong types are errors. Cross-references, expressions and
citations are checked afterwards by :mod:`kennan.scenario.checks`.

Longer than 400 lines on purpose: this file is the language's reference, every key a
scenario file may hold, in one place (a judgment's own keys are in
:mod:`kennan.scenario.judgments`, its distributions' in :mod:`kennan.scenario.parameters`).
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kennan.scenario.judgments import ID_PATTERN, Citation, Id, Judgment

#: An expression: a number, a boolean or a string in the expression language.
Expr = str | float | bool

_ID = ID_PATTERN

#: The bargaining models a decision may combine factions with.
CombineModel = Literal["compromise", "median", "nash", "eum", "smp"]


class Node(BaseModel):
    """Base of every scenario model: strict, unknown keys forbidden, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Described(Node):
    """An entity with an id, an optional display name and an optional note."""

    id: Id
    name: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        """The display name, or the id when there is none."""
        return self.name or self.id


class Source(Node):
    """A source document shipped with the scenario (path relative to the scenario file)."""

    id: Id
    title: str
    path: str
    note: str | None = None


_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def parse_month(value: _dt.date | str) -> _dt.date:
    """A date, ``YYYY-MM`` or ``YYYY-MM-DD`` string as a ``date`` (day 1 when absent)."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    m = _MONTH.match(value.strip())
    if not m:
        raise ValueError(f"expected a date as YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month, day = int(m[1]), int(m[2]), int(m[3] or 1)
    try:
        return _dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: {exc}") from None


DateLike = _dt.date | str


class Time(Node):
    """The clock: a start date, a period length and the number of periods."""

    start: DateLike
    period: Literal["month"] = "month"
    horizon: int = Field(ge=1, le=1200)

    @field_validator("start")
    @classmethod
    def _start(cls, v: DateLike) -> _dt.date:
        return parse_month(v)


class Actor(Described):
    """A state, a faction inside a state (``of``), a person or a group.

    A faction's ``influence`` is an expression; influences of the factions of one
    state are normalised to sum to one each period.
    """

    kind: Literal["state", "faction", "person", "group"]
    of: Id | None = None
    influence: Expr | None = None

    @model_validator(mode="after")
    def _faction(self) -> Actor:
        if self.kind == "faction" and (self.of is None or self.influence is None):
            raise ValueError("a faction needs 'of' (its state) and 'influence' (an expression)")
        if self.kind != "faction" and self.influence is not None:
            raise ValueError("only a faction has 'influence'")
        return self


class Issue(Described):
    """A 0-100 scale with labelled ends, and each actor's position and salience on it."""

    low: str
    high: str
    positions: dict[Id, Expr] = Field(default_factory=dict)
    saliences: dict[Id, Expr] = Field(default_factory=dict)


class StateVar(Described):
    """A state variable: a stock (``initial`` and optional ``update``) or ``value`` (derived).

    A stock changes through effects and its ``update`` expression (the next value,
    computed from this period's state). A derived variable is recomputed from other
    variables every period; derived variables may not form a cycle.
    """

    initial: Expr | None = None
    update: Expr | None = None
    value: Expr | None = None
    bounds: list[float] | None = None
    unit: str | None = None
    #: Marks a derived rule as a mechanism: switched off (``kennan ablate``), the
    #: variable holds this number instead of its ``value``.
    neutral: float | None = None

    @model_validator(mode="after")
    def _kind(self) -> StateVar:
        if (self.initial is None) == (self.value is None):
            raise ValueError("give exactly one of 'initial' (a stock) and 'value' (derived)")
        if self.value is not None and self.update is not None:
            raise ValueError("a derived variable ('value') cannot also have 'update'")
        if self.neutral is not None and self.value is None:
            raise ValueError("only a derived variable ('value') has 'neutral' (the value it "
                             "holds when its rule is switched off)")
        if self.bounds is not None and (len(self.bounds) != 2
                                        or not self.bounds[0] < self.bounds[1]):
            raise ValueError(f"bounds must be [low, high] with low < high, got {list(self.bounds)}")
        return self


class Consideration(Described):
    """A weighted term in ``actor``'s utility for each option of ``decision``."""

    actor: Id
    decision: Id
    weight: Expr = 1.0
    values: dict[Id, Expr]


class Option(Described):
    """One option of a discrete decision."""


class Decision(Described):
    """A choice owned by an actor: discrete ``options`` (logit) or an ``issue`` scale.

    When the owner is a state with factions, each faction's choice probabilities
    (or positions on the issue) are combined by the bargaining model ``combine``
    with the factions' influence as capability.
    """

    owner: Id
    options: list[Option] | None = None
    issue: Id | None = None
    combine: CombineModel = "compromise"
    sharpness: Expr = 1.0

    @model_validator(mode="after")
    def _kind(self) -> Decision:
        if (self.options is None) == (self.issue is None):
            raise ValueError("give exactly one of 'options' (discrete) and 'issue' (a 0-100 scale)")
        if self.options is not None and len(self.options) < 2:
            raise ValueError("a discrete decision needs at least two options")
        return self


class Effects(Node):
    """Changes to stock variables: ``add`` a delta, ``multiply`` by a factor, ``set`` a value."""

    add: dict[Id, Expr] = Field(default_factory=dict)
    multiply: dict[Id, Expr] = Field(default_factory=dict)
    set: dict[Id, Expr] = Field(default_factory=dict)

    def targets(self) -> list[str]:
        """Every state variable these effects change."""
        return [*self.add, *self.multiply, *self.set]


class Risk(Node):
    """While a step is active, ``event`` fires with probability ``hazard`` per period."""

    event: Id
    hazard: Expr
    note: str | None = None


class Step(Described):
    """A rung of a policy's ladder: tags, per-period effects, one-time effects, risks.

    A step with ``when`` is conditional: the ladder climbs onto it in a period its
    condition holds (not on the schedule), once the rung below is held.
    """

    tags: list[Id] = Field(default_factory=list)
    effects: Effects | None = None
    on_enter: Effects | None = None
    risks: list[Risk] = Field(default_factory=list)
    not_before: DateLike | None = None
    when: Expr | None = None

    @field_validator("not_before")
    @classmethod
    def _not_before(cls, v: DateLike | None) -> _dt.date | None:
        return None if v is None else parse_month(v)


class Schedule(Node):
    """When the ladder climbs: from ``start`` (a date), one rung every ``every`` periods."""

    start: DateLike | None = None
    every: int = Field(default=1, ge=1)

    @field_validator("start")
    @classmethod
    def _start(cls, v: DateLike | None) -> _dt.date | None:
        return None if v is None else parse_month(v)


class Ladder(Described):
    """An ordered ladder of steps, its schedule, halt and step-down conditions.

    ``halt`` holds the ladder where it is while true; ``step_down`` lowers it one rung
    each period it is true.
    """

    ladder: list[Step] = Field(default_factory=list)
    schedule: Schedule = Field(default_factory=Schedule)
    halt: Expr | None = None
    step_down: Expr | None = None


class Track(Ladder):
    """One of a policy's parallel ladders (a diplomatic and a military one, say)."""


#: The keys of a policy's own (single) ladder, which ``tracks`` replaces.
LADDER_KEYS = ("ladder", "schedule", "halt", "step_down")


class Policy(Ladder):
    """A course of action: one ladder, or parallel ``tracks`` each with its own ladder,
    schedule, halt and step-down; ``forbid`` lists tags no step of this policy may carry.
    """

    tracks: list[Track] = Field(default_factory=list)
    forbid: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _tracks(self) -> Policy:
        given = [k for k in LADDER_KEYS if k in self.model_fields_set]
        if self.tracks and given:
            raise ValueError(f"give either 'tracks' or a single ladder ({', '.join(given)}), "
                             "not both: put the ladder in a track of its own")
        return self

    def lanes(self) -> list[tuple[tuple[str | int, ...], Ladder]]:
        """Each ladder this policy climbs, with its path below the policy: the policy's
        own (path ``()``) when it has no tracks, else each track (``("tracks", j)``)."""
        if not self.tracks:
            return [((), self)]
        return [(("tracks", j), tr) for j, tr in enumerate(self.tracks)]

    def steps(self) -> list[tuple[tuple[str | int, ...], Step]]:
        """Every step of every ladder, with its path below the policy."""
        return [((*lane, "ladder", k), st) for lane, lad in self.lanes()
                for k, st in enumerate(lad.ladder)]


class Event(Described):
    """Something that happens: on a date (``at``), by a per-period ``hazard``, or ``when``
    a condition holds. It fires with ``probability`` (default 1) and applies its effects.
    A non-repeating event fires at most once per draw; a ``once`` event has a single
    chance, in the first period its ``when`` holds.
    """

    at: DateLike | None = None
    hazard: Expr | None = None
    when: Expr | None = None
    probability: Expr = 1.0
    effects: Effects | None = None
    repeat: bool = False
    once: bool = False

    @field_validator("at")
    @classmethod
    def _at(cls, v: DateLike | None) -> _dt.date | None:
        return None if v is None else parse_month(v)

    @model_validator(mode="after")
    def _trigger(self) -> Event:
        given = [k for k in ("at", "hazard", "when") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give at most one of 'at', 'hazard', 'when'; got {', '.join(given)}")
        if self.once and self.when is None:
            raise ValueError("'once' gives a 'when' event one chance; this event has no 'when'")
        if self.once and self.repeat:
            raise ValueError("give at most one of 'once' (one chance) and 'repeat' (every "
                             "period the condition holds)")
        return self


class Outcome(Described):
    """An absorbing outcome: reached ``when`` a condition holds or by a per-period ``hazard``.

    ``record`` names values captured at the moment the outcome is reached.
    """

    when: Expr | None = None
    hazard: Expr | None = None
    record: dict[Id, Expr] = Field(default_factory=dict)
    #: The value to the deciding side of reaching this outcome by the horizon (an
    #: expression of judgments): one term of the expected value courses are ranked by.
    worth: Expr | None = None

    @model_validator(mode="after")
    def _trigger(self) -> Outcome:
        if (self.when is None) == (self.hazard is None):
            raise ValueError("give exactly one of 'when' and 'hazard'")
        return self


class Metric(Described):
    """A quantity recorded each period and aggregated over the periods to the horizon.

    ``after`` says what it does once an outcome absorbs the draw: ``hold`` (the
    default) keeps its last value for every remaining period, ``stop`` counts
    nothing more (a sum or mean covers only the live periods), and a mapping from
    outcome ids to expressions gives the value per remaining period after that
    outcome (for ``final``, ``max`` and ``min``: the terminal value); outcomes not
    named hold.
    """

    value: Expr
    aggregate: Literal["final", "sum", "mean", "max", "min"] = "final"
    after: Literal["hold", "stop"] | dict[Id, Expr] = "hold"
    #: The value to the deciding side of one unit of this metric (an expression of
    #: judgments): one term of the expected value courses are ranked by.
    worth: Expr | None = None


class Dependency(Node):
    """Grounds shared by correlations and orders: like a judgment's, a citation, an
    assumption, or both (at least one)."""

    judgments: list[Id] = Field(min_length=2)
    cite: Citation | None = None
    assumption: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _grounds(self) -> Dependency:
        if self.cite is None and (self.assumption is None or not self.assumption.strip()):
            raise ValueError("needs its grounds: a 'cite' or an 'assumption' (or both)")
        return self


class Correlation(Dependency):
    """Judgments whose draws move together: ``rank`` is the Spearman rank correlation of
    every pair (a number) or a matrix whose rows and columns follow ``judgments``.
    Sampled by a Gaussian copula (see :mod:`kennan.engine.dependence`)."""

    rank: float | list[list[float]]


class Order(Dependency):
    """Judgments in decreasing order: in every draw each is at least the next."""


#: The scenario's lists of entities with ids, in the order of a scenario file.
ENTITY_LISTS = ("sources", "judgments", "actors", "issues", "state", "considerations",
                "decisions", "policies", "events", "outcomes", "metrics")
#: One entity of each list (nested ones too), as messages name it.
SINGULAR = {"sources": "source", "judgments": "judgment", "actors": "actor",
            "issues": "issue", "state": "state variable", "considerations": "consideration",
            "decisions": "decision", "policies": "policy", "events": "event",
            "outcomes": "outcome", "metrics": "metric", "options": "option", "steps": "step"}


class Scenario(Node):
    """A whole scenario file."""

    kennan: Literal[1]
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)]
    title: str
    description: str | None = None
    vocabulary: str = "icd203"
    baseline: Id | None = None
    sources: list[Source] = Field(default_factory=list)
    time: Time
    judgments: list[Judgment] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    state: list[StateVar] = Field(default_factory=list)
    considerations: list[Consideration] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    policies: list[Policy] = Field(min_length=1)
    events: list[Event] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    replay: Replay | None = None
    question: Question | None = None
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    correlations: list[Correlation] = Field(default_factory=list)
    orders: list[Order] = Field(default_factory=list)


class Question(Node):
    """What the analysis is about: the outcome sought, the outcome counted as the risk,
    and the window (in periods) the outcome is judged within. Reports, sensitivity and
    discovery use it as their default."""

    text: str | None = None
    #: The outcome sought, or a list of outcomes: the question is then their union.
    outcome: Id | list[Id]
    risk: Id | None = None
    within: int | None = Field(default=None, ge=1)

    @field_validator("outcome")
    @classmethod
    def _union(cls, v: str | list[str]) -> str | list[str]:
        if isinstance(v, list):
            if len(v) < 2:
                raise ValueError("a union of outcomes lists at least two outcome ids (or give "
                                 "the one outcome's id)")
            twice = sorted({o for o in v if v.count(o) > 1})
            if twice:
                raise ValueError(f"a union of outcomes names each outcome once; "
                                 f"{', '.join(twice)} given twice")
        return v

    @property
    def outcomes(self) -> list[str]:
        """The outcome sought, or each outcome of the union, as a list."""
        return list(self.outcome) if isinstance(self.outcome, list) else [self.outcome]


class ConsiderationOverride(Node):
    """Under a hypothesis: a new ``weight`` for consideration ``id``, and new ``values``
    for the options named (the other options keep theirs)."""

    id: Id
    weight: Expr | None = None
    values: dict[Id, Expr] = Field(default_factory=dict)


class ActorOverride(Node):
    """Under a hypothesis: a faction's new ``influence`` expression, or the state it is
    ``of`` (the faction structure)."""

    id: Id
    influence: Expr | None = None
    of: Id | None = None


class Hypothesis(Described):
    """A competing reading of the situation: overrides of judgments (each a whole new
    judgment with its own grounds), considerations and factions, and the prior ``weight``
    of the reading, the id of a judgment (a probability)."""

    weight: Id
    judgments: list[Judgment] = Field(default_factory=list)
    considerations: list[ConsiderationOverride] = Field(default_factory=list)
    actors: list[ActorOverride] = Field(default_factory=list)


class Replay(Node):
    """What actually happened, for ``kennan replay``: the course taken, events that
    occurred (id -> date; events absent here never fire), and actual outcome dates."""

    course: Id
    events: dict[Id, DateLike] = Field(default_factory=dict)
    actual: dict[Id, DateLike] = Field(default_factory=dict)
    note: str | None = None

    @field_validator("events", "actual")
    @classmethod
    def _dates(cls, v: dict[str, DateLike]) -> dict[str, _dt.date]:
        return {k: parse_month(d) for k, d in v.items()}


Scenario.model_rebuild()
