"""Latency of completions (GET /suggest) and of did-you-mean on a large index.

    python bench/suggest.py --size 100k

Builds (or reuses, with --index) an index of generated articles, then times,
in-process with one open reader as a server worker holds it: completions for
every 2- to 6-letter prefix of the query set's words (GET /suggest's work), and
the correction of misspelt query words (did-you-mean's work, done only when a
search finds fewer than three stories). Prints JSON with p50/p95/p99 in ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, label, parse_size  # noqa: E402
from queries import QUERIES, load_queries  # noqa: E402
from serving import VEILLE  # noqa: E402


def spread(values: list[float]) -> dict:
    values = sorted(values)

    def at(p: float) -> float:
        return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 2)

    return {
        "n": len(values),
        "p50_ms": at(50),
        "p95_ms": at(95),
        "p99_ms": at(99),
        "mean_ms": round(statistics.fmean(values), 2),
    }


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped


def measure_suggestions(index: Path, seed: int = 1) -> dict:
    """Completion and did-you-mean times on the index at ``index`` (one open reader)."""
    from veille.indexer.store import index_analyzer, open_index
    from veille.query.suggest import completions, correction, searcher_vocabulary

    ix = open_index(index)
    analyzer = index_analyzer(ix)
    reader = searcher_vocabulary(ix.searcher())  # as a server worker holds it
    words = sorted(
        {
            w
            for _, q in load_queries(QUERIES)
            for w in q.replace('"', " ").split()
            if w.isalpha() and len(w) >= 6
        }
    )
    prefixes = sorted({w[:n] for w in words for n in range(2, 7)})
    complete_ms = []
    for prefix in prefixes:
        began = time.perf_counter()
        completions(reader, prefix)
        complete_ms.append((time.perf_counter() - began) * 1000)
    rng = random.Random(seed)
    correct_ms = []
    for word in words:
        wrong = typo(word, rng)
        began = time.perf_counter()
        correction(reader, analyzer, wrong)
        correct_ms.append((time.perf_counter() - began) * 1000)
    return {
        "articles": ix.doc_count(),
        "completions": spread(complete_ms),
        "did_you_mean_per_misspelt_word": spread(correct_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=HERE / ".data")
    parser.add_argument("--index", type=Path, help="an index built by an earlier run")
    args = parser.parse_args()
    index = args.index
    built_s = None
    if index is None or not index.exists():
        docs = generate(args.data / f"{label(args.size)}-seed{args.seed}", args.size, args.seed)
        index = index or Path(tempfile.mkdtemp(prefix="veille-suggest-")) / "index"
        began = time.perf_counter()
        subprocess.run([VEILLE, "index", "--index", str(index), str(docs)], check=True)
        built_s = round(time.perf_counter() - began, 1)
    report = {"index": str(index), "index_build_s": built_s}
    print(json.dumps(report | measure_suggestions(index, args.seed), indent=2))


if __name__ == "__main__":
    main()
