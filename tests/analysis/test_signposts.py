"""Signposts: an indicator that decides which course is best is found; noise is not."""

from __future__ import annotations

import pytest

from kennan.analysis.signposts import find_signposts
from kennan.scenario.loading import load_scenario_text

TELL = """\
kennan: 1
id: tell
title: One event tells which course works
time: {start: 2000-01, period: month, horizon: 12}
state:
  - {id: s, initial: 0}
policies:
  - id: a
    ladder: [{id: go_a}]
  - id: b
    ladder: [{id: go_b}]
events:
  - {id: tell, at: 2000-02, probability: 0.5, effects: {set: {s: 1}}}
  - {id: noise, hazard: 0.3}
outcomes:
  - {id: good, hazard: "0.3 * (s * active(go_a) + (1 - s) * active(go_b))"}
question: {outcome: good, within: 12}
"""


def test_the_telling_event_is_the_top_signpost_and_noise_is_worth_nothing(tmp_path):
    loaded = load_scenario_text(TELL, str(tmp_path / "tell.yaml"))
    result = find_signposts(loaded, draws=20_000, seed=1, top=50)
    # The event and the state it sets (s above 0) tell the same thing.
    assert {s.event for s in result.signposts[:2]} == {"tell", "s"}
    top = next(s for s in result.signposts if s.event == "tell")
    assert (top.event, top.best_if_seen, top.best_if_not) == ("tell", "a", "b")
    # Watched under b, the best now (0.5 (1 - 0.7^12) + 0.5 x 0.3 against 0.5 (1 - 0.7^11)):
    # open at the end of month 3 with chance 0.7 if told, 0.7^3 if not.
    assert result.recommended == "b"
    assert top.chance == pytest.approx(0.7 / (0.7 + 0.343), abs=0.015)
    assert top.value > 0.2
    assert "If 'tell' (tell) is seen by 2000-03, a becomes the best course" in top.trigger
    noise = [s for s in result.signposts if s.event == "noise"]
    assert noise and all(abs(s.value) < 0.02 for s in noise)
    assert result.to_json()["signposts"][0]["event"] in {"tell", "s"}
