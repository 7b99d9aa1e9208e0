"""Item 11: the reader keeps a plain file's first lines, drafts get the umask's mode, a
file that is not a scenario is not quoted back, a DEU header names each column once."""

from __future__ import annotations

import os
import stat

import pytest

from kennan.cli.app import app

from .conftest import FIXTURES, SECRET, one_line


def test_a_file_that_is_not_a_scenario_is_not_quoted(runner, tmp_path):
    passwd = tmp_path / "passwd"
    passwd.write_text(f"root:x:0:0:{SECRET}:/root:/bin/bash\n"
                      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n")
    result = runner.invoke(app, ["validate", str(passwd)])
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "expected a mapping at the top level" in line
    assert SECRET not in result.output and "/bin/bash" not in line


def test_a_draft_scenario_gets_the_mode_of_any_new_file(runner, tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "draft.yaml"
        result = runner.invoke(app, ["read", str(FIXTURES / "source.txt"),
                                     "--draft-scenario", str(out)])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_a_plain_file_without_blank_lines_keeps_its_first_lines(runner, tmp_path):
    text = "Roses are red\n" + "and violets\n" * 15 + "The Soviets will probably agree.\n"
    (tmp_path / "poem.txt").write_text(text)
    result = runner.invoke(app, ["read", str(tmp_path / "poem.txt"), "--json"])
    assert result.exit_code == 0, result.output
    import json

    paragraphs = json.loads(result.stdout)["paragraphs"]
    assert paragraphs[0]["text"].startswith("Roses are red and violets")


@pytest.mark.parametrize("layout", ["deu", "plain"])
def test_a_duplicated_header_column_is_refused(runner, tmp_path, layout):
    if layout == "deu":
        path = tmp_path / "d.tsv"
        path.write_text("prnr\tcounvte\tproc\tpA\tsA\tpA\trp\tout\n"
                        "\t\t\t10\t\t20\t\t\n"
                        "1\tQMV\tCOD\t50\t50\t60\t40\t45\n")
        args = ["evaluate", str(path)]
    else:
        path = tmp_path / "t.csv"
        path.write_text("actor,position,salience,capability,position\nA,1,1,1,9\nB,2,1,1,8\n")
        args = ["forecast", str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "appears twice in the header" in one_line(result.stderr)
