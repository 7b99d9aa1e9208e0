"""Run-folder storage: bytes per draw of the old layout and the new, by column group.

    python bench/storage.py [SCENARIO] [--draws 20000] [--chunk-size 16384] [--seed 0]

Simulates the scenario (default korea-1952) chunk by chunk in this process and
writes the same chunks three ways, side by side:

* ``format 1``: the layout of run-folder format 1 (before judgments had their own
  files): one file per chunk, a row per (draw, course), the judgments repeated on
  every course's row, Parquet's default encodings (dictionary for every column),
  zstd, the Arrow schema (with the chunk's summary) kept in the footer;
* ``own table``: the judgments once per draw in their own file, the rest as in
  format 1: what the issue proposed, and why it alone gains little (a dictionary
  already stores a repeated value once);
* ``format 2``: what ``kennan run --out`` writes now (:mod:`kennan.experiments.chunkfiles`):
  no judgments (drawn again from the seed and checked on first use), float columns in
  BYTE_STREAM_SPLIT, ``draw`` delta coded, no Arrow schema copy in the footer;
* ``+ judgments``: format 2 after a query has drawn the judgments again and kept them
  (``judgments/chunk-N.parquet``, same encodings);
* ``single``: format 2 as ``kennan run --out DIR --precision single`` writes it: the
  float columns of the course rows (conditional probabilities, metrics, records) as
  float32, each value rounded to nearest.

For each it prints the bytes per draw of each column group (judgments, conditional
probabilities, metrics, records, the sampled history, draw and course) and of the
footers and metadata, then the whole, and checks that format 2 reads back the
engine's values bit for bit (the judgments drawn again included). It ends with the
floor of float64 storage for the judgments: their values are 53-bit uniforms
through monotone functions, about 6.6 bytes of information each, so no lossless
layout that stores them can go below that. Then, for ``single``: the largest relative
rounding error seen, and how far rounding moved the mean of each stored quantity (per
course) in units of its Monte Carlo standard error (the noise of that mean), checking
that the single-precision files read back as the engine's values rounded to float32.
The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kennan.engine.model import build_model
from kennan.engine.simulate import ChunkResult, simulate
from kennan.experiments import chunkfiles, derive
from kennan.experiments.chunks import summarise
from kennan.experiments.runner import DEFAULT_CHUNK
from kennan.experiments.store import write_chunk
from kennan.scenario.defaults import DEFAULT_SCENARIO
from kennan.scenario.loading import load_scenario, resolve_scenario_path

GROUPS = ("judgments", "probabilities", "metrics", "records", "history", "draw, course",
          "footers, metadata")


def format1_tables(chunk: ChunkResult, outcomes: list[str]) -> pa.Table:
    """Chunk ``chunk`` as run-folder format 1 stored it: the judgments on every row."""
    table = chunkfiles.chunk_table(chunk, outcomes)
    n_c = len(chunk.courses)
    for name, values in chunk.judgments.items():
        table = table.append_column(f"j_{name}", pa.array(np.repeat(values, n_c)))
    return table


def default_write(table: pa.Table, metadata: dict[bytes, bytes]) -> bytes:
    """Format 1's writer: defaults, zstd, the metadata in the Arrow schema."""
    sink = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(metadata), sink, compression="zstd",
                   write_page_checksum=True)
    return sink.getvalue()


def new_write(table: pa.Table, metadata: dict[bytes, bytes]) -> bytes:
    """Format 2's writer (:func:`kennan.experiments.chunkfiles.write_parquet`)."""
    sink = io.BytesIO()
    chunkfiles.write_parquet(sink, table, metadata)
    return sink.getvalue()


def group_of(column: str, model) -> str:
    if column.startswith("j_"):
        return "judgments"
    if column.startswith("p_"):
        return "probabilities"
    if column in {m.id for m in model.metrics}:
        return "metrics"
    if column in ("draw", "course"):
        return "draw, course"
    if "." in column:
        return "records"
    return "history"  # outcome, period and one boolean per outcome


