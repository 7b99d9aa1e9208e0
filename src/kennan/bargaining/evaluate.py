"""Score bargaining models against observed outcomes of EU legislation (``kennan evaluate``).

Every model forecasts every issue of a DEU file from the positions, saliences (0-1)
and capabilities of the actors taking part (a position and a positive salience); the
error is ``|forecast - outcome|`` on the 0-100 scale, over the issues with an outcome.
Reported per model: the number of issues scored, the mean and median absolute error,
and the share of issues forecast within 10 points (``|error| <= 10``), for all issues,
by Council voting rule and by procedure. Baselines: ``commission`` (the Commission's
position) and ``reference_point`` (the status quo), each scored where it exists.

Besides the five models of :data:`kennan.bargaining.MODELS` (``nash`` uses the reference
point as the disagreement point where there is one), the attempts to beat the
compromise model of :mod:`kennan.bargaining.models.procedural`: ``agenda`` (the Commission as
agenda setter under the voting rule), and two models with fitted parameters,
``compromise_cv`` and ``blend_cv``, scored by cross-validation over proposals: each
issue is forecast by a fit that never saw any issue of its proposal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kennan.bargaining.formats.deu import DeuData, load_deu
from kennan.bargaining.models.procedural import agenda_setter, blend_cv, compromise_cv
from kennan.bargaining.registry import MODELS, resolve_models, settle
from kennan.errors import UsageError

EXTRA = ("agenda", "compromise_cv", "blend_cv")
BASELINES = ("commission", "reference_point")


@dataclass(frozen=True)
class Score:
    """Errors of one model on one group of issues."""

    n: int
    mae: float
    median_ae: float
    within10: float

    @classmethod
    def of(cls, pred: np.ndarray, truth: np.ndarray) -> Score | None:
        err = np.abs(pred - truth)
        err = err[np.isfinite(err)]
        if err.size == 0:
            return None
        return cls(int(err.size), float(err.mean()), float(np.median(err)),
                   float(np.mean(err <= 10.0)))

    def as_dict(self) -> dict[str, Any]:
        """The JSON fields of ``kennan evaluate --json``."""
        return {"n": self.n, "mae": round(self.mae, 4), "median_ae": round(self.median_ae, 4),
                "within10": round(self.within10, 4)}

    def cell(self) -> str:
        """``MAE (n)`` for a table cell."""
        return f"{self.mae:.1f} ({self.n})"


@dataclass(frozen=True)
class Evaluation:
    """Predictions and scores of every model on one DEU file."""

    data: DeuData
    predictions: dict[str, np.ndarray]
    groups: dict[str, dict[str, Score]]  # group -> model -> score; "all" first
    folds: int

    @property
    def issues(self) -> int:
        """Issues with an observed outcome."""
        return int(np.isfinite(self.data.outcome).sum())

    def model_names(self) -> list[str]:
        """Models in the order they were asked for, baselines last."""
        return list(self.predictions)

    def tables(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """(title, column headers, rows) for the terminal: all issues, then MAE by group."""
        overall = self.groups["all"]
        first = [[m, str(s.n), f"{s.mae:.1f}", f"{s.median_ae:.1f}", f"{s.within10:.0%}"]
                 for m, s in overall.items()]
        keys = [g for g in self.groups if g != "all"]
        second = [[m, *(self.groups[g][m].cell() if m in self.groups[g] else "" for g in keys)]
                  for m in overall]
        return [
            (f"{self.data.origin}: {self.issues} issues with an outcome, "
             f"{len(np.unique(self.data.proposal))} proposals",
             ["model", "issues", "MAE", "median AE", "within 10"], first),
            ("Mean absolute error (issues) by voting rule and procedure", ["model", *keys],
             second),
        ]

    def footnote(self) -> str:
        """What the numbers mean, for below the tables."""
        note = ("Absolute error on the 0-100 scale; within 10: share of issues with "
                "|error| <= 10.")
        if any(m.endswith("_cv") for m in self.predictions):
            note += (f" *_cv: fitted parameters, scored by {self.folds}-fold cross-validation "
                     "over proposals.")
        return note


def evaluate(
    data: str | Path | DeuData = "deu3",
    *,
    models: Sequence[str] | str = ("all",),
    folds: int = 10,
) -> Evaluation:
    """Score ``models`` (ids of :data:`MODELS`, ``agenda``, ``compromise_cv``,
    ``blend_cv``, or ``all``) and the two baselines on a DEU file or ``"deu3"``."""
    if folds < 2:
        raise UsageError(f"folds: expected at least 2, got {folds}")
    deu = data if isinstance(data, DeuData) else load_deu(data)
    preds: dict[str, np.ndarray] = {}
    for model in resolve_models(models, [*MODELS, *EXTRA], empty_is_all=True,
                                ignored=BASELINES):
        if model in MODELS:
            preds[model] = model_predictions(deu, model)
        elif model == "agenda":
            preds[model] = agenda_setter(deu)
        elif model == "compromise_cv":
            preds[model] = compromise_cv(deu, folds)
        else:
            preds[model] = blend_cv(deu, folds)
    preds["commission"] = deu.positions[:, deu.actors.index("com")] if "com" in deu.actors \
        else np.full(len(deu.outcome), np.nan)
    preds["reference_point"] = deu.reference
    return Evaluation(deu, preds, _score(deu, preds), folds)


def model_predictions(data: DeuData, model: str) -> np.ndarray:
    """Forecast of ``model`` for every issue, batching issues with as many actors."""
    part = data.taking_part
    count = part.sum(axis=1)
    has_ref = np.isfinite(data.reference) if model == "nash" else np.zeros(len(count), bool)
    # Participants first, in actor order: a stable sort of "not taking part".
    order = np.argsort(~part, axis=1, kind="stable")
    out = np.full(len(count), np.nan)
    for k in np.unique(count):
        for ref in (False, True):
            rows = np.flatnonzero((count == k) & (has_ref == ref))
            if k == 0 or rows.size == 0:
                continue
            cols = order[rows, :k]
            x = np.take_along_axis(data.positions[rows], cols, axis=1)
            if k == 1:
                out[rows] = x[:, 0]
                continue
            s = np.take_along_axis(data.saliences[rows], cols, axis=1)
            c = data.capabilities[cols]
            res = settle(model, x, s, c, reference=data.reference[rows] if ref else None)
            out[rows] = res.outcome
    return out


def evaluation_json(result: Evaluation) -> dict[str, Any]:
    """``{"issues": n, "models": {MODEL: {"n", "mae", "median_ae", "within10"}}}`` over all
    issues, plus ``"groups": {GROUP: {MODEL: {...}}}`` by voting rule and procedure."""
    groups = {g: {m: s.as_dict() for m, s in scores.items()}
              for g, scores in result.groups.items() if g != "all"}
    return {"issues": result.issues,
            "models": {m: s.as_dict() for m, s in result.groups["all"].items()},
            "groups": groups}


def _score(data: DeuData, preds: dict[str, np.ndarray]) -> dict[str, dict[str, Score]]:
    masks = {"all": np.ones(len(data.outcome), bool)}
    for rule in ("QMV", "unanimity"):
        masks[rule] = data.rule == rule
    for proc in sorted(set(data.procedure.tolist())):
        masks[proc or "(no procedure)"] = data.procedure == proc
    groups: dict[str, dict[str, Score]] = {}
    for g, mask in masks.items():
        scores = {}
        for model, pred in preds.items():
            sc = Score.of(pred[mask], data.outcome[mask])
            if sc is not None:
                scores[model] = sc
        groups[g] = scores
    return groups
