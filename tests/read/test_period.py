"""Actors in their time: institutions named as on the document's date, offices by date,
and the sender's own government when the document weighs its courses of action."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from ruamel.yaml import YAML

from kennan.read import Document, Paragraph, load_document
from kennan.read.actors import default_gazetteer
from kennan.read.draft import draft_scenario
from kennan.read.estimative import find_judgments
from kennan.read.lexicon import read_table
from kennan.read.period import courses_of_action, name_on, offices_on, sender_government
from kennan.scenario.loading import load_scenario

from .conftest import FIXTURES


@pytest.mark.parametrize(("date", "name"), [
    ("1952-10-15", "Politburo"), ("1952-10-16", "Presidium"), ("1958-12-10T13:00", "Presidium"),
    ("1966-04-07", "Presidium"), ("1966-04-08", "Politburo"), ("1949-03-01", "Politburo"),
])
def test_the_politburo_was_the_presidium_from_october_1952(date: str, name: str) -> None:
    named = name_on("politburo", date)
    assert named is not None and named.name == name and named.id == name.lower()


def test_no_date_no_renaming_and_undated_actors_keep_their_names() -> None:
    assert name_on("politburo", None) is None and name_on("politburo", "1958") is None
    assert name_on("soviet_union", "1958-12-10") is None
    assert name_on("soviet_secret_police", "1952-08-01").name == "MGB"
    assert name_on("soviet_secret_police", "1954-03-13").name == "KGB"


def test_offices_by_date() -> None:
    assert offices_on("khrushchev", "1958-12-10") == [
        "First Secretary of the Central Committee of the CPSU",
        "Chairman of the Council of Ministers of the USSR"]
    assert offices_on("khrushchev", "1958-03-26") == [
        "First Secretary of the Central Committee of the CPSU"]
    assert offices_on("molotov", "1951-01-01") == []
    assert offices_on("dulles", "1953-01-21") == ["Secretary of State"]
    assert offices_on("dulles", "1959-04-22") == []


def test_every_dated_row_names_a_gazetteer_actor_with_dates_in_order() -> None:
    gaz = default_gazetteer()
    for table in ("institutions.tsv", "offices.tsv"):
        for row in read_table(table):
            assert gaz.get(row["id"]) is not None, row
            assert row["source"].strip(), row
            assert not row["until"] or row["from"] < row["until"], row


def _doc(sender: str, *texts: str, date: str | None = "1958-12-10") -> Document:
    paras = tuple(Paragraph(i, t) for i, t in enumerate(texts, start=1))
    return Document(path=Path("x.txt"), paragraphs=paras, sender=sender, date=date)


def test_the_senders_government() -> None:
    gaz = default_gazetteer()
    assert sender_government(_doc("the Embassy in the Soviet Union"), gaz) == "united_states"
    assert sender_government(_doc("The Ambassador in the Soviet Union (Kennan)"), gaz) == (
        "united_states")
    assert sender_government(_doc("The British Ambassador (Franks)"), gaz) == "united_kingdom"
    assert sender_government(_doc(""), gaz) is None


def test_courses_of_action() -> None:
    doc = _doc("x", "If in such circumstances we should use force to maintain access.",
               "We think they will not. It seems important that we leave open some way.")
    assert courses_of_action(doc) == [(1, "we should use"), (2, "we leave")]
    assert courses_of_action(_doc("x", "They will use force.")) == []


def test_the_1958_draft_names_the_presidium_and_the_senders_government(tmp_path: Path) -> None:
    root = etree.parse(str(FIXTURES / "frus1958-60v08_d92_d93.xml")).getroot()
    for div in root.iter("{*}div"):
        if div.get("{http://www.w3.org/XML/1998/namespace}id") == "d93":
            div.getparent().remove(div)
    src = tmp_path / "d92.xml"
    src.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    doc = load_document(src)
    out = tmp_path / "draft.yaml"
    out.write_text(draft_scenario(doc, find_judgments(doc.paragraphs), source_path="d92.xml"),
                   encoding="utf-8")
    actors = {a["id"]: a for a in YAML(typ="safe", pure=True).load(out.read_text())["actors"]}
    assert "politburo" not in actors and actors["presidium"]["name"] == "Presidium"
    assert "19th Congress" in actors["presidium"]["note"]
    assert "Chairman of the Council of Ministers" in actors["khrushchev"]["note"]
    assert "sender's own government" in actors["united_states"]["note"]
    assert "we should use" in actors["united_states"]["note"]
    assert load_scenario(out).model.actors  # the scenario language accepts it
