"""Malformed scenarios: each gives a clear message at the right line, never a traceback.

Each case is a small YAML file written into ``tmp_path`` (with a ``source.txt`` beside
it) and loaded with :func:`load_scenario`; the test asserts the message text and the
place. Property tests feed arbitrary text and arbitrarily mutated scenarios to the
loader: it either loads or raises :class:`ScenarioError`, nothing else.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennan.errors import Problem, ScenarioError
from kennan.scenario import yamlsource
from kennan.scenario.loading import load_scenario, load_scenario_text
from kennan.scenario.yamlsource import load_yaml

FIXTURES = Path(__file__).parent.parent / "fixtures"
SOURCE = (FIXTURES / "source.txt").read_text(encoding="utf-8")

# Lines 1-4 of every case; what a case adds starts on line 5.
HEAD = """\
kennan: 1
id: t
title: T
time: {start: 2000-01, horizon: 12}
"""
WAIT = "policies: [{id: wait}]\n"
SRC = "sources: [{id: src, title: A toy telegram, path: source.txt}]\n"


#: Three judgments for the dependence cases (lines 5-8).
J3 = """\
        judgments:
          - {id: a, uniform: {low: 0, high: 1}, assumption: x}
          - {id: b, uniform: {low: 0, high: 1}, assumption: x}
          - {id: c, uniform: {low: 0, high: 0.5}, assumption: x}
