"""Quotes highlighted in their paragraphs: whitespace, overlaps, escaping, links."""

from __future__ import annotations

import re
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from kennan.report.source import find_quote, paragraph_html


def test_quote_found_whatever_the_whitespace():
    text = "The balance is\n  probably close and could change."
    assert find_quote(text, "balance is probably close") == (4, 31)
    assert find_quote(text, "not there") is None
    assert find_quote(text, "   ") is None


def test_marks_link_both_ways():
    html, found = paragraph_html("An appeal would surely be seen as weakness.",
                                 [("vindication", "surely be seen as weakness")])
    assert found == ["vindication"]
    assert '<a class="anchor" id="q-vindication"></a><mark' in html
    assert 'href="#j-vindication"' in html


def test_overlapping_quotes_are_split_not_nested():
    html, found = paragraph_html("one two three four",
                                 [("a", "one two three"), ("b", "two three four")])
    assert found == ["a", "b"]
    assert html.count("<mark") == 3  # "one ", "two three" (both), " four"
    assert 'data-judgments="a b"' in html
    for piece in html.split("<mark")[1:]:
        assert "</mark>" in piece  # every mark closes before the next one opens


def test_text_and_quotes_are_escaped():
    html, _ = paragraph_html('Say <b>"no"</b> & mean it', [("j", '<b>"no"</b>')])
    assert "<b>" not in html
    assert "&lt;b&gt;" in html and "&amp; mean it" in html


@settings(max_examples=80, deadline=None)
@given(text=st.text(min_size=1, max_size=120), data=st.data())
def test_any_substring_with_letters_is_found_and_marked(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    html, found = paragraph_html(text, [("j", quote)])
    if quote.split():
        assert found == ["j"]
        assert html.count('id="q-j"') == 1
    else:
        assert found == []
    # the text itself comes back unchanged once the marks and links are taken away
    plain = re.sub(r'<a class="jref"[^>]*>[^<]*</a>', "", str(html))
    assert unescape(re.sub(r"<[^>]+>", "", plain)) == text
