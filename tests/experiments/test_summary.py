"""Summaries: compact exact JSON and merges that do not depend on order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.experiments.chunks import summarise
from kennan.experiments.runner import empty_summary
from kennan.experiments.summary import Summary


def _summary(exact: list[int]) -> Summary:
    s = Summary.empty(["a", "b"], ["x"], ["m"], [], horizon=2, baseline=0)
    s.draws = 5
    s.metric_sums = [[[exact[0], exact[1]]], [[exact[2], exact[3]]]]
    return s


@given(st.lists(st.integers(min_value=-(1 << 1200), max_value=1 << 1200), min_size=4,
                max_size=4))
def test_json_round_trip_is_exact(values):
    s = _summary(values)
    assert Summary.from_json(s.to_json()).to_dict() == s.to_dict()


def test_json_is_compact_for_exact_sums():
    big = 3 << 1070  # an exact float sum: large, with many trailing zero bits
    text = _summary([big, big, big, big]).to_json()
    assert "3p1070" in text
    assert len(text) < 600


@pytest.mark.parametrize("text", ["", "[]", '{"draws": 1}', "not json",
                                  _summary([1, 2, 3, 4]).to_json().replace('"draws":5',
                                                                           '"draw":5')])
def test_malformed_json_is_a_value_error(text):
    with pytest.raises(ValueError):
        Summary.from_json(text)


def test_merge_order_does_not_matter(toy):
    model = build_model(toy)
    parts = [summarise(model, simulate(model, start=s, count=n, seed=2))
             for s, n in ((0, 70), (70, 130), (200, 1))]
    forward = empty_summary(model)
    for p in parts:
        forward = forward.merge(p)
    backward = empty_summary(model)
    for p in reversed(parts):
        backward = backward.merge(p)
    whole = summarise(model, simulate(model, start=0, count=201, seed=2))
    assert forward.to_dict() == backward.to_dict() == whole.to_dict()
