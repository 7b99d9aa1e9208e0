"""Observations files (``kennan-observations: 1``): what has been seen, up to a date.

An observations file names a scenario, the date up to which everything it lists is
known (``as_of``, the end of that period), optionally the course actually followed,
and a list of observations, each one of:

- ``{event: ID, in: DATE}``: the event happened in that period;
- ``{event: ID, not_by: DATE}``: it had not happened by the end of that period;
- ``{outcome: ID, in: DATE}`` / ``{outcome: ID, not_by: DATE}``: likewise for an outcome;
- ``{state: ID, at: DATE, value: X, sd: S}``: a stock or derived variable read at the
  end of that period as X, with a normal measurement error of standard deviation S.

Loading checks every id, date and combination against the scenario and raises one
:class:`~kennan.errors.ScenarioError` with every problem, each at its file, line and
column.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from kennan.errors import Location, Problem, ScenarioError, did_you_mean
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.schema import DateLike, Id, Node, parse_month
from kennan.scenario.schema_errors import translate_errors
from kennan.scenario.yamlsource import YamlDocument, load_yaml, read_text

__all__ = ["Observation", "Observations", "ObservationsFile", "load_observations",
           "observations_from_text"]


class ObservationEntry(Node):
    """One line of ``observed``."""

    event: Id | None = None
    outcome: Id | None = None
    state: Id | None = None
    in_: DateLike | None = Field(default=None, alias="in")
    not_by: DateLike | None = None
    at: DateLike | None = None
    value: float | int | None = None
    sd: float | int | None = Field(default=None, gt=0)

    @field_validator("in_", "not_by", "at")
    @classmethod
    def _date(cls, v: DateLike | None) -> _dt.date | None:
        return None if v is None else parse_month(v)

    @model_validator(mode="after")
    def _shape(self) -> ObservationEntry:
        kinds = [k for k in ("event", "outcome", "state") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("an observation names exactly one of event, outcome or state")
        if kinds[0] == "state":
            if self.at is None or self.value is None or self.sd is None:
                raise ValueError("a state observation needs at, value and sd "
                                 "(the standard deviation of its measurement error)")
            if self.in_ is not None or self.not_by is not None:
                raise ValueError("a state observation takes at, value and sd, not in or not_by")
            if not math.isfinite(float(self.value)):
                raise ValueError("a state observation's value must be a finite number")
        else:
            if (self.in_ is None) == (self.not_by is None):
                raise ValueError(f"an {kinds[0]} observation needs exactly one of "
                                 "in (it happened in that period) or not_by (it had not "
                                 "happened by the end of that period)")
            if self.at is not None or self.value is not None or self.sd is not None:
                raise ValueError(f"an {kinds[0]} observation takes in or not_by, "
                                 "not at, value or sd")
        return self


class ObservationsFile(Node):
    """The whole file."""

    kennan_observations: Literal[1] = Field(alias="kennan-observations")
    scenario: str
    as_of: DateLike
    course: Id | None = None
    note: str | None = None
    observed: list[ObservationEntry] = Field(default_factory=list, max_length=10_000)

    @field_validator("as_of")
    @classmethod
    def _date(cls, v: DateLike) -> _dt.date:
        return parse_month(v)


@dataclass(frozen=True)
class Observation:
    """One observation in period indices of the scenario's clock.

    ``kind`` is event, outcome or state; ``how`` is ``in``, ``not_by`` or ``at``.
    ``location`` is the observation's place in the file, for messages.
    """

    kind: str
    target: str
    how: str
    period: int
    value: float | None
    sd: float | None
    location: Location

    def describe(self) -> str:
        """The observation in words, for messages and reports."""
        if self.kind == "state":
            return f"{self.target} = {self.value:g} (sd {self.sd:g}) at period {self.period}"
        verb = "in" if self.how == "in" else "not by the end of"
        return f"{self.kind} {self.target} {verb} period {self.period}"


@dataclass(frozen=True)
class Observations:
    """A checked observations file."""

    file: str
    scenario: str
    as_of: int  # period index; everything up to the end of it is known
    as_of_date: _dt.date
    course: str | None
    items: tuple[Observation, ...]


def load_observations(path: str | Path, loaded: LoadedScenario) -> Observations:
    """Read and check the observations file at ``path`` against ``loaded``."""
    p = Path(path)
    text = read_text(p, what="observations file")
    return observations_from_text(text, str(p), loaded)


def observations_from_text(text: str, file: str, loaded: LoadedScenario) -> Observations:
    """Check observations YAML ``text`` (as if read from ``file``) against ``loaded``."""
    doc = load_yaml(text, file)
    if not isinstance(doc.data, dict) or "kennan-observations" not in doc.data:
        raise ScenarioError("expected an observations file starting 'kennan-observations: 1'",
                            doc.locate(()))
    try:
        spec = ObservationsFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ScenarioError(translate_errors(exc, doc)) from None
    return _check(spec, doc, loaded)


def _check(spec: ObservationsFile, doc: YamlDocument, loaded: LoadedScenario) -> Observations:
    s = loaded.model
    start, horizon = s.time.start, s.time.horizon
    problems: list[Problem] = []

    def period(d: _dt.date) -> int:
        return (d.year - start.year) * 12 + d.month - start.month

    def bad(path: tuple, message: str) -> None:
        problems.append(Problem(message, doc.locate(path)))

    if spec.scenario not in (loaded.id, Path(loaded.origin).stem):
        bad(("scenario",), f"observations are for scenario '{spec.scenario}', "
                           f"but the scenario given is '{loaded.id}'")
    end = _dt.date(start.year + (start.month - 1 + horizon - 1) // 12,
                   (start.month - 1 + horizon - 1) % 12 + 1, 1)
    as_of = period(spec.as_of)
    if not 0 <= as_of < horizon:
        bad(("as_of",), f"as_of {spec.as_of:%Y-%m} is outside the scenario's time "
                        f"({start:%Y-%m} to {end:%Y-%m})")
    courses = [p.id for p in s.policies]
    if spec.course is not None and spec.course not in courses:
        bad(("course",), f"unknown course '{spec.course}'{did_you_mean(spec.course, courses)}; "
                         f"courses: {', '.join(courses)}")
    known = {
        "event": [e.id for e in s.events],
        "outcome": [o.id for o in s.outcomes],
        "state": [v.id for v in s.state],
    }
    items: list[Observation] = []
    for i, entry in enumerate(spec.observed):
        kind = next(k for k in ("event", "outcome", "state") if getattr(entry, k) is not None)
        target = getattr(entry, kind)
        how = "at" if kind == "state" else ("in" if entry.in_ is not None else "not_by")
        date = {"at": entry.at, "in": entry.in_, "not_by": entry.not_by}[how]
        key = {"in": "in", "not_by": "not_by", "at": "at"}[how]
        if target not in known[kind]:
            bad(("observed", i, kind), f"unknown {kind} '{target}'"
                f"{did_you_mean(target, known[kind])}; expected one of: {', '.join(known[kind])}")
            continue
        t = period(date)
        if not 0 <= t < horizon:
            bad(("observed", i, key), f"{date:%Y-%m} is outside the scenario's time "
                                      f"({start:%Y-%m} to {end:%Y-%m})")
            continue
        if 0 <= as_of < t:
            bad(("observed", i, key), f"{date:%Y-%m} is after as_of ({spec.as_of:%Y-%m}): "
                                      "an observation must be known by then")
            continue
        items.append(Observation(kind, target, how, t,
                                 None if entry.value is None else float(entry.value),
                                 None if entry.sd is None else float(entry.sd),
                                 doc.locate(("observed", i))))
    problems.extend(_contradictions(items, doc, spec))
    if problems:
        raise ScenarioError(problems)
    return Observations(doc.file, loaded.id, as_of, spec.as_of, spec.course, tuple(items))


def _contradictions(items: list[Observation], doc: YamlDocument,
                    spec: ObservationsFile) -> list[Problem]:
    """Observations that cannot all hold, each named by its place."""
    out: list[Problem] = []
    by_target: dict[tuple[str, str], list[Observation]] = {}
    for o in items:
        by_target.setdefault((o.kind, o.target), []).append(o)
    for (kind, target), obs in by_target.items():
        seen = sorted({o.period for o in obs if o.how == "in"})
        if kind == "outcome" and len(seen) > 1:
            out.append(Problem(f"outcome {target} is observed in two periods; an outcome "
                               f"ends the story and happens at most once", obs[-1].location))
        for o in obs:
            if o.how == "not_by" and seen and seen[0] <= o.period:
                out.append(Problem(f"{kind} {target} is observed not to have happened by "
                                   f"period {o.period} but also in period {seen[0]}",
                                   o.location))
    ins = [o for o in items if o.kind == "outcome" and o.how == "in"]
    if len({o.target for o in ins}) > 1:
        out.append(Problem("two different outcomes are observed to happen; the first ends "
                           "the story, so at most one can be seen", ins[-1].location))
    return out


def resolve_observations_path(name_or_path: str | Path, loaded: LoadedScenario) -> Path:
    """The observations file ``name_or_path`` names: a path, or the name of one shipped
    with a built-in scenario (``data/observations/<scenario>/<name>.yaml``)."""
    from importlib import resources

    path = Path(str(name_or_path))
    if path.exists() or "/" in str(name_or_path):
        return path
    folder = resources.files("kennan") / "data" / "observations" / loaded.id
    for candidate in (path.name, f"{path.name}.yaml"):
        shipped = folder / candidate
        if shipped.is_file():
            return Path(str(shipped))
    return path
