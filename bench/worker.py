"""One measurement in its own process, so its peak memory is its own.

python bench/worker.py build PEER DOCS OUT PROCS      -> {"seconds": ...}
python bench/worker.py query PEER OUT QUERIES RUNS    -> {"latencies": [[ms, ...], ...]}
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import PEERS  # noqa: E402
from queries import load_queries  # noqa: E402


def peer_named(name: str):
    return next(p for p in PEERS if p.name == name)


def build(name: str, docs: str, out: str, procs: str) -> dict:
    peer = peer_named(name)
    started = time.perf_counter()
    peer.build(Path(docs), Path(out), int(procs))
    return {"seconds": time.perf_counter() - started}


def query(name: str, out: str, queries: str, runs: str) -> dict:
    peer = peer_named(name)
    peer.open(Path(out))
    texts = [text for _, text in load_queries(Path(queries))]
    hits = [peer.query(text) for text in texts]  # warm-up, and what each query finds
    latencies = []
    for _ in range(int(runs)):
        run = []
        for text in texts:
            started = time.perf_counter()
            peer.query(text)
            run.append((time.perf_counter() - started) * 1000)
        latencies.append(run)
    peer.close()
    return {"latencies": latencies, "hits": hits}


def peak_mib() -> int:
    """Peak resident memory of this process plus its largest child (a writer process)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return int((own + children) / 1024)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {"build": build, "query": query}[command](*args)
    result["peak_mib"] = peak_mib()
    print(json.dumps(result))
