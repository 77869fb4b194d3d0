"""CPU time of costly requests (issue 14) through search(), with the server's budget.

    python bench/generate.py /tmp/g --count 2000
    veille index --index /tmp/ix /tmp/g
    python bench/request_costs.py /tmp/ix

Prints, for each request, its CPU and wall time and what it answered. The 60
prefixes are three-letter prefixes of the index that stand for 150 to 499 words
each (each under the 500-word cap). Figures in bench/results/issue-14-request-costs.md.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from veille.indexer.store import StoreError, open_index
from veille.query.limits import SERVER_SEARCH_SECONDS
from veille.query.search import Options, search


def prefixes(ix, count: int = 60) -> list[str]:
    with ix.reader() as reader:
        seen = Counter(term[:3] for term in reader.lexicon("body") if len(term) >= 3)
    return [p.decode() for p, n in seen.most_common() if 150 <= n < 500][:count]


def requests(ix) -> dict[str, tuple[str, bool]]:
    unknown = [f"securitex{i}" for i in range(64)]
    return {
        "one word of 800 letters": ("la" * 400, False),
        "64 unknown words": (" ".join(unknown), False),
        "fuzzy, 63 long words": (" ".join(unknown[:63]), True),
        "60 prefixes joined by OR": (" OR ".join(f"{p}*" for p in prefixes(ix)), False),
        "two plain words": ("gouvernement Kiev", False),
    }


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/request_costs.py INDEX_DIR")
    try:
        ix = open_index(Path(sys.argv[1]))
    except StoreError as exc:
        sys.exit(str(exc))
    for name, (text, fuzzy) in requests(ix).items():
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            options = Options(fuzzy=fuzzy)
            result = search(ix, text, time_limit=SERVER_SEARCH_SECONDS, options=options)
            answer = f"total={result.total} partial={result.partial}"
        except Exception as exc:  # a refused query is an answer too
            answer = f"{type(exc).__name__}: {exc}"[:100]
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{name:26} cpu {cpu:6.2f} s  wall {wall:6.2f} s  {answer}", flush=True)


if __name__ == "__main__":
    main()
