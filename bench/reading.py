"""Telegraphese expansion on the development set: recall and false expansions.

    python bench/reading.py

Reads every document of ``tests/read/fixtures/dev/gold.tsv`` (FRUS telegrams of
1948-1958 from six volumes outside the evaluation set) with ``kennan read``'s expansion
and prints, per volume and in all: the share of the tokens a reader would expand that
were expanded correctly (target >= 97%) and the share of ordinary words wrongly expanded
(target <= 1%), with the misses and false expansions; then whether telegram 208 still
expands exactly as tests/read/test_telegraphese.py says.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from kennan.read import load_document
from kennan.read.evaluation import Score, read_documents, read_gold, score

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "read" / "fixtures" / "dev"


def main() -> int:
    """Print the figures; exit status 1 when a target is missed."""
    gold = defaultdict(list)
    for row in read_gold(DEV / "gold.tsv"):
        gold[(row.file, row.doc)].append(row)
    per_volume: dict[str, Score] = defaultdict(Score)
    counts: dict[str, int] = defaultdict(int)
    docs = read_documents(DEV / "documents.tsv")
    for file, doc_id, volume in docs:
        doc = load_document(DEV / file, document=doc_id)
        per_volume[volume] += score(doc, gold.pop((file, doc_id), []))
        counts[volume] += 1
    if gold:
        raise SystemExit(f"gold rows for documents not in documents.tsv: {sorted(gold)}")
    total = sum(per_volume.values(), Score())
    print(f"{'volume':<22}{'docs':>5}{'to expand':>11}{'recall':>9}{'ordinary':>10}{'false':>8}")
    for volume, s in sorted(per_volume.items()):
        print(f"{volume:<22}{counts[volume]:>5}{s.expected:>11}{s.recall:>9.1%}{s.ordinary:>10}"
              f"{s.false_rate:>8.2%}")
    print(f"{'all':<22}{len(docs):>5}{total.expected:>11}{total.recall:>9.1%}"
          f"{total.ordinary:>10}{total.false_rate:>8.2%}")
    print(f"\nrecall {total.recall:.1%} (target >= 97%), false expansions "
          f"{total.false_rate:.2%} of ordinary words (target <= 1%)")
    for miss in total.misses:
        print(f"  missed: {miss}")
    for false in total.false:
        print(f"  false:  {false}")
    ok = total.recall >= 0.97 and total.false_rate <= 0.01
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
