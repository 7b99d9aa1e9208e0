"""Edits of judgments made in the explorer, and the scenario text they give.

An edit never touches the scenario file. It is applied to a copy of the file's
text: the keys stating the edited judgment's value are written anew (YAML flow
mappings, text double-quoted with escapes where needed, so YAML reads it as
written) and everything else is kept byte for byte, comments included. The new
text then goes through :func:`~kennan.scenario.loading.load_scenario_text`,
exactly as a scenario file would, so the page can never state a judgment that a
file could not.
"""

from __future__ import annotations

import math
import os
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError

from kennan.errors import Problem, UsageError
from kennan.explore.reshape import reshaped
from kennan.scenario.judgments import DISTRIBUTION_KEYS
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.yamlsource import PathKey

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)
#: Keys an edit may set on a judgment: one way of stating its value, and a phrase's options.
SPEC_KEYS = (*DISTRIBUTION_KEYS, "vocabulary", "scale")
#: Longest text accepted from the page (a reason, a phrase).
MAX_TEXT = 2000

Number = Annotated[float, Field(allow_inf_nan=False)]
Scalar = Number | int | Annotated[str, Field(max_length=MAX_TEXT)]
#: What a key of a distribution may hold: a number, text, a list of numbers, or a mapping of
#: names to numbers (``{a: 2, b: 5}``). Nothing else crosses from the page.
SpecValue = Scalar | Annotated[list[Number], Field(max_length=1000)] | dict[str, Number]


class Pin(BaseModel):
    """Fix a judgment at one value (``value: x`` in the file)."""

    model_config = _STRICT
    mode: Literal["pin"]
    value: Number
    reason: Annotated[str, Field(max_length=MAX_TEXT)] = ""


class Restate(BaseModel):
    """State a judgment's distribution anew, with the keys a scenario file uses
    (``{"uniform": {"low": 0.2, "high": 0.5}}``, ``{"phrase": "likely"}``)."""

    model_config = _STRICT
    mode: Literal["set"]
    spec: dict[str, SpecValue]
    reason: Annotated[str, Field(max_length=MAX_TEXT)] = ""


class Reshape(BaseModel):
    """Move a judgment's median and the width of its 90% range, keeping its kind
    (:mod:`kennan.explore.reshape`); ``spec`` is what that gives, in a file's keys."""

    model_config = _STRICT
    mode: Literal["range"]
    median: Number
    width: Number
    reason: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    _spec: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def spec(self) -> dict[str, Any]:
        """The keys stating the reshaped judgment (set by :func:`parse_edits`)."""
        return self._spec


AnyEdit = Pin | Restate | Reshape
Edit = Annotated[AnyEdit, Field(discriminator="mode")]
_EDITS = TypeAdapter(dict[str, Edit])


def parse_edits(raw: Any, loaded: LoadedScenario) -> dict[str, AnyEdit]:
    """The edits in ``raw`` (judgment id -> edit, as sent by the page), checked for shape,
    for known judgment ids, and pins for lying within the judgment's support."""
    if not isinstance(raw, dict):
        raise UsageError("edits must be a mapping of judgment ids to edits")
    try:
        edits = _EDITS.validate_python(raw, strict=False)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = " > ".join(str(p) for p in first["loc"] if not str(p).startswith("function"))
        raise UsageError(f"malformed edit at {where or 'top'}: {first['msg']}") from None
    known = {j.id: j for j in loaded.model.judgments}
    problems = []
    for jid, edit in edits.items():
        if jid not in known:
            problems.append(Problem(f"unknown judgment '{jid}' (this explorer edits "
                                    f"{loaded.id} only)"))
            continue
        if isinstance(edit, Pin):
            low, high = support(loaded, jid)
            # a constant's support is itself: it is restated ("set"), not pinned within
            if low < high and not low <= edit.value <= high:
                problems.append(Problem(
                    f"{jid}: {edit.value:g} is outside the judgment's support "
                    f"({_bound(low)} to {_bound(high)})"))
        elif isinstance(edit, Reshape):
            try:
                edit._spec = reshaped(jid, _item(loaded, jid), _percentiles(loaded, jid),
                                      edit.median, edit.width)
            except UsageError as exc:
                problems.extend(exc.problems)
        else:
            unknown = sorted(set(edit.spec) - set(SPEC_KEYS))
            if unknown:
                problems.append(Problem(f"{jid}: unknown key '{unknown[0]}'; expected one of "
                                        f"{', '.join(SPEC_KEYS)}"))
    if problems:
        raise UsageError(problems)
    return edits


