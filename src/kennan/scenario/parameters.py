"""The parameters of each distribution family a judgment may name, validated.

One strict pydantic model per family (``beta``, ``uniform``, ``triangular``,
``normal``, ``truncnormal``, ``lognormal``, ``discrete``): no coercion, no unknown
keys, and every rule's message names the parameter, the value and the rule. Each
model builds its :class:`~kennan.scenario.distributions.Distribution`.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from kennan.scenario.distributions import Discrete, Distribution, ScipyDistribution, fmt

__all__ = ["MAX_MAGNITUDE", "MAX_SIGMA", "MAX_TRUNCATION_SDS", "MIN_BETA_SHAPE", "STRICT",
           "BetaParams", "DiscreteParams", "LogNormalParams", "NormalParams", "Params",
           "TriangularParams", "TruncNormalParams", "UniformParams", "require",
           "require_number"]

STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)

#: Largest magnitude of any judgment number: keeps widths such as high - low finite.
MAX_MAGNITUDE = 1e15
#: Largest lognormal sigma: e**10 per standard deviation is beyond any sensible judgment,
#: and larger values overflow in the far tail of the inverse CDF.
MAX_SIGMA = 10.0
#: Smallest beta shape parameter.
MIN_BETA_SHAPE = 1e-6
#: How far (in sd) a truncnormal's interval may lie from its mean.
MAX_TRUNCATION_SDS = 100.0


def require(ok: bool, message: str) -> None:
    """Raise ``ValueError(message)`` unless ``ok``: pydantic reports it at the key."""
    if not ok:
        raise ValueError(message)


def require_number(x: float, name: str) -> None:
    """``x`` must be finite and at most :data:`MAX_MAGNITUDE` in size."""
    require(math.isfinite(x), f"{name} must be a finite number, got {x}")
    require(
        abs(x) <= MAX_MAGNITUDE,
        f"{name} must be between -{MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g}, got {x:g}",
    )


class Params(BaseModel):
    """Parameters of one named distribution; ``kind`` is its key in a judgment."""

    model_config = STRICT
    kind: ClassVar[str]

    @field_validator("*")
    @classmethod
    def _finite(cls, v: Any, info: ValidationInfo) -> Any:
        for x in v if isinstance(v, list) else [v]:
            if isinstance(x, float):
                require_number(x, f"{cls.kind} {info.field_name}")
        return v

    def distribution(self) -> Distribution:  # pragma: no cover - overridden
        """The distribution these parameters describe."""
        raise NotImplementedError


class BetaParams(Params):
    """``beta: {a, b}``: Beta(a, b) on [0, 1]; mean a / (a + b)."""

    kind: ClassVar[str] = "beta"
    a: float
    b: float

    @model_validator(mode="after")
    def _rules(self) -> BetaParams:
        for name in ("a", "b"):
            x = getattr(self, name)
            require(x > 0, f"beta {name} must be > 0, got {fmt(x)}")
            # Tinier shapes overflow scipy's beta function; by then beta is two point masses.
            require(
                x >= MIN_BETA_SHAPE,
                f"beta {name} must be at least {MIN_BETA_SHAPE:g} (smaller is two point "
                f"masses at 0 and 1: use discrete), got {fmt(x)}",
            )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.beta(self.a, self.b)


class UniformParams(Params):
    """``uniform: {low, high}``: every value in [low, high] equally likely."""

    kind: ClassVar[str] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _rules(self) -> UniformParams:
        require(
            self.low < self.high,
            f"uniform low must be < high, got low={fmt(self.low)}, high={fmt(self.high)}",
        )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.uniform(self.low, self.high)


class TriangularParams(Params):
    """``triangular: {low, mode, high}``: a peak at ``mode``, nothing outside [low, high]."""

    kind: ClassVar[str] = "triangular"
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _rules(self) -> TriangularParams:
        require(
            self.low < self.high,
            f"triangular low must be < high, got low={fmt(self.low)}, high={fmt(self.high)}",
        )
        require(
            self.low <= self.mode <= self.high,
            f"triangular mode must be between low and high, got low={fmt(self.low)}, "
            f"mode={fmt(self.mode)}, high={fmt(self.high)}",
        )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.triangular(self.low, self.mode, self.high)


class NormalParams(Params):
    """``normal: {mean, sd}``: unbounded; prefer ``truncnormal`` for a bounded quantity."""

    kind: ClassVar[str] = "normal"
    mean: float
    sd: float

    @model_validator(mode="after")
    def _rules(self) -> NormalParams:
        require(self.sd > 0, f"normal sd must be > 0, got {fmt(self.sd)}")
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.normal(self.mean, self.sd)


class TruncNormalParams(Params):
    """``truncnormal: {mean, sd, low, high}``: Normal(mean, sd) cut to [low, high]."""

    kind: ClassVar[str] = "truncnormal"
    mean: float
    sd: float
    low: float
    high: float

    @model_validator(mode="after")
    def _rules(self) -> TruncNormalParams:
        require(self.sd > 0, f"truncnormal sd must be > 0, got {fmt(self.sd)}")
        require(
            self.low < self.high,
            f"truncnormal low must be < high, got low={fmt(self.low)}, high={fmt(self.high)}",
        )
        # Past these limits the inverse CDF loses its precision; such a judgment is a
        # uniform anyway, and saying so is clearer than a silently wrong sample.
        width = self.high - self.low
        require(
            self.sd <= MAX_TRUNCATION_SDS * 1e4 * width,
            f"truncnormal sd must be at most {MAX_TRUNCATION_SDS * 1e4:g} times high - low "
            f"(a normal much wider than its interval is a uniform), got sd={fmt(self.sd)}, "
            f"low={fmt(self.low)}, high={fmt(self.high)}",
        )
        gap = max(self.low - self.mean, self.mean - self.high, 0.0)
        require(
            gap <= MAX_TRUNCATION_SDS * self.sd,
            f"truncnormal [low, high] must come within {MAX_TRUNCATION_SDS:g} sd of mean "
            f"(use uniform or triangular for a far tail), got mean={fmt(self.mean)}, "
            f"sd={fmt(self.sd)}, low={fmt(self.low)}, high={fmt(self.high)}",
        )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.truncnormal(self.mean, self.sd, self.low, self.high)


class LogNormalParams(Params):
    """``lognormal: {median, sigma}``: positive, skewed; ``sigma`` is the sd of the log."""

    kind: ClassVar[str] = "lognormal"
    median: float
    sigma: float

    @model_validator(mode="after")
    def _rules(self) -> LogNormalParams:
        require(self.median > 0, f"lognormal median must be > 0, got {fmt(self.median)}")
        require(self.sigma > 0, f"lognormal sigma must be > 0, got {fmt(self.sigma)}")
        require(
            self.sigma <= MAX_SIGMA,
            f"lognormal sigma must be <= {MAX_SIGMA:g}, got {fmt(self.sigma)}",
        )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.lognormal(self.median, self.sigma)


class DiscreteParams(Params):
    """``discrete: {values, probs}``: each value with its probability."""

    kind: ClassVar[str] = "discrete"
    values: list[float]
    probs: list[float]

    @model_validator(mode="after")
    def _rules(self) -> DiscreteParams:
        n, m = len(self.values), len(self.probs)
        require(n >= 1, "discrete values must list at least one value, got none")
        require(
            n == m,
            f"discrete values and probs must have the same length, got {n} values and {m} probs",
        )
        dupes = sorted({fmt(v) for v in self.values if self.values.count(v) > 1})
        require(not dupes, f"discrete values must be distinct, got {', '.join(dupes)} twice")
        for i, p in enumerate(self.probs):
            require(p >= 0, f"discrete probs must be >= 0, got {fmt(p)} at position {i + 1}")
        total = math.fsum(self.probs)
        require(abs(total - 1.0) <= 1e-9, f"discrete probs must sum to 1, got {total:.12g}")
        return self

    def distribution(self) -> Distribution:
        return Discrete.of(self.values, self.probs)
