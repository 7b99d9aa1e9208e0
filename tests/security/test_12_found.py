"""Attacks not listed in the issue, found while testing it, each now refused clearly."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from kennan.cli.app import app
from kennan.errors import KennanError

from .conftest import FIXTURES, one_line


def _copy(run_folder, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(run_folder, folder)
    return folder


def _fifo_freed_if_stuck(path) -> threading.Event:
    """A FIFO at ``path``; if nothing sets the returned event within 20 s, something is
    blocked reading it (a regression): write to it so the test fails instead of hanging."""
    os.mkfifo(path)
    done = threading.Event()

    def unblock() -> None:
        if not done.wait(20):
            with open(path, "wb") as fh:
                fh.write(b"x")

    threading.Thread(target=unblock, daemon=True).start()
    return done


def _mark_interrupted(folder) -> None:
    """The run folder's manifest says the run was interrupted, so it may be resumed."""
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"complete"', '"interrupted"'))


def test_a_run_folder_whose_manifest_is_a_device_is_refused(runner, run_folder, tmp_path):
    folder = _copy(run_folder, tmp_path)
    (folder / "manifest.json").unlink()
    (folder / "manifest.json").symlink_to("/dev/zero")
    result = runner.invoke(app, ["query", str(folder), "select 1"])
    assert result.exit_code == 1
    assert "character device, not a regular file" in one_line(result.stderr)


def test_resuming_with_a_fifo_for_a_chunk_redoes_it_without_waiting(run_folder, tmp_path):
    from kennan.experiments.runner import run

    folder = _copy(run_folder, tmp_path)
    chunk = folder / "draws" / "chunk-000001.parquet"
    chunk.unlink()
    done = _fifo_freed_if_stuck(chunk)
    _mark_interrupted(folder)
    results = run(str(FIXTURES / "toy.yaml"), draws=40, chunk_size=20, out=folder, resume=True)
    done.set()
    assert results.draws == 40 and chunk.is_file() and not chunk.is_symlink()


def test_a_judgments_file_that_is_a_fifo_or_a_link_out_is_refused(run_folder, tmp_path):
    from kennan.experiments.query import query
    from kennan.experiments.runner import run

    folder = _copy(run_folder, tmp_path)
    query(folder, "select count(*) from judgments")  # drawn again and kept
    judgments = folder / "judgments" / "chunk-000001.parquet"
    judgments.unlink()
    judgments.symlink_to(FIXTURES / "toy.yaml")
    with pytest.raises(KennanError, match="not a chunk file of this run"):
        query(folder, "select count(*) from draws")
    judgments.unlink()
    done = _fifo_freed_if_stuck(judgments)
    _mark_interrupted(folder)
    # Verification looks before it opens: the FIFO is unsound, never read (no wait).
    results = run(str(FIXTURES / "toy.yaml"), draws=40, chunk_size=20, out=folder, resume=True)
    done.set()
    assert results.draws == 40 and not os.path.lexists(judgments)  # a cache, dropped
    query(folder, "select count(*) from judgments")
    assert judgments.is_file() and not judgments.is_symlink()


def test_a_gazetteer_scenario_with_an_alias_bomb_is_read_in_bounds(runner, tmp_path):
    from kennan.read.actors import load_gazetteer_file

    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
              for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    lines.append("actors: [{id: bomb, kind: state, name: *i}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    # The name is a list of 10**9 items by reference; it is not text, so it is no name.
    try:
        actors = load_gazetteer_file(path)
    except KennanError as exc:
        assert len(str(exc)) < 1000
    else:
        assert all(len(a.name) < 100 for a in actors)


def test_a_report_does_not_let_scenario_text_run_as_script(tmp_path):
    from kennan.report.render import write_report

    payload = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
    quoted = payload.replace("'", "''")
    text = (FIXTURES / "toy.yaml").read_text()
    text = text.replace("title: A toy scenario exercising every part of the language",
                        f"title: '{quoted}'\ndescription: '{quoted}'")
    text = text.replace("    name: Wait", f"    name: '{quoted}'\n    note: '{quoted}'")
    text = text.replace('assumption: "a round figure for the test"', f"assumption: '{quoted}'")
    (tmp_path / "x.yaml").write_text(text)
    shutil.copy(FIXTURES / "source.txt", tmp_path / "source.txt")
    out = write_report(str(tmp_path / "x.yaml"), output=tmp_path / "x.html", draws=200,
                       sobol_base=0, points=20, replicates=1)
    html = out.read_text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_a_seed_of_thousands_of_digits_is_one_line():
    import kennan

    size = 10**5000  # Python refuses to print it: the message must not try
    with pytest.raises(KennanError, match="at most 9,223,372,036,854,775,807, got a number"):
        kennan.run(str(FIXTURES / "toy.yaml"), seed=size)
