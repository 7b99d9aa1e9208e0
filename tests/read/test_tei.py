"""FRUS TEI of 1949-1958 (real excerpts in fixtures/) and hand-made variants."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennan.errors import ReadError
from kennan.read import load_document
from kennan.read.inventory import inventory

from .conftest import FIXTURES


def test_1952_54_encoding_flushleft_classification_and_page_breaks() -> None:
    d = load_document(FIXTURES / "frus1952-54v14p2_d623.xml", document="d623")
    assert d.format == "tei" and d.id == "d623"
    assert d.heading == "The Ambassador in Japan (Murphy) to the Department of State"
    assert d.sender == "The Ambassador in Japan (Murphy)"
    assert d.addressee == "the Department of State"
    assert (d.place, d.date) == ("Tokyo", "1952-12-31T19:00")
    assert (d.classification, d.precedence) == ("secret", "priority")
    assert (d.number, d.series, d.signed) == ("2101", None, "Murphy")
    assert d.source_note == "894.10/12–3152: Telegram"
    assert len(d.paragraphs) == 2
    assert d.paragraph(1).text.startswith("2101. I was informed last night")
    # <pb n="1374"/> mid-sentence: no word broken, the paragraph spans both pages; the
    # document starts on the page of the last <pb> before it (1373, in d622).
    assert "65 billion for support US Security Forces" in d.paragraph(1).text
    assert [p.pages for p in d.paragraphs] == [(1373, 1374), (1374,)]
    (fn,) = d.footnotes
    assert (fn.n, fn.paragraph) == ("1", 2)
    assert fn.text.startswith("Ambassador Murphy reported in telegram 2113 from Tokyo")
    assert "“Believe Japanese" in fn.text and fn.anchor.endswith("review decision Jan 9.")
    assert "Ambassador Murphy reported" not in d.paragraph(2).text


def test_1951_encoding_opener_small_capitals_and_quotations() -> None:
    d = load_document(FIXTURES / "frus1951v07p2_d107.xml")
    assert d.heading == "The Chargé in India (Steere) to the Secretary of State"
    assert (d.sender, d.addressee) == ("The Chargé in India (Steere)", "the Secretary of State")
    assert (d.place, d.date) == ("New Delhi", "1951-06-15T16:00")
    assert (d.classification, d.precedence) == ("top secret", "priority")
    assert d.number == "3643"
    texts = [p.text for p in d.paragraphs]
    assert len(texts) == 7
    assert texts[3].startswith("“US Govt has been informed")  # quoted paragraphs count
    assert texts[5] == "Pls inform urgently."
    assert texts[6] == "Sent Dept 3643, repeated info Calcutta 261."
    assert [p.pages for p in d.paragraphs][3:5] == [(1710,), (1710, 1711)]
    assert "in Nov and again in Dec 1950 Tib appealed UN" in texts[4]
    refs = [(r.series, r.number, r.date) for r in d.references]
    assert refs == [("Hong Kong", "3768", "1951-06-13"), ("Embtel", "3576", "1951-06-11")]
    assert [f.n for f in d.footnotes] == ["1", "2"]
    assert d.footnotes[0].anchor.endswith("Accord Hong Kong tel 3768 June 13")


def test_1949_volume_with_two_documents_needs_a_choice() -> None:
    path = FIXTURES / "frus1949v07p2_d92_d93.xml"
    with pytest.raises(ReadError, match=r"holds 2 documents \(d92, d93\): choose one"):
        load_document(path)
    with pytest.raises(ReadError, match=r"no document 'd99'.*\(d92, d93\)"):
        load_document(path, document="d99")
    d92 = load_document(path, document="d92")
    assert (d92.number, d92.series) == ("299", "Telcan")
    assert d92.date == "1949-06-06T18:00-04:00"  # the volume gives a zone here
    assert (d92.classification, d92.precedence) == ("confidential", None)
    assert d92.sender == "The Acting Secretary of State"
    assert d92.addressee == "the Consulate General at Canton"
    assert [(r.series, r.number, r.date) for r in d92.references] == [
        ("Cantel", "530", "1949-06-04")]
    assert d92.paragraph(1).pages == (765, 766)
    d93 = load_document(path, document="93")  # the n attribute also names it
    assert d93.id == "d93"
    assert (d93.number, d93.classification, d93.date) == ("A-139", "restricted", "1949-06-07")
    assert d93.paragraph(1).text == "(For Department use only)"
    assert d93.paragraph(4).text.startswith("“Interim Directive Serial 75")  # nested quote
    assert [(r.series, r.number) for r in d93.references] == [
        ("mydes", "356"), ("mydes", "357"), ("mydes", "357")]


def test_1955_57_source_note_in_head_and_labelled_lists() -> None:
    d = load_document(FIXTURES / "frus1955-57v03_d23.xml")
    assert d.heading.startswith("Telegram From the Secretary of State to Ambassador")
    assert d.sender == "the Secretary of State"
    assert d.addressee == "Ambassador U. Alexis Johnson, at Geneva"
    assert (d.classification, d.precedence) == ("secret", "priority")  # from the source note
    assert d.source_note.startswith("Source: Department of State, Central Files, 611.93/8–1355.")
    assert "McConaughy; cleared" in d.source_note
    assert (d.place, d.date) == ("Washington", "1955-08-14T21:27-05:00")
    assert d.number == "495"
    assert [p.text[:4] for p in d.paragraphs] == ["495.", "We b", "Draf", "(a) ", "(b) ", "You "]
    assert d.paragraph(2).pages == (38, 39)
    assert "firm commitment covering all our nationals" in d.paragraph(2).text
    refs = [(r.series, r.number, r.paragraph) for r in d.references]
    assert refs == [("urtel", "457", 1), ("urtel", "458", 1), ("ourtel", "492", 1),
                    ("urtel", "458", 1), ("urtel", "457", 3), ("ourtel", "492", 3)]
    assert [f.n for f in d.footnotes] == ["1", "2", "3"]
    assert d.footnotes[0].paragraph == 0


def _write(tmp_path: Path, xml: str, name: str = "doc.xml") -> Path:
    path = tmp_path / name
    path.write_text(xml, encoding="utf-8")
    return path


def test_no_namespace_and_body_without_div(tmp_path: Path) -> None:
    d = load_document(_write(tmp_path, "<TEI><text><body><p>One.</p><p>Two<pb n='8'/> words."
                                       "</p></body></text></TEI>"))
    assert [p.text for p in d.paragraphs] == ["One.", "Two words."]
    # Text before the first page break lies on the page before it.
    assert [p.pages for p in d.paragraphs] == [(7,), (7, 8)]


def test_page_break_inside_a_word_joins_it(tmp_path: Path) -> None:
    xml = ('<div type="document" xml:id="d1"><p>Govern<pb n="12"/>ment and <pb n="13"/>'
           "people.</p></div>")
    d = load_document(_write(tmp_path, xml))
    assert d.paragraph(1).text == "Government and people."
    assert d.paragraph(1).pages == (11, 12, 13)


def test_date_from_attributes_when_the_dateline_has_none(tmp_path: Path) -> None:
    xml = ('<div xmlns:frus="http://history.state.gov/frus/ns/1.0" type="document" xml:id="d5" '
           'frus:doc-dateTime-min="1958-03-04T00:00:00-05:00" '
           'frus:doc-dateTime-max="1958-03-04T23:59:59-05:00"><p>Text.</p></div>')
    assert load_document(_write(tmp_path, xml)).date == "1958-03-04"


@pytest.mark.parametrize(("xml", "message"), [
    ("<TEI><text><body><p>oops</body></TEI>", r"doc\.xml:1:\d+: malformed XML: .*mismatch"),
    ("<TEI><teiHeader/></TEI>", r'no document in this TEI file: expected a <div type="document">'),
    ('<?xml version="1.0" encoding="x-bogus"?><TEI/>', r"unknown or wrong encoding"),
    ("<TEI", r"malformed XML"),
    ('<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><div type="document"><p>&e;</p></div>',
     r"."),
])
def test_bad_tei(tmp_path: Path, xml: str, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        d = load_document(_write(tmp_path, xml))
        # An external entity is never resolved: if the file reads at all, it is empty.
        assert all("root:" not in p.text for p in d.paragraphs)
        raise ReadError("read without resolving the entity")


def test_despatch_number_line_is_metadata(tmp_path: Path) -> None:
    # As frus1948v05p1 prints a despatch: the number on a flush-left line of its own.
    xml = ('<div type="document" xml:id="d183"><head>The Minister in Saudi Arabia (Childs) to '
           'the Secretary of State</head><opener><seg><hi rend="smallcaps">secret</hi></seg>'
           '</opener><p rend="flushleft">No. 129</p><p><hi rend="smallcaps">Sir</hi>: I have '
           "the honor to refer to my telegrams No. 206 of April 14.</p></div>")
    d = load_document(_write(tmp_path, xml))
    assert (d.number, d.classification) == ("129", "secret")
    assert [p.text for p in d.paragraphs] == [
        "Sir: I have the honor to refer to my telegrams No. 206 of April 14."]
    assert [(r.series, r.number, r.date) for r in d.references] == [("mytel", "206", "--04-14")]


def test_list_inside_a_paragraph_stays_in_it(tmp_path: Path) -> None:
    # As frus1955-57v24 prints an intelligence report: a list within one <p>.
    xml = ('<div type="document" xml:id="d30"><p>His methods resulted in:<list><label>(1)'
           "</label><item>Stultification of the Party</item><label>(2)</label><item>Illegal use"
           " of the police</item></list></p><p>Certainly STALIN erred.</p></div>")
    d = load_document(_write(tmp_path, xml))
    assert [p.text for p in d.paragraphs] == [
        "His methods resulted in: (1) Stultification of the Party (2) Illegal use of the police",
        "Certainly STALIN erred."]


def test_list_items_made_of_paragraphs(tmp_path: Path) -> None:
    # As frus1952-54Guat prints a report: numbered items of several paragraphs each.
    xml = ('<div type="document" xml:id="d9"><list><label>1.</label><item><p>Background. '
           "One.</p><p>Two.</p></item><label>2.</label><item><p>Land.</p></item></list></div>")
    d = load_document(_write(tmp_path, xml))
    assert [p.text for p in d.paragraphs] == ["1. Background. One.", "Two.", "2. Land."]


def test_a_volume_list_of_terms_feeds_the_expansion(tmp_path: Path) -> None:
    # The shape of frus1952-54v14p2's "List of Abbreviations and Symbols".
    xml = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><front>
      <div type="section" xml:id="terms"><list type="terms">
        <item><hi rend="strong"><term xml:id="t_ACFL1">ACFL</term>,</hi> All-China
            Federation of Labor</item>
        <item><hi rend="strong"><term xml:id="t_XQZ1">XQZ</term>,</hi> a test office</item>
      </list></div></front><body>
      <div type="document" xml:id="d1"><p>ACFL and XQZ met; wld report.</p></div>
      </body></text></TEI>"""
    d = load_document(_write(tmp_path, xml))
    assert d.terms["XQZ"] == "a test office"
    assert d.terms["ACFL"] == "All-China Federation of Labor"
    (para,) = inventory(d, [])["paragraphs"]
    # The volume's acronyms are shown once, with the acronym.
    assert para["expanded"] == ("All-China Federation of Labor (ACFL) and a test office (XQZ) "
                                "met; would report.")


