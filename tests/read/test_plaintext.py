"""Plain text as FRUS prints it, and as people paste it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennan.read import load_document

FULL = """237. The Ambassador in the Soviet Union (Kennan) to the Department of State1

795.00/8–152: Telegram

Moscow, August 1, 1952—3 p.m.

Top Secret—Niact

208. Kentel. Deptel 101, July 29.2 Immed sitn Korea is, of course, for Russia
two-edged sword.

Ruling group here have probably nurtured hopes at home.3 But is precisely
this that [Page 431] might be disturbed.

[Page 432]

Admittedly, much of above rests on intuition.

Kennan

Footnotes

1 Source: Department of State, Central Files, 795.00/8–152.

2 Not printed.

3 Ellipsis in the source text.
"""


def _doc(tmp_path: Path, text: str, name: str = "t.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def test_front_and_back_matter_are_not_paragraphs(tmp_path: Path) -> None:
    d = _doc(tmp_path, FULL)
    assert [p.text[:12] for p in d.paragraphs] == ["208. Kentel.", "Ruling group", "Admittedly, "]
    assert d.heading == "The Ambassador in the Soviet Union (Kennan) to the Department of State"
    assert d.id == "d237"
    assert (d.place, d.date) == ("Moscow", "1952-08-01T15:00")
    assert (d.classification, d.precedence) == ("top secret", "niact")
    assert d.source_note == "795.00/8–152: Telegram"
    assert d.signed == "Kennan"
    assert [(f.n, f.paragraph, f.text) for f in d.footnotes] == [
        ("1", 0, "Source: Department of State, Central Files, 795.00/8–152."),
        ("2", 1, "Not printed."),
        ("3", 2, "Ellipsis in the source text."),
    ]
    # The reference takes its year from the document's date.
    assert [(r.series, r.number, r.date) for r in d.references] == [("Deptel", "101", "1952-07-29")]


def test_hard_wrapped_lines_join_and_pages_follow_markers(tmp_path: Path) -> None:
    d = _doc(tmp_path, FULL)
    assert d.paragraph(1).text.endswith("for Russia two-edged sword.")
    assert d.paragraph(2).text == ("Ruling group here have probably nurtured hopes at home. "
                                   "But is precisely this that might be disturbed.")
    # Before the first marker [Page 431] the text is on page 430; a marker standing alone
    # between paragraphs belongs to the next one.
    assert [p.pages for p in d.paragraphs] == [(430,), (430, 431), (432,)]


def test_numbered_paragraphs_at_the_end_are_not_footnotes(tmp_path: Path) -> None:
    text = "Secret\n\n1. First point.\n\n2. Second point.\n\n3. Third point.\n"
    d = _doc(tmp_path, text)
    assert [p.text for p in d.paragraphs] == ["1. First point.", "2. Second point.",
                                              "3. Third point."]
    assert d.footnotes == ()


def test_file_without_blank_lines_has_a_paragraph_per_line(tmp_path: Path) -> None:
    d = _doc(tmp_path, "First paragraph here.\nSecond one,\ncontinued here.\nThird.\n")
    assert [p.text for p in d.paragraphs] == [
        "First paragraph here.", "Second one, continued here.", "Third."]


def test_a_lone_line_is_the_body(tmp_path: Path) -> None:
    d = _doc(tmp_path, "Moscow thinks so\n")
    assert [p.text for p in d.paragraphs] == ["Moscow thinks so"]
    assert d.heading is None and d.sender is None


@pytest.mark.parametrize(("text", "clean", "marks"), [
    ("Deptel 101, July 29.2 Immed", "Deptel 101, July 29. Immed", ["2"]),
    ("at home.3 Ruling", "at home. Ruling", ["3"]),
    ("the 3.5 percent rise.", "the 3.5 percent rise.", []),  # a decimal, not a marker
    ("his “crisis of capitalism”2 and", "his “crisis of capitalism” and", ["2"]),
    ("the Soviets2 were", "the Soviets were", ["2"]),
    ("in 1952. Then", "in 1952. Then", []),
    ("MIG15 aircraft", "MIG15 aircraft", []),  # capitals and digits: a designation
    ("point (1) and (2)", "point (1) and (2)", []),
])
def test_footnote_markers(tmp_path: Path, text: str, clean: str, marks: list[str]) -> None:
    d = _doc(tmp_path, f"Heading of a document to someone1\n\n{text}\n")
    assert d.paragraph(1).text == clean
    assert [f.n for f in d.footnotes if f.paragraph == 1] == marks


def test_heading_marker_after_a_space(tmp_path: Path) -> None:
    d = _doc(tmp_path, "The Secretary of State to the Embassy in France 1\n\nText.\n")
    assert d.heading == "The Secretary of State to the Embassy in France"
    assert [(f.n, f.paragraph) for f in d.footnotes] == [("1", 0)]


def test_page_marker_inside_a_word(tmp_path: Path) -> None:
    d = _doc(tmp_path, "Heading to someone\n\nThe govern[Page 12]ment fell.\n")
    assert d.paragraph(1).text == "The government fell."
    assert d.paragraph(1).pages == (11, 12)


def test_windows_line_ends_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_bytes("\ufeffHeading to X\r\n\r\nOne.\r\n\r\nTwo.\r\n".encode())
    d = load_document(path)
    assert [p.text for p in d.paragraphs] == ["One.", "Two."]


_words = st.sampled_from(["Sov", "wld", "probably", "the", "Kremlin", "war.", "July 29.2",
                          "home.3", "[Page 431]", "cease-fire", "US", "“quoted”", "—", "…"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_words, min_size=1, max_size=25), min_size=1, max_size=6))
def test_paragraph_text_is_clean(tmp_path: Path, paras: list[list[str]]) -> None:
    # (The last paragraph ends in a sentence: a few capitalised words alone at the end
    # would be read as the signature.)
    text = "Heading to someone\n\n" + "\n\n".join(" ".join(p) for p in paras) + " end.\n"
    d = _doc(tmp_path, text)
    for p in d.paragraphs:
        assert "[Page" not in p.text
        assert p.text == p.text.strip() and "  " not in p.text
        assert list(p.pages) == sorted(p.pages)
    # Every word of the source survives (markers aside).
    words = re.findall(r"[A-Za-z]+", re.sub(r"\[Page \d+\]", " ", text.split("\n\n", 1)[1]))
    assert re.findall(r"[A-Za-z]+", " ".join(p.text for p in d.paragraphs)) == words


def test_despatch_number_block(tmp_path: Path) -> None:
    d = _doc(tmp_path, "The Minister in Iran to the Secretary of State\n\nSecret\n\nNo. 129\n\n"
                       "Sir: I have the honor.\n")
    assert (d.number, d.classification) == ("129", "secret")
    assert [p.text for p in d.paragraphs] == ["Sir: I have the honor."]


def test_received_line_and_comma_before_the_time(tmp_path: Path) -> None:
    text = ("The Ambassador in the Soviet Union (Kennan) to the Secretary of State\n\n"
            "761.00/8–152: Telegram\n\nMoscow, August 1, 1952, 3 p.m.\n\n"
            "[Received August 1—11:23 a.m.]\n\nSecret\n\n1234. Niact. Text here.\n")
    d = _doc(tmp_path, text)
    assert [p.text for p in d.paragraphs] == ["1234. Niact. Text here."]
    assert (d.date, d.number, d.precedence) == ("1952-08-01T15:00", "1234", "niact")


def test_body_pasted_without_its_heading(tmp_path: Path) -> None:
    d = _doc(tmp_path, "208. Kentel. Deptel 101, July 29.2 Immed sitn.\n\nMore at home.3 Yes.\n")
    assert [p.text for p in d.paragraphs] == ["208. Kentel. Deptel 101, July 29. Immed sitn.",
                                              "More at home. Yes."]
    assert [(f.n, f.paragraph) for f in d.footnotes] == [("2", 1), ("3", 2)]


def test_a_page_marker_alone_leaves_no_gap_in_the_numbers(tmp_path: Path) -> None:
    d = _doc(tmp_path, "Heading to X\n\nOne.\n\n[Page 5]\n\nTwo.\n")
    assert [(p.n, p.text, p.pages) for p in d.paragraphs] == [(1, "One.", (4,)),
                                                              (2, "Two.", (5,))]


def test_1940s_opening_number_with_a_comma(tmp_path: Path) -> None:
    d = _doc(tmp_path, "The Ambassador in France to the Secretary of State\n\n"
                       "1167, July 15, 6 p.m. Personal for the Secretary.\n")
    assert d.number == "1167"
