"""Item 1: ``kennan query`` is read-only and confined to the run folder's chunk files."""

from __future__ import annotations

import pytest

from kennan.cli.app import app
from kennan.errors import UsageError
from kennan.experiments.query import query

from .conftest import SECRET, one_line, snapshot


@pytest.mark.parametrize("sql", [
    "select * from read_text('{secret}')",
    "select * from read_csv('{secret}')",
    "select * from read_text('{folder}/draws/../../../outside/secret.txt')",
    "select * from glob('{parent}/*')",
    "attach '{parent}/x.db' as x",
])
def test_a_query_cannot_read_outside_the_run_folder(runner, run_folder, secret, sql):
    sql = sql.format(secret=secret, folder=run_folder, parent=secret.parent)
    result = runner.invoke(app, ["query", str(run_folder), sql])
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert SECRET not in result.output
    assert "outside the run folder" in line or "read-only SELECT" in line
    assert not (secret.parent / "x.db").exists()


@pytest.mark.parametrize("sql", [
    "copy (select 1) to '{folder}/summary.json'",
    "copy (select 1) to '{folder}/draws/chunk-000000.parquet' (use_tmp_file false)",
    "export database '{folder}'",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
    "select 1; copy (select 1) to '{folder}/manifest.json'",
    "create table t as select 1",
])
def test_a_query_cannot_write_install_or_reconfigure(runner, run_folder, sql):
    before = snapshot(run_folder)
    result = runner.invoke(app, ["query", str(run_folder), sql.format(folder=run_folder)])
    assert result.exit_code == 1
    assert "read-only SELECT" in one_line(result.stderr)
    assert snapshot(run_folder) == before


def test_the_lock_holds_even_through_the_library(run_folder, secret):
    from kennan.experiments.query import connect

    con = connect(run_folder)
    try:
        with pytest.raises(Exception, match="locked"):
            con.execute("set enable_external_access = true")
        with pytest.raises(Exception, match="disabled by configuration"):
            con.execute(f"select * from read_text('{secret}')")
    finally:
        con.close()


def test_a_chunk_file_linking_out_of_the_folder_is_refused(tmp_path, run_folder, secret):
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(run_folder, folder)
    (folder / "draws" / "chunk-000009.parquet").symlink_to(secret)
    with pytest.raises(UsageError, match="not a chunk file of this run"):
        query(folder, "select count(*) from draws")


def test_empty_and_huge_queries_are_one_line(runner, run_folder):
    result = runner.invoke(app, ["query", str(run_folder), "  "])
    assert result.exit_code == 1 and "no query given" in one_line(result.stderr)
    with pytest.raises(UsageError, match="more than 1,000 rows"):
        query(run_folder, "select * from range(100000)", max_rows=1000)
    assert query(run_folder, "select count(*) as n from draws")["n"][0] == 40 * 3