_paragraph_text = st.text(alphabet="abc de.,;—“”", min_size=1, max_size=60).filter(str.strip)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_paragraph_text, st.lists(st.integers(min_value=0, max_value=60), max_size=3))
def test_page_breaks_never_change_the_text(tmp_path: Path, text: str, cuts: list[int]) -> None:
    plain = f'<div type="document" xml:id="d1"><p>{text}</p></div>'
    pieces, last = [], 0
    for k, cut in enumerate(sorted({min(c, len(text)) for c in cuts})):
        pieces += [text[last:cut], f'<pb n="{100 + k}"/>']
        last = cut
    marked = f'<div type="document" xml:id="d1"><p>{"".join(pieces)}{text[last:]}</p></div>'
    a = load_document(_write(tmp_path, plain, "a.xml"))
    b = load_document(_write(tmp_path, marked, "b.xml"))
    assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs]
    for p in b.paragraphs:
        assert list(p.pages) == list(range(p.pages[0], p.pages[-1] + 1)) if p.pages else True


def test_a_table_row_is_a_paragraph(tmp_path: Path) -> None:
    xml = ('<div type="document" xml:id="d2"><p>Figures:</p><table><row><cell>Divisions</cell>'
           "<cell>12</cell></row><row><cell>Aircraft</cell><cell>300</cell></row></table></div>")
    d = load_document(_write(tmp_path, xml))
    assert [p.text for p in d.paragraphs] == ["Figures:", "Divisions 12", "Aircraft 300"]


def test_1958_60_source_note_footnote_zero_and_series_before_the_number() -> None:
    path = FIXTURES / "frus1958-60v08_d92_d93.xml"
    d92 = load_document(path, document="d92")
    assert d92.heading == "Telegram From the Embassy in the Soviet Union to the Department of State"
    assert (d92.sender, d92.addressee) == ("the Embassy in the Soviet Union",
                                           "the Department of State")
    assert (d92.place, d92.date, d92.number) == ("Moscow", "1958-12-10T13:00", "1247")
    assert (d92.classification, d92.precedence, d92.signed) == ("secret", None, "Thompson")
    assert [(f.n, f.paragraph) for f in d92.footnotes] == [("0", 0)]
    assert [p.pages for p in d92.paragraphs] == [(162, 163), (163,)]
    d93 = load_document(path, document="d93")
    assert (d93.number, d93.series) == ("1631", "Polto")
    assert (d93.classification, d93.precedence) == ("secret", "priority")
    assert d93.paragraph(2).text.startswith("“The Western position in Berlin")
    assert [p.pages for p in d93.paragraphs] == [(164,), (164,), (164,)]
