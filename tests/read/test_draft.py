"""The draft scenario: valid YAML the scenario language accepts, with verbatim citations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ruamel.yaml import YAML

from kennan.read import Document, load_document
from kennan.read.draft import draft_scenario, quote_for
from kennan.read.estimative import find_judgments
from kennan.scenario.loading import load_scenario

from .conftest import FIXTURES, telegram_208_path
from .test_estimative import JUDGMENTS_208


def _draft(doc: Document, tmp_path: Path, **kw) -> Path:
    judgments = find_judgments(doc.paragraphs)
    out = tmp_path / "draft.yaml"
    out.write_text(draft_scenario(doc, judgments, source_path=str(doc.path.resolve()), **kw),
                   encoding="utf-8")
    return out


def test_draft_of_208_loads_and_validates(t208: Document, tmp_path: Path) -> None:
    path = _draft(t208, tmp_path, today=dt.date(2030, 5, 17))
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert data["kennan"] == 1 and data["id"] == "draft"
    assert data["time"] == {"start": "2030-05", "period": "month", "horizon": 12}
    assert "# The document gives no date" in path.read_text(encoding="utf-8")
    ids = [j["id"] for j in data["judgments"]]
    assert len(ids) == len(set(ids)) == len(JUDGMENTS_208)
    assert ids[:3] == ["p1_scarcely_1", "p2_must_assume_1", "p2_probably_1"]
    assert {"soviet_union", "china", "united_states", "stalin", "molotov", "politburo"} <= {
        a["id"] for a in data["actors"]}
    for j in data["judgments"]:
        para = t208.paragraph(j["cite"]["paragraph"])
        assert j["cite"]["quote"] in para.text  # verbatim
        assert len(j["cite"]["quote"]) <= 200
    loaded = load_scenario(path)  # the scenario language accepts it as it stands
    assert len(loaded.model.judgments) == len(JUDGMENTS_208)


def test_start_from_the_document_date(tmp_path: Path, monkeypatch) -> None:
    # The draft names the fixture where it is: a folder the scenario's own does not hold.
    monkeypatch.setenv("KENNAN_ALLOW_SOURCES", str(FIXTURES))
    doc = load_document(FIXTURES / "frus1955-57v03_d23.xml")
    path = _draft(doc, tmp_path, vocabulary="kent1964")
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert data["time"]["start"] == "1955-08" and data["vocabulary"] == "kent1964"
    assert [j["phrase"] for j in data["judgments"]][:2] == ["presumably", "believe"]
    load_scenario(path)


def test_explicit_start_wins(t208: Document, tmp_path: Path) -> None:
    path = _draft(t208, tmp_path, start="1952-08")
    assert 'time: {start: "1952-08"' in path.read_text(encoding="utf-8")


def test_long_sentences_are_cut_to_the_clause(t208: Document) -> None:
    (j,) = [j for j in find_judgments(t208.paragraphs) if j.paragraph == 2 and
            j.sentence.startswith("After all")]
    quote = quote_for(j)
    assert quote == "has probably suited them just as well as actual cease-fire by agrmt"
    short = quote_for(j, limit=30)
    assert "probably" in short and short in j.sentence and len(short) <= 30


def test_a_clause_of_one_word_is_widened_to_words_around_the_phrase() -> None:
    from kennan.read.estimative import EstimativeSentence

    sentence = ("The government, surely, will hold its line on the border for as long as the "
                "harvest lasts and the credits flow, " + "and so on " * 20).strip()
    a = sentence.index("surely")
    j = EstimativeSentence(paragraph=1, sentence=sentence, start=0, end=len(sentence),
                           phrase="surely", matched="surely", phrase_start=a,
                           phrase_end=a + len("surely"), actors=())
    quote = quote_for(j)
    assert "surely" in quote and quote in sentence and len(quote) <= 200
    assert len(quote.split()) >= 3


def test_relative_source_path(tmp_path: Path) -> None:
    src = tmp_path / "docs" / "t.txt"
    src.parent.mkdir()
    src.write_bytes(telegram_208_path().read_bytes())
    doc = load_document(src)
    text = draft_scenario(doc, find_judgments(doc.paragraphs), source_path="docs/t.txt",
                          start="1952-08")
    (tmp_path / "d.yaml").write_text(text, encoding="utf-8")
    assert load_scenario(tmp_path / "d.yaml").model.sources[0].path == "docs/t.txt"
