"""A decision between two options: the compiled kernels give NumPy's bits, and the
engine's choice keeps its semantics (weighted mean of the deciders, dead draws frozen,
an overflowing utility reported)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kennan
from kennan.engine.kernels import choice as kernels
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.errors import SimulationError
from kennan.scenario.loading import load_scenario_text

COURSES, DRAWS = 3, 7

#: Finite doubles of every magnitude, and the extremes that make exp 0 or infinity.
values = st.one_of(st.floats(-1e3, 1e3), st.floats(allow_nan=False, allow_infinity=False),
                   st.sampled_from([0.0, -0.0, 745.2, -745.2, 709.8, -709.8, 1e-300]))


def grid(draw, *, row: bool) -> np.ndarray:
    """A (courses, draws) array, or a (1, draws) row shared by the courses."""
    shape = (1 if row else COURSES, DRAWS)
    return np.array(draw(st.lists(values, min_size=shape[0] * DRAWS,
                                  max_size=shape[0] * DRAWS))).reshape(shape)


@st.composite
def differences(draw):
    count = draw(st.integers(0, 3))
    parts = [grid(draw, row=draw(st.booleans())) for _ in range(count)]
    neg_sharp = grid(draw, row=draw(st.booleans()))
    return parts, neg_sharp


@settings(max_examples=200, deadline=None)
@given(differences())
def test_the_scaled_difference_is_numpys_sum_times_the_sharpness(case):
    parts, neg_sharp = case
    with np.errstate(all="ignore"):
        expected = np.zeros((COURSES, DRAWS))
        if parts:
            expected = np.broadcast_to(parts[0], expected.shape).copy()
            for x in parts[1:]:
                expected = expected + x
        expected = expected * neg_sharp
    out = np.empty((COURSES, DRAWS))
    filler = [np.zeros((1, DRAWS))] * (3 - len(parts))
    bad = kernels.scaled_difference(*parts, *filler, len(parts), neg_sharp, out)
    assert np.array_equal(out, expected, equal_nan=True)
    assert bad == (not np.isfinite(expected).all())


@settings(max_examples=200, deadline=None)
@given(st.data(), st.sampled_from([0, 1, 2]), st.booleans(), st.booleans())
def test_a_terms_part_of_the_difference_is_numpys(data, op, negative, first):
    w, v1, v0 = (grid(data.draw, row=data.draw(st.booleans())) for _ in range(3))
    before = grid(data.draw, row=False)
    with np.errstate(all="ignore"):
        x = w * (v1 if op == 0 else v1 - v0 if op == 1 else v1 + v0)
        expected = (-x if negative else x) if first else (
            before - x if negative else before + x)
    acc = before.copy()
    bad = kernels.add_term(acc, w, v1, v0, op, negative, first)
    assert np.array_equal(acc, np.broadcast_to(expected, acc.shape), equal_nan=True)
    assert bad == (not np.isfinite(expected).all())


@st.composite
def exponentials(draw):
    with np.errstate(over="ignore"):
        e = np.exp(np.clip(grid(draw, row=False), -800, 800))  # 0 and infinity included
    weight = np.abs(grid(draw, row=draw(st.booleans())))
    return e, np.clip(weight, 0.0, 1.0)


def numpy_logistic(e, w):
    """The probabilities as the NumPy code wrote them."""
    with np.errstate(all="ignore"):
        q1 = np.divide(1.0, np.add(e, 1.0))
        q0 = np.divide(1.0, np.divide(1.0, e) + 1.0)
    return q0 * w, q1 * w


@settings(max_examples=200, deadline=None)
@given(exponentials(), exponentials())
def test_the_logistic_and_the_weighted_mean_are_numpys(first, second):
    (e, w), (e2, w2) = first, second
    q0, q1 = numpy_logistic(e, w)
    r0, r1 = numpy_logistic(e2, w2)
    p0, p1 = e.copy(), np.empty_like(e)
    kernels.logistic(p0, w, p1)
    assert np.array_equal(p0, q0) and np.array_equal(p1, q1)
    kernels.logistic_add(e2, w2, p0, p1)
    assert np.array_equal(p0, q0 + r0) and np.array_equal(p1, q1 + r1)
    assert np.isfinite(p0).all() and np.isfinite(p1).all()


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_choice_writes_the_live_draws_and_freezes_the_dead(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    shape = (COURSES, DRAWS)
    live = rng.random(shape) < data.draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]))
    u, p0 = rng.random((1, DRAWS)), rng.random(shape)
    p1 = 1.0 - p0
    old0, old1 = rng.random(shape), rng.random(shape)
    first, second = rng.integers(0, 2, shape).astype(float), rng.random(shape)
    was_first, was_second = first.copy(), second.copy()
    new0, new1 = p0.copy(), p1.copy()
    kernels.choose(u, live, new0, new1, old0, old1, first, second)
    chosen = u > p0
    assert np.array_equal(second, np.where(live, chosen, was_second))
    assert np.array_equal(first, np.where(live, ~chosen, was_first))
    assert np.array_equal(new0, np.where(live, p0, old0))
    assert np.array_equal(new1, np.where(live, p1, old1))


def scenario(body: str, horizon: int = 3):
    text = f"kennan: 1\nid: t\ntitle: test\ntime: {{start: 2000-01, horizon: {horizon}}}\n{body}"
    return load_scenario_text(text, "test.yaml")


FACTIONS = """
actors:
  - {id: land, kind: state}
  - {id: a, kind: faction, of: land, influence: 3}
  - {id: b, kind: faction, of: land, influence: "1 + t"}
