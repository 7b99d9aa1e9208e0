"""DuckDB views over a run folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kennan.errors import UsageError
from kennan.experiments.query import VIEWS, connect, query
from kennan.experiments.runner import run


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    toy = Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml"
    out = tmp_path_factory.mktemp("query") / "run"
    results = run(str(toy), draws=900, seed=1, chunk_size=400, out=out)
    return out, results


def test_draws_view_matches_the_summary(folder):
    out, results = folder
    frame = query(out, "select course, avg(p_deal) as p, avg(strain_total) as strain, "
                       "count(*) as n from draws group by course")
    by_course = frame.set_index("course")
    for c, course in enumerate(results.courses):
        assert by_course.loc[course, "n"] == 900
        assert by_course.loc[course, "p"] == pytest.approx(results.summary.probability(c, 1))
        assert by_course.loc[course, "strain"] == pytest.approx(results.summary.metric_mean(c, 0))


def test_draws_columns(folder):
    out, _ = folder
    columns = dict(query(out, "describe draws")[["column_name", "column_type"]].values)
    assert columns["draw"] == "BIGINT" and columns["course"] == "VARCHAR"
    assert columns["outcome"] == "VARCHAR" and columns["period"] == "BIGINT"
    assert columns["war"] == columns["deal"] == "BOOLEAN"
    assert columns["strain_total"] == columns["deal.terms"] == columns["j_balance"] == "DOUBLE"
    assert columns["p_deal"] == "DOUBLE"
    # A recorded value is null (not NaN) where its outcome cannot be reached.
    odd = query(out, "select count(*) as n from draws where (p_deal > 0) "
                     "!= (\"deal.terms\" is not null)")
    assert odd.n[0] == 0
    # Judgments are common to every course of a draw.
    spread = query(out, "select max(n) as n from (select draw, count(distinct j_balance) as n "
                        "from draws group by draw)")
    assert spread.n[0] == 1


def test_chunks_manifest_and_periods_views(folder):
    out, _ = folder
    chunks = query(out, "select * from chunks")
    assert chunks[["chunk", "first_draw", "draws", "rows"]].values.tolist() == [
        [0, 0, 400, 1200], [1, 400, 400, 1200], [2, 800, 100, 300]]
    manifest = query(out, "select * from manifest")
    assert manifest.loc[0, "scenario_id"] == "toy" and manifest.loc[0, "status"] == "complete"
    assert list(manifest.loc[0, "courses"]) == ["wait", "appeal", "squeeze"]
    periods = query(out, "select * from periods order by period")
    assert len(periods) == 12 and periods.date[0].date() == dt.date(2000, 1, 1)
    con = connect(out)
    try:
        names = {r[0] for r in con.execute("select table_name from information_schema.tables")
                 .fetchall()}
    finally:
        con.close()
    assert set(VIEWS) <= names


def test_errors_name_the_problem(folder, tmp_path):
    out, _ = folder
    with pytest.raises(UsageError, match="the query failed: Parser Error"):
        query(out, "selec 1")
    with pytest.raises(UsageError, match="not a kennan run folder"):
        query(tmp_path, "select 1")
    empty = tmp_path / "empty"
    (empty / "draws").mkdir(parents=True)
    (empty / "manifest.json").write_text((out / "manifest.json").read_text())
    with pytest.raises(UsageError, match="no chunk files yet"):
        query(empty, "select 1")


def _as_format_1(folder: Path, into: Path) -> Path:
    """A copy of run folder ``folder`` in the layout kennan wrote before run-folder format 2:
    the judgments repeated on every course's row, no judgments folder."""
    import json
    import shutil

    import pyarrow.parquet as pq

    shutil.copytree(folder, into)
    for path in sorted((into / "draws").glob("chunk-*.parquet")):
        table = pq.read_table(path)
        judgments = pq.read_table(into / "judgments" / path.name)
        pq.write_table(table.join(judgments, "draw").sort_by("draw"), path)
    shutil.rmtree(into / "judgments")
    manifest = json.loads((into / "manifest.json").read_text())
    (into / "manifest.json").write_text(json.dumps({**manifest, "kennan_run": 1}))
    return into


def test_a_format_1_folder_is_read_and_not_resumed(folder, tmp_path):
    import json

    from kennan.experiments.runner import open_results, run

    out, _ = folder
    old = _as_format_1(out, tmp_path / "old")
    sql = "select * from draws order by draw, course"
    new_rows, old_rows = query(out, sql), query(old, sql)
    assert list(old_rows.columns) == list(new_rows.columns)
    assert old_rows.equals(new_rows)
    for view in ("judgments", "course_rows"):
        sql = f"select * from {view} order by all"
        assert query(old, sql).equals(query(out, sql))
    assert open_results(old).draws_table().equals(open_results(out).draws_table())
    toy = Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml"
    with pytest.raises(UsageError, match=r"cannot resume: the run folder is in format 1 "
                                         r"\(written by kennan .*\), this kennan writes format 2"):
        run(str(toy), draws=900, seed=1, chunk_size=400, out=old, resume=True)
    manifest = json.loads((old / "manifest.json").read_text())
    (old / "manifest.json").write_text(json.dumps({**manifest, "kennan_run": 3}))
    with pytest.raises(UsageError, match=r"the run folder is in format 3 \(written by kennan "
                                         r".*\); kennan .* reads formats 1, 2"):
        query(old, "select 1")


def test_draws_view_joins_the_judgments_stored_once(folder):
    out, results = folder
    judgments = query(out, "describe judgments")["column_name"].tolist()
    assert judgments == ["draw"] + [f"j_{j}" for j in results.judgment_ids]
    assert query(out, "select count(*) as n from judgments").n[0] == 900
    draws = query(out, "select * from draws order by draw, course")
    rows = query(out, "select * from course_rows order by draw, course")
    assert rows.equals(draws[[c for c in draws.columns if not c.startswith("j_")]])
