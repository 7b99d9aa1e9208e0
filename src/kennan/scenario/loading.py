"""Load a scenario: find it, read it, check its shape, then its meaning.

``load_scenario`` accepts a built-in scenario name (``korea-1952``) or a path to a
YAML file and returns a :class:`LoadedScenario`, or raises one
:class:`~kennan.errors.ScenarioError` that carries every problem found, each
with its file, line and column.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kennan.errors import Location, Problem, ScenarioError, UsageError
from kennan.scenario.defaults import DEFAULT_SCENARIO
from kennan.scenario.schema import Scenario
from kennan.scenario.yamlsource import PathKey, YamlDocument, load_yaml, read_text, value_at

__all__ = ["DEFAULT_SCENARIO", "LoadedScenario", "builtin_scenarios", "load_scenario",
           "load_scenario_document", "load_scenario_text", "resolve_scenario_path",
           "translate_errors"]


@dataclass
class LoadedScenario:
    """A validated scenario with what it was read from.

    ``model`` is the pydantic tree; ``doc`` keeps the position of every value;
    ``checked`` holds what semantic checking built (compiled expressions,
    judgment distributions, source documents), reused by the engine.
    """

    model: Scenario
    doc: YamlDocument
    origin: str
    checked: Any = field(default=None, repr=False)

    @property
    def id(self) -> str:
        """The scenario's id."""
        return self.model.id

    @property
    def base_dir(self) -> Path:
        """The folder that relative source paths are resolved against."""
        return Path(self.doc.file).parent


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped in the package."""
    folder = resources.files("kennan") / "data" / "scenarios"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A built-in scenario's file, or the given path when it names a file."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix.lower() in {".yaml", ".yml"} or path.exists() or "/" in text:
        return path
    builtin = resources.files("kennan") / "data" / "scenarios" / f"{text}.yaml"
    if builtin.is_file():
        return Path(str(builtin))
    names = ", ".join(builtin_scenarios())
    raise UsageError(f"no built-in scenario '{text}' and no such file; built-in: {names}")


def load_scenario(name_or_path: str | Path | LoadedScenario) -> LoadedScenario:
    """Load and fully validate a scenario (a built-in name, a path, or one already loaded)."""
    if isinstance(name_or_path, LoadedScenario):
        return name_or_path
    path = resolve_scenario_path(name_or_path)
    text = read_text(path, what="scenario file")
    return load_scenario_text(text, str(path))


def load_scenario_text(text: str, file: str) -> LoadedScenario:
    """Validate scenario YAML ``text`` as if read from ``file``.

    Raises one :class:`ScenarioError` with every problem found. When the shape is
    wrong somewhere, the entities that are well formed are still checked for meaning
    (references, expressions, citations), so one run reports both kinds of problem.
    """
    return load_scenario_document(load_yaml(text, file), file)


def load_scenario_document(doc: YamlDocument, file: str) -> LoadedScenario:
    """Validate scenario data already read from YAML (``doc``) as if read from ``file``:
    its shape, then its meaning, exactly as :func:`load_scenario_text` does after reading."""
    from kennan.scenario.checks import check_scenario

    if not isinstance(doc.data, dict):
        raise ScenarioError(
            f"expected a mapping at the top level (kennan: 1, id: ..., ...), "
            f"got {_kind(doc.data)}",
            doc.locate(()),
        )
    if "kennan" not in doc.data:
        raise ScenarioError("missing 'kennan: 1' (the scenario language version) at the top",
                            doc.locate(()))
    try:
        model = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        problems = translate_errors(exc, doc)
        problems.extend(_check_the_rest(exc, doc, file))
        raise ScenarioError(_by_place(problems)) from None
    loaded = LoadedScenario(model=model, doc=doc, origin=file)
    loaded.checked = check_scenario(loaded)
    return loaded


def translate_errors(exc: ValidationError, doc: YamlDocument) -> list[Problem]:
    """pydantic's errors as located, readable problems (one per place)."""
    grouped: dict[tuple[PathKey, bool], list[dict]] = {}
    for err in exc.errors(include_url=False):
        grouped.setdefault(_data_path(doc.data, err["loc"]), []).append(err)
    problems = [_problem(doc, path, errs, is_key=is_key)
                for (path, is_key), errs in grouped.items()]
    # A misspelt required key is reported once, as the unknown key with its suggestion.
    suggested = {(p.message.rsplit("(did you mean '", 1)[-1].split("'")[0])
                 for p in problems if "unknown key" in p.message and "did you mean" in p.message}
    problems = [p for p in problems
                if not (" missing required key '" in p.message
                        and p.message.rsplit("'", 2)[-2] in suggested)]
    return _by_place(problems)


