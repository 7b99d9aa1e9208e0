"""SQL over a run folder: DuckDB views of its Parquet chunk files and its manifest.

Views (see ``docs/running.md`` for their columns):

``draws``
    one row per (draw, course): ``draw``, ``course``, ``outcome`` (the id of the
    outcome reached, empty when none by the horizon), ``period`` (index of the
    period it was reached, -1 for none), one boolean column per outcome, one
    column per metric, one per recorded value (``"outcome.name"``), and one per
    judgment (``j_<id>``, the same for every course of a draw: the course rows
    joined with ``judgments``; order rows with ORDER BY).
``judgments``
    one row per draw: ``draw`` and ``j_<id>`` per judgment (drawn again and kept on
    the first query that names ``draws`` or ``judgments``, see :mod:`.derive`).
``course_rows``
    ``draws`` without the judgments: no join, so faster on a large run.
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

A query is read-only and confined to the run folder: one SELECT (or EXPLAIN)
statement, on a connection that may read the folder's chunk files and nothing
else (DuckDB's external access off, only those files allowed, no extensions
installed or loaded, no temporary files, the configuration locked). Reading
another file, writing any file (COPY, EXPORT) or reaching the network fails with
a clear error.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kennan.errors import Location, UsageError
from kennan.experiments.derive import materialise, missing
from kennan.experiments.store import (
    DRAWS,
    JUDGMENTS,
    precision_of,
    read_manifest,
    stored_chunks,
)

VIEWS = ("draws", "judgments", "course_rows", "chunks", "manifest", "periods")
_MANIFEST_COLUMNS = ("scenario", "scenario_id", "scenario_sha256", "seed", "draws", "chunk_size",
                     "chunks", "courses", "baseline", "outcomes", "metrics", "precision",
                     "kennan_version", "started", "finished", "status")


#: Rows a query's result may have: it is held in memory to be printed.
MAX_ROWS = 20_000_000
#: Statements a query may be: reading, never writing or configuring.
_READ_ONLY = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)


def connect(folder: str | Path, *, judgments: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the views of run folder ``folder``, able to
    read the folder's chunk files and no other file (see the module doc).

    The judgments are drawn again where not yet stored (:mod:`.derive`); with
    ``judgments`` false they are not, and the views that need them (``draws``,
    ``judgments``) exist only when every chunk's judgments are already stored."""
    manifest = read_manifest(folder)
    files = _chunk_files(Path(folder))
    if not files:
        raise UsageError("the run folder holds no chunk files yet", Location(str(folder)))
    if manifest["kennan_run"] == 1:
        stored: list[str] = []
    else:
        if judgments:
            materialise(folder, manifest, files)
        stored = [] if missing(folder, files) else _judgment_files(Path(folder), files)
    con = duckdb.connect(database=":memory:", config={
        "autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        # Order matters: the allowed files are set before external access is turned off,
        # and the lock comes last so that no statement can undo any of it.
        con.execute("set temp_directory = ''")
        con.execute("set allowed_paths = ?", [files + stored])
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
        _draws_views(con, manifest, files, stored)
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
        row["precision"] = precision_of(manifest)
        con.register("manifest_frame", pd.DataFrame([row]))
        con.execute("create view manifest as select * from manifest_frame")
        periods = pd.DataFrame({
            "period": range(len(manifest["periods"])),
            "date": [_dt.date.fromisoformat(d) for d in manifest["periods"]],
        })
        con.register("periods_frame", periods)
        con.execute("create view periods as select period, cast(date as date) as date "
                    "from periods_frame")
    except (duckdb.Error, pa.ArrowException, OSError, KeyError, TypeError, ValueError) as exc:
        con.close()
        raise UsageError(f"cannot open the run folder for queries: {exc}",
                         Location(str(folder))) from None
    return con


def query(folder: str | Path, sql: str, *, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """The result of ``sql`` over the views of run folder ``folder`` (see the module doc).

    Bad SQL, SQL that is not one read-only statement, or a result of more than
    ``max_rows`` rows (it would not fit in memory) raises a UsageError."""
    if not sql.strip():
        raise UsageError("no query given; expected one SELECT statement over the views "
                         f"{', '.join(VIEWS)}, e.g. \"select course, count(*) from draws "
                         "group by course\"")
    con = connect(folder, judgments=_reads_judgments(sql))
    try:
        statements = con.extract_statements(sql)
        if len(statements) != 1 or statements[0].type not in _READ_ONLY:
            kinds = ", ".join(st.type.name for st in statements) or "none"
            raise UsageError("a query is one read-only SELECT statement over the views "
                             f"{', '.join(VIEWS)} (got: {kinds}); a run folder cannot be "
                             "changed, nor other files read, through kennan query")
        result = con.execute(sql)
        parts = [result.fetch_df_chunk(32)]  # 32 vectors of 2,048 rows at a time
        rows = len(parts[0])
        while len(parts[-1]):
            parts.append(result.fetch_df_chunk(32))
            rows += len(parts[-1])
            if rows > max_rows:
                raise UsageError(f"the query's result has more than {max_rows:,} rows; "
                                 "aggregate it (group by), or add a limit, or read the "
                                 "chunk files with your own tools (DuckDB, pyarrow)")
        frames = [p for p in parts if len(p)] or parts[:1]
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    except duckdb.PermissionException:
        raise UsageError("the query tried to reach a file or the network outside the run "
                         "folder's chunk files; kennan query reads only the views "
                         f"{', '.join(VIEWS)}") from None
    except duckdb.Error as exc:
        raise UsageError(f"the query failed: {_one_line(exc)}; views: "
                         f"{', '.join(VIEWS)}") from None
    finally:
        con.close()


def _reads_judgments(sql: str) -> bool:
    """Whether ``sql`` names a view that needs the judgments (``draws``, ``judgments``):
    only then are judgments not yet stored drawn again. Unparsable SQL needs none (it
    fails with DuckDB's message either way)."""
    con = duckdb.connect(database=":memory:")
    try:
        names = {n.lower() for n in con.get_table_names(sql)}
    except duckdb.Error:
        return False
    finally:
        con.close()
    return bool(names & {"draws", "judgments"})


def _draws_views(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], files: list[str],
                 judgments: list[str]) -> None:
    """The ``draws`` and ``judgments`` views: in format 2 the course rows joined with the
    judgments stored once per draw; format 1 stored the judgments on every course's row."""
    if manifest["kennan_run"] == 1:
        con.read_parquet(files).create_view("draws")
        first = _literal(str(manifest["courses"][0]))
        con.execute("create view judgments as select draw, columns('^j_') from draws "
                    f"where course = {first}")
        names = [n for n in pq.read_schema(files[0]).names if not n.startswith("j_")]
        listing = ", ".join(_name(n) for n in names)
        con.execute(f"create view course_rows as select {listing} from draws")
        return
    # A run stored in single precision has float32 columns: the views give them as DOUBLE
    # (exactly the stored, rounded values), the type of every other run's.
    singles = [f.name for f in pq.read_schema(files[0]) if pa.types.is_float32(f.type)]
    if singles:
        listing = ", ".join(_literal(f) for f in files)
        widen = ", ".join(f"cast({_name(n)} as double) as {_name(n)}" for n in singles)
        con.execute(f"create view course_rows as select * replace ({widen}) "
                    f"from read_parquet([{listing}])")
    else:
        con.read_parquet(files).create_view("course_rows")
    if not judgments:
        return
    con.read_parquet(judgments).create_view("judgments")
    con.execute("create view draws as select c.*, j.* exclude (draw) from course_rows c "
                "join judgments j using (draw)")


def _chunk_files(folder: Path) -> list[str]:
    """The chunk files, absolute; refuses one that is not a regular file in the folder
    (a symlink planted to make queries read another file)."""
    return [_own_file(p, folder / DRAWS) for p in stored_chunks(folder)]


def _judgment_files(folder: Path, files: list[str]) -> list[str]:
    """The judgments file of every chunk file in ``files``, absolute (written before the
    chunk file, so it exists unless removed by hand)."""
    out = []
    for f in files:
        path = folder / JUDGMENTS / Path(f).name
        if not path.exists():
            raise UsageError("a chunk's judgments file is missing; finish or redo the run with "
                             "--resume", Location(str(path)))
        out.append(_own_file(path, folder / JUDGMENTS))
    return out


def _own_file(path: Path, inside: Path) -> str:
    real = path.resolve()
    if real.parent != inside.resolve() or not real.is_file():
        raise UsageError("not a chunk file of this run (a link out of the folder, or not "
                         "a regular file); remove it", Location(str(path)))
    return str(real)


def _one_line(exc: Exception, limit: int = 500) -> str:
    text = " ".join(line.strip() for line in str(exc).strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _name(column: str) -> str:
    """A column name quoted as an SQL identifier."""
    return '"' + column.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
