"""Item 3: every writer goes through a fresh temporary file, refuses to overwrite
without --force and never replaces a device node, a FIFO or a folder."""

from __future__ import annotations

import os
import stat

import pytest

from kennan.cli.app import app
from kennan.errors import UsageError
from kennan.safeio import write_file

from .conftest import FIXTURES, SECRET, one_line


def test_a_symlink_planted_at_the_old_temporary_name_is_not_followed(tmp_path, secret):
    out = tmp_path / "report.html"
    (tmp_path / "report.html.tmp").symlink_to(secret)
    write_file(out, "<html></html>", what="the report")
    assert secret.read_text() == f"{SECRET}\n"
    assert out.read_text() == "<html></html>" and not out.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside", "report.html",
                                                         "report.html.tmp"]


def test_an_existing_file_needs_force(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("mine")
    with pytest.raises(UsageError, match="exists; pass --force"):
        write_file(out, "new", what="the report")
    assert out.read_text() == "mine"
    write_file(out, "new", force=True)
    assert out.read_text() == "new"


def test_forcing_over_a_symlink_replaces_the_link_not_its_target(tmp_path, secret):
    out = tmp_path / "r.html"
    out.symlink_to(secret)
    write_file(out, "new", force=True)
    assert secret.read_text() == f"{SECRET}\n" and out.read_text() == "new"


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_target_that_is_not_a_regular_file_is_never_replaced(tmp_path, kind):
    out = tmp_path / "target"
    os.mkfifo(out) if kind == "fifo" else out.mkdir()
    with pytest.raises(UsageError, match="not a regular file; refusing to replace it"):
        write_file(out, "x", force=True)
    mode = os.lstat(out).st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISDIR(mode)
    assert [p.name for p in tmp_path.iterdir()] == ["target"]  # no temporary left


def test_the_draft_scenario_refuses_a_device_even_with_force(runner, tmp_path):
    # /dev/null is a character device on every POSIX system; run as root, the old code
    # replaced such a node with a file.
    before = os.stat("/dev/null")
    result = runner.invoke(app, ["read", str(FIXTURES / "source.txt"), "--draft-scenario",
                                 "/dev/null", "--force"])
    assert result.exit_code == 1
    assert "character device, not a regular file" in one_line(result.stderr)
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_the_report_refuses_an_existing_file_before_any_analysis(runner, tmp_path, monkeypatch):
    import kennan.report.render as render

    def no_analysis(*args, **kwargs):
        raise AssertionError("the analysis ran")

    monkeypatch.setattr(render, "analyse", no_analysis)
    out = tmp_path / "r.html"
    out.write_text("mine")
    result = runner.invoke(app, ["report", str(FIXTURES / "toy.yaml"), "-o", str(out)])
    assert result.exit_code == 1
    assert "exists; pass --force" in one_line(result.stderr)
    assert out.read_text() == "mine"


def test_run_folder_files_do_not_follow_planted_links(tmp_path, secret):
    from kennan.experiments.runner import run

    out = tmp_path / "run"
    out.mkdir()
    (out / "draws").mkdir()
    # The old temporary names were predictable: .NAME.PID.tmp
    for name in ("manifest.json", "summary.json", "draws/chunk-000000.parquet"):
        target = out / name
        (target.parent / f".{target.name}.{os.getpid()}.tmp").symlink_to(secret)
    with pytest.raises(UsageError, match="not empty"):
        run(str(FIXTURES / "toy.yaml"), draws=10, out=out)
    run(str(FIXTURES / "toy.yaml"), draws=10, out=tmp_path / "fresh")
    assert secret.read_text() == f"{SECRET}\n"


def test_forcing_a_draft_over_a_link_replaces_the_link(runner, tmp_path, secret):
    link = tmp_path / "draft.yaml"
    link.symlink_to(secret)
    result = runner.invoke(app, ["read", str(FIXTURES / "source.txt"), "--draft-scenario",
                                 str(link), "--force"])
    assert result.exit_code == 0, result.output
    assert secret.read_text() == f"{SECRET}\n"  # the link's target is untouched
    assert not link.is_symlink() and "kennan: 1" in link.read_text()
