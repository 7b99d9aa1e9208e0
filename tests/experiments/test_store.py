"""The run folder: manifest, atomic chunk files, resume, refusals, lock, disk errors."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.errors import SimulationError, UsageError
from kennan.experiments import chunkfiles, derive, store
from kennan.experiments.query import query
from kennan.experiments.results import draws_frame
from kennan.experiments.runner import open_results, run
from kennan.experiments.summary import Summary

OPTIONS = {"draws": 3000, "seed": 4, "chunk_size": 1000}


@pytest.fixture(scope="module")
def reference():
    toy = Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml"
    return run(str(toy), **OPTIONS)


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_run_folder_holds_manifest_chunks_and_summary(toy, tmp_path, reference):
    out = tmp_path / "run"
    results = run(toy, **OPTIONS, out=out)
    assert results.summary.to_dict() == reference.summary.to_dict()
    assert _files(out) == ["draws/chunk-000000.parquet", "draws/chunk-000001.parquet",
                           "draws/chunk-000002.parquet", "manifest.json", "summary.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["scenario_id"] == "toy" and manifest["seed"] == 4
    assert manifest["draws"] == 3000 and manifest["chunk_size"] == 1000
    assert manifest["courses"] == ["wait", "appeal", "squeeze"] and manifest["baseline"] == "wait"
    assert len(manifest["scenario_sha256"]) == 64 and manifest["kennan_version"]
    assert manifest["started"] and manifest["finished"]
    table = pq.read_table(out / "draws" / "chunk-000001.parquet")
    assert table.num_rows == 3000
    assert table.column("draw").to_pylist()[:4] == [1000, 1000, 1000, 1001]
    assert not any(name.startswith("j_") for name in table.column_names)
    meta = table.schema.metadata
    assert Summary.from_json(meta[b"kennan.summary"]).draws == 1000
    # The judgments are drawn again, checked and kept on first use.
    assert query(out, "select count(*) as n from judgments").n[0] == 3000
    judgments = pq.read_table(out / "judgments" / "chunk-000001.parquet")
    assert judgments.column("draw").to_pylist() == list(range(1000, 2000))
    assert judgments.column_names[1:] == [f"j_{j}" for j in reference.judgment_ids]
    assert store.read_summary(out).to_dict() == reference.summary.to_dict()


def test_resume_of_a_complete_run_changes_nothing(toy, tmp_path, reference):
    out = tmp_path / "run"
    run(toy, **OPTIONS, out=out)
    before = {p: (out / p).read_bytes() for p in _files(out) if p.startswith("draws")}
    seen = []
    results = run(toy, **OPTIONS, out=out, resume=True, progress=seen.append)
    assert seen == [3000]
    assert results.summary.to_dict() == reference.summary.to_dict()
    assert {p: (out / p).read_bytes() for p in before} == before
    attempts = json.loads((out / "manifest.json").read_text())["attempts"]
    assert [a["chunks_found"] for a in attempts] == [0, 3]


def test_truncated_and_corrupt_chunk_files_are_redone(toy, tmp_path, reference):
    out = tmp_path / "run"
    run(toy, **OPTIONS, out=out)
    truncated = out / "draws" / "chunk-000001.parquet"
    truncated.write_bytes(truncated.read_bytes()[:500])
    corrupt = out / "draws" / "chunk-000002.parquet"
    data = bytearray(corrupt.read_bytes())
    data[len(data) // 3] ^= 0xFF  # a flipped byte inside a data page
    corrupt.write_bytes(bytes(data))
    (out / "draws" / ".chunk-000000.parquet.999.tmp").write_bytes(b"partial")
    results = run(toy, **OPTIONS, out=out, resume=True)
    assert results.summary.to_dict() == reference.summary.to_dict()
    attempt = json.loads((out / "manifest.json").read_text())["attempts"][-1]
    assert (attempt["chunks_found"], attempt["chunks_redone"]) == (1, 2)
    assert not list(out.rglob("*.tmp"))
    assert pq.read_table(truncated).num_rows == 3000


def test_judgments_drawn_again_are_a_cache_a_resume_checks(toy, tmp_path, reference):
    out = tmp_path / "run"
    run(toy, **OPTIONS, out=out)
    first = query(out, "select * from judgments order by draw")
    corrupt = out / "judgments" / "chunk-000000.parquet"
    data = bytearray(corrupt.read_bytes())
    data[len(data) // 3] ^= 0xFF
    corrupt.write_bytes(bytes(data))
    before = (out / "draws" / "chunk-000000.parquet").read_bytes()
    (out / "manifest.json").write_text(
        (out / "manifest.json").read_text().replace('"complete"', '"interrupted"'))
    results = run(toy, **OPTIONS, out=out, resume=True)
    assert results.summary.to_dict() == reference.summary.to_dict()
    attempt = json.loads((out / "manifest.json").read_text())["attempts"][-1]
    assert (attempt["chunks_found"], attempt["chunks_redone"]) == (3, 0)
    assert not corrupt.exists()  # an unsound cache is dropped, its chunk kept
    assert (out / "draws" / "chunk-000000.parquet").read_bytes() == before
    assert query(out, "select * from judgments order by draw").equals(first)


def _run_then_edit(toy: str, tmp_path: Path) -> tuple[Path, Path]:
    """A run of a copy of the toy scenario in ``tmp_path``, then the copy edited (a
    comment: its bytes, so its sha256, change); the copy's path and the run folder."""
    scenario = tmp_path / "toy.yaml"
    scenario.write_text(Path(toy).read_text())
    (tmp_path / "source.txt").write_text((Path(toy).parent / "source.txt").read_text())
    out = tmp_path / "run"
    run(str(scenario), **OPTIONS, out=out)
    scenario.write_text(scenario.read_text() + "\n# a comment changes the hash\n")
    return scenario, out


