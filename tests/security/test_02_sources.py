"""Item 2: a scenario reads sources only from its own folder and below (and the shipped
data), unless the user names another folder; nothing of an outside file leaks."""

from __future__ import annotations

import os

import pytest

from kennan.cli.app import app
from kennan.read import loading

from .conftest import SECRET


def _scenario(folder, path: str):
    text = (folder / "toy.yaml").read_text().replace("path: source.txt", f"path: {path}")
    (folder / "evil.yaml").write_text(text)
    return str(folder / "evil.yaml")


@pytest.fixture
def reads(monkeypatch):
    """Every path load_document is asked to read."""
    seen: list[str] = []
    real = loading.read_regular

    def spy(path, **kwargs):
        seen.append(os.path.realpath(path))
        return real(path, **kwargs)

    monkeypatch.setattr(loading, "read_regular", spy)
    return seen


@pytest.mark.parametrize("how", ["absolute", "relative", "link"])
def test_a_source_outside_the_folder_is_refused_unread(runner, scenario_dir, secret, reads,
                                                       how):
    if how == "link":
        (scenario_dir / "innocent.txt").symlink_to(secret)
        path = "innocent.txt"
    else:
        path = str(secret) if how == "absolute" else "../outside/secret.txt"
    result = runner.invoke(app, ["validate", _scenario(scenario_dir, path)])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert "is outside the scenario's folder" in first and "--allow-sources" in first
    assert "evil.yaml:" in first  # file:line:col of the path
    assert SECRET not in result.output
    assert str(secret) not in reads and os.path.realpath(secret) not in reads


def test_the_report_cannot_copy_an_outside_file(runner, scenario_dir, secret, tmp_path):
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", _scenario(scenario_dir, str(secret)), "-o", str(out),
                                 "--draws", "100", "--sobol-base", "0", "--points", "20",
                                 "--replicates", "1"])
    assert result.exit_code == 1 and not out.exists()
    assert SECRET not in result.output


def test_an_explicit_option_allows_another_folder(runner, scenario_dir, secret, monkeypatch):
    monkeypatch.setenv("KENNAN_ALLOW_SOURCES", "")  # restored after the test
    (secret.parent / "source.txt").write_text((scenario_dir / "source.txt").read_text())
    evil = _scenario(scenario_dir, "../outside/source.txt")
    assert runner.invoke(app, ["validate", evil]).exit_code == 1
    result = runner.invoke(app, ["--allow-sources", str(secret.parent), "validate", evil])
    assert result.exit_code == 0, result.output


def test_sources_below_the_folder_and_the_shipped_data_are_read(runner, scenario_dir):
    (scenario_dir / "docs").mkdir()
    (scenario_dir / "source.txt").rename(scenario_dir / "docs" / "source.txt")
    result = runner.invoke(app, ["validate", _scenario(scenario_dir, "docs/source.txt")])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["validate", "korea-1952"]).exit_code == 0
