"""Estimative sentences: splitting, phrases, the inventory of telegram 208, actors."""

from __future__ import annotations

import pytest

from kennan.read import Document, Paragraph
from kennan.read.actors import Actor, default_gazetteer
from kennan.read.estimative import find_judgments, find_phrases, split_sentences

# (paragraph, phrase, first words of the sentence) for every judgment of telegram 208.
JUDGMENTS_208 = [
    (1, "scarcely", "Continues to build up Chi claim"),
    (2, "must assume", "However, we must assume"),
    (2, "probably", "After all, if what Russians"),
    (2, "probably", "Fact that operation actually"),
    (2, "fairly close", "However, balance must be"),
    (3, "probably", "Sovs are probably less interested"),
    (3, "surely", "Their desire for such solution"),
    (3, "think it possible", "Think it possible Sovs"),
    (3, "probably", "But mere armistice agrmt"),
    (3, "presumably", "It wld get neither Amers"),
    (6, "cannot see", "Cannot see that there shld"),
    (6, "presumably", "If reason had already existed"),
    (6, "probably", "Thus overt Amer approach"),
    (13, "believe", "Believe major sponsors"),
    (13, "unquestionably", "Unquestionably this line"),
    (14, "believe", "Believe I see signs"),
    (14, "believe", "Believe they have also been"),
    (14, "believe", "Believe these sentiments"),
    (15, "suspect", "Suspect center of disaffection"),
    (16, "probably", "Source of his authority"),
    (16, "think it likely", "With virtual breaking"),
    (16, "suspect", "Suspect he might welcome"),
    (17, "not likely", "In my opinion he is not likely"),
    (18, "surely", "If I go down now"),
    (18, "probably", "Ruling group here have probably"),
]


def test_judgment_inventory_of_208(t208: Document) -> None:
    found = [(j.paragraph, j.phrase, j.sentence) for j in find_judgments(t208.paragraphs)]
    assert [(n, p) for n, p, _ in found] == [(n, p) for n, p, _ in JUDGMENTS_208]
    for (_, _, sentence), (_, _, start) in zip(found, JUDGMENTS_208, strict=True):
        assert sentence.startswith(start)


def test_sentences_are_verbatim_slices_with_their_phrase(t208: Document) -> None:
    for j in find_judgments(t208.paragraphs):
        text = t208.paragraph(j.paragraph).text
        assert text[j.start:j.end] == j.sentence
        assert text[j.phrase_start:j.phrase_end] == j.matched
        assert j.start <= j.phrase_start < j.phrase_end <= j.end


def test_actors_of_208_judgments(t208: Document) -> None:
    actors = {(j.paragraph, j.sentence[:20]): j.actors for j in find_judgments(t208.paragraphs)}
    assert actors[(13, "Believe major sponso")] == ("malenkov", "beria", "politburo")
    assert actors[(13, "Unquestionably this ")] == ("stalin",)
    assert actors[(3, "Their desire for suc")] == ("china", "united_states")
    assert actors[(18, "If I go down now eit")] == ("vyshinsky", "stalin")
    assert actors[(15, "Suspect center of di")] == ("molotov",)


@pytest.mark.parametrize(("text", "sentences"), [
    ("208. Kentel. Deptel 101, July 29. Immed sitn Korea.",
     ["208. Kentel.", "Deptel 101, July 29.", "Immed sitn Korea."]),
    ("Mr. Smith came. He left.", ["Mr. Smith came.", "He left."]),
    ("U. Alexis Johnson said so. Then.", ["U. Alexis Johnson said so.", "Then."]),
    ("On Jan. 3 they met.", ["On Jan. 3 they met."]),
    ("He said “no.” Then left.", ["He said “no.”", "Then left."]),
    ("Policy, i.e., ours. Next", ["Policy, i.e., ours.", "Next"]),
    ("Is it? Yes! Fine.", ["Is it?", "Yes!", "Fine."]),
    ("Tedul 5. Eyes only for Secretary.", ["Tedul 5. Eyes only for Secretary."]),
    ("at 3 p.m. tomorrow we go.", ["at 3 p.m. tomorrow we go."]),
])
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == sentences


@pytest.mark.parametrize(("text", "phrases"), [
    ("Sovs are probably less interested", ["probably"]),
    ("It is probably not so", ["probably not"]),
    ("we think it quite possible that", ["think it possible"]),
    ("Consider it likely he lost", ["think it likely"]),
    ("it is very likely that", ["it is likely"]),
    ("he is not likely to be worth", ["not likely"]),
    ("an unlikely outcome", ["unlikely"]),
    ("We must therefore assume", ["must assume"]),
    ("We believed them; Embassy believes", ["believe", "believe"]),
    ("no doubt he will", ["unquestionably"]),
    ("we doubt he will", ["doubt"]),
    ("suspicious minds", []),
    ("a probable course", ["probable"]),
    ("about even chance", ["even chance"]),
    ("Unquestionably so", ["unquestionably"]),
])
def test_phrases(text: str, phrases: list[str]) -> None:
    assert [p for p, _, _ in find_phrases(text)] == phrases


def test_one_judgment_per_sentence_with_its_first_phrase() -> None:
    para = Paragraph(1, "Believe Malenkov probably leads. Nothing here.")
    (j,) = find_judgments([para])
    assert (j.phrase, j.sentence) == ("believe", "Believe Malenkov probably leads.")


def test_gazetteer_longest_alias_and_extension() -> None:
    gaz = default_gazetteer()
    assert gaz.mentioned("Chinese Nationalists and Chinese") == ("republic_of_china", "china")
    assert gaz.mentioned("the Kremlin and US") == ("soviet_union", "united_states")
    assert gaz.mentioned("us and usually") == ()  # case-sensitive whole words
    more = gaz.extended([Actor("zhdanov_group", "group", "Zhdanov group", ("Zhdanovites",)),
                         Actor("stalin", "person", "Stalin", ("Stalin", "Generalissimo"))])
    assert more.mentioned("Zhdanovites and the Generalissimo") == ("zhdanov_group", "stalin")
    assert default_gazetteer().mentioned("Zhdanovites") == ()


@pytest.mark.parametrize(("text", "phrases"), [
    ("they undoubtedly believed that", ["unquestionably", "believe"]),
    ("There is no doubt he", ["unquestionably"]),
    ("Certainly the situation", ["almost certainly"]),
    ("almost certainly not", ["almost certainly"]),
    ("in all probability they", ["probably"]),
    ("it is possible that", ["possible"]),
    ("possibly also", ["possible"]),
])
def test_more_phrases(text: str, phrases: list[str]) -> None:
    assert [p for p, _, _ in find_phrases(text)] == phrases


def test_names_in_capitals() -> None:
    assert default_gazetteer().mentioned("the attack on STALIN and the SOVIET rulers") == (
        "stalin", "soviet_union")


@pytest.mark.parametrize(("text", "phrases"), [
    ("I do not believe Soviet action was designed", ["doubt"]),
    ("we don’t think they will", ["doubt"]),
    ("I believe it", ["believe"]),
])
def test_negated_belief_is_doubt(text: str, phrases: list[str]) -> None:
    assert [p for p, _, _ in find_phrases(text)] == phrases


def test_others_beliefs_are_not_the_writers_doubt() -> None:
    assert find_phrases("And they do not think we will break relations") == []