def test_judgments_need_the_run_s_scenario_file_unchanged(toy, tmp_path):
    _, out = _run_then_edit(toy, tmp_path)
    with pytest.raises(UsageError, match="drawn again from its scenario file, which is "
                                         "missing or changed"):
        query(out, "select avg(j_balance) from draws")
    assert query(out, "select count(*) as n from course_rows").n[0] == 9000
    assert not (out / "judgments").exists() or not list((out / "judgments").iterdir())


def test_a_fingerprint_that_differs_is_refused(toy, tmp_path, monkeypatch):
    out = tmp_path / "run"
    run(toy, **OPTIONS, out=out)
    real = derive.draw_judgments

    def other(model, **kwargs):
        drawn = real(model, **kwargs)
        return {k: v + 1e-12 for k, v in drawn.items()}

    monkeypatch.setattr(derive, "draw_judgments", other)
    with pytest.raises(UsageError, match="judgments drawn again by this kennan differ from"):
        query(out, "select * from judgments")
    assert not list((out / "judgments").glob("*.parquet"))


@pytest.mark.parametrize(("change", "message"), [
    ({"seed": 5}, "the seed differs (folder: 4, now: 5)"),
    ({"draws": 4000}, "the number of draws differs (folder: 3000, now: 4000)"),
    ({"chunk_size": 500}, "the chunk size differs (folder: 1000, now: 500)"),
    ({"courses": ["wait", "appeal"]},
     "the courses differ (folder: wait,appeal,squeeze, now: wait,appeal)"),
    ({"baseline": "appeal"}, "the baseline course differs (folder: wait, now: appeal)"),
])
def test_resume_refuses_another_run(toy, tmp_path, change, message):
    out = tmp_path / "run"
    run(toy, **OPTIONS, out=out)
    with pytest.raises(SimulationError) as info:
        run(toy, **{**OPTIONS, **change}, out=out, resume=True)
    text = str(info.value)
    assert message in text
    assert "manifest.json" in text and "start a new run" in text
    assert not (out / store.LOCK).exists()


