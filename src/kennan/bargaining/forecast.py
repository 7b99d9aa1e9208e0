"""Forecast a negotiation table with one or more bargaining models (``kennan forecast``).

Each dimension of a table is an issue of its own for the one-dimensional models; the
dimensions go to the model together as a batch of draws. The SMP, like KTAB, runs
all the dimensions of a KTAB table jointly (an actor's saliences share one budget).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kennan.arguments import whole
from kennan.bargaining.formats.tables import NegotiationTable, read_table
from kennan.bargaining.models.smp import smp_multi
from kennan.bargaining.registry import resolve_models, settle
from kennan.errors import Location, TableError, UsageError

#: Actors the SMP takes: its run time grows faster than the cube of their number (about
#: 3 seconds at 100 actors, a minute at 300, on one core).
MAX_SMP_ACTORS = 200
#: Rounds of the expected utility model: every round's positions are kept and shown.
MAX_ROUNDS = 10_000


@dataclass(frozen=True)
class ModelForecast:
    """One model's forecast: ``forecast`` (dims,) and, if iterative, ``rounds``
    (rounds + 1, actors, dims), the input first."""

    forecast: np.ndarray
    rounds: np.ndarray | None


@dataclass(frozen=True)
class Forecast:
    """Forecasts of several models on the chosen dimensions of one table."""

    table: NegotiationTable
    dims: list[int]
    models: dict[str, ModelForecast]
    skipped: dict[str, str] = field(default_factory=dict)  # model -> why (with "all" only)


def forecast(
    table: NegotiationTable | str | Path,
    *,
    models: Sequence[str] = ("eum",),
    dim: str | int | None = None,
    rounds: int = 10,
    salience_scale: float = 1.0,
) -> Forecast:
    """Run ``models`` (ids of :data:`kennan.bargaining.MODELS`, or ``["all"]``) on a table.

    ``table`` is a :class:`NegotiationTable` or a path to one. ``dim`` picks one
    dimension by name or 1-based number (default: all). ``rounds`` is the expected
    utility model's number of rounds.
    """
    rounds = whole("rounds", rounds, least=0, most=MAX_ROUNDS)
    tab = table if isinstance(table, NegotiationTable) else read_table(
        table, salience_scale=salience_scale)
    ids = resolve_models(models)
    every = "all" in ([models] if isinstance(models, str) else list(models))
    dims = _pick_dims(tab, dim)
    out: dict[str, ModelForecast] = {}
    skipped: dict[str, str] = {}
    for model in ids:
        try:
            out[model] = _run(model, tab, dims, rounds)
        except TableError as exc:
            # Asked for every model, a model this table does not suit is left out, and said
            # so; asked for by name, it is an error.
            if not every:
                raise
            skipped[model] = "; ".join(p.message for p in exc.problems)
    return Forecast(tab, dims, out, skipped)


def _pick_dims(tab: NegotiationTable, dim: str | int | None) -> list[int]:
    if dim is None:
        return list(range(len(tab.dims)))
    text = str(dim).strip()
    if text.isdigit() and 1 <= int(text) <= len(tab.dims):
        return [int(text) - 1]
    for k, name in enumerate(tab.dims):
        if name.strip().lower() == text.lower():
            return [k]
    listed = ", ".join(f"{k + 1} ({n})" for k, n in enumerate(tab.dims))
    raise UsageError(f"--dim {text!r}: {tab.origin} has dimension(s) {listed}")


def _run(model: str, tab: NegotiationTable, dims: list[int], rounds: int) -> ModelForecast:
    # Inputs are in the documented ranges (see tables.py); should a model still step
    # outside doubles, its forecast is refused below instead of printed as nan.
    with np.errstate(all="ignore"):
        result = _settle(model, tab, dims, rounds)
    finite = np.isfinite(result.forecast).all() and (
        result.rounds is None or np.isfinite(result.rounds).all())
    if not finite:
        raise TableError(f"model {model}: the forecast is not a finite number (the table's "
                         "numbers are too far apart for it); rescale the positions or "
                         "capabilities", Location(tab.origin))
    return result


def _settle(model: str, tab: NegotiationTable, dims: list[int], rounds: int) -> ModelForecast:
    x = tab.positions[:, dims].T  # (dims, actors): each dimension is a draw
    s = tab.saliences[:, dims].T
    c = np.broadcast_to(tab.capabilities, x.shape)
    if model == "smp":
        return _run_smp(tab, dims)
    options: dict[str, Any] = {"rounds": rounds} if model == "eum" else {}
    ref = None if tab.reference is None else tab.reference[dims]
    res = settle(model, x, s, c, reference=ref, **options)
    hist = None if res.rounds is None else np.transpose(res.rounds, (0, 2, 1))
    return ModelForecast(np.asarray(res.outcome, dtype=float), hist)


def _run_smp(tab: NegotiationTable, dims: list[int]) -> ModelForecast:
    x = tab.positions
    if len(tab.names) > MAX_SMP_ACTORS:
        raise TableError(f"model smp: expected at most {MAX_SMP_ACTORS} actors, got "
                         f"{len(tab.names):,}; its work grows faster than the cube of the "
                         "actors (about a minute at 300): group small actors into blocs",
                         Location(tab.origin))
    flat = np.flatnonzero(tab.saliences.sum(axis=1) <= 0)
    if flat.size:
        who = ", ".join(repr(tab.names[i]) for i in flat)
        raise TableError(f"model smp: actor(s) {who} have salience 0 on every dimension; "
                         "KTAB's SMP needs every actor to care about something",
                         Location(tab.origin))
    lo, hi = float(x.min()), float(x.max())
    # KTAB's scale is 0-100; a table on another scale is mapped from its own range.
    scale = (0.0, 100.0) if lo >= 0.0 and hi <= 100.0 else (lo, hi if hi > lo else lo + 1.0)
    if tab.layout == "ktab":
        res = smp_multi(x, tab.saliences, tab.capabilities, scale=scale)
        return ModelForecast(res.outcome[0, dims], res.rounds[:, 0][:, :, dims])
    res = smp_multi(x[:, dims].T[:, :, None], tab.saliences[:, dims].T[:, :, None],
                    np.broadcast_to(tab.capabilities, (len(dims), x.shape[0])), scale=scale)
    return ModelForecast(res.outcome[:, 0], np.transpose(res.rounds[..., 0], (0, 2, 1)))


def forecast_json(result: Forecast) -> dict[str, Any]:
    """The stable JSON layout of ``kennan forecast --json``.

    One dimension: ``{"actors": [...], "models": {MODEL: {"forecast": x, "rounds":
    [[position per actor] per round]}}}`` (``rounds`` only for iterative models). Several
    dimensions: the same keys plus ``"dimensions": [names]``, with ``forecast`` a list
    per dimension and each actor's position in ``rounds`` a list per dimension.
    """
    one = len(result.dims) == 1
    models: dict[str, Any] = {}
    for model, mf in result.models.items():
        entry: dict[str, Any] = {
            "forecast": float(mf.forecast[0]) if one else [float(v) for v in mf.forecast]}
        if mf.rounds is not None:
            hist = mf.rounds[:, :, 0] if one else mf.rounds
            entry["rounds"] = hist.tolist()
        models[model] = entry
    out: dict[str, Any] = {"actors": list(result.table.names)}
    if not one:
        out["dimensions"] = [result.table.dims[k] for k in result.dims]
    out["models"] = models
    return out
