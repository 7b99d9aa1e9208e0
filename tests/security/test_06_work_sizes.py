"""Item 6: work sizes are checked before any work; the refusal names the limit and the
way past it. Memory is bounded by monkeypatching what the machine has, not by timing."""

from __future__ import annotations

import pytest

from kennan.arguments import whole
from kennan.cli.app import app
from kennan.experiments import limits

from .conftest import FIXTURES, one_line

TOY = str(FIXTURES / "toy.yaml")


@pytest.fixture
def small_machine(monkeypatch):
    """A machine with 64 MB available: big work must be refused, not attempted."""
    monkeypatch.setattr(limits, "available_memory", lambda: 64 * 2**20)


def _no_simulation(monkeypatch):
    import kennan.engine.simulate as simulate

    def refuse(*args, **kwargs):
        raise AssertionError("a simulation started")

    monkeypatch.setattr(simulate, "simulate", refuse)
    monkeypatch.setattr("kennan.experiments.chunks.simulate", refuse, raising=False)
    monkeypatch.setattr("kennan.experiments.design_chunks.simulate", refuse, raising=False)


@pytest.mark.parametrize(("args", "message"), [
    (["run", TOY, "--draws", "1000000000000"], "the limit is 1,000,000 chunks a run"),
    (["run", TOY, "--draws", str(10**23)], "draws must be at most 1,000,000,000,000"),
    (["run", TOY, "--draws", "100000", "--chunk-size", "100000"], "use a smaller --chunk-size"),
    (["run", TOY, "--draws", "1000000", "--backend", "processes", "--workers", "100000"],
     "for more workers use a Dask cluster"),
    (["sensitivity", TOY, "--outcome", "deal", "--course", "wait", "--base", "16777216"],
     "lower --base"),
    (["discover", TOY, "--outcome", "deal", "--better", "wait", "--than", "squeeze",
      "--points", str(10**12)], "lower --points or --replicates"),
    (["replay", "korea-1952", "--draws", str(10**12)], "the limit is 1,000,000 chunks"),
])
def test_oversized_work_is_refused_before_it_starts(runner, monkeypatch, small_machine,
                                                    args, message):
    _no_simulation(monkeypatch)
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in one_line(result.stderr)


def test_the_api_is_checked_the_same_way(small_machine, monkeypatch):
    from kennan.errors import UsageError
    from kennan.experiments.runner import run

    _no_simulation(monkeypatch)
    with pytest.raises(UsageError, match="keeping every draw in memory"):
        run(TOY, draws=5_000_000, keep_draws=True)


def test_a_huge_number_is_named_by_its_size_not_printed(runner):
    with pytest.raises(Exception, match="a number of about 5,001 digits"):
        whole("seed", 10**5000, least=0, most=limits.MAX_SEED)
