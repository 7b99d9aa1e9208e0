"""Run folders in single precision (``--precision single``): float32 columns, rounded to
nearest, summaries of the engine's float64 values, resume and option refusals."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from kennan.cli.app import app
from kennan.engine.model import build_model
from kennan.engine.simulate import simulate
from kennan.errors import SimulationError, UsageError
from kennan.experiments import chunkfiles, store
from kennan.experiments.query import query
from kennan.experiments.runner import open_results, resume_command, run, settings
from kennan.experiments.summary import Summary

OPTIONS = {"draws": 2500, "seed": 3, "chunk_size": 1000}
SINGLE_MAX = np.finfo(np.float32).max


@pytest.fixture(scope="module")
def kept():
    """The engine's per-draw values of the toy run, kept in memory (float64)."""
    toy = Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml"
    return run(str(toy), **OPTIONS, keep_draws=True)


def _bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values).view(np.uint32 if values.dtype == np.float32
                                             else np.uint64)


def test_every_stored_float_is_the_engine_s_rounded_to_float32(toy, tmp_path, kept):
    out = tmp_path / "run"
    results = run(toy, **OPTIONS, out=out, precision="single")
    assert results.summary.to_dict() == kept.summary.to_dict()
    assert json.loads((out / "manifest.json").read_text())["precision"] == "single"
    engine = kept.draws_table().sort_values(["draw", "course"]).reset_index(drop=True)
    floats = [c for c in engine.columns
              if engine[c].dtype.kind == "f" and not c.startswith("j_")]
    assert any(c.startswith("p_") for c in floats) and len(floats) > 3
    files = store.stored_chunks(out)
    assert len(files) == 3
    table = pa.concat_tables(pq.read_table(f) for f in files)
    rows = table.to_pandas().sort_values(["draw", "course"]).reset_index(drop=True)
    for column in floats:
        assert table.schema.field(column).type == pa.float32(), column
        assert rows[column].dtype == np.float32, column
        stored = rows[column].to_numpy()  # null -> NaN
        want = engine[column].to_numpy().astype(np.float32)
        assert np.array_equal(np.isnan(stored), np.isnan(want)), column
        ok = ~np.isnan(want)
        assert np.array_equal(_bits(stored[ok]), _bits(want[ok])), column
    # Everything else is stored as before.
    for column in ("draw", "period"):
        assert table.schema.field(column).type == pa.int64()
        assert (rows[column].to_numpy() == engine[column].to_numpy()).all()
    # Read back as float64 of the rounded values: draws_table() and the query views.
    frame = open_results(out).draws_table().sort_values(["draw", "course"])
    frame = frame.reset_index(drop=True)
    assert list(frame.columns) == list(engine.columns)
    for column in floats:
        assert frame[column].dtype == np.float64
        want = engine[column].to_numpy().astype(np.float32).astype(np.float64)
        assert np.array_equal(frame[column].to_numpy(), want, equal_nan=True), column
    for column in [c for c in engine.columns if c.startswith("j_")]:  # never rounded
        assert np.array_equal(_bits(frame[column].to_numpy()), _bits(engine[column].to_numpy()))
    got = query(out, 'select * from draws order by draw, course')
    for column in floats:
        assert got[column].dtype == np.float64, column
        assert np.array_equal(got[column].to_numpy(dtype=float), frame[column].to_numpy(),
                              equal_nan=True), column


def test_json_summary_is_the_same_with_and_without_the_folder(toy, tmp_path):
    args = ["run", toy, "--draws", "1500", "--seed", "2", "--chunk-size", "600", "--json"]
    plain = CliRunner().invoke(app, args)
    stored = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "f"),
                                      "--precision", "single"])
    assert plain.exit_code == 0 and stored.exit_code == 0, stored.output
    assert json.loads(stored.stdout) == json.loads(plain.stdout)
    assert stored.stdout == plain.stdout
    # The stored summaries are the engine's float64 sums too.
    reference = run(toy, draws=1500, seed=2).summary.to_dict()
    assert store.read_summary(tmp_path / "f").to_dict() == reference
    metas = [pq.ParquetFile(f).metadata.metadata for f in store.stored_chunks(tmp_path / "f")]
    assert all(b"kennan.summary" not in m for m in metas)  # packed: kennan.summary.zst
    parts = [chunkfiles.stored_summary(m) for m in metas]
    assert len(parts) == 3
    assert parts[0].merge(parts[1]).merge(parts[2]).to_dict() == reference


