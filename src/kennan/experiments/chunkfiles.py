"""The Parquet files of one stored chunk: its course rows, and its judgments on demand.

A chunk of draws ``start .. start+count-1`` is stored as

``draws/chunk-NNNNNN.parquet``
    one row per (draw, course), draw-major: ``draw``, ``course``, ``outcome``,
    ``period``, one boolean per outcome, ``p_<outcome>``, metrics and records;
    the chunk's exact summary and a fingerprint of its judgments are in its
    key-value metadata.
``judgments/chunk-NNNNNN.parquet``
    one row per draw: ``draw`` and ``j_<id>`` per judgment. Not written by the run:
    the judgments are a pure function of the scenario, the seed and the draw index,
    drawn again and checked against the fingerprint on first use (:mod:`.derive`),
    then kept here.

Why the layout is what it is (measured by ``bench/storage.py``): a judgment's value
repeated on every course's row costs almost nothing more than storing it once, since
Parquet's dictionary encoding keeps each distinct value once and run-length codes
the repeats; what costs is the value itself, 8 bytes of random mantissa, which is
why the judgments are derived rather than stored. Float columns are written with
BYTE_STREAM_SPLIT (the eight bytes of each value in eight streams, so zstd finds the
sign, exponent and leading mantissa bytes, which vary little) instead of a dictionary
that holds every value anyway; ``draw`` is delta coded; the Arrow schema is not
repeated in the footer (its copy held the summary a second time). Every value is the
engine's float64 or int64, read back bit for bit; unless the run chose the compact
precision (``single``, :func:`to_single`): then every float column of the course rows
is float32, each value the engine's rounded to nearest, read back as float64 (exactly
the rounded value).
"""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kennan.engine.simulate import ChunkResult
from kennan.errors import SimulationError
from kennan.experiments.summary import Summary

DRAWS = "draws"
JUDGMENTS = "judgments"
SUMMARY_KEY = b"kennan.summary"
#: The summary of a single-precision chunk file: ``SIZE:`` then the base85 text of the
#: zstd-compressed JSON (a compact file should not spend 10 bytes a draw on its summary;
#: key-value metadata are strings, hence base85).
PACKED_SUMMARY_KEY = b"kennan.summary.zst"
#: A packed summary larger than this once unpacked is not one kennan wrote.
MAX_SUMMARY_BYTES = 64 * 1024 * 1024
CHUNK_KEY = b"kennan.chunk"
#: A chunk file's fingerprint of its judgments (see :mod:`.derive`).
JUDGMENTS_KEY = b"kennan.judgments"
#: zstd level: higher levels measured no smaller on float columns (random mantissas).
ZSTD_LEVEL = 3
#: The precisions a run folder's float columns can be stored in: ``double`` (the
#: engine's float64, lossless, the default) or ``single`` (float32, rounded to nearest).
PRECISIONS = ("double", "single")
DOUBLE = "double"
#: The largest finite float32: a value beyond it (once rounded) has no single-precision form.
SINGLE_MAX = float(np.finfo(np.float32).max)


def chunk_path(folder: str | Path, index: int) -> Path:
    """The final name of chunk ``index``'s course file."""
    return Path(folder) / DRAWS / f"chunk-{index:06d}.parquet"


def judgments_path(folder: str | Path, index: int) -> Path:
    """The final name of chunk ``index``'s judgments file."""
    return Path(folder) / JUDGMENTS / f"chunk-{index:06d}.parquet"


def to_single(values: np.ndarray, column: str) -> np.ndarray:
    """``values`` (float64) rounded to the nearest float32 (ties to even, IEEE 754), NaN
    and infinities kept; a finite value too large for float32 is refused (it would become
    infinite) with a SimulationError naming ``column``."""
    with np.errstate(over="ignore"):
        rounded = values.astype(np.float32)
    overflow = np.isinf(rounded) & np.isfinite(values)
    if overflow.any():
        value = values[overflow][0]
        raise SimulationError(
            f"cannot store '{column}' in single precision: a draw's value {value:.6g} is "
            f"beyond float32's range (+-{SINGLE_MAX:.4g}); run it again into an empty "
            "folder with --precision double")
    return rounded