"""


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    message: str  # a part of the one problem's message
    line: int | None
    col: int | None = None


def case(name: str, body: str, message: str, line: int | None, col: int | None = None,
         head: str = HEAD) -> Case:
    return Case(name, head + textwrap.dedent(body), message, line, col)


CASES = [
    # -- shape: keys, types, required fields ---------------------------------------------
    case("unknown key with suggestion", """\
        policies:
          - id: wait
            ladr: []
        """, "policies[0] 'wait' > ladr: unknown key 'ladr' (did you mean 'ladder'?)", 7, 5),
    case("misspelt required key is one problem", """\
        polices: [{id: wait}]
        """, "unknown key 'polices' (did you mean 'policies'?)", 5, 1),
    case("wrong type", "", "time > horizon: expected an integer, got 'twelve'", 4, 33,
         head=HEAD.replace("horizon: 12", "horizon: twelve") + WAIT),
    case("boolean is not a number", """\
        state:
          - {id: x, initial: 0, bounds: [0, true]}
        """ + WAIT, "state[0] 'x' > bounds[1]: expected a number, got True", 6, 37),
    case("expression of the wrong type", """\
        state:
          - {id: x, initial: [1, 2]}
        """ + WAIT, "state[0] 'x' > initial: expected an expression", 6, 22),
    case("missing field at the top", "", "scenario: missing required key 'title'", 1, 1,
         head=HEAD.replace("title: T\n", "") + WAIT),
    case("missing field in an entity", """\
        actors:
          - id: us
        """ + WAIT, "actors[0] 'us': missing required key 'kind'", 6, 5),
    case("empty value", """\
        policies:
          - id:
        """, "policies[0] > id: expected text, got nothing", 6, 5),
    case("a faction without influence", """\
        actors:
          - {id: s, kind: state}
          - {id: f, kind: faction, of: s}
        """ + WAIT, "a faction needs 'of' (its state) and 'influence'", 7, 5),
    case("bad date", "", "time > start: '2000-02-30' is not a date: day is out of range", 4, 15,
         head=HEAD.replace("2000-01", "2000-02-30") + WAIT),
    case("a number below its minimum", "", "time > horizon: must be at least 1, got 0", 4, 33,
         head=HEAD.replace("horizon: 12", "horizon: 0") + WAIT),
    case("no course of action", "policies: []\n",
         "policies: needs at least one policy (a course of action), got 0", 5, 11),
    case("a choice not on the list", """\
        metrics: [{id: m, value: 1, aggregate: avg}]
        """ + WAIT, "aggregate: expected 'final', 'sum', 'mean', 'max' or 'min', got 'avg'", 5, 40),
    case("invalid scenario id", "", "invalid id '-bad'; a scenario id is letters, digits", 2, 5,
         head=HEAD.replace("id: t", "id: -bad") + WAIT),
    case("invalid id", """\
        policies:
          - id: 2nd_course
        """, "invalid id '2nd_course'", 6, 9),
    # -- expressions ---------------------------------------------------------------------
    case("undefined name with suggestion, exact column", """\
        state:
          - {id: soviet, initial: 0}
          - id: y
            value: "soviet + sovet"
        """ + WAIT, "value of 'y': unknown name 'sovet' (did you mean 'soviet'?)", 8, 22),
    case("undefined name in a block scalar", """\
        state:
          - {id: soviet, initial: 0}
          - id: y
            value: |
              soviet +
                sovet * 2
        """ + WAIT, "unknown name 'sovet' (did you mean 'soviet'?)", 10, 9),
    case("function not on the whitelist", """\
        state:
          - {id: x, initial: 0}
          - {id: y, value: "tanh(x)"}
        """ + WAIT, "value of 'y': unknown function 'tanh'", 7, 21),
    case("attribute access", """\
        state:
          - {id: x, initial: 0}
          - {id: y, value: x.real}
        """ + WAIT, "value of 'y': attribute access ('.real') is not allowed", 7, 21),
    case("an initial value reads only judgments", """\
        state:
          - {id: x, initial: 0}
          - {id: z, initial: x}
        """ + WAIT, "initial of 'z': an initial value may read only judgments and t", 7, 22),
    case("syntax error in an expression", """\
        state:
          - {id: x, initial: 0}
          - {id: y, value: "x +* 2"}
        """ + WAIT, "value of 'y': syntax error", 7, 24),
    # -- ranges ----------------------------------------------------------------------------
    case("event probability above 1", """\
        events:
          - {id: e, probability: 1.5}
        """ + WAIT, "probability of event 'e': a probability must lie in [0, 1], got 1.5", 6, 26),
    case("negative hazard of a risk", """\
        events: [{id: e}]
        policies:
          - id: p
            ladder:
              - id: s
                risks: [{event: e, hazard: -0.1}]
        """, "risk of step 's' (event 'e'): a probability must lie in [0, 1], got -0.1", 10, 36),
    case("outcome hazard from a judgment beyond [0, 1]", """\
        judgments:
          - {id: rate, lognormal: {median: 0.1, sigma: 1}, assumption: a guess}
        outcomes:
          - {id: o, hazard: rate}
        """ + WAIT, "hazard of outcome 'o': a probability must lie in [0, 1], but judgment 'rate'",
        8, 21),
    case("a scaled phrase used as a probability", """\
        judgments:
          - {id: w, phrase: probably, scale: {low: 0, high: 2}, assumption: a weight}
        events:
          - {id: e, hazard: w}
        """ + WAIT, "ranges over [1.1, 1.6]", 8, 21),
    case("constant position off the 0-100 scale", """\
        actors: [{id: a, kind: state}]
        issues:
          - {id: i, low: none, high: all, positions: {a: 150}}
        decisions: [{id: d, owner: a, issue: i}]
        """ + WAIT, "position of 'a' on 'i': a position lies on the issue's 0-100 scale, got 150",
        7, 50),
    case("initial value outside its bounds", """\
        state:
          - {id: x, initial: 2, bounds: [0, 1]}
        """ + WAIT, "initial of 'x': the initial value must lie within its bounds [0, 1], got 2",
        6, 22),
    # -- judgments and citations ---------------------------------------------------------
    case("beta with a negative shape", """\
        judgments:
          - id: j
            beta: {a: -1, b: 2}
            assumption: a guess
        """ + WAIT, "judgments[0] 'j' > beta: beta a must be > 0, got -1", 7, 11),
    case("uniform with low above high", """\
        judgments:
          - {id: j, uniform: {low: 0.9, high: 0.1}, assumption: a guess}
        """ + WAIT, "uniform low must be < high, got low=0.9, high=0.1", 6, 22),
    case("unknown estimative phrase", """\
        judgments:
          - {id: j, phrase: probbly, assumption: a guess}
        """ + WAIT, "judgment 'j': estimative phrase 'probbly' is not in vocabulary icd203", 6, 21),
    case("judgment with neither cite nor assumption", """\
        judgments:
          - {id: j, value: 0.5}
        """ + WAIT, "needs grounds: a cite, an assumption, or both; got neither", 6, 5),
    case("quote not in its paragraph", """\
        judgments:
          - id: j
            value: 0.5
            cite: {source: src, paragraph: 1, quote: "would surely be seen"}
        """ + WAIT,
        "judgment 'j': quote not found in paragraph 1 of 'src'; it occurs in paragraph 2", 9, 47,
        head=HEAD + SRC),
    case("a one-character quote", """\
        judgments:
          - id: j
            value: 0.5
            cite: {source: src, paragraph: 1, quote: "."}
        """ + WAIT, "cite quote must have at least 3 words", 9, 46, head=HEAD + SRC),
    case("what a quote supports, misspelt", """\
        judgments:
          - id: j
            value: 0.5
            assumption: a guess
            cite: {source: src, paragraph: 1, quote: "balance is probably close",
                   supports: size}
        """ + WAIT, "expected 'existence', 'direction' or 'magnitude', got 'size'", 11, 22,
        head=HEAD + SRC),
    case("a quote that supports the direction, and no size", """\
        judgments:
          - id: j
            value: 0.5
            cite: {source: src, paragraph: 1, quote: "balance is probably close",
                   supports: direction}
        """ + WAIT, "its citation supports only the direction; add an assumption", 7, 5,
        head=HEAD + SRC),
    case("paragraph past the end of the source", """\
        judgments:
          - id: j
            value: 0.5
            cite: {source: src, paragraph: 9, quote: "balance is probably"}
        """ + WAIT, "judgment 'j' cites paragraph 9 of 'src', which has 3 paragraphs", 9, 36,
        head=HEAD + SRC),
    case("unknown source path", """\
        sources: [{id: src, title: Lost, path: lost.txt}]
        """ + WAIT, "source 'src': cannot read 'lost.txt'", 5, 40),
    case("cites an unknown source", """\
        judgments:
          - {id: j, value: 0.5, cite: {source: scr, paragraph: 1, quote: balance is close}}
        """ + WAIT, "judgment 'j' cites unknown source 'scr' (did you mean 'src'?)", 7, 40,
        head=HEAD + SRC),
    case("an outcome read as a value", """\
        state: [{id: s, initial: 0, update: "s + deal"}]
        outcomes: [{id: deal, hazard: 0.1}]
        """ + WAIT, "update of 's': 'deal' is an outcome, which no expression can read: an "
        "outcome is where a draw ends, not a value during it; read what it is reached from "
        "(its 'when' or 'hazard'), or declare an event with that condition and read "
        "fired(event)", 5, 42),
    case("a metric read as a value", """\
        state: [{id: s, initial: 0}]
        metrics: [{id: m, value: s}, {id: n, value: "m * 2"}]
        """ + WAIT, "metric 'n': 'm' is a metric, which no expression can read", 6, 46),
    # -- ids and references ----------------------------------------------------------------
    case("duplicate ids across kinds", """\
        judgments: [{id: x, value: 1, assumption: a guess}]
        state: [{id: x, initial: 0}]
        """ + WAIT, "duplicate id 'x': already the id of judgment 'x' (line 5)", 6, 14),
    case("an id that is a keyword", """\
        state: [{id: lambda, initial: 0}]
        """ + WAIT, "'lambda' cannot be used in expressions: it is a keyword", 5, 14),
    case("an id that is a function name", """\
        state: [{id: max, initial: 0}]
        """ + WAIT, "id 'max' is reserved: it is a function of expressions", 5, 14),
    case("a policy using a step whose tag it forbids", """\
        policies:
          - id: squeeze
            forbid: [manchuria]
            ladder:
              - {id: bomb, tags: [public, manchuria]}
        """, "policy 'squeeze' forbids tag 'manchuria', but its step 'bomb' carries it", 9, 35),
    case("a cycle among derived variables", """\
        state:
          - {id: a, value: b + 1}
          - {id: b, value: "2 * a"}
        """ + WAIT, "derived state variables form a cycle: a -> b -> a", 6, 20),
    case("an issue decision whose factions hold no position", """\
        actors:
          - {id: power, kind: state}
          - {id: hawks, kind: faction, of: power, influence: 1}
        issues:
          - {id: i, low: none, high: all, positions: {power: 50}}
        decisions:
          - {id: d, owner: power, issue: i}
        """ + WAIT, "decision 'd' settles issue 'i' among the factions of 'power' (hawks), but "
        "none of them holds a position on it", 11, 34),
    case("a consideration naming a non-option", """\
        actors: [{id: a, kind: state}]
        decisions:
          - {id: d, owner: a, options: [{id: hold}, {id: press}]}
        considerations:
          - {id: c, actor: a, decision: d, values: {hold: 1, pres: 2}}
        """ + WAIT, "'pres' is not an option of decision 'd' (did you mean 'press'?)", 9, 54),
    case("a consideration of an actor who does not decide", """\
        actors: [{id: a, kind: state}, {id: b, kind: state}]
        decisions:
          - {id: d, owner: a, options: [{id: hold}, {id: press}]}
        considerations:
          - {id: c, actor: b, decision: d, values: {hold: 1}}
        """ + WAIT, "consideration 'c' belongs to 'b', who does not take decision 'd'", 9, 20),
    case("an effect on a derived variable", """\
        state:
          - {id: x, initial: 0}
          - {id: y, value: x}
        events:
          - {id: e, effects: {add: {y: 1}}}
        """ + WAIT, "'y' is derived (it has a 'value'); effects change stocks only", 9, 29),
    case("an unknown event in a risk", """\
        events: [{id: war}]
        policies:
          - id: p
            ladder:
              - {id: s, risks: [{event: warr, hazard: 0.1}]}
        """, "unknown event 'warr' (did you mean 'war'?)", 9, 33),
    case("an unknown course in baseline", """\
        baseline: wiat
        """ + WAIT, "unknown policy (course of action) 'wiat' (did you mean 'wait'?)", 5, 11),
    # -- contingent courses ----------------------------------------------------------------
    case("a when step reading a name that does not exist", """\
        state: [{id: blocked, initial: 0}]
        policies:
          - id: firm
            ladder:
              - id: force
                when: "blockd > 0"
        """, "when of step 'force': unknown name 'blockd' (did you mean 'blocked'?)", 10, 16),
    case("tracks beside a ladder", """\
        policies:
          - id: firm
            ladder: [{id: protest}]
            tracks: [{id: military, ladder: [{id: force}]}]
        """, "give either 'tracks' or a single ladder (ladder), not both", 6, 5),
    case("two tracks with one id", """\
        policies:
          - id: firm
            tracks:
              - {id: talks, ladder: [{id: note}]}
              - {id: talks, ladder: [{id: force}]}
        """, "duplicate track id 'talks' in policy 'firm': already track 1", 9, 14),
    case("once without when", """\
        events: [{id: e, hazard: 0.1, once: true}]
        """ + WAIT, "'once' gives a 'when' event one chance; this event has no 'when'", 5, 10),
    # -- competing hypotheses ---------------------------------------------------------------
    case("hypothesis weights that cannot sum to 1", """\
        judgments:
          - {id: a, value: 0.4, assumption: x}
          - {id: b, uniform: {low: 0.7, high: 0.9}, assumption: x}
        hypotheses:
          - {id: h1, weight: a}
          - {id: h2, weight: b}
        """ + WAIT, "hypothesis weights cannot sum to 1: they are at least 1.1 together; "
                    "expected prior probabilities of competing readings", 8, 1),
    case("a hypothesis weight that is not a probability", """\
        judgments:
          - {id: a, uniform: {low: 0, high: 2}, assumption: x}
          - {id: b, value: 0.5, assumption: x}
        hypotheses:
          - {id: h1, weight: a}
          - {id: h2, weight: b}
        """ + WAIT, "hypothesis 'h1': a prior weight is a probability in [0, 1], but judgment "
                    "'a' (uniform(0, 2)) ranges over [0, 2]", 9, 22),
    case("a hypothesis weight naming an unknown judgment", """\
        judgments:
          - {id: a, value: 0.5, assumption: x}
        hypotheses:
          - {id: h1, weight: a}
          - {id: h2, weight: aa}
        """ + WAIT, "hypothesis 'h2': unknown judgment 'aa' as weight (did you mean 'a'?); "
                    "expected the id of a judgment", 9, 22),
    case("a hypothesis overriding an unknown judgment", """\
        judgments:
          - {id: a, value: 0.5, assumption: x}
        hypotheses:
          - {id: h1, weight: a}
          - id: h2
            weight: a
            judgments: [{id: c, value: 1, assumption: y}]
        """ + WAIT, "hypothesis 'h2' overrides unknown judgment 'c'; expected the id of one "
                    "of the scenario's judgments", 11, 22),
    case("a hypothesis overriding a state's influence", """\
        judgments:
          - {id: a, value: 0.5, assumption: x}
        actors: [{id: us, kind: state}]
        hypotheses:
          - {id: h1, weight: a}
          - {id: h2, weight: a, actors: [{id: us, influence: 2}]}
        """ + WAIT, "hypothesis 'h2' overrides actor 'us', a state; expected a faction", 10, 39),
    case("a hypothesis overriding a judgment with a bad expression", """\
        judgments:
          - {id: a, value: 0.5, assumption: x}
        actors:
          - {id: s, kind: state}
          - {id: f, kind: faction, of: s, influence: 1}
        hypotheses:
          - {id: h1, weight: a}
          - {id: h2, weight: a, actors: [{id: f, influence: "a + nope"}]}
        """ + WAIT, "under hypothesis 'h2': influence of 'f': unknown name 'nope'", 12, 58),
    # -- dependent judgments ---------------------------------------------------------------
    case("a rank correlation outside [-1, 1]", J3 + """\
        correlations:
          - judgments: [a, b, c]
            rank: [[1, 0.5, 0.2], [0.5, 1, 1.3], [0.2, 1.3, 1]]
            assumption: x
        """ + WAIT, "a rank correlation lies in [-1, 1], got 1.3", 11, 36),
    case("a correlation matrix that is not positive semi-definite", J3 + """\
        correlations:
          - judgments: [a, b, c]
            rank: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
            assumption: x
        """ + WAIT, "the rank correlations are not positive semi-definite (smallest "
                    "eigenvalue -0.8)", 11, 11),
    case("a correlation matrix of the wrong size", J3 + """\
        correlations:
          - {judgments: [a, b, c], rank: [[1, 0.5], [0.5, 1]], assumption: x}
        """ + WAIT, "the rank matrix must be 3 x 3", 10, 34),
    case("a correlated judgment that does not exist", J3 + """\
        correlations:
          - {judgments: [a, bb], rank: 0.5, assumption: x}
        """ + WAIT, "unknown judgment 'bb' (did you mean 'b'?)", 10, 21),
    case("a correlation without grounds", J3 + """\
        correlations:
          - {judgments: [a, b], rank: 0.5}
        """ + WAIT, "needs its grounds: a 'cite' or an 'assumption' (or both)", 10, 5),
    case("a cyclic order", J3 + """\
        orders:
          - {judgments: [a, b, c], assumption: x}
          - {judgments: [c, a], assumption: x}
        """ + WAIT, "the orders form a cycle: a >= b >= c >= a", 11, 21),
    case("an order the ranges contradict", J3 + """\
        orders:
          - {judgments: [c, a], assumption: x}
        """ + WAIT, "'c' is to be at least 'a' in every draw, but 'c' ranges over [0, 0.5] "
                    "and 'a' over [0, 1]", 10, 21),
    # -- questions over several outcomes, worth --------------------------------------------
    case("a union naming an unknown outcome", """\
        outcomes: [{id: deal, hazard: 0.1}, {id: retreat, hazard: 0.1}]
        question: {outcome: [deal, retraet]}
        """ + WAIT, "the question's union names unknown outcome 'retraet' (did you mean "
                    "'retreat'?); expected one of the outcomes: deal, retreat", 6, 28),
    case("a union of one outcome", """\
        outcomes: [{id: deal, hazard: 0.1}]
        question: {outcome: [deal]}
        """ + WAIT, "question > outcome: a union of outcomes lists at least two outcome ids",
         6, 21),
    case("a worth reading state", """\
        state: [{id: x, initial: 0}]
        outcomes: [{id: deal, hazard: 0.1, worth: "2 * x"}]
        """ + WAIT, "worth of outcome 'deal': a worth may read only judgments and t, not the "
                    "state variable 'x'", 6, 48),
    # -- the file and its YAML ------------------------------------------------------------
    case("malformed YAML", "policies: [{id: wait}\n",
         "YAML syntax: expected ',' or ']'", 6, 1),
    case("tab indentation", "policies:\n\t- id: wait\n",
         "YAML syntax: found character '\\t'", 6, 1),
    case("duplicate YAML key", "title: U\n" + WAIT,
         "duplicate key 'title' (first given at line 3)", 5, 1),
    case("a Python object tag", "note: !!python/object/apply:os.system [echo]\n" + WAIT,
         "YAML tag '!!python/object/apply:os.system' is not supported", 5, 7),
    case("a non-mapping top level", "", "expected a mapping at the top level", 1, 1,
         head="- kennan: 1\n- id: t\n"),
    case("missing kennan: 1", "", "missing 'kennan: 1' (the scenario language version)", 1, 1,
         head=HEAD.replace("kennan: 1\n", "") + WAIT),
    case("a wrong version", "", "kennan: expected 1, got 2", 1, 9,
         head=HEAD.replace("kennan: 1", "kennan: 2") + WAIT),
    case("a YAML alias bomb", "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)),
        "the document expands through its YAML aliases to more than 200,000 values", 1, 1,
        head="l0: &l0 [x, x, x]\n"),
    case("a recursive alias", "a: &a [*a]\n", "a YAML alias refers to a node that contains it",
         1, 4, head=""),
    case("nesting too deep", "note: " + "[" * 45 + "]" * 45 + "\n",
         "nesting deeper than 40 levels", 5, 47),
]
assert len(CASES) >= 25


def write(tmp_path: Path, text: str | bytes) -> Path:
    (tmp_path / "source.txt").write_text(SOURCE, encoding="utf-8")
    path = tmp_path / "s.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_bad_scenario(tmp_path: Path, c: Case) -> None:
    path = write(tmp_path, c.text)
    problems = problems_of(path)
    assert len(problems) == 1, [str(p) for p in problems]
    (p,) = problems
    assert c.message in p.message
    assert p.location is not None
    assert p.location.file == str(path)
    assert (p.location.line, p.location.col if c.col is not None else None) == (c.line, c.col)


def test_ten_megabyte_file(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + WAIT + "# " + "x" * (10 * 2**20) + "\n")
    (p,) = problems_of(path)
    assert "scenario file is 10,485,8" in p.message and "the limit is 2,000,000 bytes" in p.message
    assert p.location is not None and (p.location.file, p.location.line) == (str(path), None)


def test_too_many_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # The limit is lowered so the test stays fast; the rule is the same at 200,000.
    monkeypatch.setattr(yamlsource, "MAX_NODES", 1_000)
    text = HEAD + WAIT + "note: [" + "1, " * 1_001 + "]\n"
    with pytest.raises(ScenarioError, match="the document has more than 1,000 values"):
        load_scenario_text(text, "many.yaml")


def test_ten_megabyte_text() -> None:
    with pytest.raises(ScenarioError, match="characters; the limit is"):
        load_scenario_text("a: b\n" * (2 * 2**20), "big.yaml")


@pytest.mark.parametrize("content", ["", "   \n\n", "# only a comment\n", "---\n...\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    (p,) = problems_of(write(tmp_path, content))
    assert "empty; expected a YAML mapping" in p.message
    assert p.location is not None and p.location.line == 1


def test_binary_file(tmp_path: Path) -> None:
    (p,) = problems_of(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert p.message == "scenario file is binary (it contains NUL bytes); expected UTF-8 text"


def test_not_utf8(tmp_path: Path) -> None:
    (p,) = problems_of(write(tmp_path, (HEAD + "note: caf\xe9\n").encode("latin-1")))
    assert "not valid UTF-8" in p.message
    assert p.location is not None and p.location.line == 5


def test_control_character(tmp_path: Path) -> None:
    (p,) = problems_of(write(tmp_path, HEAD + "note: a\x07b\n" + WAIT))
    assert "character U+0007 is not allowed" in p.message
    assert p.location is not None and (p.location.line, p.location.col) == (5, 8)


def test_missing_file(tmp_path: Path) -> None:
    (p,) = problems_of(tmp_path / "nowhere.yaml")
    assert p.message == "scenario file not found"


def test_three_independent_errors_reported_at_once(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        judgments:
          - {id: j, value: 0.5, assumption: a guess, confidence: high}
        state:
          - {id: x, initial: 0, bounds: [0, 1]}
          - {id: y, value: "x + zz"}
        events:
          - {id: e, probability: 1.5}
        """) + WAIT
    problems = problems_of(write(tmp_path, text))
    found = [(p.location.line, p.message) for p in problems if p.location]
    assert len(found) == 3, found
    assert found[0][0] == 6 and "unknown key 'confidence'" in found[0][1]
    assert found[1][0] == 9 and "unknown name 'zz'" in found[1][1]
    assert found[2][0] == 11 and "a probability must lie in [0, 1]" in found[2][1]