decisions:
  - {id: pick, owner: land, options: [{id: x}, {id: y}], sharpness: 2}
considerations:
  - {id: pa, actor: a, decision: pick, values: {y: 1}}
  - {id: pb, actor: b, decision: pick, weight: "0.5 + t", values: {x: 1, y: -0.25}}
  - {id: shared, actor: land, decision: pick, weight: 0.125, values: {y: "t"}}
policies: [{id: only}, {id: other}]
metrics:
  - {id: py, value: "prob(y)", aggregate: mean}
  - {id: px, value: "prob(x)", aggregate: mean}
"""


def logistic(d: float) -> tuple[float, float]:
    """(P(first), P(second)) for a utility difference ``d`` (second over first) times
    the sharpness, as the engine writes them."""
    e = np.exp(np.array([-d]))[0]
    return 1.0 / (1.0 / e + 1.0), 1.0 / (e + 1.0)


def test_factions_probabilities_are_the_influence_weighted_mean_of_their_logits():
    result = simulate(build_model(scenario(FACTIONS)), start=0, count=5, seed=0,
                      watch=("prob:y", "prob:x"))
    for t in range(3):
        wa, wb = 3 / (3 + 1 + t), (1 + t) / (3 + 1 + t)
        shared = 0.125 * t
        a0, a1 = logistic(2 * (shared + 1.0))
        b0, b1 = logistic(2 * (shared + (0.5 + t) * (-0.25 - 1.0)))
        # watched values are float32
        assert result.watched[0, t] == pytest.approx(wa * a1 + wb * b1, rel=1e-6)
        assert result.watched[1, t] == pytest.approx(wa * a0 + wb * b0, rel=1e-6)


def test_a_sharpness_that_overflows_the_utility_is_reported_with_its_draw():
    text = """
actors: [{id: p, kind: state}]
decisions:
  - {id: choose, owner: p, options: [{id: left}, {id: right}], sharpness: 1.0e10}
considerations:
  - {id: big, actor: p, decision: choose, weight: 1.0e300, values: {right: "1 + t"}}
policies: [{id: a}]
"""
    with pytest.raises(SimulationError, match=r"decision 'choose': the utility of 'p' .* "
                       r"at draw 0, course 'a'; scale"):
        simulate(build_model(scenario(text)), start=0, count=4, seed=0)


def test_a_decision_with_dead_draws_keeps_their_values():
    # The path ends at random; the probabilities of ended draws stay frozen, so the
    # metric's mean over periods matches that of a run in another chunking.
    text = FACTIONS + """
