"""A run made stoppable stops at its next period once asked, and is unchanged otherwise."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kennan.engine.interrupt import Stopped, checkpoint, stoppable
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate

TOY = Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml"


def test_a_stoppable_run_not_stopped_is_the_same_run():
    model = build_model(str(TOY))
    plain = simulate(model, start=0, count=300, seed=4)
    with stoppable(threading.Event()):
        again = simulate(model, start=0, count=300, seed=4)
    assert plain.mass.tobytes() == again.mass.tobytes()
    assert plain.outcome.tobytes() == again.outcome.tobytes()


def test_a_stopped_run_stops_at_its_next_period_and_only_in_its_context():
    model = build_model(str(TOY))
    stop = threading.Event()
    periods = []
    real_checkpoint = checkpoint

    def counting():
        periods.append(1)
        if len(periods) == 3:
            stop.set()  # asked to stop while the third period starts
        real_checkpoint()

    import kennan.engine.simulate as sim

    original = sim.checkpoint
    sim.checkpoint = counting
    try:
        with stoppable(stop), pytest.raises(Stopped):
            simulate(model, start=0, count=50, seed=0)
    finally:
        sim.checkpoint = original
    assert len(periods) == 3
    # the event set, but outside the block: runs are not stopped
    simulate(model, start=0, count=50, seed=0)
    # another thread's runs are not stopped by this context's event
    box = {}
    with stoppable(stop):
        worker = threading.Thread(target=lambda: box.update(
            r=simulate(model, start=0, count=50, seed=0)))
        worker.start()
        worker.join()
    assert "r" in box
