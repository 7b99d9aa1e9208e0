"""KTAB's spatial model of politics: golden runs, stopping rule, batching, ties, bad input."""

from __future__ import annotations

import json
import math
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kennan.bargaining.models.smp as smp_module
from kennan.bargaining import MODELS, KtabTable, load_ktab_csv, smp, smp_multi
from kennan.bargaining.models import smp_challenge
from kennan.bargaining.models.smp_challenge import challenges
from kennan.bargaining.models.smp_turn import Table, distances, risk_attitudes
from kennan.bargaining.reference.smp import smp_reference
from kennan.errors import KennanError, TableError

KTAB = resources.files("kennan") / "data" / "bargaining" / "ktab"
GOLDEN = ["SOE-Pol-Comp", "dummyData_3Dim"]


def _golden(name: str):
    table = load_ktab_csv(KTAB / f"{name}.csv")
    ref = json.loads((KTAB / f"{name}.ktab.json").read_text())
    return table, ref


def _run(table, **options):
    return smp_multi(table.positions, table.saliences, table.capabilities, **options)


def _reference(table, **options):
    run = smp_reference((table.positions / 100.0).tolist(), table.saliences.tolist(),
                        table.capabilities.tolist(), **options)
    return np.array(run.states) * 100.0


def _random_table(seed: int, n: int, dims: int, draws: int = 1, dup: int = 0):
    rng = np.random.default_rng(seed)
    pos = np.round(rng.uniform(0, 100, (draws, n, dims)), 2)
    sal = rng.uniform(0.05, 1.0, (draws, n, dims))
    sal = np.round(sal / sal.sum(axis=2, keepdims=True) * rng.uniform(0.5, 1.0, (draws, n, 1)), 3)
    cap = np.round(rng.uniform(1, 100, (draws, n)), 1)
    for a in range(dup):  # exact copies of other actors: ties everywhere
        pos[:, n - 1 - a], sal[:, n - 1 - a], cap[:, n - 1 - a] = pos[:, a], sal[:, a], cap[:, a]
    return pos, sal, cap


# --- KTAB golden runs -------------------------------------------------------------


@pytest.mark.parametrize("name", GOLDEN)
def test_positions_match_ktab_turn_by_turn(name):
    table, ref = _golden(name)
    assert table.names == ref["actors"]
    assert table.dim_names == ref["dimensions"]
    res = _run(table)
    expected = np.array(ref["positions_by_state"])
    assert res.rounds.shape == (ref["states"], 1, len(ref["actors"]), len(ref["dimensions"]))
    assert res.turns.tolist() == [ref["stop"]["iterations"]]
    assert res.quiet.tolist() == [ref["stop"]["reason"] == "quiet"]
    diff = np.abs(res.rounds[:, 0] - expected)
    first = np.argwhere(diff > 1e-9)
    assert first.size == 0, f"first difference at state, actor, dim {first[0].tolist()}"


@pytest.mark.parametrize("name", GOLDEN)
def test_risk_attitudes_and_challenges_match_ktab(name):
    table, ref = _golden(name)
    # The unit-scale states themselves (rounds / 100 would not give back KTAB's doubles).
    run = smp_reference((table.positions / 100.0).tolist(), table.saliences.tolist(),
                        table.capabilities.tolist())
    np.testing.assert_array_equal(np.array(run.states) * 100.0, _run(table).rounds[:, 0])
    tab = Table.build(table.saliences[None], table.capabilities[None])
    for t, state in enumerate(np.array(run.states)):
        x = state[None]
        d = distances(x, x, tab)
        r = risk_attitudes(x, tab, d)
        np.testing.assert_allclose(r[0], ref["risk_attitudes_by_state"][t], atol=1e-12, rtol=0)
        if t == len(ref["challenges_by_state"]):
            continue
        chl = challenges(d, r, tab.weight, tab.total_sal)
        for i, logged in enumerate(ref["challenges_by_state"][t]):
            if logged is None:
                assert not chl.has[0, i]
                continue
            assert chl.has[0, i]
            assert [int(chl.target[0, i]), round(float(chl.prob[0, i]), 4),
                    round(float(chl.gain[0, i]), 4)] == logged


@pytest.mark.parametrize("name", GOLDEN)
def test_stopping_rule_ratios_match_ktab(name):
    table, ref = _golden(name)
    states = _run(table).rounds[:, 0] / 100.0
    steps = np.linalg.norm(np.diff(states, axis=0), axis=2).sum(axis=1)
    ratios = steps / (steps[0] + 1e-4)
    np.testing.assert_allclose(ratios, ref["stop"]["ratio_by_step"], rtol=1e-9)
    # The run ends at the first turn t >= 2 that moved less than 2% of the first.
    quiet = [t for t in range(2, len(ratios) + 1) if ratios[t - 1] < 0.02]
    assert quiet[0] == len(ratios)