def test_resume_refuses_an_edited_scenario(toy, tmp_path):
    scenario, out = _run_then_edit(toy, tmp_path)
    with pytest.raises(SimulationError, match=r"the scenario file differs \(sha256 of its bytes\)"):
        run(str(scenario), **OPTIONS, out=out, resume=True)


def test_a_non_empty_folder_is_refused_without_resume(toy, tmp_path):
    out = tmp_path / "run"
    run(toy, draws=10, out=out)
    with pytest.raises(UsageError, match=r"not empty .*again with --resume"):
        run(toy, draws=10, out=out)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match=r"cannot resume: the run folder holds no run \(no "
                                          r"manifest\.json\)"):
        run(toy, draws=10, out=other, resume=True)
    assert _files(other) == ["notes.txt"]


def test_resume_into_an_empty_or_missing_folder_is_refused(toy, tmp_path):
    with pytest.raises(UsageError, match="cannot resume: the run folder does not exist"):
        run(toy, draws=10, out=tmp_path / "new", resume=True)
    assert not (tmp_path / "new").exists()
    (tmp_path / "new").mkdir()
    with pytest.raises(UsageError, match="cannot resume: the run folder is empty"):
        run(toy, draws=10, out=tmp_path / "new", resume=True)


def test_a_live_lock_refuses_a_second_run(toy, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / store.LOCK).write_text(f"{os.getpid()}\n{os.uname().nodename}\n")
    with pytest.raises(SimulationError, match=f"in use by process {os.getpid()}"):
        run(toy, draws=10, out=out)
    assert (out / store.LOCK).exists()


