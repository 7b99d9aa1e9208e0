"""What a change runs (the outcomes, exactly as a full run gives them) and how a newer
change from the same page supersedes an older one, running or waiting."""

from __future__ import annotations

import threading
import time

import pytest

from kennan.analysis import compare
from kennan.errors import UsageError
from kennan.experiments.runner import run
from kennan.explore.runs import Superseded, outcomes_only
from kennan.explore.session import Conflict
from kennan.scenario.loading import load_scenario, load_scenario_text

from .conftest import DRAWS, TOY

PIN = {"balance": {"mode": "pin", "value": 0.3}}


def _same_outcomes(a, b) -> None:
    """Every outcome's numbers of results ``a`` and ``b`` are the same, bit for bit."""
    for x, y in [(a, b), *((a.hypotheses[h], b.hypotheses[h]) for h in a.hypotheses)]:
        s, t = x.summary, y.summary
        assert (s.counts, s.prob, s.prob_sq, s.diff_outcomes) == (
            t.counts, t.prob, t.prob_sq, t.diff_outcomes)
        assert x.per_draw().mass.tobytes() == y.per_draw().mass.tobytes()


@pytest.mark.parametrize(("scenario", "draws"), [(TOY, DRAWS), ("korea-1952", 300)])
def test_a_run_without_metrics_gives_every_outcome_exactly(scenario, draws):
    loaded = load_scenario(scenario)
    assert loaded.model.metrics  # there is something to leave out
    shown = outcomes_only(loaded)
    assert shown.model.metrics == [] and loaded.model.metrics  # the original is untouched
    full = run(loaded, draws=draws, seed=3, keep_draws=True)
    light = run(shown, draws=draws, seed=3, keep_draws=True)
    assert light.metrics == [] and full.metrics
    _same_outcomes(full, light)


def test_metrics_with_a_worth_are_kept():
    text = TOY.read_text()
    assert text.count("aggregate: sum}") == 1
    loaded = load_scenario_text(text.replace("aggregate: sum}", "aggregate: sum, worth: -1}"),
                                str(TOY))
    assert outcomes_only(loaded) is loaded


def test_the_page_shows_the_numbers_kennan_run_gives(explorer):
    view = explorer.update(version=0, edits=PIN, draws=DRAWS, seed=5)
    full = run(explorer.current, draws=DRAWS, seed=5, keep_draws=True)
    ranking = compare.ranking(full, quantity=view.quantity).set_index("course")
    assert view.numbers == {c: float(ranking.at[c, "mean"]) for c in view.numbers}


def _in_thread(work):
    box: dict = {}

    def target():
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the test
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    return thread, box


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


@pytest.fixture
def endless(monkeypatch):
    """Runs of the real engine that never finish on their own: again and again until
    stopped; ``endless.off()`` makes them single runs again."""
    import kennan.explore.session as session

    real = session.run_scenario

    def again(*args, **kwargs):
        while True:
            real(*args, **kwargs)

    monkeypatch.setattr(session, "run_scenario", again)
    return type("Endless", (), {"off": staticmethod(
        lambda: monkeypatch.setattr(session, "run_scenario", real))})


def test_a_newer_change_stops_the_run_of_an_older_one_from_the_same_tab(explorer, endless):
    first, box = _in_thread(lambda: explorer.update(
        version=0, edits=PIN, draws=DRAWS, seed=0, tab="a"))
    _wait_for(lambda: explorer.runs.running is not None)  # the older run is in the engine
    time.sleep(0.05)  # somewhere inside it
    endless.off()
    newer = {"balance": {"mode": "pin", "value": 0.7}}
    view = explorer.update(version=0, edits=newer, draws=DRAWS, seed=0, tab="a")
    first.join()
    assert isinstance(box.get("error"), Superseded), box
    assert explorer.state.edits["balance"].value == 0.7 and view.version == 1
    # nothing shared was left half-changed: the numbers are those of a fresh explorer
    fresh = type(explorer)(TOY, draws=DRAWS)
    assert fresh.update(version=0, edits=newer, draws=DRAWS, seed=0).numbers == view.numbers


def test_a_waiting_change_is_dropped_when_a_newer_one_comes(explorer):
    with explorer._lock:  # as if a run were going on
        second, box2 = _in_thread(lambda: explorer.update(
            version=0, edits={}, draws=DRAWS, seed=0, tab="a"))
        _wait_for(lambda: len(explorer.runs._open) == 1)
        third, box3 = _in_thread(lambda: explorer.update(
            version=0, edits=PIN, draws=DRAWS, seed=1, tab="a"))
        _wait_for(lambda: len(explorer.runs._open) == 2)
    second.join()
    third.join()
    assert isinstance(box2.get("error"), Superseded) and "error" not in box3
    assert explorer.state.seed == 1 and explorer.state.version == 1
    assert explorer.runs._open == []


def test_another_tab_does_not_stop_a_run_and_is_told_to_reload(explorer):
    first, box = _in_thread(lambda: explorer.update(
        version=0, edits=PIN, draws=20_000, seed=0, tab="a"))
    _wait_for(lambda: explorer.runs.running is not None or explorer.state.version == 1)
    with pytest.raises(Conflict, match="changed in another tab"):
        explorer.update(version=0, edits={}, draws=DRAWS, seed=0, tab="b")
    first.join()
    assert "error" not in box and explorer.state.version == 1


def test_a_page_may_send_its_own_next_change_before_it_saw_the_last_answer(explorer):
    explorer.update(version=0, edits=PIN, draws=DRAWS, seed=0, tab="a")
    view = explorer.update(version=0, edits={}, draws=DRAWS, seed=0, tab="a")
    assert view.version == 2
    with pytest.raises(Conflict):
        explorer.update(version=0, edits=PIN, draws=DRAWS, seed=0, tab="b")
    with pytest.raises(Conflict):
        explorer.update(version=1, edits=PIN, draws=DRAWS, seed=0)  # no tab: strict


@pytest.mark.parametrize("tab", [3, "", "x" * 65, ["a"]])
def test_a_malformed_tab_is_refused(explorer, tab):
    with pytest.raises(UsageError, match="'tab' must be"):
        explorer.update(version=0, edits={}, draws=DRAWS, seed=0, tab=tab)


def test_a_superseded_ticket_never_enters_the_engine(explorer):
    ticket = explorer.runs.begin("a")
    explorer.runs.begin("a")  # supersedes ``ticket``
    ran = []
    with pytest.raises(Superseded):
        explorer.runs.engine(ticket, lambda: ran.append(1))
    assert ran == [] and explorer.runs.running is None
