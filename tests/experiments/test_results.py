"""Results: tables, per-draw arrays, intervals and the SVG figures (notebook plotting)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import kennan
from kennan.errors import UsageError
from kennan.experiments.results import Results, wilson
from kennan.report.figures import SvgFigure, nice_ticks
from kennan.report.plots import plot_outcomes, plot_risk_benefit, plot_trajectories


@pytest.fixture(scope="module")
def results(request) -> Results:
    toy = request.path.parent.parent / "fixtures" / "toy.yaml"
    return kennan.run(str(toy), draws=1500, seed=3, keep_draws=True)


def test_table_has_a_row_per_course_and_probabilities(results):
    t = results.table()
    assert list(t.index) == results.courses
    for o in results.outcomes:
        assert t[o].between(0, 1).all()


def test_per_draw_arrays_match_the_per_draw_table(results):
    d = results.per_draw()
    assert d.count == results.draws
    assert d.outcome.shape == (len(results.courses), results.draws)
    frame = results.draws_table()
    for c, course in enumerate(results.courses):
        rows = frame[frame["course"] == course].sort_values("draw")
        np.testing.assert_array_equal(rows["strain_total"].to_numpy(), d.metrics["strain_total"][c])
    np.testing.assert_array_equal(d.draw, np.arange(results.draws))


def test_per_draw_refused_when_draws_were_not_kept(request):
    toy = request.path.parent.parent / "fixtures" / "toy.yaml"
    r = kennan.run(str(toy), draws=50, seed=0, keep_draws=False)
    with pytest.raises(UsageError, match="keep_draws"):
        r.per_draw()


def test_outcome_interval_is_wilson_and_contains_the_estimate(results):
    p, lo, hi = results.outcome_interval("squeeze", "war")
    assert lo <= p <= hi
    assert (lo, hi) == wilson(p, results.draws)


def test_metric_interval_matches_numpy(results):
    d = results.per_draw()
    c = results.courses.index("squeeze")
    v = d.metrics["strain_total"][c]
    mean, lo, hi = results.metric_interval("squeeze", "strain_total")
    assert mean == pytest.approx(v.mean())
    half = 1.959963984540054 * v.std(ddof=1) / math.sqrt(v.size)
    assert hi - mean == pytest.approx(half, rel=1e-9)
    assert mean - lo == pytest.approx(half, rel=1e-9)


@pytest.mark.parametrize(("p", "n"), [(0.0, 10), (1.0, 10), (0.3, 1000), (0.5, 1)])
def test_wilson_stays_in_unit_interval(p, n):
    lo, hi = wilson(p, n)
    assert 0.0 <= lo <= p <= hi <= 1.0


@pytest.mark.parametrize(("call", "message"), [
    (lambda r: r.check_course("nope"), "unknown course of action 'nope'; valid: wait, appeal"),
    (lambda r: r.check_outcome("nope"), "unknown outcome 'nope'; valid: war, deal"),
    (lambda r: r.check_metric("nope"), "unknown metric 'nope'; valid: strain_total"),
    (lambda r: plot_outcomes(r, ["nope"]), "valid: war, deal"),
    (lambda r: plot_risk_benefit(r, "deal", "nope"), "expected an outcome or a metric"),
    (lambda r: plot_trajectories(r, ["nope"]), "valid: strain_total, hawk_influence"),
])
def test_unknown_ids_list_the_valid_ones(results, call, message):
    with pytest.raises(UsageError, match=message):
        call(results)


@pytest.mark.parametrize("plot", [plot_outcomes, plot_risk_benefit, plot_trajectories])
def test_plots_are_well_formed_svg_for_notebooks(results, plot):
    fig = plot(results)
    assert isinstance(fig, SvgFigure)
    svg = fig._repr_svg_()
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag.endswith("svg")
    for course in results.courses:
        assert f'data-course="{course}"' in svg
    assert "<script" not in svg and "http://" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")


def test_plot_save_creates_folders(results, tmp_path):
    path = plot_outcomes(results).save(tmp_path / "a" / "b" / "fig.svg")
    assert path.read_text(encoding="utf-8").startswith("<svg")


def test_defaults_for_risk_and_influence(results):
    assert results.default_risk("deal") == "war"
    assert results.influence_metrics() == ["hawk_influence"]


def test_labels_are_escaped_in_figures():
    from kennan.report import figures

    panel = figures.Panel("a <b> & c", [figures.Series("k", "x<y", [0.1, 0.2])])
    fig = figures.line_panels([panel], ["t0", "t1"])
    ET.fromstring(fig.svg)
    assert "a &lt;b&gt; &amp; c" in fig.svg


@pytest.mark.parametrize(("lo", "hi"), [(0, 1), (0.001, 0.0032), (-5, 17), (3, 3), (1e6, 2e6)])
def test_nice_ticks_cover_the_range(lo, hi):
    ticks = nice_ticks(lo, hi)
    assert ticks[0] <= lo and ticks[-1] >= hi
    assert 2 <= len(ticks) <= 12
