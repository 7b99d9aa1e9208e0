"""Item 4: a scenario, document or table that is a device or a FIFO is refused unread,
and no file is read past its size limit plus one byte."""

from __future__ import annotations

import os
import threading

import pytest

from kennan.cli.app import app
from kennan.errors import KennanError
from kennan.safeio import read_regular

from .conftest import one_line


@pytest.mark.parametrize("command", [["validate"], ["read"], ["forecast"], ["evaluate"]])
def test_a_link_to_a_device_is_refused(runner, tmp_path, command):
    link = tmp_path / "z.yaml"
    link.symlink_to("/dev/zero")
    result = runner.invoke(app, [*command, str(link)])
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "character device, not a regular file" in line and "z.yaml" in line


@pytest.mark.parametrize("command", [["validate"], ["read"], ["forecast"]])
def test_a_fifo_is_refused_without_waiting_for_a_writer(runner, tmp_path, command):
    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)
    # Without the check, opening the FIFO blocks for ever: the watchdog writes to it so a
    # regression fails instead of hanging the suite.
    done = threading.Event()

    def unblock() -> None:
        if not done.wait(20):
            with open(fifo, "w") as fh:
                fh.write("x")

    threading.Thread(target=unblock, daemon=True).start()
    result = runner.invoke(app, [*command, str(fifo)])
    done.set()
    assert result.exit_code == 1
    assert "FIFO (named pipe), not a regular file" in one_line(result.stderr)


def test_reads_stop_at_the_limit_plus_one_byte(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(50_000_000)  # sparse: no disk used
    asked: list[int] = []
    real = os.read

    def counting(fd: int, n: int) -> bytes:
        data = real(fd, n)
        asked.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting)
    assert len(read_regular(big, max_bytes=1000)) == 1001
    assert sum(asked) == 1001

    from kennan.scenario.yamlsource import read_text

    with pytest.raises(KennanError, match="50,000,000 bytes; the limit is 1,000 bytes"):
        read_text(big, what="scenario file", max_bytes=1000)
    assert sum(asked) == 2002
