"""The explorer in a real browser: Debian's headless Chromium driven by Selenium through
Debian's chromedriver (nothing is downloaded). Load the page, change a judgment, see the
figures and the numbers change, see a bad value refused, save a scenario and validate it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kennan.scenario.loading import load_scenario
from kennan.scenario.sourcepaths import allowing

from .conftest import TOY

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium")
                 if p and Path(p).is_file()), None)
DRIVER = next((p for p in (shutil.which("chromedriver"), "/usr/bin/chromedriver")
               if p and Path(p).is_file()), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Chromium and its driver are not installed (Debian: apt-get install -y chromium "
           "chromium-driver)")


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_script_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, script, timeout=120):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script(script))


def _means(driver) -> dict[str, str]:
    return driver.execute_script(
        "var out = {}; document.querySelectorAll('#results .card.course').forEach(function (c) {"
        " out[c.getAttribute('data-course')] = c.querySelector('.mean').getAttribute("
        "'data-value'); }); return out;")


def _set(driver, css: str, value: str) -> None:
    """Type ``value`` into the input at ``css`` and fire its change event, as a user would."""
    driver.execute_script(
        "var el = document.querySelector(arguments[0]); el.value = arguments[1];"
        "el.dispatchEvent(new Event('change'));", css, value)


def test_change_a_judgment_see_the_answer_move_and_save_it(served, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url, _ = served
    browser.get(url + "/")
    _wait(browser, "return document.documentElement.getAttribute('data-script') === 'ok'")
    before = _means(browser)
    assert set(before) == {"wait", "appeal", "squeeze"}
    figure = browser.find_element(By.CSS_SELECTOR, "#results .card.course svg").get_attribute(
        "outerHTML")
    # the citation sits beside the control, its quoted words marked in the paragraph
    row = browser.find_element(By.ID, "j-balance")
    assert "balance is probably close" in row.text
    assert row.find_elements(By.CSS_SELECTOR, "details.paragraph mark")
    found = browser.execute_script(
        "var f = document.getElementById('filter'); f.value = 'SURELY seen';"
        "f.dispatchEvent(new Event('input')); return Array.prototype.filter.call("
        "document.querySelectorAll('.judgment'), function (e) { return !e.hidden; })"
        ".map(function (e) { return e.getAttribute('data-judgment'); });")
    assert found == ["vindication"]
    browser.execute_script("var f = document.getElementById('filter'); f.value = '';"
                           "f.dispatchEvent(new Event('input'));")

    Select(row.find_element(By.CSS_SELECTOR, "select.mode")).select_by_value("set")
    _wait(browser, "return window.kennanExplore.renders === 1 || window.kennanExplore.errors")
    assert browser.find_element(By.ID, "alert").text == ""
    _set(browser, "#j-monthly_hazard input.field", "0.6")
    Select(browser.find_element(By.CSS_SELECTOR, "#j-monthly_hazard select.mode")) \
        .select_by_value("set")
    _wait(browser, "return window.kennanExplore.renders >= 2 && "
                   "!document.body.classList.contains('busy')")
    after = _means(browser)
    assert after != before
    assert browser.find_element(By.CSS_SELECTOR, "#results .card.course svg").get_attribute(
        "outerHTML") != figure
    assert "monthly_hazard" in browser.find_element(By.CSS_SELECTOR, "#results .changes").text
    assert "s on the server" in browser.find_element(By.ID, "status").text

    # a value outside the judgment's support: said in the page, the results stay
    Select(row.find_element(By.CSS_SELECTOR, "select.mode")).select_by_value("pin")
    _wait(browser, "return window.kennanExplore.renders >= 3 && "
                   "!document.body.classList.contains('busy')")
    pinned = _means(browser)  # pinned at the judgment's median
    _set(browser, "#j-balance input.pin-value", "7")
    _wait(browser, "return window.kennanExplore.errors >= 1")
    alert = browser.find_element(By.ID, "alert")
    assert "balance: 7 is outside the judgment's support (0 to 1)" in alert.text
    assert "outside" in row.find_element(By.CSS_SELECTOR, ".error").text
    assert _means(browser) == pinned
    _set(browser, "#j-balance input.pin-value", "0.3")
    _wait(browser, "return document.getElementById('alert').hidden")

    _set(browser, "#save-name", "toy-edited.yaml")
    _set(browser, "#save-why", "a browser test")
    button = browser.find_element(By.ID, "save")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', "
                           "behavior: 'instant'});", button)
    button.click()
    _wait(browser, "return /Saved|exists|reason/.test(document.getElementById('save-out')"
                   ".textContent)")
    assert "Saved" in browser.find_element(By.ID, "save-out").text
    with allowing(TOY.parent):  # the copy reads the original's source, in its folder
        saved = load_scenario(tmp_path / "toy-edited.yaml")
    values = {j.id: j for j in saved.model.judgments}
    assert values["balance"].value == 0.3 and values["monthly_hazard"].value == 0.6
    assert "a browser test" in values["balance"].note

    # move a phrase's median and range: the same kind, restated through its scale
    renders = browser.execute_script("return window.kennanExplore.renders")
    browser.execute_script(
        "var el = document.getElementById('j-vindication');"
        "el.querySelector('input.median').value = '0.7';"
        "el.querySelector('input.width').value = '0.1';"
        "var s = el.querySelector('select.mode'); s.value = 'range';"
        "s.dispatchEvent(new Event('change'));")
    _wait(browser, f"return window.kennanExplore.renders > {renders} && "
                   "!document.body.classList.contains('busy')")
    changes = browser.find_element(By.CSS_SELECTOR, "#results .changes").text
    assert "vindication: phrase: surely → phrase: surely, scale: {low: " in changes

    # nothing came from anywhere but the explorer, and the console stayed quiet
    origins = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) {"
        " return new URL(e.name).origin; });")
    assert set(origins) <= {url}
    console = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")
               and "status of 422" not in e["message"]]  # the refused value, on purpose
    assert console == []


def test_a_newer_change_replaces_an_older_one_still_running(served, browser, explorer,
                                                            monkeypatch):
    import kennan.explore.session as session

    real = session.run_scenario

    def endless(*args, **kwargs):  # the real engine, again and again until stopped
        while True:
            real(*args, **kwargs)

    url, _ = served
    browser.get(url + "/")
    _wait(browser, "return document.documentElement.getAttribute('data-script') === 'ok'")
    monkeypatch.setattr(session, "run_scenario", endless)
    browser.execute_script("var s = document.querySelector('#j-balance select.mode');"
                           "s.value = 'pin'; s.dispatchEvent(new Event('change'));")
    _wait(browser, "return window.kennanExplore.sent === 1")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 120, poll_frequency=0.01).until(
        lambda d: explorer.runs.running is not None)  # the first run is in the engine
    monkeypatch.setattr(session, "run_scenario", real)
    _set(browser, "#j-balance input.pin-value", "0.85")  # while the first still runs
    _wait(browser, "return window.kennanExplore.renders === 1 && "
                   "window.kennanExplore.dropped === 1")
    assert browser.execute_script("return window.kennanExplore.errors") == 0
    assert explorer.state.edits["balance"].value == 0.85
    shown = {c: float(v) for c, v in _means(browser).items()}
    assert shown == pytest.approx(explorer.view.numbers, abs=1e-6)


def test_a_second_tab_is_told_to_reload(served, browser):
    from selenium.webdriver.common.by import By

    url, _ = served
    browser.get(url + "/")
    _wait(browser, "return document.documentElement.getAttribute('data-script') === 'ok'")
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(url + "/")
    _wait(browser, "return document.documentElement.getAttribute('data-script') === 'ok'")
    browser.execute_script("document.querySelector('#j-monthly_hazard input.field').value = "
                           "'0.3'; var s = document.querySelector('#j-monthly_hazard "
                           "select.mode'); s.value = 'set'; s.dispatchEvent(new Event('change'));")
    _wait(browser, "return window.kennanExplore.renders === 1")
    browser.switch_to.window(first)
    browser.execute_script("var s = document.querySelector('#j-balance select.mode');"
                           "s.value = 'pin'; s.dispatchEvent(new Event('change'));")
    _wait(browser, "return window.kennanExplore.errors === 1")
    assert "changed in another tab" in browser.find_element(By.ID, "alert").text


def test_the_page_dumped_after_its_script_shows_every_course_with_a_figure(served, tmp_path):
    url, _ = served
    out = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'p'}", "--dump-dom",
                          url + "/"], capture_output=True, text=True, timeout=180, check=False)
    dom = out.stdout
    assert 'data-script="ok"' in dom, out.stderr[-2000:]
    for course in ("wait", "appeal", "squeeze"):
        card = dom.split(f'class="card course" data-course="{course}"', 1)[1]
        assert "<svg" in card.split('class="card course"', 1)[0]
