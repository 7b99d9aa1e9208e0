"""Competing hypotheses in the engine: every reading on the same draws, then pooled.

Each hypothesis is a model of its own (:class:`~kennan.engine.model.HypothesisSpec`).
All of them run on the same block of draws with the same random streams, so a
judgment a hypothesis does not override takes the same value in every reading,
an overridden one is read through the same uniform (its quantile is shared), and
events, decisions and hazards see the same uniforms: differences between
hypotheses are paired (common random numbers).

Pooling: in each draw the prior weights (judgments) are divided by their sum, and
the draw follows hypothesis ``h`` when the uniform of the ``hypothesis`` factor
falls in the ``h``-th slice of [0, 1] cut by those normalised weights. The pooled
draws are therefore a sample of the mixture whose weights are themselves
uncertain: the probability of an outcome pooled is E[sum_h w_h P_h / sum_h w_h]
over the weights' draws. The factor's uniform has its own stream, so designed
experiments (Sobol', Morris, Latin hypercube) vary it like any judgment.

A run that needs the pooled draws only (the explorer's) may run each reading only on
the draws that follow it (:func:`own_draws`): the same pooled results, bit for bit,
for about a reading's share of the work.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from kennan.engine import buffers
from kennan.engine.exact import rounded_sums
from kennan.engine.model import Model
from kennan.engine.simulate import Block, ChunkResult, Options, trajectories
from kennan.engine.streams import Streams
from kennan.errors import Problem, SimulationError
from kennan.scenario.distributions import Distribution, ScipyDistribution
from kennan.scenario.hypotheses import HYPOTHESIS_FACTOR


@dataclass(frozen=True)
class HypothesisFactor(Distribution):
    """The ``hypothesis`` factor: a uniform on (0, 1) that the weights cut into slices.

    Its per-draw value in results is the index of the hypothesis the draw followed.
    """

    hypotheses: tuple[tuple[str, str], ...]  # (hypothesis id, weight judgment id)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.asarray(u, dtype=float)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        return np.clip(np.asarray(x, dtype=float), 0.0, 1.0)

    def describe(self) -> str:
        parts = ", ".join(f"{i}: {h} (weight {w})" for i, (h, w) in enumerate(self.hypotheses))
        return f"which hypothesis holds: {parts}"

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0, float(len(self.hypotheses) - 1))


def normalised_weights(model: Model, judgments: dict[str, np.ndarray], start: int
                       ) -> np.ndarray:
    """The prior weights of every hypothesis in each draw, divided by their sum,
    ``(hypotheses, draws)``."""
    w = np.stack([np.broadcast_to(judgments[h.weight], judgments[h.weight].shape)
                  for h in model.hypotheses]).astype(np.float64)
    total = w.sum(axis=0)
    bad = np.flatnonzero(~(total > 0))
    if bad.size:
        names = ", ".join(h.weight for h in model.hypotheses)
        where = model.loaded.doc.locate(("hypotheses",))
        raise SimulationError(Problem(
            f"hypotheses: the prior weights ({names}) are all 0 in draw {int(bad[0]) + start}; "
            "at least one reading must have a positive weight in every draw", where))
    return w / total


class SharedDraws:
    """Inverse CDFs drawn once for every reading that gives a judgment the same
    distribution on the same uniforms (a reading overrides a few judgments; the others
    are compiled anew for it, equal but not the same objects)."""

    def __init__(self) -> None:
        self._drawn: dict[str, list[tuple[Distribution, np.ndarray, np.ndarray]]] = {}

    def __call__(self, jid: str, dist: Distribution, u: np.ndarray) -> np.ndarray:
        """The values of judgment ``jid`` drawn from ``dist`` at uniforms ``u``."""
        for other, seen_u, values in self._drawn.get(jid, ()):
            if _same(other, dist) and (seen_u is u or np.array_equal(seen_u, u)):
                return values
        values = np.asarray(dist.ppf(u), dtype=np.float64)
        self._drawn.setdefault(jid, []).append((dist, u, values))
        return values


def _same(a: object, b: object) -> bool:
    """Whether two distributions are surely the same (False when in doubt)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, ScipyDistribution):  # compared by identity: compare what defines it
        ra, rb = a.rv, b.rv  # type: ignore[attr-defined]
        return (a.label, ra.dist.name, ra.args, sorted(ra.kwds.items())) == (
            b.label, rb.dist.name, rb.args, sorted(rb.kwds.items()))  # type: ignore[attr-defined]
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # fields whose comparison is not a truth value
        return False


