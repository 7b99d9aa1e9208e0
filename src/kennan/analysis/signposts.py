"""Signposts: the observable indicators that, seen by a date, would most change the answer.

An indicator is something observable under the course being followed, among the draws
whose story is still open at the end of period d (no outcome yet): "event E has happened
by d"; "decision D has come out as option O in some period by d"; "state variable X is
above a level at d" (levels at the quartiles of X at d, so each split is informative). For each
indicator the draws split in two; the question's answer for every course is computed
on each side, and the *value of seeing* the indicator is the expected gain in the
question's answer from choosing the course after seeing it rather than now::

    value = sum_{s in seen, not seen} P(s) max_c E[Q_c | s] - max_c E[Q_c]

(the expected value of sample information, with Q the question: reaching its outcome
within its window). Maxima over noisy means are biased upwards, so the draws are
split in two halves: the course chosen on one half is scored on the other, and both
ways averaged (cross-fitting); an indicator that only looks useful by chance scores
about zero. Each signpost also reports how far the recommended course's answer
swings between the two sides, and the judgments that drive the event, with their
citations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kennan import defaults
from kennan.errors import UsageError
from kennan.experiments.executors import Executor
from kennan.experiments.study import Study
from kennan.experiments.updating import simulate_histories
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.summary import judgment_rows

#: A side of a split with fewer draws than this (or this share of the open draws)
#: is too thin to say anything about.
MIN_SIDE = 50
MIN_SHARE = 0.01


@dataclass(frozen=True)
class Signpost:
    """One indicator and what seeing it would tell."""

    event: str
    period: int
    label: str
    chance: float  # P(seen by the date | story open)
    value: float  # cross-fitted expected gain in the question's answer
    swing: float  # recommended course's answer if seen minus if not seen
    best_if_seen: str
    best_if_not: str
    answer_if_seen: dict[str, float]
    answer_if_not: dict[str, float]
    grounds: list[str] = field(default_factory=list)

    @property
    def if_seen(self) -> str:
        """The best course, and its answer, if the indicator is seen."""
        return f"{self.best_if_seen} ({self.answer_if_seen[self.best_if_seen]:.3f})"

    @property
    def if_not(self) -> str:
        """The best course, and its answer, if it is not."""
        return f"{self.best_if_not} ({self.answer_if_not[self.best_if_not]:.3f})"

    @property
    def trigger(self) -> str:
        """The signpost as a plain-language trigger."""
        if self.best_if_seen != self.best_if_not:
            then = (f"{self.best_if_seen} becomes the best course "
                    f"({self.answer_if_seen[self.best_if_seen]:.0%}); if not, "
                    f"{self.best_if_not} ({self.answer_if_not[self.best_if_not]:.0%})")
        else:
            then = (f"{self.best_if_seen} stays the best course, at "
                    f"{self.answer_if_seen[self.best_if_seen]:.0%} against "
                    f"{self.answer_if_not[self.best_if_not]:.0%} if it is not seen")
        return f"If {self.label}, {then}."


@dataclass
class Signposts:
    """Signposts of a scenario, best first."""

    scenario: str
    question_text: str
    watched: str
    recommended: str
    answer: float
    signposts: list[Signpost]
    periods: list = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Plain data (``kennan signposts --json``)."""
        return {
            "scenario": self.scenario, "question": self.question_text,
            "watched_course": self.watched, "recommended": self.recommended,
            "answer": self.answer,
            "signposts": [{
                "event": s.event, "by_period": s.period, "label": s.label,
                "chance": s.chance, "value": s.value, "swing": s.swing,
                "best_if_seen": s.best_if_seen, "best_if_not": s.best_if_not,
                "answer_if_seen": s.answer_if_seen, "answer_if_not": s.answer_if_not,
                "grounds": s.grounds, "trigger": s.trigger,
            } for s in self.signposts],
        }


