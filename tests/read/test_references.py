"""References to other telegrams, in the phrasings of 1945-1960 volumes."""

from __future__ import annotations

import pytest

from kennan.read import Paragraph
from kennan.read.references import find_references


@pytest.mark.parametrize(("text", "expected"), [
    ("Deptel 101, July 29.", [("Deptel", "101", "1952-07-29")]),
    ("Re Deptel 206, Aug 27, concerning", [("Deptel", "206", "1952-08-27")]),
    ("Deptels 101 and 102 of July 3.", [("Deptel", "101", "1952-07-03"),
                                        ("Deptel", "102", "1952-07-03")]),
    ("Ref Deptel 268 or 92 to Moscow.", [("Deptel", "268", None), ("Deptel", "92", None)]),
    ("In view urtel 201 and Clark opinion", [("urtel", "201", None)]),
    ("Reurtel 12.", [("urtel", "12", None)]),
    ("See mytel.", [("mytel", None, None)]),
    ("As stated reftel, we", [("reftel", None, None)]),
    ("Your 308 to Paris.", [("urtel", "308", None)]),
    ("your 458 authorized and", [("urtel", "458", None)]),
    ("presumably crossed our 492 which", [("ourtel", "492", None)]),
    ("in my tel 364)", [("mytel", "364", None)]),
    ("Reference my des 356 and 357, June 3, 1949,", [("mydes", "356", "1949-06-03"),
                                                    ("mydes", "357", "1949-06-03")]),
    ("Bangkok's 1083 repeated Dept.", [("Bangkok", "1083", None)]),
    ("Saigon’s Toica 393, September 9", [("Toica", "393", "1952-09-09")]),
    ("Accord Hong Kong tel 3768 June 13", [("Hong Kong", "3768", "1952-06-13")]),
    ("ReCantel 530 June 4.", [("Cantel", "530", "1952-06-04")]),
    ("Embtel 3576 June 11)", [("Embtel", "3576", "1952-06-11")]),
    ("Embassy telegram 308.", [("Embtel", "308", None)]),
    ("Dept's 101, July 29", [("Deptel", "101", "1952-07-29")]),
    ("telegram 2113 from Tokyo, Jan. 3, 1953, that", [("Tokyo", "2113", "1953-01-03")]),
    ("Secto 12.", [("Secto", "12", None)]),
    ("POLTO 12 says", [("Polto", "12", None)]),
    # Not references:
    ("I have my 2 points to make.", []),
    ("our 300 men", []),
    ("Japan's 5 divisions", []),
    ("Stalin's 70th birthday", []),
    ("the POLTO series", []),
])
def test_reference_forms(text: str, expected: list[tuple]) -> None:
    # The document is dated August 1952: "July 29" is 1952, "September 9" too (as written).
    refs = find_references([Paragraph(1, text)], year_of="1952-09-30")
    assert [(r.series, r.number, r.date) for r in refs] == expected


def test_a_date_after_the_document_is_last_year() -> None:
    (ref,) = find_references([Paragraph(1, "Deptel 5, Dec 30.")], year_of="1953-01-02")
    assert ref.date == "1952-12-30"


def test_without_a_document_date_the_year_is_unknown() -> None:
    (ref,) = find_references([Paragraph(1, "Deptel 5, Dec 30.")])
    assert ref.date == "--12-30"


@pytest.mark.parametrize(("text", "expected"), [
    ("Department's 1234, July 3, 5 p.m.", [("Deptel", "1234", "1952-07-03")]),
    ("Embassy's 567 of June 2", [("Embtel", "567", "1952-06-02")]),
    ("my 1234, July 3, 5 p.m.", [("mytel", "1234", "1952-07-03")]),
])
def test_1940s_forms(text: str, expected: list[tuple]) -> None:
    refs = find_references([Paragraph(1, text)], year_of="1952-09-30")
    assert [(r.series, r.number, r.date) for r in refs] == expected
