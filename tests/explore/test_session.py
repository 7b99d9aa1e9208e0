"""The explorer's state: edits and runs, versions, saving a copy, exporting the report."""

from __future__ import annotations

import hashlib

import pytest

from kennan.errors import UsageError
from kennan.explore.files import write_new
from kennan.explore.session import Conflict
from kennan.scenario.loading import load_scenario
from kennan.scenario.sourcepaths import allowing

from .conftest import DRAWS, TOY

PIN = {"monthly_hazard": {"mode": "set", "spec": {"value": 0.5}, "reason": "test: faster deal"}}


def _digest() -> str:
    return hashlib.sha256(TOY.read_bytes()).hexdigest()


def test_the_first_view_shows_every_course(explorer):
    view = explorer.view
    assert set(view.numbers) == {"wait", "appeal", "squeeze"}
    for course in view.numbers:
        assert f'data-course="{course}"' in view.html
    assert view.html.count("<svg") >= len(view.numbers) + 1
    assert view.version == 0 and view.draws == DRAWS


def test_a_change_moves_the_numbers_and_the_version(explorer):
    before = dict(explorer.view.numbers)
    view = explorer.update(version=0, edits=PIN, draws=DRAWS, seed=0)
    assert view.version == 1
    assert view.numbers != before
    assert "monthly_hazard" in view.html  # listed among the changes
    # back to the file: the same numbers as at the start, bit for bit
    again = explorer.update(version=1, edits={}, draws=DRAWS, seed=0)
    assert again.numbers == before


def test_a_change_from_a_stale_page_is_refused(explorer):
    explorer.update(version=0, edits=PIN, draws=DRAWS, seed=0)
    with pytest.raises(Conflict, match="changed in another tab"):
        explorer.update(version=0, edits={}, draws=DRAWS, seed=0)
    assert explorer.state.version == 1 and "monthly_hazard" in explorer.state.edits


def test_a_refused_change_leaves_the_state_as_it_was(explorer):
    with pytest.raises(UsageError, match="outside the judgment's support"):
        explorer.update(version=0, edits={"balance": {"mode": "pin", "value": 2.0}},
                        draws=DRAWS, seed=0)
    assert explorer.state.version == 0 and explorer.state.edits == {}


@pytest.mark.parametrize(("draws", "seed", "message"), [
    (10, 0, "draws must be"), (10**9, 0, "draws must be"), ("many", 0, "draws must be"),
    (DRAWS, -1, "seed must be"), (DRAWS, True, "seed must be")])
def test_bad_draws_or_seeds_are_refused(explorer, draws, seed, message):
    with pytest.raises(UsageError, match=message):
        explorer.update(version=0, edits={}, draws=draws, seed=seed)


def test_saving_writes_a_valid_copy_that_says_what_changed_and_why(explorer, tmp_path):
    before = _digest()
    explorer.update(version=0, edits=PIN, draws=DRAWS, seed=0)
    path, loaded = explorer.save(version=1, name="toy-faster.yaml", why="")
    assert path == tmp_path / "toy-faster.yaml" and _digest() == before
    judgment = next(j for j in loaded.model.judgments if j.id == "monthly_hazard")
    assert judgment.value == 0.5
    assert "Changed in kennan explore" in judgment.note and "value: 0.1" in judgment.note
    assert "test: faster deal" in judgment.note
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# An edited copy of ")
    assert "monthly_hazard: value: 0.1  ->  value: 0.5" in text
    with allowing(TOY.parent):  # the copy reads the original's source, in its folder
        assert load_scenario(path).checked.documents  # found from the new folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy-faster.yaml"]  # no temp files


def test_saving_refuses_to_overwrite_unless_asked(explorer, tmp_path):
    explorer.update(version=0, edits=PIN, draws=DRAWS, seed=0)
    (tmp_path / "taken.yaml").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="already exists"):
        explorer.save(version=1, name="taken.yaml")
    assert (tmp_path / "taken.yaml").read_text(encoding="utf-8") == "keep me"
    explorer.save(version=1, name="taken.yaml", overwrite=True)
    assert "monthly_hazard" in (tmp_path / "taken.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "message"), [
    ("../escape.yaml", "plain name"), ("sub/dir.yaml", "plain name"),
    (".hidden.yaml", "plain name"),
    ("notes.txt", "end in .yaml"), (7, "plain name")])
def test_saving_only_writes_plain_names_in_the_folder(explorer, name, message):
    explorer.update(version=0, edits=PIN, draws=DRAWS, seed=0)
    with pytest.raises(UsageError, match=message):
        explorer.save(version=1, name=name)


def test_saving_needs_a_change_and_a_reason(explorer):
    with pytest.raises(UsageError, match="nothing to save"):
        explorer.save(version=0, name="x.yaml", why="because")
    explorer.update(version=0, edits={"balance": {"mode": "pin", "value": 0.3}}, draws=DRAWS,
                    seed=0)
    with pytest.raises(UsageError, match="no reason given for balance"):
        explorer.save(version=1, name="x.yaml")
    _, loaded = explorer.save(version=1, name="x.yaml", why="a closer balance")
    assert "a closer balance" in next(j for j in loaded.model.judgments if j.id == "balance").note


