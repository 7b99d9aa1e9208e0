"""The actor gazetteer: which actors a sentence mentions.

Rows (id, kind, name, aliases) come from ``data/lexicon/actors.tsv``; a scenario (its
actors, found by their names) or a file of rows adds or replaces rows (by id).
Aliases match case-sensitively as whole words (and in capitals when four letters or
more), the longest first, without overlaps: an alias inside a longer one ("X" in
"X Nationalists") does not count.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from kennan.errors import Location, ReadError
from kennan.read import lexicon
from kennan.safeio import read_regular


@dataclass(frozen=True)
class Actor:
    """An entry of the gazetteer."""

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...]


_KINDS = ("state", "person", "group", "faction")
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Gazetteer:
    """Finds actors by their aliases in text."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        rows = list(actors)
        by_id: dict[str, Actor] = {}
        for actor in rows:
            by_id[actor.id] = actor  # a later row replaces an earlier one of the same id
        self.actors: tuple[Actor, ...] = tuple(by_id.values())
        owner: dict[str, str] = {}
        for actor in rows:  # and a later row's alias wins over an earlier row's
            if by_id[actor.id] is actor:
                for alias in actor.aliases:
                    owner[alias] = actor.id
                    # Telegrams and intelligence reports print some names in capitals.
                    if len(alias) >= 4 and alias.upper() != alias:
                        owner.setdefault(alias.upper(), actor.id)
        self._owner = owner
        alternatives = "|".join(re.escape(a) for a in sorted(owner, key=len, reverse=True))
        # One guard for all aliases, and a look at the first letter before trying them.
        self._pattern = re.compile(
            rf"(?<![\w-])(?=[A-Z])(?:{alternatives})(?![\w])" if owner else r"(?!)"
        )

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(actor id, start, end) of every mention in ``text``, in order."""
        return [(self._owner[m.group(0)], m.start(), m.end()) for m in self._pattern.finditer(text)]

    def mentioned(self, text: str) -> tuple[str, ...]:
        """Ids of the actors ``text`` mentions, in order of first mention."""
        return tuple(dict.fromkeys(actor for actor, _, _ in self.find(text)))

    def get(self, actor_id: str) -> Actor | None:
        """The entry of ``actor_id``, if any."""
        return next((a for a in self.actors if a.id == actor_id), None)

    def extended(self, actors: Iterable[Actor]) -> Gazetteer:
        """This gazetteer with ``actors`` added (replacing entries of the same id)."""
        return Gazetteer([*self.actors, *actors])


def actors_from_rows(rows: Iterable[dict[str, str]], *, file: str = "<rows>") -> list[Actor]:
    """Gazetteer entries from rows with keys id, kind, name, aliases ("|"-separated)."""
    out = []
    for line, row in enumerate(rows, start=2):
        where = Location(file, line)
        actor_id = (row.get("id") or "").strip()
        kind = (row.get("kind") or "").strip()
        if not _ID.match(actor_id):
            raise ReadError(f"actor id {actor_id!r}: expected a name of letters, digits and _",
                            where)
        if kind not in _KINDS:
            raise ReadError(f"actor {actor_id}: kind {kind!r}, expected one of "
                            f"{', '.join(_KINDS)}", where)
        name = (row.get("name") or actor_id).strip()
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        out.append(Actor(actor_id, kind, name, aliases or (name,)))
    return out


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer (built once per process)."""
    return Gazetteer(actors_from_rows(lexicon.read_table("actors.tsv"), file="actors.tsv"))


def load_gazetteer_file(path: str | Path) -> list[Actor]:
    """Gazetteer rows from a tab-separated file with the columns of ``actors.tsv``, or
    from a scenario (``.yaml``): its actors, each found by its name."""
    p = Path(path)
    if p.suffix.lower() in (".yaml", ".yml"):
        return _scenario_actors(p)
    try:
        text = _read(p)
    except FileNotFoundError:
        raise ReadError("no such file: expected a gazetteer (.tsv)", Location(str(p))) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError(f"cannot read the gazetteer: {_reason(exc)}", Location(str(p))) from None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        raise ReadError("the gazetteer is empty: expected a header id, kind, name, aliases",
                        Location(str(p)))
    header = lines[0].split("\t")
    missing = {"id", "kind"} - set(header)
    if missing:
        raise ReadError(f"gazetteer header {header}: expected the columns id, kind, name, "
                        f"aliases (tab-separated)", Location(str(p), 1))
    rows = [dict(zip(header, ln.split("\t"), strict=False)) for ln in lines[1:]]
    return actors_from_rows(rows, file=str(p))


def _scenario_actors(p: Path) -> list[Actor]:
    try:
        data = YAML(typ="safe", pure=True).load(_read(p))
    except FileNotFoundError:
        raise ReadError("no such file: expected a scenario (.yaml)", Location(str(p))) from None
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise ReadError(f"cannot read the scenario's actors: {_reason(exc)}",
                        Location(str(p))) from None
    actors = data.get("actors") if isinstance(data, dict) else None
    if not isinstance(actors, list):
        raise ReadError("expected a scenario with a list of actors", Location(str(p)))
    # Only text is taken: aliases make a YAML value a shared reference that may expand
    # to a huge structure if printed ("billion laughs"); such a value is not a name.
    rows = [{"id": _word(a.get("id")), "kind": _word(a.get("kind")),
             "name": _word(a.get("name")) or _word(a.get("id")), "aliases": _word(a.get("name"))}
            for a in actors[:_MAX_ACTORS] if isinstance(a, dict)]
    return actors_from_rows(rows, file=str(p))


#: An actors file larger than this is refused unread (the shipped gazetteer is a few KB).
MAX_BYTES = 2_000_000
_MAX_ACTORS = 10_000


def _read(p: Path) -> str:
    raw = read_regular(p, max_bytes=MAX_BYTES)
    if len(raw) > MAX_BYTES:
        raise OSError(0, f"larger than the limit of {MAX_BYTES:,} bytes")
    return raw.decode("utf-8-sig")


def _reason(exc: Exception) -> str:
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return " ".join(text.split())[:200]


def _word(value: object) -> str:
    return str(value) if isinstance(value, str | int | float) else ""
