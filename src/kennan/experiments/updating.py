"""Updating a scenario on what has been observed: posterior judgments and forecasts.

``update`` simulates ``draws`` draws of the judgments, each with ``replications``
histories of chance, and makes every history agree with the observations (see
:mod:`kennan.engine.evidence`). A history's weight ``w`` is the probability the model
gave to the observed steps along it; for judgment draw ``j`` under course ``c`` the
likelihood of the observations is estimated by the mean weight of its histories::

    L_c(j) = (1/R) sum_r w[c, j, r]

The posterior weight of judgment draw ``j`` is ``pi_j`` proportional to
``L_obs(j)``, where ``obs`` is the course actually followed (the observations file's
``course``, else the scenario's baseline), since the draws are from the prior. A
forecast for course ``c`` averages each judgment draw's own conditional forecast over
the posterior::

    P(o by T | seen, c) = sum_j pi_j * sum_r w[c,j,r] 1[o by T in c,j,r] / sum_r w[c,j,r]

so the judgments learn from the course that was followed, and every course is judged
by what it would have made of the same observed events. The prior forecasts are the
same draws run without observations (identical to ``kennan run``'s numbers when
``replications`` is 1). Everything is exact in expectation; the effective number of
draws ``1 / sum_j pi_j^2`` says how much of the sample the posterior rests on.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kennan.defaults import CHUNK_SIZE, DRAWS, SEED
from kennan.engine.evidence import Evidence, build_evidence
from kennan.engine.model import Model, build_model
from kennan.errors import Location, Problem, ScenarioError, UsageError
from kennan.experiments.runner import run_design
from kennan.experiments.study import Study
from kennan.scenario.hypotheses import HYPOTHESIS_FACTOR
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import load_scenario
from kennan.scenario.observations import Observations, load_observations

__all__ = ["MAX_BYTES", "Histories", "Update", "hypothesis_posterior", "simulate_histories",
           "update", "weighted_quantiles"]

#: Memory the per-history arrays of one update may take (bytes).
MAX_BYTES = 4 * 2**30
#: Below this effective number of draws the posterior is flagged as resting on few draws.
MIN_EFFECTIVE = 100


@dataclass
class Histories:
    """Per-history results of a set of simulated draws, in draw order.

    ``log_w`` is ``(observations, courses, histories)``; ``outcome`` and ``time``
    ``(courses, histories)``; ``first_fired`` ``(events, courses, histories)``;
    ``judgments`` maps each judgment to its ``(draws,)`` values (one per judgment draw).
    """

    replications: int
    judgments: dict[str, np.ndarray]
    log_w: np.ndarray
    outcome: np.ndarray
    time: np.ndarray
    first_fired: np.ndarray
    watched: np.ndarray | None = None  # (variables, horizon, histories) on the watched course
    #: With competing hypotheses: their ids, each reading's own log weight of every
    #: history ``(hypotheses, courses, histories)`` and the normalised prior weights
    #: ``(hypotheses, draws)``. (The pooled arrays above follow each draw's reading.)
    hypotheses: tuple[str, ...] = ()
    hypothesis_log_w: np.ndarray | None = None
    hypothesis_prior: np.ndarray | None = None

    @property
    def draws(self) -> int:
        """Number of judgment draws."""
        return self.outcome.shape[1] // self.replications

    def weights(self) -> np.ndarray:
        """Weight of every history, ``(courses, histories)``: exp of the summed log weights."""
        with np.errstate(invalid="ignore"):
            return np.exp(self.log_w.sum(axis=0))

    def by_draw(self, x: np.ndarray) -> np.ndarray:
        """Sum over the replications of each judgment draw: ``(..., histories) -> (..., draws)``."""
        return x.reshape(*x.shape[:-1], self.draws, self.replications).sum(axis=-1)


def simulate_histories(model: Model | Study, evidence: Evidence | None = None, *, draws: int,
                       replications: int, seed: int, chunk_size: int | None = None,
                       watch: tuple[str, ...] = (), watch_course: int = 0) -> Histories:
    """Simulate ``draws`` judgment draws x ``replications`` histories under ``evidence``
    (None: no observation), through the experiment runner: a :class:`~.study.Study`'s
    executor, or this process for a compiled model.

    History ``i`` has the judgments of draw ``i // replications`` (the same values
    ``kennan run`` gives that draw) and the chance streams of global draw ``i``, so
    results do not depend on ``chunk_size``. ``watch`` keeps the values of those state
    variables or decision options on course ``watch_course`` in every period.
    """
    study = (Study.open(model, chunk_size=chunk_size) if isinstance(model, Study) else
             Study(model.loaded, model, None, None, chunk_size=chunk_size or CHUNK_SIZE))
    model = study.model
    if evidence is None:
        evidence = Evidence.empty(len(model.events), len(model.outcomes), model.horizon)
    _check_size(model, evidence, draws, replications, len(watch))
    order = tuple(jid for jid, _ in model.judgments)
    ids = tuple(h.id for h in model.hypotheses)
    n = draws * replications
    parts = run_design(study, count=n, seed=seed, evidence=evidence, watch=tuple(watch),
                       watch_course=watch_course, estimator=None,
                       judgment_draws=np.arange(n, dtype=np.uint64) // np.uint64(replications),
                       extract=HistoryParts(order, bool(watch), ids))
    first_of_draw = slice(None, None, replications)
    return Histories(
        replications=replications,
        judgments={jid: parts["judgments"][k][first_of_draw] for k, jid in enumerate(order)},
        log_w=parts["log_w"], outcome=parts["outcome"], time=parts["time"],
        first_fired=parts["first_fired"], watched=parts.get("watched"),
        **({"hypotheses": ids, "hypothesis_log_w": parts["hypothesis_log_w"],
            "hypothesis_prior": parts["hypothesis_prior"][:, first_of_draw]} if ids else {}),
    )


@dataclass(frozen=True)
class HistoryParts:
    """What :func:`simulate_histories` keeps of each chunk (arrays whose last axis is the
    chunk's histories)."""

    judgments: tuple[str, ...]
    watch: bool
    hypotheses: tuple[str, ...]

    def __call__(self, chunk: Any) -> dict[str, np.ndarray]:
        """The arrays of one chunk."""
        out = {"judgments": (np.stack([chunk.judgments[j] for j in self.judgments])
                             if self.judgments else np.empty((0, chunk.count))),
               "log_w": chunk.log_weights, "outcome": chunk.outcome, "time": chunk.time,
               "first_fired": chunk.first_fired}
        if self.watch:
            out["watched"] = chunk.watched
        if self.hypotheses:
            out["hypothesis_log_w"] = np.stack([chunk.hypotheses[h].log_weights.sum(axis=0)
                                                for h in self.hypotheses])
            out["hypothesis_prior"] = chunk.weights
        return out


def _check_size(model: Model, evidence: Evidence, draws: int, replications: int,
                watched: int = 0) -> None:
    if replications < 1:
        raise UsageError(f"replications must be at least 1, got {replications}")
    if draws < 1:
        raise UsageError(f"draws must be at least 1, got {draws}")
    n = draws * replications
    per = len(model.courses) * (8 * max(evidence.count, 1) + 3 + 2 * len(model.events)) \
        + 4 * watched * model.horizon
    need = n * per + 8 * n * len(model.judgments)
    if need > MAX_BYTES:
        raise UsageError(
            f"{draws:,} draws x {replications:,} replications would hold about "
            f"{need / 2**30:.1f} GiB of histories; the limit is {MAX_BYTES / 2**30:.0f} GiB: "
            "use fewer draws or replications, or fewer courses (--courses)")


@dataclass
class Update:
    """Posterior judgments and forecasts after the observations of ``observations``."""

    scenario: str
    observations: Observations
    course: str
    courses: list[str]
    outcomes: list[str]
    periods: list[_dt.date]
    prior: Histories
    posterior: Histories
    weights: np.ndarray  # (draws,) posterior weight of each judgment draw, summing to 1
    forecasts: dict[str, np.ndarray] = field(default_factory=dict)  # course -> (outcomes, T)
    prior_forecasts: dict[str, np.ndarray] = field(default_factory=dict)
    lost: dict[str, float] = field(default_factory=dict)  # course -> posterior mass lost

    @property
    def effective_draws(self) -> float:
        """``1 / sum(pi_j^2)``: how many equally weighted draws the posterior is worth."""
        return float(1.0 / np.sum(self.weights ** 2))

    def hypothesis_weights(self) -> dict[str, dict[str, float]]:
        """Prior and posterior weight of every hypothesis (:func:`hypothesis_posterior`)."""
        return hypothesis_posterior(self.posterior, self.courses.index(self.course))

    def judgment_summary(self) -> dict[str, dict[str, float]]:
        """Prior and posterior mean and 5/50/95 percentiles of every judgment."""
        out = {}
        n = self.weights.size
        flat = np.full(n, 1.0 / n)
        for jid, x in self.posterior.judgments.items():
            if jid == HYPOTHESIS_FACTOR:  # reported as hypotheses, not as a judgment
                continue
            p5, p50, p95 = weighted_quantiles(x, self.weights, [0.05, 0.5, 0.95])
            q5, q50, q95 = weighted_quantiles(x, flat, [0.05, 0.5, 0.95])
            out[jid] = {"prior_mean": float(x.mean()), "prior_p5": q5, "prior_p50": q50,
                        "prior_p95": q95, "posterior_mean": float(np.dot(self.weights, x)),
                        "posterior_p5": p5, "posterior_p50": p50, "posterior_p95": p95}
        return out

    def to_json(self) -> dict[str, Any]:
        """The update as plain data (``kennan update --json``)."""
        h = len(self.periods) - 1
        return {
            "scenario": self.scenario,
            "as_of": f"{self.observations.as_of_date:%Y-%m}",
            "course_followed": self.course,
            "draws": self.weights.size,
            "replications": self.posterior.replications,
            "effective_draws": self.effective_draws,
            "observations": [o.describe() for o in self.observations.items],
            "judgments": self.judgment_summary(),
            "hypotheses": self.hypothesis_weights(),
            "periods": [f"{d:%Y-%m}" for d in self.periods],
            "courses": {
                c: {"outcomes": {
                    o: {"prior": float(self.prior_forecasts[c][k, h]),
                        "posterior": float(self.forecasts[c][k, h]),
                        "posterior_by_period": [float(v) for v in self.forecasts[c][k]]}
                    for k, o in enumerate(self.outcomes)},
                    "posterior_mass_lost": self.lost.get(c, 0.0)}
                for c in self.courses},
        }


def update(scenario: str | Path | LoadedScenario, observations: str | Path | Observations, *,
           draws: int = DRAWS, replications: int = 1, seed: int = SEED,
           chunk_size: int = CHUNK_SIZE, courses: list[str] | None = None) -> Update:
    """Update ``scenario`` on an observations file; see the module docstring."""
    loaded = load_scenario(scenario)
    obs = (observations if isinstance(observations, Observations)
           else load_observations(observations, loaded))
    model = build_model(loaded, courses)
    followed = obs.course or model.baseline
    if followed not in model.course_ids:
        raise UsageError(f"the course followed, '{followed}', is not among the courses run "
                         f"({', '.join(model.course_ids)})")
    evidence = build_evidence(model, obs)
    post = simulate_histories(model, evidence, draws=draws, replications=replications,
                              seed=seed, chunk_size=chunk_size)
    prior = simulate_histories(model, Evidence.empty(len(model.events), len(model.outcomes),
                                                     model.horizon),
                               draws=draws, replications=1, seed=seed, chunk_size=chunk_size)
    c_obs = model.course_ids.index(followed)
    w = post.weights()
    lik = post.by_draw(w[c_obs]) / replications
    if not np.any(lik > 0):
        raise ScenarioError(_impossible(post, c_obs, obs))
    pi = lik / lik.sum()
    result = Update(scenario=loaded.id, observations=obs, course=followed,
                    courses=model.course_ids, outcomes=[o.id for o in model.outcomes],
                    periods=model.periods, prior=prior, posterior=post, weights=pi)
    flat = np.full(prior.draws, 1.0 / prior.draws)
    for c, cid in enumerate(model.course_ids):
        result.forecasts[cid], result.lost[cid] = _forecast(post, c, w[c], pi, model)
        result.prior_forecasts[cid], _ = _forecast(prior, c, np.ones(prior.draws), flat, model)
    if result.effective_draws < min(MIN_EFFECTIVE, draws / 10):
        warnings.warn(f"the posterior rests on about {result.effective_draws:.0f} of {draws:,} "
                      "draws: the observations are unlikely under most judgments; run more "
                      "draws (--draws) or replications (--replications)", UpdateWarning,
                      stacklevel=2)
    return result


def hypothesis_posterior(h: Histories, c: int) -> dict[str, dict[str, float]]:
    """Prior and posterior weight of every hypothesis given the histories of course ``c``.

    Each reading's own likelihood on the same draws is used, not only the draws that
    follow it:  P(h | y) = sum_j w_h(j) L_h(j) / sum_j sum_k w_k(j) L_k(j), with
    ``w_h(j)`` the normalised prior weight of ``h`` in draw ``j``.
    """
    if not h.hypotheses:
        return {}
    with np.errstate(invalid="ignore"):
        lik = np.stack([h.by_draw(np.exp(lw[c])) for lw in h.hypothesis_log_w])
    joint = (h.hypothesis_prior * lik).sum(axis=1)
    prior = h.hypothesis_prior.mean(axis=1)
    return {hid: {"prior": float(prior[k]), "posterior": float(joint[k] / joint.sum())}
            for k, hid in enumerate(h.hypotheses)}


class UpdateWarning(UserWarning):
    """The posterior rests on few draws."""


def _forecast(h: Histories, c: int, w: np.ndarray, pi: np.ndarray, model: Model
              ) -> tuple[np.ndarray, float]:
    """Cumulative probability of every outcome by each period, ``(outcomes, horizon)``,
    for course ``c`` whose histories weigh ``w``; and the posterior mass of the judgment
    draws under which this course cannot produce the observations (left out)."""
    den = h.by_draw(w)
    ok = den > 0
    lost = float(pi[~ok].sum())
    share = np.where(ok, pi, 0.0)
    if share.sum() > 0:
        share = share / share.sum()
    scale = share / np.where(ok, den, 1.0)
    periods = np.arange(model.horizon)[:, None]
    out = np.zeros((len(model.outcomes), model.horizon))
    for k in range(len(model.outcomes)):
        at = np.where((h.outcome[c] == k) & (h.time[c] == periods), w, 0.0)  # (T, histories)
        out[k] = np.cumsum(h.by_draw(at) @ scale)
    return out, lost


def _impossible(h: Histories, c: int, obs: Observations) -> list[Problem]:
    """Name the observations no history can produce under the course followed."""
    alone = [Problem(f"no draw can produce this observation ({o.describe()}) under course "
                     f"'{obs.course or 'baseline'}': the model gives it probability zero",
                     o.location)
             for i, o in enumerate(obs.items) if not np.any(np.isfinite(h.log_w[i, c]))]
    if alone:
        return alone
    return [Problem("no draw can produce these observations together (each alone is "
                    "possible): " + "; ".join(o.describe() for o in obs.items),
                    Location(obs.file))]


def weighted_quantiles(x: np.ndarray, w: np.ndarray, qs: list[float]) -> list[float]:
    """Quantiles of values ``x`` with weights ``w`` (the inverse of the weighted CDF,
    interpolated between the midpoints of each value's weight)."""
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    total = ws.sum()
    if total <= 0:
        return [float("nan")] * len(qs)
    mid = (np.cumsum(ws) - 0.5 * ws) / total
    return [float(np.interp(q, mid, xs)) for q in qs]