def test_write_new_leaves_nothing_behind_when_it_refuses(tmp_path):
    target = tmp_path / "a.yaml"
    write_new(target, "one")
    with pytest.raises(UsageError):
        write_new(target, "two")
    assert target.read_text(encoding="utf-8") == "one"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_sensitivity_ranks_judgments_with_their_grounds(explorer):
    s = explorer.sensitivity(version=0, method="morris", size=4)
    assert set(s.table["judgment"]) == {"balance", "vindication"}
    assert s.table["grounds"].str.contains("¶").all()
    with pytest.raises(UsageError, match="unknown method"):
        explorer.sensitivity(version=0, method="guess")


def test_export_writes_the_report_of_the_current_state(explorer, tmp_path):
    explorer.update(version=0, edits=PIN, draws=DRAWS, seed=0)
    path = explorer.export(version=1, name="view.html", sobol_base=0, points=40, replicates=2)
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "value 0.5" in html


def test_hypotheses_weights_are_controls_and_each_reading_is_shown(tmp_path):
    from kennan.explore.session import Explorer
    from kennan.explore.view import judgment_controls

    readings = TOY.parent / "hypotheses.yaml"
    e = Explorer(readings, draws=DRAWS, folder=tmp_path)
    assert 'id="readings"' in e.view.html and "The critics gain ground" in e.view.html
    rows = {r["id"]: r for r in judgment_controls(e.original, e.state)}
    assert rows["w_critics"]["weighs"] == ["The critics gain ground"]
    # weights that cannot sum to 1 are refused as in a file; moving both together is not
    with pytest.raises(UsageError, match="hypothesis weights cannot sum to 1"):
        e.update(version=0, edits={"w_written": {"mode": "set", "spec": {"value": 0.9}}},
                 draws=DRAWS, seed=0)
    before = e.view.numbers
    view = e.update(version=0, draws=DRAWS, seed=0,
                    edits={"w_written": {"mode": "set", "spec": {"value": 0.9}},
                           "w_critics": {"mode": "set", "spec": {"value": 0.1}}})
    assert view.numbers != before and ">0.90<" in view.html


def test_where_the_two_best_courses_swap_places_is_found_on_demand(explorer):
    from kennan.explore.ranking import flips_html

    found = explorer.flips(version=0, points=60, replicates=1)
    view = explorer.view
    assert [(f.better, f.than) for f in found] == [(view.runner_up, view.best),
                                                  (view.best, view.runner_up)]
    html = flips_html(found, {"wait": "Wait", "appeal": "appeal", "squeeze": "squeeze"})
    assert html.count('<div class="flip">') == 2
    with pytest.raises(UsageError, match="points must be"):
        explorer.flips(version=0, points=3)


def test_the_judgment_chance_split_in_closed_form():
    from types import SimpleNamespace

    import numpy as np

    from kennan.analysis.quantity import Quantity
    from kennan.explore.view import judgment_split

    q = Quantity("outcome", "deal", "Deal", 0)
    n = 1000
    sure = np.tile([0.0, 1.0], n // 2)  # each draw decides the outcome: all judgment
    flat = np.full(n, 0.3)  # every draw alike: all chance
    half = np.tile([0.2, 0.6], n // 2)  # Var(E) = 0.04 * n/(n-1); Var = 0.4 * 0.6
    d = SimpleNamespace(mass=True, probability=lambda k, within: np.vstack([sure, flat, half]))
    split = judgment_split(q, d)
    assert split[0]["share"] == 1.0 and split[1]["share"] == pytest.approx(0.0, abs=1e-15)
    assert split[2]["share"] == pytest.approx(0.04 * n / (n - 1) / 0.24, rel=1e-12)
    assert (split[1]["p5"], split[1]["p95"]) == (0.3, 0.3)
    assert judgment_split(Quantity("metric", "m", "M", 0), d) is None


def test_moving_a_median_and_range_keeps_the_kind_and_is_saved_as_such(explorer):
    view = explorer.update(version=0, draws=DRAWS, seed=0, edits={
        "balance": {"mode": "range", "median": 0.3, "width": 0.2, "reason": "closer"}})
    assert "<code>beta: {a: 5, b: 5}</code> → <code>beta: {a: " in view.html
    dist = explorer.current.checked.distributions["balance"]
    p5, p50, p95 = (float(x) for x in dist.percentiles((5, 50, 95)))
    assert p50 == pytest.approx(0.3, abs=1e-6) and p95 - p5 == pytest.approx(0.2, abs=1e-6)
    _, saved = explorer.save(version=1, name="ranged.yaml")
    assert next(j for j in saved.model.judgments if j.id == "balance").kind == "beta"
    with pytest.raises(UsageError, match="a beta lies in"):
        explorer.update(version=1, draws=DRAWS, seed=0,
                        edits={"balance": {"mode": "range", "median": 2.0, "width": 0.2}})


def test_saving_over_the_scenario_being_explored_is_refused(tmp_path):
    """The file on disk is never modified in place, even when asked to overwrite it."""
    from kennan.explore.session import Explorer

    path = tmp_path / "toy.yaml"
    path.write_bytes(TOY.read_bytes())
    (tmp_path / "source.txt").write_bytes((TOY.parent / "source.txt").read_bytes())
    e = Explorer(path, draws=DRAWS, folder=tmp_path)
    e.update(version=0, edits=PIN, draws=DRAWS, seed=0)
    with pytest.raises(UsageError, match="never modified in place"):
        e.save(version=1, name="toy.yaml", why="test", overwrite=True)
    assert path.read_bytes() == TOY.read_bytes()