def test_every_hypothesis_problem_at_once(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        judgments:
          - {id: a, value: 0.5, assumption: x}
        considerations: []
        hypotheses:
          - {id: h1, weight: w}
          - id: h2
            weight: a
            judgments: [{id: zz, value: 1, assumption: y}]
            considerations: [{id: cc, weight: 2}]
        """) + WAIT
    found = [(p.location.line, p.message) for p in problems_of(write(tmp_path, text))
             if p.location]
    assert [line for line, _ in found] == [9, 12, 13], found
    assert "unknown judgment 'w' as weight" in found[0][1]
    assert "overrides unknown judgment 'zz'" in found[1][1]
    assert "overrides unknown consideration 'cc'" in found[2][1]


def test_dependence_and_contingency_problems_at_once(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent(J3 + """\
        correlations:
          - {judgments: [a, b], rank: [[1, -1.5], [-1.5, 1]], assumption: x}
        orders:
          - {judgments: [a, b], assumption: x}
          - {judgments: [b, a], assumption: x}
        policies:
          - id: firm
            ladder: [{id: force, when: blockd}]
        """)
    found = [(p.location.line, p.location.col, p.message) for p in problems_of(
        write(tmp_path, text)) if p.location]
    assert [f[:2] for f in found] == [(10, 36), (13, 21), (16, 32)], found
    assert "a rank correlation lies in [-1, 1], got -1.5" in found[0][2]
    assert "the orders form a cycle: a >= b >= a" in found[1][2]
    assert "when of step 'force': unknown name 'blockd'" in found[2][2]


def test_shape_errors_hide_their_consequences(tmp_path: Path) -> None:
    # The judgment does not parse, so an expression reading it is not reported as well.
    text = HEAD + textwrap.dedent("""\
        judgments:
          - {id: j, valu: 0.5, assumption: a guess}
        state:
          - {id: y, initial: "j + 1"}
        """) + WAIT
    (p,) = problems_of(write(tmp_path, text))
    assert "unknown key 'valu' (did you mean 'value'?)" in p.message


def test_all_expression_problems_at_once(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        state:
          - {id: y, value: "__import__('os').system('true')"}
        """) + WAIT
    messages = [p.message for p in problems_of(write(tmp_path, text))]
    assert any("unknown function '__import__'" in m for m in messages)
    assert any("attribute access ('.system') is not allowed" in m for m in messages)


