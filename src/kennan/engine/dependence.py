"""Sampling dependent judgments on the inverse-CDF path, one draw at a time.

Every judgment is drawn as ``dist.ppf(u)`` from a uniform ``u`` (a stream, or a
column of a design). Declared dependence changes only which uniform, or which
value, each judgment of a draw receives, and only from that draw's own numbers,
so a draw's judgments never depend on its chunk, on chunk size or on the
executor:

- **correlations** use a Gaussian copula: the group's uniforms become normal
  scores ``z = Phi^-1(u)``, are mixed by a fixed matrix ``A`` with
  ``A A^T = R`` (the normal-scale correlation ``2 sin(pi r / 6)`` of the
  declared Spearman ``r``), and return to uniforms ``Phi(A z)``. Each
  judgment keeps its own distribution exactly; the pairs get rank correlation
  ``r``. Iman and Conover's method would instead reorder a whole sample,
  which would make a draw depend on the other draws of its chunk.
- **orders** sort the values: wherever a judgment declared above another drew
  less, the two exchange values, until every order holds. For judgments of one
  distribution in one chain this is exactly their distribution given the order
  (the order statistics); otherwise each keeps its own range (validation
  requires ranges consistent with the order) and the order holds in every draw.

Designs (Latin hypercube, Saltelli, Morris) feed the independent uniforms; the
copula then acts inside each draw, so a Saltelli design that swaps a whole
group's uniforms at once (SALib's groups) measures the group as one factor.
A Latin hypercube keeps its strata for each group's inputs, not for each
correlated judgment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr, ndtri

from kennan.scenario.dependence import dependency_groups, normal_matrix, rank_matrix
from kennan.scenario.schema import Scenario

#: Uniforms after the copula stay inside (0, 1) by this much: the streams' own
#: extreme values, so an unbounded judgment's inverse CDF stays finite.
_LOW, _HIGH = 2.0**-54, 1.0 - 2.0**-53


@dataclass(frozen=True)
class Copula:
    """One correlated group: its judgments and the factor ``A`` of its normal-scale matrix."""

    judgments: tuple[str, ...]
    factor: tuple[tuple[float, ...], ...]  # lower triangular where R is positive definite


@dataclass(frozen=True)
class Dependence:
    """Everything the engine needs to sample a scenario's dependent judgments."""

    copulas: tuple[Copula, ...] = ()
    orders: tuple[tuple[str, str], ...] = ()  # (higher, lower) pairs
    groups: tuple[tuple[str, ...], ...] = field(default=())  # linked judgments, 2 or more

    @property
    def empty(self) -> bool:
        """True when the judgments are independent."""
        return not self.copulas and not self.orders

    def correlate(self, uniforms: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The uniforms each judgment is drawn from, correlated within each group."""
        if not self.copulas:
            return uniforms
        out = dict(uniforms)
        for cop in self.copulas:
            z = [ndtri(np.asarray(uniforms[j], dtype=np.float64)) for j in cop.judgments]
            for i, j in enumerate(cop.judgments):
                # A fixed sum of products, elementwise: the same bits for a draw whatever
                # the length of the array it sits in (a BLAS product need not be).
                acc = np.zeros_like(z[0])
                for k, a in enumerate(cop.factor[i]):
                    if a != 0.0:
                        acc += a * z[k]
                out[j] = np.clip(ndtr(acc), _LOW, _HIGH)
        return out

    def order(self, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """``values`` with every declared order made to hold, draw by draw."""
        if not self.orders:
            return values
        out = {k: np.array(v, dtype=np.float64, copy=True) for k, v in values.items()}
        # Each exchange moves a larger value up an order, so the passes end; a draw
        # whose orders hold is never touched again.
        for _ in range(len(self.orders) * len(self.orders) + 1):
            moved = False
            for hi, lo in self.orders:
                wrong = out[hi] < out[lo]
                if wrong.any():
                    moved = True
                    a, b = out[hi][wrong], out[lo][wrong]
                    out[hi][wrong], out[lo][wrong] = b, a
            if not moved:
                break
        return out

    def sample(self, dists: list[tuple[str, object]], uniforms: dict[str, np.ndarray],
               ppf: Callable[[str, object, np.ndarray], np.ndarray] | None = None
               ) -> dict[str, np.ndarray]:
        """Every judgment's values from its uniforms: correlated, drawn, ordered.

        ``ppf(judgment id, distribution, uniforms)`` draws one judgment's values when
        given (competing hypotheses share the draws of the judgments they agree on);
        by default ``distribution.ppf(uniforms)``."""
        u = self.correlate(uniforms)
        if ppf is None:
            values = {jid: np.asarray(dist.ppf(u[jid]), dtype=np.float64)  # type: ignore[attr-defined]
                      for jid, dist in dists}
        else:
            values = {jid: ppf(jid, dist, u[jid]) for jid, dist in dists}
        return self.order(values)


def build_dependence(s: Scenario) -> Dependence:
    """The sampling plan of ``s``'s correlations and orders (``s`` already checked)."""
    copulas = []
    for c in s.correlations:
        r = normal_matrix(rank_matrix(c))
        copulas.append(Copula(tuple(c.judgments), _factor(r)))
    orders = tuple((o.judgments[n - 1], o.judgments[n]) for o in s.orders
                   for n in range(1, len(o.judgments)))
    return Dependence(tuple(copulas), orders, tuple(tuple(g) for g in dependency_groups(s)))


def _factor(r: np.ndarray) -> tuple[tuple[float, ...], ...]:
    """``A`` with ``A A^T = r`` and rows of unit length (so each score stays standard)."""
    try:
        a = np.linalg.cholesky(r)
    except np.linalg.LinAlgError:
        # Semi-definite: a square root from the eigenvectors (negative rounding clipped).
        w, v = np.linalg.eigh(r)
        a = v * np.sqrt(np.clip(w, 0.0, None))
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    return tuple(tuple(float(x) for x in row) for row in a)
