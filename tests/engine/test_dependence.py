"""Dependent judgments: declared rank correlations come out, orders always hold, each
judgment keeps its distribution, and a draw's values never depend on its chunk."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kennan.analysis.sensitivity import morris, sobol
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.experiments import designs
from kennan.experiments.runner import run_design
from kennan.experiments.study import Study
from kennan.scenario.loading import load_scenario_text

HEAD = "kennan: 1\nid: t\ntitle: test\ntime: {start: 2000-01, horizon: 3}\n"
MATRIX = [[1.0, 0.6, 0.3], [0.6, 1.0, -0.4], [0.3, -0.4, 1.0]]

CORRELATED = HEAD + f"""
judgments:
  - {{id: a, beta: {{a: 2, b: 5}}, assumption: test}}
  - {{id: b, lognormal: {{median: 3, sigma: 0.8}}, assumption: test}}
  - {{id: c, uniform: {{low: -1, high: 4}}, assumption: test}}
  - {{id: free, uniform: {{low: 0, high: 1}}, assumption: test}}
  - {{id: p, value: 0.2, assumption: test}}
correlations:
  - judgments: [a, b, c]
    rank: {MATRIX}
    assumption: they move together
policies: [{{id: wait}}]
"""

ORDERED = HEAD + """
judgments:
  - {id: c1, uniform: {low: 0, high: 1}, assumption: test}
  - {id: c2, uniform: {low: 0, high: 1}, assumption: test}
  - {id: c3, uniform: {low: 0, high: 1}, assumption: test}
  - {id: big, triangular: {low: 0.3, mode: 0.8, high: 1}, assumption: test}
  - {id: small, triangular: {low: 0, mode: 0.2, high: 0.9}, assumption: test}
orders:
  - judgments: [c1, c2, c3]
    assumption: the first concession costs the most
  - judgments: [big, small]
    assumption: test
correlations:
  - {judgments: [c1, big], rank: 0.5, assumption: test}
policies: [{id: wait}]
"""


def draws(text: str, n: int, seed: int = 1, **kw) -> dict[str, np.ndarray]:
    model = build_model(load_scenario_text(text, "t.yaml"))
    return simulate(model, start=0, count=n, seed=seed, **kw).judgments


def spearman_se(rho: float, n: int) -> float:
    # Bonett and Wright (2000): var(z(r_s)) ~ (1 + rho^2 / 2) / (n - 3) on Fisher's scale.
    return (1 - rho**2) * np.sqrt((1 + rho**2 / 2) / (n - 3))


def test_sampled_rank_correlations_match_the_declared_matrix():
    n = 20_000
    j = draws(CORRELATED, n)
    names = ["a", "b", "c"]
    for r in range(3):
        for q in range(r + 1, 3):
            got = stats.spearmanr(j[names[r]], j[names[q]]).statistic
            want = MATRIX[r][q]
            assert abs(got - want) < 4 * spearman_se(want, n), (names[r], names[q], got)
    # an undeclared pair stays independent
    assert abs(stats.spearmanr(j["a"], j["free"]).statistic) < 4 * spearman_se(0.0, n)


def test_each_correlated_judgment_keeps_its_distribution():
    model = build_model(load_scenario_text(CORRELATED, "t.yaml"))
    j = simulate(model, start=0, count=20_000, seed=2).judgments
    for jid, dist in model.judgments:
        if jid in ("a", "b", "c"):
            # the CDF of its own distribution makes it uniform again
            assert stats.kstest(dist.cdf(j[jid]), "uniform").pvalue > 1e-3, jid


def test_orders_always_hold_and_keep_each_range():
    j = draws(ORDERED, 20_000)
    assert np.all(j["c1"] >= j["c2"]) and np.all(j["c2"] >= j["c3"])
    assert np.all(j["big"] >= j["small"])
    assert j["big"].min() >= 0.3 and j["small"].max() <= 0.9
    # three judgments of one distribution in one chain: the order statistics of three
    # uniforms, with means 3/4, 1/2 and 1/4
    se = np.sqrt(0.04 / 20_000)
    for jid, mean in (("c1", 0.75), ("c2", 0.5), ("c3", 0.25)):
        assert abs(j[jid].mean() - mean) < 4 * se, jid


def test_a_draw_does_not_depend_on_its_chunk():
    model = build_model(load_scenario_text(ORDERED, "t.yaml"))
    whole = simulate(model, start=0, count=500, seed=4).judgments
    for start, count in ((0, 1), (37, 13), (250, 250), (499, 1)):
        part = simulate(model, start=start, count=count, seed=4).judgments
        for jid, values in part.items():
            assert np.array_equal(whole[jid][start:start + count], values), jid
    # the same through a design's uniforms (Latin hypercube), chunked differently
    names = designs.uncertain_judgments(model)
    u = designs.full_uniforms(model, names, designs.latin_hypercube(names, count=300, seed=1))

    def judged(chunk):
        return np.stack([chunk.judgments[n] for n in names])

    study = Study(model.loaded, model, None, None)
    one = run_design(Study.open(study, chunk_size=300), count=300, seed=1,
                     sample=u, names=study.judgment_ids, extract=judged)
    many = run_design(Study.open(study, chunk_size=7), count=300, seed=1,
                      sample=u, names=study.judgment_ids, extract=judged)
    assert np.array_equal(one, many)
    assert np.all(one[0] >= one[1]) and np.all(one[1] >= one[2])


def test_independent_judgments_are_drawn_as_before():
    # No dependence declared: the values are exactly each judgment's inverse CDF of its
    # own stream, as they always were.
    from kennan.engine.streams import Streams

    text = HEAD + """
