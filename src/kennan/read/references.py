"""References to other telegrams.

Recognised forms (case-insensitive designators, from ``data/lexicon/series.tsv``):

- a series designator, with or without numbers and a date: "Deptel 268, June 4",
  "Deptels 101 and 102", "urtel 201", "mytel", "reftel", "Secto 12", "Embtel 308 of June 3";
- "your 308", "ur 308", "my 205", "our 101", "my tel 364", "my des 356" (a number must
  follow); glued "re": "ReCantel 530", "Reurtel 12"; a post's designator ("Cantel 530");
- a post's telegram: "Bangkok's 1083", "London's 2345 to Dept";
- "Dept's 101", "Department telegram 101", "Embassy telegram 308", "circular telegram 12",
  "telegram 2113 from Tokyo" (series from the word before "telegram", else none).

A number counts as a telegram number only when what follows cannot make it a quantity
("my 2 points", "our 300 men" are not references): punctuation, the end, a date, or a
word that is not a plural noun, after a number of two or more digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kennan.read import lexicon
from kennan.read.document import Paragraph, Reference

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTH_NUMBER = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7,
                 "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_DATE = rf"(?P<month>{_MONTH})\s+(?P<day>[0-3]?\d)(?!\d)(?:,?\s+(?P<year>1[89]\d\d))?"
_NUM = r"(?:No\.\s*)?\d{1,5}(?![\w-])"
_NUMS = rf"(?P<nums>{_NUM}(?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*&\s*){_NUM}(?!,?\s*1[89]\d\d))*)"
_TAIL = (
    rf"(?:\s+{_NUMS}(?:\s+from\s+(?P<origin>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?))?"
    rf"(?:(?:\s*,\s*|\s+of\s+|\s+dated\s+|\s+)(?:{_DATE}))?)?"
)
# What may follow a telegram number: punctuation, the end, or a word that cannot be
# the noun a quantity counts ("my 2 points", "our 300 men" are not references).
_AFTER_PUNCT = re.compile(r"^(?:\s*$|\s*[.,;:)\]\[\u2014\u2013])")
_NEXT_WORD = re.compile(r"^\s+([A-Za-z]+)")
_VERBS_ENDING_IN_S = frozenset({
    "says", "states", "reports", "indicates", "contains", "gives", "refers", "describes",
    "suggests", "proposes", "was", "is", "has", "does", "this", "its", "as",
})
_IRREGULAR_PLURALS = frozenset({
    "men", "women", "people", "children", "aircraft", "personnel", "feet",
})
_OWNER = {"your": "ur", "ur": "ur", "my": "my", "our": "our"}
_TEL_WORD = r"(?:tel|telegram|cable|des|desp|despatch|airgram)s?"
_DESPATCH = ("des", "desp", "despatch", "despatches", "desps")
_KIND_BEFORE_TEL = {"embassy": "Embtel", "dept": "Deptel", "department": "Deptel",
                    "department's": "Deptel", "dept's": "Deptel", "circular": "Circtel",
                    "legation": "Legtel", "consulate": "Contel", "mission": "Mistel"}


def _pattern() -> re.Pattern[str]:
    designators = sorted(lexicon.series_designators(), key=len, reverse=True)
    words = "|".join(re.escape(d) for d in designators)
    return re.compile(
        r"(?<![\w-])(?:"
        # "Deptel", "reDeptel", "Reurtel"; and designators of the shape post + "tel"
        # ("ReCantel 530"), which must be followed by a number.
        rf"(?:re)?(?P<series>{words})"
        r"|(?:re)?(?-i:(?P<shape>[A-Z][a-z]{2,9}tel))(?=\s+(?:No\.\s*)?\d)"
        rf"|(?P<owner>your|ur|my|our)(?:\s+(?P<owner_kind>{_TEL_WORD}))?(?=\s+(?:No\.\s*)?\d)"
        r"|(?P<dept>(?:(?:Dept|Department|Embassy|Legation|Consulate|Mission)(?:['\u2019]s)?"
        rf"|circular|(?-i:[A-Z][a-z]+(?:\s[A-Z][a-z]+)?))\s+{_TEL_WORD})"
        r"|(?P<dept_s>(?:Dept|Department|Embassy|Legation|Consulate|Mission)['\u2019]s)"
        r"(?=\s+(?:No\.\s*)?\d)"
        r"|(?-i:(?P<post>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?))['\u2019]s(?=\s+(?:No\.\s*)?\d)"
        rf"|(?P<tel>{_TEL_WORD})(?=\s+(?:No\.\s*)?\d)"
        rf"){_TAIL}(?![\w-])",
        re.IGNORECASE,
    )


def _is_telegram_number(text_after: str, nums: str) -> bool:
    """Whether the number(s) just matched are telegram numbers, judged by what follows."""
    if _AFTER_PUNCT.match(text_after):
        return True
    m = _NEXT_WORD.match(text_after)
    if not m:
        return True
    word = m.group(1)
    if word.lower() in _IRREGULAR_PLURALS:
        return False
    if word.lower().endswith("s") and not word.lower().endswith("ss") and (
            word.lower() not in _VERBS_ENDING_IN_S):
        return False
    # A small number before a word is more likely a count ("my 2 reasons"); a number of
    # two or more digits is a telegram ("your 458 authorized").
    last = re.findall(r"\d+", nums)[-1]
    return len(last) >= 2


def find_references(
    paragraphs: Iterable[Paragraph], *, year_of: str | None = None
) -> Iterator[Reference]:
    """References to telegrams in ``paragraphs``, in order of appearance.

    A designator with no number ("mytel", "reftel") gives one reference with number
    None; the other forms need a number. A list ("Deptels 101 and 102") gives one
    reference per number. ``year_of`` (the document's ISO date) gives a year to
    "June 4": the latest such date not after the document.
    """
    pattern = _pattern()
    series_words = lexicon.series_designators()
    for para in paragraphs:
        for m in pattern.finditer(para.text):
            nums = m.group("nums")
            if nums and not m.group("month") and not _is_telegram_number(
                    para.text[m.end():], nums):
                continue  # "my 2 points": a quantity, not a telegram
            series = _series(m, series_words)
            if series is False:
                continue
            date = _iso(m, year_of)
            numbers = [re.sub(r"\D", "", n) for n in re.findall(_NUM, nums)] if nums else [None]
            for number in numbers:
                yield Reference(series=series, number=number, date=date,
                                text=m.group(0).strip(), paragraph=para.n)


def _series(m: re.Match[str], series_words) -> str | bool | None:
    """The series of a match, or False if the match is not a reference after all."""
    if m.group("series"):
        word = m.group("series")
        if word.isupper() and not m.group("nums"):
            return False  # an acronym in capitals that happens to spell a designator
        return series_words[word.lower()]
    if not m.group("nums"):
        return False
    if m.group("shape"):
        return m.group("shape")
    if m.group("owner"):
        kind = (m.group("owner_kind") or "tel").lower()
        return _OWNER[m.group("owner").lower()] + ("des" if kind in _DESPATCH else "tel")
    if m.group("dept"):
        if m.group("origin"):
            return m.group("origin")
        words = m.group("dept").split()
        first = words[0].lower().replace("\u2019", "'")
        if first in _KIND_BEFORE_TEL:
            return _KIND_BEFORE_TEL[first]
        return " ".join(words[:-1])  # a post: "Hong Kong tel 3768"
    if m.group("dept_s"):
        return _KIND_BEFORE_TEL[m.group("dept_s")[:-2].lower()]
    if m.group("post"):
        return m.group("post")
    return m.group("origin")


def _iso(m: re.Match[str], year_of: str | None) -> str | None:
    if not m.group("month"):
        return None
    month = _MONTH_NUMBER[m.group("month").lower()[:3]]
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    if m.group("year"):
        return f"{m.group('year')}-{month:02d}-{day:02d}"
    if year_of and re.match(r"^\d{4}-\d{2}", year_of):
        year, doc_month = int(year_of[:4]), int(year_of[5:7])
        # A telegram cited without a year is earlier than the one citing it.
        return f"{year - (month > doc_month):04d}-{month:02d}-{day:02d}"
    return f"--{month:02d}-{day:02d}"