def measure(data: bytes, model, into: Counter) -> None:
    """Add the bytes of each column group of Parquet file ``data`` to ``into``."""
    md = pq.ParquetFile(io.BytesIO(data)).metadata
    columns = 0
    for r in range(md.num_row_groups):
        rg = md.row_group(r)
        for c in range(rg.num_columns):
            size = rg.column(c).total_compressed_size
            into[group_of(rg.column(c).path_in_schema, model)] += size
            columns += size
    into["footers, metadata"] += len(data) - columns


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO)
    ap.add_argument("--draws", type=int, default=20_000)
    ap.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    model = build_model(load_scenario(resolve_scenario_path(args.scenario)))
    outcomes = [o.id for o in model.outcomes]
    layouts = {"format 1": Counter(), "own table": Counter(), "+ judgments": Counter(),
               "format 2": Counter(), "single": Counter()}
    exact = True
    rounding = Rounding()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "double"
        compact = Path(tmp) / "single"
        for base in (folder, compact):
            (base / chunkfiles.DRAWS).mkdir(parents=True)
            (base / chunkfiles.JUDGMENTS).mkdir()
        for index, start in enumerate(range(0, args.draws, args.chunk_size)):
            count = min(args.chunk_size, args.draws - start)
            chunk = simulate(model, start=start, count=count, seed=args.seed)
            summary = summarise(model, chunk)
            meta = {chunkfiles.CHUNK_KEY: json.dumps(chunkfiles.chunk_info(
                        index, start, count, args.seed, chunk.courses)).encode(),
                    chunkfiles.SUMMARY_KEY: summary.to_json().encode()}
            measure(default_write(format1_tables(chunk, outcomes), meta), model,
                    layouts["format 1"])
            measure(default_write(chunkfiles.chunk_table(chunk, outcomes), meta), model,
                    layouts["own table"])
            judgments = chunkfiles.judgments_table(start, chunk.judgments)
            measure(default_write(judgments, {chunkfiles.CHUNK_KEY: meta[chunkfiles.CHUNK_KEY]}),
                    model, layouts["own table"])
            write_chunk(folder, index, chunk, summary, outcomes, seed=args.seed)
            stored = chunkfiles.chunk_path(folder, index).read_bytes()
            measure(stored, model, layouts["format 2"])
            measure(stored, model, layouts["+ judgments"])
            drawn = derive.draw_judgments(model, start=start, count=count, seed=args.seed)
            exact &= derive.fingerprint(drawn) == json.loads(
                pq.ParquetFile(io.BytesIO(stored)).metadata.metadata[chunkfiles.JUDGMENTS_KEY])
            data = new_write(chunkfiles.judgments_table(start, drawn),
                             {chunkfiles.CHUNK_KEY: meta[chunkfiles.CHUNK_KEY]})
            chunkfiles.judgments_path(folder, index).write_bytes(data)
            measure(data, model, layouts["+ judgments"])
            exact &= reads_back(folder, index, chunk, outcomes)
            write_chunk(compact, index, chunk, summary, outcomes, seed=args.seed,
                        precision="single")
            measure(chunkfiles.chunk_path(compact, index).read_bytes(), model,
                    layouts["single"])
            exact &= rounding.add(chunk, outcomes,
                                  pq.read_table(chunkfiles.chunk_path(compact, index)))
    n = args.draws
    print(f"{args.scenario}: {n:,} draws, {len(model.course_ids)} courses, "
          f"{len(model.judgments)} judgments, chunks of {args.chunk_size:,}; bytes per draw")
    print(f"{'column group':20s}" + "".join(f"{name:>13s}" for name in layouts))
    for group in GROUPS:
        print(f"{group:20s}" + "".join(f"{c[group] / n:13.1f}" for c in layouts.values()))
    totals = {name: sum(c.values()) / n for name, c in layouts.items()}
    print(f"{'total':20s}" + "".join(f"{t:13.1f}" for t in totals.values()))
    ratio = totals["format 1"] / totals["format 2"]
    print(f"format 1 / format 2: {ratio:.2f}x smaller; format 2 reads back the engine's "
          f"values bit for bit: {'yes' if exact else 'NO'}")
    print(f"format 1 / (format 2 + judgments): {totals['format 1'] / totals['+ judgments']:.2f}x")
    single_ratio = totals["format 1"] / totals["single"]
    print(f"format 1 / single: {single_ratio:.2f}x smaller (format 2 / single: "
          f"{totals['format 2'] / totals['single']:.2f}x); single reads back the engine's "
          f"values rounded to float32: {'yes' if exact else 'NO'}")
    error = rounding.report()
    print(f"single: largest relative rounding error {error['relative']:.3g} (in "
          f"'{error['relative_column']}'; float32's bound 2^-24 = {2.0 ** -24:.3g}, "
          f"{error['below_normal']} of {error['values']:,} values below float32's normal "
          f"range, absolute error there at most {error['absolute_below_normal']:.3g})")
    print(f"single: rounding moved the mean of a stored quantity by at most "
          f"{error['mean_shift_in_se']:.3g} Monte Carlo standard errors of that mean (in "
          f"'{error['shift_column']}', course '{error['shift_course']}'); the largest rounding "
          f"error of a single value is at most {error['error_in_se']:.3g} standard errors of "
          f"its column's mean; smallest standard error: {error['smallest_se']:.3g} "
          f"(quantities constant within a course, no noise, not counted: {error['constant']})")
    floor = len(model.judgments) * 53 / 8
    stored = layouts["+ judgments"]["judgments"] / n
    print(f"floor for the judgments stored as values: {len(model.judgments)} x 53 bits = "
          f"{floor:.0f} bytes per draw (stored: {stored:.0f}); a lossless layout that stores "
          f"them is at most {totals['format 1'] / floor:.2f}x smaller than format 1")
    print(json.dumps({"scenario": args.scenario, "draws": n, "chunk_size": args.chunk_size,
                      "bytes_per_draw": totals, "ratio": ratio, "exact": exact,
                      "single_ratio": single_ratio, "single_rounding": error,
                      "groups": {name: {g: c[g] / n for g in GROUPS}
                                 for name, c in layouts.items()},
                      "judgment_floor": floor}))
    if not exact:
        sys.exit(1)


