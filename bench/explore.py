"""Latency of ``kennan explore``: a change to one judgment until the page shows new figures.

Starts ``kennan explore`` on a scenario (korea-1952 by default) pinned to one CPU core,
opens the page in Debian's headless Chromium (Selenium through /usr/bin/chromedriver:
nothing is downloaded), pins one judgment, then changes its value 20 times. For each
change it records the server's time (validate the edited scenario, run every course,
render the results; the run's own share too) and the browser's time from the change
event to the new figures painted (two animation frames after the swap). A bare run of
the same scenario in this process on the same core follows, for comparison. On a
machine shared with other work, read the ratios: absolute times move with the load.

    python bench/explore.py                       # korea-1952, 10^4 draws, 20 changes
    python bench/explore.py --draws 100000 --changes 10 --judgment sharpness --core 1
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def start_server(scenario: str, draws: int, core: int, folder: str) -> tuple[subprocess.Popen,
                                                                            str]:
    """``kennan explore`` on a free port, pinned to ``core``; the process and its URL."""
    env = {**os.environ, **ONE_THREAD}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kennan.cli.app import main; main()", "explore", scenario,
         "--port", "0", "--no-browser",
         "--draws", str(draws), "--folder", folder],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=lambda: os.sched_setaffinity(0, {core}))
    line = proc.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not found:
        proc.kill()
        raise SystemExit(f"the server did not start: {line}{proc.stderr.read()}")
    return proc, found.group(0)


def browser(profile: str):
    """Headless Chromium driven through Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={profile}", "--window-size=1400,1000"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_script_timeout(300)
    return driver


def wait(driver, script: str, timeout: float = 300) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.01).until(lambda d: d.execute_script(script))


def change(driver, css: str, value: str) -> None:
    driver.execute_script("var el = document.querySelector(arguments[0]); el.value = "
                          "arguments[1]; el.dispatchEvent(new Event('change'));", css, value)


def summary(name: str, xs: list[float]) -> str:
    return (f"{name:<34} median {statistics.median(xs):6.3f} s   p95 "
            f"{float(np.percentile(xs, 95)):6.3f} s   max {max(xs):6.3f} s")


def bare_run(scenario: str, draws: int, core: int, repeats: int) -> list[float]:
    """The engine alone: a run of every course, in this process on ``core``."""
    from kennan.experiments.runner import run
    from kennan.scenario.loading import load_scenario

    os.sched_setaffinity(0, {core})
    loaded = load_scenario(scenario)
    run(loaded, draws=draws, seed=0, keep_draws=True)  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run(loaded, draws=draws, seed=0, keep_draws=True)
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="korea-1952")
    p.add_argument("--draws", type=int, default=10_000)
    p.add_argument("--changes", type=int, default=20)
    p.add_argument("--judgment", default="w_tie_up")
    p.add_argument("--core", type=int, default=0)
    a = p.parse_args()
    if not (Path(CHROMIUM).is_file() and Path(DRIVER).is_file()):
        raise SystemExit("needs Debian's chromium and chromium-driver")
    for k, v in ONE_THREAD.items():
        os.environ[k] = v
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(a.scenario, a.draws, a.core, tmp)
        driver = browser(str(Path(tmp) / "profile"))
        try:
            driver.get(url)
            wait(driver, "return document.documentElement.getAttribute('data-script') === 'ok'")
            row = f"#j-{a.judgment}"
            driver.execute_script(
                "var s = document.querySelector(arguments[0] + ' select.mode'); s.value = 'pin';"
                "s.dispatchEvent(new Event('change'));", row)
            wait(driver, "return window.kennanExplore.renders === 1")  # warm-up, not counted
            low, high = (float(driver.find_element("css selector", f"{row} input.pin-range")
                               .get_attribute(k)) for k in ("min", "max"))
            values = np.linspace(low + 0.1 * (high - low), high - 0.1 * (high - low), a.changes)
            server, shown, engine_part, rest = [], [], [], []
            for i, v in enumerate(values):
                change(driver, f"{row} input.pin-value", f"{v:.6g}")
                wait(driver, f"return window.kennanExplore.renders === {i + 2}")
                last = driver.execute_script("return window.kennanExplore.last")
                server.append(last["server"])
                shown.append(last["browser"])
                engine_part.append(last["timings"]["run"])
                rest.append(last["timings"]["validate"] + last["timings"]["view"])
            errors = driver.execute_script("return window.kennanExplore.errors")
        finally:
            driver.quit()
            proc.terminate()
            proc.wait(timeout=30)
    engine = bare_run(a.scenario, a.draws, a.core, max(5, a.changes // 4))
    print(f"kennan explore {a.scenario}, {a.draws:,} draws, {a.changes} changes of "
          f"{a.judgment}, server on core {a.core} ({errors} refused)")
    print(summary("server (validate, run, render)", server))
    print(summary("change to painted figure (Chromium)", shown))
    print(summary("  of which: the run of every course", engine_part))
    print(summary("  of which: validate edit + results", rest))
    print(summary("bare run afterwards, same core", engine))
    page, srv, run_part = (statistics.median(x) for x in (shown, server, engine_part))
    print(f"ratios (medians): page / server {page / srv:.2f}, server / its run "
          f"{srv / run_part:.2f}, its run / bare run {run_part / statistics.median(engine):.2f}; "
          f"budget 1.5 s: p95 to the page is {float(np.percentile(shown, 95)) / 1.5:.0%} of it")


if __name__ == "__main__":
    main()
