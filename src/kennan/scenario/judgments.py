"""Judgments: the only uncertain inputs of a scenario, each with its source.

A judgment is a number (``value``), a named distribution (``beta``, ``uniform``,
``triangular``, ``normal``, ``truncnormal``, ``lognormal``, ``discrete``) or an
estimative ``phrase`` read through a vocabulary, and it rests on a ``cite`` (source,
paragraph, quote, and what the quoted words ``supports``), an ``assumption`` stating
the modeller's reason, or both: the text may give the direction, the modeller the size.

The models are strict (no coercion: ``true`` is not a number, ``"3"`` is not a
number) and refuse unknown keys. Every rule's message names the parameter, the
value and the rule, so the loader can print it next to the line it came from.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from kennan.read.document import MIN_QUOTE_WORDS, quote_words
from kennan.scenario.distributions import Constant, Discrete, Distribution, ScipyDistribution, fmt
from kennan.scenario.vocabularies import (
    DEFAULT_VOCABULARY,
    VOCABULARY_NAMES,
    Vocabulary,
    VocabularyLookupError,
    load_vocabulary,
)

#: An id: ASCII letters, digits and underscores, not starting with a digit, at most 64
#: characters. ASCII only, so that no two ids look alike ("apple" and a Cyrillic
#: "\u0430pple"); the scenario schema uses the same rule for every other id.
ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
ID_MAX_LENGTH = 64
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]

__all__ = [
    "DISTRIBUTION_KEYS",
    "MAX_MAGNITUDE",
    "MAX_SIGMA",
    "MAX_TRUNCATION_SDS",
    "MIN_BETA_SHAPE",
    "MIN_QUOTE_WORDS",
    "SUPPORTS",
    "VOCABULARY_NAMES",
    "BetaParams",
    "Citation",
    "DiscreteParams",
    "Distribution",
    "Judgment",
    "LogNormalParams",
    "NormalParams",
    "Scale",
    "Supports",
    "TriangularParams",
    "TruncNormalParams",
    "UniformParams",
    "Vocabulary",
    "VocabularyLookupError",
    "describe_grounds",
    "load_vocabulary",
]

#: The keys of a judgment that state its value, exactly one of which must be present.
DISTRIBUTION_KEYS: tuple[str, ...] = (
    "value",
    "phrase",
    "beta",
    "uniform",
    "triangular",
    "normal",
    "truncnormal",
    "lognormal",
    "discrete",
)

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)

#: Largest magnitude of any judgment number: keeps widths such as high - low finite.
MAX_MAGNITUDE = 1e15
#: Largest lognormal sigma: e**10 per standard deviation is beyond any sensible judgment,
#: and larger values overflow in the far tail of the inverse CDF.
MAX_SIGMA = 10.0
#: Smallest beta shape parameter.
MIN_BETA_SHAPE = 1e-6
#: How far (in sd) a truncnormal's interval may lie from its mean.
MAX_TRUNCATION_SDS = 100.0
#: What a citation's quoted words support: that the thing exists or matters at all, which
#: way it points, or its size.
Supports = Literal["existence", "direction", "magnitude"]
SUPPORTS: tuple[str, ...] = ("existence", "direction", "magnitude")


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _check_number(x: float, name: str) -> None:
    _check(math.isfinite(x), f"{name} must be a finite number, got {x}")
    _check(
        abs(x) <= MAX_MAGNITUDE,
        f"{name} must be between -{MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g}, got {x:g}",
    )


class _Params(BaseModel):
    """Parameters of one named distribution; ``kind`` is its key in a judgment."""

    model_config = _STRICT
    kind: ClassVar[str]

    @field_validator("*")
    @classmethod
    def _finite(cls, v: Any, info: ValidationInfo) -> Any:
        for x in v if isinstance(v, list) else [v]:
            if isinstance(x, float):
                _check_number(x, f"{cls.kind} {info.field_name}")
        return v

    def distribution(self) -> Distribution:  # pragma: no cover - overridden
        """The distribution these parameters describe."""
        raise NotImplementedError


class BetaParams(_Params):
    """``beta: {a, b}``: Beta(a, b) on [0, 1]; mean a / (a + b)."""

    kind: ClassVar[str] = "beta"
    a: float
    b: float

    @model_validator(mode="after")
    def _rules(self) -> BetaParams:
        for name in ("a", "b"):
            x = getattr(self, name)
            _check(x > 0, f"beta {name} must be > 0, got {fmt(x)}")
            # Tinier shapes overflow scipy's beta function; by then beta is two point masses.
            _check(
                x >= MIN_BETA_SHAPE,
                f"beta {name} must be at least {MIN_BETA_SHAPE:g} (smaller is two point "
                f"masses at 0 and 1: use discrete), got {fmt(x)}",
            )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.beta(self.a, self.b)


class UniformParams(_Params):
    """``uniform: {low, high}``: every value in [low, high] equally likely."""

    kind: ClassVar[str] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _rules(self) -> UniformParams:
        _check(
            self.low < self.high,
            f"uniform low must be < high, got low={fmt(self.low)}, high={fmt(self.high)}",
        )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.uniform(self.low, self.high)


class TriangularParams(_Params):
    """``triangular: {low, mode, high}``: a peak at ``mode``, nothing outside [low, high]."""

    kind: ClassVar[str] = "triangular"
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _rules(self) -> TriangularParams:
        _check(
            self.low < self.high,
            f"triangular low must be < high, got low={fmt(self.low)}, high={fmt(self.high)}",
        )
        _check(
            self.low <= self.mode <= self.high,
            f"triangular mode must be between low and high, got low={fmt(self.low)}, "
            f"mode={fmt(self.mode)}, high={fmt(self.high)}",
        )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.triangular(self.low, self.mode, self.high)


class NormalParams(_Params):
    """``normal: {mean, sd}``: unbounded; prefer ``truncnormal`` for a bounded quantity."""

    kind: ClassVar[str] = "normal"
    mean: float
    sd: float

    @model_validator(mode="after")
    def _rules(self) -> NormalParams:
        _check(self.sd > 0, f"normal sd must be > 0, got {fmt(self.sd)}")
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.normal(self.mean, self.sd)


class TruncNormalParams(_Params):
    """``truncnormal: {mean, sd, low, high}``: Normal(mean, sd) cut to [low, high]."""

    kind: ClassVar[str] = "truncnormal"
    mean: float
    sd: float
    low: float
    high: float

    @model_validator(mode="after")
    def _rules(self) -> TruncNormalParams:
        _check(self.sd > 0, f"truncnormal sd must be > 0, got {fmt(self.sd)}")
        _check(
            self.low < self.high,
            f"truncnormal low must be < high, got low={fmt(self.low)}, high={fmt(self.high)}",
        )
        # Past these limits the inverse CDF loses its precision; such a judgment is a
        # uniform anyway, and saying so is clearer than a silently wrong sample.
        width = self.high - self.low
        _check(
            self.sd <= MAX_TRUNCATION_SDS * 1e4 * width,
            f"truncnormal sd must be at most {MAX_TRUNCATION_SDS * 1e4:g} times high - low "
            f"(a normal much wider than its interval is a uniform), got sd={fmt(self.sd)}, "
            f"low={fmt(self.low)}, high={fmt(self.high)}",
        )
        gap = max(self.low - self.mean, self.mean - self.high, 0.0)
        _check(
            gap <= MAX_TRUNCATION_SDS * self.sd,
            f"truncnormal [low, high] must come within {MAX_TRUNCATION_SDS:g} sd of mean "
            f"(use uniform or triangular for a far tail), got mean={fmt(self.mean)}, "
            f"sd={fmt(self.sd)}, low={fmt(self.low)}, high={fmt(self.high)}",
        )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.truncnormal(self.mean, self.sd, self.low, self.high)


class LogNormalParams(_Params):
    """``lognormal: {median, sigma}``: positive, skewed; ``sigma`` is the sd of the log."""

    kind: ClassVar[str] = "lognormal"
    median: float
    sigma: float

    @model_validator(mode="after")
    def _rules(self) -> LogNormalParams:
        _check(self.median > 0, f"lognormal median must be > 0, got {fmt(self.median)}")
        _check(self.sigma > 0, f"lognormal sigma must be > 0, got {fmt(self.sigma)}")
        _check(
            self.sigma <= MAX_SIGMA,
            f"lognormal sigma must be <= {MAX_SIGMA:g}, got {fmt(self.sigma)}",
        )
        return self

    def distribution(self) -> Distribution:
        return ScipyDistribution.lognormal(self.median, self.sigma)


class DiscreteParams(_Params):
    """``discrete: {values, probs}``: each value with its probability."""

    kind: ClassVar[str] = "discrete"
    values: list[float]
    probs: list[float]

    @model_validator(mode="after")
    def _rules(self) -> DiscreteParams:
        n, m = len(self.values), len(self.probs)
        _check(n >= 1, "discrete values must list at least one value, got none")
        _check(
            n == m,
            f"discrete values and probs must have the same length, got {n} values and {m} probs",
        )
        dupes = sorted({fmt(v) for v in self.values if self.values.count(v) > 1})
        _check(not dupes, f"discrete values must be distinct, got {', '.join(dupes)} twice")
        for i, p in enumerate(self.probs):
            _check(p >= 0, f"discrete probs must be >= 0, got {fmt(p)} at position {i + 1}")
        total = math.fsum(self.probs)
        _check(abs(total - 1.0) <= 1e-9, f"discrete probs must sum to 1, got {total:.12g}")
        return self

    def distribution(self) -> Distribution:
        return Discrete.of(self.values, self.probs)


class Scale(BaseModel):
    """``scale: {low, high}``: map a phrase's probability p to low + p * (high - low)."""

    model_config = _STRICT
    low: float
    high: float

    @model_validator(mode="after")
    def _rules(self) -> Scale:
        for name in ("low", "high"):
            _check_number(getattr(self, name), f"scale {name}")
        _check(
            self.low < self.high,
            f"scale low must be < high, got low={fmt(self.low)}, high={fmt(self.high)}",
        )
        return self


