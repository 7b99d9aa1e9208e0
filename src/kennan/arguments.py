"""Whole-number arguments checked the same way in every layer.

The command line and the Python API refuse a bad ``draws``, ``seed``, ``rounds`` or
``chunk_size`` with the same one-line message, wherever the argument is read: the
runner, the replay, the bargaining forecast. This module sits at the bottom of the
package (it imports only :mod:`kennan.errors`) so that any layer may use it.
"""

from __future__ import annotations

import numbers
from typing import Any

from kennan.errors import UsageError

__all__ = ["big_number", "show_value", "whole"]


def whole(name: str, value: Any, *, least: int, most: int | None = None) -> int:
    """``value`` as an int when it is a whole number in ``[least, most]``; else one
    UsageError naming ``name`` (the option, as on the command line and in the API)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise UsageError(f"{name} must be a whole number, got {show_value(value)}")
    number = int(value)
    if number < least:
        raise UsageError(f"{name} must be at least {least:,}, got {big_number(number)}")
    if most is not None and number > most:
        raise UsageError(f"{name} must be at most {most:,}, got {big_number(number)}")
    return number


def big_number(n: int) -> str:
    """``n`` with thousands separators, or its size in digits when it is too long to print."""
    if abs(n) < 10**30:
        return f"{n:,}"
    # Python refuses to print an int of more than 4,300 digits: say its size instead.
    return f"a number of about {int(abs(n).bit_length() * 0.30103) + 1:,} digits"


def show_value(value: Any) -> str:
    """A value as a message quotes it: whole numbers in full (or by size), others cut."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return big_number(int(value))
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
