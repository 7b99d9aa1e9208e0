"""The report opens in headless Chromium: a screenshot is taken, the inline script runs to
its end, and the console stays silent (no errors, no warnings, nothing fetched)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             "/usr/bin/chromium") if p and Path(p).is_file()), None)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install -y chromium); "
           "the headless rendering test needs it")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180, check=False)


def test_report_renders_without_console_errors(toy_report, tmp_path):
    url = toy_report.resolve().as_uri()
    png = tmp_path / "report.png"
    shot = _chromium(tmp_path / "profile", f"--screenshot={png}", "--window-size=1280,2000",
                     "--enable-logging=stderr", "--v=0", url)
    assert png.is_file(), shot.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000  # a blank page compresses to a few kilobytes
    console = [line for line in shot.stderr.splitlines() if "CONSOLE" in line]
    assert console == [], "\n".join(console)


def test_inline_script_runs_to_the_end(toy_report, tmp_path):
    dom = _chromium(tmp_path / "profile", "--dump-dom", toy_report.resolve().as_uri()).stdout
    assert 'data-script="ok"' in dom
    assert ">Interactive: click a course" in dom
