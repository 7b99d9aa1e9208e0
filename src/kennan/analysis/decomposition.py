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

import numpy as np
import pandas as pd

from kennan.analysis.quantity import quantity_of
from kennan.engine.model import build_model
from kennan.engine.streams import Streams
from kennan.errors import UsageError
from kennan.experiments import designs, limits
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import load_scenario

#: Most replications of chance per judgment draw.
MAX_REPLICATIONS = 10_000


def decompose(scenario: str | LoadedScenario, *, draws: int = 2000, replications: int = 8,
              seed: int = 0, outcome: str | None = None, within: int | None = None,
              chunk_size: int = designs.DEFAULT_CHUNK) -> pd.DataFrame:
    """Per course: ``probability``, and the shares of its variance due to ``judgments``,
    ``path`` and ``outcome`` (summing to 1), from ``draws`` judgment draws x
    ``replications`` histories. The outcome defaults to the scenario's question."""
    if not 2 <= replications <= MAX_REPLICATIONS:
        raise UsageError(f"replications must be between 2 and {MAX_REPLICATIONS:,}, got "
                         f"{replications}")
    if draws < 2:
        raise UsageError(f"a decomposition needs at least 2 judgment draws, got {draws}")
    loaded = load_scenario(scenario)
    model = build_model(loaded)
    rows = draws * replications
    limits.check_design_size(model, rows=rows, columns=len(model.judgments),
                             what="the decomposition", option="--draws or --replications")
    question = model.scenario.question
    if outcome is None and question is not None:
        outcome, within = question.outcome, question.within if within is None else within
    q = quantity_of(model, outcome=outcome, within=within)
    if q.kind != "outcome":
        raise UsageError("a decomposition is of an outcome, not a metric")
    index = np.arange(rows, dtype=np.uint64) // np.uint64(replications)
    streams = Streams(seed, index)
    order = [jid for jid, _ in model.judgments]
    u = (np.column_stack([streams(f"judgment:{jid}") for jid in order]) if order
         else np.zeros((rows, 0)))
    v = designs.run_uniforms(model, u, seed=seed, chunk_size=chunk_size, extract=q.values)
    v = v.reshape(v.shape[0], draws, replications)  # (courses, draws, replications)
    out = []
    for c, course in enumerate(model.course_ids):
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