def test_a_stale_lock_is_taken_over(toy, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (out / store.LOCK).write_text(f"{gone.stdout.strip()}\n{os.uname().nodename}\n")
    assert run(toy, draws=10, out=out).draws == 10
    assert not (out / store.LOCK).exists()


def test_a_folder_that_cannot_be_created_is_a_clear_error(toy, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SimulationError, match="cannot create the run folder: Not a directory"):
        run(toy, draws=10, out=blocker / "run")


def test_an_unwritable_folder_is_a_clear_error(toy, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(SimulationError) as info:
        run(toy, draws=10, out=tmp_path / "run")
    assert "the folder is not writable (Permission denied); choose another --out" in str(info.value)


def test_a_full_disk_leaves_nothing_half_written(toy, tmp_path, monkeypatch):
    real = store.write_parquet
    calls = []

    def fill_disk(where, table, metadata):
        calls.append(where)
        if len(calls) == 2:
            where.write(b"PAR1 half a file")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(where, table, metadata)

    monkeypatch.setattr(store, "write_parquet", fill_disk)
    out = tmp_path / "run"
    with pytest.raises(SimulationError) as info:
        run(toy, **OPTIONS, out=out)
    assert "the disk is full (No space left on device)" in str(info.value)
    assert "--resume" in str(info.value)
    assert _files(out) == ["draws/chunk-000000.parquet", "manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    monkeypatch.setattr(store, "write_parquet", real)
    assert run(toy, **OPTIONS, out=out, resume=True).draws == 3000


def test_chunk_files_hold_the_draws_frame_table_bit_for_bit(toy, tmp_path):
    model = build_model(toy)
    chunk = simulate(model, start=40, count=300, seed=1)
    outcomes = [o.id for o in model.outcomes]
    summary = Summary.of_chunk(chunk, outcomes, model.horizon, 0)
    (tmp_path / "draws").mkdir()
    (tmp_path / "judgments").mkdir()
    store.write_chunk(tmp_path, 7, chunk, summary, outcomes, seed=1)
    # The judgments drawn again are the engine's, bit for bit (the fingerprint says so).
    drawn = derive.draw_judgments(model, start=40, count=300, seed=1)
    meta = pq.ParquetFile(tmp_path / "draws" / "chunk-000007.parquet").metadata.metadata
    assert derive.fingerprint(drawn) == json.loads(meta[b"kennan.judgments"])
    pq.write_table(chunkfiles.judgments_table(40, drawn),
                   tmp_path / "judgments" / "chunk-000007.parquet")
    courses = pq.read_table(tmp_path / "draws" / "chunk-000007.parquet")
    judgments = pq.read_table(tmp_path / "judgments" / "chunk-000007.parquet")
    assert courses.num_rows == 900 and judgments.num_rows == 300
    # Draw-major: the rows of one draw are together.
    assert courses.column("draw").to_pylist()[:4] == [40, 40, 40, 41]
    ours = courses.join(judgments, "draw").to_pandas()
    theirs = draws_frame(chunk, outcomes)
    key = ["draw", "course"]
    ours = ours.sort_values(key).reset_index(drop=True)[list(theirs.columns)]
    theirs = theirs.sort_values(key).reset_index(drop=True)
    for column in theirs.columns:  # the engine's values, bit for bit (NaN stored as null)
        a, b = ours[column].to_numpy(), theirs[column].to_numpy()
        if b.dtype.kind == "f":
            assert a.dtype == np.float64
            assert np.array_equal(a.view(np.int64), b.view(np.int64)), column
        else:
            assert (a == b).all(), column
    assert store.verify_chunk(tmp_path, index=7, start=40, count=300, courses=tuple(
        chunk.courses), seed=1).to_dict() == summary.to_dict()
    assert store.verify_chunk(tmp_path, index=7, start=40, count=300, courses=tuple(
        chunk.courses), seed=2) is None


@pytest.mark.parametrize("fixture", ["toy.yaml", "hypotheses.yaml"])
def test_judgments_drawn_again_match_the_engine(fixture):
    model = build_model(str(Path(__file__).resolve().parent.parent / "fixtures" / fixture))
    chunk = simulate(model, start=123, count=200, seed=5)
    drawn = derive.draw_judgments(model, start=123, count=200, seed=5)
    assert list(drawn) == list(chunk.judgments)
    assert derive.fingerprint(drawn) == derive.fingerprint(chunk.judgments)


def test_open_results_of_a_run_folder(toy, tmp_path, reference):
    out = tmp_path / "run"
    run(toy, **OPTIONS, out=out)
    results = open_results(out)
    assert results.to_json() == reference.to_json()
    assert results.summary.to_dict() == reference.summary.to_dict()
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps({**manifest, "status": "interrupted"}))
    with pytest.raises(UsageError, match="not complete"):
        open_results(out)


def test_draws_table_of_a_run_folder_is_the_engine_s_bit_for_bit(toy, tmp_path):
    options = {"draws": 2500, "seed": 3, "chunk_size": 1000}
    kept = run(toy, **options, keep_draws=True).draws_table()
    out = tmp_path / "run"
    run(toy, **options, out=out)
    stored = open_results(out).draws_table()
    assert list(stored.columns) == list(kept.columns)
    assert (stored.dtypes == kept.dtypes).all()
    for column in kept.columns:
        a, b = stored[column].to_numpy(), kept[column].to_numpy()
        if b.dtype.kind == "f":
            assert np.array_equal(a, b, equal_nan=True), column
            assert np.array_equal(a[~np.isnan(a)].view(np.int64),
                                  b[~np.isnan(b)].view(np.int64)), column
        else:
            assert (a == b).all(), column


def test_a_full_disk_at_the_end_releases_the_folder(toy, tmp_path, monkeypatch):
    out = tmp_path / "run"
    real = store.atomic_write

    def full(path, write, **kwargs):
        if path.name == "summary.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, write, **kwargs)

    monkeypatch.setattr(store, "atomic_write", full)
    with pytest.raises(SimulationError, match=r"cannot write summary\.json: the disk is full"):
        run(toy, draws=20, out=out)
    assert not (out / store.LOCK).exists()
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    monkeypatch.setattr(store, "atomic_write", real)
    assert run(toy, draws=20, out=out, resume=True).draws == 20
