"""The development set: its provenance holds, and the expansion meets its targets on it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.read import Paragraph, load_document
from kennan.read.document import Document
from kennan.read.evaluation import GoldRow, Score, read_documents, read_gold, score
from kennan.read.expansion import expand_document, unexpanded

from .conftest import FIXTURES

DEV = FIXTURES / "dev"
#: Kept for independent evaluation: never part of the development set.
HELD_OUT = {"frus1949v07p1", "frus1949v07p2", "frus1951v07p1", "frus1951v07p2",
            "frus1952-54v12p1", "frus1952-54v12p2", "frus1952-54v14p1", "frus1952-54v14p2",
            "frus1955-57v24"}


def test_thirty_telegrams_from_six_volumes_of_1945_to_1963_none_held_out() -> None:
    docs = read_documents(DEV / "documents.tsv")
    volumes = {v for _, _, v in docs}
    assert len(docs) >= 30 and len(volumes) >= 6
    assert not volumes & HELD_OUT
    for file, doc_id, volume in docs:
        years = [int(y) for y in re.findall(r"(19\d\d)", volume)]
        assert all(1945 <= y <= 1963 for y in years), volume
        doc = load_document(DEV / file, document=doc_id)
        assert doc.paragraphs and "Telegram" in (doc.heading or "") + (doc.source_note or "")
        assert doc.date and 1945 <= int(doc.date[:4]) <= 1963


def test_the_expansion_meets_its_targets_on_the_development_set() -> None:
    gold: dict[tuple[str, str], list[GoldRow]] = {}
    for row in read_gold(DEV / "gold.tsv"):
        gold.setdefault((row.file, row.doc), []).append(row)
    total = Score()
    for file, doc_id, _ in read_documents(DEV / "documents.tsv"):
        total += score(load_document(DEV / file, document=doc_id), gold.get((file, doc_id), []))
    assert total.expected >= 200
    assert total.recall >= 0.97, total.misses
    assert total.false_rate <= 0.01, total.false


def test_score_counts_misses_and_false_expansions() -> None:
    doc = Document(path=DEV / "x.txt", paragraphs=(Paragraph(1, "Sov wld agree; US and SA."),))
    rows = [GoldRow("x", "d", 1, "Sov", "Soviet"), GoldRow("x", "d", 1, "wld", "would"),
            GoldRow("x", "d", 1, "US", "="), GoldRow("x", "d", 1, "SA", "Saudi Arabia")]
    s = score(doc, rows)
    assert (s.expected, s.correct) == (3, 2) and s.misses == ("SA -> SA (expected Saudi Arabia)",)
    assert (s.ordinary, s.wrong) == (3, 0)  # "agree", "and", and "US" to leave
    with pytest.raises(ValueError, match="gold token 'Kor' not found"):
        score(doc, [GoldRow("x", "d", 1, "Kor", "Korea")])


def test_a_volume_gloss_is_shown_once_and_a_contraction_everywhere() -> None:
    doc = load_document(DEV / "frus1948v05p1.xml", document="d205")
    texts = [e.text for e in expand_document(doc)]
    assert "that Government of India (GOI) is using Kashmir" in texts[0]
    assert "as presumably desired by GOI (Department of State telegram 218" in texts[0]
    d106 = load_document(DEV / "frus1958-60v08.xml", document="d106")
    assert d106.glossed["FedRep"] == "Federal Republic"  # the list's label is "Fed Rep"
    (first, second, *_) = [e.text for e in expand_document(d106)]
    assert "today, December 13, at Foreign Office" in first
    assert "lines of Federal Republic questionnaire" in second
    assert "four Foreign Ministers December 14" in second


def test_an_acronym_the_document_spells_out() -> None:
    doc = load_document(DEV / "frus1948v05p1.xml", document="d197")
    text = expand_document(doc)[0].text
    assert "US–Saudi Arabia (SA) friendly relations" in text
    assert "substantial benefits to SA." in text
    assert unexpanded(doc) == []


def test_unexpanded_names_what_no_list_knows() -> None:
    doc = load_document(DEV / "frus1955-57v01.xml", document="d156")
    assert unexpanded(doc) == ["VNA", "DTG", "MG"]
    guat = load_document(DEV / "frus1952-54Guat.xml", document="d90")
    assert "SARAMAC" in unexpanded(guat) and "KUBARK" not in unexpanded(guat)


@pytest.mark.parametrize(("text", "expanded"), [
    ("reported Legtels 647, 648 Dec 18", "reported Legation telegrams 647, 648 December 18"),
    ("Thinking of Nat Mil Estab has not", "Thinking of National Military Establishment has not"),
    ("tripartite agreement bet US–UK–SAG", "tripartite agreement between US–United Kingdom–SAG"),
    ("keep air field open total ten yrs", "keep air field open total ten years"),
    ("Guat Commies taking over bldgs", "Guatemalan Communists taking over buildings"),
    ("Jap Govt protested to Jap", "Japanese Government protested to Japan"),
    ("Indon troops left Indon", "Indonesian troops left Indonesia"),
    ("Internatl Comite attn Dir", "International Committee attention Director"),
    ("altho cits and reps", "although citizens and representatives"),
    ("retel 6668 from London, Dec, 30 Par. 12", "reference telegram 6668 from London, December, "
     "30 paragraph 12"),
    ("May 5 and Sept 1953", "May 5 and September 1953"),
    ("we bet on it; Sept was dry", "we bet on it; Sept was dry"),
    ("Polto 12 and Delga 681", "Polto 12 and Delga 681"),
])
def test_contraction_families_and_context(text: str, expanded: str) -> None:
    from kennan.read.telegraphese import expand

    assert expand(text).text == expanded


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["GDR", "Sov", "wld", "US", "Dec", "14", ".", ",", "the",
                                 "GDR's", "Nov.", "bet", "our", "Jap", "Govt", " "]),
                max_size=30))
def test_shown_once_keeps_the_map_to_the_original(words: list[str]) -> None:
    from kennan.read.telegraphese import expand

    text = " ".join(words)
    seen: set[str] = set()
    exp = expand(text, once={"GDR": "German Democratic Republic"}, seen=seen)
    assert sum(s.token == "GDR" for s in exp.spans) <= 1
    for s in exp.spans:
        assert text[s.start:s.end] == s.token
        assert exp.text[s.out_start:s.out_end] == s.expansion
    if "GDR" in re.findall(r"[A-Za-z]+", text):
        assert seen == {"GDR"}
