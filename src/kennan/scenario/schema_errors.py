"""pydantic's validation errors as located, readable problems.

Validating a scenario's shape against :mod:`kennan.scenario.schema` yields pydantic
errors keyed by model paths full of union and validator tags. :func:`translate_errors`
turns them into one :class:`~kennan.errors.Problem` per place, at the line and column
of the file, in words a scenario's author knows: the key that is unknown (with the
one probably meant), the type expected and the value found, the bound broken.
Used by loading, hypotheses and observations files alike.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from kennan.errors import Location, Problem, by_place, did_you_mean
from kennan.scenario.schema import Scenario
from kennan.scenario.yamlsource import PathKey, YamlDocument, value_at

__all__ = ["data_path", "describe_value", "translate_errors"]


def translate_errors(exc: ValidationError, doc: YamlDocument) -> list[Problem]:
    """pydantic's errors as located, readable problems (one per place)."""
    grouped: dict[tuple[PathKey, bool], list[dict]] = {}
    for err in exc.errors(include_url=False):
        grouped.setdefault(data_path(doc.data, err["loc"]), []).append(err)
    problems = [_problem(doc, path, errs, is_key=is_key)
                for (path, is_key), errs in grouped.items()]
    # A misspelt required key is reported once, as the unknown key with its suggestion.
    suggested = {(p.message.rsplit("(did you mean '", 1)[-1].split("'")[0])
                 for p in problems if "unknown key" in p.message and "did you mean" in p.message}
    problems = [p for p in problems
                if not (" missing required key '" in p.message
                        and p.message.rsplit("'", 2)[-2] in suggested)]
    return by_place(problems)