def _item(loaded: LoadedScenario, jid: str) -> dict[str, Any]:
    return next(j for j in loaded.doc.data["judgments"] if j["id"] == jid)


def _percentiles(loaded: LoadedScenario, jid: str) -> tuple[float, float, float]:
    p5, p50, p95 = (float(x) for x in loaded.checked.distributions[jid].percentiles((5, 50, 95)))
    return p5, p50, p95


def support(loaded: LoadedScenario, jid: str) -> tuple[float, float]:
    """The support of judgment ``jid`` as the scenario file states it."""
    low, high = loaded.checked.distributions[jid].bounds
    return float(low), float(high)


def edited_item(original: dict[str, Any], edit: AnyEdit, note: str | None = None
                ) -> dict[str, Any]:
    """Judgment mapping ``original`` with its value stated by ``edit`` (grounds kept)."""
    item = {k: v for k, v in original.items() if k not in SPEC_KEYS}
    stated = {"value": edit.value} if isinstance(edit, Pin) else dict(edit.spec)
    out = {"id": item.pop("id")}
    out.update(stated)
    out.update(item)
    if note is not None:
        out["note"] = note
    return out


def describe(item: dict[str, Any]) -> str:
    """The keys stating a judgment's value, as one line of YAML (``beta: {a: 8, b: 3}``)."""
    return ", ".join(f"{k}: {flow(item[k])}" for k in SPEC_KEYS if k in item)


def apply_edits(text: str, loaded: LoadedScenario, edits: dict[str, AnyEdit],
                notes: dict[str, str] | None = None) -> str:
    """The scenario ``text`` (of which ``loaded`` is the reading) with each edited judgment
    stated anew; ``notes`` replace those judgments' notes. The item's other lines (its
    citation, a folded assumption, comments) are kept as they are."""
    index = {j.id: i for i, j in enumerate(loaded.model.judgments)}
    lines = text.splitlines(keepends=True)
    changes = []
    for jid, edit in edits.items():
        i = index[jid]
        original = loaded.doc.data["judgments"][i]
        item = edited_item(original, edit, (notes or {}).get(jid))
        first, last, dash = item_lines(loaded, ("judgments", i))
        keys = key_lines(loaded, ("judgments", i), first, last)
        if keys is None:  # a flow mapping or keys sharing a line: write the item anew
            new = block(item, dash)
        else:
            new = _patched(lines, keys, item, dash, first, jid in (notes or {}))
        changes.append((first, last, new))
    # replace from the bottom up so earlier line numbers stay right
    for first, last, new in sorted(changes, key=lambda c: -c[0]):
        lines[first:last + 1] = [new]
    return "".join(lines)


def _patched(lines: list[str], keys: list[tuple[str, int, int]], item: dict[str, Any],
             dash: int, first: int, renote: bool) -> str:
    """The item's lines with its value keys (and, with ``renote``, its note) replaced by
    those of ``item``."""
    pad = " " * (dash + 2)
    stated = "".join(f"{pad}{k}: {flow(item[k])}\n" for k in SPEC_KEYS if k in item)
    note = f"{pad}note: {flow(item['note'])}\n" if renote else ""
    out, placed, noted = [], False, False
    for key, a, b in keys:
        if key in SPEC_KEYS or (key == "note" and note):
            text = ""
            if key in SPEC_KEYS and not placed:
                text, placed = stated, True
            elif key == "note":
                text, noted = note, True
            if a == first and text:  # the key sat on the dash's line: keep the dash
                text = " " * dash + "- " + text[dash + 2:]
            out.append(text)
        else:
            out.append("".join(lines[a:b + 1]))
    if note and not noted:
        out.append(note)
    return "".join(out)