def find_signposts(scenario: str | Path | LoadedScenario | Study, *, course: str | None = None,
                   draws: int = defaults.DRAWS, seed: int = defaults.SEED, top: int = 10,
                   every: int = defaults.SIGNPOST_EVERY, outcome: str | None = None,
                   within: int | None = None, chunk_size: int | None = None,
                   executor: Executor | None = None,
                   progress: Callable[[int], Any] | None = None) -> Signposts:
    """The ``top`` indicators by value of seeing them, checked every ``every`` periods.

    The question is reaching ``outcome`` within ``within`` periods (default: the
    scenario's ``question``, else its first outcome by the horizon). The histories of
    the watched ``course`` (default: the best on the question, which a first run of
    ``draws`` finds) run through the experiment runner."""
    study = Study.open(scenario, executor=executor, chunk_size=chunk_size, progress=progress)
    loaded, model = study.loaded, study.model
    outcome_id, within, text = _question(loaded, model, outcome, within)
    # A union of outcomes (ids joined by commas) is reached when any of them is.
    ks = [[o.id for o in model.outcomes].index(o) for o in outcome_id.split(",")]
    ids = model.course_ids
    if course is not None and course not in ids:
        raise UsageError(f"unknown course '{course}'; courses: {', '.join(ids)}")

    def answers(h: Any) -> np.ndarray:
        return (np.isin(h.outcome, ks) & (h.time >= 0) & (h.time < within)).astype(np.float64)

    if course is None:
        # Which course is watched is known only after a first look when none is named.
        probe = simulate_histories(study, draws=draws, replications=1, seed=seed)
        c0 = int(np.argmax(answers(probe).mean(axis=1)))
    else:
        c0 = ids.index(course)
    variables = _watchable(loaded, model)
    # Watching changes no number: these are the probe's histories, with the values kept.
    h = simulate_histories(study, draws=draws, replications=1, seed=seed,
                           watch=tuple(v for v, _ in variables), watch_course=c0)
    q = answers(h)
    means = q.mean(axis=1)
    best = int(np.argmax(means))
    half = (np.arange(q.shape[1]) % 2).astype(bool)
    grounds = _event_grounds(loaded)
    labels = {e.id: e.label for e in loaded.model.events}
    options = {o for d in model.decisions for o in d.options}
    found = []
    for t in range(every - 1, min(within, model.horizon) - 1, every):
        open_ = (h.time[c0] < 0) | (h.time[c0] > t)
        date = f"{model.periods[t]:%Y-%m}"
        candidates = [(e.id, f"'{labels[e.id]}' ({e.id}) is seen by {date}",
                       (h.first_fired[i, c0] >= 0) & (h.first_fired[i, c0] <= t))
                      for i, e in enumerate(model.events)]
        for n, (name, label) in enumerate(variables):
            x = h.watched[n]
            if name in options:
                candidates.append((name, f"{label} in some month by {date}",
                                   (x[:t + 1] > 0.5).any(axis=0)))
                continue
            levels = np.unique(np.quantile(x[t][open_], [0.25, 0.5, 0.75]))
            candidates += [(name, f"{label} is above {v:.3g} at the end of {date}", x[t] > v)
                           for v in levels]
        for name, label, seen in candidates:
            s = _split(q, open_, seen, half, ids)
            if s is None:
                continue
            chance, value, a_seen, a_not = s
            found.append(Signpost(name, t, label, chance, value,
                                  a_seen[ids[best]] - a_not[ids[best]],
                                  max(a_seen, key=a_seen.get), max(a_not, key=a_not.get),
                                  a_seen, a_not, grounds.get(name, [])))
    found.sort(key=lambda s: (-s.value, -abs(s.swing), s.period, s.event))
    return Signposts(loaded.id, text, ids[c0], ids[best], float(means[best]), found[:top],
                     model.periods)


def _split(q: np.ndarray, open_: np.ndarray, seen: np.ndarray, half: np.ndarray,
           ids: list[str]) -> tuple[float, float, dict[str, float], dict[str, float]] | None:
    n = int(open_.sum())
    a, b = open_ & seen, open_ & ~seen
    floor = max(MIN_SIDE, MIN_SHARE * n)
    if a.sum() < floor or b.sum() < floor:
        return None
    chance = float(a.sum() / n)
    value = 0.0
    for fit, score in ((half, ~half), (~half, half)):
        gain = -q[:, open_ & score].mean(axis=1)[int(np.argmax(q[:, open_ & fit].mean(axis=1)))]
        for side in (a, b):
            pick = int(np.argmax(q[:, side & fit].mean(axis=1)))
            share = (side & score).sum() / (open_ & score).sum()
            gain += share * q[pick, side & score].mean()
        value += gain / 2
    return (chance, float(value), dict(zip(ids, q[:, a].mean(axis=1).tolist(), strict=True)),
            dict(zip(ids, q[:, b].mean(axis=1).tolist(), strict=True)))


def _watchable(loaded: LoadedScenario, model: Any) -> list[tuple[str, str]]:
    """State variables and decision options an observer could follow, with labels."""
    names = {v.id: v.id if v.label == v.id else f"'{v.label}' ({v.id})"
             for v in loaded.model.state}
    out = [(st.id, names[st.id]) for st in model.stocks]
    out += [(d.id, names[d.id]) for d in model.derived]
    labels = {d.id: d.label for d in loaded.model.decisions}
    out += [(o, f"'{labels[d.id]}' ({d.id}) comes out as {o}") for d in model.decisions
            for o in d.options]
    return out


def _question(loaded: LoadedScenario, model: Any, outcome: str | None,
              within: int | None) -> tuple[str, int, str]:
    if outcome is not None:
        w = within or model.horizon
        return outcome, w, f"probability of {outcome} within {w} periods"
    q = loaded.model.question
    if q is None:
        if not model.outcomes:
            raise UsageError(f"scenario '{loaded.id}' has no outcome to watch for")
        o = model.outcomes[0].id
        return o, model.horizon, f"probability of {o} by the horizon"
    within = q.within or model.horizon
    sought = " or ".join(q.outcomes)
    text = q.text or f"probability of {sought} within {within} periods"
    return ",".join(q.outcomes), within, text


def _event_grounds(loaded: LoadedScenario) -> dict[str, list[str]]:
    """For each event, the judgments its definition (or a policy's risk on it) reads,
    with their grounds."""
    rows = {r.id: r for r in judgment_rows(loaded)}
    texts: dict[str, list[str]] = {}
    for e in loaded.model.events:
        texts.setdefault(e.id, []).append(e.model_dump_json())
    for p in loaded.model.policies:
        for _, step in p.steps():  # every track's steps
            for risk in step.risks:
                texts.setdefault(risk.event, []).append(risk.model_dump_json())
    out = {}
    for eid, parts in texts.items():
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", " ".join(parts)))
        out[eid] = [f"{j}: {' '.join(rows[j].grounds.split())}" for j in rows if j in words]
    return out