def pick(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index of the slice of [0, 1] each ``u`` falls in, slices cut by ``weights``."""
    edges = np.cumsum(weights, axis=0)[:-1]
    return (u[None, :] >= edges).sum(axis=0).astype(np.int64)


def pooled_judgments(model: Model, readings: list[dict[str, np.ndarray]],
                     uniforms: dict[str, np.ndarray], start: int
                     ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Each draw's judgments under the reading it follows, ``hypothesis`` holding that
    reading's index; the indices themselves; the readings' weights per draw.
    ``readings`` are every reading's judgments on the same draws (first draw ``start``),
    ``uniforms`` the judgments' uniforms."""
    # Weights cannot be overridden, so every reading has the same ones.
    weights = normalised_weights(model, readings[0], start)
    chosen = pick(weights, np.asarray(uniforms[HYPOTHESIS_FACTOR], dtype=np.float64))
    judgments = {jid: (chosen.astype(np.float64) if jid == HYPOTHESIS_FACTOR
                       else _select([r[jid] for r in readings], chosen))
                 for jid, _ in model.judgments}
    return judgments, chosen, weights


def simulate_hypotheses(model: Model, *, start: int, count: int, streams: Streams,
                        uniforms: dict[str, np.ndarray], options: Options,
                        pooled_only: bool = False) -> ChunkResult:
    """Run every hypothesis of ``model`` on one block of draws and pool them (with
    ``evidence``, each reading's histories are weighed, and the pooled draws carry the
    weights of the reading they follow).

    ``pooled_only`` runs each reading only on the draws that follow it
    (:func:`own_draws`): the pooled results are the same, bit for bit, for about a
    reading's share of the work, and ``hypotheses`` then holds each reading's results on
    its own draws. Runs with evidence, forced events or watched variables keep the full
    mode (every reading on every draw)."""
    shared = SharedDraws()
    readings = [h.model.dependence.sample(h.model.judgments, uniforms, shared)
                for h in model.hypotheses]
    judgments, chosen, weights = pooled_judgments(model, readings, uniforms, start)
    pooled = {"judgments": judgments, "hypothesis": chosen, "weights": weights}
    if pooled_only and own_draws_apply(options):
        try:
            return own_draws(model, start=start, count=count, streams=streams,
                             readings=readings, options=options, **pooled)
        except SimulationError:
            pass  # the full mode below fails too, and its message names the draw as usual
    blocks = [Block(h.model, start=start, count=count, streams=streams, judgments=j,
                    options=options) for h, j in zip(model.hypotheses, readings, strict=True)]
    rows = []
    follows = [(chosen == h).astype(np.float64) for h in range(len(blocks))]
    for t in range(model.horizon):
        for b in blocks:
            b.step(t)
        rows.append(_pooled_sums([b.rounded for b in blocks], chosen, follows))
    own = [b.result() for b in blocks]
    return ChunkResult(
        start=start, count=count, courses=model.course_ids, judgments=judgments,
        outcome=_select([r.outcome for r in own], chosen),
        time=_select([r.time for r in own], chosen),
        metrics={m: _select([r.metrics[m] for r in own], chosen) for m in own[0].metrics},
        records={k: _select([r.records[k] for r in own], chosen) for k in own[0].records},
        trajectories=trajectories(model, rows),
        log_weights=_select_some([r.log_weights for r in own], chosen),
        first_fired=_select_some([r.first_fired for r in own], chosen),
        watched=_select_some([r.watched for r in own], chosen),
        mass=_select_some([r.mass for r in own], chosen),
        value=_select_some([r.value for r in own], chosen),
        hypothesis=chosen,
        hypotheses={h.id: r for h, r in zip(model.hypotheses, own, strict=True)},
        weights=weights,
    )


def own_draws_sample_readings(model: Model) -> bool:
    """Whether the draws that follow a reading are a plain sample of that reading, so that
    its results on its own draws (:func:`own_draws`) estimate what it says on every draw:
    the weights and the ``hypothesis`` factor are read by no expression of any reading
    and are neither correlated nor ordered with another judgment. Which reading a draw
    follows then depends on nothing a reading computes with."""
    pooling = {h.weight for h in model.hypotheses} | {HYPOTHESIS_FACTOR}
    for m in (model, *(h.model for h in model.hypotheses)):
        if pooling & _names_read(m):
            return False
        for group in m.dependence.groups:
            if set(group) & pooling and not set(group) <= pooling:
                return False
    return True


def _names_read(model: Model) -> set[str]:
    """Every name an expression of ``model``'s scenario reads (its checked expressions,
    as the linter reads them)."""
    names: set[str] = set()
    for expr in model.loaded.checked.expressions.values():
        names |= expr.names
        names.update(name for _, name in expr.id_refs)
    return names


def own_draws_apply(options: Options) -> bool:
    """Whether :func:`own_draws` may stand in for the full mode under ``options``: not with
    evidence (its per-reading likelihoods are read on every draw), forced events or
    watched variables (kept to the full mode: not shown identical)."""
    return (options.evidence is None and options.forced_events is None
            and not options.watch)


def own_draws(model: Model, *, start: int, count: int, streams: Streams,
              readings: list[dict[str, np.ndarray]], judgments: dict[str, np.ndarray],
              hypothesis: np.ndarray, weights: np.ndarray, options: Options) -> ChunkResult:
    """The pooled results of one block with each reading run only on the draws that
    follow it (``hypothesis`` indexes the reading of each draw; ``readings`` are every
    reading's judgments on all the block's draws).

    Why this is the full mode's pooling, bit for bit: every random number is keyed by
    the draw's global index (the sub-block's streams take the global indices of its
    rows) and every per-draw result depends on that draw's judgments and numbers alone,
    so a reading's results on a draw are the same in a block of all the draws or of
    some; each draw's result is then taken from the one reading it follows, as the full
    mode's selection takes it. The trajectories' fixed sums are exact integers, so the
    readings' sums over their own draws add up to the pooled sums exactly.

    ``hypotheses`` holds each reading's results on its own draws (``draw_numbers`` names
    them; a reading that no draw follows has a block of none)."""
    rows_of = [np.flatnonzero(hypothesis == k) for k in range(len(model.hypotheses))]
    blocks = {k: Block(h.model, start=start, count=int(rows.size),
                       streams=Streams(streams.seed, streams.draws[rows]),
                       judgments={j: _rows(v, rows, count) for j, v in reading.items()},
                       options=options)
              for k, (h, reading, rows) in enumerate(zip(model.hypotheses, readings, rows_of,
                                                         strict=True)) if rows.size}
    sums = []
    for t in range(model.horizon):
        for b in blocks.values():
            b.step(t)
        sums.append([sum(column) for column in zip(*(b.rows[t] for b in blocks.values()),
                                                   strict=True)])
    ran = {k: b.result() for k, b in blocks.items()}
    some = next(iter(ran.values()))
    own = [ran[k] if k in ran else _no_draws(some, {j: _rows(v, rows, count)
                                                     for j, v in readings[k].items()})
           for k, rows in enumerate(rows_of)]
    for r, rows in zip(own, rows_of, strict=True):
        r.draw_numbers = streams.draws[rows].astype(np.int64)

    def scatter(arrays: list[np.ndarray | None]) -> np.ndarray | None:
        return None if arrays[0] is None else _scatter(arrays, rows_of, count)  # type: ignore[arg-type]

    return ChunkResult(
        start=start, count=count, courses=model.course_ids, judgments=judgments,
        outcome=scatter([r.outcome for r in own]), time=scatter([r.time for r in own]),
        metrics={m: scatter([r.metrics[m] for r in own]) for m in own[0].metrics},
        records={k: scatter([r.records[k] for r in own]) for k in own[0].records},
        trajectories=trajectories(model, sums),
        mass=scatter([r.mass for r in own]), value=scatter([r.value for r in own]),
        hypothesis=hypothesis,
        hypotheses={h.id: r for h, r in zip(model.hypotheses, own, strict=True)},
        weights=weights,
    )


def _no_draws(like: ChunkResult, judgments: dict[str, np.ndarray]) -> ChunkResult:
    """A reading's results on no draw: ``like``'s (another reading's, same model shape)
    with no rows, and its own ``judgments`` (no rows either)."""

    def none(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else a[..., :0].copy()

    return dataclasses.replace(
        like, count=0, judgments=judgments, outcome=none(like.outcome), time=none(like.time),
        metrics={m: none(v) for m, v in like.metrics.items()},
        records={k: none(v) for k, v in like.records.items()},
        trajectories={m: [[0] * len(row) for row in rows]
                      for m, rows in like.trajectories.items()},
        log_weights=none(like.log_weights), first_fired=none(like.first_fired),
        watched=none(like.watched), mass=none(like.mass), value=none(like.value))


def _rows(values: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    """The per-draw ``values`` (draws on the last axis) of ``rows``; others as they are."""
    v = np.asarray(values)
    return v[..., rows] if v.ndim and v.shape[-1] == count else v


def _scatter(parts: list[np.ndarray], rows_of: list[np.ndarray], count: int) -> np.ndarray:
    """One array of ``count`` draws (the last axis) from each reading's array over its own
    rows; the dtype the full mode's selection gives."""
    dtype = np.result_type(*parts)
    shape = (*np.broadcast_shapes(*(p.shape[:-1] for p in parts)), count)
    out = buffers.empty(shape, dtype)
    for part, rows in zip(parts, rows_of, strict=True):
        if rows.size:
            out[..., rows] = part
    return out


def _pooled_sums(rounded: list[tuple[np.ndarray, bool]], chosen: np.ndarray,
                 follows: list[np.ndarray]) -> list[int]:
    """Fixed sums of the pooled draws' values from each reading's rounded values
    (:func:`~kennan.engine.exact.fixed_rounded`); ``follows[h]`` is 1.0 where a draw
    follows reading ``h``, else 0.0."""
    if all(exact for _, exact in rounded):
        # Each reading's integers times 0 or 1, added: every partial sum stays below
        # 2**53, so the float64 dot product is exact whatever its order.
        parts = [[int(v) for v in np.einsum("ij,j->i", q, w).tolist()]
                 for (q, _), w in zip(rounded, follows, strict=True)]
        return [sum(column) for column in zip(*parts, strict=True)]
    return rounded_sums(_select([q for q, _ in rounded], chosen), False)


def _select_some(arrays: list[np.ndarray | None], chosen: np.ndarray) -> np.ndarray | None:
    return None if arrays[0] is None else _select(arrays, chosen)  # type: ignore[arg-type]


def _select(arrays: list[np.ndarray], chosen: np.ndarray) -> np.ndarray:
    """Per draw (the last axis), the value of the array ``chosen`` names."""
    # Why a chain of np.where: it reads each array once and writes no stacked copy (a
    # stack and a gather cost three times as much), and it picks values bit for bit.
    if len(arrays) == 1:
        return np.array(arrays[0])
    first = np.asarray(arrays[0])
    if first.ndim > 2 and first.nbytes > _SLICE_BYTES:
        # Large arrays (outcome masses) a slice at a time: temporaries stay small.
        out = buffers.empty(np.broadcast_shapes(*(a.shape for a in arrays)), first.dtype)
        for i in range(len(out)):
            out[i] = _select([a[i] for a in arrays], chosen)
        return out
    out = first
    for h in range(1, len(arrays)):
        out = np.where(chosen == h, arrays[h], out)
    return out


#: Arrays larger than this are pooled a slice of the first axis at a time.
_SLICE_BYTES = 8 << 20


def factor_values(model: Model, uniforms: np.ndarray) -> np.ndarray | None:
    """The index of the hypothesis each row of a design's ``uniforms`` (one column per
    judgment of ``model``) follows, or None when the model has no hypotheses."""
    if not model.hypotheses:
        return None
    order = [jid for jid, _ in model.judgments]
    # As the engine draws them: a weight may be correlated with or ordered against others.
    judgments = model.dependence.sample(
        model.judgments, {jid: uniforms[:, k] for k, jid in enumerate(order)})
    weights = normalised_weights(model, judgments, 0)
    return pick(weights, uniforms[:, order.index(HYPOTHESIS_FACTOR)])
