"""A bounded HTTP load generator for loopback: N clients, each on a keep-alive
connection, send GET /search requests for a fixed time, then stop.

    python bench/load.py http://127.0.0.1:8080 --clients 16 --seconds 10

It drives wrk (Debian's package) when it is installed: a Python client with 16
threads needs most of a core itself, which on a 2-core machine starves the
server it measures. Without wrk it falls back to Python threads and says so.
Only loopback addresses are accepted. Prints JSON: requests, errors, requests
per second, and p50/p99 latency in milliseconds.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from queries import QUERIES, load_queries  # noqa: E402

MAX_SECONDS = 120


def loopback_only(host: str) -> None:
    address = socket.gethostbyname(host)
    if not ipaddress.ip_address(address).is_loopback:
        raise SystemExit(f"refusing to load {host} ({address}): loopback addresses only")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def run_load(url: str, clients: int, seconds: float, queries: list[str]) -> dict:
    loopback_only(urlsplit(url).hostname)
    seconds = min(seconds, MAX_SECONDS)
    if shutil.which("wrk"):
        return run_wrk(url, clients, seconds, queries)
    return run_threads(url, clients, seconds, queries)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, clients: int, seconds: float, queries: list[str]) -> dict:
    paths = ", ".join(f'"/search?limit=10&q={quote(q, safe="")}"' for q in queries)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % paths)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{min(clients, 2)}",
                f"-c{clients}",
                f"-d{max(1, round(seconds))}s",
                "--latency",
                "-s",
                f.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    requests = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "client": "wrk",
        "clients": clients,
        "seconds": seconds,
        "requests": requests,
        "errors": errors + (int(non_ok.group(1)) if non_ok else 0),
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),
        "p50_ms": round(_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)), 2),
        "p99_ms": round(_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)), 2),
    }


def run_threads(url: str, clients: int, seconds: float, queries: list[str]) -> dict:
    parts = urlsplit(url)
    paths = [f"/search?q={quote(q)}&limit=10" for q in queries]
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        i = n * 7
        start.wait()
        while time.perf_counter() < deadline[0]:
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                res = conn.getresponse()
                res.read()
                if res.status != 200:
                    errors[n] += 1
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            latencies[n].append((time.perf_counter() - began) * 1000)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - began
    every = [x for per in latencies for x in per]
    return {
        "client": "python threads (wrk not installed)",
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(every),
        "errors": sum(errors),
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(percentile(every, 50), 2),
        "p99_ms": round(percentile(every, 99), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    args = parser.parse_args()
    queries = [text for _, text in load_queries(args.queries)]
    print(json.dumps(run_load(args.url, args.clients, args.seconds, queries)))


if __name__ == "__main__":
    main()
