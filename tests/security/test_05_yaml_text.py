"""Item 5: YAML aliases are bounded in expanded text, quoted values are cut in messages,
judgment ids follow the rules of every other id."""

from __future__ import annotations

import pytest

from kennan.cli.app import app
from kennan.errors import Problem

from .conftest import FIXTURES


def _with(tmp_path, replace: dict[str, str], extra: str = "") -> str:
    text = (FIXTURES / "toy.yaml").read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    (tmp_path / "s.yaml").write_text(text + extra)
    (tmp_path / "source.txt").write_text((FIXTURES / "source.txt").read_text())
    return str(tmp_path / "s.yaml")


def test_aliases_of_a_long_string_are_refused_by_size(runner, tmp_path):
    big = "x" * 1_000_000
    aliases = "".join(f"  - {{id: m{i}, value: *big}}\n" for i in range(10))
    path = _with(tmp_path, {"title: A toy scenario exercising every part of the language":
                            f"title: A toy\ndescription: &big {big}",
                            "metrics:\n": "metrics:\n" + aliases})
    result = runner.invoke(app, ["validate", path])
    assert result.exit_code == 1
    assert "more than 8,000,000 characters of text" in result.stderr
    assert len(result.output) < 1000


@pytest.mark.parametrize("field", ["phrase: surely", "at: 2000-06-15", "path: source.txt",
                                   "cite: {source: src, paragraph: 2"])
def test_a_long_value_is_cut_in_messages(runner, tmp_path, field):
    key, value = field.split(": ", 1)
    long = "y" * 500_000
    new = f"{key}: {long}" if not value.startswith("{") else f"{key}: {{source: {long}" + \
        value[value.index(","):]
    result = runner.invoke(app, ["validate", _with(tmp_path, {field: new})])
    assert result.exit_code == 1
    assert len(result.output) < 5000, len(result.output)
    assert "characters]" in result.output  # says how much was cut


def test_messages_are_bounded_in_length_and_number():
    assert len(str(Problem("z " * 1_000_000))) < 1100
    assert "[999,920 characters]" in str(Problem("q" * 1_000_000))


@pytest.mark.parametrize(("ident", "message"), [
    ("\u0430pple", "ASCII letters"),  # a Cyrillic a
    ("b" * 100, "at most 64 characters"),
])
def test_judgment_ids_follow_the_id_rules(runner, tmp_path, ident, message):
    path = _with(tmp_path, {"  - id: monthly_hazard": f"  - id: {ident}"})
    result = runner.invoke(app, ["validate", path])
    assert result.exit_code == 1
    assert message in result.stderr.splitlines()[0]
