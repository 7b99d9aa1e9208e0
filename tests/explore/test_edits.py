"""Edits become scenario text that a file could hold, validated as a file is."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kennan.errors import UsageError
from kennan.explore import edits as ed
from kennan.scenario.loading import load_scenario, load_scenario_text
from kennan.scenario.sourcepaths import allowing
from kennan.scenario.yamlsource import load_yaml

from .conftest import TOY


@pytest.fixture(scope="module")
def toy():
    return load_scenario(TOY)


@pytest.fixture(scope="module")
def korea():
    return load_scenario("korea-1952")


def _text(loaded) -> str:
    return Path(loaded.origin).read_text(encoding="utf-8")


def test_a_pin_changes_only_the_judgment_it_names(toy):
    text = _text(toy)
    edits = ed.parse_edits({"balance": {"mode": "pin", "value": 0.25}}, toy)
    new = ed.apply_edits(text, toy, edits)
    changed = [(a, b) for a, b in zip(text.splitlines(), new.splitlines(), strict=True)
               if a != b]
    assert changed == [("    beta: {a: 5, b: 5}", "    value: 0.25")]
    loaded = load_scenario_text(new, toy.origin)
    assert loaded.checked.distributions["balance"].bounds == (0.25, 0.25)


def test_a_restated_judgment_keeps_its_citation(toy):
    edits = ed.parse_edits({"vindication": {"mode": "set", "spec": {"phrase": "likely"}}}, toy)
    loaded = load_scenario_text(ed.apply_edits(_text(toy), toy, edits), toy.origin)
    j = next(j for j in loaded.model.judgments if j.id == "vindication")
    assert j.phrase == "likely" and j.cite.quote == "would surely be seen as weakness"


def test_every_judgment_of_korea_can_be_restated_at_once(korea):
    # each item rewritten with its own statement: the text must read back the same
    raw = {}
    for item in korea.doc.data["judgments"]:
        spec = {k: item[k] for k in ed.SPEC_KEYS if k in item}
        raw[item["id"]] = {"mode": "set", "spec": spec}
    edits = ed.parse_edits(raw, korea)
    new = ed.apply_edits(_text(korea), korea, edits)
    again = load_scenario_text(new, korea.origin)
    assert again.model.judgments == korea.model.judgments
    assert new.count("\n") == _text(korea).count("\n")


def test_every_judgment_of_korea_can_be_pinned_at_its_median(korea):
    raw = {j.id: {"mode": "pin", "value": float(korea.checked.distributions[j.id].ppf(0.5))}
           for j in korea.model.judgments}
    new = ed.apply_edits(_text(korea), korea, ed.parse_edits(raw, korea))
    again = load_scenario_text(new, korea.origin)
    for j in again.model.judgments:
        assert j.kind == "value" and j.value == raw[j.id]["value"]
        assert j.cite == next(k.cite for k in korea.model.judgments if k.id == j.id)


def test_a_new_note_replaces_the_old_one_and_is_added_where_there_was_none(korea):
    edits = ed.parse_edits({"w_tie_up": {"mode": "pin", "value": 0.5},
                            "sharpness": {"mode": "pin", "value": 2.0}}, korea)
    new = ed.apply_edits(_text(korea), korea, edits,
                         {"w_tie_up": "first: changed",
                          "sharpness": 'a "quoted" note # no comment'})
    again = {j.id: j for j in load_scenario_text(new, korea.origin).model.judgments}
    assert again["w_tie_up"].note == "first: changed"
    assert again["sharpness"].note == 'a "quoted" note # no comment'
    assert again["sharpness"].assumption.startswith("How decisively")


def test_a_pin_outside_the_support_is_refused_by_name(toy):
    with pytest.raises(UsageError, match=r"balance: 1.5 is outside the judgment's support "
                                         r"\(0 to 1\)"):
        ed.parse_edits({"balance": {"mode": "pin", "value": 1.5}}, toy)


@pytest.mark.parametrize(("raw", "message"), [
    ({"nonsense": {"mode": "pin", "value": 0.5}}, "unknown judgment 'nonsense'"),
    ({"balance": {"mode": "guess", "value": 0.5}}, "malformed edit at balance"),
    ({"balance": {"mode": "pin", "value": "0.5; import os"}}, "malformed edit at balance"),
    ({"balance": {"mode": "pin", "value": math.inf}}, "malformed edit at balance"),
    ({"balance": {"mode": "pin"}}, "malformed edit at balance"),
    ({"balance": {"mode": "set", "spec": {"cite": "x"}}}, "unknown key 'cite'"),
    ([1, 2], "edits must be a mapping"),
])
def test_malformed_edits_are_refused_with_a_clear_message(toy, raw, message):
    with pytest.raises(UsageError, match=message):
        ed.parse_edits(raw, toy)


def test_a_restatement_a_file_could_not_hold_is_refused_as_in_a_file(explorer):
    raw = {"balance": {"mode": "set", "spec": {"uniform": {"low": 0.8, "high": 0.2}}}}
    with pytest.raises(UsageError, match="uniform low must be < high"):
        explorer.edited(ed.parse_edits(raw, explorer.original))


@given(st.text(max_size=80))
def test_text_is_written_so_that_yaml_reads_it_back(s):
    doc = load_yaml(f"k: {ed.flow(s)}\n", "<test>")
    assert doc.data == {"k": s}


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-10**12, 10**12))
def test_numbers_are_written_exactly(x):
    doc = load_yaml(f"k: {ed.flow(x)}\n", "<test>")
    assert doc.data["k"] == x


def test_source_paths_follow_a_copy_to_another_folder(toy, tmp_path):
    moved = ed.relocate_sources(_text(toy), toy, str(tmp_path))
    copy = tmp_path / "copy.yaml"
    copy.write_text(moved, encoding="utf-8")
    # A copy in another folder reads the sources where they are: once that folder is allowed.
    with allowing(Path(toy.doc.file).parent):
        assert load_scenario(copy).checked.documents.keys() == toy.checked.documents.keys()
