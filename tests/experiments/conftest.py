"""Shared fixtures for the experiments tests: the toy scenario and table helpers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

TOY = Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml"


@pytest.fixture
def toy() -> str:
    """Path of the toy scenario."""
    return str(TOY)


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["draw", "course"], kind="stable").reset_index(drop=True)


@pytest.fixture
def canonical():
    """Puts a per-draw table in one order (draw, then course), whatever the chunking."""
    return _canonical
