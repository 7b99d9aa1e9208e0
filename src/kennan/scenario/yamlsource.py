"""Read YAML safely and keep where every value came from.

ruamel.yaml's round-trip loader builds only plain mappings, sequences and scalars
(never arbitrary Python objects) and records line and column of every key and
item. We convert its tree to plain Python data plus a map from each value's path
(a tuple of keys and indices) to its 1-based line and column, so later stages can
name the exact place of a problem. Size, nesting and alias expansion are bounded.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from kennan.errors import Location, Problem, ScenarioError

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """Plain data read from a YAML file, with the position of every value."""

    file: str
    data: Any
    positions: dict[PathKey, tuple[int, int]]
    key_positions: dict[PathKey, tuple[int, int]]

    def locate(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value at ``path`` (or of its key), else of its nearest parent."""
        table = self.key_positions if key else self.positions
        p = tuple(path)
        while p:
            if p in table:
                line, col = table[p]
                return Location(self.file, line, col)
            if p in self.positions:
                line, col = self.positions[p]
                return Location(self.file, line, col)
            p = p[:-1]
        return Location(self.file, 1, 1)


def read_text(path: Path, *, what: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """The text of ``path`` as UTF-8, refusing missing, empty, oversized and binary files."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError(f"{what} not found", Location(name)) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read {what}: {exc.strerror}", Location(name)) from None
    if size > max_bytes:
        raise ScenarioError(
            f"{what} is {size:,} bytes; the limit is {max_bytes:,} bytes", Location(name)
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read {what}: {exc.strerror}", Location(name)) from None
    if b"\x00" in raw:
        raise ScenarioError(f"{what} is binary (it contains NUL bytes); expected UTF-8 text",
                            Location(name))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(f"{what} is not valid UTF-8 text (byte {exc.start})",
                            Location(name, line)) from None
    if not text.strip():
        raise ScenarioError(f"{what} is empty; expected a YAML mapping", Location(name, 1, 1))
    return text


def load_yaml(text: str, file: str) -> YamlDocument:
    """Parse YAML ``text`` (from ``file``) into plain data with positions."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        message = (exc.problem or exc.context or "malformed YAML").strip()
        raise ScenarioError(f"YAML syntax: {message}", loc) from None
    except (YAMLError, RecursionError, ValueError) as exc:
        raise ScenarioError(f"YAML syntax: {exc}", Location(file)) from None
    positions: dict[PathKey, tuple[int, int]] = {}
    key_positions: dict[PathKey, tuple[int, int]] = {}
    counter = [0]

    def convert(node: Any, path: PathKey, depth: int) -> Any:
        counter[0] += 1
        if counter[0] > MAX_NODES:
            # Aliases are shared references: expanding them can explode (a "billion laughs").
            raise ScenarioError(
                f"document expands to more than {MAX_NODES:,} values "
                "(deeply nested YAML aliases?); refusing to expand it",
                Location(file, 1, 1),
            )
        if depth > MAX_DEPTH:
            raise ScenarioError(f"nesting deeper than {MAX_DEPTH} levels",
                                _loc_of(positions, path, file))
        if isinstance(node, CommentedMap):
            out: dict[Any, Any] = {}
            for k, v in node.items():
                child = (*path, k)
                try:
                    kl, kc = node.lc.key(k)
                    vl, vc = node.lc.value(k)
                    key_positions[child] = (kl + 1, kc + 1)
                    positions[child] = (vl + 1, vc + 1)
                except (KeyError, TypeError, AttributeError):
                    pass
                if not isinstance(k, str):
                    raise ScenarioError(f"keys must be strings, got {k!r}",
                                        _loc_of(key_positions, child, file))
                out[k] = convert(v, child, depth + 1)
            return out
        if isinstance(node, CommentedSeq):
            items = []
            for i, v in enumerate(node):
                child = (*path, i)
                try:
                    line, col = node.lc.item(i)
                    positions[child] = (line + 1, col + 1)
                except (KeyError, TypeError, AttributeError):
                    pass
                items.append(convert(v, child, depth + 1))
            return items
        return _scalar(node)

    data = convert(tree, (), 0)
    if data is None:
        raise ScenarioError("file is empty; expected a YAML mapping", Location(file, 1, 1))
    return YamlDocument(file, data, positions, key_positions)


def _loc_of(table: dict[PathKey, tuple[int, int]], path: PathKey, file: str) -> Location:
    while path:
        if path in table:
            return Location(file, *table[path])
        path = path[:-1]
    return Location(file, 1, 1)


def _scalar(node: Any) -> Any:
    """ruamel's scalar subclasses as plain Python values."""
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, _dt.datetime):
        return node
    if isinstance(node, _dt.date):
        return _dt.date(node.year, node.month, node.day)
    return node


def problem_at(doc: YamlDocument, path: PathKey, message: str, *, key: bool = False) -> Problem:
    """A :class:`Problem` located at ``path`` of ``doc``."""
    return Problem(message, doc.locate(path, key=key))
