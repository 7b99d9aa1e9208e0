"""Bad input: a clear ReadError naming the file, never a traceback; good encodings read."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennan.errors import ReadError
from kennan.read import MAX_BYTES, load_document


def _bytes(tmp_path: Path, data: bytes, name: str = "f.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "e.txt", r"e\.txt: the file is empty"),
    (b"  \n\t\n", "e.txt", r"the file is empty"),
    (b"\x00\x01\x02binary\x00", "b.bin", r"b\.bin: binary file \(it contains NUL bytes\)"),
    (b"caf\xe9 au lait\n", "l.txt", r"l\.txt:1:4: cannot decode byte 0xe9 as utf-8.*--encoding"),
    (b"ok line\nbad \xff\xfe here\n", "l.txt", r"l\.txt:2:5: cannot decode byte 0xff"),
    (b"text with a \x07bell\n", "c.txt", r"c\.txt:1:13: binary content \(control character"),
    (b"<div type='document'><p>x</div>", "m.xml", r"m\.xml:1:\d+: malformed XML"),
    (b"not xml at all", "n.xml", r"n\.xml:1:1: malformed XML"),
])
def test_bad_files(tmp_path: Path, data: bytes, name: str, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        load_document(_bytes(tmp_path, data, name))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"nope\.txt: no such file"):
        load_document(tmp_path / "nope.txt")
    with pytest.raises(ReadError, match=r"is a directory"):
        load_document(tmp_path)


def test_fifty_megabytes_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: the size is checked, not the content
    with pytest.raises(ReadError, match=r"big\.txt: file too large: 50\.0 MB, expected at most"):
        load_document(path)
    assert MAX_BYTES < 50 * 1024 * 1024


def test_max_bytes_is_a_parameter(tmp_path: Path) -> None:
    path = _bytes(tmp_path, b"Some text.\n" * 20)
    with pytest.raises(ReadError, match="file too large"):
        load_document(path, max_bytes=100)


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_byte_order_marks(tmp_path: Path, bom: bytes) -> None:
    encoding = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le",
                codecs.BOM_UTF16_BE: "utf-16-be"}[bom]
    path = _bytes(tmp_path, bom + "Heading to X\n\nSov café.\n".encode(encoding))
    assert load_document(path).paragraph(1).text == "Sov café."


def test_named_encoding(tmp_path: Path) -> None:
    path = _bytes(tmp_path, "Heading to X\n\nCafé—Sov.\n".encode("cp1252"))
    assert load_document(path, encoding="cp1252").paragraph(1).text == "Café—Sov."
    with pytest.raises(ReadError, match=r"unknown encoding 'klingon'"):
        load_document(path, encoding="klingon")


def test_xml_declares_its_own_encoding(tmp_path: Path) -> None:
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?><div type="document"><p>Café.</p></div>'
    path = _bytes(tmp_path, xml.encode("latin-1"), "x.xml")
    assert load_document(path).paragraph(1).text == "Café."


def test_document_id_only_for_tei(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="only be chosen in a TEI file"):
        load_document(_bytes(tmp_path, b"Text.\n"), document="d1")


def test_paragraph_lookup_errors_name_the_range(tmp_path: Path) -> None:
    d = load_document(_bytes(tmp_path, b"One.\n\nTwo.\n"))
    assert d.paragraph(2).text == "Two."
    for bad in (0, 3, True, "1"):
        with pytest.raises(ReadError, match=r"f\.txt: no paragraph .* from 1 to 2"):
            d.paragraph(bad)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(alphabet="<>/=\"' abcdivptype[]Page0123456789.\n", max_size=200).map(str.encode),
), st.sampled_from(["f.txt", "f.xml"]))
def test_any_bytes_read_or_refused_cleanly(tmp_path: Path, data: bytes, name: str) -> None:
    path = _bytes(tmp_path, data, name)
    try:
        doc = load_document(path)
    except ReadError as exc:
        assert str(exc).startswith(str(path))
        return
    for n, p in enumerate(doc.paragraphs, start=1):
        assert p.n == n and p.text == p.text.strip() and p.text


def test_a_file_read_again_is_parsed_once_until_its_bytes_change(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("1. The first paragraph.\n\n2. The second one.\n")
    first = load_document(path)
    assert load_document(path) is first  # the same bytes: the same (frozen) document
    path.write_text("1. The first paragraph, changed.\n\n2. The second one.\n")
    changed = load_document(path)
    assert changed is not first
    assert "changed" in changed.paragraphs[0].text
    assert "changed" not in first.paragraphs[0].text
