"""Analyses on conditional probabilities: known answers for the judgment share, Sobol',
and EVPPI by regression against nested Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest

import kennan
from kennan.analysis import sensitivity as sa
from kennan.analysis.evppi import evppi
from kennan.analysis.quantity import quantity_of
from kennan.errors import UsageError
from kennan.experiments.runner import run_design
from kennan.experiments.study import Study

from .conftest import HERE

HAZARD = str(HERE / "hazard.yaml")
EVPPI = str(HERE / "evppi.yaml")


def exact_share() -> float:
    # theta ~ U(0, 0.2), P(theta) = 1 - (1 - theta)^12; share = Var P / (p (1 - p))
    a = 0.2
    m1 = 1 - (1 - (1 - a) ** 13) / (13 * a)
    e_s2 = (1 - (1 - a) ** 25) / (25 * a)  # E[(1 - theta)^24]
    e_s = (1 - (1 - a) ** 13) / (13 * a)  # E[(1 - theta)^12]
    var = e_s2 - e_s ** 2
    return var / (m1 * (1 - m1))


def test_judgment_share_of_a_hazard_judgment_is_exact():
    assert exact_share() == pytest.approx(0.290, abs=0.0005)
    r = kennan.run(HAZARD, draws=20_000, seed=0)
    share = r.to_json()["courses"]["only"]["judgment_share"]["hit"]
    assert share == pytest.approx(exact_share(), abs=0.01)


def test_sobol_of_the_conditional_probability_finds_the_judgment():
    s = sa.sobol(HAZARD, course="only", outcome="hit", base=512)
    t = s.table.set_index("judgment")
    assert t.at["theta", "S1"] >= 0.9
    assert t.at["noise", "S1"] == pytest.approx(0.0, abs=0.02)
    assert (s.table[["S1", "S1_low", "ST", "ST_low"]] >= 0).all().all()


def test_evppi_by_regression_matches_nested_monte_carlo():
    r = kennan.run(EVPPI, draws=10_000, seed=0, keep_draws=True)
    table = evppi(r, groups={"both": ["theta", "phi"]}).set_index("judgment")
    study = Study.open(EVPPI)
    q = quantity_of(study.catalog)
    outer, inner = 100, 400
    # Outer point i: theta at its (i + 0.5)/outer quantile, phi and chance drawn inner times.
    u = np.full((outer * inner, 2), 0.5)
    u[:, 0] = (np.arange(outer * inner) // inner + 0.5) / outer
    v = run_design(study, count=outer * inner, seed=1, names=study.judgment_ids, sample=u,
                   extract=q.values)
    v = v.reshape(v.shape[0], outer, inner).mean(axis=2).T
    nested = v.max(axis=1).mean() - v.mean(axis=0).max()
    assert nested > 0.05
    assert table.at["theta", "evppi"] == pytest.approx(nested, abs=0.006)
    assert table.at["both", "evppi"] == pytest.approx(nested, abs=0.006)
    assert table.at["phi", "evppi"] < 0.002


def test_evppi_refuses_an_unknown_member():
    r = kennan.run(EVPPI, draws=200, seed=0, keep_draws=True)
    with pytest.raises(UsageError, match="unknown judgment"):
        evppi(r, groups={"g": ["theta", "nope"]})


def test_replications_separate_judgments_path_and_dice():
    from kennan.analysis.decomposition import decompose

    t = decompose(HAZARD, draws=6000, replications=2, seed=1).set_index("course")
    assert t.at["only", "judgments"] == pytest.approx(exact_share(), abs=0.03)
    assert t.at["only", "path"] == 0.0  # nothing else is random
    t = decompose(EVPPI, draws=3000, replications=3, seed=1).set_index("course")
    row = t.loc["bold"]
    assert row.path > 0.005  # the shock event shapes the path
    assert row.judgments + row.path + row.outcome == pytest.approx(1.0)
    assert t.at["steady", "judgments"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("options, message", [
    ({"replications": 1}, "replications must be between 2 and"),
    ({"replications": 10**6}, "replications must be between 2 and"),
    ({"draws": 10**9, "replications": 10**4}, "memory"),
])
def test_decomposition_refuses_bad_options_before_work(options, message):
    from kennan.analysis.decomposition import decompose

    with pytest.raises(UsageError, match=message):
        decompose(HAZARD, **options)
