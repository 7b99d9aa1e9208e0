"""References to other telegrams: "Deptel 101, July 29", "urtel 201", "your 308",
"Bangkok's 1083", "mytel", "reftels 12 and 14"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kennan.read import lexicon
from kennan.read.document import Paragraph, Reference

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTH_NUM = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_DATE = rf"(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>1[89]\d\d))?"
_NUM = r"(?:No\.\s*)?\d{1,5}"
# One number, or a list of them ("101, 102 and 105"); the list is split afterwards.
_NUMS = rf"(?P<nums>{_NUM}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_NUM}(?!\s*,?\s*\d{{4}}))*)"
_OWNER = {"your": "urtel", "ur": "urtel", "my": "mytel", "our": "ourtel"}


def _pattern() -> re.Pattern[str]:
    designators = sorted(lexicon.series_designators(), key=len, reverse=True)
    words = "|".join(re.escape(d) for d in designators)
    return re.compile(
        rf"\b(?:(?P<series>{words})|(?P<owner>your|ur|my|our)|(?P<post>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)['\u2019]s"
        rf"|(?P<dept>Dept(?:'s|\u2019s)?|Department(?:'s|\u2019s)?)\s+(?:tel(?:egram)?|circular)?"
        rf"|(?P<tel>tel(?:egram)?s?))"
        rf"(?:\s+{_NUMS}(?:\s*(?:of|,)?\s*{_DATE})?)?(?![\w-])",
        re.IGNORECASE,
    )


def find_references(paragraphs: Iterable[Paragraph], *, year_of: str | None = None) -> Iterator[Reference]:
    """References to telegrams in ``paragraphs``, in order.

    A designator with no number ("mytel", "reftel") is a reference with number None;
    "your", "my", "Bangkok's" and "telegram" count only when a number follows.
    ``year_of`` is the document's ISO date, used to give a year to "July 29".
    """
    pattern = _pattern()
    series_words = lexicon.series_designators()
    for para in paragraphs:
        for m in pattern.finditer(para.text):
            nums = m.group("nums")
            if m.group("series"):
                if m.group("series") != m.group("series").lower() and m.group("series")[1:].isupper():
                    continue  # an all-capitals acronym that happens to match
                series = series_words[m.group("series").lower()]
            elif not nums:
                continue
            elif m.group("owner"):
                if m.group("owner").lower() in ("my", "our") and m.group("owner")[0].isupper() is False and not _looks_telegram(para.text, m):
                    continue
                series = _OWNER[m.group("owner").lower()]
            elif m.group("post"):
                series = m.group("post")
            elif m.group("dept"):
                series = "Deptel"
            else:
                series = None
            date = _iso(m, year_of)
            numbers = re.findall(r"\d{1,5}", nums) if nums else [None]
            for number in numbers:
                yield Reference(series=series, number=number, date=date,
                                text=m.group(0).strip(), paragraph=para.n)


def _looks_telegram(text: str, m: re.Match[str]) -> bool:
    # "my 205" is a telegram; "my 2 points" is not: require the number to end the
    # phrase or be followed by punctuation, "to", "from" or a date.
    after = text[m.end(): m.end() + 8]
    return after == "" or bool(re.match(r"^(?:[.,;:)]|\s+(?:to|from)\b|\s*$)", after))


def _iso(m: re.Match[str], year_of: str | None) -> str | None:
    if not m.group("month"):
        return None
    month = _MONTH_NUM[m.group("month").lower()[:3]]
    day = int(m.group("day"))
    if m.group("year"):
        return f"{m.group('year')}-{month:02d}-{day:02d}"
    if year_of and re.match(r"^\d{4}-\d{2}", year_of):
        year, doc_month = int(year_of[:4]), int(year_of[5:7])
        # A telegram cited without a year is earlier than the one citing it.
        return f"{year - (month > doc_month):04d}-{month:02d}-{day:02d}"
    return f"--{month:02d}-{day:02d}"