def test_max_turns_cuts_the_run_short():
    table, _ = _golden("SOE-Pol-Comp")
    full = _run(table)
    short = _run(table, max_turns=5)
    assert short.turns.tolist() == [5]
    assert short.quiet.tolist() == [False]
    np.testing.assert_array_equal(short.rounds, full.rounds[:6])


def test_a_table_that_cannot_move_stops_after_min_turns():
    pos = np.full((4, 2), 40.0)
    res = smp_multi(pos, np.full((4, 2), 0.4), np.array([1.0, 2.0, 3.0, 4.0]))
    assert res.turns.tolist() == [2]
    assert res.quiet.tolist() == [True]
    np.testing.assert_array_equal(res.rounds[-1, 0], pos)
    np.testing.assert_array_equal(res.outcome[0], [40.0, 40.0])


# --- Same model, other KTAB inputs: the vectorised engine against the plain loops ----


@pytest.mark.parametrize("name", ["SOE-Policy", "dummyData_6Dim"])
def test_other_ktab_examples_match_plain_loop_reference(name):
    table = load_ktab_csv(KTAB / f"{name}.csv")
    np.testing.assert_array_equal(_run(table).rounds[:, 0], _reference(table))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SOE-Competitive", "dummyData-a040", "dummyData-a080"])
def test_larger_ktab_examples_match_plain_loop_reference(name):
    table = load_ktab_csv(KTAB / f"{name}.csv")
    np.testing.assert_array_equal(_run(table).rounds[:, 0], _reference(table))


@pytest.mark.parametrize("seed", range(4))
def test_ties_break_as_in_ktab_order(seed):
    # Duplicated actors make exact ties in targets, bargains and queues; the vectorised
    # engine must break them exactly as the loop in KTAB's order does.
    pos, sal, cap = _random_table(seed, n=9, dims=2, dup=3)
    table = load_like(pos[0], sal[0], cap[0])
    np.testing.assert_array_equal(_run(table).rounds[:, 0], _reference(table))


def load_like(pos, sal, cap):
    return KtabTable([f"a{i}" for i in range(len(cap))], cap, pos, sal,
                                [f"d{k}" for k in range(pos.shape[1])])


# --- Batching, invariance, interface --------------------------------------------------


def test_batched_equals_one_draw_at_a_time(monkeypatch):
    pos, sal, cap = _random_table(7, n=8, dims=2, draws=7)
    monkeypatch.setattr(smp_module, "CHUNK_ELEMENTS", 130)  # two draws a chunk
    batch = smp_multi(pos, sal, cap)
    for d in range(pos.shape[0]):
        one = smp_multi(pos[d], sal[d], cap[d])
        t = int(one.turns[0])
        assert batch.turns[d] == t
        np.testing.assert_array_equal(batch.rounds[: t + 1, d], one.rounds[:, 0])
        # A draw that stopped early repeats its last state.
        np.testing.assert_array_equal(batch.rounds[t:, d], np.broadcast_to(
            one.rounds[-1, 0], batch.rounds[t:, d].shape))
        np.testing.assert_array_equal(batch.outcome[d], one.outcome[0])


@pytest.mark.parametrize("seed", range(3))
def test_permuting_actors_permutes_the_result(seed):
    pos, sal, cap = _random_table(100 + seed, n=10, dims=1)
    perm = np.random.default_rng(seed).permutation(10)
    a = smp(pos[..., 0], sal[..., 0], cap)
    b = smp(pos[:, perm, 0], sal[:, perm, 0], cap[:, perm])
    assert a.turns.tolist() == b.turns.tolist()
    np.testing.assert_allclose(a.rounds[:, :, perm], b.rounds, atol=1e-9)
    np.testing.assert_allclose(a.outcome, b.outcome, atol=1e-9)


def test_one_issue_interface_matches_the_multi_dimensional_one():
    table = load_ktab_csv(KTAB / "SOE-Policy.csv")
    one = smp(table.positions[:, 0], table.saliences[:, 0], table.capabilities,
              reference=np.array([50.0]))
    multi = _run(table)
    assert one.outcome.shape == (1,)
    assert one.rounds.shape == multi.rounds.shape[:3]
    np.testing.assert_array_equal(one.rounds, multi.rounds[..., 0])
    np.testing.assert_array_equal(one.outcome, multi.outcome[:, 0])
    # The forecast is one of the final positions.
    assert one.outcome[0] in one.rounds[-1, 0]
    assert MODELS["smp"](table.positions[:, 0], table.saliences[:, 0],
                         table.capabilities).outcome[0] == one.outcome[0]


