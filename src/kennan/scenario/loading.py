"""Load a scenario: find it, read it, check its shape, then its meaning.

``load_scenario`` accepts a built-in scenario name (``korea-1952``) or a path to a
YAML file and returns a :class:`LoadedScenario`, or raises one
:class:`~kennan.errors.ScenarioError` that carries every problem found, each
with its file, line and column.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kennan.defaults import DEFAULT_SCENARIO
from kennan.errors import Problem, ScenarioError, UsageError, by_place
from kennan.scenario.checks import check_scenario
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.schema import ENTITY_LISTS, Scenario
from kennan.scenario.schema_errors import data_path, describe_value, translate_errors
from kennan.scenario.yamlsource import YamlDocument, load_yaml, read_text

__all__ = ["DEFAULT_SCENARIO", "builtin_scenarios", "load_scenario", "load_scenario_document",
           "load_scenario_text", "resolve_scenario_path"]


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
    if not isinstance(doc.data, dict):
        raise ScenarioError(
            f"expected a mapping at the top level (kennan: 1, id: ..., ...), "
            f"got {describe_value(doc.data)}",
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
        raise ScenarioError(by_place(problems)) from None
    loaded = LoadedScenario(model=model, doc=doc, origin=file)
    loaded.checked = check_scenario(loaded)
    return loaded


# -- checking the well-formed rest of a malformed scenario ---------------------------------

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
    data = doc.data
    dropped_items: dict[str, set[int]] = {}
    dropped_keys: set[str] = set()
    for err in exc.errors(include_url=False):
        path, _ = data_path(data, err["loc"])
        head = path[0] if path else None
        if not isinstance(head, str) or head in _REQUIRED:
            return []
        if head in ENTITY_LISTS and len(path) >= 2 and isinstance(path[1], int):
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
