"""Warnings about valid scenarios: numbers written into expressions, things nothing reads.

Each case is a small scenario; the test asserts every warning's kind, message and place.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kennan.scenario.lint import GUARD, SMALL_INTEGER, is_plain_number
from kennan.scenario.loading import load_scenario, load_scenario_text

HEAD = """\
kennan: 1
id: t
title: T
time: {start: 2000-01, horizon: 12}
"""


def warnings_of(body: str) -> list[tuple[str, str, int | None, int | None]]:
    loaded = load_scenario_text(HEAD + textwrap.dedent(body), "s.yaml")
    return [(w.kind, w.problem.message, w.problem.location.line, w.problem.location.col)
            for w in loaded.checked.warnings]


def test_a_scenario_that_uses_everything_has_no_warnings() -> None:
    assert warnings_of("""\
        judgments: [{id: drift, uniform: {low: 0, high: 0.1}, assumption: a guess}]
        state: [{id: s, initial: 0, update: s + drift}]
        outcomes: [{id: done, when: s > 1}]
        policies: [{id: wait}]
        """) == []


NUMBERS = [
    # (expression, number as reported, column of the number on line 5)
    ("s + 0.05", "0.05", 42),
    ("s * (1 - 0.5)", "0.5", 47),
    ("s - 0.25", "0.25", 42),
    ("s + -0.25", "-0.25", 43),
    ("where(t < 12, s, 0)", "12", 48),
    ("s + 1e-3", "0.001", 42),
]


@pytest.mark.parametrize(("expression", "number", "col"), NUMBERS)
def test_a_number_in_an_expression_is_named_at_its_place(expression: str, number: str,
                                                         col: int) -> None:
    found = warnings_of(f"""\
        state: [{{id: s, initial: 0, update: "{expression}"}}]
        outcomes: [{{id: done, when: s > 1}}]
        policies: [{{id: wait}}]
        """)
    assert found == [("number", f"update of 's': the number {number} is a judgment without "
                      "grounds; make it a judgment (cite or assumption) and read it by name",
                      5, col)]


@pytest.mark.parametrize("expression", ["s + 1", "s * 2 - 10", "s / 3", "100 * s", "s - 0",
                                        "s + True", "-s + 7",
                                        "log(max(s, 1e-9))"])
def test_zero_one_small_integers_and_the_scale_top_are_plain(expression: str) -> None:
    assert warnings_of(f"""\
        state: [{{id: s, initial: 0, update: "{expression}"}}]
        outcomes: [{{id: done, when: s > 1}}]
        policies: [{{id: wait}}]
        """) == []


def test_a_bare_number_is_a_judgment_too_and_a_multiline_one_is_placed() -> None:
    found = warnings_of("""\
        state:
          - {id: s, initial: 0.4}
          - id: u
            value: >-
              s
              * 0.75
        events: [{id: e, hazard: 0.02, effects: {add: {s: u}}}]
        outcomes: [{id: done, when: s > 1}]
        policies: [{id: wait}]
        """)
    assert [(kind, msg.split(":")[0], line, col) for kind, msg, line, col in found] == [
        ("number", "initial of 's'", 6, 22),
        ("number", "value of 'u'", 10, 9),
        ("number", "hazard of event 'e'", 11, 26),
    ]


def test_what_nothing_reads() -> None:
    found = warnings_of("""\
        judgments:
          - {id: used, value: 0.5, assumption: a guess}
          - {id: idle, value: 0.5, assumption: a guess}
        actors:
          - {id: power, kind: state}
          - {id: hawks, kind: faction, of: power, influence: 1}
          - {id: doves, kind: faction, of: power, influence: 1}
          - {id: author, kind: person}
          - {id: other, kind: state}
        state:
          - {id: s, initial: 0, update: s + used}
          - {id: idle_state, initial: 0, update: idle_state + 1}
        decisions:
          - {id: choice, owner: power, options: [{id: yes}, {id: no}]}
          - {id: ignored, owner: other, options: [{id: up}, {id: down}]}
        considerations:
          - {id: c1, actor: hawks, decision: choice, values: {yes: s}}
          - {id: c2, actor: other, decision: ignored, values: {up: s}}
        outcomes: [{id: done, when: "s > 1 and yes"}]
        policies:
          - id: wait
            ladder:
              - {id: a, tags: [loud, abrupt_not, abrupt]}
              - {id: b, tags: [loud]}
          - id: other_course
            forbid: [abrupt]
            ladder: [{id: c, tags: [read_tag]}]
        metrics: [{id: m, value: tagged(read_tag)}]
        """)
    assert [(kind, msg.split(" is ")[0].split(" takes ")[0].split(" feeds ")[0], line, col)
            for kind, msg, line, col in found] == [
        ("unread", "judgment 'idle'", 7, 10),
        ("unread", "actor 'author'", 12, 10),
        ("unread", "state variable 'idle_state'", 16, 10),
        ("unread", "consideration 'c2'", 22, 10),
        ("unread", "tag 'loud'", 27, 24),
        ("unread", "tag 'abrupt_not'", 27, 30),
    ]
    messages = {msg for _, msg, _, _ in found}
    assert ("consideration 'c2' feeds decision 'ignored', whose choice no expression reads "
            "(its options up, down, or prob() of them), so it changes nothing") in messages
    assert ("tag 'loud' is read by no expression (tagged(loud)) and forbidden by no policy, "
            "so it changes nothing") in messages


def test_an_actor_with_a_position_in_a_negotiation_is_read() -> None:
    found = warnings_of("""\
        actors:
          - {id: talks, kind: group}
          - {id: a, kind: state}
          - {id: b, kind: state}
          - {id: c, kind: state}
        issues:
          - {id: line, low: none, high: all, positions: {a: 10, b: 90, c: 50}}
        decisions: [{id: settle, owner: talks, issue: line}]
        outcomes: [{id: done, when: settle > 50}]
        policies: [{id: wait}]
        """)
    assert [msg.split(" takes")[0] for kind, msg, _, _ in found if kind == "unread"] == []


def test_korea_warns_but_loads() -> None:
    loaded = load_scenario("korea-1952")
    kinds = {w.kind for w in loaded.checked.warnings}
    assert kinds <= {"number", "unread"}
    assert all(w.problem.location and w.problem.location.line for w in loaded.checked.warnings)


def test_the_docs_example_scenario_loads_with_its_warnings() -> None:
    path = Path(__file__).parent.parent.parent / "docs" / "examples" / "valdoria.yaml"
    loaded = load_scenario(path)
    assert all(str(w).startswith(f"{path}:") for w in loaded.checked.warnings)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_plain_numbers_are_exactly_the_small_integers_and_100(x: float) -> None:
    expected = abs(x) < GUARD or (x == int(x) and (abs(x) <= SMALL_INTEGER or abs(x) == 100))
    assert is_plain_number(x) == expected


def test_hypotheses_read_their_weights_and_what_their_overrides_read() -> None:
    found = warnings_of("""\
        judgments:
          - {id: w_a, value: 0.6, assumption: a guess}
          - {id: w_b, value: 0.4, assumption: a guess}
          - {id: only_in_b, value: 2, assumption: a guess}
          - {id: idle, value: 2, assumption: a guess}
        actors:
          - {id: power, kind: state}
        decisions:
          - {id: stance, owner: power, options: [{id: hold}, {id: bend}]}
        considerations:
          - {id: pride, actor: power, decision: stance, values: {hold: 1, bend: -1}}
        outcomes: [{id: done, when: bend}]
        policies: [{id: wait}]
        hypotheses:
          - {id: a, weight: w_a}
          - id: b
            weight: w_b
            considerations: [{id: pride, weight: only_in_b * 0.5}]
        """)
    assert [(kind, msg.split(":")[0].split(" is ")[0], line, col)
            for kind, msg, line, col in found] == [
        ("unread", "judgment 'idle'", 9, 10),
        ("number", "weight of 'pride'", 22, 54),
    ]
