"""What was observed, laid out for the period loop, and the weight of a history given it.

Updating a scenario on observations uses *likelihood weighting*: every simulated
history is made to agree with what was observed (an event seen in a period fires
there; an event or outcome seen not to happen by a period does not), and carries as
its weight the probability the model gave to each of those forced steps. An observed
event's probability is known at the moment it is forced, so the weight is exact for
that history: nothing is rejected at random, and the mean weight over histories that
share their judgments estimates the likelihood of the observations given the
judgments (exactly, where the observations are all there is to chance).

Weights are kept as logarithms, one per observation so that an impossible
observation can be named, in an array of shape ``(observations, courses, draws)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kennan.engine.model import Model
from kennan.scenario.observations import Observations

#: Codes in :attr:`Evidence.events` and :attr:`Evidence.outcomes`.
FREE, FORCE, FORBID = 0, 1, -1


@dataclass(frozen=True)
class StateObservation:
    """A state variable read at the end of a period with a normal measurement error."""

    target: str
    period: int
    value: float
    sd: float
    index: int  # the observation this belongs to


@dataclass(frozen=True)
class Evidence:
    """Observations as per-period codes.

    ``events[k, t]`` and ``outcomes[k, t]`` are :data:`FREE`, :data:`FORCE` or
    :data:`FORBID`; ``event_obs`` and ``outcome_obs`` give, for each code, the index
    of the observation that set it (``-1`` where free). ``count`` is the number of
    observations; ``states`` the state readings.
    """

    events: np.ndarray  # (events, horizon) int8
    outcomes: np.ndarray  # (outcomes, horizon) int8
    event_obs: np.ndarray  # (events, horizon) int
    outcome_obs: np.ndarray  # (outcomes, horizon) int
    states: tuple[StateObservation, ...]
    count: int
    #: False: observed events are imposed (as ``kennan replay`` does) but not weighed,
    #: so only outcomes and states inform the weights.
    learn_from_events: bool = True

    @classmethod
    def empty(cls, n_events: int, n_outcomes: int, horizon: int) -> Evidence:
        """No observation: every event and outcome free in every period."""
        return cls(np.zeros((n_events, horizon), np.int8), np.zeros((n_outcomes, horizon), np.int8),
                   np.full((n_events, horizon), -1), np.full((n_outcomes, horizon), -1), (), 0)


def _log(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(np.clip(p, 0.0, 1.0))


def weigh_events(evidence: Evidence, t: int, prob: np.ndarray, fired: np.ndarray,
                 repeat: list[bool], alive: np.ndarray, log_w: np.ndarray
                 ) -> dict[int, np.ndarray]:
    """Firings in period ``t`` of the events the evidence constrains, by event index.

    Adds the log probability of each forced step (firing, or not firing) to ``log_w``.
    Events absent from the result are left to chance.
    """
    out: dict[int, np.ndarray] = {}
    for k in np.flatnonzero(evidence.events[:, t]):
        p = prob[k]
        obs = evidence.event_obs[k, t]
        can = alive if repeat[k] else alive & ~fired[k]
        if evidence.events[k, t] == FORCE:
            out[k] = can
            # A non-repeating event that already fired cannot be seen firing again.
            if evidence.learn_from_events:
                log_w[obs] += np.where(alive, np.where(can, _log(p), -np.inf), 0.0)
        else:
            out[k] = np.zeros_like(alive)
            if evidence.learn_from_events:
                log_w[obs] += np.where(can, _log(1.0 - p), 0.0)
    return out


def weigh_outcome(evidence: Evidence, k: int, t: int, hazard: np.ndarray | None,
                  cond: np.ndarray, alive: np.ndarray, log_w: np.ndarray) -> np.ndarray:
    """Whether outcome ``k`` absorbs each live draw in period ``t``, given the evidence.

    ``hazard`` is the outcome's per-period probability (None for a condition outcome,
    whose ``cond`` is then deterministic); ``cond`` is what chance alone decided.
    """
    code = evidence.outcomes[k, t]
    if code == FREE:
        return cond
    obs = evidence.outcome_obs[k, t]
    if code == FORCE:
        if hazard is None:
            log_w[obs] += np.where(alive & ~cond, -np.inf, 0.0)
        else:
            log_w[obs] += np.where(alive, _log(hazard), 0.0)
        return np.ones_like(cond)
    if hazard is None:
        log_w[obs] += np.where(alive & cond, -np.inf, 0.0)
    else:
        log_w[obs] += np.where(alive, _log(1.0 - hazard), 0.0)
    return np.zeros_like(cond)


def weigh_states(evidence: Evidence, t: int, env: dict,
                 log_w: np.ndarray) -> None:
    """Add the normal log density of each state reading taken at the end of period ``t``."""
    for s in evidence.states:
        if s.period != t:
            continue
        z = (np.asarray(env[s.target], dtype=np.float64) - s.value) / s.sd
        log_w[s.index] += -0.5 * z * z - np.log(s.sd * np.sqrt(2.0 * np.pi))


def build_evidence(model: Model, observations: Observations, *, learn_from_events: bool = True
                   ) -> Evidence:
    """Lay ``observations`` out as per-period codes for ``model``'s events and outcomes.

    An event seen ``in`` a period fires there (and, unless it repeats, not before);
    ``not_by`` holds it off through that period. An outcome seen ``in`` a period is
    forced there and every outcome is held off before it (an outcome ends the story),
    as are the outcomes listed before it in the same period (the first one wins).
    """
    ev_index = {e.id: k for k, e in enumerate(model.events)}
    out_index = {o.id: k for k, o in enumerate(model.outcomes)}
    h = model.horizon
    e = Evidence.empty(len(model.events), len(model.outcomes), h)
    states = []

    def hold(codes: np.ndarray, who: np.ndarray, k: int, upto: int, i: int) -> None:
        free = codes[k, :upto] == FREE
        codes[k, :upto][free] = FORBID
        who[k, :upto][free] = i

    for i, o in enumerate(observations.items):
        t = o.period
        if o.kind == "event":
            k = ev_index[o.target]
            if o.how == "in":
                e.events[k, t], e.event_obs[k, t] = FORCE, i
                if not model.events[k].repeat:
                    hold(e.events, e.event_obs, k, t, i)
            else:
                hold(e.events, e.event_obs, k, t + 1, i)
        elif o.kind == "outcome":
            k = out_index[o.target]
            if o.how == "in":
                for j in range(len(model.outcomes)):
                    hold(e.outcomes, e.outcome_obs, j, t + (j < k), i)
                e.outcomes[k, t], e.outcome_obs[k, t] = FORCE, i
            else:
                hold(e.outcomes, e.outcome_obs, k, t + 1, i)
        else:
            states.append(StateObservation(o.target, t, float(o.value), float(o.sd), i))
    return Evidence(e.events, e.outcomes, e.event_obs, e.outcome_obs, tuple(states),
                    len(observations.items), learn_from_events)
