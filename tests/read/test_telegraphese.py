"""Telegraphese expansion: every token of telegram 208, case, homographs, the span map."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.read import Document
from kennan.read.telegraphese import Lexicon, default_lexicon, expand, lexicon_with

# Every telegraphese token of telegram 208 and what it expands to; nothing else in the
# telegram may be expanded ("Kentel" and "US" stay as they are: see below).
TOKENS_208 = {
    ("Amer", "American"), ("Amers", "Americans"), ("Chi", "Chinese"),
    ("Commie", "Communist"), ("Commies", "Communists"),
    ("Deptel", "Department of State telegram"), ("Fon", "Foreign"),
    ("FonMin", "Foreign Minister"), ("Govt", "Government"), ("Govts", "Governments"),
    ("Immed", "Immediate"), ("Kor", "Korean"), ("POW", "prisoner of war"),
    ("POWs", "prisoners of war"), ("Sov", "Soviet"), ("Sovs", "Soviets"),
    ("UN", "United Nations"), ("Wld", "Would"), ("admin", "administration"),
    ("agrmt", "agreement"), ("cld", "could"), ("dipl", "diplomatic"), ("fon", "foreign"),
    ("gen", "general"), ("govt", "government"), ("govts", "governments"),
    ("immed", "immediately"), ("mil", "military"), ("negots", "negotiations"),
    ("pol", "policy"), ("polit", "political"), ("re", "regarding"),
    ("satis", "satisfactory"), ("shld", "should"), ("sitn", "situation"),
    ("subj", "subject"), ("wld", "would"),
}


def test_every_token_of_208_expanded_correctly(t208: Document) -> None:
    found = {(s.token, s.expansion) for p in t208.paragraphs for s in expand(p.text).spans}
    assert found == TOKENS_208


@pytest.mark.parametrize(("n", "expanded"), [
    (1, "208. Kentel. Department of State telegram 101, July 29. Immediate situation Korea is"),
    (1, "Diverts Chinese Communists from Formosa"),
    (1, "future voice in Korean affairs"),
    (2, "on balance satisfactory to Soviet interests"),
    (3, "neither Americans nor Chinese immediately out of Korea"),
    (3, "general removal of foreign troops"),
    (4, "As for prisoner of war question, Soviet leaders"),
    (4, "that prisoners of war are not to be forced by US"),
    (6, "Would have been easier for Soviets"),
    (7, "invocation Chinese-Soviet alliance"),
    (8, "general standpoint Soviet-American relations"),
    (9, "hostile to all non-Communist governments"),
    (10, "When Molotov was withdrawn as Foreign Minister"),
    (15, "disaffection concerning foreign policy may today be"),
    (15, "problems foreign policy are interfused"),
    (16, "his withdrawal from Foreign Ministry"),
    (17, "this reserve on part our government in general"),
    (18, "appeal for their help regarding Korea"),
    (18, "or change administration, rifts would appear"),
])
def test_expanded_sentences_of_208(t208: Document, n: int, expanded: str) -> None:
    assert expanded in t208.paragraph(n).expanded


@pytest.mark.parametrize(("text", "expanded"), [
    ("wld", "would"), ("Wld", "Would"), ("WLD", "WOULD"),
    ("sov", "Soviet"), ("SOVS", "SOVIETS"),
    ("Deptel 101", "Department of State telegram 101"),
    ("DEPTEL 101", "DEPARTMENT OF STATE TELEGRAM 101"),
    ("fon pol", "foreign policy"), ("Fon pol", "Foreign policy"),
    ("polit pol", "political political"),
    ("POL shortage", "petroleum, oil, and lubricants shortage"),
    ("Pol situation", "Political situation"),
    ("our pol toward", "our policy toward"),
    ("Immed sitn", "Immediate situation"), ("act immed.", "act immediately."),
    ("immed fol Tib statement", "immediately following Tibetan statement"),
    ("Sino-Tib agreement", "Sino-Tibetan agreement"),
    ("re Korea", "regarding Korea"), ("re-examine", "re-examine"),
    ("Nor Kor commenced", "Nor Korea commenced"),
    ("anti-Amer campaign", "anti-American campaign"),
    ("Sov's aims", "Soviet's aims"),
    ("convs with reps", "conversations with representatives"),
    ("auths", "authorities"), ("the press", "the press"),
    ("en route", "en route"), ("Des Moines", "Des Moines"),
    ("my des 356", "my despatch 356"),
    ("Chi", "Chinese"), ("Chis", "Chinese"), ("Japs", "Japanese"),
])
def test_expansion_rules(text: str, expanded: str) -> None:
    assert expand(text).text == expanded


def test_single_letters_and_unknown_words_stay() -> None:
    text = "Item C of section 3; General S agreed."
    assert expand(text).text == text
    assert expand("Item C of para 3").text == "Item C of paragraph 3"


def test_volume_terms_come_before_the_frus_lists() -> None:
    lex = lexicon_with({"POL": "Office of Polish Affairs", "ZZQ": "a made-up office"})
    expanded = expand("POL and ZZQ", lexicon=lex).text
    assert expanded == "Office of Polish Affairs and a made-up office"
    assert expand("wld", lexicon=lex).text == "would"


def test_span_map_both_ways() -> None:
    e = expand("Immed sitn Korea is satis to Sov.")
    assert e.text == "Immediate situation Korea is satisfactory to Soviet."
    i = e.text.index("situation Korea")
    assert e.to_original(i, i + len("situation Korea")) == (6, 16)
    assert e.original[6:16] == "sitn Korea"
    # A span cut inside an expansion widens to the whole original token.
    j = e.text.index("tisfactory")
    start, end = e.to_original(j, j + 4)
    assert e.original[start:end] == "satis"
    o = e.original.index("Korea")
    s, t = e.to_expanded(o, o + 5)
    assert e.text[s:t] == "Korea"


# -- properties --------------------------------------------------------------------------

_TOKENS = ["wld", "Sov", "sitn", "Chi", "fon", "pol", "POL", "Deptel", "immed", "POWs",
           "re", "the", "Korea", "and", "is", "US", "non-", "Commies", "govts", "FonMin"]
_texts = st.lists(
    st.one_of(st.sampled_from(_TOKENS), st.text(alphabet=" ,.;-()\n0123456789", max_size=3)),
    max_size=30,
).map(lambda parts: " ".join(parts))


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_span_map_always_maps_back_to_the_original(text: str) -> None:
    e = expand(text)
    pos = 0
    rebuilt = []
    for s in e.spans:
        assert e.original[s.start:s.end] == s.token
        assert e.text[s.out_start:s.out_end] == s.expansion
        assert e.to_original(s.out_start, s.out_end) == (s.start, s.end)
        assert e.to_expanded(s.start, s.end) == (s.out_start, s.out_end)
        rebuilt.append(e.original[pos:s.start])
        rebuilt.append(s.expansion)
        pos = s.end
    rebuilt.append(e.original[pos:])
    assert "".join(rebuilt) == e.text
    # Text between replacements is unchanged and maps onto itself.
    for a, b in zip([0, *[s.end for s in e.spans]], [*[s.start for s in e.spans], len(text)],
                    strict=True):
        if a < b:
            s2, t2 = e.to_expanded(a, b)
            assert e.text[s2:t2] == e.original[a:b]
            assert e.to_original(s2, t2) == (a, b)


_plain_words = st.text(alphabet="bkqxz aeiouy.,;\n", max_size=80)


@settings(max_examples=200, deadline=None)
@given(_plain_words)
def test_text_without_abbreviations_is_unchanged(text: str) -> None:
    lex: Lexicon = default_lexicon()
    if any(lex.rules(w) or (w.endswith("s") and lex.rules(w[:-1]))
           for w in re.findall(r"[A-Za-z]+", text)):
        return  # by chance an abbreviation ("bk"?): not this property's case
    e = expand(text)
    assert e.text == text and e.spans == ()
    assert e.to_original(0, len(text)) == (0, len(text))


@pytest.mark.parametrize(("text", "expanded"), [
    ("in Dec 1950 Tib appealed UN", "in December 1950 Tibet appealed United Nations"),
    ("probable Tib will wish", "probable Tibet will wish"),
    ("Tib del at Peiping", "Tibetan delegation at Peiping"),
    ("Kor affairs", "Korean affairs"), ("Kor is", "Korea is"),
])
def test_adjective_or_country_by_the_next_word(text: str, expanded: str) -> None:
    assert expand(text).text == expanded
