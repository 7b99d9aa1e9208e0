"""The shipped telegram 208: paragraph boundaries, pages, footnote markers, metadata."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.errors import ReadError
from kennan.read import Document, Paragraph

from .conftest import telegram_208_path

# The first words of each of the 19 body paragraphs, as scenario citations count them.
FIRST_WORDS = [
    "208. Kentel. Deptel 101, July 29. Immed sitn Korea",
    "However, we must assume sitn",
    "Sovs are probably less interested",
    "As for POW question",
    "This is particularly sensitive point",
    "Cannot see that there shld be",
    "To enhance Sov interest",
    "So much for examination",
    "Every evidence decisive power",
    "In order that this attitude",
    "Secondly, they are not afraid",
    "This, I repeat, appears",
    "Believe major sponsors",
    "Believe I see signs",
    "One angle which must not be forgotten",
    "Beria and Malenkov hold",
    "Consider it of greatest importance",
    "If I go down now",
    "Admittedly, much of above",
]
PAGES = [
    (430,), (430,), (430,), (430, 431), (431,), (431,), (431, 432), (432,), (432,),
    (432, 433), (433,), (433,), (433,), (433, 434), (434,), (434,), (434, 435), (435,), (435,),
]


@pytest.fixture(scope="module")
def doc(t208: Document) -> Document:
    return t208


def test_nineteen_paragraphs_with_their_first_words(doc: Document) -> None:
    assert len(doc.paragraphs) == 19
    for n, words in enumerate(FIRST_WORDS, start=1):
        assert doc.paragraph(n).n == n
        assert doc.paragraph(n).text.startswith(words), n


def test_paragraphs_end_where_the_source_ends_them(doc: Document) -> None:
    assert doc.paragraph(1).text.endswith("major boost to US rearmament.")
    assert doc.paragraph(18).text.endswith("force them to see things our way.")
    assert doc.paragraph(19).text.endswith("to treat them with respect.")


def test_heading_and_classification_are_not_paragraphs(doc: Document) -> None:
    assert doc.heading == "The Ambassador in the Soviet Union (Kennan) to the Department of State"
    assert doc.classification == "top secret"
    assert all("top secret" not in p.text.lower() for p in doc.paragraphs)


def test_page_markers_removed_and_kept_as_pages(doc: Document) -> None:
    assert [p.pages for p in doc.paragraphs] == PAGES
    assert all("[Page" not in p.text for p in doc.paragraphs)
    assert "upon completion hostilities, considerable" in doc.paragraph(4).text
    assert "selective strategic bombing in central and southern" in doc.paragraph(7).text
    assert "it has been wise decision" in doc.paragraph(17).text


def test_footnote_markers_are_markers_not_numbers(doc: Document) -> None:
    assert "Deptel 101, July 29. Immed" in doc.paragraph(1).text
    assert "electoral … at home. Ruling group" in doc.paragraph(18).text
    marks = [(f.n, f.paragraph) for f in doc.footnotes]
    assert marks == [("1", 0), ("2", 1), ("3", 18)]
    assert doc.footnotes[1].anchor.endswith("Deptel 101, July 29.")
    assert doc.footnotes[2].anchor.endswith("at home.")


def test_whitespace_is_normalised(doc: Document) -> None:
    for p in doc.paragraphs:
        assert "  " not in p.text and p.text == p.text.strip()


def test_paragraph_lookup_out_of_range_is_a_read_error(doc: Document) -> None:
    for bad in (0, 20, -1):
        with pytest.raises(ReadError, match=r"no paragraph .* from 1 to 19") as info:
            doc.paragraph(bad)
        assert "kennan-telegram-208-1952.txt" in str(info.value)


def test_contains_ignores_whitespace_and_accepts_either_form(doc: Document) -> None:
    para: Paragraph = doc.paragraph(2)
    assert para.contains("on balance satis  to Sov\ninterests")
    assert para.contains("on balance satisfactory to Soviet interests")  # expanded form
    assert not para.contains("on balance unsatisfactory")
    assert not para.contains("   ")
    start, end = para.locate("must assume situation of past few months")
    assert para.text[start:end] == "must assume sitn of past few months"


def test_metadata(doc: Document) -> None:
    assert doc.number == "208"
    assert doc.series == "Kentel"
    assert doc.sender == "The Ambassador in the Soviet Union (Kennan)"
    assert doc.addressee == "the Department of State"
    assert doc.format == "text"


def test_references(doc: Document) -> None:
    refs = [(r.series, r.number, r.date, r.paragraph) for r in doc.references]
    assert refs == [("Deptel", "101", "--07-29", 1)]


def test_no_date_place_or_precedence_in_this_copy(doc: Document) -> None:
    # The shipped text has no dateline; FRUS gives none for this document either.
    assert doc.date is None and doc.place is None and doc.precedence is None


def test_every_boundary_matches_the_printed_blocks(doc: Document) -> None:
    # Independently of the reader: the body is the blank-line-separated blocks after the
    # heading and the classification line, less page markers and the two body markers.
    blocks = [b.strip() for b in telegram_208_path().read_text(encoding="utf-8").split("\n\n")]
    body = [b for b in blocks if b][2:]
    expected = [re.sub(r"\s+", " ", re.sub(r" \[Page \d+\] ", " ", b)) for b in body]
    expected[0] = expected[0].replace("July 29.2 ", "July 29. ")
    expected[17] = expected[17].replace("at home.3 ", "at home. ")
    assert [p.text for p in doc.paragraphs] == expected


def test_quotes_and_dashes_fold(doc: Document) -> None:
    assert doc.paragraph(3).contains("any better-indeed may be thought")
    assert doc.paragraph(13).contains("this line has had Stalin's approval")
    start, end = doc.paragraph(13).locate("Stalin's approval")
    assert doc.paragraph(13).text[start:end] == "Stalin’s approval"


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab \n\u2019'-\u2014", max_size=40),
       quote=st.text(alphabet="ab \u2019'-", max_size=6))
def test_finding_a_quote_ignoring_space_matches_the_plain_definition(text, quote) -> None:
    from kennan.read.document import _FOLD, find_ignoring_space

    needle = "".join(quote.split()).translate(_FOLD)
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    at = "".join(text[i] for i in kept).translate(_FOLD).find(needle) if needle else -1
    expected = None if at < 0 else (kept[at], kept[at + len(needle) - 1] + 1)
    for _ in range(2):  # the second lookup reads the kept folding of the text
        assert find_ignoring_space(text, quote) == expected