events: [{id: stop, hazard: 0.4}]
outcomes: [{id: ended, when: "fired(stop)"}]
"""
    one = kennan.run(scenario(text, horizon=6), draws=64, seed=3, chunk_size=64)
    two = kennan.run(scenario(text, horizon=6), draws=64, seed=3, chunk_size=5)
    assert one.summary.metric_mean(0, 0) == two.summary.metric_mean(0, 0)
    assert one.summary.metric_mean(0, 1) == two.summary.metric_mean(0, 1)


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(1, 4))
def test_an_issues_compromise_is_numpys_weighted_mean(data, n):
    stances = [[grid(data.draw, row=data.draw(st.booleans())) for _ in range(3)]
               for _ in range(n)]
    with np.errstate(all="ignore"):
        total = weighted = None
        for w, s, p in stances:
            ws = w * s
            total = ws if total is None else total + ws
            weighted = ws * p if weighted is None else weighted + ws * p
        total = np.broadcast_to(total, (COURSES, DRAWS))
        weighted = np.broadcast_to(weighted, (COURSES, DRAWS))
        expected = np.where(total > 0, weighted / np.where(total > 0, total, 1.0), weighted)
    got_total, got = np.empty((COURSES, DRAWS)), np.empty((COURSES, DRAWS))
    for k, (w, s, p) in enumerate(stances):
        positive = kernels.compromise_add(w, s, p, k == 0, got_total, got)
    assert positive == (total > 0).all()
    assert np.array_equal(got_total, total, equal_nan=True)
    finite = kernels.divide_positive(got, got_total)
    assert np.array_equal(got, expected, equal_nan=True)
    assert finite == bool(np.isfinite(total).all() and np.isfinite(weighted).all()
                          and np.isfinite(expected).all())


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(1, 4))
def test_influences_are_numpys_clipped_shares(data, n):
    raw = [grid(data.draw, row=data.draw(st.booleans())) for _ in range(n)]
    rows = max(r.shape[0] for r in raw)
    with np.errstate(all="ignore"):
        clipped = [np.maximum(r, 0.0) for r in raw]
        total = np.broadcast_to(sum(clipped), (rows, DRAWS))
        shares = [np.broadcast_to(c / total, (rows, DRAWS)) for c in clipped]
    got = np.empty((rows, DRAWS))
    for k, r in enumerate(raw):
        positive = kernels.clipped_sum(r, k == 0, got)
    assert positive == (total > 0).all()
    assert np.array_equal(got, total, equal_nan=True)
    assert not np.signbit(got).any()  # max(-0, 0) is +0, as NumPy's
    for r, expected in zip(raw, shares, strict=True):
        out = np.empty((rows, DRAWS))
        with np.errstate(all="ignore"):
            kernels.share(r, got, out)
        assert np.array_equal(out, expected, equal_nan=True)


def test_factions_without_influence_share_it_equally():
    text = """
actors:
  - {id: land, kind: state}
  - {id: a, kind: faction, of: land, influence: "-1 + t"}
  - {id: b, kind: faction, of: land, influence: 0}
  - {id: c, kind: faction, of: land, influence: "t"}
policies: [{id: only}]
metrics:
  - {id: share_a, value: "influence(a)"}
  - {id: share_c, value: "influence(c)"}
"""
    result = simulate(build_model(scenario(text)), start=0, count=3, seed=0,
                      watch=("influence:a", "influence:c"))
    # t = 0: every influence is at most 0, so each has 1/3; then t - 1 : 0 : t.
    assert np.allclose(result.watched[0, 0], 1 / 3) and np.allclose(result.watched[1, 0], 1 / 3)
    assert np.array_equal(result.watched[0, 1], np.zeros(3, dtype=np.float32))
    assert np.array_equal(result.watched[1, 1], np.ones(3, dtype=np.float32))
    assert np.allclose(result.watched[0, 2], 1 / 3) and np.allclose(result.watched[1, 2], 2 / 3)