def test_resume_keeps_the_folder_s_precision_and_refuses_another(toy, tmp_path, kept):
    out = tmp_path / "run"
    run(toy, **OPTIONS, out=out, precision="single")
    before = {p: p.read_bytes() for p in store.stored_chunks(out)}
    with pytest.raises(SimulationError) as info:
        run(toy, **OPTIONS, out=out, resume=True, precision="double")
    assert "the precision of the stored floats differs (folder: single, now: double)" in str(
        info.value)
    assert len(str(info.value).splitlines()) == 1
    assert not (out / store.LOCK).exists()
    # Without --precision a resume takes the folder's: every chunk is found sound, and
    # so are the judgments a query drew again and kept.
    assert query(out, "select count(*) as n from judgments").n[0] == 2500
    judgments = sorted((out / "judgments").glob("chunk-*.parquet"))
    assert len(judgments) == 3
    seen = []
    results = run(toy, **OPTIONS, out=out, resume=True, progress=seen.append)
    assert seen == [2500] and results.summary.to_dict() == kept.summary.to_dict()
    assert {p: p.read_bytes() for p in store.stored_chunks(out)} == before
    assert sorted((out / "judgments").glob("chunk-*.parquet")) == judgments
    assert resume_command(settings(out=out, resume=True), out).endswith(
        f"--precision single --out {out} --resume")
    # A missing chunk is redone in single precision.
    store.stored_chunks(out)[1].unlink()
    run(out=out, resume=True)
    assert {p: p.read_bytes() for p in store.stored_chunks(out)} == before


def test_a_double_run_refuses_a_single_resume_and_old_manifests_are_double(toy, tmp_path):
    out = tmp_path / "run"
    run(toy, **OPTIONS, out=out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["precision"] == "double"
    table = pq.read_table(store.stored_chunks(out)[0])
    assert all(f.type != pa.float32() for f in table.schema)
    info = json.loads(table.schema.metadata[b"kennan.chunk"])
    assert "precision" not in info  # lossless chunk files are as before
    with pytest.raises(SimulationError, match=r"folder: double, now: single"):
        run(toy, **OPTIONS, out=out, resume=True, precision="single")
    # A folder written before the precision was recorded holds doubles.
    del manifest["precision"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert settings(out=out, resume=True)["precision"] == "double"
    assert run(toy, **OPTIONS, out=out, resume=True).draws == 2500
    assert query(out, "select precision from manifest").precision[0] == "double"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"precision": "float32"}, "unknown precision 'float32'; valid: double, single"),
    ({"precision": "single"}, "--precision single is how a run folder stores its floats: "
                              "add --out FOLDER"),
])
def test_bad_precision_is_one_line(kwargs, message):
    with pytest.raises(UsageError) as info:
        settings(**kwargs)
    assert str(info.value) == message


def test_bad_precision_on_the_command_line(tmp_path):
    result = CliRunner().invoke(app, ["run", "--draws", "10", "--out", str(tmp_path / "f"),
                                      "--precision", "half"])
    assert result.exit_code == 1
    assert result.output.strip() == "unknown precision 'half'; valid: double, single"
    assert not (tmp_path / "f").exists()


def test_a_value_beyond_float32_is_refused_naming_its_column(toy, tmp_path):
    model = build_model(toy)
    chunk = simulate(model, start=0, count=50, seed=1)
    outcomes = [o.id for o in model.outcomes]
    summary = Summary.of_chunk(chunk, outcomes, model.horizon, 0)
    name = next(iter(chunk.metrics))
    chunk.metrics[name][1, 7] = -1e300
    (tmp_path / "draws").mkdir()
    with pytest.raises(SimulationError) as info:
        store.write_chunk(tmp_path, 0, chunk, summary, outcomes, seed=1, precision="single")
    assert str(info.value) == (
        f"cannot store '{name}' in single precision: a draw's value -1e+300 is beyond "
        "float32's range (+-3.403e+38); run it again into an empty folder with "
        "--precision double")
    assert not list((tmp_path / "draws").iterdir())
    # In double precision it is stored as it is.
    store.write_chunk(tmp_path, 0, chunk, summary, outcomes, seed=1)
    stored = pq.read_table(chunkfiles.chunk_path(tmp_path, 0))[name].to_numpy()
    assert stored[7 * len(chunk.courses) + 1] == -1e300


def _nearest(x: float, r: np.float32) -> bool:
    """Whether float32 ``r`` is a float32 nearest to ``x`` (exact arithmetic)."""
    exact = Fraction(x)
    gap = abs(exact - Fraction(float(r)))
    with np.errstate(over="ignore"):  # FLT_MAX's upper neighbour is infinite: not a candidate
        neighbours = (np.nextafter(r, np.float32(np.inf)), np.nextafter(r, np.float32(-np.inf)))
    for neighbour in neighbours:
        if np.isfinite(neighbour) and abs(exact - Fraction(float(neighbour))) < gap:
            return False
    return True


_MIDPOINT = float(Fraction(float(SINGLE_MAX)) + Fraction(2) ** 103)  # ties to even: overflows


