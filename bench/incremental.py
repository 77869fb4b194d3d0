"""Re-indexing cost: a second `veille index` over an unchanged folder, and after a few edits.

    python bench/incremental.py --size 10k

Copies a generated corpus (bench/.data, made by generate.py) to a temporary
folder, then times `veille index` as a new process: the first run, a second run
over the unchanged folder, and a run after 1% of the files were edited and ten
deleted. Also times the query set in-process with and without facet counts,
to show what `"facets"` costs. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
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


def timed_index(index: Path, docs: Path) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(
        [VEILLE, "index", "--index", str(index), str(docs)], capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"veille index failed: {done.stderr[-500:]}")
    return time.perf_counter() - began, done.stdout.strip()


def query_times(index: Path, facets: bool, runs: int = 2) -> dict:
    from veille.indexer.store import index_analyzer, open_index
    from veille.query.search import Options, open_searcher, run_search

    ix = open_index(index)
    analyzer = index_analyzer(ix)
    queries = [text for _, text in load_queries(QUERIES)]
    times = []
    with open_searcher(ix) as searcher:
        for _ in range(runs):
            for text in queries:
                began = time.perf_counter()
                run_search(searcher, analyzer, text, options=Options(facets=facets))
                times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=HERE / ".data")
    args = parser.parse_args()
    name = label(args.size)
    source = generate(args.data / f"{name}-seed{args.seed}", args.size, args.seed)
    work = Path(tempfile.mkdtemp(prefix="veille-incremental-"))
    try:
        docs, index = work / "docs", work / "index"
        shutil.copytree(source, docs)
        first, first_line = timed_index(index, docs)
        second, second_line = timed_index(index, docs)
        files = sorted(docs.rglob("*.txt"))
        for path in files[:: 100]:  # 1% edited
            with path.open("a", encoding="utf-8") as f:
                f.write("\nUne phrase ajoutée après coup sur Kherson.\n")
        for path in files[1:11]:
            path.unlink()
        third, third_line = timed_index(index, docs)
        report = {
            "articles": args.size,
            "first_run_s": round(first, 2),
            "unchanged_run_s": round(second, 2),
            "unchanged_over_first": round(second / first, 3),
            "after_1pct_edits_s": round(third, 2),
            "summaries": [first_line, second_line, third_line],
            "queries_with_facets": query_times(index, True),
            "queries_without_facets": query_times(index, False),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
