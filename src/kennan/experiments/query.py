"""SQL over a run folder: DuckDB views of its Parquet chunk files and its manifest.

Views (see ``docs/running.md`` for their columns):

``draws``
    one row per (draw, course): ``draw``, ``course``, ``outcome`` (the id of the
    outcome reached, empty when none by the horizon), ``period`` (index of the
    period it was reached, -1 for none), one boolean column per outcome, one
    column per metric, one per recorded value (``"outcome.name"``), and one per
    judgment (``j_<id>``, the same for every course of a draw).
``chunks``
    one row per stored chunk file: ``chunk``, ``first_draw``, ``draws``, ``rows``,
    ``file``.
``manifest``
    one row: what was run (scenario, hash, seed, draws, chunk size, courses,
    baseline, version, start, end, status).
``periods``
    one row per period: ``period`` (index) and ``date`` (its first day).

The views read only the chunk files present when the connection was made, so a
folder can be queried while its run is still going on.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import duckdb
import pandas as pd

from kennan.errors import Location, UsageError
from kennan.experiments.store import read_manifest, stored_chunks

VIEWS = ("draws", "chunks", "manifest", "periods")
_MANIFEST_COLUMNS = ("scenario", "scenario_id", "scenario_sha256", "seed", "draws", "chunk_size",
                     "chunks", "courses", "baseline", "outcomes", "metrics", "kennan_version",
                     "started", "finished", "status")


def connect(folder: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the views of run folder ``folder``."""
    manifest = read_manifest(folder)
    files = [str(p) for p in stored_chunks(folder)]
    if not files:
        raise UsageError("the run folder holds no chunk files yet", Location(str(folder)))
    con = duckdb.connect(database=":memory:")
    try:
        con.read_parquet(files).create_view("draws")
        size = int(manifest["chunk_size"])
        total = int(manifest["draws"])
        # Views cannot take parameters: the numbers are ints, the paths quoted as literals.
        listing = ", ".join(_literal(f) for f in files)
        con.execute(
            f"create view chunks as select chunk, chunk * {size} as first_draw, "
            f"least({size}, {total} - chunk * {size}) as draws, rows, file from ("
            "select cast(regexp_extract(file_name, 'chunk-([0-9]+)[.]parquet$', 1) as bigint) "
            "as chunk, num_rows as rows, file_name as file "
            f"from parquet_file_metadata([{listing}])) order by chunk")
        row = {k: manifest.get(k) for k in _MANIFEST_COLUMNS}
        con.register("manifest_frame", pd.DataFrame([row]))
        con.execute("create view manifest as select * from manifest_frame")
        periods = pd.DataFrame({
            "period": range(len(manifest["periods"])),
            "date": [_dt.date.fromisoformat(d) for d in manifest["periods"]],
        })
        con.register("periods_frame", periods)
        con.execute("create view periods as select period, cast(date as date) as date "
                    "from periods_frame")
    except (duckdb.Error, KeyError, TypeError, ValueError) as exc:
        con.close()
        raise UsageError(f"cannot open the run folder for queries: {exc}",
                         Location(str(folder))) from None
    return con


def query(folder: str | Path, sql: str) -> pd.DataFrame:
    """The result of ``sql`` over the views of run folder ``folder`` (see the module doc).

    Bad SQL raises a UsageError with DuckDB's message."""
    con = connect(folder)
    try:
        return con.execute(sql).df()
    except duckdb.Error as exc:
        lines = str(exc).strip().splitlines()
        message = " ".join(line.strip() for line in lines if line.strip())
        raise UsageError(f"the query failed: {message}; views: {', '.join(VIEWS)}") from None
    finally:
        con.close()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
