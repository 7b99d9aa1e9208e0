"""Estimative vocabularies: the shipped data load, phrases and aliases map, spreads are honest."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kennan.scenario.distributions import PiecewiseQuantile, ScipyDistribution, mixture
from kennan.scenario.hedges import phrase_key
from kennan.scenario.vocabularies import (
    DEFAULT_VOCABULARY,
    VOCABULARY_NAMES,
    Vocabulary,
    VocabularyLookupError,
    load_vocabulary,
    normalise_phrase,
)

DATA = resources.files("kennan.data.vocabularies")
U = np.linspace(0.0005, 0.9995, 1999)

#: Phrases a diplomatic telegram uses; every vocabulary must read each of them.
REQUIRED_ALIASES = [
    "probably",
    "probable",
    "likely",
    "it is likely",
    "think it likely",
    "surely",
    "almost certainly",
    "unquestionably",
    "must assume",
    "think it possible",
    "possible",
    "cannot see",
    "believe",
    "suspect",
    "presumably",
    "scarcely",
    "doubt",
    "unlikely",
    "fairly close",
    "even chance",
    # Diplomats' hedges and their negations (issue 12 part 1).
    "might",
    "may",
    "could",
    "might be possible",
    "it is clear",
    "will",
    "capable of",
    "seems",
    "appears",
    "I doubt",
    "I do not believe",
    "unlikely to",
    "will not",
    "might not",
    "could not",
    "it is not clear",
]


def rows(name: str) -> list[dict[str, str]]:
    """Rows of a shipped CSV file."""
    return list(csv.DictReader(io.StringIO(DATA.joinpath(name).read_text(encoding="utf-8"))))


def test_names_match_the_index_file() -> None:
    assert tuple(r["name"] for r in rows("vocabularies.csv")) == VOCABULARY_NAMES
    assert DEFAULT_VOCABULARY == "icd203"
    for r in rows("vocabularies.csv"):
        assert DATA.joinpath(r["file"]).is_file()


def test_readme_keeps_provenance_and_licences() -> None:
    text = DATA.joinpath("README.md").read_text(encoding="utf-8")
    for needle in [
        "Intelligence Community Directive 203",
        "Sherman Kent",
        "MIT licence",
        "(c) 2016 Zoni Nation",
        "Mauboussin",
        "amauboussin/probability-survey",
    ]:
        assert needle in text
    for alias in REQUIRED_ALIASES:
        assert alias in text  # each mapping's reason is written down


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_every_phrase_is_a_distribution_over_probabilities(name: str) -> None:
    vocabulary = load_vocabulary(name)
    assert vocabulary.name == name
    assert vocabulary.title
    assert vocabulary.phrases() == sorted(vocabulary.phrases())
    for phrase in vocabulary.phrases():
        dist = vocabulary.distribution(phrase)
        x = dist.ppf(U)
        assert np.all(np.diff(x) >= -1e-12), phrase
        low, high = dist.bounds
        assert 0.0 <= low <= high <= 1.0, phrase
        assert np.all((x >= low - 1e-12) & (x <= high + 1e-12)), phrase
        assert f"from '{phrase}' ({name}: " in dist.describe()
    medians = [float(vocabulary.entries[p].ppf(0.5)) for p in vocabulary.canonical_phrases()]
    assert medians == sorted(medians)


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
@pytest.mark.parametrize("alias", REQUIRED_ALIASES)
def test_required_aliases_map_in_every_vocabulary(name: str, alias: str) -> None:
    dist = load_vocabulary(name).distribution(alias)
    assert 0.0 <= dist.bounds[0] <= dist.bounds[1] <= 1.0


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_alias_table_names_only_known_phrases_and_agrees_with_the_source(name: str) -> None:
    vocabulary = load_vocabulary(name)
    own = {normalise_phrase(p) for p in vocabulary.entries}
    for row in rows("aliases.csv"):
        targets = [normalise_phrase(t) for t in row[name].split("|")]
        assert all(t in vocabulary.names for t in targets), row
        alias = normalise_phrase(row["alias"])
        if alias in own:
            # An alias spelled like a source phrase would be dead: it must say the same.
            assert targets == [alias], row


def test_icd203_reads_ranges_as_uniforms() -> None:
    vocabulary = load_vocabulary("icd203")
    for r in rows("icd203.csv"):
        low, high = float(r["low"]), float(r["high"])
        rv = stats.uniform(low, high - low)
        for phrase in (r["phrase"], r["alternative"]):
            dist = vocabulary.distribution(phrase)
            np.testing.assert_allclose(dist.ppf(U), rv.ppf(U), atol=1e-15)
            assert dist.canonical == r["phrase"]
    dist = vocabulary.distribution("probably")
    assert dist.describe() == "uniform(0.55, 0.8) from 'probably' (icd203: likely)"


def test_icd203_span_is_one_range_from_the_lowest_low_to_the_highest_high() -> None:
    dist = load_vocabulary("icd203").distribution("think it possible")
    assert dist.canonical == "unlikely | roughly even chance"
    np.testing.assert_allclose(dist.ppf(U), stats.uniform(0.20, 0.35).ppf(U), atol=1e-15)
    believe = load_vocabulary("icd203").distribution("believe")
    assert believe.bounds == pytest.approx((0.45, 0.95))


def test_kent1964_reads_centre_and_give_as_a_triangle() -> None:
    vocabulary = load_vocabulary("kent1964")
    for r in rows("kent1964.csv"):
        centre, give = float(r["center"]), float(r["give_or_take"])
        dist = vocabulary.distribution(r["phrase"])
        if give == 0:
            assert dist.is_constant
            np.testing.assert_array_equal(dist.ppf(U), np.full(U.shape, centre))
            continue
        rv = stats.triang(0.5, loc=centre - give, scale=2 * give)
        np.testing.assert_allclose(dist.ppf(U), rv.ppf(U), atol=1e-12)


def test_perceptions_is_the_empirical_distribution_of_the_46_readers() -> None:
    vocabulary = load_vocabulary("perceptions")
    with DATA.joinpath("perceptions_probly.csv").open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        answers = np.array([[float(x) for x in row] for row in reader]) / 100
    assert answers.shape == (46, 17)
    n = len(answers)
    for j, phrase in enumerate(header):
        dist = vocabulary.distribution(phrase)
        xs = np.sort(answers[:, j])
        # Each answer sits at its plotting position; the support is [min, max].
        np.testing.assert_allclose(dist.ppf((np.arange(n) + 0.5) / n), xs, atol=1e-15)
        assert dist.bounds == (xs[0], xs[-1])
        # Between two answers the quantile is linear.
        mid = dist.ppf((np.arange(n - 1) + 1.0) / n)
        np.testing.assert_allclose(mid, (xs[:-1] + xs[1:]) / 2, atol=1e-12)


def test_mauboussin2018_passes_through_its_quartiles() -> None:
    vocabulary = load_vocabulary("mauboussin2018")
    for r in rows("mauboussin2018_phrase_medians.csv"):
        dist = vocabulary.distribution(r["phrase"])
        expected = [float(r[k]) / 100 for k in ("q1", "median", "q3")]
        np.testing.assert_allclose(dist.percentiles((25, 50, 75)), expected, atol=1e-12)
    dist = vocabulary.distribution("probably")  # 60, 70, 75: tails keep the inner slopes
    assert dist.bounds == pytest.approx((0.50, 0.80))
    never = vocabulary.distribution("never")  # 0, 0, 1: the lower half is an atom at 0
    assert never.bounds == pytest.approx((0.0, 0.02))
    assert never.ppf(0.3) == 0.0


@pytest.mark.parametrize("name", ["kent1964", "perceptions", "mauboussin2018"])
def test_a_span_elsewhere_is_the_equal_mixture_of_its_phrases(name: str) -> None:
    vocabulary = load_vocabulary(name)
    dist = vocabulary.distribution("doubt")
    parts = [vocabulary.entries[c] for c in vocabulary.resolve("doubt")]
    x = np.linspace(0, 1, 201)
    expected = np.mean([p.cdf(x) for p in parts], axis=0)
    np.testing.assert_allclose(dist.cdf(x), expected, atol=2e-3)


def test_phrases_match_case_underscore_and_whitespace_insensitively() -> None:
    vocabulary = load_vocabulary("icd203")
    base = vocabulary.distribution("think it possible")
    for spelling in ["Think It Possible", "  think  it\tpossible ", "think_it_possible"]:
        assert vocabulary.resolve(spelling) == vocabulary.resolve("think it possible")
        np.testing.assert_array_equal(vocabulary.distribution(spelling).ppf(U), base.ppf(U))
    assert load_vocabulary("mauboussin2018").resolve("Slam Dunk") == ("slam dunk",)
    assert load_vocabulary("perceptions").resolve("we believe") == ("We Believe",)


def test_wide_reader_spread_gives_a_wide_distribution() -> None:
    def spread(name: str, phrase: str) -> float:
        low, high = load_vocabulary(name).distribution(phrase).percentiles((5, 95))
        return float(high - low)

    for name in VOCABULARY_NAMES:
        assert spread(name, "believe") > spread(name, "probably"), name
        assert spread(name, "doubt") > spread(name, "scarcely"), name


def test_unknown_phrase_lists_close_matches() -> None:
    with pytest.raises(VocabularyLookupError) as info:
        load_vocabulary("icd203").resolve("almost certian")
    message = str(info.value)
    assert "estimative phrase 'almost certian' is not in vocabulary icd203" in message
    assert "'almost certain'" in message
    assert isinstance(info.value, ValueError)
    with pytest.raises(VocabularyLookupError, match=r"known phrases: 'about even'"):
        load_vocabulary("icd203").distribution("zzzz qqqq")


def test_unknown_vocabulary_lists_the_known_ones() -> None:
    with pytest.raises(VocabularyLookupError, match=r"unknown vocabulary 'kent'; did you mean"):
        load_vocabulary("kent")
    with pytest.raises(
        VocabularyLookupError,
        match=r"known vocabularies: 'icd203', 'kent1964', 'perceptions', 'mauboussin2018'",
    ):
        load_vocabulary("xyz")


def test_loaded_vocabularies_are_shared_and_read_only() -> None:
    assert load_vocabulary("icd203") is load_vocabulary("icd203")
    with pytest.raises(TypeError):
        load_vocabulary("icd203").names["new"] = ("likely",)  # type: ignore[index]


def test_scale_maps_a_phrase_onto_another_range() -> None:
    dist = load_vocabulary("kent1964").distribution("probable", scale=(-1.0, 1.0))
    np.testing.assert_allclose(dist.percentiles((50,)), [0.5])
    assert dist.bounds == pytest.approx((0.26, 0.74))
    assert dist.describe().endswith("scaled to [-1, 1]")


# -- the distribution helpers behind the vocabularies -----------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 1000).map(lambda k: k / 1000), min_size=1, max_size=60))
def test_empirical_ppf_and_cdf_are_consistent(samples: list[float]) -> None:
    dist = PiecewiseQuantile.empirical("e", samples)
    x = dist.ppf(U)
    assert np.all(np.diff(x) >= 0)
    assert dist.bounds == (min(samples), max(samples))
    # The CDF at a quantile is at least the level (equality off atoms).
    assert np.all(dist.cdf(x) >= U - 1e-9)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 0.9), st.floats(0.01, 0.1)).map(lambda t: (t[0], t[0] + t[1])),
        min_size=2,
        max_size=4,
    )
)
def test_mixture_of_uniforms_is_tabulated_exactly_enough(ranges: list[tuple[float, float]]) -> None:
    parts = [ScipyDistribution.uniform(lo, hi) for lo, hi in ranges]
    dist = mixture("m", parts)
    x = dist.ppf(U)
    assert np.all(np.diff(x) >= 0)
    grid = np.linspace(0, 1, 101)
    expected = np.mean([p.cdf(grid) for p in parts], axis=0)
    np.testing.assert_allclose(dist.cdf(grid), expected, atol=1e-3)
    lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
    assert dist.bounds[0] >= lo - 1e-3
    assert dist.bounds[1] <= hi + 1e-3


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.sampled_from(VOCABULARY_NAMES))
def test_any_text_is_a_phrase_or_a_lookup_error(text: str, name: str) -> None:
    vocabulary = load_vocabulary(name)
    try:
        dist = vocabulary.distribution(text)
    except VocabularyLookupError as exc:
        assert "is not in vocabulary" in str(exc)
        return
    assert 0.0 <= dist.bounds[0] <= dist.bounds[1] <= 1.0


# -- diplomats' hedges: sourced rows, negation, suggestions by meaning ----------------------

_FREQUENCY = {"always", "almost always", "usually", "often", "frequently",
              "more often than not", "not often", "rarely", "never"}


def _centres() -> dict[str, dict[str, float]]:
    """Each vocabulary's categories and their centres, straight from the source files."""
    icd = {r["phrase"]: (float(r["low"]) + float(r["high"])) / 2 for r in rows("icd203.csv")}
    kent = {r["phrase"]: float(r["center"]) for r in rows("kent1964.csv")}
    survey = list(csv.reader(io.StringIO(DATA.joinpath("perceptions_probly.csv").read_text())))
    answers = np.array([[float(x) for x in r] for r in survey[1:] if r])
    perceptions = {p: float(np.median(answers[:, j])) / 100 for j, p in enumerate(survey[0])}
    maub = {r["phrase"].replace("_", " "): float(r["median"]) / 100
            for r in rows("mauboussin2018_phrase_medians.csv")}
    maub = {p: v for p, v in maub.items() if p not in _FREQUENCY}
    return {"icd203": icd, "kent1964": kent, "perceptions": perceptions,
            "mauboussin2018": maub}