def chunk_table(chunk: ChunkResult, outcomes: list[str], precision: str = DOUBLE
                ) -> pa.Table:
    """One chunk's course rows: the columns of :func:`~.results.draws_frame` but the
    judgments, built straight in Arrow (no pandas block copies) and draw-major, so a
    draw's rows are together. With ``precision`` ``single`` the float columns
    (conditional probabilities, metrics, records) are float32 (:func:`to_single`)."""
    n_c, n = chunk.outcome.shape

    def flat(values: np.ndarray, column: str | None = None) -> np.ndarray:
        # (courses, draws) -> draw-major rows; a float column named ``column`` is rounded
        # when the run stores single precision.
        rows = np.ascontiguousarray(values.T).ravel()
        if column is not None and precision != DOUBLE and rows.dtype.kind == "f":
            return to_single(rows, column)
        return rows

    outcome = flat(chunk.outcome).astype(np.int64)
    labels = pa.array([*outcomes, ""], type=pa.string())
    columns: dict[str, pa.Array] = {
        "draw": pa.array(np.repeat(np.arange(chunk.start, chunk.start + n, dtype=np.int64),
                                   n_c)),
        "course": pa.array(np.tile(np.array(chunk.courses, dtype=object), n),
                           type=pa.string()),
        "outcome": labels.take(pa.array(np.where(outcome < 0, len(outcomes), outcome))),
        "period": pa.array(flat(chunk.time).astype(np.int64)),
    }
    for k, o in enumerate(outcomes):
        columns[o] = pa.array(outcome == k)
    for k, o in enumerate(outcomes):
        columns[f"p_{o}"] = pa.array(flat(chunk.probability(k), f"p_{o}"))
    for name, values in chunk.metrics.items():
        columns[name] = pa.array(flat(values, name))
    for name, values in chunk.records.items():
        # NaN (not reached) -> null
        columns[name] = pa.array(flat(values, name), from_pandas=True)
    return pa.table(columns)


def judgments_table(start: int, judgments: dict[str, np.ndarray]) -> pa.Table:
    """The judgments of draws ``start, start+1, ...``: a row per draw, ``draw`` and
    ``j_<id>`` per judgment."""
    count = len(next(iter(judgments.values()))) if judgments else 0
    columns: dict[str, pa.Array] = {
        "draw": pa.array(np.arange(start, start + count, dtype=np.int64))}
    for name, values in judgments.items():
        columns[f"j_{name}"] = pa.array(values)
    return pa.table(columns)


def write_parquet(fh: BinaryIO, table: pa.Table, metadata: dict[bytes, bytes]) -> None:
    """Write ``table`` to ``fh`` in the stored layout (encodings in the module doc), with
    ``metadata`` as the file's key-value metadata and a checksum on every page."""
    encodings = {}
    for field in table.schema:
        if pa.types.is_floating(field.type):
            encodings[field.name] = "BYTE_STREAM_SPLIT"
        elif field.name == "draw":
            encodings[field.name] = "DELTA_BINARY_PACKED"
    dictionary = [name for name in table.column_names if name not in encodings]
    with pq.ParquetWriter(fh, table.schema, compression="zstd", compression_level=ZSTD_LEVEL,
                          use_dictionary=dictionary, column_encoding=encodings,
                          store_schema=False, write_page_checksum=True) as writer:
        writer.write_table(table)
        writer.add_key_value_metadata(metadata)


def chunk_info(index: int, start: int, count: int, seed: int,
               courses: list[str] | tuple[str, ...], precision: str = DOUBLE
               ) -> dict[str, Any]:
    """What the ``kennan.chunk`` metadata of chunk ``index``'s files says (``precision``
    only when not the default, so lossless files are as before)."""
    info: dict[str, Any] = {"index": index, "start": start, "count": count, "seed": seed,
                            "courses": list(courses)}
    if precision != DOUBLE:
        info["precision"] = precision
    return info


def summary_metadata(summary: Summary, precision: str = DOUBLE) -> dict[bytes, bytes]:
    """The key-value metadata that hold a chunk's summary: its JSON as it is (double
    precision, as before) or packed (:data:`PACKED_SUMMARY_KEY`, single precision)."""
    text = summary.to_json().encode()
    if precision == DOUBLE:
        return {SUMMARY_KEY: text}
    packed = base64.b85encode(pa.compress(text, codec="zstd", asbytes=True))
    return {PACKED_SUMMARY_KEY: f"{len(text)}:".encode() + packed}


