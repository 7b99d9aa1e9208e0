"""Judgment models and their distributions: ppf against scipy, validation messages, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from ruamel.yaml import YAML
from scipy import stats

from kennan.scenario.distributions import Constant, Discrete, Distribution
from kennan.scenario.judgments import (
    DISTRIBUTION_KEYS,
    Citation,
    Judgment,
    VocabularyLookupError,
)

U = np.array([1e-9, 0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999, 1 - 1e-9])
ASSUME = {"assumption": "for the test"}


def judge(**fields: object) -> Judgment:
    """A judgment with an assumption, from keyword fields."""
    return Judgment.model_validate({"id": "j", **ASSUME, **fields})


# -- ppf against scipy ------------------------------------------------------------------------

SCIPY_CASES = [
    ("beta", {"a": 6, "b": 6}, stats.beta(6, 6), "beta(a=6, b=6)"),
    ("beta", {"a": 0.5, "b": 2.5}, stats.beta(0.5, 2.5), "beta(a=0.5, b=2.5)"),
    ("uniform", {"low": 0.55, "high": 0.8}, stats.uniform(0.55, 0.25), "uniform(0.55, 0.8)"),
    (
        "triangular",
        {"low": 0, "mode": 0.2, "high": 1},
        stats.triang(0.2, loc=0, scale=1),
        "triangular(0, 0.2, 1)",
    ),
    (
        "triangular",
        {"low": 1, "mode": 1, "high": 3},
        stats.triang(0.0, loc=1, scale=2),
        "triangular(1, 1, 3)",
    ),
    ("normal", {"mean": 0, "sd": 1}, stats.norm(0, 1), "normal(mean=0, sd=1)"),
    (
        "truncnormal",
        {"mean": 0.5, "sd": 0.2, "low": 0, "high": 1},
        stats.truncnorm(-2.5, 2.5, loc=0.5, scale=0.2),
        "truncnormal(mean=0.5, sd=0.2, low=0, high=1)",
    ),
    (
        "lognormal",
        {"median": 2, "sigma": 0.5},
        stats.lognorm(0.5, scale=2),
        "lognormal(median=2, sigma=0.5)",
    ),
]


@pytest.mark.parametrize(("kind", "params", "rv", "text"), SCIPY_CASES)
def test_ppf_matches_scipy(kind: str, params: dict, rv: object, text: str) -> None:
    dist = judge(**{kind: params}).distribution()
    np.testing.assert_allclose(dist.ppf(U), rv.ppf(U), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dist.percentiles(), rv.ppf([0.05, 0.5, 0.95]), rtol=1e-12)
    np.testing.assert_allclose(dist.percentiles((10, 90)), rv.ppf([0.1, 0.9]), rtol=1e-12)
    np.testing.assert_allclose(dist.cdf(rv.ppf(U[2:-2])), U[2:-2], rtol=1e-9)
    assert dist.describe() == text
    assert str(dist) == text
    assert dist.bounds == tuple(float(x) for x in rv.support())
    assert dist.unit_bounds() == (0.0, 1.0)
    assert not dist.is_constant


def test_ppf_keeps_the_shape_of_its_input() -> None:
    dist = judge(beta={"a": 2, "b": 3}).distribution()
    u = np.random.default_rng(1).random((4, 5, 3))
    assert dist.ppf(u).shape == (4, 5, 3)
    assert judge(value=2).distribution().ppf(u).shape == (4, 5, 3)
    assert judge(discrete={"values": [1, 2], "probs": [0.5, 0.5]}).distribution().ppf(u).shape == (
        4,
        5,
        3,
    )


def test_value_is_constant_everywhere() -> None:
    dist = judge(value=0.3).distribution()
    assert isinstance(dist, Constant)
    np.testing.assert_array_equal(dist.ppf(U), np.full(U.shape, 0.3))
    np.testing.assert_array_equal(dist.percentiles(), [0.3, 0.3, 0.3])
    assert dist.is_constant
    assert dist.bounds == (0.3, 0.3)
    assert dist.describe() == "value 0.3"
    np.testing.assert_array_equal(dist.cdf(np.array([0.2, 0.3, 0.4])), [0.0, 1.0, 1.0])


def test_integer_value_is_accepted_as_a_number() -> None:
    assert judge(value=3).distribution().ppf(np.array([0.5]))[0] == 3.0


def test_discrete_inverts_cumulative_probabilities_like_scipy() -> None:
    values, probs = [2.0, 0.0, 1.0, 5.0], [0.3, 0.2, 0.5, 0.0]
    dist = judge(discrete={"values": values, "probs": probs}).distribution()
    order = np.argsort(values)
    rv = stats.rv_discrete(values=(np.arange(4), np.asarray(probs)[order]))
    u = np.linspace(0.001, 0.999, 999)
    expected = np.asarray(values)[order][rv.ppf(u).astype(int)]
    np.testing.assert_array_equal(dist.ppf(u), expected)
    np.testing.assert_array_equal(dist.percentiles(), [0.0, 1.0, 2.0])
    assert dist.bounds == (0.0, 2.0)  # 5 has probability 0: outside the support
    assert dist.describe() == "discrete(0: 0.2, 1: 0.5, 2: 0.3, 5: 0)"
    np.testing.assert_allclose(dist.cdf(np.array([-1, 0, 0.5, 1, 2, 9])), [0, 0.2, 0.2, 0.7, 1, 1])
    assert not dist.is_constant


def test_discrete_with_one_value_is_constant() -> None:
    dist = judge(discrete={"values": [4], "probs": [1]}).distribution()
    assert isinstance(dist, Discrete)
    assert dist.is_constant
    np.testing.assert_array_equal(dist.ppf(U), np.full(U.shape, 4.0))


def test_phrase_judgment_reads_the_default_or_its_own_vocabulary() -> None:
    j = judge(phrase="probably")
    assert j.kind == "phrase"
    icd = j.distribution()
    assert icd.describe() == "uniform(0.55, 0.8) from 'probably' (icd203: likely)"
    np.testing.assert_allclose(icd.ppf(U), stats.uniform(0.55, 0.25).ppf(U))
    kent = j.distribution("kent1964")
    assert kent.describe() == "triangular(0.63, 0.75, 0.87) from 'probably' (kent1964: probable)"
    own = judge(phrase="probably", vocabulary="kent1964").distribution("icd203")
    assert own.describe() == kent.describe()


def test_phrase_scale_maps_the_probability_linearly() -> None:
    dist = judge(phrase="likely", scale={"low": 0, "high": 2}).distribution()
    np.testing.assert_allclose(dist.ppf(U), 2 * stats.uniform(0.55, 0.25).ppf(U))
    np.testing.assert_allclose(dist.bounds, (1.1, 1.6))
    assert dist.describe().endswith("scaled to [0, 2]")
    np.testing.assert_allclose(dist.cdf(np.array([1.1, 1.35, 1.6])), [0, 0.5, 1])


def test_unknown_phrase_in_the_default_vocabulary_raises_value_error_with_matches() -> None:
    j = judge(phrase="probabley")
    with pytest.raises(VocabularyLookupError, match=r"did you mean 'probably'"):
        j.distribution()
    with pytest.raises(ValueError, match=r"unknown vocabulary 'kent'"):
        j.distribution("kent")


def test_example_from_the_brief_validates() -> None:
    text = """
