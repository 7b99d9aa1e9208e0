"""A scenario with competing hypotheses: the page offers their weights beside the rest."""

from __future__ import annotations

import urllib.request

import pytest

from .conftest import DRAWS, TOY


@pytest.fixture
def explorer(tmp_path):
    from kennan.explore.session import Explorer

    return Explorer(TOY.parent / "hypotheses.yaml", draws=DRAWS, folder=tmp_path)


def test_the_page_names_each_hypothesis_and_its_weight(served):
    url, _ = served
    with urllib.request.urlopen(url + "/", timeout=60) as r:
        html = r.read().decode()
    assert '<a href="#j-w_critics">The critics gain ground</a>' in html
    assert "weight of the hypothesis “The reading as written”" in html
    assert 'id="readings"' in html
