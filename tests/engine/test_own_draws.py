"""Each reading on its own draws (``pooled_only``): the pooled results of the full mode,
bit for bit, on korea-1952 and on a two-reading fixture, whatever the chunk size, with
chunks of one draw and readings that no draw of a chunk follows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kennan.engine import buffers, hypotheses
from kennan.engine.model import build_model
from kennan.engine.simulate import ChunkResult, simulate
from kennan.errors import SimulationError, UsageError
from kennan.experiments.runner import run
from kennan.scenario.loading import load_scenario, load_scenario_text

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "hypotheses.yaml"
ARRAYS = ("outcome", "time", "mass", "value", "hypothesis", "weights", "log_weights",
          "first_fired", "watched")
MAPPINGS = ("metrics", "records", "judgments")


@pytest.fixture(scope="module")
def korea():
    return build_model(load_scenario("korea-1952"))


@pytest.fixture(scope="module")
def readings():
    return build_model(load_scenario(str(FIXTURE)))


def same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """The same array, bit for bit: dtype, shape and every value (NaN where NaN)."""
    if a is None or b is None:
        return a is None and b is None
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return (a.dtype == b.dtype and a.shape == b.shape
            and np.array_equal(a.view(np.uint8), b.view(np.uint8)))


def assert_same_pooled(full: ChunkResult, own: ChunkResult) -> None:
    assert (own.start, own.count, own.courses) == (full.start, full.count, full.courses)
    for name in ARRAYS:
        assert same(getattr(full, name), getattr(own, name)), name
    for name in MAPPINGS:
        a, b = getattr(full, name), getattr(own, name)
        assert list(a) == list(b), name
        for key in a:
            assert same(a[key], b[key]), (name, key)
    assert full.trajectories == own.trajectories
    assert own.draw_numbers is None


def assert_own_rows(full: ChunkResult, own: ChunkResult) -> None:
    """Each reading's results in ``own`` are the full mode's on the draws that follow it."""
    assert list(own.hypotheses) == list(full.hypotheses)
    for k, (h, sub) in enumerate(own.hypotheses.items()):
        rows = np.flatnonzero(full.hypothesis == k)
        whole = full.hypotheses[h]
        assert sub.count == rows.size
        assert np.array_equal(sub.draw_numbers, full.start + rows)
        for name in ("outcome", "time", "mass", "value"):
            a = getattr(whole, name)
            assert same(None if a is None else np.ascontiguousarray(a[..., rows]),
                        getattr(sub, name)), (h, name)
        for name in MAPPINGS:
            for key, a in getattr(whole, name).items():
                assert same(np.ascontiguousarray(a[..., rows]), getattr(sub, name)[key]), \
                    (h, name, key)


@pytest.mark.parametrize("start,count", [(0, 40), (17, 1), (3, 2)])
def test_korea_blocks_pool_to_the_same_bits(korea, start, count):
    full = simulate(korea, start=start, count=count, seed=11)
    own = simulate(korea, start=start, count=count, seed=11, pooled_only=True)
    assert_same_pooled(full, own)
    assert_own_rows(full, own)
    if count < len(korea.hypotheses):  # some reading has no draw in this block
        assert min(sub.count for sub in own.hypotheses.values()) == 0


def test_large_arrays_from_kept_buffers_too(readings, monkeypatch):
    # Every array through the kept buffers and the full mode's slice-at-a-time pooling.
    monkeypatch.setattr(buffers, "LARGE", 0)
    monkeypatch.setattr(hypotheses, "_SLICE_BYTES", 0)
    full = simulate(readings, start=5, count=30, seed=1)
    own = simulate(readings, start=5, count=30, seed=1, pooled_only=True)
    assert_same_pooled(full, own)
    assert_own_rows(full, own)


def pooled_summary(results) -> str:
    data = results.summary.to_dict()
    data.pop("hypotheses")
    return json.dumps(data)


@pytest.mark.parametrize("scenario,draws", [("korea-1952", 30), (str(FIXTURE), 50)])
def test_runs_are_the_same_whatever_the_chunk_size(scenario, draws):
    full = run(scenario, draws=draws, seed=4, chunk_size=draws, keep_draws=True)
    d = full.per_draw()
    own_summaries = []
    for chunk_size in (1, 3, draws):
        own = run(scenario, draws=draws, seed=4, chunk_size=chunk_size, keep_draws=True,
                  pooled_only=True)
        assert pooled_summary(own) == pooled_summary(full)
        e = own.per_draw()
        for name in ("draw", "outcome", "time", "mass", "value"):
            assert same(getattr(d, name), getattr(e, name)), name
        for name in MAPPINGS:
            for key in getattr(d, name):
                assert same(getattr(d, name)[key], getattr(e, name)[key]), (name, key)
        assert own.hypothesis_weights == full.hypothesis_weights
        chosen = d.judgments["hypothesis"].astype(int)
        for k, (h, sub) in enumerate(own.hypotheses.items()):
            rows = np.flatnonzero(chosen == k)
            assert sub.draws == rows.size
            assert np.array_equal(sub.per_draw().draw, rows)
            assert same(sub.per_draw().mass, full.hypotheses[h].per_draw().mass[..., rows])
        own_summaries.append(json.dumps({h: s.to_dict()
                                         for h, s in own.summary.hypotheses.items()}))
    # each reading's own-draw summary merges to the same numbers whatever the chunking
    assert len(set(own_summaries)) == 1


def test_evidence_watch_and_forced_events_keep_the_full_mode(readings):
    for options in ({"watch": ("hold",)}, {"forced_events": {}}):
        own = simulate(readings, start=0, count=20, seed=2, pooled_only=True, **options)
        assert [sub.count for sub in own.hypotheses.values()] == [20, 20]
    assert not hypotheses.own_draws_apply(hypotheses.Options(watch=("x",)))


def test_a_run_folder_refuses_it(tmp_path):
    with pytest.raises(UsageError, match="run folder"):
        run(str(FIXTURE), draws=10, out=tmp_path / "r", pooled_only=True)


def test_a_failing_reading_fails_with_the_full_modes_message(readings):
    text = FIXTURE.read_text().replace(
        '  - {id: yielding, value: "prob(give_way)"}',
        '  - {id: yielding, value: "prob(give_way)"}\n'
        '  - {id: odd, value: "sqrt(u + p - 0.7)"}')  # NaN: written reading, u < 0.5
    model = build_model(load_scenario_text(text, str(FIXTURE)))
    # A block whose first draw follows the critics: the written reading's own block then
    # starts at a later draw, and its row numbers are not the block's.
    chosen = simulate(readings, start=0, count=50, seed=2).hypothesis
    start = int(np.flatnonzero(chosen == 1)[0])
    with pytest.raises(SimulationError) as full:
        simulate(model, start=start, count=20, seed=2)
    with pytest.raises(SimulationError) as own:
        simulate(model, start=start, count=20, seed=2, pooled_only=True)
    assert str(own.value) == str(full.value)
    assert "produced NaN (draw" in str(full.value)


def variant(*replacements: tuple[str, str]):
    text = FIXTURE.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    return build_model(load_scenario_text(text, str(FIXTURE)))


METRIC = '  - {id: yielding, value: "prob(give_way)"}'
WEIGHT = '''  - id: w_critics
    value: 0.75'''


def test_own_draws_sample_a_reading_only_when_the_weights_are_apart(readings, korea):
    assert hypotheses.own_draws_sample_readings(readings)
    assert hypotheses.own_draws_sample_readings(korea)
    # a metric reads a weight: the draws that follow a reading are tilted
    assert not hypotheses.own_draws_sample_readings(variant(
        (METRIC, METRIC + '\n  - {id: tilt, value: "w_critics * 2"}')))
    # the same read in one reading only (its override of a consideration)
    assert not hypotheses.own_draws_sample_readings(variant(
        ("values: {give_way: 2}", 'values: {give_way: "2 * w_written"}')))
    # a weight correlated with another judgment
    correlated = variant(
        (WEIGHT, "  - id: w_critics\n    uniform: {low: 0.7, high: 0.8}"),
        ("\nactors:\n", "\ncorrelations:\n  - judgments: [w_critics, u]\n    rank: 0.5\n"
                        "    assumption: \"test\"\nactors:\n"))
    assert correlated.dependence.groups
    assert not hypotheses.own_draws_sample_readings(correlated)
