"""What the answer hinges on: global sensitivity of a course's outcome (or of the
difference between two courses) to every uncertain judgment.

Sobol' indices come from SALib's estimators (Saltelli et al. 2010 for the first
order, Jansen's form for the total order, bootstrap 95% intervals) on a Saltelli
design drawn by SALib (:mod:`kennan.experiments.designs`) and run as judgment
uniforms through the experiment runner (:func:`kennan.experiments.runner.run_design`:
executors, chunks and progress as for ``kennan run``). Morris's elementary effects are the cheap
screen. Each row carries the judgment's grounds: paragraph and quote, or the
stated assumption.

Judgments linked by a correlation or an order are one factor: SALib's groups
swap (Saltelli) or move (Morris) their uniforms together, the engine's copula and
ordering act inside each draw, and the row of such a factor names its members
(``"a + b"``) and says ``grouped``; varying one of them alone would ask what the
scenario has declared impossible.

An outcome is analysed through its probability given each draw (the engine's
conditional estimator, :mod:`kennan.engine.accrual`), not a yes or no: the chance of
the outcome itself is integrated out, so the indices say which judgments the
probability hinges on. Events and sampled decisions stay random inside each
evaluation, so what variance remains belongs to no judgment: the first-order
indices sum to less than one by that share. Indices are variance shares, so
estimates below zero (sampling error around a true zero) are shown as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from kennan import defaults
from kennan.analysis.quantity import Quantity, quantity_of
from kennan.arguments import whole
from kennan.errors import UsageError
from kennan.experiments import designs, limits
from kennan.experiments.executors import Executor
from kennan.experiments.runner import run_design
from kennan.experiments.study import Study
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.summary import judgments_by_id

DEFAULT_BASE = defaults.SOBOL_BASE
DEFAULT_TRAJECTORIES = defaults.MORRIS_TRAJECTORIES
#: What a sensitivity analysis runs on: a scenario's name or file, a loaded scenario, or
#: a study (compiled once, with its executor).
Scenario = str | LoadedScenario | Study


@dataclass(frozen=True)
class Sensitivity:
    """Ranked sensitivity indices of one quantity, one row per varied judgment."""

    method: str
    scenario: str
    quantity: Quantity
    course: str
    against: str | None
    size: int
    evaluations: int
    mean: float
    variance: float
    table: pd.DataFrame
    #: Factors made of several dependent judgments: label -> members.
    groups: dict[str, list[str]] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """What was analysed, in words."""
        what = self.quantity.describe()
        if self.against:
            return f"difference in {what}: {self.course} minus {self.against}"
        return f"{what} under {self.course}"

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {"method": self.method, "scenario": self.scenario, "target": self.target,
                "course": self.course, "against": self.against, "size": self.size,
                "evaluations": self.evaluations, "mean": self.mean, "variance": self.variance,
                "groups": self.groups,
                "judgments": self.table.astype(object).where(self.table.notna(), None)
                .to_dict(orient="records")}


def sobol(scenario: Scenario, *, course: str, against: str | None = None,
          outcome: str | None = None, metric: str | None = None, within: int | None = None,
          judgments: Sequence[str] | None = None, base: int = DEFAULT_BASE,
          seed: int = defaults.SEED, resamples: int = defaults.SENSITIVITY_RESAMPLES,
          chunk_size: int | None = None, executor: Executor | None = None,
          progress: Callable[[int], Any] | None = None) -> Sensitivity:
    """First- and total-order Sobol' indices of a course's quantity (or of the difference
    ``course`` minus ``against``), ``base`` base samples (a power of two), ranked by total
    order. Costs ``base * (judgments + 2)`` draws of one or two courses, run in chunks of
    ``chunk_size`` rows on ``executor`` (default: a study's, else this process)."""
    base = whole("base", base, least=2)
    seed = whole("seed", seed, least=0, most=limits.MAX_SEED)
    study, q, names, rows = _setup(scenario, course, against, outcome=outcome, metric=metric,
                                   within=within, judgments=judgments, executor=executor,
                                   chunk_size=chunk_size, progress=progress)
    study.check_design_size(rows=base * (len(names) + 2), columns=len(names),
                            what=f"Sobol' with {base:,} base samples", option="--base")
    design = designs.saltelli_design(names, base=base, seed=seed,
                                     groups=study.factor_groups(names))
    y = _target(run_design(study, count=design.evaluations, seed=seed, extract=q.values,
                           courses=rows, names=design.names, sample=design.sample,
                           draws=design.draws))
    d = len(design.factors)
    if np.ptp(y) == 0.0:
        zeros = np.zeros(d)
        s = {"S1": zeros, "S1_conf": zeros, "ST": zeros, "ST_conf": zeros}
    else:
        s = sobol_analyze.analyze(design.problem, y, calc_second_order=False,
                                  num_resamples=resamples, conf_level=0.95,
                                  seed=_positive_seed(seed))
    def share(x: np.ndarray) -> np.ndarray:
        return np.clip(np.asarray(x, dtype=float), 0.0, 1.0)

    frame = pd.DataFrame({
        "judgment": design.factors,
        "S1": share(s["S1"]), "S1_low": share(s["S1"] - s["S1_conf"]),
        "S1_high": share(s["S1"] + s["S1_conf"]),
        "ST": share(s["ST"]), "ST_low": share(s["ST"] - s["ST_conf"]),
        "ST_high": share(s["ST"] + s["ST_conf"]),
    })
    frame = frame.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
    return Sensitivity("sobol", study.id, q, course, against, base, int(y.size),
                       float(y.mean()), float(y.var()), _with_grounds(frame, study, design),
                       _groups(design))


def morris(scenario: Scenario, *, course: str, against: str | None = None,
           outcome: str | None = None, metric: str | None = None, within: int | None = None,
           judgments: Sequence[str] | None = None, trajectories: int = DEFAULT_TRAJECTORIES,
           levels: int = defaults.MORRIS_LEVELS, seed: int = defaults.SEED,
           resamples: int = defaults.SENSITIVITY_RESAMPLES, chunk_size: int | None = None,
           executor: Executor | None = None,
           progress: Callable[[int], Any] | None = None) -> Sensitivity:
    """Morris's screen: mean absolute elementary effect (mu*, with a 95% interval), mean
    effect (mu) and spread (sigma) of each judgment, ranked by mu*. Effects are per unit of
    the judgment's quantile (moving a judgment from its lowest to its highest level is 1).
    Costs ``trajectories * (judgments + 1)`` draws."""
    trajectories = whole("trajectories", trajectories, least=2)
    seed = whole("seed", seed, least=0, most=limits.MAX_SEED)
    study, q, names, rows = _setup(scenario, course, against, outcome=outcome, metric=metric,
                                   within=within, judgments=judgments, executor=executor,
                                   chunk_size=chunk_size, progress=progress)
    study.check_design_size(rows=trajectories * (len(names) + 1), columns=len(names),
                            what=f"Morris with {trajectories:,} trajectories",
                            option="--trajectories")
    design = designs.morris_design(names, trajectories=trajectories, levels=levels, seed=seed,
                                   groups=study.factor_groups(names))
    y = _target(run_design(study, count=design.sample.shape[0], seed=seed, extract=q.values,
                           courses=rows, names=design.names, sample=design.uniforms,
                           draws=design.draws))
    s = morris_analyze.analyze(design.problem, design.sample, y, num_resamples=resamples,
                               conf_level=0.95, num_levels=levels, seed=_positive_seed(seed))
    frame = pd.DataFrame({
        "judgment": design.factors, "mu_star": np.asarray(s["mu_star"], dtype=float),
        "mu_star_low": np.asarray(s["mu_star"]) - np.asarray(s["mu_star_conf"]),
        "mu_star_high": np.asarray(s["mu_star"]) + np.asarray(s["mu_star_conf"]),
        "mu": np.asarray(s["mu"], dtype=float), "sigma": np.asarray(s["sigma"], dtype=float),
    })
    frame = frame.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    return Sensitivity("morris", study.id, q, course, against, trajectories, int(y.size),
                       float(y.mean()), float(y.var()), _with_grounds(frame, study, design),
                       _groups(design))


def _setup(scenario: Scenario, course: str, against: str | None, *, outcome: str | None,
           metric: str | None, within: int | None, judgments: Sequence[str] | None,
           executor: Executor | None, chunk_size: int | None,
           progress: Callable[[int], Any] | None
           ) -> tuple[Study, Quantity, list[str], list[str]]:
    """The study, the quantity, the judgments to vary and the courses simulated (the
    course first, then ``against``: :func:`_target` subtracts in that order)."""
    study = Study.open(scenario, executor=executor, chunk_size=chunk_size, progress=progress)
    if against is not None and against == course:
        raise UsageError(f"compare '{course}' against a different course, not itself")
    rows = [course] if against is None else [course, against]
    study.check_courses(*rows)
    q = quantity_of(study.catalog, outcome=outcome, metric=metric, within=within)
    return study, q, study.judgments(judgments), rows


def _target(values: np.ndarray) -> np.ndarray:
    # values: (courses, evaluations); one course, or the first minus the second
    return values[0] if values.shape[0] == 1 else values[0] - values[1]


def _positive_seed(seed: int) -> int:
    # SALib falls back to NumPy's global generator for a seed of 0: never let it.
    return int(np.random.SeedSequence(int(seed)).generate_state(1)[0]) % (2**31 - 2) + 1


def _groups(design: designs.SaltelliDesign | designs.MorrisDesign) -> dict[str, list[str]]:
    if design.groups is None:
        return {}
    out: dict[str, list[str]] = {}
    for name, label in zip(design.names, design.groups, strict=True):
        if label != name:
            out.setdefault(label, []).append(name)
    return out


def _with_grounds(frame: pd.DataFrame, study: Study,
                  design: designs.SaltelliDesign | designs.MorrisDesign) -> pd.DataFrame:
    infos = judgments_by_id(study.loaded)
    groups = _groups(design)
    frame = frame.copy()
    # A grouped factor's row: its first member's grounds first, then the others'.
    members = [groups.get(f, [f]) for f in frame["judgment"]]
    frame["grouped"] = [len(m) > 1 for m in members]
    frame["members"] = members

    def joined(attr: str) -> list[object]:
        out = []
        for m in members:
            # Grounds without the source id: the paragraph and the quote.
            values = [infos[j].grounds_text(with_source=False) if attr == "grounds"
                      else getattr(infos[j], attr) for j in m]
            out.append(values[0] if len(m) == 1 else
                       "; ".join(f"{j}: {v}" for j, v in zip(m, values, strict=True)))
        return out

    for attr in ("distribution", "grounds"):
        frame[attr] = joined(attr)
    for attr in ("source", "paragraph", "quote", "assumption"):
        frame[attr] = [getattr(infos[m[0]], attr) for m in members]
    return frame