# -- property tests: anything in, a ScenarioError or a scenario out ------------------------

TOKENS = ["kennan: 1\n", "id: t\n", "title: T\n", "time: {start: 2000-01, horizon: 3}\n",
          "policies:\n", "- id: ", "  ", "\n", ": ", "- ", "[", "]", "{", "}", ", ", "&a ", "*a",
          "<<: ", "!!str ", "!!python/name:os.system ", "|\n", ">-\n", "'", '"', "#", "\t",
          "x", "1", "0.5", "-", "?", "%YAML 1.2\n", "---\n", "...\n", "\\", "\u00e9", "~",
          "state: [{id: x, initial: ", "value: ", "events: [{id: e, probability: ", "2000-02-30"]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_yamlish_text_never_escapes(text: str) -> None:
    try:
        load_scenario_text(text, str(FIXTURES / "random.yaml"))
    except ScenarioError as exc:
        assert exc.problems and all(isinstance(p.message, str) for p in exc.problems)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_never_escapes(text: str) -> None:
    try:
        load_scenario_text(text, str(FIXTURES / "random.yaml"))
    except ScenarioError as exc:
        assert exc.problems


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=20), st.sampled_from(["x + 1", "balance", "thesis", "2000-02", "wait",
                                           "prob(press)", "__import__('os')", "hawks"]),
)
KEYS = st.sampled_from(["id", "kind", "of", "value", "initial", "beta", "a", "b", "events",
                        "probability", "hazard", "ladder", "tags", "forbid", "cite", "quote",
                        "paragraph", "source", "options", "values", "when", "add", "zz"])
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=20,
)
TOY = load_yaml((FIXTURES / "toy.yaml").read_text(encoding="utf-8"), "toy.yaml").data