class Citation(BaseModel):
    """Where a judgment comes from: a source id, a 1-based paragraph, a verbatim quote, and
    what the quote supports (``existence``, ``direction`` or ``magnitude``; when not given,
    ``magnitude`` for a judgment without an assumption, ``direction`` for one with)."""

    model_config = _STRICT
    source: str = Field(min_length=1)
    paragraph: int = Field(ge=1)
    quote: str
    supports: Supports | None = None

    @field_validator("quote")
    @classmethod
    def _quote(cls, v: str) -> str:
        _check(bool(v.strip()), "cite quote must not be empty")
        words = quote_words(v)
        _check(
            words >= MIN_QUOTE_WORDS,
            f"cite quote must have at least {MIN_QUOTE_WORDS} words, so that it shows what "
            f"the text says; got {words} ({v.strip()[:40]!r}): quote the clause",
        )
        return v


def describe_grounds(
    cite: tuple[str, int, str] | None, supports: str | None, assumption: str | None,
    *, with_source: bool = True, sep: str = "; ",
) -> str:
    """A judgment's grounds in one line: ``t208 ¶2 (direction): "quote"; assumption: why``.

    ``cite`` is (source, paragraph, quote). The citation says what it supports unless
    that is the magnitude alone (the plain form of ``kennan: 1`` files before
    ``supports``); ``with_source`` False leaves the source id out; ``sep`` goes between
    the citation and the assumption.
    """
    parts = []
    if cite is not None:
        source, paragraph, quote = cite
        where = f"{source} \u00b6{paragraph}" if with_source else f"\u00b6{paragraph}"
        what = "" if supports == "magnitude" and assumption is None else f" ({supports})"
        parts.append(f"{where}{what}: \u201c{quote}\u201d")
    if assumption is not None:
        parts.append(f"assumption: {assumption}")
    return sep.join(parts)


