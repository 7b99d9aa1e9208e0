"""Latency of ``kennan explore``: a change to one judgment until the page shows new figures.

Starts ``kennan explore`` on a scenario (korea-1952 by default) pinned to one CPU core,
opens the page in Debian's headless Chromium (Selenium through /usr/bin/chromedriver:
nothing is downloaded), pins one judgment, then changes its value 20 times. For each
change it records the server's time (validate the edited scenario, run every course,
render the results; the run's own share too) and the browser's time from the change
event to the new figures painted (two animation frames after the swap). The same
changes are then made in this process on the same core with each part of the server's
work timed (waiting for an older change, reading the edit, validating the edited
scenario, compiling, the engine, the summaries, the rest of the run, the view), and a
bare run of the whole scenario follows, for comparison. On a machine shared with
other work, read the ratios: absolute times move with the load.

    python bench/explore.py                       # korea-1952, 10^4 draws, 20 changes
    python bench/explore.py --no-browser          # the breakdown by part only
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


def summary(name: str, xs: list[float], total: float | None = None) -> str:
    share = f"   {statistics.median(xs) / total:6.1%} of the median" if total else ""
    return (f"{name:<40} median {statistics.median(xs):6.3f} s   p95 "
            f"{float(np.percentile(xs, 95)):6.3f} s   max {max(xs):6.3f} s{share}")


#: The parts of a change on the server, in order: (label, module, function) of each part
#: timed by wrapping a function (None: the explorer's own timings).
PARTS = [("wait for an older change", None, "waited"),
         ("read the edit", None, "edits"),
         ("validate the edited scenario", None, "validate"),
         ("compile the model", "kennan.experiments.study", "build_model"),
         ("engine: every course", "kennan.experiments.chunks", "simulate"),
         ("summaries of the draws", "kennan.experiments.chunks", "summarise"),
         ("results (rest of the run)", None, "rest"),
         ("view: figures, tables, fragment", None, "view")]


def timed(module: str, name: str, into: dict[str, float]) -> None:
    """Wrap ``module.name`` so that its time adds up in ``into[name]`` (skipped when the
    module no longer has it: the part is then counted in the rest)."""
    import importlib

    mod = importlib.import_module(module)
    inner = getattr(mod, name, None)
    if inner is None:
        return

    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            into[name] = into.get(name, 0.0) + time.perf_counter() - t

    setattr(mod, name, wrapper)


def breakdown(scenario: str, draws: int, judgment: str, values: list[float],
              core: int) -> dict[str, list[float]]:
    """The same changes made in this process on ``core``, each timed by part."""
    from kennan.explore import session

    os.sched_setaffinity(0, {core})
    into: dict[str, float] = {}
    for _, module, name in PARTS:
        if module is not None:
            timed(module, name, into)
    explorer = session.Explorer(scenario, draws=draws)
    settle = getattr(session, "settle", None)  # (absent from older versions, to compare)
    if settle is not None:
        settle()  # as kennan explore does once the scenario is loaded
    out: dict[str, list[float]] = {name: [] for _, _, name in PARTS}
    out["total"], out["cpu"] = [], []
    for k, v in enumerate([values[0], *values]):
        into.clear()
        started, cpu = time.perf_counter(), time.process_time()
        view = explorer.update(version=explorer.state.version, tab="bench", draws=draws,
                               seed=0, edits={judgment: {"mode": "pin", "value": float(v)}})
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        if k == 0:
            continue  # warm-up, not counted
        t = view.timings
        inside = sum(into.values())
        for _, module, name in PARTS:
            out[name].append(into.get(name, 0.0) if module is not None else
                             t["run"] - inside if name == "rest" else t.get(name, 0.0))
        out["total"].append(total)
        out["cpu"].append(cpu)
    return out


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
    p.add_argument("--no-browser", action="store_true",
                   help="only the breakdown by part in this process (no Chromium)")
    a = p.parse_args()
    browsing = not a.no_browser
    if browsing and not (Path(CHROMIUM).is_file() and Path(DRIVER).is_file()):
        raise SystemExit("needs Debian's chromium and chromium-driver (or --no-browser)")
    for k, v in ONE_THREAD.items():
        os.environ[k] = v
    server, shown, values, errors = [], [], None, 0
    if browsing:
        server, shown, values, errors = in_browser(a)
    else:
        from kennan.explore.edits import support
        from kennan.scenario.loading import load_scenario
        low, high = support(load_scenario(a.scenario), a.judgment)
        values = np.linspace(low + 0.1 * (high - low), high - 0.1 * (high - low), a.changes)
    parts = breakdown(a.scenario, a.draws, a.judgment, list(values), a.core)
    engine = bare_run(a.scenario, a.draws, a.core, max(5, a.changes // 4))
    print(f"kennan explore {a.scenario}, {a.draws:,} draws, {a.changes} changes of "
          f"{a.judgment}, on core {a.core}" + (f" ({errors} refused)" if browsing else ""))
    if browsing:
        print(summary("server (the page's request)", server))
        print(summary("change to painted figure (Chromium)", shown))
        print(summary("  to the page: transfer, swap, paint",
                      [b - s for b, s in zip(shown, server, strict=True)]))
    total = statistics.median(parts["total"])
    print(summary("server, in this process, by part:", parts["total"]))
    for label, _, name in PARTS:
        print(summary(f"  {label}", parts[name], total))
    print(summary("server's CPU time (robust to other load)", parts["cpu"]))
    print(summary("bare run of the whole scenario", engine))
    run_part = statistics.median([sum(parts[n][i] for n in ("build_model", "simulate",
                                                             "summarise", "rest"))
                                  for i in range(len(parts["total"]))])
    ratios = [f"change / bare run {total / statistics.median(engine):.2f}",
              f"its run / bare run {run_part / statistics.median(engine):.2f}",
              f"around the run / change {(total - run_part) / total:.0%}"]
    if browsing:
        page, srv = statistics.median(shown), statistics.median(server)
        ratios.insert(0, f"page / server {page / srv:.2f}")
        ratios.append(f"budget 1.5 s: p95 to the page is "
                      f"{float(np.percentile(shown, 95)) / 1.5:.0%} of it")
    print("ratios (medians): " + ", ".join(ratios))


def in_browser(a: argparse.Namespace) -> tuple[list[float], list[float], np.ndarray, int]:
    """The changes made in Chromium: the server's time, the time to the painted figure,
    the values pinned and the changes refused."""
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
            server, shown = [], []
            for i, v in enumerate(values):
                change(driver, f"{row} input.pin-value", f"{v:.6g}")
                wait(driver, f"return window.kennanExplore.renders === {i + 2}")
                last = driver.execute_script("return window.kennanExplore.last")
                server.append(last["server"])
                shown.append(last["browser"])
            errors = driver.execute_script("return window.kennanExplore.errors")
        finally:
            driver.quit()
            proc.terminate()
            proc.wait(timeout=30)
    return server, shown, values, errors


if __name__ == "__main__":
    main()
