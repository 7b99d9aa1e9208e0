"""Fixtures of the hostile-input tests: a scenario in a folder of its own, a small run
folder, and a secret file outside both that no command may read or change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SECRET = "kennan-test-secret-7f3a9c"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A folder holding the toy scenario and its source, as a user would have it."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(FIXTURES / "toy.yaml", folder / "toy.yaml")
    shutil.copy(FIXTURES / "source.txt", folder / "source.txt")
    return folder


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the scenario's and the run's folders, holding a marker."""
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n")
    return path


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete run folder of the toy scenario (two chunks)."""
    from kennan.experiments.runner import run

    out = tmp_path_factory.mktemp("runs") / "ref"
    run(str(FIXTURES / "toy.yaml"), draws=40, chunk_size=20, out=out)
    return out


def one_line(text: str) -> str:
    """The one line of an error message; fails on a traceback or several lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}
