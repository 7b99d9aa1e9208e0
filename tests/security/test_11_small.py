"""Item 11: the reader keeps a plain file's first lines, drafts get the umask's mode, a
file that is not a scenario is not quoted back, a DEU header names each column once."""

from __future__ import annotations

import os
import stat

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