def _quartiles(source: str, phrase: str) -> tuple[float, float]:
    if source == "mauboussin2018":
        row = next(r for r in rows("mauboussin2018_phrase_medians.csv")
                   if r["phrase"].replace("_", " ") == phrase)
        return float(row["q1"]) / 100, float(row["q3"]) / 100
    survey = list(csv.reader(io.StringIO(DATA.joinpath("perceptions_probly.csv").read_text())))
    column = sorted(float(r[survey[0].index(phrase)]) for r in survey[1:] if r)
    return column[len(column) // 4] / 100, column[3 * len(column) // 4] / 100


def test_every_survey_and_mapping_row_follows_the_stated_rule() -> None:
    centres = _centres()
    checked = 0
    for row in rows("aliases.csv"):
        if row["basis"] not in ("survey", "mapping"):
            continue
        anchor = row["anchor"]
        negated = anchor.startswith("not ")
        source, phrase = anchor.removeprefix("not ").split(":", 1)
        q1, q3 = _quartiles(source, phrase)
        if negated:
            q1, q3 = 1 - q3, 1 - q1
        for name in VOCABULARY_NAMES:
            cell = {t.strip() for t in row[name].split("|")}
            if name == source and not negated:
                assert cell == {phrase}, (row["alias"], name)
                continue
            inside = {p for p, c in centres[name].items() if q1 - 1e-9 <= c <= q3 + 1e-9}
            if not inside:
                inside = {min(centres[name],
                              key=lambda p: min(abs(centres[name][p] - q1),
                                                abs(centres[name][p] - q3)))}
            assert cell == inside, (row["alias"], name, sorted(inside))
        checked += 1
    assert checked >= 15


def test_survey_rows_name_a_phrase_the_survey_asked_about() -> None:
    survey_rows = [r for r in rows("aliases.csv") if r["basis"] == "survey"]
    assert [r["alias"] for r in survey_rows] == ["might"]
    assert survey_rows[0]["anchor"] == "mauboussin2018:might happen"
    dist = load_vocabulary("mauboussin2018").distribution("might")
    np.testing.assert_allclose(dist.percentiles((25, 50, 75)), [0.20, 0.40, 0.50])


def test_alias_rows_copy_the_row_they_name() -> None:
    table = {r["alias"]: r for r in rows("aliases.csv")}
    for row in table.values():
        if row["basis"] == "alias":
            for name in VOCABULARY_NAMES:
                assert row[name] == table[row["anchor"]][name], (row["alias"], name)
    assert {r["basis"] for r in table.values()} == {"reasoned", "survey", "mapping", "alias"}


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_every_alias_row_reads_as_its_own_row(name: str) -> None:
    vocabulary = load_vocabulary(name)
    own = {normalise_phrase(p) for p in vocabulary.entries}
    for row in rows("aliases.csv"):
        if normalise_phrase(row["alias"]) in own:
            continue
        targets = tuple(dict.fromkeys(
            c for t in row[name].split("|") for c in vocabulary.resolve(t.strip())))
        assert vocabulary.resolve(row["alias"]) == targets, row["alias"]


@pytest.mark.parametrize(("written", "means"), [
    ("I doubt", "doubt"),
    ("we doubt", "doubt"),
    ("I don't believe", "I do not believe"),
    ("We do not believe", "I do not believe"),
    ("I don\u2019t think", "do not think"),
    ("is not likely", "not likely"),
    ("they are not likely", "not likely"),
    ("they are unlikely to", "unlikely"),
    ("It is clear that", "it is clear"),
    ("it's clear", "it is clear"),
    ("won't", "will not"),
    ("they cannot", "cannot"),
    ("can't", "cannot"),
    ("It is not clear whether", "it is not clear"),
    ("there is no doubt", "no doubt"),
    ("they might not", "might not"),
    ("they are capable of", "capable of"),
])
def test_who_holds_the_belief_and_how_it_is_spelled_do_not_matter(written: str, means: str) -> None:
    for name in VOCABULARY_NAMES:
        vocabulary = load_vocabulary(name)
        assert vocabulary.resolve(written) == vocabulary.resolve(means), (written, name)


def test_negation_is_understood_not_ignored() -> None:
    icd = load_vocabulary("icd203")
    assert icd.resolve("I do not believe") == icd.resolve("doubt") != icd.resolve("believe")
    assert icd.distribution("will not").bounds == pytest.approx((0.05, 0.20))
    assert icd.distribution("will").bounds == pytest.approx((0.80, 0.95))
    assert icd.distribution("not likely").bounds == pytest.approx((0.20, 0.45))
    # "might not" allows the contrary; "could not" denies the possibility.
    assert icd.distribution("might not").bounds == pytest.approx((0.45, 0.80))
    assert icd.distribution("could not").bounds == pytest.approx((0.01, 0.05))
    for name in VOCABULARY_NAMES:
        vocabulary = load_vocabulary(name)

        def median(phrase: str, v: Vocabulary = vocabulary) -> float:
            return float(v.distribution(phrase).ppf(0.5))

        assert median("will not") < 0.5 < median("will"), name
        assert median("could not") < median("could"), name
        assert median("might") < 0.5 <= median("might not"), name
        assert median("I do not believe") < median("believe"), name
        assert median("it is clear") > median("seems") > median("might"), name


@pytest.mark.parametrize(("phrase", "first"), [
    ("it is evident", "it is clear"),
    ("it is obvious that", "it is clear"),
    ("I am inclined to believe", "believe"),
    ("I do not expect", "will not"),
    ("they are able to", "capable of"),
    ("they are not able to", "not capable of"),
    ("it is doubtful", "doubt"),
    ("perhaps", "may"),
    ("it is impossible", "cannot"),
])
def test_suggestions_go_by_meaning_first(phrase: str, first: str) -> None:
    for name in VOCABULARY_NAMES:
        vocabulary = load_vocabulary(name)
        with pytest.raises(VocabularyLookupError) as info:
            vocabulary.resolve(phrase)
        suggested = re.search(r"did you mean '([^']+)'", str(info.value))
        assert suggested is not None, (name, phrase)
        # The first suggestion says what ``first`` says (perceptions: "we believe").
        assert vocabulary.resolve(suggested.group(1)) == vocabulary.resolve(first), (name, phrase)


def test_every_meaning_word_names_a_phrase_every_vocabulary_reads() -> None:
    table = rows("meanings.csv")
    assert len(table) >= 30
    for row in table:
        assert row["why"].strip(), row
        for name in VOCABULARY_NAMES:
            load_vocabulary(name).resolve(row["means"])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([r["alias"] for r in rows("aliases.csv")]),
       st.sampled_from(["I ", "we ", "they ", ""]))
def test_a_subject_never_changes_what_a_phrase_says(alias: str, subject: str) -> None:
    written = subject + alias if not alias.lower().startswith(("i ", "it ")) else alias
    assert phrase_key(written) == phrase_key(alias)
    assert phrase_key(alias.upper()) == phrase_key(alias)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_has_a_key(text: str) -> None:
    key = phrase_key(text)
    assert isinstance(key.negated, bool)
    assert key.text.startswith("not ") == key.negated
    assert phrase_key(text) == key
