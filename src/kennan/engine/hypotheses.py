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
"""

from __future__ import annotations

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
                        uniforms: dict[str, np.ndarray], options: Options) -> ChunkResult:
    """Run every hypothesis of ``model`` on one block of draws and pool them (with
    ``evidence``, each reading's histories are weighed, and the pooled draws carry the
    weights of the reading they follow)."""
    blocks = []
    shared = SharedDraws()
    for h in model.hypotheses:
        sub = h.model
        judgments = sub.dependence.sample(sub.judgments, uniforms, shared)
        blocks.append(Block(sub, start=start, count=count, streams=streams,
                            judgments=judgments, options=options))
    judgments, chosen, weights = pooled_judgments(model, [b.judgments for b in blocks],
                                                  uniforms, start)
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
