"""The accrual's compiled kernels: the bits of the NumPy operations they fuse, and a
metric whose expectation is known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.engine.exact import exact_sums, fixed_rounded, rounded_sums
from kennan.engine.kernels import accrual as kernels
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.scenario.loading import load_scenario_text

NONE = np.empty(0, dtype=np.int64)


def numpy_accrual(held, expected, mass, tail, extreme, total, periods, aggregate, given_,
                  stop, rest, horizon):
    """The NumPy operations the kernel fuses, in their order (dense masses)."""
    held += mass * tail
    if aggregate == "final":
        return
    if aggregate in ("max", "min"):
        pick = np.maximum if aggregate == "max" else np.minimum
        agg = pick(extreme, tail) if given_ else extreme
    elif stop and not given_:
        agg = total
        if aggregate == "mean":
            agg = total / np.maximum(periods, 1.0)
    else:
        agg = total + tail * rest
        if aggregate == "mean":
            agg = agg / horizon
    expected += mass * agg


def _bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).tobytes()


values = st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, -0.0, 1.0, np.nan, np.inf]))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1),
       aggregate=st.sampled_from(["final", "max", "min", "sum", "mean"]),
       given_=st.booleans(), stop=st.booleans(), rest=st.integers(0, 30),
       tail_shape=st.sampled_from([(1, 1), (1, 7), (3, 7)]), special=values,
       few=st.booleans())
def test_accrue_gives_the_bits_of_the_numpy_operations(seed, aggregate, given_, stop, rest,
                                                       tail_shape, special, few):
    rng = np.random.default_rng(seed)
    shape = (3, 7)
    held, expected, extreme, total = (rng.normal(size=shape) * 10 for _ in range(4))
    held, expected = np.abs(held), np.abs(expected)  # sums from +0.0: never -0.0
    periods = rng.integers(0, 4, shape).astype(np.float64)
    tail = rng.normal(size=tail_shape)
    tail.flat[rng.integers(tail.size)] = special
    extreme.flat[rng.integers(extreme.size)] = special
    mass = rng.random(shape)
    if few:  # the mass held at a few draws: 0 elsewhere
        marks = rng.random(shape) < 0.3
        mass = np.where(marks, mass, 0.0)
        rows, cols = (np.ascontiguousarray(i) for i in np.nonzero(marks))
        given_mass = mass[rows, cols]
    else:
        rows = cols = NONE
        given_mass = mass.reshape(-1)
    want_held, want_expected = held.copy(), expected.copy()
    at = (rows, cols) if few else (slice(None), slice(None))  # the index path's draws
    h, e = want_held[at], want_expected[at]
    with np.errstate(invalid="ignore"):
        numpy_accrual(h, e, mass[at], np.broadcast_to(tail, shape)[at], extreme[at],
                      total[at], periods[at], aggregate, given_, stop, float(rest), 24.0)
    want_held[at], want_expected[at] = h, e
    kernels.accrue(held, expected, given_mass, rows, cols, not few, tail, extreme, total,
                   periods, kernels.CODES[aggregate], given_, stop, float(rest), 24.0,
                   True, True)
    assert _bits(held) == _bits(want_held)
    assert _bits(expected) == _bits(want_expected)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1),
       aggregate=st.sampled_from(["final", "max", "min", "sum", "mean"]),
       first=st.booleans(), changes=st.booleans(),
       value_shape=st.sampled_from([(1, 1), (1, 7), (3, 7), (3, 1)]), special=values)
def test_record_gives_the_bits_of_the_numpy_operations(seed, aggregate, first, changes,
                                                       value_shape, special):
    rng = np.random.default_rng(seed)
    current, total, extreme = (rng.normal(size=(3, 7)) for _ in range(3))
    value = rng.normal(size=value_shape)
    value.flat[rng.integers(value.size)] = special
    extreme.flat[rng.integers(extreme.size)] = special
    changes = changes or first  # a constant's latest value is written the first period
    want = [a.copy() for a in (current, total, extreme)]
    full = np.broadcast_to(value, (3, 7))
    if changes:
        np.copyto(want[0], full)
    with np.errstate(invalid="ignore"):
        if aggregate in ("sum", "mean"):
            np.add(want[1], full, out=want[1])
        elif aggregate in ("max", "min") and changes:
            pick = np.maximum if aggregate == "max" else np.minimum
            want[2] = full.copy() if first else pick(want[2], full)
    kernels.record(current, total, extreme, value, kernels.CODES[aggregate], first, changes)
    for got, expected in zip((current, total, extreme), want, strict=True):
        assert _bits(got) == _bits(expected)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), courses=st.integers(1, 4), metrics=st.integers(1, 3),
       draws=st.integers(0, 50), scale=st.sampled_from([1.0, 1e3, 1e9]), special=values)
def test_rounded_trajectory_is_the_rounding_and_sums_of_the_exact_module(
        seed, courses, metrics, draws, scale, special):
    rng = np.random.default_rng(seed)
    current = rng.normal(size=(metrics * courses, draws)) * scale
    held = rng.normal(size=(metrics * courses, draws)) * scale
    survival = rng.random((courses, draws))
    if draws:
        current.flat[rng.integers(current.size)] = special
    with np.errstate(invalid="ignore"):
        now = current.reshape(metrics, courses, draws) * survival + held.reshape(
            metrics, courses, draws)
    want_q, want_exact = fixed_rounded(now.reshape(metrics * courses, draws))
    q, sums = np.empty_like(current), np.empty(len(current))
    peak = kernels.rounded_trajectory(current, survival, held, q, sums)
    assert _bits(q) == _bits(want_q)
    exact = bool(peak * draws < 2.0**53)
    assert exact == want_exact
    if exact:
        assert rounded_sums(q, exact, sums) == [v >> 1074 for v in exact_sums(q)]


def test_float_sums_of_the_kernel_stand_only_when_exact():
    q = np.array([[2.0**52, 2.0**52, 1.0]])
    assert rounded_sums(q, False, np.array([0.0])) == [2**53 + 1]  # the exact path


# One outcome taking 1/10 of what survives each period, a metric of 1 a period that
# stops at absorption: its expectation is the expected number of periods on the path,
# sum over t < 10 of 0.9**t; as a mean of those periods it is 1.
STOPPED = """kennan: 1
id: stopped
title: a metric that stops
time: {start: 2000-01, horizon: 10}
state:
  - {id: x, initial: 0}
policies: [{id: a}]
outcomes:
  - {id: end, hazard: "0.1"}
metrics:
  - {id: periods, value: 1, aggregate: sum, after: stop}
  - {id: level, value: 1, aggregate: mean, after: stop}
  - {id: capped, value: 1, aggregate: max, after: {end: 3}}
"""


def test_a_stopped_metric_has_its_closed_form_expectation():
    r = simulate(build_model(load_scenario_text(STOPPED, "stopped.yaml")), start=0, count=5,
                 seed=1)
    want = sum(0.9**t for t in range(10))
    assert r.metrics["periods"] == pytest.approx(np.full((1, 5), want), rel=1e-14)
    assert r.metrics["level"] == pytest.approx(np.ones((1, 5)), rel=1e-15)
    # max(1, 3) = 3 once absorbed, 1 for a survivor.
    absorbed = 1.0 - 0.9**10
    assert r.metrics["capped"] == pytest.approx(np.full((1, 5), 3 * absorbed + 0.9**10),
                                                rel=1e-14)