def test_scale_maps_positions_to_the_unit_interval():
    pos, sal, cap = _random_table(3, n=7, dims=1)
    a = smp(pos[..., 0], sal[..., 0], cap)
    b = smp(pos[..., 0] / 10.0 - 3.0, sal[..., 0], cap, scale=(-3.0, 7.0))
    np.testing.assert_allclose((b.rounds + 3.0) * 10.0, a.rounds, atol=1e-6)


@given(st.integers(0, 10_000), st.integers(2, 7), st.integers(1, 3))
@settings(max_examples=25, deadline=None)
def test_positions_stay_within_the_inputs_range(seed, n, dims):
    pos, sal, cap = _random_table(seed, n=n, dims=dims)
    res = smp_multi(pos, sal, cap, max_turns=12)
    lo, hi = pos.min(axis=1), pos.max(axis=1)
    # Bargains interpolate between two positions, rounded to 0.01 on 0-100.
    assert np.all(res.rounds >= lo[None, :, None] - 0.005 - 1e-9)
    assert np.all(res.rounds <= hi[None, :, None] + 0.005 + 1e-9)
    assert np.all((res.turns >= 1) & (res.turns <= 12))


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda p, s, c: (p, s, -c), "capabilities: expected finite values >= 0"),
    (lambda p, s, c: (p, s * 3.0, c), "saliences: expected values in [0, 1]"),
    (lambda p, s, c: (p, s * 0.0, c), "total over dimensions in (0, 1]"),
    (lambda p, s, c: (p + 200.0, s, c), "positions: expected values in [0, 100]"),
    (lambda p, s, c: (np.where(p > 50, np.nan, p), s, c), "positions: expected values"),
    (lambda p, s, c: (p[:, :1], s[:, :1], c[:, :1]), "at least 2 actors"),
    (lambda p, s, c: (p, s[:, :3], c), "shapes do not match"),
])
def test_bad_arrays_raise_table_errors(change, fragment):
    pos, sal, cap = _random_table(5, n=5, dims=2)
    with pytest.raises(TableError) as info:
        smp_multi(*change(pos, sal, cap))
    assert fragment in str(info.value)


# --- KTAB's CSV layout ------------------------------------------------------------------


def test_loader_reads_every_shipped_layout():
    crlf = load_ktab_csv(KTAB / "dummyData_6Dim.csv")  # CRLF, extra fields on line 1
    assert len(crlf.names) == 27 and len(crlf.dim_names) == 6
    spaced = load_ktab_csv(KTAB / "dummyData-a040.csv")  # no trailing comma, padded fields
    assert spaced.names[0] == "Act-1001"
    assert spaced.dim_names == ["  XYZ Position"]  # KTAB keeps the spaces
    assert spaced.positions[1, 0] == 52.2 and spaced.saliences[1, 0] == 35.72 / 100.0
    assert spaced.capabilities[0] == 1.73


GOOD = "Scen,Desc,3,1,\nActor,Desc,Power,P,S,\nA,a,10,20,50,\nB,b,20,40,60,\nC,c,30,60,70,\n"


@pytest.mark.parametrize(("text", "line", "col", "fragment"), [
    ("", 1, None, "the file is empty"),
    ("Scen,Desc\n", 1, 3, "the number of actors in column 3"),
    ("Scen,Desc,three,1\n", 1, 3, "expected a number for the number of actors, got 'three'"),
    ("Scen,Desc,1,1\nA,D,P,X,S\nA,a,1,2,3\n", 1, 3, "at least 2 actors, got 1"),
    ("Scen,Desc,2.5,1\n", 1, 3, "whole number"),
    ("Scen,Desc,2,0\n", 1, 4, "at least 1 dimension"),
    ("Scen,Desc,2,1\n", 2, None, "a line of column headers"),
    ("Scen,Desc,2,2\nActor,Desc,Power,P,S\n", 2, None, "expected 7 column headers"),
    (GOOD.replace("C,c,30,60,70,\n", ""), 5, None, "declares 3 actors, but 2"),
    (GOOD + "D,d,1,1,1,\n", 6, None, "declares 3 actors, but 4"),
    (GOOD.replace("B,b,20,40,60", "B,b,20,forty,60"), 4, 4, "got 'forty'"),
    (GOOD.replace("B,b,20,40,60,", "B,b,20,40"), 4, 5, "only 4 field(s)"),
    (GOOD.replace("B,b,20,40,60", "B,b,20,40,"), 4, 5, "got an empty cell"),
    (GOOD.replace("B,b,20,40,60", "B,b,-20,40,60"), 4, 3, "capability in [0, 1e+12], got -20"),
    (GOOD.replace("B,b,20,40,60", "B,b,20,40,160"), 4, 5, "salience in [0, 100], got 160"),
    (GOOD.replace("B,b,20,40,60", "B,b,20,140,60"), 4, 4, "position in [0, 100], got 140"),
    (GOOD.replace("B,b,20,40,60", "B,b,20,40,0"), 4, 5, "positive salience"),
    (GOOD.replace("B,b,20,40,60", "B,b,nan,40,60"), 4, 3, "finite number"),
    (GOOD.replace("B,b,20,40,60", ",b,20,40,60"), 4, 1, "actor name"),
    ("S,D,2,2\nA,D,P,X,S,Y,T\nA,a,1,20,60,30,50\nB,b,1,2,3,4,5\n", 3, 5, "at most 100, got 110"),
])
def test_bad_ktab_csv(tmp_path, text, line, col, fragment):
    path = tmp_path / "table.csv"
    path.write_text(text)
    with pytest.raises(TableError) as info:
        load_ktab_csv(path)
    where = f"{path}:{line}" + ("" if col is None else f":{col}")
    assert str(info.value).startswith(where + ": "), str(info.value)
    assert fragment in str(info.value)


