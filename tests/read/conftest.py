"""Shared fixtures for the reader's tests: the shipped telegram and the TEI excerpts."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from kennan.read import Document, load_document

FIXTURES = Path(__file__).parent / "fixtures"


def telegram_208_path() -> Path:
    """The shipped telegram 208 (plain text)."""
    return Path(str(resources.files("kennan").joinpath(
        "data", "sources", "kennan-telegram-208-1952.txt")))


@pytest.fixture(scope="session")
def t208() -> Document:
    return load_document(telegram_208_path())
