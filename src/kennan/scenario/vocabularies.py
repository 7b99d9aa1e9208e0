"""Estimative vocabularies: from a phrase such as "probably" to a distribution.

The vocabularies are data files in ``kennan/data/vocabularies/`` (see its README for
provenance and for why each phrase maps where it does). ``vocabularies.csv`` names
each vocabulary, its file and how its rows are read:

- ``range``: a row is a low and a high probability; the phrase is uniform on them.
- ``centre``: a row is a centre and a "give or take"; the phrase is triangular from
  centre - give to centre + give with its peak at the centre (a point if give is 0).
- ``survey``: a column per phrase, a row per reader, answers in percent; the phrase
  is the empirical distribution of the answers.
- ``quartiles``: a row is a phrase's median and quartiles in percent; the quantile
  function is linear through them and extended to u = 0 and 1 with the slopes of the
  two inner quarters, clipped to [0, 1].

``aliases.csv`` maps the phrases writers use to each vocabulary's own phrases. A cell
may list several phrases, ``a | b``: a ``range`` vocabulary reads them as one range
from the lowest low to the highest high; the others as an equal-weight mixture.
Phrases match case-, underscore- and whitespace-insensitively, then by their key
(:mod:`kennan.scenario.hedges`: "I don't believe" is "do not believe", "they are
unlikely to" is "unlikely"). An unknown phrase is refused with suggestions by meaning
("it is evident" -> "it is clear", a negation -> the phrase for the negation) and by
spelling.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from kennan.scenario.distributions import (
    Constant,
    Distribution,
    PhraseDistribution,
    PiecewiseQuantile,
    ScipyDistribution,
    fmt,
    mixture,
)
from kennan.scenario.hedges import meaning_words, phrase_key

__all__ = [
    "DEFAULT_VOCABULARY",
    "VOCABULARY_NAMES",
    "Vocabulary",
    "VocabularyLookupError",
    "load_vocabulary",
    "normalise_phrase",
]

#: The vocabularies shipped with kennan, in the order of ``vocabularies.csv``.
VOCABULARY_NAMES: tuple[str, ...] = ("icd203", "kent1964", "perceptions", "mauboussin2018")
DEFAULT_VOCABULARY = "icd203"

_DATA = "kennan.data.vocabularies"
_SEPARATOR = "|"


class VocabularyLookupError(ValueError):
    """An unknown vocabulary or phrase. A ``ValueError`` so that pydantic validators
    turn it into a validation error; the message lists close matches."""


def normalise_phrase(phrase: str) -> str:
    """The matching key of a phrase: case-folded, underscores as spaces, single spaces."""
    return " ".join(phrase.replace("_", " ").casefold().split())


def _suggest(word: str, known: list[str], what: str, first: tuple[str, ...] = ()) -> str:
    spelled = difflib.get_close_matches(normalise_phrase(word), known, n=4, cutoff=0.6)
    close = list(dict.fromkeys([*first, *spelled]))[:4]
    if close:
        return "did you mean " + ", ".join(f"'{c}'" for c in close) + "?"
    return f"known {what}: " + ", ".join(f"'{k}'" for k in known)


@dataclass(frozen=True)
class Vocabulary:
    """One estimative vocabulary: its phrases, their distributions and the aliases.

    ``entries`` maps each canonical phrase (as the source writes it) to its
    distribution over probabilities; ``names`` maps every accepted key (canonical
    phrases, the source's alternatives, aliases; all normalised) to the canonical
    phrases it stands for.
    """

    name: str
    title: str
    reading: str
    entries: Mapping[str, Distribution]
    names: Mapping[str, tuple[str, ...]]
    #: phrase key (see :mod:`kennan.scenario.hedges`) -> (alias as written, canonical phrases)
    keys: Mapping[str, tuple[str, tuple[str, ...]]] = field(
        default_factory=lambda: MappingProxyType({}))

    def phrases(self) -> list[str]:
        """Every phrase this vocabulary accepts (normalised), sorted."""
        return sorted(self.names)

    def canonical_phrases(self) -> list[str]:
        """The source's own phrases, from the least to the most probable (by median)."""
        return sorted(self.entries, key=lambda p: float(self.entries[p].ppf(0.5)))

    def resolve(self, phrase: str) -> tuple[str, ...]:
        """The canonical phrase(s) that ``phrase`` stands for; raises on an unknown phrase."""
        key = normalise_phrase(phrase)
        if key in self.names:
            return self.names[key]
        found = self.keys.get(phrase_key(phrase).text)
        if found is not None:
            return found[1]
        hint = _suggest(phrase, self.phrases(), "phrases", self.by_meaning(phrase))
        raise VocabularyLookupError(
            f"estimative phrase '{phrase}' is not in vocabulary {self.name}; {hint}"
        )

    def by_meaning(self, phrase: str) -> tuple[str, ...]:
        """Known phrases that say what ``phrase`` seems to say, best first.

        A known phrase inside it ("am inclined to believe" holds "believe"), or a word
        of ``meanings.csv`` ("evident" -> "it is clear"), gives the meaning; a negation
        turns it into the phrase the alias table gives for that negation or, when it has
        none, the phrase whose median is nearest to one minus the meaning's median.
        """
        key = phrase_key(phrase)
        words = key.words
        meanings: list[str] = []
        for size in range(len(words), 0, -1):  # the longest known phrase first
            for i in range(len(words) - size + 1):
                part = self.keys.get(" ".join(words[i:i + size]))
                if part is not None and part[0] not in meanings:
                    meanings.append(part[0])
        table = meaning_words()
        meanings += [table[w] for w in words if w in table and table[w] not in meanings]
        if not key.negated:
            return tuple(dict.fromkeys(normalise_phrase(m) for m in meanings))
        out: list[str] = []
        for meaning in meanings:
            negated = self.keys.get("not " + phrase_key(meaning).text)
            if negated is not None and not phrase_key(meaning).negated:
                out.append(negated[0])
            elif meaning in self.names or phrase_key(meaning).text in self.keys:
                out.append(self._nearest(1.0 - self._median(meaning)))
        return tuple(dict.fromkeys(normalise_phrase(m) for m in out))

    def _median(self, phrase: str) -> float:
        return float(self.distribution(phrase).ppf(0.5))

    def _nearest(self, median: float) -> str:
        # Among the aliases as written: the phrases a writer would recognise.
        written = [alias for alias, _ in self.keys.values()]
        return min(written, key=lambda a: (abs(self._median(a) - median), a))

    def distribution(
        self, phrase: str, *, scale: tuple[float, float] | None = None
    ) -> PhraseDistribution:
        """The distribution of ``phrase`` (a probability, or mapped onto ``scale``)."""
        canonical = self.resolve(phrase)
        parts = [self.entries[c] for c in canonical]
        if len(parts) == 1:
            base = parts[0]
        elif self.reading == "range":
            low = min(p.bounds[0] for p in parts)
            high = max(p.bounds[1] for p in parts)
            base = ScipyDistribution.uniform(low, high)
        else:
            base = mixture(f"mixture of {len(parts)}", parts)
        return PhraseDistribution(
            base=base,
            phrase=phrase,
            vocabulary=self.name,
            canonical=f" {_SEPARATOR} ".join(canonical),
            scale=scale,
        )


def load_vocabulary(name: str) -> Vocabulary:
    """Load a shipped vocabulary by name (one of :data:`VOCABULARY_NAMES`)."""
    if name not in VOCABULARY_NAMES:
        hint = _suggest(name, list(VOCABULARY_NAMES), "vocabularies")
        raise VocabularyLookupError(f"unknown vocabulary '{name}'; {hint}")
    return _load(name)


# The data are immutable package files: read each vocabulary once per process.
@functools.cache
def _load(name: str) -> Vocabulary:
    index = {row["name"]: row for row in _rows("vocabularies.csv")}
    row = index[name]
    reading = row["reading"]
    entries, alternatives = _READERS[reading](_text(row["file"]))
    names: dict[str, tuple[str, ...]] = {}
    keys: dict[str, tuple[str, tuple[str, ...]]] = {}
    for phrase in entries:
        names[normalise_phrase(phrase)] = (phrase,)
    for alternative, phrase in alternatives.items():
        names.setdefault(normalise_phrase(alternative), (phrase,))
    for written, targets in names.items():
        keys.setdefault(phrase_key(written).text, (written, targets))
    for alias_row in _rows("aliases.csv"):
        cell = alias_row.get(name, "").strip()
        if not cell:
            continue
        targets = []
        for part in cell.split(_SEPARATOR):
            key = normalise_phrase(part)
            if key not in names:  # a broken data file is a bug, not user input
                raise RuntimeError(f"aliases.csv: '{part}' is not a phrase of {name}")
            targets.extend(names[key])
        # A vocabulary's own phrases win over the alias table.
        alias = normalise_phrase(alias_row["alias"])
        names.setdefault(alias, tuple(dict.fromkeys(targets)))
        keys.setdefault(phrase_key(alias).text, (alias, names[alias]))
    return Vocabulary(
        name=name,
        title=row["title"],
        reading=reading,
        entries=MappingProxyType(entries),
        names=MappingProxyType(names),
        keys=MappingProxyType(keys),
    )


def _text(filename: str) -> str:
    return resources.files(_DATA).joinpath(filename).read_text(encoding="utf-8")


def _rows(filename: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text(filename))))


