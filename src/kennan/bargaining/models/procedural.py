"""Procedural models of EU legislation and blends fitted by cross-validation (DEU data).

Part of the attempt to beat the compromise model on real outcomes (``docs/bargaining.md``):

- :func:`agenda_setter`: the Commission proposes; the Council adopts by its voting rule
  (a qualified majority of weighted votes, or unanimity) and, under co-decision, the
  Parliament must agree too. Every actor compares the proposal with the reference point
  (the status quo or reversion point) by distance. The outcome is the point the
  Commission likes best among those that pass (Romer-Rosenthal / Tsebelis-Garrett in
  one dimension). Issues without a reference point or a Commission position fall back to
  the compromise model.
- :func:`fit_weights` / :func:`fit_blend`: parameters chosen by least mean absolute error
  over a grid, meant to be called on training folds only (see :func:`cross_validate`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kennan.bargaining.formats.deu import DeuData, council_weights
from kennan.bargaining.models.compromise import weighted_mean

# Qualified-majority thresholds as shares of the weighted votes: EU15 62 of 87, Nice 255 of 345.
_QMV_EU15 = 62 / 87
_QMV_NICE = 255 / 345
# Grid of candidate outcomes on the 0-100 scale for the agenda setter.
_GRID = np.linspace(0.0, 100.0, 401)
# Multipliers tried for the Commission's and the Parliament's weight in the compromise model.
WEIGHT_GRID = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)


def compromise_weighted(data: DeuData, commission: float = 1.0,
                        parliament: float = 1.0) -> np.ndarray:
    """Compromise model (salience x capability) with the Commission's and, under
    co-decision, the Parliament's weight multiplied; under consultation the Parliament
    has no say and gets the multiplier 0 unless both multipliers are 1 (the plain model)."""
    w = np.where(data.taking_part, data.saliences * data.capabilities, 0.0)
    x = np.nan_to_num(data.positions)
    if commission != 1.0 or parliament != 1.0:
        w = w.copy()
        if "com" in data.actors:
            w[:, data.actors.index("com")] *= commission
        if "ep" in data.actors:
            cod = data.procedure == "COD"
            w[:, data.actors.index("ep")] *= np.where(cod, parliament, 0.0)
    out = weighted_mean(x, w)
    return np.where(data.taking_part.any(axis=1), out, np.nan)


def agenda_setter(data: DeuData) -> np.ndarray:
    """The Commission's favourite proposal among those the procedure would adopt."""
    fallback = compromise_weighted(data)
    if "com" not in data.actors:
        return fallback
    com = data.actors.index("com")
    ep = data.actors.index("ep") if "ep" in data.actors else None
    votes = council_weights(data) * data.taking_part
    q = data.reference
    ok = ~np.isnan(q) & ~np.isnan(data.positions[:, com]) & (votes.sum(axis=1) > 0)
    out = fallback.copy()
    if not ok.any():
        return out
    x = data.positions[ok]
    qq = q[ok][:, None, None]
    z = _GRID[None, None, :]
    # accepts[d, i, z]: actor i weakly prefers z to the reference point.
    accepts = np.abs(z - x[:, :, None]) <= np.abs(qq - x[:, :, None]) + 1e-9
    accepts &= ~np.isnan(x)[:, :, None]
    v = votes[ok]
    support = np.einsum("di,diz->dz", v, accepts)
    total = v.sum(axis=1, keepdims=True)
    members = (v > 0).sum(axis=1, keepdims=True)
    share = np.where(members <= 15, _QMV_EU15, _QMV_NICE)
    unanimous = (data.rule[ok] == "unanimity")[:, None]
    need = np.where(unanimous, total, share * total)
    passes = support >= need - 1e-9
    if ep is not None:
        ep_has_say = (data.procedure[ok] == "COD") & ~np.isnan(x[:, ep])
        passes &= np.where(ep_has_say[:, None], accepts[:, ep, :], True)
    gap = np.abs(_GRID[None, :] - x[:, com][:, None])
    # The reference point always passes (it is what happens without a decision).
    best = np.where(passes, gap, np.inf)
    pick = np.argmin(best, axis=1)
    chosen = _GRID[pick]
    stay = np.abs(q[ok] - x[:, com]) <= np.take_along_axis(best, pick[:, None], axis=1)[:, 0]
    out[ok] = np.where(stay | ~np.isfinite(best.min(axis=1)), q[ok], chosen)
    return out