judgments:
  - id: balance_close
    beta: {a: 6, b: 6}
    cite: {source: t208, paragraph: 2, quote: "balance must be for Sovs a fairly close one"}
    note: optional free text
  - id: appeal_vindicates
    phrase: surely
    vocabulary: kent1964
    cite: {source: t208, paragraph: 18, quote: "feel this will surely be seized upon"}
  - id: horizon_weight
    value: 0.3
    assumption: "The telegram gives no figure; a modest weight keeps this term secondary."
  - {id: x, uniform: {low: 0, high: 1}, assumption: a}
  - {id: y, triangular: {low: 0, mode: 0.2, high: 1}, assumption: a}
  - {id: z, normal: {mean: 0, sd: 1}, assumption: a}
  - {id: w, truncnormal: {mean: 0.5, sd: 0.2, low: 0, high: 1}, assumption: a}
  - {id: v, lognormal: {median: 2, sigma: 0.5}, assumption: a}
  - {id: k, discrete: {values: [0, 1, 2], probs: [0.2, 0.5, 0.3]}, assumption: a}
  - {id: p, phrase: think it possible, scale: {low: 0, high: 10}, assumption: a}
"""
    for typ in ("safe", "rt"):  # the round-trip loader yields dict/float subclasses
        data = YAML(typ=typ).load(text)
        judgments = [Judgment.model_validate(d) for d in data["judgments"]]
        kinds = [j.kind for j in judgments]
        assert kinds == ["beta", "phrase", "value", *DISTRIBUTION_KEYS[3:], "phrase"]
        for j in judgments:
            dist = j.distribution()
            assert isinstance(dist, Distribution)
            qs = dist.percentiles()
            assert qs[0] <= qs[1] <= qs[2]
        assert judgments[0].cite == Citation(
            source="t208", paragraph=2, quote="balance must be for Sovs a fairly close one"
        )
        assert judgments[0].note == "optional free text"


# -- bad input: every rule, its location and its message --------------------------------------

CITE = {"source": "t208", "paragraph": 1, "quote": "for Russia two-edged sword"}

BAD_CASES = [
    # distribution parameters
    ({"beta": {"a": 0, "b": 1}}, ("beta",), "beta a must be > 0, got 0"),
    ({"beta": {"a": 1, "b": -2}}, ("beta",), "beta b must be > 0, got -2"),
    ({"beta": {"a": 1}}, ("beta", "b"), "Field required"),
    ({"beta": {"a": 1e-7, "b": 1}}, ("beta",), "beta a must be at least 1e-06"),
    ({"beta": {"a": 1, "b": 1, "c": 1}}, ("beta", "c"), "Extra inputs are not permitted"),
    ({"beta": {"a": True, "b": 1}}, ("beta", "a"), "valid number"),
    ({"beta": {"a": "2", "b": 1}}, ("beta", "a"), "valid number"),
    ({"beta": {"a": math.inf, "b": 1}}, ("beta", "a"), "beta a must be a finite number, got inf"),
    ({"beta": {"a": 1, "b": math.nan}}, ("beta", "b"), "beta b must be a finite number, got nan"),
    ({"beta": [6, 6]}, ("beta",), "valid dictionary"),
    (
        {"normal": {"mean": 2e15, "sd": 1}},
        ("normal", "mean"),
        "between -1e+15 and 1e+15, got 2e+15",
    ),
    ({"lognormal": {"median": 1, "sigma": 11}}, ("lognormal",), "sigma must be <= 10, got 11"),
    ({"value": -1e16}, ("value",), "value must be between -1e+15 and 1e+15"),
    ({"uniform": {"low": 1, "high": 1}}, ("uniform",), "uniform low must be < high, got low=1"),
    ({"uniform": {"low": 2, "high": 1}}, ("uniform",), "low=2, high=1"),
    (
        {"triangular": {"low": 0, "mode": 2, "high": 1}},
        ("triangular",),
        "triangular mode must be between low and high, got low=0, mode=2, high=1",
    ),
    (
        {"triangular": {"low": 1, "mode": 1, "high": 1}},
        ("triangular",),
        "triangular low must be < high",
    ),
    ({"normal": {"mean": 0, "sd": 0}}, ("normal",), "normal sd must be > 0, got 0"),
    ({"normal": {"mean": -math.inf, "sd": 1}}, ("normal", "mean"), "finite number, got -inf"),
    (
        {"truncnormal": {"mean": 0, "sd": -1, "low": 0, "high": 1}},
        ("truncnormal",),
        "truncnormal sd must be > 0, got -1",
    ),
    (
        {"truncnormal": {"mean": 0, "sd": 1, "low": 1, "high": 0}},
        ("truncnormal",),
        "truncnormal low must be < high, got low=1, high=0",
    ),
    (
        {"truncnormal": {"mean": 0, "sd": 0.01, "low": 2, "high": 3}},
        ("truncnormal",),
        "truncnormal [low, high] must come within 100 sd of mean",
    ),
    (
        {"truncnormal": {"mean": 0, "sd": 1e7, "low": 0, "high": 1}},
        ("truncnormal",),
        "truncnormal sd must be at most 1e+06 times high - low",
    ),
    (
        {"lognormal": {"median": 0, "sigma": 1}},
        ("lognormal",),
        "lognormal median must be > 0, got 0",
    ),
    (
        {"lognormal": {"median": 1, "sigma": 0}},
        ("lognormal",),
        "lognormal sigma must be > 0, got 0",
    ),
    (
        {"discrete": {"values": [], "probs": []}},
        ("discrete",),
        "discrete values must list at least one value, got none",
    ),
    (
        {"discrete": {"values": [1, 2], "probs": [1]}},
        ("discrete",),
        "same length, got 2 values and 1 probs",
    ),
    (
        {"discrete": {"values": [1, 2], "probs": [0.5, 0.4]}},
        ("discrete",),
        "discrete probs must sum to 1, got 0.9",
    ),
    (
        {"discrete": {"values": [1, 2], "probs": [1.5, -0.5]}},
        ("discrete",),
        "discrete probs must be >= 0, got -0.5 at position 2",
    ),
    (
        {"discrete": {"values": [1, 1], "probs": [0.5, 0.5]}},
        ("discrete",),
        "discrete values must be distinct, got 1 twice",
    ),
    (
        {"discrete": {"values": [1, math.inf], "probs": [0.5, 0.5]}},
        ("discrete", "values"),
        "discrete values must be a finite number, got inf",
    ),
    ({"discrete": {"values": 1, "probs": [1]}}, ("discrete", "values"), "valid list"),
    # value and phrase
    ({"value": True}, ("value",), "valid number"),
    ({"value": "0.3"}, ("value",), "valid number"),
    ({"value": math.nan}, ("value",), "value must be a finite number, got nan"),
    ({"phrase": "  "}, ("phrase",), "phrase must not be empty"),
    ({"phrase": 3}, ("phrase",), "valid string"),
    (
        {"phrase": "probabley", "vocabulary": "icd203"},
        (),
        "estimative phrase 'probabley' is not in vocabulary icd203; did you mean 'probably'",
    ),
    (
        {"phrase": "probably", "vocabulary": "icd230"},
        ("vocabulary",),
        "unknown vocabulary 'icd230'; did you mean 'icd203'?",
    ),
    (
        {"phrase": "likely", "scale": {"low": 1, "high": 0}},
        ("scale",),
        "scale low must be < high, got low=1, high=0",
    ),
    (
        {"phrase": "likely", "scale": {"low": 0, "high": math.inf}},
        ("scale",),
        "scale high must be a finite number, got inf",
    ),
    ({"value": 1, "scale": {"low": 0, "high": 1}}, (), "scale applies only to a phrase"),
    ({"beta": {"a": 1, "b": 1}, "vocabulary": "icd203"}, (), "vocabulary applies only to a phrase"),
    # exactly one
    ({}, (), "judgment 'j' needs one of value, phrase, beta, uniform"),
    (
        {"value": 1, "uniform": {"low": 0, "high": 1}},
        (),
        "needs exactly one of value, phrase, beta, uniform, triangular, normal, truncnormal, "
        "lognormal, discrete; got value and uniform",
    ),
    # unknown key
    ({"value": 1, "distribution": "beta"}, ("distribution",), "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("fields", "loc", "message"), BAD_CASES)
def test_bad_judgment_is_a_validation_error_naming_the_rule(
    fields: dict, loc: tuple, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        Judgment.model_validate({"id": "j", **ASSUME, **fields})
    errors = info.value.errors()
    assert any(e["loc"] == loc and message in e["msg"] for e in errors), errors


GROUND_CASES = [
    ({"id": "j", "value": 1}, (), "needs grounds: a cite, an assumption, or both; got neither"),
    (
        {"id": "j", "value": 1, "assumption": "a", "cite": {**CITE, "supports": "magnitude"}},
        (),
        "its citation supports the magnitude, so there is no size left to assume",
    ),
    (
        {"id": "j", "value": 1, "cite": {**CITE, "supports": "direction"}},
        (),
        "its citation supports only the direction; add an assumption",
    ),
    (
        {"id": "j", "value": 1, "cite": {**CITE, "supports": "size"}},
        ("cite", "supports"),
        "'existence', 'direction' or 'magnitude'",
    ),
    ({"id": "j", "value": 1, "cite": {**CITE, "quote": "."}}, ("cite", "quote"),
     "cite quote must have at least 3 words, so that it shows what the text says; got 0"),
    ({"id": "j", "value": 1, "cite": {**CITE, "quote": "two-edged sword"}}, ("cite", "quote"),
     "got 2 ('two-edged sword')"),
    ({"id": "j", "value": 1, "cite": {**CITE, "quote": "sword . , -"}}, ("cite", "quote"),
     "got 1"),
    ({"id": "j", "value": 1, "assumption": ""}, ("assumption",), "assumption must not be empty"),
    (
        {"id": "j", "value": 1, "cite": {**CITE, "paragraph": 0}},
        ("cite", "paragraph"),
        "greater than or equal to 1",
    ),
    (
        {"id": "j", "value": 1, "cite": {**CITE, "paragraph": 2.0}},
        ("cite", "paragraph"),
        "valid integer",
    ),
    (
        {"id": "j", "value": 1, "cite": {**CITE, "paragraph": True}},
        ("cite", "paragraph"),
        "valid integer",
    ),
    (
        {"id": "j", "value": 1, "cite": {**CITE, "quote": " "}},
        ("cite", "quote"),
        "cite quote must not be empty",
    ),
    (
        {"id": "j", "value": 1, "cite": {**CITE, "source": ""}},
        ("cite", "source"),
        "at least 1 character",
    ),
    (
        {"id": "j", "value": 1, "cite": {"source": "t208", "paragraph": 1}},
        ("cite", "quote"),
        "Field required",
    ),
    (
        {"id": "j", "value": 1, "cite": {**CITE, "page": 3}},
        ("cite", "page"),
        "Extra inputs are not permitted",
    ),
    ({"value": 1, "assumption": "a"}, ("id",), "Field required"),
    ({"id": "2nd", "value": 1, "assumption": "a"}, ("id",), "got '2nd'"),
    ({"id": "soviet-pressure", "value": 1, "assumption": "a"}, ("id",), "letters, digits"),
    ({"id": "lambda", "value": 1, "assumption": "a"}, ("id",), "got 'lambda'"),
]


@pytest.mark.parametrize(("data", "loc", "message"), GROUND_CASES)
def test_bad_grounds_and_ids(data: dict, loc: tuple, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Judgment.model_validate(data)
    errors = info.value.errors()
    assert any(e["loc"] == loc and message in e["msg"] for e in errors), errors


@pytest.mark.parametrize(
    ("supports", "assumption", "effective", "size_from", "grounds"),
    [
        (None, None, "magnitude", "text", 't208 \u00b61: \u201cfor Russia two-edged sword\u201d'),
        (None, "a guess", "direction", "modeller",
         't208 \u00b61 (direction): \u201cfor Russia two-edged sword\u201d; assumption: a guess'),
        ("existence", "a guess", "existence", "modeller", None),
        ("magnitude", None, "magnitude", "text", None),
    ],
)
def test_a_citation_says_what_it_supports(supports: str | None, assumption: str | None,
                                          effective: str, size_from: str,
                                          grounds: str | None) -> None:
    cite = CITE if supports is None else {**CITE, "supports": supports}
    data = {"id": "j", "value": 1, "cite": cite}
    if assumption is not None:
        data["assumption"] = assumption
    j = Judgment.model_validate(data)
    assert j.supports == effective and j.size_from == size_from
    if grounds is not None:
        assert j.grounds == grounds


def test_an_assumption_alone_is_the_modellers() -> None:
    j = Judgment.model_validate({"id": "j", "value": 1, "assumption": "a guess"})
    assert j.supports is None and j.size_from == "modeller"
    assert j.grounds == "assumption: a guess"


@given(st.text(max_size=30))
def test_a_quote_is_refused_exactly_when_it_has_fewer_than_three_words(quote: str) -> None:
    words = [w for w in quote.split() if any(c.isalnum() or c == "_" for c in w)]
    data = {"id": "j", "value": 1, "cite": {**CITE, "quote": quote}}
    if len(words) >= 3:
        assert Judgment.model_validate(data).cite.quote == quote
    else:
        with pytest.raises(ValidationError):
            Judgment.model_validate(data)


def test_judgments_are_frozen() -> None:
    j = judge(value=1)
    with pytest.raises(ValidationError):
        j.value = 2  # type: ignore[misc]


# -- properties -------------------------------------------------------------------------------

finite = st.floats(min_value=-1e14, max_value=1e14, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e3)
shape = st.floats(min_value=0.05, max_value=50)


@st.composite
def valid_params(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(DISTRIBUTION_KEYS))
    if kind == "value":
        return {"value": draw(finite)}
    if kind == "phrase":
        return {"phrase": draw(st.sampled_from(["probably", "surely", "doubt", "even chance"]))}
    if kind == "beta":
        return {"beta": {"a": draw(shape), "b": draw(shape)}}
    if kind == "normal":
        return {"normal": {"mean": draw(finite), "sd": draw(positive)}}
    if kind == "lognormal":
        return {"lognormal": {"median": draw(positive), "sigma": draw(st.floats(0.01, 3))}}
    if kind == "discrete":
        values = draw(st.lists(finite, min_size=1, max_size=6, unique=True))
        weights = draw(st.lists(st.integers(0, 9), min_size=len(values), max_size=len(values)))
        weights[0] += 1
        total = sum(weights)
        probs = [w / total for w in weights]
        probs[-1] = 1.0 - math.fsum(probs[:-1])
        return {"discrete": {"values": values, "probs": probs}}
    low = draw(finite)
    # Keep the width well above the rounding step of low.
    high = low + draw(positive) * max(1.0, abs(low) * 1e-6)
    if kind == "uniform":
        return {"uniform": {"low": low, "high": high}}
    if kind == "triangular":
        mode = draw(st.floats(low, high))
        return {"triangular": {"low": low, "mode": mode, "high": high}}
    mean = draw(st.floats(low - 2 * (high - low), high + 2 * (high - low)))
    sd = draw(st.floats(0.05, 5)) * (high - low)
    return {"truncnormal": {"mean": mean, "sd": sd, "low": low, "high": high}}


@settings(max_examples=200, deadline=None)
@given(valid_params(), st.lists(st.floats(1e-6, 1 - 1e-6), min_size=1, max_size=40))
def test_ppf_is_monotone_and_within_bounds(fields: dict, us: list[float]) -> None:
    dist = judge(**fields).distribution()
    u = np.sort(np.asarray(us))
    x = dist.ppf(u)
    assert np.all(np.isfinite(x))
    assert np.all(np.diff(x) >= -1e-9 * (1 + np.abs(x[:-1])))
    low, high = dist.bounds
    tol = 1e-9 * (1 + np.abs(x))
    assert np.all(x >= low - tol)
    assert np.all(x <= high + tol)


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.booleans(),
    st.text(max_size=5),
    st.none(),
)
params = st.dictionaries(
    st.sampled_from(["a", "b", "low", "high", "mode", "mean", "sd", "median", "sigma", "x"]),
    numbers,
    max_size=5,
)
lists = st.lists(numbers, max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*DISTRIBUTION_KEYS, "scale", "vocabulary", "cite", "assumption"]),
        st.one_of(numbers, params, st.fixed_dictionaries({"values": lists, "probs": lists})),
        max_size=3,
    )
)
def test_any_input_validates_or_raises_a_validation_error(fields: dict) -> None:
    try:
        j = Judgment.model_validate({"id": "j", **fields})
    except ValidationError:
        return
    try:
        dist = j.distribution()
    except VocabularyLookupError:
        return
    qs = dist.percentiles()
    assert not np.isnan(qs).any()
    assert qs[0] <= qs[1] <= qs[2]


PARAM_NAMES = {
    "beta": ("a", "b"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "truncnormal": ("mean", "sd", "low", "high"),
    "lognormal": ("median", "sigma"),
}
any_float = st.one_of(st.floats(), st.floats(-10, 10), st.integers(-(10**17), 10**17))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(PARAM_NAMES)), st.data())
def test_any_numbers_give_a_usable_distribution_or_a_validation_error(
    kind: str, data: st.DataObject
) -> None:
    params = {name: data.draw(any_float, label=name) for name in PARAM_NAMES[kind]}
    try:
        j = judge(**{kind: params})
    except ValidationError as exc:
        assert all(e["msg"] for e in exc.errors())
        return
    x = j.distribution().ppf(U[1:-1])
    assert np.all(np.isfinite(x))
    assert np.all(np.diff(x) >= -1e-9 * (1 + np.abs(x[:-1])))


# -- frozen scipy objects are shared by exact parameters ----------------------------------

def test_the_same_parameters_share_one_frozen_object_and_signed_zeros_do_not() -> None:
    from kennan.scenario.distributions import ScipyDistribution

    assert ScipyDistribution.beta(6, 6).rv is ScipyDistribution.beta(6.0, 6.0).rv
    assert ScipyDistribution.uniform(-0.0, 1).rv is not ScipyDistribution.uniform(0.0, 1).rv


_PARAM = st.floats(0.05, 20, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(a=_PARAM, b=_PARAM, shift=st.floats(-5, 5, allow_nan=False), u=st.floats(1e-9, 1 - 1e-9))
def test_a_shared_frozen_object_computes_what_a_new_one_would(a, b, shift, u) -> None:
    from kennan.scenario.distributions import ScipyDistribution as S

    low, mode, high = shift, shift + a, shift + a + b
    # each as the classmethod froze it before frozen objects were shared
    cases = [(S.beta(a, b), stats.beta(a, b)),
             (S.uniform(low, high), stats.uniform(low, high - low)),
             (S.triangular(low, mode, high),
              stats.triang((mode - low) / (high - low), loc=low, scale=high - low)),
             (S.normal(shift, a), stats.norm(shift, a)),
             (S.truncnormal(mode, a, low, high),
              stats.truncnorm((low - mode) / a, (high - mode) / a, loc=mode, scale=a)),
             (S.lognormal(a, b / 10), stats.lognorm(b / 10, scale=a))]
    for ours, fresh in cases:
        for _ in range(2):  # the second call reads the shared object
            x = ours.ppf(np.array([u]))
            assert x.tobytes() == np.asarray(fresh.ppf(np.array([u])), dtype=float).tobytes()