def stored_summary(meta: dict[bytes, bytes]) -> Summary:
    """The summary a chunk file's key-value metadata hold, plain or packed (errors:
    KeyError, ValueError, pyarrow's)."""
    if SUMMARY_KEY in meta:
        return Summary.from_json(meta[SUMMARY_KEY])
    size, colon, packed = meta[PACKED_SUMMARY_KEY].partition(b":")
    if not colon or not size.isdigit() or int(size) > MAX_SUMMARY_BYTES:
        raise ValueError("not a packed summary")
    return Summary.from_json(pa.decompress(base64.b85decode(packed), decompressed_size=int(size),
                                           codec="zstd", asbytes=True))


def verify_chunk(folder: str | Path, *, index: int, start: int, count: int,
                 courses: tuple[str, ...], seed: int, precision: str = DOUBLE
                 ) -> Summary | None:
    """The summary stored in chunk ``index``'s file when it is sound, else None: the file
    missing, partial, corrupt (a page checksum fails) or holding other draws."""
    expected = chunk_info(index, start, count, seed, courses, precision)
    try:
        meta = _verified(chunk_path(folder, index), expected, count * len(courses))
        if meta is None:
            return None
        summary = stored_summary(meta)
        if summary.draws != count or summary.courses != list(courses):
            return None
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
    return summary


def judgments_sound(folder: str | Path, *, index: int, start: int, count: int,
                    courses: tuple[str, ...], seed: int, precision: str = DOUBLE) -> bool:
    """Whether chunk ``index``'s judgments file is sound (see :func:`verify_chunk`)."""
    try:
        return _verified(judgments_path(folder, index),
                         chunk_info(index, start, count, seed, courses, precision),
                         count) is not None
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return False


def _verified(path: Path, expected: dict[str, Any], rows: int) -> dict[bytes, bytes] | None:
    """The key-value metadata of ``path`` when it is a sound file of ``rows`` rows whose
    chunk metadata is ``expected``; None otherwise (errors reading it propagate)."""
    # Only a regular file of our own: a link, a FIFO or a device planted under a chunk's
    # name is unsound (and opening a FIFO would wait for ever).
    if not stat.S_ISREG(os.lstat(path).st_mode):
        return None
    pf = pq.ParquetFile(path, page_checksum_verification=True)
    meta = pf.metadata.metadata or {}
    if json.loads(meta[CHUNK_KEY]) != expected or pf.metadata.num_rows != rows:
        return None
    # Reading every page checks every page's checksum.
    if pf.read().num_rows != rows:
        return None
    return meta


def read_frame(folder: str | Path, index: int, courses: list[str]) -> pd.DataFrame:
    """Chunk ``index`` of a run folder as :func:`~.results.draws_frame` makes it from the
    engine's arrays: course-major rows, the judgments on every course's row, NULL read as
    NaN, a float32 column (precision ``single``) as float64 (exactly its rounded values).
    Reads format 2 (a judgments file) and format 1 (judgments on the rows)."""
    rows = widened(pq.read_table(chunk_path(folder, index)))
    n_c = len(courses)
    n = rows.num_rows // n_c
    # Stored draw-major (row = draw * n_c + course); the engine's frames are course-major.
    order = (np.arange(n)[None, :] * n_c + np.arange(n_c)[:, None]).ravel()
    rows = rows.take(pa.array(order))
    judgments_file = judgments_path(folder, index)
    if os.path.lexists(judgments_file):  # format 1 has the judgments on the rows already
        judgments = pq.read_table(judgments_file).drop(["draw"])
        judgments = judgments.take(pa.array(np.tile(np.arange(n), n_c)))
        for name in judgments.column_names:
            rows = rows.append_column(name, judgments[name])
    return rows.to_pandas()


def widened(table: pa.Table) -> pa.Table:
    """``table`` with its float32 columns as float64 (exact: every float32 is a float64)."""
    schema = pa.schema([f.with_type(pa.float64()) if pa.types.is_float32(f.type) else f
                        for f in table.schema], metadata=table.schema.metadata)
    return table if schema.equals(table.schema) else table.cast(schema)
