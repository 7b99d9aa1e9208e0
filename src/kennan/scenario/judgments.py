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
import re
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from kennan.read.document import MIN_QUOTE_WORDS, quote_words
from kennan.scenario.distributions import Constant, Distribution, fmt
from kennan.scenario.parameters import (
    STRICT,
    BetaParams,
    DiscreteParams,
    LogNormalParams,
    NormalParams,
    Params,
    TriangularParams,
    TruncNormalParams,
    UniformParams,
    require,
    require_number,
)
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
    "MIN_QUOTE_WORDS",
    "SUPPORTS",
    "VOCABULARY_NAMES",
    "Citation",
    "Distribution",
    "Judgment",
    "Scale",
    "Supports",
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

#: What a citation's quoted words support: that the thing exists or matters at all, which
#: way it points, or its size.
Supports = Literal["existence", "direction", "magnitude"]
SUPPORTS: tuple[str, ...] = ("existence", "direction", "magnitude")


class Scale(BaseModel):
    """``scale: {low, high}``: map a phrase's probability p to low + p * (high - low)."""

    model_config = STRICT
    low: float
    high: float

    @model_validator(mode="after")
    def _rules(self) -> Scale:
        for name in ("low", "high"):
            require_number(getattr(self, name), f"scale {name}")
        require(
            self.low < self.high,
            f"scale low must be < high, got low={fmt(self.low)}, high={fmt(self.high)}",
        )
        return self


class Citation(BaseModel):
    """Where a judgment comes from: a source id, a 1-based paragraph, a verbatim quote, and
    what the quote supports (``existence``, ``direction`` or ``magnitude``; when not given,
    ``magnitude`` for a judgment without an assumption, ``direction`` for one with)."""

    model_config = STRICT
    source: str = Field(min_length=1)
    paragraph: int = Field(ge=1)
    quote: str
    supports: Supports | None = None

    @field_validator("quote")
    @classmethod
    def _quote(cls, v: str) -> str:
        require(bool(v.strip()), "cite quote must not be empty")
        words = quote_words(v)
        require(
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

    model_config = STRICT

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
        require(len(v) <= ID_MAX_LENGTH,
               f"judgment id must be at most {ID_MAX_LENGTH} characters long, got {len(v)}")
        require(
            re.fullmatch(ID_PATTERN, v) is not None and not keyword.iskeyword(v),
            "judgment id must be a name of ASCII letters, digits and underscores that does "
            f"not start with a digit (it is used in expressions), got '{v}'",
        )
        return v

    @field_validator("value")
    @classmethod
    def _value(cls, v: float | None) -> float | None:
        if v is not None:
            require_number(v, "value")
        return v

    @field_validator("phrase", "assumption")
    @classmethod
    def _text(cls, v: str | None, info: ValidationInfo) -> str | None:
        require(v is None or bool(v.strip()), f"{info.field_name} must not be empty")
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
        require(bool(given), f"judgment '{self.id}' needs one of {keys}; got none")
        require(
            len(given) == 1,
            f"judgment '{self.id}' needs exactly one of {keys}; got {' and '.join(given)}",
        )
        if self.phrase is None:
            for key in ("vocabulary", "scale"):
                require(
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
        require(
            cite is not None or assumption is not None,
            f"judgment '{self.id}' needs grounds: a cite, an assumption, or both; got neither",
        )
        if cite is None or cite.supports is None:
            return
        if cite.supports == "magnitude":
            require(
                assumption is None,
                f"judgment '{self.id}': its citation supports the magnitude, so there is no "
                "size left to assume; drop the assumption (a remark goes in note) or say "
                "what the quote supports (existence or direction)",
            )
        else:
            require(
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
        params: Params = getattr(self, kind)
        return params.distribution()