def _mutate(data: object, path: list[int], replacement: object, delete: bool) -> object:
    """``data`` with the node reached by following ``path`` (indices mod size) replaced."""
    if not path or not isinstance(data, dict | list) or not data:
        return replacement
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[path[0] % len(keys)]
    copy = dict(data) if isinstance(data, dict) else list(data)
    if delete and len(path) == 1:
        del copy[key]  # type: ignore[arg-type]
        return copy
    copy[key] = _mutate(copy[key], path[1:], replacement, delete)  # type: ignore[index]
    return copy


def _dump(data: object) -> str:
    return json.dumps(data, default=str, allow_nan=True).replace("NaN", ".nan") \
        .replace("-Infinity", "-.inf").replace("Infinity", ".inf")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 50), min_size=1, max_size=5), DATA, st.booleans())
def test_mutated_scenario_never_escapes(path: list[int], replacement: object,
                                        delete: bool) -> None:
    text = _dump(_mutate(TOY, path, replacement, delete))
    try:
        load_scenario_text(text, str(FIXTURES / "mutated.yaml"))
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.location is not None and p.location.file.endswith("mutated.yaml")


@settings(max_examples=100, deadline=None)
@given(DATA)
def test_random_data_never_escapes(data: object) -> None:
    try:
        load_scenario_text(_dump({"kennan": 1, **(data if isinstance(data, dict) else {})}),
                           str(FIXTURES / "random.yaml"))
    except ScenarioError as exc:
        assert exc.problems


