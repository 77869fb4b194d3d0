"""Soak: a server under steady load while its corpus is re-indexed again and again.

    python bench/soak.py --seconds 600            # ten minutes
    python bench/soak.py --seconds 20 --json      # a quick look

Starts `veille serve` on a loopback port over an index of the bundled articles
plus generated dispatches, keeps CLIENTS clients sending searches, and meanwhile
runs `veille index` over and over: each round adds dispatches, rewrites one,
and every third round rebuilds the index from scratch (`--rebuild`, which also
drops the files deleted since). After each round it waits until the server
answers with the new text, without a restart. At the end every document that
should be there is searched for by its own marker word.

Reports requests served, failed requests (anything but 200, or no answer),
re-indexing rounds, how long new text took to become searchable, and lost
documents (expected but not found, or deleted but still found). Bounded in
time (at most an hour), loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from serving import VEILLE, started_server  # noqa: E402

MAX_SECONDS = 3600
SEARCHES = ["Kiev", "Zaporijia", "NATO", '"garanties de sécurité"', "Poutine", "dépêche"]


@dataclass
class Tally:
    requests: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, ok: bool, ms: float, what: str) -> None:
        with self.lock:
            self.requests += 1
            self.latencies_ms.append(ms)
            if not ok:
                self.failed += 1
                if len(self.failures) < 10:
                    self.failures.append(what)


class Client:
    """One keep-alive HTTP connection that reconnects after an error."""

    def __init__(self, address: str):
        parts = urlsplit(address)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            self.conn.request("GET", path)
            res = self.conn.getresponse()
            return res.status, res.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            raise

    def total(self, query: str) -> int:
        """How many documents the server finds for ``query`` (raises if it does not answer)."""
        status, body = self.get(f"/search?q={quote(query)}&limit=1")
        if status != 200:
            raise RuntimeError(f"{query}: HTTP {status}")
        return json.loads(body)["total"]


def marker(n: int, version: int = 0) -> str:
    """A word only dispatch ``n`` (in its ``version``) contains."""
    return f"soakdoc{n}v{version}"


def write_dispatch(docs: Path, n: int, version: int, sentences: list[str], rng) -> None:
    body = " ".join(rng.sample(sentences, min(6, len(sentences))))
    text = f"Dépêche {n}\n{marker(n, version)} {body}\n"
    (docs / f"dispatch-{n:05d}.txt").write_text(text, "utf-8")


def load(
    address: str, tally: Tally, stop: threading.Event, seed: int, at_least: int = 0
) -> None:
    """Send searches until ``stop`` is set, and at least ``at_least`` of them."""
    rng = random.Random(seed)
    client = Client(address)
    sent = 0
    while not stop.is_set() or sent < at_least:
        sent += 1
        query = rng.choice(SEARCHES)
        began = time.perf_counter()
        try:
            status, _ = client.get(f"/search?q={quote(query)}&limit=10")
            ok, what = status == 200, f"{query}: HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            ok, what = False, f"{query}: {type(exc).__name__}: {exc}"
        tally.record(ok, (time.perf_counter() - began) * 1000, what)


class IndexFailed(Exception):
    """A `veille index` run of the soak failed; the message is its error output."""


def reindex(index: Path, docs: Path, rebuild: bool) -> None:
    cmd = [VEILLE, "index", "--index", str(index), str(docs)] + (["--rebuild"] if rebuild else [])
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise IndexFailed(f"`{' '.join(cmd[1:])}` exited {done.returncode}: {done.stderr[-500:]}")


def wait_until(check, seconds: float) -> float | None:
    """Seconds until ``check()`` is true, or None if it never was within ``seconds``."""
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        if check():
            return time.perf_counter() - began
        time.sleep(0.02)
    return None


def soak(
    seconds: float,
    clients: int = 4,
    workers: int = 1,
    threads: int = 4,
    start_docs: int = 200,
    per_round: int = 20,
    pause: float = 0.5,
    seed: int = 1,
    work: Path | None = None,
    min_rounds: int = 0,
    min_requests: int = 0,
) -> dict:
    """Run the soak for about ``seconds``, and at least ``min_rounds`` re-indexing rounds
    however slow the machine is (still bounded by MAX_SECONDS), each client sending at
    least ``min_requests`` searches, and return its figures (``seconds=0``: exactly
    ``min_rounds`` rounds)."""
    from veille.corpus import CORPUS_DIR

    seconds = min(seconds, MAX_SECONDS)
    rng = random.Random(seed)
    own_work = work is None
    work = work or Path(tempfile.mkdtemp(prefix="veille-soak-"))
    docs, index = work / "docs", work / "index"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.rmtree(index, ignore_errors=True)
    docs.mkdir(parents=True)
    sentences = []
    for source in sorted(CORPUS_DIR.glob("*.txt")):
        shutil.copyfile(source, docs / source.name)
        text = source.read_text("utf-8")
        sentences += [s.strip() + "." for s in text.split(".") if len(s.split()) > 5]
    version: dict[int, int] = {}  # dispatch number -> current version
    deleted: set[int] = set()
    for n in range(start_docs):
        version[n] = 0
        write_dispatch(docs, n, 0, sentences, rng)
    reindex(index, docs, rebuild=True)

    tally = Tally()
    stop = threading.Event()
    rounds, rebuilds, visible_after, not_visible = 0, 0, [], 0
    lost: list[str] = []
    try:
        with started_server(index, "--workers", str(workers), "--threads", str(threads)) as server:
            probe = Client(server.address)
            loaders = [
                threading.Thread(
                    target=load, args=(server.address, tally, stop, seed + i, min_requests)
                )
                for i in range(clients)
            ]
            for t in loaders:
                t.start()
            began = time.perf_counter()
            while (elapsed := time.perf_counter() - began) < seconds or (
                rounds < min_rounds and elapsed < MAX_SECONDS
            ):
                rounds += 1
                new = range(len(version), len(version) + per_round)
                for n in new:
                    version[n] = 0
                    write_dispatch(docs, n, 0, sentences, rng)
                changed = rng.choice(sorted(set(version) - deleted))
                version[changed] += 1
                write_dispatch(docs, changed, version[changed], sentences, rng)
                rebuild = rounds % 3 == 0
                if rebuild:  # a file deleted before a rebuild must leave the index
                    gone = rng.choice(sorted(set(version) - deleted - {changed, *new}))
                    (docs / f"dispatch-{gone:05d}.txt").unlink()
                    deleted.add(gone)
                    rebuilds += 1
                reindex(index, docs, rebuild)
                last = new[-1]

                def switched(last=last, changed=changed) -> bool:
                    return (
                        probe.total(marker(last)) == 1
                        and probe.total(marker(changed, version[changed])) == 1
                    )

                took = wait_until(switched, 10)
                if took is None:
                    not_visible += 1
                else:
                    visible_after.append(took * 1000)
                time.sleep(pause)
            stop.set()
            for t in loaders:
                t.join(60)
            for n, v in version.items():  # every document, as the index should hold it
                want = 0 if n in deleted else 1
                if probe.total(marker(n, v)) != want:
                    lost.append(f"dispatch {n} version {v}: expected {want}")
                if v and probe.total(marker(n, v - 1)) != 0:
                    lost.append(f"dispatch {n}: version {v - 1} still found")
            server_errors = _errors(server.log)
    finally:
        stop.set()
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    latencies = sorted(tally.latencies_ms)

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1)

    return {
        "seconds": round(seconds, 1),
        "clients": clients,
        "workers": workers,
        "threads": threads,
        "requests": tally.requests,
        "failed_requests": tally.failed,
        "failures": tally.failures,
        "p50_ms": pct(50) if latencies else None,
        "p99_ms": pct(99) if latencies else None,
        "reindex_rounds": rounds,
        "rebuilds": rebuilds,
        "documents_at_end": len(version) - len(deleted) + 2,
        "new_text_searchable_after_ms": {
            "median": round(sorted(visible_after)[len(visible_after) // 2], 1)
            if visible_after
            else None,
            "max": round(max(visible_after), 1) if visible_after else None,
        },
        "rounds_never_visible": not_visible,
        "lost_documents": len(lost),
        "lost": lost[:10],
        "server_errors": server_errors[:3],  # the server's own account of failed requests
    }


def _errors(log: list[str]) -> list[str]:
    """The tracebacks the server logged, each joined into one string."""
    errors, current = [], None
    for line in log:
        if "error answering" in line:
            current = [line.rstrip()]
            errors.append(current)
        elif current is not None and (line.startswith((" ", "Traceback")) or ":" in line[:40]):
            current.append(line.rstrip())
        else:
            current = None
    return ["\n".join(e) for e in errors]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help=f"at most {MAX_SECONDS}")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--start-docs", type=int, default=200)
    parser.add_argument("--per-round", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()
    try:
        report = soak(
            args.seconds, args.clients, args.workers, args.threads, args.start_docs, args.per_round
        )
    except IndexFailed as exc:
        sys.exit(f"soak: {exc}")
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        print(f"{key:>30}: {value}")
    if report["failed_requests"] or report["lost_documents"] or report["rounds_never_visible"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
