"""Did-you-mean candidates compared: RapidFuzz's edit distance against SymSpell.

    python bench/spelling.py --size 10k

Takes the words of generated articles as an index's vocabulary file holds them
(folded, with their document counts), misspells a sample of them (two letters
swapped), and corrects each with both libraries: RapidFuzz (OSA distance, one
edit, two from 8 letters, over the words of the same first letter) and SymSpell
(symspellpy, its dictionary of deletions built first). Prints, as JSON, the
vocabulary size, each one's build time and memory, its latency per word (min,
p50, p99, max) and how often it found the word meant.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from bisect import bisect_left
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, label, parse_size  # noqa: E402


def spread(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "min_ms": round(values[0], 3),
        "p50_ms": round(values[len(values) // 2], 3),
        "p99_ms": round(values[int(len(values) * 0.99)], 3),
        "max_ms": round(values[-1], 3),
    }


def vocabulary(folder: Path) -> dict[str, int]:
    from veille.indexer.documents import read_file
    from veille.indexer.lexicon import WordCounts

    counts = WordCounts()
    for path in sorted(folder.rglob("*.txt")):
        for doc in read_file(path)[0]:
            counts.add(doc.title, doc.body)
    return dict(counts.documents)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--data", type=Path, default=HERE / ".data")
    args = parser.parse_args()
    folder = generate(args.data / f"{label(args.size)}-seed{args.seed}", args.size, args.seed)
    docs = vocabulary(folder)
    words = sorted(docs)
    rng = random.Random(args.seed)
    meant = [w for w in rng.sample(words, min(args.sample, len(words))) if len(w) >= 5]
    typos = []
    for word in meant:
        i = rng.randrange(1, len(word) - 1)
        typos.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])

    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    def rapidfuzz_correct(word: str) -> str | None:
        lo = bisect_left(words, word[0])
        hi = bisect_left(words, chr(ord(word[0]) + 1))
        found = process.extract(
            word,
            words[lo:hi],
            scorer=OSA.distance,
            score_cutoff=2 if len(word) >= 8 else 1,
            limit=None,
        )
        return min(found, key=lambda f: (f[1], -docs[f[0]]))[0] if found else None

    report: dict = {"articles": args.size, "vocabulary": len(words), "misspelt": len(typos)}
    timed = []
    right = 0
    for word, typo in zip(meant, typos, strict=True):
        began = time.perf_counter()
        right += rapidfuzz_correct(typo) == word
        timed.append((time.perf_counter() - began) * 1000)
    report["rapidfuzz"] = {"build_s": 0.0, "extra_mib": 0.0, "right": right} | spread(timed)

    from symspellpy import SymSpell, Verbosity

    before = peak_mib()
    began = time.perf_counter()
    symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word in words:
        symspell.create_dictionary_entry(word, docs[word])
    built = time.perf_counter() - began
    timed, right = [], 0
    for word, typo in zip(meant, typos, strict=True):
        began = time.perf_counter()
        found = symspell.lookup(
            typo, Verbosity.CLOSEST, max_edit_distance=2 if len(typo) >= 8 else 1
        )
        right += bool(found) and found[0].term == word
        timed.append((time.perf_counter() - began) * 1000)
    report["symspell"] = {
        "build_s": round(built, 2),
        "extra_mib": round(peak_mib() - before, 1),
        "right": right,
    } | spread(timed)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
