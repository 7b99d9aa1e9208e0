"""Estimative sentences: splitting, phrases, the inventory of telegram 208, actors."""

from __future__ import annotations

import pytest

from kennan.read import Document, Paragraph, load_document
from kennan.read.actors import Actor, default_gazetteer
from kennan.read.estimative import find_judgments, find_phrases, split_sentences

from .conftest import FIXTURES

# (paragraph, phrase, first words of the sentence) for every judgment of telegram 208: one
# per clause with a phrase; a modal ("cld", "might", "will") only when it is its clause's
# own, a frame ("Believe") only when nothing else in its clause is a judgment.
JUDGMENTS_208 = [
    (1, "scarcely", "Continues to build up Chi"),
    (2, "must assume", "However, we must assume sitn"),
    (2, "probably", "After all, if what Russians"),
    (2, "probably", "Fact that operation actually came"),
    (2, "fairly close", "However, balance must be for"),
    (2, "could", "However, balance must be for"),
    (3, "probably", "Sovs are probably less interested"),
    (3, "surely", "Their desire for such solution"),
    (3, "think it possible", "Think it possible Sovs might"),
    (3, "probably", "But mere armistice agrmt itself"),
    (3, "may", "But mere armistice agrmt itself"),
    (3, "presumably", "It wld get neither Amers"),
    (4, "might", "If impression were to become"),
    (6, "cannot see", "Cannot see that there shld"),
    (6, "presumably", "If reason had already existed"),
    (6, "cannot", "If approach is made and"),
    (6, "probably", "Thus overt Amer approach on"),
    (9, "might be possible", "Every evidence decisive power exercised"),
    (10, "could", "This meant in their view"),
    (10, "could", "Two cld play, they figured,"),
    (10, "might", "Accordingly, they might be slightly"),
    (11, "may", "Secondly, they are not afraid"),
    (11, "will not", "In other words, just as"),
    (12, "appears", "This, I repeat, appears to"),
    (13, "probably", "Believe major sponsors this line"),
    (13, "unquestionably", "Unquestionably this line has had"),
    (13, "will", "It is based of course"),
    (14, "believe", "Believe I see signs that"),
    (14, "believe", "Believe they have also been"),
    (14, "believe", "Believe these sentiments have found"),
    (14, "appears", "Believe these sentiments have found"),
    (15, "suspect", "Suspect center of disaffection concerning"),
    (16, "probably", "Source of his authority and"),
    (16, "think it likely", "With virtual breaking of relations,"),
    (16, "suspect", "Suspect he might welcome restoration"),
    (17, "not likely", "In my opinion he is"),
    (18, "surely", "If I go down now"),
    (18, "will", "They will say in effect"),
    (18, "will", "They will say in effect"),
    (18, "probably", "Ruling group here have probably"),
    (18, "will", "Ruling group here have probably"),
    (19, "I think", "I think past appreciations founded"),
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
    ("no doubt he will", ["no doubt", "will"]),
    ("we doubt he will", ["I doubt", "will"]),
    ("suspicious minds", []),
    ("a probable course", ["probable"]),
    ("about even chance", ["about even"]),
    ("Unquestionably so", ["unquestionably"]),
])
def test_phrases(text: str, phrases: list[str]) -> None:
    assert [p for p, _, _ in find_phrases(text)] == phrases


def test_one_judgment_per_clause_a_frame_yields_to_a_likelihood() -> None:
    para = Paragraph(1, "Believe Malenkov probably leads. Nothing here. Believe it.")
    first, second = find_judgments([para])
    assert (first.phrase, first.sentence) == ("probably", "Believe Malenkov probably leads.")
    assert (second.phrase, second.sentence) == ("believe", "Believe it.")


# The 1958 Moscow telegram on Berlin (FRUS 1958-60 VIII, 92): the judgments a reader
# finds in its two paragraphs, with the actor each is about and its condition.
JUDGMENTS_1958 = [
    (1, "believe", "khrushchev", None),
    (1, "it is clear", "khrushchev", None),
    (1, "will", "soviet_union", None),
    (1, "capable of", "soviet_union", "If in such circumstances we should use force to "
     "maintain access to Berlin"),
    (1, "seems", "khrushchev", None),
    (2, "I do not believe", "soviet_union", None),
    (2, "doubt", "soviet_union", None),
    (2, "might be possible", "soviet_union", None),
]


def test_judgments_that_generalise_to_a_1958_telegram() -> None:
    doc = load_document(FIXTURES / "frus1958-60v08_d92_d93.xml", document="d92")
    found = [(j.paragraph, j.phrase, j.actor, j.condition) for j in find_judgments(doc.paragraphs)]
    assert found == JUDGMENTS_1958
    will = next(j for j in find_judgments(doc.paragraphs) if j.phrase == "will")
    assert will.matched == "will" and "they will be very reluctant" in will.sentence


@pytest.mark.parametrize(("text", "phrases"), [
    ("they might agree", ["might"]),
    ("we might agree", []),                      # the writer's own course, not an estimate
    ("which cld bring about invocation", []),    # a subordinate clause
    ("such differences as may exist", []),
    ("In May 1952 they met", []),
    ("the will of the people", []),
    ("they will not yield", ["will not"]),
    ("it is clear that they will yield", ["it is clear"]),
    ("they are capable, in my judgment, of allowing it", ["capable of"]),
    ("In my judgment they are unlikely to yield", ["unlikely to"]),
    ("In my judgment this is wrong", ["in my judgment"]),
    ("it is not clear whether they will", ["it is not clear"]),
])
def test_modals_and_frames_in_clauses(text: str, phrases: list[str]) -> None:
    assert [j.phrase for j in find_judgments([Paragraph(1, text)])] == phrases


def test_the_reader_and_the_vocabularies_share_one_vocabulary() -> None:
    from kennan.read import lexicon
    from kennan.scenario.vocabularies import VOCABULARY_NAMES, load_vocabulary

    detected = {r["phrase"] for r in lexicon.read_table("estimative.tsv")}
    assert detected == set(lexicon.vocabulary_aliases())
    for name in VOCABULARY_NAMES:
        for phrase in detected:
            load_vocabulary(name).resolve(phrase)


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
    ("There is no doubt he", ["no doubt"]),
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
    ("I do not believe Soviet action was designed", ["I do not believe"]),
    ("we don’t think they will", ["do not think", "will"]),
    ("I believe it", ["believe"]),
])
def test_negated_belief_is_doubt(text: str, phrases: list[str]) -> None:
    assert [p for p, _, _ in find_phrases(text)] == phrases


def test_others_beliefs_are_not_the_writers_doubt() -> None:
    assert find_phrases("And they do not think we will break relations") == []


@pytest.mark.parametrize(("text", "phrases"), [
    ("The Soviets have never shown themselves capable of tolerating deviation", ["not capable of"]),
    ("they are not capable of it", ["not capable of"]),
    ("His objective is clear; it is also clear that he will wait", ["it is clear"]),
])
def test_negated_capability_and_adverbs(text: str, phrases: list[str]) -> None:
    assert [j.phrase for j in find_judgments([Paragraph(1, text)])] == phrases
