"""Loading scenarios: finding them, reading YAML safely, and placing every value exactly."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.errors import ScenarioError, UsageError
from kennan.scenario.loading import (
    builtin_scenarios,
    load_scenario,
    load_scenario_text,
    resolve_scenario_path,
)
from kennan.scenario.yamlsource import load_yaml

FIXTURES = Path(__file__).parent.parent / "fixtures"
TOY = FIXTURES / "toy.yaml"


def test_toy_loads() -> None:
    loaded = load_scenario(TOY)
    assert loaded.id == "toy"
    assert loaded.base_dir == FIXTURES
    assert [p.id for p in loaded.model.policies] == ["wait", "appeal", "squeeze"]
    assert set(loaded.checked.distributions) == {"balance", "monthly_hazard", "vindication"}
    assert list(loaded.checked.documents) == ["src"]
    assert loaded.checked.derived_order == ["strain_share"]
    assert load_scenario(loaded) is loaded


def test_builtin_by_name() -> None:
    assert "korea-1952" in builtin_scenarios()
    loaded = load_scenario("korea-1952")
    assert loaded.id == "korea-1952"
    assert all(j.id in loaded.checked.distributions for j in loaded.model.judgments)


def test_unknown_builtin_names_the_ones_there_are() -> None:
    with pytest.raises(UsageError, match=r"no built-in scenario 'korea-1953' .*korea-1952"):
        resolve_scenario_path("korea-1953")


def test_paths_are_paths() -> None:
    assert resolve_scenario_path("missing.yaml") == Path("missing.yaml")
    assert resolve_scenario_path("some/dir/file") == Path("some/dir/file")


def test_dates_stay_text_until_the_schema_reads_them() -> None:
    doc = load_yaml("at: 2000-06-15\nwhen: 2000-06\nnote: 1999-12-31\n", "f.yaml")
    assert doc.data == {"at": "2000-06-15", "when": "2000-06", "note": "1999-12-31"}
    loaded = load_scenario(TOY)
    election = next(e for e in loaded.model.events if e.id == "election")
    assert election.at.isoformat() == "2000-06-15"


def test_scalars_and_keys() -> None:
    doc = load_yaml(textwrap.dedent("""\
        int: 0x1f
        under: 1_000
        float: 1.5e3
        inf: .inf
        yes: yes
        bool: true
        null: ~
        quoted: '1'
        1: key read as text
        """), "f.yaml")
    assert doc.data == {"int": 31, "under": 1000, "float": 1500.0, "inf": float("inf"),
                        "yes": "yes", "bool": True, "null": None, "quoted": "1",
                        "1": "key read as text"}


def test_merge_keys_and_aliases() -> None:
    doc = load_yaml(textwrap.dedent("""\
        base: &base {kind: faction, of: power}
        hawks:
          <<: *base
          of: other
          id: hawks
        list: [*base, *base]
        """), "f.yaml")
    assert doc.data["hawks"] == {"of": "other", "id": "hawks", "kind": "faction"}
    assert doc.data["list"] == [{"kind": "faction", "of": "power"}] * 2
    assert doc.locate(("hawks", "kind")).line == 1  # where the merged value was written
    assert doc.locate(("hawks", "of")).line == 4


def test_positions_of_keys_and_values() -> None:
    line = "  - {id: x, value: 3}"
    doc = load_yaml(f"a:\n{line}\n  - id: y\n", "f.yaml")
    value = doc.locate(("a", 0, "value"))
    assert (value.line, value.col) == (2, line.index("3") + 1)
    assert doc.locate(("a", 0, "value"), key=True).col == line.index("value") + 1
    assert doc.locate(("a", 1)).line == 3
    assert doc.locate(("a", 5, "nothing")).line == 2  # the nearest known parent: the list
    assert str(doc.locate(("a", 1, "id"))) == "f.yaml:3:9"


# -- locate_text: every character of a text value at its place in the file -----------------

WORDS = st.lists(
    st.builds(lambda first, rest: first + rest, st.sampled_from("abcxyz"),
              st.text(alphabet="abcxyz_0123456789+-*/()<>=.,", max_size=5)),
    min_size=1, max_size=8,
)


def _check_every_char(text: str, value: str) -> None:
    doc = load_yaml(text, "f.yaml")
    assert doc.data["v"] == value
    lines = text.split("\n")
    for i, ch in enumerate(value):
        if ch.isspace():
            continue
        loc = doc.locate_text(("v",), i)
        assert lines[loc.line - 1][loc.col - 1] == ch, (i, ch, loc)


@settings(max_examples=60, deadline=None)
@given(WORDS)
def test_plain_single_line(words: list[str]) -> None:
    value = " ".join(words)
    _check_every_char(f"k: 1\nv: {value}\n", value)


@settings(max_examples=60, deadline=None)
@given(WORDS, st.sampled_from(["'", '"']))
def test_quoted(words: list[str], quote: str) -> None:
    value = " ".join(words)
    _check_every_char(f"v: {quote}{value}{quote}\n", value)


@settings(max_examples=60, deadline=None)
@given(WORDS, st.integers(1, 4))
def test_plain_folded_over_lines(words: list[str], per_line: int) -> None:
    # A plain scalar continued on indented lines folds each line break into a space.
    rows = [" ".join(words[i:i + per_line]) for i in range(0, len(words), per_line)]
    text = "v: " + "\n   ".join(rows) + "\n"
    _check_every_char(text, " ".join(rows))


@settings(max_examples=60, deadline=None)
@given(WORDS, st.integers(1, 4), st.sampled_from(["|", "|-", ">-"]))
def test_block_scalars(words: list[str], per_line: int, style: str) -> None:
    rows = [" ".join(words[i:i + per_line]) for i in range(0, len(words), per_line)]
    text = f"v: {style}\n" + "".join(f"    {r}\n" for r in rows)
    joined = ("\n" if style.startswith("|") else " ").join(rows)
    _check_every_char(text, joined + ("\n" if style == "|" else ""))


def test_double_quoted_escapes() -> None:
    _check_every_char('v: "a \\"b\\" \\\\ c"\n', 'a "b" \\ c')


def test_past_the_end_and_unmatched_text() -> None:
    doc = load_yaml('v: "x + y"\nw: "\\x41 + q"\n', "f.yaml")
    assert (doc.locate_text(("v",), 5).line, doc.locate_text(("v",), 5).col) == (1, 10)
    # An escape that spells a letter cannot be followed: the value's start is given instead.
    assert doc.locate_text(("w",), 4).col == 4


def test_expression_problems_point_at_the_character(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        kennan: 1
        id: t
        title: T
        time: {start: 2000-01, horizon: 3}
        state:
          - {id: soviet, initial: 0}
          - id: a
            value: 'soviet + sovet'
          - id: b
            value: >-
              soviet
              + 2 * sovet
        policies: [{id: wait}]
        """)
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, str(tmp_path / "s.yaml"))
    places = [(p.location.line, p.location.col) for p in info.value.problems]
    assert places == [(8, 22), (12, 13)]
