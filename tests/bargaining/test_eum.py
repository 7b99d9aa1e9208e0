"""The expected utility model: BDM 1994 golden figures, agreement with the plain loop."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.bargaining import settle
from kennan.bargaining.models.eum import KINDS, eum, eum_round
from kennan.bargaining.reference.eum import eum_one
from kennan.errors import UsageError


@pytest.fixture(scope="module")
def ec() -> dict[str, np.ndarray | list[str]]:
    path = resources.files("kennan") / "data" / "bargaining" / "bdm1994" / "ec_emissions_actors.csv"
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    return {
        "names": [r["Actor"] for r in rows],
        "x": np.array([float(r["Position"]) for r in rows]),
        "s": np.array([float(r["Salience"]) for r in rows]),
        "c": np.array([float(r["Capability"]) for r in rows]),
    }


def test_weighted_mean_after_each_of_ten_rounds(ec) -> None:
    published = [7.390, 7.461, 7.553, 7.590, 7.358, 7.349, 7.415, 7.510, 7.572, 7.325, 7.242]
    res = eum(ec["x"], ec["s"], ec["c"], rounds=10)
    w = ec["s"] * ec["c"]
    means = (res.rounds[:, 0, :] * w).sum(axis=1) / w.sum()
    np.testing.assert_allclose(means, published, atol=5e-4, rtol=0)
    assert res.outcome[0] == pytest.approx(means[-1])


def test_belgium_round_one_expected_utilities(ec) -> None:
    published = {"Denmark": -0.832, "UK": -0.655, "Netherlands": -0.473, "Germany": -0.473,
                 "France": -0.115, "Italy": -0.115, "Luxembourg": 0.606, "Ireland": 0.0,
                 "Greece": 0.0}
    names = ec["names"]
    detail = eum_round(ec["x"], ec["s"], ec["c"])
    b = names.index("Belgium")
    for other, value in published.items():
        j = names.index(other)
        assert detail.eu_challenge[0, b, j] == pytest.approx(value, abs=5e-4), other
        # The other axis: about +0.24, and 0 for the actors sharing Belgium's position.
        expected_y = 0.0 if other in ("Ireland", "Greece") else 0.24
        assert detail.eu_challenged[0, b, j] == pytest.approx(expected_y, abs=5e-3), other


def test_round_one_moves(ec) -> None:
    names = ec["names"]
    detail = eum_round(ec["x"], ec["s"], ec["c"])
    moves = {
        names[i]: (KINDS[detail.kind[0, i]], names[detail.partner[0, i]], detail.positions[0, i])
        for i in range(len(names)) if detail.kind[0, i]
    }
    assert set(moves) == {"Belgium", "Luxembourg", "Ireland"}
    kind, partner, pos = moves["Belgium"]
    assert kind == "compromise" and partner in ("France", "Italy")  # same offer from both
    assert pos == pytest.approx(8.4159, abs=5e-5)
    b, f = names.index("Belgium"), names.index("France")
    assert detail.eu_challenge[0, b, f] == pytest.approx(-0.1148, abs=5e-5)
    assert detail.eu_challenged[0, b, f] == pytest.approx(0.2433, abs=5e-5)
    assert moves["Luxembourg"] == ("confrontation", "Belgium", 7.0)
    assert moves["Ireland"] == ("confrontation", "Luxembourg", 4.0)


def test_rounds_shape_and_input_first(ec) -> None:
    res = eum(ec["x"], ec["s"], ec["c"], rounds=3)
    assert res.rounds.shape == (4, 1, 10)
    np.testing.assert_array_equal(res.rounds[0, 0], ec["x"])
    assert eum(ec["x"], ec["s"], ec["c"], rounds=0).outcome[0] == pytest.approx(7.390, abs=5e-4)


def _random_tables(rng: np.random.Generator, draws: int, n: int, coarse: bool) -> tuple:
    x = rng.uniform(0, 100, (draws, n))
    if coarse:  # shared positions and exact ties, as in real tables
        x = np.round(x / 10) * 10
    return x, rng.uniform(0, 1, (draws, n)), rng.uniform(0, 1, (draws, n))


@pytest.mark.parametrize(("n", "coarse"), [(2, False), (3, True), (5, False), (5, True),
                                             (9, False), (12, True)])
def test_batched_equals_plain_python_loop(n: int, coarse: bool) -> None:
    x, s, c = _random_tables(np.random.default_rng(n), 25, n, coarse)
    batched = eum(x, s, c).rounds
    for d in range(x.shape[0]):
        one = np.array(eum_one(x[d], s[d], c[d]))
        np.testing.assert_allclose(batched[:, d], one, rtol=0, atol=1e-8)


def test_batched_equals_one_draw_at_a_time() -> None:
    x, s, c = _random_tables(np.random.default_rng(7), 40, 6, True)
    batched = eum(x, s, c)
    for d in range(x.shape[0]):
        one = eum(x[d], s[d], c[d])
        np.testing.assert_array_equal(batched.rounds[:, d], one.rounds[:, 0])
        assert batched.outcome[d] == one.outcome[0]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 6).flatmap(lambda n: st.tuples(
        st.lists(st.integers(0, 10), min_size=n, max_size=n),
        st.lists(st.floats(0.05, 1), min_size=n, max_size=n),
        st.lists(st.floats(0.05, 1), min_size=n, max_size=n),
    )),
    st.randoms(use_true_random=False),
)
def test_properties(table, rnd) -> None:
    x, s, c = (np.array(v, dtype=float) * (10 if i == 0 else 1) for i, v in enumerate(table))
    res = eum(x, s, c, rounds=4)
    # Actors only ever move towards other actors: positions stay within the input's range.
    assert res.rounds.min() >= x.min() - 1e-9
    assert res.rounds.max() <= x.max() + 1e-9
    perm = list(range(len(x)))
    rnd.shuffle(perm)
    again = eum(x[perm], s[perm], c[perm], rounds=4)
    np.testing.assert_allclose(again.rounds[:, 0], res.rounds[:, 0][:, perm], atol=1e-9)
    assert again.outcome[0] == pytest.approx(res.outcome[0], abs=1e-9)


@pytest.mark.parametrize("variant", [
    {"q": 0.5, "t": 0.5}, {"denominator": "pair"}, {"offer_choice": "nearest"},
    {"voter_risk": "neutral"}, {"risk": "neutral"}, {"scale": "current"},
    {"outcome": "median"},
])
def test_variants_run_and_stay_in_range(variant: dict) -> None:
    x, s, c = _random_tables(np.random.default_rng(3), 30, 6, True)
    res = settle("eum", x, s, c, **variant)
    assert res.outcome.shape == (30,)
    assert np.all(res.outcome >= x.min(axis=1) - 1e-9)
    assert np.all(res.outcome <= x.max(axis=1) + 1e-9)


def test_all_actors_at_one_position_stay() -> None:
    res = eum([5.0, 5.0, 5.0], [0.5, 0.5, 0.5], [1.0, 2.0, 3.0])
    assert res.outcome[0] == 5.0
    assert np.all(res.rounds == 5.0)


@pytest.mark.parametrize(("option", "value"), [("denominator", "all"), ("rounds", -1),
                                               ("q", 1.5), ("rounds", 2.5)])
def test_bad_options(option: str, value: object) -> None:
    with pytest.raises(UsageError, match=option):
        eum([1.0, 2.0], [1.0, 1.0], [1.0, 1.0], **{option: value})