def test_missing_and_binary_files_are_table_errors(tmp_path):
    with pytest.raises(TableError, match="cannot read"):
        load_ktab_csv(tmp_path / "absent.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(KennanError, match="UTF-8"):
        load_ktab_csv(tmp_path / "bin.csv")


_name = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=6)


@given(st.lists(st.tuples(_name, st.floats(0, 1e4), st.lists(
    st.tuples(st.floats(0, 100), st.integers(1, 45)), min_size=2, max_size=2)),
    min_size=2, max_size=6))
@settings(max_examples=40, deadline=None)
def test_loader_round_trips_written_tables(tmp_path_factory, rows):
    lines = [f"scen,\"a description\",{len(rows)},2,", "Actor,Desc,Cap,P1,S1,P2,S2,"]
    for name, cap, cells in rows:
        lines.append(",".join([name, " x", repr(cap)] + [f"{p!r},{s}" for p, s in cells]))
    path = tmp_path_factory.mktemp("ktab") / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    table = load_ktab_csv(path)
    assert table.names == [r[0] for r in rows]
    assert table.dim_names == ["P1", "P2"]
    assert table.capabilities.tolist() == [r[1] for r in rows]
    assert table.positions.tolist() == [[p for p, _ in r[2]] for r in rows]
    assert table.saliences.tolist() == [[s / 100.0 for _, s in r[2]] for r in rows]
    assert all(math.isfinite(v) for v in table.positions.ravel())


@pytest.mark.parametrize("seed", range(6))
def test_fast_pass_stays_within_its_bound_of_ktab_order(seed):
    # Weak principals facing heavy third parties, many actors on the same spot: the
    # fast pass must stay within its bound of KTAB's order of operations, else the
    # exact recheck could miss the best target.
    rng = np.random.default_rng(seed)
    c, n, dims = 3, int(rng.integers(3, 16)), int(rng.integers(1, 4))
    x = np.round(rng.uniform(0, 1, (c, n, dims)), 1)
    sal = rng.uniform(0, 1, (c, n, dims))
    sal = sal / sal.sum(axis=2, keepdims=True) * rng.uniform(0.01, 1, (c, n, 1))
    tab = Table.build(sal, 10 ** rng.uniform(-3, 6, (c, n)))
    d = distances(x, x, tab)
    r = risk_attitudes(x, tab, d)
    rp = ((2.0 * r)[:, :, None] + r[:, None, :]) / 3.0
    u_ii, u_ij, a_str, b_str = smp_challenge._principals(d, rp, tab.weight)
    fast, bound = smp_challenge._fast_gains(d, rp, tab.weight, tab.total_sal, u_ii, u_ij,
                                            a_str, b_str)
    cc, ii, jj = np.nonzero(~np.eye(n, dtype=bool)[None].repeat(c, axis=0))
    _, exact = smp_challenge._exact(d, rp, tab.weight, tab.total_sal, cc, ii, jj)
    assert np.all(np.abs(fast[cc, ii, jj] - exact) < 1e-2 * bound[cc, ii, jj])


@pytest.mark.parametrize("seed", range(3))
def test_extreme_weights_and_ties_match_plain_loop_reference(seed):
    pos, sal, cap = _random_table(50 + seed, n=8, dims=2, dup=2)
    cap = cap ** 3 / 10.0  # capabilities over six orders of magnitude
    table = load_like(np.round(pos[0], -1), sal[0], cap[0])
    np.testing.assert_array_equal(_run(table).rounds[:, 0], _reference(table))
