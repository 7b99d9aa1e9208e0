"""The runner: same seed same numbers, any chunk size the same numbers, clear misuse errors."""

from __future__ import annotations

from pathlib import Path

import pandas.testing as pdt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.errors import UsageError
from kennan.experiments.runner import chunk_plan, run


def test_same_seed_same_numbers_other_seed_other_numbers(toy):
    a = run(toy, draws=400, seed=5, chunk_size=128)
    b = run(toy, draws=400, seed=5, chunk_size=128)
    c = run(toy, draws=400, seed=6, chunk_size=128)
    assert a.summary.to_dict() == b.summary.to_dict()
    assert a.summary.to_dict() != c.summary.to_dict()


def test_chunk_sizes_give_identical_summaries_and_draws(toy, canonical):
    small = run(toy, draws=3000, seed=11, chunk_size=1000)
    large = run(toy, draws=3000, seed=11, chunk_size=65_536)
    odd = run(toy, draws=3000, seed=11, chunk_size=777)
    assert small.summary.to_dict() == large.summary.to_dict() == odd.summary.to_dict()
    assert small.to_json() == large.to_json()
    pdt.assert_frame_equal(canonical(small.draws_table()), canonical(large.draws_table()))
    pdt.assert_frame_equal(canonical(odd.draws_table()), canonical(large.draws_table()))


def test_progress_counts_every_draw(toy):
    seen = []
    run(toy, draws=250, chunk_size=100, progress=seen.append)
    assert seen == [100, 100, 50]


def test_draws_beyond_the_keep_limit_are_not_kept(toy, monkeypatch):
    monkeypatch.setattr("kennan.experiments.runner.KEEP_DRAWS_LIMIT", 100)
    results = run(toy, draws=150, chunk_size=100)
    with pytest.raises(ValueError, match="keep_draws"):
        results.draws_table()
    assert results.draws == 150


def test_chunk_plan_covers_every_draw_once():
    assert chunk_plan(10, 4) == [(0, 4), (4, 4), (8, 2)]
    assert chunk_plan(3, 65_536) == [(0, 3)]


@pytest.mark.parametrize(("options", "message"), [
    ({"draws": 0}, "draws must be at least 1, got 0"),
    ({"chunk_size": 0}, "chunk_size must be at least 1, got 0"),
    ({"baseline": "nope"}, "unknown baseline course 'nope'; valid: wait, appeal, squeeze"),
    ({"courses": ["wait", "nope"]}, "unknown course(s) of action 'nope'"),
    ({"resume": True}, "--resume needs the run folder"),
])
def test_misuse_is_a_usage_error(toy, options, message):
    with pytest.raises(UsageError) as info:
        run(toy, **options)
    assert message in str(info.value)


def test_keeping_draws_with_a_run_folder_is_refused(toy, tmp_path):
    with pytest.raises(UsageError, match="Parquet files"):
        run(toy, draws=10, out=tmp_path / "run", keep_draws=True)


def test_courses_and_baseline_select_and_pair(toy, canonical):
    results = run(toy, draws=300, courses=["squeeze", "wait"], baseline="wait")
    assert results.courses == ["squeeze", "wait"]
    assert results.baseline == "wait"
    full = run(toy, draws=300)
    # Common random numbers: a course's draws do not depend on which other courses run.
    mine = canonical(results.draws_table())
    theirs = canonical(full.draws_table())
    theirs = theirs[theirs.course.isin(["squeeze", "wait"])].reset_index(drop=True)
    pdt.assert_frame_equal(mine, theirs)


@settings(max_examples=12, deadline=None)
@given(draws=st.integers(1, 60), chunk_size=st.integers(1, 70))
def test_any_chunking_gives_the_reference_summary(draws, chunk_size):
    toy = str(Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml")
    whole = run(toy, draws=draws, seed=8, chunk_size=draws)
    parts = run(toy, draws=draws, seed=8, chunk_size=chunk_size)
    assert parts.summary.to_dict() == whole.summary.to_dict()