_Read = tuple[dict[str, Distribution], dict[str, str]]


def _read_range(text: str) -> _Read:
    entries: dict[str, Distribution] = {}
    alternatives: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        phrase = row["phrase"].strip()
        entries[phrase] = ScipyDistribution.uniform(float(row["low"]), float(row["high"]))
        if row.get("alternative", "").strip():
            alternatives[row["alternative"].strip()] = phrase
    return entries, alternatives


def _read_centre(text: str) -> _Read:
    entries: dict[str, Distribution] = {}
    for row in csv.DictReader(io.StringIO(text)):
        centre, give = float(row["center"]), float(row["give_or_take"])
        if give == 0:
            entries[row["phrase"].strip()] = Constant(centre)
            continue
        # Rounded: the data have two decimals, the float noise of the sums is not news.
        low, high = max(0.0, round(centre - give, 12)), min(1.0, round(centre + give, 12))
        entries[row["phrase"].strip()] = ScipyDistribution.triangular(low, centre, high)
    return entries, {}


def _read_survey(text: str) -> _Read:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    answers = [[float(x) / 100.0 for x in row] for row in reader if row]
    entries: dict[str, Distribution] = {}
    for j, phrase in enumerate(header):
        column = [row[j] for row in answers]
        label = f"empirical(n={len(column)}, median={fmt(_median(column))})"
        entries[phrase] = PiecewiseQuantile.empirical(label, column)
    return entries, {}


def _read_quartiles(text: str) -> _Read:
    entries: dict[str, Distribution] = {}
    for row in csv.DictReader(io.StringIO(text)):
        q1, med, q3 = (float(row[k]) / 100.0 for k in ("q1", "median", "q3"))
        low = max(0.0, round(q1 - (med - q1), 12))
        high = min(1.0, round(q3 + (q3 - med), 12))
        label = f"quartiles({fmt(q1)}, {fmt(med)}, {fmt(q3)}) on [{fmt(low)}, {fmt(high)}]"
        phrase = row["phrase"].strip().replace("_", " ")
        entries[phrase] = PiecewiseQuantile(
            label, (0.0, 0.25, 0.5, 0.75, 1.0), (low, q1, med, q3, high)
        )
    return entries, {}


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


_READERS = MappingProxyType(
    {
        "range": _read_range,
        "centre": _read_centre,
        "survey": _read_survey,
        "quartiles": _read_quartiles,
    }
)
