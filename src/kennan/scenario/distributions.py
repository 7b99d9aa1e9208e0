"""Distributions of judgments, all sampled through their inverse CDF.

The engine draws a judgment as ``dist.ppf(u)`` for uniforms ``u`` in (0, 1), so one
design (plain Monte Carlo, Latin hypercube, Sobol) serves every kind of judgment.
Every class here is frozen and vectorised: ``ppf`` takes an array of any shape and
returns an array of the same shape, with no Python loop over draws.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

__all__ = [
    "Constant",
    "Discrete",
    "Distribution",
    "PhraseDistribution",
    "PiecewiseQuantile",
    "ScipyDistribution",
    "fmt",
    "mixture",
]


def fmt(x: float) -> str:
    """A number as an analyst would write it: ``0.3``, ``6``, ``1e-06`` (12 digits)."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return f"{x:.12g}"


class Distribution(ABC):
    """A one-dimensional distribution sampled through its inverse CDF."""

    @abstractmethod
    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The inverse CDF at ``u`` (uniforms in (0, 1)), elementwise, same shape."""

    @abstractmethod
    def cdf(self, x: np.ndarray) -> np.ndarray:
        """The CDF at ``x``, elementwise, same shape."""

    @abstractmethod
    def describe(self) -> str:
        """A short, readable statement of the distribution, e.g. ``beta(a=6, b=6)``."""

    @property
    @abstractmethod
    def bounds(self) -> tuple[float, float]:
        """The support ``(low, high)``; either end may be infinite."""

    @property
    def is_constant(self) -> bool:
        """True when every draw is the same number."""
        return False

    def unit_bounds(self) -> tuple[float, float]:
        """Bounds of the uniform that ``ppf`` is fed: what a sampler (SALib) should draw."""
        return (0.0, 1.0)

    def percentiles(self, qs: Sequence[float] = (5, 50, 95)) -> np.ndarray:
        """Values at the given percentiles (0-100), as a float array."""
        return self.ppf(np.asarray(qs, dtype=float) / 100.0)

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class Constant(Distribution):
    """A fixed number: ``ppf`` returns it everywhere."""

    value: float

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.full(np.shape(u), float(self.value))

    def cdf(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float) >= self.value).astype(float)

    def describe(self) -> str:
        return f"value {fmt(self.value)}"

    @property
    def bounds(self) -> tuple[float, float]:
        return (float(self.value), float(self.value))

    @property
    def is_constant(self) -> bool:
        return True


@dataclass(frozen=True, eq=False)
class ScipyDistribution(Distribution):
    """A frozen ``scipy.stats`` continuous distribution with a readable label."""

    label: str
    rv: Any = field(repr=False)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.asarray(self.rv.ppf(np.asarray(u, dtype=float)), dtype=float)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.rv.cdf(np.asarray(x, dtype=float)), dtype=float)

    def describe(self) -> str:
        return self.label

    @property
    def bounds(self) -> tuple[float, float]:
        low, high = self.rv.support()
        return (float(low), float(high))

    @classmethod
    def beta(cls, a: float, b: float) -> ScipyDistribution:
        """Beta(a, b) on [0, 1]."""
        return cls(f"beta(a={fmt(a)}, b={fmt(b)})", _frozen("beta", a, b, 0.0, 1.0))

    @classmethod
    def uniform(cls, low: float, high: float) -> ScipyDistribution:
        """Uniform on [low, high]."""
        return cls(f"uniform({fmt(low)}, {fmt(high)})", _frozen("uniform", low, high - low))

    @classmethod
    def triangular(cls, low: float, mode: float, high: float) -> ScipyDistribution:
        """Triangular on [low, high] with its peak at ``mode``."""
        c = (mode - low) / (high - low)
        label = f"triangular({fmt(low)}, {fmt(mode)}, {fmt(high)})"
        return cls(label, _frozen("triang", c, low, high - low))

    @classmethod
    def normal(cls, mean: float, sd: float) -> ScipyDistribution:
        """Normal with the given mean and standard deviation."""
        return cls(f"normal(mean={fmt(mean)}, sd={fmt(sd)})", _frozen("norm", mean, sd))

    @classmethod
    def truncnormal(cls, mean: float, sd: float, low: float, high: float) -> ScipyDistribution:
        """Normal(mean, sd) truncated to [low, high]."""
        a, b = (low - mean) / sd, (high - mean) / sd
        label = f"truncnormal(mean={fmt(mean)}, sd={fmt(sd)}, low={fmt(low)}, high={fmt(high)})"
        return cls(label, _frozen("truncnorm", a, b, mean, sd))

    @classmethod
    def lognormal(cls, median: float, sigma: float) -> ScipyDistribution:
        """Lognormal whose log has sd ``sigma``; ``median`` = exp(mean of the log)."""
        label = f"lognormal(median={fmt(median)}, sigma={fmt(sigma)})"
        return cls(label, _frozen("lognorm", sigma, 0.0, median))


def _frozen(name: str, *params: float) -> Any:
    """``scipy.stats.<name>(*params)`` frozen (shape parameters, then loc and scale), one
    object per exact set of parameters.

    Freezing builds a new scipy distribution object with its documentation (about a
    millisecond); a scenario is checked again after every edit in ``kennan explore``
    and under each hypothesis, so the same judgments are frozen many times. Keys are
    the parameters' exact bits (``-0.0`` is not ``0.0``): a cached object computes
    what a new one would, and scipy's frozen objects keep no state between calls that
    depends on anything but their parameters."""
    return _frozen_exact(name, tuple(float(p).hex() for p in params))


@functools.lru_cache(maxsize=4096)
def _frozen_exact(name: str, params: tuple[str, ...]) -> Any:
    *shapes, loc, scale = (float.fromhex(p) for p in params)
    return getattr(stats, name)(*shapes, loc=loc, scale=scale)


@dataclass(frozen=True)
class Discrete(Distribution):
    """Finitely many values with probabilities; ``ppf`` inverts the cumulative sums.

    Values are held sorted so that ``ppf`` is non-decreasing in ``u``.
    """

    values: tuple[float, ...]
    probs: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float], probs: Sequence[float]) -> Discrete:
        """Build from values in any order (sorted here, probabilities kept paired)."""
        order = np.argsort(np.asarray(values, dtype=float), kind="stable")
        return cls(tuple(float(values[i]) for i in order), tuple(float(probs[i]) for i in order))

    def _cum(self) -> np.ndarray:
        cum = np.cumsum(np.asarray(self.probs, dtype=float))
        # Validation allows a sum 1e-9 away from 1: pin the last step so every u is covered.
        cum[-1] = 1.0
        return cum

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        idx = np.searchsorted(self._cum(), u, side="left")
        idx = np.clip(idx, 0, len(self.values) - 1)
        return np.asarray(self.values, dtype=float)[idx]

    def cdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        idx = np.searchsorted(np.asarray(self.values), x, side="right")
        cum = np.concatenate([[0.0], self._cum()])
        return cum[idx]

    def describe(self) -> str:
        pairs = ", ".join(
            f"{fmt(v)}: {fmt(p)}" for v, p in zip(self.values, self.probs, strict=True)
        )
        return f"discrete({pairs})"

    @property
    def bounds(self) -> tuple[float, float]:
        support = [v for v, p in zip(self.values, self.probs, strict=True) if p > 0]
        return (min(support), max(support))

    @property
    def is_constant(self) -> bool:
        return sum(1 for p in self.probs if p > 0) == 1


@dataclass(frozen=True)
class PiecewiseQuantile(Distribution):
    """A quantile function linear between knots ``(u_k, x_k)``, from u=0 to u=1.

    Covers empirical distributions (sorted answers of a reader survey), distributions
    known by a few quantiles, and tabulated mixtures. ``label`` is what ``describe``
    says.
    """

    label: str
    u_knots: tuple[float, ...]
    x_knots: tuple[float, ...]

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(u, dtype=float), self.u_knots, self.x_knots)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        xk = np.asarray(self.x_knots)
        uk = np.asarray(self.u_knots)
        # Flat stretches of the quantile function are atoms: take the top of the jump.
        idx = np.searchsorted(xk, x, side="right")
        lo = np.clip(idx - 1, 0, len(xk) - 1)
        hi = np.clip(idx, 0, len(xk) - 1)
        span = xk[hi] - xk[lo]
        frac = np.where(span > 0, (x - xk[lo]) / np.where(span > 0, span, 1.0), 1.0)
        out = uk[lo] + np.clip(frac, 0.0, 1.0) * (uk[hi] - uk[lo])
        out = np.where(x < xk[0], 0.0, out)
        return np.where(x >= xk[-1], 1.0, out)

    def describe(self) -> str:
        return self.label

    @property
    def bounds(self) -> tuple[float, float]:
        return (float(self.x_knots[0]), float(self.x_knots[-1]))

    @property
    def is_constant(self) -> bool:
        return self.x_knots[0] == self.x_knots[-1]

    @classmethod
    def empirical(cls, label: str, samples: Sequence[float]) -> PiecewiseQuantile:
        """The distribution of a sample, read by linear interpolation of its order statistics.

        The i-th smallest of n answers sits at u = (i - 0.5) / n (Hazen's plotting
        position); below the first and above the last the quantile is flat, so the
        support is exactly [min, max] of the answers.
        """
        xs = np.sort(np.asarray(samples, dtype=float))
        n = len(xs)
        u = (np.arange(n) + 0.5) / n
        u_knots = (0.0, *u.tolist(), 1.0)
        x_knots = (float(xs[0]), *xs.tolist(), float(xs[-1]))
        return cls(label, u_knots, x_knots)


@dataclass(frozen=True)
class PhraseDistribution(Distribution):
    """A vocabulary's distribution for an estimative phrase, optionally rescaled.

    ``scale`` maps the probability p linearly to ``low + p * (high - low)``, for a
    phrase that states a weight or a share rather than a probability.
    """

    base: Distribution
    phrase: str
    vocabulary: str
    canonical: str
    scale: tuple[float, float] | None = None

    def _affine(self) -> tuple[float, float]:
        if self.scale is None:
            return 0.0, 1.0
        low, high = self.scale
        return low, high - low

    def ppf(self, u: np.ndarray) -> np.ndarray:
        shift, width = self._affine()
        return shift + width * self.base.ppf(u)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        shift, width = self._affine()
        return self.base.cdf((np.asarray(x, dtype=float) - shift) / width)

    def describe(self) -> str:
        text = f"{self.base.describe()} from '{self.phrase}' ({self.vocabulary}: {self.canonical})"
        if self.scale is not None:
            text += f" scaled to [{fmt(self.scale[0])}, {fmt(self.scale[1])}]"
        return text

    @property
    def bounds(self) -> tuple[float, float]:
        shift, width = self._affine()
        low, high = self.base.bounds
        return (shift + width * low, shift + width * high)

    @property
    def is_constant(self) -> bool:
        return self.base.is_constant


def mixture(label: str, parts: Sequence[Distribution], grid: int = 4001) -> Distribution:
    """The equal-weight mixture of distributions on [0, 1], tabulated on a fine grid.

    The mixture's CDF (the mean of the parts' CDFs) is evaluated at ``grid`` points
    of [0, 1] and inverted by linear interpolation: exact for piecewise-uniform parts,
    within 1/(grid - 1) otherwise.
    """
    if len(parts) == 1:
        return parts[0]
    x = np.linspace(0.0, 1.0, grid)
    cdf = np.maximum.accumulate(np.clip(np.mean([p.cdf(x) for p in parts], axis=0), 0.0, 1.0))
    # Trim to the stretch where the mass is: the last point with CDF 0 to the first with 1.
    start = int(np.searchsorted(cdf, 0.0, side="right")) - 1
    stop = int(np.searchsorted(cdf, 1.0, side="left"))
    start, stop = max(start, 0), min(stop, grid - 1)
    x, cdf = x[start : stop + 1], cdf[start : stop + 1]
    # Inside, a flat CDF stretch is a gap between parts: its two ends are the knots.
    keep = np.ones(len(x), dtype=bool)
    flat = np.diff(cdf) == 0
    keep[1:-1] = ~(flat[:-1] & flat[1:])
    x, cdf = x[keep], cdf[keep]
    if cdf[0] > 0:  # an atom at the lower end
        x, cdf = np.concatenate([[x[0]], x]), np.concatenate([[0.0], cdf])
    cdf[0], cdf[-1] = 0.0, 1.0
    return PiecewiseQuantile(label, tuple(cdf.tolist()), tuple(x.tolist()))