class Judgment(BaseModel):
    """One uncertain input: exactly one way of stating its value, and its grounds."""

    model_config = _STRICT

    id: str
    value: float | None = None
    phrase: str | None = None
    beta: BetaParams | None = None
    uniform: UniformParams | None = None
    triangular: TriangularParams | None = None
    normal: NormalParams | None = None
    truncnormal: TruncNormalParams | None = None
    lognormal: LogNormalParams | None = None
    discrete: DiscreteParams | None = None
    vocabulary: str | None = None
    scale: Scale | None = None
    cite: Citation | None = None
    assumption: str | None = None
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        _check(len(v) <= ID_MAX_LENGTH,
               f"judgment id must be at most {ID_MAX_LENGTH} characters long, got {len(v)}")
        _check(
            re.fullmatch(ID_PATTERN, v) is not None and not keyword.iskeyword(v),
            "judgment id must be a name of ASCII letters, digits and underscores that does "
            f"not start with a digit (it is used in expressions), got '{v}'",
        )
        return v

    @field_validator("value")
    @classmethod
    def _value(cls, v: float | None) -> float | None:
        if v is not None:
            _check_number(v, "value")
        return v

    @field_validator("phrase", "assumption")
    @classmethod
    def _text(cls, v: str | None, info: ValidationInfo) -> str | None:
        _check(v is None or bool(v.strip()), f"{info.field_name} must not be empty")
        return v

    @field_validator("vocabulary")
    @classmethod
    def _vocabulary(cls, v: str | None) -> str | None:
        if v is not None:
            load_vocabulary(v)  # raises, listing close matches
        return v

    @model_validator(mode="after")
    def _exactly_one(self) -> Judgment:
        given = [k for k in DISTRIBUTION_KEYS if getattr(self, k) is not None]
        keys = ", ".join(DISTRIBUTION_KEYS)
        _check(bool(given), f"judgment '{self.id}' needs one of {keys}; got none")
        _check(
            len(given) == 1,
            f"judgment '{self.id}' needs exactly one of {keys}; got {' and '.join(given)}",
        )
        if self.phrase is None:
            for key in ("vocabulary", "scale"):
                _check(
                    getattr(self, key) is None,
                    f"judgment '{self.id}': {key} applies only to a phrase, not to {given[0]}",
                )
        elif self.vocabulary is not None:
            load_vocabulary(self.vocabulary).resolve(self.phrase)
        self._check_grounds()
        return self

    def _check_grounds(self) -> None:
        """A citation, an assumption, or both; the size rests on exactly one of them."""
        cite, assumption = self.cite, self.assumption
        _check(
            cite is not None or assumption is not None,
            f"judgment '{self.id}' needs grounds: a cite, an assumption, or both; got neither",
        )
        if cite is None or cite.supports is None:
            return
        if cite.supports == "magnitude":
            _check(
                assumption is None,
                f"judgment '{self.id}': its citation supports the magnitude, so there is no "
                "size left to assume; drop the assumption (a remark goes in note) or say "
                "what the quote supports (existence or direction)",
            )
        else:
            _check(
                assumption is not None,
                f"judgment '{self.id}': its citation supports only the {cite.supports}; add "
                "an assumption saying where the size comes from, or say supports: magnitude",
            )

    @property
    def supports(self) -> str | None:
        """What the citation supports (its default filled in), or None without one."""
        if self.cite is None:
            return None
        if self.cite.supports is not None:
            return self.cite.supports
        return "magnitude" if self.assumption is None else "direction"

    @property
    def size_from(self) -> Literal["text", "modeller"]:
        """Whose is the judgment's size: the ``text`` (a citation of its magnitude) or the
        ``modeller`` (an assumption)."""
        return "text" if self.supports == "magnitude" else "modeller"

    @property
    def grounds(self) -> str:
        """The grounds in one line (see :func:`describe_grounds`)."""
        cite = self.cite
        where = None if cite is None else (cite.source, cite.paragraph, cite.quote)
        return describe_grounds(where, self.supports, self.assumption)

    @property
    def kind(self) -> str:
        """Which key states the value: one of :data:`DISTRIBUTION_KEYS`."""
        return next(k for k in DISTRIBUTION_KEYS if getattr(self, k) is not None)

    def distribution(self, default_vocabulary: str = DEFAULT_VOCABULARY) -> Distribution:
        """The judgment's distribution; a phrase is read in its own vocabulary or the default.

        Raises :class:`VocabularyLookupError` (a ``ValueError``) for an unknown
        vocabulary or phrase, with close matches in the message.
        """
        kind = self.kind
        if kind == "value":
            return Constant(float(self.value))  # type: ignore[arg-type]
        if kind == "phrase":
            vocabulary = load_vocabulary(self.vocabulary or default_vocabulary)
            scale = None if self.scale is None else (self.scale.low, self.scale.high)
            return vocabulary.distribution(self.phrase, scale=scale)  # type: ignore[arg-type]
        params: _Params = getattr(self, kind)
        return params.distribution()