class Rounding:
    """What rounding to float32 did to every float column of the course rows, per course:
    relative errors, and the shift of each column's mean against its standard error."""

    def __init__(self) -> None:
        self.relative, self.relative_column = 0.0, ""
        self.absolute_below_normal = 0.0
        self.below_normal = self.values = 0
        #: (column, course) -> [count, sum, sum of squares, sum rounded, largest error]
        self.sums: dict[tuple[str, str], list[float]] = {}

    def add(self, chunk: ChunkResult, outcomes: list[str], stored: pa.Table) -> bool:
        """Account for one chunk; whether ``stored`` (its single-precision course rows)
        holds exactly the engine's values rounded to nearest float32."""
        engine = {f"p_{o}": chunk.probability(k) for k, o in enumerate(outcomes)}
        engine.update(chunk.metrics)
        engine.update(chunk.records)
        ok = True
        tiny = float(np.finfo(np.float32).tiny)
        for column, values in engine.items():
            rows = np.ascontiguousarray(values.T).ravel()  # draw-major, as stored
            got = stored[column].to_numpy(zero_copy_only=False).astype(np.float32)
            want = rows.astype(np.float32)
            ok &= stored.schema.field(column).type == pa.float32()
            ok &= bool(np.array_equal(got, want, equal_nan=True))
            for c, course in enumerate(chunk.courses):
                x = values[c][~np.isnan(values[c])]
                r = x.astype(np.float32).astype(np.float64)
                err = np.abs(r - x)
                normal = np.abs(x) >= tiny
                self.values += x.size
                self.below_normal += int(np.count_nonzero(~normal & (x != 0)))
                if (~normal).any():
                    self.absolute_below_normal = max(self.absolute_below_normal,
                                                     float(err[~normal].max()))
                if normal.any():
                    rel = float((err[normal] / np.abs(x[normal])).max())
                    if rel > self.relative:
                        self.relative, self.relative_column = rel, column
                acc = self.sums.setdefault((column, course), [0, 0.0, 0.0, 0.0, 0.0])
                acc[0] += x.size
                acc[1] += math.fsum(x)
                acc[2] += math.fsum(x * x)
                acc[3] += math.fsum(r)
                acc[4] = max(acc[4], float(err.max()) if x.size else 0.0)
        return ok

    def report(self) -> dict:
        """The figures: largest errors, and the largest shift of a mean in standard errors."""
        shift, where, per_value, constant, smallest = 0.0, ("", ""), 0.0, 0, math.inf
        for (column, course), (n, total, squares, rounded, largest) in self.sums.items():
            if n < 2:
                continue
            mean = total / n
            variance = max(squares / n - mean * mean, 0.0) * n / (n - 1)
            se = math.sqrt(variance / n)
            if se == 0.0 or se < 1e-12 * max(abs(mean), 1e-300):
                constant += 1
                continue
            smallest = min(smallest, se)
            moved = abs(rounded / n - mean) / se
            if moved >= shift:
                shift, where = moved, (column, course)
            per_value = max(per_value, largest / se)
        return {"relative": self.relative, "relative_column": self.relative_column,
                "below_normal": self.below_normal, "values": self.values,
                "absolute_below_normal": self.absolute_below_normal,
                "mean_shift_in_se": shift, "shift_column": where[0], "shift_course": where[1],
                "error_in_se": per_value, "smallest_se": smallest, "constant": constant}


def reads_back(folder: Path, index: int, chunk: ChunkResult, outcomes: list[str]) -> bool:
    """Whether chunk ``index``'s files hold the engine's arrays bit for bit."""
    rows = pq.read_table(chunkfiles.chunk_path(folder, index))  # judgments: drawn again
    judgments = pq.read_table(chunkfiles.judgments_path(folder, index))
    n_c = len(chunk.courses)

    def same(column: pa.ChunkedArray, values: np.ndarray) -> bool:
        got = column.to_numpy(zero_copy_only=False)
        want = np.ascontiguousarray(values.T).ravel() if values.ndim == 2 else values
        if want.dtype.kind == "f":
            got = np.asarray(got, dtype=np.float64)
            return bool(np.array_equal(got, want, equal_nan=True)
                        and np.array_equal(got[~np.isnan(got)].view(np.int64),
                                           want[~np.isnan(want)].view(np.int64)))
        return bool(np.array_equal(got, want))

    checks = [same(judgments[f"j_{j}"], v) for j, v in chunk.judgments.items()]
    checks += [same(rows[name], v) for name, v in chunk.metrics.items()]
    checks += [same(rows[name], v) for name, v in chunk.records.items()]
    checks += [same(rows[f"p_{o}"], chunk.probability(k)) for k, o in enumerate(outcomes)]
    checks.append(same(rows["period"], chunk.time.astype(np.int64)))
    checks.append(rows.num_rows == chunk.count * n_c)
    return all(checks)


if __name__ == "__main__":
    main()
