"""A scenario with competing readings in a real browser: after a change, every course
still has its figure and the readings panel is there, each reading's figures from the
draws that follow it."""

from __future__ import annotations

import pytest

from . import test_browser
from .conftest import DRAWS, TOY
from .test_browser import _set, _wait

browser = test_browser.browser  # the same headless Chromium fixture

pytestmark = test_browser.pytestmark  # skipped alike when Chromium is missing


@pytest.fixture
def explorer(tmp_path):
    from kennan.explore.session import Explorer

    return Explorer(TOY.parent / "hypotheses.yaml", draws=DRAWS, folder=tmp_path)


def _page(driver) -> dict:
    """Each course card's id and whether it holds an SVG figure; the readings panel's rows
    (reading id, its draws) and its note."""
    return driver.execute_script(
        "var cards = {}; document.querySelectorAll('#results .card.course').forEach("
        " function (c) { cards[c.getAttribute('data-course')] = !!c.querySelector("
        " 'figure.course-figure svg'); });"
        "var rows = {}; document.querySelectorAll('#results #readings tbody tr').forEach("
        " function (r) { rows[r.getAttribute('data-hypothesis')] = Number(r.querySelector("
        " 'td.draws').getAttribute('data-draws')); });"
        "var note = document.getElementById('readings-draws');"
        "return {cards: cards, rows: rows, note: note ? note.textContent : null,"
        " values: document.querySelector('#results #readings tbody').textContent};")


def test_every_figure_and_the_readings_stay_after_a_change(served, browser):
    url, _ = served
    browser.get(url + "/")
    _wait(browser, "return document.documentElement.getAttribute('data-script') === 'ok'")
    before = _page(browser)
    assert before["cards"] == {"wait": True, "push": True}
    assert set(before["rows"]) == {"written", "critics"}
    assert sum(before["rows"].values()) == DRAWS
    assert "from the draws that follow it" in before["note"]

    _set(browser, "#j-u input.pin-value", "0.3")
    browser.execute_script("var s = document.querySelector('#j-u select.mode');"
                           "s.value = 'pin'; s.dispatchEvent(new Event('change'));")
    _wait(browser, "return window.kennanExplore.renders >= 1 && "
                   "!document.body.classList.contains('busy')")
    assert browser.execute_script("return window.kennanExplore.errors") == 0
    after = _page(browser)
    assert after["cards"] == before["cards"]  # every course, each with its figure
    assert after["rows"] == before["rows"]  # the same draws follow the same readings
    assert after["values"] != before["values"]  # u pinned: every reading's numbers moved
    assert "u" in browser.find_element("css selector", "#results .changes").text