def test_escaped_surrogate_pair_is_one_character() -> None:
    # JSON writes a character beyond the BMP as a pair of escapes; YAML reads it back
    # as that character, not as two lone surrogates that no encoder accepts.
    doc = yamlsource.load_yaml('title: "a \\ud800\\udc00 b"\n', "pair.yaml")
    assert doc.data["title"] == "a \U00010000 b"


@pytest.mark.parametrize("text", ['title: "\\ud800"\n', '"\\udc00": 1\n'])
def test_lone_surrogate_is_refused_at_its_place(text: str) -> None:
    with pytest.raises(ScenarioError) as info:
        yamlsource.load_yaml(text, "lone.yaml")
    (problem,) = info.value.problems
    assert "lone surrogate" in problem.message
    assert (problem.location.file, problem.location.line) == ("lone.yaml", 1)


@pytest.mark.parametrize("where", [("sources", 0, "path"), ("judgments", 0, "id")])
def test_astral_character_never_escapes(where: tuple) -> None:
    # The cases hypothesis found: a character beyond the BMP, dumped by JSON as a pair
    # of escapes, as a source's path and as a judgment's id.
    data = json.loads(json.dumps(TOY))
    node = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = "\U00010000"
    try:
        load_scenario_text(_dump(data), str(FIXTURES / "astral.yaml"))
    except ScenarioError as exc:
        assert all(p.location.file.endswith("astral.yaml") for p in exc.problems)
