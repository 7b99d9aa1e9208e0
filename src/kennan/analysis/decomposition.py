"""Judgment, path and dice: the law of total variance, three ways, by replication.

Whether an outcome comes about in one history, Y (a yes or no, variance
``p (1 - p)``), depends on the draw's judgments theta, on the chance events that
shape its path omega (fired events, sampled decisions), and on the outcome's own
chance. The engine's conditional estimator gives ``v = P(Y | theta, omega)`` per
history. With ``replications`` R histories per judgment draw (the same judgment
values, the chance streams of different global draws; courses share them: common
random numbers), the law of total variance splits ``p (1 - p)`` into

* **judgments**: ``Var(E[Y | theta])``, estimated without bias by the variance of
  the per-draw means of v minus the mean within-draw variance over R;
* **path**: ``Var(v) - Var(E[Y | theta])``, the chance events' part;
* **outcome**: the rest, ``p (1 - p) - Var(v)``, the outcome's own dice.

``kennan run``'s ``judgment_share`` is judgments + path (one history per draw
cannot tell them apart); this function separates them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from kennan import defaults
from kennan.analysis.quantity import quantity_of
from kennan.errors import UsageError
from kennan.experiments.executors import Executor
from kennan.experiments.runner import run_design
from kennan.experiments.study import Study
from kennan.scenario.loaded import LoadedScenario

#: Most replications of chance per judgment draw.
MAX_REPLICATIONS = 10_000


def decompose(scenario: str | LoadedScenario | Study, *,
              draws: int = defaults.DECOMPOSITION_DRAWS,
              replications: int = defaults.DECOMPOSITION_REPLICATIONS,
              seed: int = defaults.SEED, outcome: str | None = None, within: int | None = None,
              chunk_size: int | None = None, executor: Executor | None = None,
              progress: Callable[[int], Any] | None = None) -> pd.DataFrame:
    """Per course: ``probability``, and the shares of its variance due to ``judgments``,
    ``path`` and ``outcome`` (summing to 1), from ``draws`` judgment draws x
    ``replications`` histories (run through the experiment runner, in chunks of
    ``chunk_size`` on ``executor``). The outcome defaults to the scenario's question."""
    if not 2 <= replications <= MAX_REPLICATIONS:
        raise UsageError(f"replications must be between 2 and {MAX_REPLICATIONS:,}, got "
                         f"{replications}")
    if draws < 2:
        raise UsageError(f"a decomposition needs at least 2 judgment draws, got {draws}")
    study = Study.open(scenario, executor=executor, chunk_size=chunk_size, progress=progress)
    rows = draws * replications
    study.check_design_size(rows=rows, columns=len(study.judgment_ids),
                            what="the decomposition", option="--draws or --replications")
    question = study.question
    if outcome is None and question is not None:
        outcome, within = question.outcome, question.within if within is None else within
    q = quantity_of(study.catalog, outcome=outcome, within=within)
    if q.kind != "outcome":
        raise UsageError("a decomposition is of an outcome, not a metric")
    # History i: the judgments of draw i // replications, the chance of draw i.
    index = np.arange(rows, dtype=np.uint64) // np.uint64(replications)
    v = run_design(study, count=rows, seed=seed, judgment_draws=index, extract=q.values)
    v = v.reshape(v.shape[0], draws, replications)  # (courses, draws, replications)
    out = []
    for c, course in enumerate(study.course_ids):
        x = v[c]
        p = float(x.mean())
        total = p * (1.0 - p)
        within_var = float(x.var(axis=1, ddof=1).mean())
        between = float(x.mean(axis=1).var(ddof=1)) - within_var / replications
        overall = float(x.var(ddof=1))
        if total <= 0:
            shares = (np.nan, np.nan, np.nan)
        else:
            j = min(max(between / total, 0.0), 1.0)
            path = min(max(overall / total - j, 0.0), 1.0 - j)
            shares = (j, path, 1.0 - j - path)
        out.append({"course": course, "probability": p, "judgments": shares[0],
                    "path": shares[1], "outcome": shares[2]})
    return pd.DataFrame(out)
