"""``kennan read`` through Typer's runner: output, JSON layout, drafts, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kennan.cli.app import app

from .conftest import FIXTURES, telegram_208_path
from .test_estimative import JUDGMENTS_208

JSON_KEYS = ["id", "number", "series", "from", "to", "place", "date", "classification",
             "precedence", "references", "footnotes", "paragraphs", "unexpanded", "judgments"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_summary_of_208(runner: CliRunner) -> None:
    result = runner.invoke(app, ["read", str(telegram_208_path())])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "telegram:       208" in out and "classification: top secret" in out
    assert "[1] (p. 430) 208. Kentel. Deptel 101, July 29. Immed sitn" in out
    assert "[19] (p. 435) Admittedly" in out
    assert f"Judgments: {len(JUDGMENTS_208)}" in out
    assert "must assume [0.80-0.95] about soviet_union (soviet_union, china)" in out


def test_expand(runner: CliRunner) -> None:
    result = runner.invoke(app, ["read", str(telegram_208_path()), "--expand"])
    assert result.exit_code == 0
    assert "[1] (p. 430) 208. Kentel. Department of State telegram 101, July 29. Immediate " \
           "situation Korea" in result.stdout


def test_json_layout_is_stable(runner: CliRunner) -> None:
    result = runner.invoke(app, ["read", str(telegram_208_path()), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == JSON_KEYS
    assert (data["id"], data["number"], data["series"]) == (None, "208", "Kentel")
    assert data["from"] == "The Ambassador in the Soviet Union (Kennan)"
    assert (data["to"], data["place"], data["date"]) == ("the Department of State", None, None)
    assert (data["classification"], data["precedence"]) == ("top secret", None)
    assert data["references"] == [{"series": "Deptel", "number": "101", "date": "--07-29"}]
    assert data["footnotes"] == [{"n": 1, "text": None}, {"n": 2, "text": None},
                                 {"n": 3, "text": None}]
    assert list(data["paragraphs"][0]) == ["n", "text", "expanded", "pages"]
    assert [p["n"] for p in data["paragraphs"]] == list(range(1, 20))
    assert data["paragraphs"][3]["pages"] == [430, 431]
    assert list(data["judgments"][0]) == ["paragraph", "sentence", "phrase", "low", "high",
                                          "actors", "actor", "condition"]
    first = data["judgments"][1]
    assert (first["paragraph"], first["phrase"], first["low"], first["high"]) == (
        2, "must assume", 0.8, 0.95)


def test_json_of_tei_with_volume_choice_and_vocabulary(runner: CliRunner) -> None:
    result = runner.invoke(app, ["read", str(FIXTURES / "frus1949v07p2_d92_d93.xml"),
                                 "--doc", "d93", "--json", "--vocabulary", "kent1964"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["id"], data["number"], data["date"]) == ("d93", "A-139", "1949-06-07")
    assert data["footnotes"] == [{"n": 1, "text": "Despatch No. 357 not printed."}]


def test_draft_scenario_validates(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    result = runner.invoke(app, ["read", str(telegram_208_path()), "--draft-scenario", str(out),
                                 "--start", "1952-08"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out}: 17 actors, {len(JUDGMENTS_208)} judgment stubs")
    check = runner.invoke(app, ["validate", str(out)])
    assert check.exit_code == 0, check.output
    again = runner.invoke(app, ["read", str(telegram_208_path()), "--draft-scenario", str(out)])
    assert again.exit_code == 1 and "exists; pass --force to overwrite it" in again.stderr
    forced = runner.invoke(app, ["read", str(telegram_208_path()), "--draft-scenario", str(out),
                                 "--force"])
    assert forced.exit_code == 0


def test_draft_with_json_reports_on_stderr(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    result = runner.invoke(app, ["read", str(telegram_208_path()), "--json",
                                 "--draft-scenario", str(out)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["number"] == "208"
    assert "wrote" in result.stderr and out.exists()


def test_extra_actors(runner: CliRunner, tmp_path: Path) -> None:
    extra = tmp_path / "actors.tsv"
    extra.write_text("id\tkind\tname\taliases\nruling_group\tgroup\tRuling group\t"
                     "Ruling group|group now in authority\n", encoding="utf-8")
    result = runner.invoke(app, ["read", str(telegram_208_path()), "--json", "--actors",
                                 str(extra)])
    assert result.exit_code == 0, result.output
    ruling = next(j for j in json.loads(result.stdout)["judgments"]
                  if j["sentence"].startswith("Ruling group here"))
    assert ruling["actors"][0] == "ruling_group" and ruling["actor"] == "ruling_group"


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"<TEI><text><body><p>oops</body></TEI>", "bad.xml", "bad.xml:1:"),
    (b"<TEI><teiHeader/></TEI>", "nodoc.xml", "no document in this TEI file"),
    (b"", "empty.txt", "the file is empty"),
    (b"\x00\x01\x02\x03", "bin.dat", "binary file"),
    (b"caf\xe9\n", "latin.txt", "cannot decode byte 0xe9"),
])
def test_bad_input_is_one_red_line_and_writes_nothing(
        runner: CliRunner, tmp_path: Path, data: bytes, name: str, message: str) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "draft.yaml"
    result = runner.invoke(app, ["read", str(src), "--draft-scenario", str(out)])
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_fifty_megabytes(runner: CliRunner, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    result = runner.invoke(app, ["read", str(big), "--draft-scenario", str(tmp_path / "d.yaml")])
    assert result.exit_code == 1 and "file too large: 50.0 MB" in result.stderr
    assert not (tmp_path / "d.yaml").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--vocabulary", "nope"], "unknown vocabulary 'nope'"),
    (["--start", "August"], "expected a month as YYYY-MM"),
    (["--doc", "d1"], "only be chosen in a TEI file"),
    (["--encoding", "klingon"], "unknown encoding 'klingon'"),
])
def test_bad_options(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["read", str(telegram_208_path()), *args])
    assert result.exit_code == 1 and message in result.stderr


def test_actors_from_a_scenario(runner: CliRunner, tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("kennan: 1\nid: s\nactors:\n  - {id: ruling_group, kind: faction, "
                        "name: Ruling group, of: x, influence: 1}\n", encoding="utf-8")
    result = runner.invoke(app, ["read", str(telegram_208_path()), "--json", "--actors",
                                 str(scenario), "--draft-scenario", str(tmp_path / "d.yaml")])
    assert result.exit_code == 0, result.output
    ruling = next(j for j in json.loads(result.stdout)["judgments"]
                  if j["sentence"].startswith("Ruling group here"))
    assert ruling["actors"][0] == "ruling_group"
    assert "ruling_group" not in (tmp_path / "d.yaml").read_text(encoding="utf-8").split(
        "judgments:")[0]
