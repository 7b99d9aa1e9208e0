"""Semantic checks: what they build for the engine, and what they refuse."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kennan.errors import ScenarioError
from kennan.scenario.checks import namespace_of, reserved_names
from kennan.scenario.expressions import expression_sites
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import load_scenario, load_scenario_text

FIXTURES = Path(__file__).parent.parent / "fixtures"
HEAD = "kennan: 1\nid: t\ntitle: T\ntime: {start: 2000-01, horizon: 12}\n"
WAIT = "policies: [{id: wait}]\n"


def load(body: str, *, head: str = HEAD, tail: str = WAIT) -> LoadedScenario:
    return load_scenario_text(head + textwrap.dedent(body) + tail, str(FIXTURES / "t.yaml"))


def messages(body: str, **kw: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(body, **kw)
    return [p.message for p in info.value.problems]


def test_namespace_of_the_toy() -> None:
    ns = namespace_of(load_scenario(FIXTURES / "toy.yaml").model)
    assert ns.values["balance"] == "judgment"
    assert ns.values["thesis"] == "state variable"
    assert ns.values["press"].startswith("option of 'stance'")
    assert ns.values["pressure"].startswith("decision on issue 'pressure_scale'")
    assert ns.values["t"].startswith("time")
    assert ns.id_functions["tagged"] == {"public", "manchuria"}
    assert ns.id_functions["active"] == {"appeal_step", "blockade", "bombing"}
    assert ns.id_functions["fired"] == {"election", "shock", "alliance"}
    assert ns.id_functions["prob"] == {"hold", "press"}
    assert ns.id_functions["influence"] == {"hawks", "doves"}


def test_every_expression_is_compiled() -> None:
    loaded = load_scenario(FIXTURES / "toy.yaml")
    sites = [path for path, _, _ in expression_sites(loaded.model)]
    assert sorted(map(str, sites)) == sorted(map(str, loaded.checked.expressions))
    assert loaded.checked.expressions[("actors", 2, "influence")].names == {"thesis"}


def test_reserved_names() -> None:
    reserved = reserved_names()
    assert {"t", "max", "clip", "logistic", "where", "tagged", "prob", "influence"} <= set(reserved)


def test_a_quote_may_be_given_with_its_telegraphese_expanded() -> None:
    text = (Path(__file__).parent.parent.parent / "src/kennan/data/scenarios/korea-1952.yaml")
    body = text.read_text(encoding="utf-8").replace(
        "Diverts Chi Commies from Formosa", "Diverts Chinese Communists from Formosa")
    assert "Chinese Communists from Formosa" in body
    loaded = load_scenario_text(body, str(text))
    assert loaded.id == "korea-1952"
    broken = body.replace("Diverts Chinese Communists from Formosa", "Diverts Chinese from Taiwan")
    with pytest.raises(ScenarioError, match="quote not found in paragraph 1"):
        load_scenario_text(broken, str(text))


def test_derived_order_follows_dependencies() -> None:
    loaded = load("""\
        state:
          - {id: c, value: b + a}
          - {id: b, value: a * 2}
          - {id: a, value: x + 1}
          - {id: x, initial: 0}
        """)
    assert loaded.checked.derived_order == ["a", "b", "c"]


def test_a_long_chain_of_derived_variables() -> None:
    chain = "".join(f"  - {{id: v{i}, value: v{i + 1} + 1}}\n" for i in range(3000))
    loaded = load("state:\n" + chain + "  - {id: v3000, initial: 0}\n")
    assert loaded.checked.derived_order[0] == "v2999"
    assert loaded.checked.derived_order[-1] == "v0"


def test_one_cycle_reported_once() -> None:
    found = messages("""\
        state:
          - {id: a, value: b}
          - {id: b, value: c}
          - {id: c, value: a}
          - {id: d, value: d + 1}
        """)
    assert found == ["derived state variables form a cycle: a -> b -> c -> a; a derived "
                     "variable may not depend on itself (make one of them a stock with "
                     "'initial' and 'update')",
                     "derived state variables form a cycle: d -> d; a derived variable may not "
                     "depend on itself (make one of them a stock with 'initial' and 'update')"]


def test_probabilities_that_depend_on_state_are_not_judged_statically() -> None:
    load("""\
        judgments:
          - {id: p, beta: {a: 2, b: 5}, assumption: a guess}
          - {id: w, phrase: probably, assumption: a guess}
        state: [{id: x, initial: 0.5}]
        events:
          - {id: e, hazard: "x * 3"}
          - {id: f, hazard: p}
          - {id: g, when: "x > 0", probability: w}
        outcomes: [{id: o, hazard: "clip(p, 0, 1)"}]
        """)


def test_other_static_ranges() -> None:
    found = messages("""\
        actors:
          - {id: s, kind: state}
          - {id: f, kind: faction, of: s, influence: -1}
        issues:
          - {id: i, low: a, high: b, positions: {f: 20}, saliences: {f: 2}}
        decisions:
          - {id: d, owner: s, issue: i}
          - {id: e, owner: s, options: [{id: x}, {id: y}], sharpness: -2}
        """)
    assert found == [
        "influence of 'f': an influence must be >= 0, got -1",
        "salience of 'f' on 'i': a salience lies in [0, 1], got 2",
        "sharpness of 'e': a sharpness must be >= 0 (0: every option equally likely), got -2",
    ]


def test_every_faction_needs_a_position() -> None:
    found = messages("""\
        actors:
          - {id: s, kind: state}
          - {id: f, kind: faction, of: s, influence: 1}
          - {id: g, kind: faction, of: s, influence: 1}
        issues:
          - {id: i, low: a, high: b, positions: {f: 20}}
        decisions: [{id: d, owner: s, issue: i}]
        """)
    assert found == ["decision 'd' settles issue 'i' among the factions of 's', but 'g' holds "
                     "no position on it; give every faction a position"]


def test_an_issue_nobody_holds_a_position_on() -> None:
    found = messages("""\
        actors: [{id: s, kind: group}]
        issues: [{id: i, low: a, high: b}]
        decisions: [{id: d, owner: s, issue: i}]
        """)
    assert found == ["decision 'd' settles issue 'i', but no actor holds a position on it"]


def test_salience_without_position() -> None:
    found = messages("""\
        actors: [{id: s, kind: state}, {id: u, kind: state}]
        issues: [{id: i, low: a, high: b, positions: {s: 10}, saliences: {u: 0.5}}]
        """)
    assert found == ["'u' has a salience on issue 'i' but no position; give it a position too, "
                     "or drop the salience"]


def test_a_faction_consideration_counts_for_its_state_decision() -> None:
    load("""\
        actors:
          - {id: s, kind: state}
          - {id: f, kind: faction, of: s, influence: 1}
        decisions: [{id: d, owner: s, options: [{id: x}, {id: y}]}]
        considerations:
          - {id: c1, actor: f, decision: d, values: {x: 1}}
          - {id: c2, actor: s, decision: d, values: {y: 1}}
        """)


def test_unknown_vocabulary_reported_once() -> None:
    found = messages("""\
        vocabulary: icd2003
        judgments:
          - {id: a, phrase: probably, assumption: x}
          - {id: b, phrase: unlikely, assumption: x}
        """)
    assert len(found) == 1 and found[0].startswith("vocabulary: ")
    assert "icd203" in found[0]


def test_tags_must_be_names() -> None:
    found = messages("""\
        policies:
          - id: p
            forbid: [import]
            ladder: [{id: s, tags: [where]}]
        """, tail="")
    assert found == ["invalid tag: 'import' cannot be used in expressions: it is a keyword",
                     "tag 'where' is reserved: it is a function of expressions; choose another "
                     "tag"]


def test_event_before_the_start() -> None:
    found = messages("events: [{id: e, at: 1999-12}]\n")
    assert found == ["event date 1999-12-01 is before the scenario starts (2000-01)"]


def test_replay_references() -> None:
    found = messages("""\
        events: [{id: e}]
        outcomes: [{id: o, when: "fired(e)"}]
        replay: {course: wiat, events: {ee: 2000-03}, actual: {o: 2000-04}}
        """)
    assert found == ["unknown policy (course of action) 'wiat' (did you mean 'wait'?)",
                     "unknown event 'ee' (did you mean 'e'?)"]


def test_problems_are_sorted_by_place() -> None:
    with pytest.raises(ScenarioError) as info:
        load("""\
            state:
              - {id: b, value: "zz"}
              - {id: a, value: "yy"}
            baseline: nothing
            """)
    lines = [p.location.line for p in info.value.problems]
    assert lines == sorted(lines) and len(lines) == 3


def test_influence_is_not_read_before_it_is_settled() -> None:
    found = messages("""\
        actors:
          - {id: s, kind: state}
          - {id: f, kind: faction, of: s, influence: 1}
          - {id: g, kind: faction, of: s, influence: "2 * influence(f)"}
        state:
          - {id: x, value: "influence(f) + 1"}
          - {id: y, initial: 0, update: "influence(f)"}
        """)
    assert [m.split(":")[0] for m in found] == ["influence of 'g'", "value of 'x'"]
    assert "cannot read influence(f)" in found[0]


def test_the_question_names_outcomes_within_the_horizon() -> None:
    body = """\
        outcomes: [{id: deal, hazard: 0.1}]
        question: {outcome: dael, risk: deal, within: 40}
        """
    with pytest.raises(ScenarioError) as info:
        load(body)
    text = str(info.value)
    assert "unknown outcome 'dael' (did you mean 'deal'?)" in text
    assert "within 40 periods is past the horizon of 12" in text
    ok = load("""\
        outcomes: [{id: deal, hazard: 0.1}]
        question: {outcome: deal, within: 6, text: Will they agree?}
        """)
    assert ok.model.question.within == 6
