"""A small report of the toy scenario, built once for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

TOY = str(Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml")
#: Small enough to keep the tests fast, large enough for every section to have content.
SMALL = {"draws": 800, "seed": 0, "sobol_base": 32, "points": 60, "replicates": 2}


@pytest.fixture(scope="session")
def toy_report(tmp_path_factory) -> Path:
    """The toy scenario's report, written to a fresh folder."""
    from kennan.report.render import write_report

    return write_report(TOY, output=tmp_path_factory.mktemp("report") / "report.html", **SMALL)