def key_lines(loaded: LoadedScenario, path: PathKey, first: int, last: int
              ) -> list[tuple[str, int, int]] | None:
    """Each key of the mapping at ``path`` with the 0-based lines it spans, in file order;
    None when two keys share a line (a flow mapping)."""
    n = len(path)
    found = sorted((pos[0] - 1, p[n]) for p, pos in loaded.doc.key_positions.items()
                   if p[:n] == path and len(p) == n + 1)
    starts = [line for line, _ in found]
    if len(set(starts)) != len(starts) or not found or found[0][0] != first:
        return None
    return [(key, line, (found[k + 1][0] - 1) if k + 1 < len(found) else last)
            for k, (line, key) in enumerate(found)]


def item_lines(loaded: LoadedScenario, path: PathKey) -> tuple[int, int, int]:
    """First and last 0-based line of the list item at ``path``, and the column of its dash.

    The item begins where its first key is and ends at the last line any of its values
    reaches (a folded block ends on its last line of text)."""
    doc = loaded.doc
    n = len(path)
    starts = [pos for table in (doc.positions, doc.key_positions) for p, pos in table.items()
              if p[:n] == path and len(p) > n]
    ends = [span.end for p, span in doc.spans.items() if p[:n] == path]
    first_line = min(line for line, _ in starts) - 1
    last = max([line - 1 for line, _ in starts] + [_last_line(end, doc.lines) for end in ends])
    while last > first_line and not doc.lines[last].strip():
        last -= 1
    text = doc.lines[first_line]
    if not text.lstrip().startswith("-"):
        raise UsageError(f"cannot edit {path[0]}[{path[1]}] in place: its item does not start "
                         "on a line of its own")
    return first_line, last, text.index("-")


def _last_line(end: tuple[int, int], lines: tuple[str, ...]) -> int:
    # a block scalar's span ends at column 0 of the line after its text
    line, col = end
    return line - 1 if col == 0 and line > 0 else min(line, len(lines) - 1)


def block(item: dict[str, Any], indent: int) -> str:
    """A judgment as a block-style list item, each value in flow style, ``indent`` spaces in."""
    pad = " " * indent
    out = []
    for k, (key, value) in enumerate(item.items()):
        lead = f"{pad}- " if k == 0 else f"{pad}  "
        out.append(f"{lead}{key}: {flow(value)}\n")
    return "".join(out)


def flow(value: Any) -> str:
    """``value`` (text, number, true/false, null, lists and mappings of them) as YAML flow.

    Text is written plain when YAML reads it so, else double-quoted; numbers in their
    shortest exact form."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UsageError(f"not a finite number: {value}")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        plain = _PLAIN.fullmatch(value) and value.lower() not in _RESERVED
        return value if plain else quoted(value)
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow_key(k)}: {flow(v)}" for k, v in value.items()) + "}"
    raise UsageError(f"cannot write {type(value).__name__} in a scenario")


#: Text YAML reads as the same text without quotes (no indicators, no number, no keyword).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[ .-][A-Za-z0-9_]+)*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


def flow_key(key: Any) -> str:
    """A mapping key: bare when it is a plain name, else quoted."""
    text = str(key)
    return text if text.isidentifier() else quoted(text)


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: printable characters as they are, the
    rest (and quotes and backslashes) escaped, so it reads back exactly."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() and ch not in "\u2028\u2029\ufeff":
            out.append(ch)
        else:
            n = ord(ch)
            out.append(f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000
                       else f"\\U{n:08x}")
    return '"' + "".join(out) + '"'


def relocate_sources(text: str, loaded: LoadedScenario, folder: str) -> str:
    """``text`` with each source's ``path`` made right for a copy saved in ``folder``
    (relative where it can be, absolute otherwise)."""
    lines = text.splitlines(keepends=True)
    for i, src in sorted(enumerate(loaded.model.sources), key=lambda s: -s[0]):
        path = ("sources", i, "path")
        span = loaded.doc.spans.get(path)
        if span is None or span.start[0] != span.end[0]:
            raise UsageError(f"cannot move source '{src.id}': its path is not on one line")
        target = os.path.normpath(os.path.join(loaded.base_dir.resolve(), src.path))
        try:
            new = os.path.relpath(target, folder)
        except ValueError:  # another drive
            new = target
        line, (a, b) = span.start[0], (span.start[1], span.end[1])
        lines[line] = lines[line][:a] + flow(new) + lines[line][b:]
    return "".join(lines)


def _bound(x: float) -> str:
    return "∞" if x == math.inf else "−∞" if x == -math.inf else f"{x:g}"