def _by_place(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.location.line or 0, p.location.col or 0)
                  if p.location else (0, 0))


def _data_path(data: Any, loc: tuple) -> tuple[PathKey, bool]:
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


# -- checking the well-formed rest of a malformed scenario ---------------------------------

_ENTITY_LISTS = ("sources", "judgments", "actors", "issues", "state", "considerations",
                 "decisions", "policies", "events", "outcomes", "metrics")
_REQUIRED = ("kennan", "id", "title", "time")
_STAND_IN = "kennan_stand_in_policy"


def _check_the_rest(exc: ValidationError, doc: YamlDocument, file: str) -> list[Problem]:
    """Semantic problems of the entities that are well formed, when others are not.

    The malformed entities (list items and optional top-level keys with a shape
    problem) are set aside; if what remains is a valid scenario, it is checked, and
    problems that name a set-aside id (an expression reading a judgment that did not
    parse) are dropped, being consequences rather than causes. Positions are those of
    the original file. Returns nothing when the scenario's frame itself is broken.
    """
    from kennan.scenario.checks import check_scenario

    data = doc.data
    dropped_items: dict[str, set[int]] = {}
    dropped_keys: set[str] = set()
    for err in exc.errors(include_url=False):
        path, _ = _data_path(data, err["loc"])
        head = path[0] if path else None
        if not isinstance(head, str) or head in _REQUIRED:
            return []
        if head in _ENTITY_LISTS and len(path) >= 2 and isinstance(path[1], int):
            dropped_items.setdefault(head, set()).add(path[1])
        elif head == "policies":
            return []  # the courses of action themselves are missing or not a list
        else:
            dropped_keys.add(head)  # an optional key, an entity list, or an unknown key
    pruned = {k: v for k, v in data.items() if k not in dropped_keys}
    moves: dict[str, dict[int, int]] = {}
    dropped_ids: set[str] = set()
    for name, gone in dropped_items.items():
        items = data[name]
        moves[name] = {old: new for new, old in enumerate(i for i in range(len(items))
                                                          if i not in gone)}
        pruned[name] = [items[i] for i in sorted(moves[name])]
        for i in gone:
            dropped_ids |= _ids_within(items[i])
    for key in dropped_keys:
        dropped_ids |= _ids_within(data[key])
    if "policies" in dropped_items and not pruned["policies"]:
        # Every course is malformed; a stand-in lets the rest be checked all the same.
        pruned["policies"] = [{"id": _STAND_IN}]
        dropped_ids.add(_STAND_IN)
    try:
        model = Scenario.model_validate(pruned)
    except ValidationError:
        return []
    view = _moved(doc, pruned, moves, dropped_keys)
    try:
        check_scenario(LoadedScenario(model=model, doc=view, origin=file))
    except ScenarioError as found:
        return [p for p in found.problems
                if not any(f"'{ident}'" in p.message for ident in dropped_ids)]
    return []


def _ids_within(node: Any) -> set[str]:
    """Every ``id`` given anywhere inside ``node`` (and the text of a bare key)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("id"), str):
                out.add(item["id"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _moved(doc: YamlDocument, data: dict, moves: dict[str, dict[int, int]],
           dropped: set[str]) -> YamlDocument:
    """``doc`` with paths renumbered after set-aside list items, positions unchanged."""

    def table(old: dict) -> dict:
        new = {}
        for path, where in old.items():
            if path and path[0] in dropped:
                continue
            if path and path[0] in moves and len(path) >= 2:
                if path[1] not in moves[path[0]]:
                    continue
                path = (path[0], moves[path[0]][path[1]], *path[2:])
            new[path] = where
        return new

    return YamlDocument(doc.file, data, table(doc.positions), table(doc.key_positions),
                        table(doc.spans), doc.lines)


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
        suggestion = _suggest(str(key), allowed)
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


def _kind(value: Any) -> str:
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


def _suggest(word: str, options: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