def fit_weights(data: DeuData, train: np.ndarray) -> tuple[float, float]:
    """Commission and Parliament multipliers with the least MAE on issues ``train``."""
    best, arg = np.inf, (1.0, 1.0)
    for c in WEIGHT_GRID:
        for p in WEIGHT_GRID:
            err = _mae(compromise_weighted(data, c, p)[train], data.outcome[train])
            if err < best - 1e-12:
                best, arg = err, (c, p)
    return arg


def fit_blend(parts: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Weights on the simplex (step 0.1) of the columns of ``parts`` with least MAE."""
    k = parts.shape[1]
    steps = np.arange(11)
    grid = np.array(np.meshgrid(*([steps] * k), indexing="ij")).reshape(k, -1).T
    grid = grid[grid.sum(axis=1) == 10] / 10.0
    errors = np.abs(parts @ grid.T - outcome[:, None])
    return grid[np.argmin(np.nanmean(errors, axis=0))]


def folds_of(data: DeuData, folds: int) -> np.ndarray:
    """Fold number of each issue: proposals shuffled with a fixed seed, dealt round-robin,
    so that all issues of a proposal fall in the same fold."""
    proposals = np.unique(data.proposal)
    order = np.random.default_rng(0).permutation(len(proposals))
    fold_of = dict(zip(proposals[order], np.arange(len(proposals)) % folds, strict=True))
    return np.array([fold_of[p] for p in data.proposal])


def cross_validate(data: DeuData, folds: int,
                   fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Held-out predictions: ``fit_predict(train_mask, test_mask)`` returns predictions
    for the test issues from a fit on the train issues with an outcome."""
    fold = folds_of(data, folds)
    scored = ~np.isnan(data.outcome)
    out = np.full(len(fold), np.nan)
    for f in range(folds):
        test = fold == f
        train = ~test & scored
        if test.any() and train.any():
            out[test] = fit_predict(train, test)
    return out


def compromise_cv(data: DeuData, folds: int) -> np.ndarray:
    """Compromise model with Commission and Parliament multipliers fitted out of fold."""
    cache = {(c, p): compromise_weighted(data, c, p) for c in WEIGHT_GRID for p in WEIGHT_GRID}

    def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        errs = {k: _mae(v[train], data.outcome[train]) for k, v in cache.items()}
        return cache[min(errs, key=lambda k: (errs[k], k != (1.0, 1.0)))][test]

    return cross_validate(data, folds, fit_predict)


def blend_cv(data: DeuData, folds: int) -> np.ndarray:
    """Per voting rule, a blend of compromise, agenda setter and reference point (the
    compromise where there is none), its weights fitted out of fold."""
    comp = compromise_weighted(data)
    parts = np.stack([comp, agenda_setter(data), np.where(np.isnan(data.reference), comp,
                                                           data.reference)], axis=1)

    def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        out = np.full(test.sum(), np.nan)
        for rule in np.unique(data.rule):
            tr = train & (data.rule == rule)
            te = (data.rule == rule)[test]
            use = tr if tr.sum() >= 5 else train  # too few issues of this rule: pool them
            w = fit_blend(parts[use], data.outcome[use])
            out[te] = parts[test][te] @ w
        return out

    return cross_validate(data, folds, fit_predict)


def _mae(pred: np.ndarray, truth: np.ndarray) -> float:
    err = np.abs(pred - truth)
    return float(np.nanmean(err)) if np.isfinite(err).any() else np.inf
