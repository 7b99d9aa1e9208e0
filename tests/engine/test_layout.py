"""What the engine keeps per block: the state at the start, and the layout of its arrays."""

from __future__ import annotations

import numpy as np
import pytest

from kennan.engine import simulate as simulate_module
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.scenario.loading import load_scenario_text


def model_of(body: str, horizon: int = 2):
    text = f"kennan: 1\nid: t\ntitle: test\ntime: {{start: 2000-01, horizon: {horizon}}}\n{body}"
    return build_model(load_scenario_text(text, "test.yaml"))


DECIDER = """
actors: [{id: power, kind: state}]
judgments:
  - {id: j, uniform: {low: 1, high: 2}, assumption: test}
considerations:
  - {id: c, actor: power, decision: stance, weight: 1, values: {a: "log(4)", b: 0}}
decisions:
  - {id: stance, owner: power, options: [{id: a}, {id: b}], sharpness: 1}
policies: [{id: one}, {id: two}]
"""


def test_derived_values_at_the_start_see_the_decision_at_second_hand():
    # x reads the decision, y reads x: both come after it; s's first update reads y.
    model = model_of(DECIDER + """
state:
  - {id: x, value: "prob(a)"}
  - {id: y, value: "2 * x"}
  - {id: z, value: "j + 1"}
  - {id: s, initial: 0, update: "s + y + z"}
""")
    result = simulate(model, start=0, count=50, seed=0, watch=("s",))
    judgment = result.judgments["j"]
    expected = (0 + 2 * 0.8 + (judgment + 1)).astype(np.float32)
    assert result.watched[0, 0] == pytest.approx(expected, rel=1e-6)


def test_every_state_array_is_c_ordered(monkeypatch):
    # A row of a Fortran-ordered (courses, draws) array is strided: every operation on it,
    # and every one mixing it with C-ordered arrays, is slower. Judgments broadcast down
    # the courses must not leave their strides' order in the state.
    model = model_of(DECIDER + """
state:
  - {id: x, value: "j * prob(a)", bounds: [0, 10]}
  - {id: s, initial: j, update: "s + x"}
  - {id: k, initial: j, bounds: [0, 5]}
""")
    blocks = []
    init = simulate_module.Block.__init__

    def keep(self, *args, **kwargs):
        init(self, *args, **kwargs)
        blocks.append(self)

    monkeypatch.setattr(simulate_module.Block, "__init__", keep)
    simulate(model, start=0, count=40, seed=0)
    env = blocks[0].ev.env
    state = {name: v for name, v in env.items() if isinstance(v, np.ndarray) and v.ndim == 2}
    assert {"x", "s", "k", "prob:a"} <= set(state)
    assert all(v.flags.c_contiguous for v in state.values()), [
        name for name, v in state.items() if not v.flags.c_contiguous]
