"""The built-in scenario's name, from :mod:`kennan.defaults` (the one home of defaults)."""

from kennan.defaults import DEFAULT_SCENARIO

__all__ = ["DEFAULT_SCENARIO"]