judgments:
  - {id: x, normal: {mean: 1, sd: 2}, assumption: test}
policies: [{id: wait}]
"""
    model = build_model(load_scenario_text(text, "t.yaml"))
    got = simulate(model, start=5, count=100, seed=3).judgments["x"]
    u = Streams(3, np.arange(5, 105, dtype=np.uint64))("judgment:x")
    assert np.array_equal(got, model.judgments[0][1].ppf(u))


@settings(max_examples=40, deadline=None)
@given(rho=st.floats(-0.95, 0.95), k=st.integers(2, 4))
def test_an_exchangeable_matrix_gives_its_correlation(rho: float, k: int):
    names = [f"j{i}" for i in range(k)]
    text = HEAD + "judgments:\n" + "".join(
        f"  - {{id: {n}, uniform: {{low: 0, high: 1}}, assumption: test}}\n" for n in names)
    text += f"correlations: [{{judgments: [{', '.join(names)}], rank: {rho!r}, " \
            "assumption: test}]\npolicies: [{id: wait}]\n"
    if 2 * np.sin(np.pi * rho / 6) < -1.0 / (k - 1) + 1e-6:
        return  # not positive semi-definite on the copula's scale: refused, see bad input
    j = draws(text, 4000)
    got = stats.spearmanr(j["j0"], j[names[-1]]).statistic
    assert abs(got - rho) < 5 * spearman_se(rho, 4000)


LINKED = HEAD.replace("horizon: 3", "horizon: 2") + """
judgments:
  - {id: a, uniform: {low: 0, high: 1}, assumption: test}
  - {id: b, uniform: {low: 0, high: 1}, assumption: test}
  - {id: c, uniform: {low: 0, high: 1}, assumption: test}
correlations: [{judgments: [a, b], rank: 0.7, assumption: test}]
state: [{id: x, initial: "a + b + 0.5 * c"}]
policies: [{id: wait}]
metrics: [{id: xm, value: x}]
"""


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_sensitivity_treats_a_correlated_group_as_one_factor(method):
    loaded = load_scenario_text(LINKED, "t.yaml")
    if method == "sobol":
        r = sobol(loaded, course="wait", metric="xm", base=256, seed=1, resamples=20)
    else:
        r = morris(loaded, course="wait", metric="xm", trajectories=20, seed=1, resamples=20)
    assert list(r.table["judgment"]) == ["a + b", "c"]
    assert list(r.table["grouped"]) == [True, False]
    assert r.groups == {"a + b": ["a", "b"]}
    assert r.to_json()["groups"] == {"a + b": ["a", "b"]}
    if method == "sobol":
        # x = (a + b) + c / 2: Var(a + b) = (2 + 2 * 0.7) / 12 (near enough for ranks),
        # Var(c / 2) = 1 / 48: the group carries about 94% of the variance
        row = r.table.set_index("judgment")
        assert row.loc["a + b", "ST"] > 0.85 and row.loc["c", "ST"] < 0.15


ALL_LINKED = HEAD.replace("horizon: 3", "horizon: 6") + """
judgments:
  - {id: a, uniform: {low: 0.05, high: 0.3}, assumption: x}
  - {id: b, uniform: {low: 0.0, high: 0.2}, assumption: x}
  - {id: c, uniform: {low: 0, high: 0.2}, assumption: x}
correlations:
  - {judgments: [a, b], rank: 0.5, assumption: they move together}
orders:
  - {judgments: [a, c], assumption: a above c}
policies:
  - id: wait
  - id: push
    ladder: [{id: p1}]
outcomes:
  - {id: deal, hazard: "a + 0.2 * active(p1) * b"}
  - {id: war, hazard: "c * 0.2"}
"""


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_when_every_judgment_is_linked_there_is_one_factor(method):
    # SALib's samplers ignore a single group; the design is then built as one factor.
    loaded = load_scenario_text(ALL_LINKED, "t.yaml")
    if method == "sobol":
        r = sobol(loaded, course="push", outcome="deal", base=64, seed=1, resamples=10)
        assert r.evaluations == 64 * 3
    else:
        r = morris(loaded, course="push", outcome="deal", trajectories=10, seed=1,
                   resamples=10)
        assert r.evaluations == 10 * 2
    assert list(r.table["judgment"]) == ["a + b + c"]
    assert r.groups == {"a + b + c": ["a", "b", "c"]}


def test_judgments_command_and_report_show_the_dependencies(tmp_path):
    import json

    from typer.testing import CliRunner

    from kennan.cli.app import app
    from kennan.report.render import write_report

    path = tmp_path / "s.yaml"
    path.write_text(ALL_LINKED, encoding="utf-8")
    out = CliRunner().invoke(app, ["judgments", str(path), "--json"])
    deps = json.loads(out.stdout)["dependencies"]
    assert [d["kind"] for d in deps] == ["correlation", "order"]
    assert deps[0]["text"] == "rank correlation 0.5 between each pair of a, b"
    assert deps[1]["text"] == "in every draw a >= c"
    assert deps[1]["grounds"] == "assumption: a above c"
    html = write_report(str(path), output=tmp_path / "r.html", draws=400, seed=0,
                        sobol_base=16, points=40, replicates=1).read_text(encoding="utf-8")
    assert 'data-dependency="correlation"' in html and 'data-dependency="order"' in html
    assert "one factor, grouped" in html