def data_path(data: Any, loc: tuple) -> tuple[PathKey, bool]:
    """``loc`` without pydantic's union and validator tags, and whether a key is at fault."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if part == "[key]":
            return tuple(path), True
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and _looks_like_field(part):
            path.append(part)  # a missing or unknown key: keep it, it names the problem
            node = None
        # anything else is a union member or validator tag: skip it
    return tuple(path), False


def _looks_like_field(part: str) -> bool:
    return part.isidentifier() and not part.startswith("function-") and part not in _TYPE_TAGS


_TYPE_TAGS = {"str", "float", "int", "bool", "date", "list", "dict", "tuple", "none"}


def _problem(doc: YamlDocument, path: PathKey, errs: list[dict], *, is_key: bool = False
             ) -> Problem:
    where = _describe_path(doc.data, path)
    types_ = {e["type"] for e in errs}
    first = errs[0]
    if is_key:
        key = path[-1] if path else "?"
        return Problem(f"{_describe_path(doc.data, path[:-1])}: invalid id {key!r} as a key; "
                       "ids are ASCII letters, digits and underscores, not starting with a digit",
                       doc.locate(path, key=True))
    if "extra_forbidden" in types_:
        key = path[-1] if path else "?"
        allowed = _allowed_keys(path[:-1], doc.data)
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        suggestion = did_you_mean(str(key), allowed)
        return Problem(f"{where}: unknown key '{key}'{suggestion}{hint}",
                       doc.locate(path, key=True))
    if "missing" in types_:
        key = path[-1] if path else "?"
        return Problem(f"{_describe_path(doc.data, path[:-1])}: missing required key '{key}'",
                       doc.locate(path[:-1]))
    value = value_at(doc.data, path)
    if types_ <= _TYPE_ERRORS:
        expected = sorted({_TYPE_ERRORS_TEXT.get(e["type"], e["type"]) for e in errs})
        wanted = " or ".join(expected)
        if types_ == {"string_type", "float_type", "bool_type"}:
            wanted = "an expression (a number, true or false, or text such as 'x + 1')"
        return Problem(f"{where}: expected {wanted}, got {_show(value)}", _where(doc, path))
    value_errors = [e for e in errs if e["type"] in {"value_error", "assertion_error"}]
    if value_errors:
        msg = value_errors[0]["msg"].removeprefix("Value error, ")
        msg = msg.removeprefix("Assertion failed, ")
        return Problem(f"{where}: {msg}", _where(doc, path))
    if first["type"] == "string_pattern_mismatch":
        rule = ("a scenario id is letters, digits, '_', '.' and '-', starting with a letter "
                "or digit") if path == ("id",) else \
            "ids are ASCII letters, digits and underscores, not starting with a digit"
        return Problem(f"{where}: invalid id {_show(value)}; {rule}", _where(doc, path))
    bound = _bound_text(first, path)
    if bound is not None:
        got = f"{len(value)}" if isinstance(value, list) else _show(value)
        return Problem(f"{where}: {bound}, got {got}", _where(doc, path))
    msg = first["msg"]
    if first["type"] == "literal_error":
        msg = msg.replace("Input should be", "expected")
    return Problem(f"{where}: {msg[0].lower() + msg[1:]}, got {_show(value)}", _where(doc, path))


def _bound_text(err: dict, path: PathKey) -> str | None:
    """A limit broken (a number too small, a list too short, a text too long), in words."""
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind in _BOUNDS and _BOUNDS[kind][1] in ctx:
        words, key = _BOUNDS[kind]
        return f"must be {words} {ctx[key]}"
    if kind == "too_short" and path == ("policies",):
        return "needs at least one policy (a course of action)"
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length" if kind == "too_short" else "max_length")
        return f"needs at {'least' if kind == 'too_short' else 'most'} {n} items"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long"
    return None


_BOUNDS = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
           "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}


def _where(doc: YamlDocument, path: PathKey) -> Location:
    # An empty value ("id:" with nothing after it) has no place of its own: use its key's.
    if value_at(doc.data, path) is None and tuple(path) in doc.key_positions:
        return doc.locate(path, key=True)
    return doc.locate(path)


_TYPE_ERRORS_TEXT = {
    "string_type": "text",
    "float_type": "a number",
    "int_type": "an integer",
    "bool_type": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "list_type": "a list",
    "dict_type": "a mapping",
    "tuple_type": "a list [low, high]",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "int_from_float": "an integer",
    "float_parsing": "a number",
    "finite_number": "a finite number",
}
_TYPE_ERRORS = set(_TYPE_ERRORS_TEXT)


def _describe_path(data: Any, path: PathKey) -> str:
    """``judgments[3] (balance_close) > beta > a`` style description of ``path``."""
    if not path:
        return "scenario"
    parts: list[str] = []
    node = data
    for part in path:
        if isinstance(part, int) and isinstance(node, list):
            item = node[part] if part < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            parts[-1] = f"{parts[-1]}[{part}]" + (f" '{ident}'" if isinstance(ident, str) else "")
            node = item
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return " > ".join(parts)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_value(value: Any) -> str:
    """What ``value`` is (a mapping, a number, text of so many characters), never its text."""
    # What the file holds, never its text: a file that is not a scenario at all
    # (/etc/passwd reads as one long YAML string) must not be echoed back.
    if isinstance(value, dict | list) or value is None:
        return _show(value)
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return f"text ({len(str(value)):,} characters; is this a scenario file?)"


def _allowed_keys(path: PathKey, data: Any) -> list[str]:
    """The keys the model at ``path`` accepts (walking the schema's annotations)."""
    model: Any = Scenario
    for part in path:
        model = _child_type(model, part)
        if model is None:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _child_type(tp: Any, part: str | int) -> Any:
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if isinstance(part, str) and part in tp.model_fields:
            return _unwrap(tp.model_fields[part].annotation)
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is list and isinstance(part, int):
        return _unwrap(args[0])
    if origin is dict and isinstance(part, str):
        return _unwrap(args[1])
    return None


def _unwrap(tp: Any) -> Any:
    """The model inside ``X | None``, ``Annotated[X, ...]`` and the like."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            arg = _unwrap(arg)
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
            if typing.get_origin(arg) in (list, dict):
                return arg
        return None
    return tp
