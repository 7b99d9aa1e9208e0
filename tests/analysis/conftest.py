"""Shared fixtures: the toy scenario and a closed-form scenario for the analysis."""

from __future__ import annotations

from pathlib import Path

import pytest

import kennan
from kennan.experiments.results import Results

HERE = Path(__file__).resolve().parent
LINEAR = str(HERE / "linear.yaml")
TOY = str(HERE.parent / "fixtures" / "toy.yaml")


@pytest.fixture(scope="session")
def linear_results() -> Results:
    """20,000 draws of the linear scenario (steady: worth 0.5; bold: worth x)."""
    return kennan.run(LINEAR, draws=20_000, seed=0, keep_draws=True)


@pytest.fixture(scope="session")
def toy_results() -> Results:
    """3,000 draws of the toy scenario."""
    return kennan.run(TOY, draws=3000, seed=1, keep_draws=True)