@given(st.floats(allow_nan=False, allow_infinity=False))
@example(1e300)
@example(-1e300)
@example(_MIDPOINT)
@example(np.nextafter(_MIDPOINT, 0.0))
@example(1e-50)
@example(float(np.finfo(np.float32).tiny) * 0.75)
@example(1.0 + 2.0 ** -24)  # a tie: to even (1.0)
@example(1.0 + 3 * 2.0 ** -24)  # a tie: to even (1 + 2^-22)
@example(0.1)
def test_rounding_is_to_nearest_and_idempotent(x):
    values = np.array([x], dtype=np.float64)
    # Rounding to nearest overflows exactly when |x| is at least FLT_MAX + half its ulp.
    limit = Fraction(float(SINGLE_MAX)) + Fraction(2) ** 103
    if abs(Fraction(x)) >= limit:
        with pytest.raises(SimulationError, match="beyond float32's range"):
            chunkfiles.to_single(values, "m")
        return
    r = chunkfiles.to_single(values, "m")[0]
    assert r.dtype == np.float32 and np.isfinite(r)
    assert _nearest(x, r)
    again = chunkfiles.to_single(np.array([float(r)]), "m")[0]
    assert _bits(np.array([again])) == _bits(np.array([r]))
    if abs(x) >= np.finfo(np.float32).tiny:  # a normal float32: 24 significant bits
        assert abs(Fraction(float(r)) - Fraction(x)) <= abs(Fraction(x)) * Fraction(1, 2 ** 24)


def test_rounding_keeps_nan_infinities_and_signed_zero():
    values = np.array([np.nan, np.inf, -np.inf, -0.0, 1e300 * 0.0, 5e-324])
    r = chunkfiles.to_single(values, "m")
    assert np.isnan(r[0]) and r[1] == np.inf and r[2] == -np.inf
    assert np.signbit(r[3]) and r[3] == 0 and r[4] == 0 and r[5] == 0
    with pytest.raises(SimulationError, match="'m' in single precision: a draw's value 1e\\+300"):
        chunkfiles.to_single(np.array([1.0, 1e300]), "m")
    # The boundary: FLT_MAX itself and values that round down to it are kept.
    top = float(SINGLE_MAX)
    assert chunkfiles.to_single(np.array([top, np.nextafter(top, np.inf)]), "m").tolist() == [
        top, top]


@pytest.mark.parametrize("packed", [b"", b"12", b"x:abc", b"5:!!!!!", b"99999999999:00000",
                                    b"10:" + __import__("base64").b85encode(b"not zstd")])
def test_a_damaged_packed_summary_makes_the_chunk_unsound(toy, tmp_path, packed):
    model = build_model(toy)
    chunk = simulate(model, start=0, count=40, seed=1)
    outcomes = [o.id for o in model.outcomes]
    summary = Summary.of_chunk(chunk, outcomes, model.horizon, 0)
    (tmp_path / "draws").mkdir()
    where = {"index": 0, "start": 0, "count": 40, "courses": tuple(chunk.courses), "seed": 1,
             "precision": "single"}
    store.write_chunk(tmp_path, 0, chunk, summary, outcomes, seed=1, precision="single")
    assert store.verify_chunk(tmp_path, **where).to_dict() == summary.to_dict()
    assert store.verify_chunk(tmp_path, **{**where, "precision": "double"}) is None
    path = chunkfiles.chunk_path(tmp_path, 0)
    meta = dict(pq.ParquetFile(path).metadata.metadata)
    meta[chunkfiles.PACKED_SUMMARY_KEY] = packed
    table = pq.read_table(path)
    with path.open("wb") as fh:
        chunkfiles.write_parquet(fh, table, meta)
    assert store.verify_chunk(tmp_path, **where) is None


def test_a_run_whose_metric_is_beyond_float32_stops_in_one_line(toy, tmp_path):
    text = Path(toy).read_text()
    line = '  - {id: hawk_influence, value: "influence(hawks)"}\n'
    assert line in text
    scenario = tmp_path / "toy.yaml"
    scenario.write_text(text.replace(line, line + '  - {id: huge, value: "strain * 1e100"}\n'))
    (tmp_path / "source.txt").write_text((Path(toy).parent / "source.txt").read_text())
    out = tmp_path / "f"
    result = CliRunner().invoke(app, ["run", str(scenario), "--draws", "50", "--out", str(out),
                                      "--precision", "single"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("cannot store 'huge' in single precision: a draw's value ")
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    assert not store.stored_chunks(out)
    double = CliRunner().invoke(app, ["run", str(scenario), "--draws", "50", "--out",
                                      str(tmp_path / "g")])
    assert double.exit_code == 0, double.output
