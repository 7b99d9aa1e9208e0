"""Read YAML safely and keep where every value came from.

ruamel.yaml's safe loader composes the text into a graph of nodes, each with its
start and end in the file; we build plain Python data from those nodes ourselves
(text, numbers, true/false, null, lists, mappings: nothing else is accepted), plus a
map from each value's path (a tuple of keys and indices) to its 1-based line and
column, so later stages can name the exact place of a problem. Building the data
ourselves means size, nesting and alias expansion are bounded, duplicate keys and
odd tags are reported with their place, and dates stay text until the schema reads
them (so a bad date is an error at its line, not a crash inside the YAML library).

Longer than 400 lines on purpose: the document with its positions and the builder that
bounds what a hostile file can make are one safety boundary, read and reviewed together.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kennan.errors import Location, Problem, ScenarioError, by_place
from kennan.safeio import read_regular

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40
#: Characters of text a document may hold once its aliases are expanded: every value is
#: read, checked and may be quoted in a message as often as it is used.
MAX_EXPANDED_CHARS = 8_000_000

PathKey = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Span:
    """Where a scalar's text lies in the file: its style and 0-based (line, column) bounds.

    ``style`` is None for a plain scalar, ``'"'`` or ``"'"`` for a quoted one, ``'|'`` or
    ``'>'`` for a block scalar; ``start`` is the first character of its token (the
    quote or the block indicator) and ``end`` the position just past it.
    """

    style: str | None
    start: tuple[int, int]
    end: tuple[int, int]


@dataclass(frozen=True)
class YamlDocument:
    """Plain data read from a YAML file, with the position of every value."""

    file: str
    data: Any
    positions: dict[PathKey, tuple[int, int]]
    key_positions: dict[PathKey, tuple[int, int]]
    spans: dict[PathKey, Span] = field(default_factory=dict, repr=False)
    lines: tuple[str, ...] = field(default=(), repr=False)

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

    def locate_text(self, path: PathKey, offset: int = 0) -> Location:
        """The file position of character ``offset`` of the text scalar at ``path``.

        Unlike :meth:`locate`, which gives the start of the scalar's token (a quote,
        a ``|``), this follows the text itself: past the quote, onto the lines of a
        block scalar, across folded lines and escapes. An offset at or past the end
        gives the place just after the last character. Where the text cannot be
        matched to the file character by character, the scalar's start is returned.
        """
        value = value_at(self.data, path)
        span = self.spans.get(tuple(path))
        if span is None or not isinstance(value, str) or not self.lines:
            return self.locate(path)
        places = _char_places(value, span, self.lines)
        if not places:
            return self.locate(path)
        if offset < len(places):
            line, col = places[max(offset, 0)]
        else:
            line, col = places[-1]
            col += 1 + (offset - len(places)) if len(places) == len(value) else 0
        return Location(self.file, line + 1, col + 1)


def value_at(data: Any, path: PathKey) -> Any:
    """The value at ``path`` in plain YAML data, or None where the path leads nowhere."""
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _char_places(value: str, span: Span, lines: tuple[str, ...]) -> list[tuple[int, int]]:
    """The 0-based (line, col) in the file of each character of ``value``, as far as known.

    The file region of the scalar is walked alongside the value: characters that match
    advance both; the value's blanks that folding or indentation made up stay put; the
    file may skip only blanks, line breaks, quotes and backslashes (escapes), so an
    alignment that would skip a letter stops there and the rest is unknown.
    """
    (line, col), (end_line, end_col) = span.start, span.end
    if span.style in ('"', "'"):
        col += 1
    elif span.style in ("|", ">"):
        line, col = line + 1, 0  # the text starts on the line after the indicator
    raw: list[tuple[str, int, int]] = []
    for n in range(line, min(end_line, len(lines) - 1) + 1):
        text = lines[n]
        first = col if n == line else 0
        last = end_col if n == end_line else len(text)
        raw.extend((text[c], n, c) for c in range(first, min(last, len(text))))
        if n != end_line:
            raw.append(("\n", n, len(text)))
    skippable = " \t\n\\" + (span.style if span.style in ('"', "'") else "")
    places: list[tuple[int, int]] = []
    p = 0
    for ch in value:
        if p < len(raw) and raw[p][0] == ch:
            places.append(raw[p][1:])
            p += 1
            continue
        if ch in " \t\n":
            # A blank made by folding a line break, or a line break of a block scalar
            # whose indentation the file still has to skip: it sits where the file is.
            places.append(raw[min(p, len(raw) - 1)][1:] if raw else span.start)
            continue
        q = p
        while q < len(raw) and raw[q][0] != ch and raw[q][0] in skippable:
            q += 1
        if q == len(raw) or raw[q][0] != ch:
            break
        places.append(raw[q][1:])
        p = q + 1
    return places


def read_text(path: Path, *, what: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """The text of ``path`` as UTF-8, refusing missing, empty, oversized and binary files."""
    name = str(path)
    try:
        raw = read_regular(path, max_bytes=max_bytes)
    except FileNotFoundError:
        raise ScenarioError(f"{what} not found", Location(name)) from None
    except IsADirectoryError:
        raise ScenarioError(f"{what} is a directory; expected a YAML file",
                            Location(name)) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read {what}: {exc.strerror or exc}",
                            Location(name)) from None
    if len(raw) > max_bytes:
        size = _size(path, len(raw))
        raise ScenarioError(f"{what} is {size:,} bytes; the limit is {max_bytes:,} bytes",
                            Location(name))
    if b"\x00" in raw:
        raise ScenarioError(f"{what} is binary (it contains NUL bytes); expected UTF-8 text",
                            Location(name))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(f"{what} is not valid UTF-8 text (byte {exc.start:,} is not)",
                            Location(name, line)) from None
    if not text.strip():
        raise ScenarioError(f"{what} is empty; expected a YAML mapping", Location(name, 1, 1))
    return text


def _size(path: Path, at_least: int) -> int:
    try:
        return max(path.stat().st_size, at_least)
    except OSError:
        return at_least


def load_yaml(text: str, file: str) -> YamlDocument:
    """Parse YAML ``text`` (from ``file``) into plain data with positions.

    Raises :class:`ScenarioError` for malformed YAML, a document that is empty,
    too large, too deeply nested or expands (through aliases) to too many values,
    and, all at once, for duplicate keys, keys that are not text, unsupported tags
    and scalars that do not read as their tag says.
    """
    if len(text) > MAX_BYTES:
        raise ScenarioError(
            f"text is {len(text):,} characters; the limit is {MAX_BYTES:,}", Location(file)
        )
    yaml = YAML(typ="safe", pure=True)
    try:
        with warnings.catch_warnings():
            # ruamel warns of legal YAML (an anchor defined twice: the later one holds);
            # a warning printed by a library is noise to the user, never a finding.
            warnings.simplefilter("ignore")
            root = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        message = " ".join((exc.problem or exc.context or "malformed YAML").split())
        raise ScenarioError(f"YAML syntax: {message}", loc) from None
    except YAMLError as exc:
        raise ScenarioError(f"YAML syntax: {_reader_message(exc)}",
                            _reader_location(exc, text, file)) from None
    except (RecursionError, MemoryError):
        raise ScenarioError(f"YAML nested too deeply (the limit is {MAX_DEPTH} levels)",
                            Location(file, 1, 1)) from None
    if root is None:
        raise ScenarioError("file is empty; expected a YAML mapping", Location(file, 1, 1))
    _check_expansion(root, file)
    builder = _Builder(file, yaml.constructor)
    data = builder.build(root, (), 0)
    if builder.problems:
        raise ScenarioError(by_place(builder.problems))
    if data is None:  # "---" alone, or "~"
        raise ScenarioError("file is empty; expected a YAML mapping", Location(file, 1, 1))
    lines = tuple(_LINE_BREAK.split(text.removeprefix("\ufeff")))
    return YamlDocument(file, data, builder.positions, builder.key_positions, builder.spans,
                        lines)


def _check_expansion(root: Node, file: str) -> None:
    """Refuse a document whose aliases expand it past :data:`MAX_NODES` values or
    :data:`MAX_EXPANDED_CHARS` characters of text, or loop.

    Aliases share nodes, so the expanded size is summed over the node graph with each
    shared node counted once per use but computed once: a "billion laughs" (or ten
    aliases of a megabyte string) is refused in time proportional to its text, not to
    its expansion.
    """
    size: dict[int, tuple[int, int]] = {}  # node -> (values, characters) once expanded
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            own = len(node.value) if isinstance(node, ScalarNode) else 0
            size[key] = (min(1 + sum(size[id(c)][0] for c in children), MAX_NODES + 1),
                         min(own + sum(size[id(c)][1] for c in children),
                             MAX_EXPANDED_CHARS + 1))
            continue
        if key in size:
            continue
        if key in on_path:
            raise ScenarioError("a YAML alias refers to a node that contains it (a recursive "
                                "alias); the document would never end",
                                Location(file, node.start_mark.line + 1,
                                         node.start_mark.column + 1))
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    values, chars = size[id(root)]
    if values > MAX_NODES:
        what = (f"has more than {MAX_NODES:,} values" if len(size) > MAX_NODES else
                f"expands through its YAML aliases to more than {MAX_NODES:,} values")
        raise ScenarioError(f"the document {what}; the limit is {MAX_NODES:,}",
                            Location(file, 1, 1))
    if chars > MAX_EXPANDED_CHARS:
        raise ScenarioError(f"the document expands through its YAML aliases to more than "
                            f"{MAX_EXPANDED_CHARS:,} characters of text; the limit is "
                            f"{MAX_EXPANDED_CHARS:,} (write long text once, not through "
                            "many aliases)", Location(file, 1, 1))


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _reader_message(exc: YAMLError) -> str:
    # A ReaderError's text names "<unicode string>" and a position; say it plainly.
    char = getattr(exc, "character", None)
    if isinstance(char, int):
        return f"character U+{char:04X} is not allowed in YAML text"
    return " ".join(str(exc).split())


def _reader_location(exc: YAMLError, text: str, file: str) -> Location:
    position = getattr(exc, "position", None)  # a character index into the text
    if isinstance(position, int) and 0 <= position <= len(text):
        before = text[:position]
        line = before.count("\n") + 1
        return Location(file, line, position - (before.rfind("\n") + 1) + 1)
    return Location(file)


class _Builder:
    """Plain data from composed nodes, recording positions and collecting problems."""

    def __init__(self, file: str, constructor: Any):
        self.file = file
        self.constructor = constructor  # ruamel's safe constructor: reads ints, floats, bools
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.key_positions: dict[PathKey, tuple[int, int]] = {}
        self.spans: dict[PathKey, Span] = {}
        self.problems: list[Problem] = []
        self.count = 0

    def at(self, node: Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            # Aliases are shared references: expanding them can explode (a "billion laughs").
            raise ScenarioError(
                f"document expands to more than {MAX_NODES:,} values "
                "(nested YAML aliases?); refusing to expand it",
                Location(self.file, 1, 1),
            )
        if depth > MAX_DEPTH:
            raise ScenarioError(
                f"nesting deeper than {MAX_DEPTH} levels", self.at(node)
            )
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        tag = str(node.tag)
        if isinstance(node, MappingNode):
            if tag != _TAG + "map":
                return self.refuse(node, tag, "a mapping")
            return self.mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            if tag != _TAG + "seq":
                return self.refuse(node, tag, "a list")
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        self.spans[path] = Span(
            node.style,
            (node.start_mark.line, node.start_mark.column),
            (node.end_mark.line, node.end_mark.column),
        )
        return self.scalar(node, tag)

    def refuse(self, node: Node, tag: str, what: str) -> None:
        self.problems.append(Problem(
            f"YAML tag '{_short(tag)}' is not supported here; expected plain YAML: text, "
            f"numbers, true/false, null, lists and mappings (got {what} with that tag)",
            self.at(node)))
        return None

    def scalar(self, node: ScalarNode, tag: str) -> Any:
        kind = tag.removeprefix(_TAG)
        if kind in ("str", "timestamp"):
            return self.text(node)  # a date stays text: the schema reads it, with a place
        if kind == "null":
            return None
        readers = {"bool": ("true or false", self.constructor.construct_yaml_bool),
                   "int": ("an integer", self.constructor.construct_yaml_int),
                   "float": ("a number", self.constructor.construct_yaml_float)}
        if kind not in readers or not tag.startswith(_TAG):
            return self.refuse(node, tag, f"the text {str(node.value)[:40]!r}")
        what, read = readers[kind]
        try:
            return read(node)
        except (ValueError, KeyError, TypeError, OverflowError):
            self.problems.append(Problem(
                f"'{str(node.value)[:40]}' is tagged as {what} but does not read as one",
                self.at(node)))
            return None

    def text(self, node: ScalarNode) -> str | None:
        """The scalar's text; escaped UTF-16 surrogate pairs ("\\ud83d\\ude00", as JSON
        writes characters beyond the BMP) joined into their character. A lone
        surrogate is not a character: refused here, so no later encoding trips on it."""
        value = str(node.value)
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            pass
        try:
            return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            self.problems.append(Problem(
                "text holds a lone surrogate escape (a \\uD800-\\uDFFF code without its "
                "pair), which is not a character; expected valid Unicode text",
                self.at(node)))
            return None

    def mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if str(key_node.tag) == _TAG + "merge":
                merges.append(value_node)
                continue
            key = self.key(key_node)
            if key is None:
                continue
            if key in seen:
                self.problems.append(Problem(
                    f"duplicate key '{key}' (first given at line {seen[key]}); "
                    "a mapping names each key once", self.at(key_node)))
                continue
            seen[key] = key_node.start_mark.line + 1
            self.entry(out, path, key, key_node, value_node, depth)
        # "<<: *base" (or a list of them): the bases' keys, unless given explicitly; the
        # first base that has a key wins, and a base's own merges count as its keys.
        for key_node, value_node in self.merged_pairs(merges, depth):
            key = self.key(key_node)
            if key is not None and key not in out:
                self.entry(out, path, key, key_node, value_node, depth)
        return out

    def entry(self, out: dict[str, Any], path: PathKey, key: str, key_node: Node,
              value_node: Node, depth: int) -> None:
        child = (*path, key)
        self.key_positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        out[key] = self.build(value_node, child, depth + 1)

    def merged_pairs(self, merges: list[Node], depth: int) -> list[tuple[Node, Node]]:
        pairs: list[tuple[Node, Node]] = []
        for merge in merges:
            for base in merge.value if isinstance(merge, SequenceNode) else [merge]:
                if not isinstance(base, MappingNode):
                    self.problems.append(Problem(
                        "a merge key '<<' takes a mapping (an alias such as *base) or a list "
                        "of them", self.at(base)))
                    continue
                if depth > MAX_DEPTH:
                    raise ScenarioError(f"merge keys nested deeper than {MAX_DEPTH} levels",
                                        self.at(base))
                own = [(k, v) for k, v in base.value if str(k.tag) != _TAG + "merge"]
                inner = [v for k, v in base.value if str(k.tag) == _TAG + "merge"]
                pairs.extend(own)
                pairs.extend(self.merged_pairs(inner, depth + 1))
        return pairs

    def key(self, node: Node) -> str | None:
        if isinstance(node, ScalarNode) and str(node.tag) in (_TAG + "str", _TAG + "int",
                                                                _TAG + "float", _TAG + "bool",
                                                                _TAG + "null", _TAG + "timestamp"):
            # A key is a name: "1", "true" and "2000-01-01" are read as the text written.
            return self.text(node)
        what = "a list" if isinstance(node, SequenceNode) else (
            "a mapping" if isinstance(node, MappingNode) else f"a '{_short(str(node.tag))}'")
        self.problems.append(Problem(f"a key must be text, got {what}", self.at(node)))
        return None


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
