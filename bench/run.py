"""veille's benchmarks, with its peers measured in the same run on the same files and queries.

    python bench/run.py --size 10k            # about 10 minutes on 2 cores
    python bench/run.py --size 10k --size 100k
    python bench/run.py --quick               # about a minute: 1k articles, one run

Measures, per corpus size: indexing (documents per second, index size against
the raw text, peak memory), query latency in-process with snippets for the top
10 (p50/p95/p99 per query type), `veille search` as a new process against
`rg -i`, and the server under 1, 4 and 16 concurrent clients. Prints a table and
writes it as JSON and Markdown (bench/results/ by default; a full run written
there also replaces README.md's performance table). Needs the bench
extra (`pip install '.[bench]'`) for tantivy and Debian's ripgrep for `rg`;
a peer that is missing is reported as such.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate, label, parse_size  # noqa: E402
from peers import PEERS, folder_size, ripgrep  # noqa: E402
from queries import QUERIES, load_queries  # noqa: E402
from serving import started_server  # noqa: E402
from suggest import measure_suggestions  # noqa: E402

SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
PYTHON = sys.executable
VEILLE = str(Path(sys.executable).parent / "veille")
CLI_QUERIES = ["Kiev", "Zaporijia", "sécurité", "Louhansk", "négocier"]


def run_child(cmd: list[str], env: dict | None = None) -> tuple[str, float]:
    """Run a command; return its stdout and wall seconds."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed: {proc.stderr.strip()[-800:]}")
    return proc.stdout, time.perf_counter() - started


def spread(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# measurements ---------------------------------------------------------------


def measure_indexing(docs: Path, work: Path, raw: int, count: int, peers, procs_list) -> list[dict]:
    rows = []
    for peer in peers:
        for procs in procs_list:
            if procs > 1 and peer.name == "sqlite-fts5":
                if 1 in procs_list:
                    continue
                procs = 1  # one writer only
            out = work / f"{peer.name}-p{procs}"
            shutil.rmtree(out, ignore_errors=True)
            stdout, _ = run_child(
                [
                    PYTHON,
                    str(HERE / "worker.py"),
                    "build",
                    peer.name,
                    str(docs),
                    str(out),
                    str(procs),
                ]
            )
            seconds, peak = json.loads(stdout)["seconds"], json.loads(stdout)["peak_mib"]
            rows.append(
                {
                    "peer": peer.name,
                    "procs": procs,
                    "docs_per_s": round(count / seconds, 1),
                    "seconds": round(seconds, 2),
                    "size_ratio": round(folder_size(out) / raw, 2),
                    "peak_mib": peak,
                }
            )
            print(f"  index {peer.name} procs={procs}: {rows[-1]}", file=sys.stderr)
    return rows


def measure_queries(work: Path, peers, runs: int, procs: int) -> dict:
    kinds = [kind for kind, _ in load_queries(QUERIES)]
    result = {}
    for peer in peers:
        out = work / f"{peer.name}-p{procs}"
        if not out.exists():
            out = work / f"{peer.name}-p1"
        stdout, _ = run_child(
            [PYTHON, str(HERE / "worker.py"), "query", peer.name, str(out), str(QUERIES), str(runs)]
        )
        data = json.loads(stdout)
        peak = data["peak_mib"]
        per_type = {}
        for kind in ["all", *dict.fromkeys(kinds)]:
            stats = {"p50": [], "p95": [], "p99": []}
            for run in data["latencies"]:
                values = [v for v, k in zip(run, kinds, strict=True) if kind in ("all", k)]
                for p in (50, 95, 99):
                    stats[f"p{p}"].append(percentile(values, p))
            per_type[kind] = {name: spread(vals) for name, vals in stats.items()}
        result[peer.name] = {
            "latency_ms": per_type,
            "queries_with_hits": sum(1 for h in data["hits"] if h),
            "peak_mib": peak,
        }
        print(f"  query {peer.name}: {per_type['all']}", file=sys.stderr)
    return result


def measure_cli(index: Path, docs: Path, repeats: int) -> dict:
    env = {**os.environ, "VEILLE_INDEX": str(index), "NO_COLOR": "1"}
    # As on a user's machine, Python keeps veille's compiled bytecode (pip writes it
    # at install; an editable install on first run): without it every run compiles
    # veille's modules again, a third of a search's time.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([VEILLE, "search", "Kiev"], env=env, capture_output=True, check=False)
    veille, rg = [], []
    rg_path = ripgrep()
    for _ in range(repeats):
        for q in CLI_QUERIES:
            started = time.perf_counter()
            subprocess.run([VEILLE, "search", q], env=env, stdout=subprocess.DEVNULL, check=False)
            veille.append((time.perf_counter() - started) * 1000)
            if rg_path:
                started = time.perf_counter()
                subprocess.run(
                    [rg_path, "-i", q, str(docs)], stdout=subprocess.DEVNULL, check=False
                )
                rg.append((time.perf_counter() - started) * 1000)
    return {
        "queries": CLI_QUERIES,
        "veille_ms": spread(veille),
        "rg_ms": spread(rg) if rg else "rg not installed (apt-get install ripgrep)",
        "ratio_veille_to_rg": round(statistics.median(veille) / statistics.median(rg), 2)
        if rg
        else None,
    }


def measure_server(
    index: Path, seconds: float, levels=(1, 4, 16), threads: int = 0, workers: int = 0
) -> dict:
    from veille.query.limits import SERVER_SEARCH_THREADS

    threads = threads or SERVER_SEARCH_THREADS  # what `veille serve` answers with
    workers = workers or min(2, os.cpu_count() or 1)
    results = []
    with started_server(
        index, "--threads", str(threads), "--workers", str(workers), veille=VEILLE
    ) as server:
        for clients in levels:
            stdout, _ = run_child(
                [
                    PYTHON,
                    str(HERE / "load.py"),
                    server.address,
                    "--clients",
                    str(clients),
                    "--seconds",
                    str(seconds),
                ]
            )
            results.append(json.loads(stdout))
            print(f"  server {clients} clients: {results[-1]}", file=sys.stderr)
        peak = _peak_rss_mib(server.process.pid, workers > 1)
    return {"threads": threads, "workers": workers, "levels": results, "peak_mib": peak}


def _peak_rss_mib(pid: int, with_children: bool = False) -> int | None:
    """Peak resident memory of a process (and of its worker children), from /proc."""
    pids = [pid]
    if with_children:
        try:
            pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            pass
    total = 0
    for p in pids:
        try:
            m = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{p}/status").read_text())
        except OSError:
            return None
        total += int(m.group(1)) if m else 0
    return total // 1024


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    try:
        mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{mem / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        memory = "?"
    versions = {"python": platform.python_version()}
    for package in ("veille", "Whoosh-Reloaded", "tantivy"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:
            versions[package] = "not installed"
    import sqlite3

    versions["sqlite"] = sqlite3.sqlite_version
    rg = ripgrep()
    versions["ripgrep"] = (
        subprocess.run([rg, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        if rg
        else "not installed"
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
    }


# report -------------------------------------------------------------------------


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"Run {report['finished']} on {m['cpu']} ({m['cores']} cores, {m['memory']}), "
        f"{m['system']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        f"Queries: `{report['queries_file']}` ({report['query_count']} queries); "
        f"{report['runs']} run(s), figures are medians (min–max).",
        "",
    ]
    bundled = report.get("bundled")
    if bundled:
        lines += _cli_lines("bundled corpus (2 articles)", bundled["cli"])
        lines += _server_lines("bundled corpus", bundled["server"])
    for size, data in report["sizes"].items():
        lines += [f"### {size} articles ({data['raw_mb']} MB of text)", ""]
        lines += [
            "| indexing | procs | docs/s | × whoosh | index / text | peak MiB |",
            "|---|---|---|---|---|---|",
        ]
        base = {r["procs"]: r["docs_per_s"] for r in data["indexing"] if r["peer"] == "whoosh"}
        for r in data["indexing"]:
            ratio = f"{r['docs_per_s'] / base[r['procs']]:.2f}" if r["procs"] in base else "–"
            lines.append(
                f"| {r['peer']} | {r['procs']} | {r['docs_per_s']:.0f} | {ratio} | "
                f"{r['size_ratio']:.2f} | {r['peak_mib']} |"
            )
        lines += [
            "",
            "| query latency, ms (top 10 with snippets) | p50 | p95 | p99 | hits |",
            "|---|---|---|---|---|",
        ]
        for peer, q in data["queries"].items():
            a = q["latency_ms"]["all"]
            lines.append(
                f"| {peer} | {_fmt(a['p50'])} | {_fmt(a['p95'])} | {_fmt(a['p99'])} | "
                f"{q['queries_with_hits']}/{report['query_count']} |"
            )
        if "veille" in data["queries"] and "whoosh" in data["queries"]:
            v, w = data["queries"]["veille"]["latency_ms"], data["queries"]["whoosh"]["latency_ms"]
            lines += [
                "",
                "| query type | veille p50 | veille p99 | whoosh p50 | whoosh p99 "
                "| ratio p50 | ratio p99 |",
                "|---|---|---|---|---|---|---|",
            ]
            for kind in v:
                ratio50 = v[kind]["p50"]["median"] / max(w[kind]["p50"]["median"], 1e-9)
                ratio99 = v[kind]["p99"]["median"] / max(w[kind]["p99"]["median"], 1e-9)
                lines.append(
                    f"| {kind} | {v[kind]['p50']['median']} | {v[kind]['p99']['median']} | "
                    f"{w[kind]['p50']['median']} | {w[kind]['p99']['median']} | "
                    f"{ratio50:.2f} | {ratio99:.2f} |"
                )
        lines.append("")
        lines += _cli_lines(f"{size} articles", data["cli"])
        if data.get("suggest"):
            c = data["suggest"]["completions"]
            d = data["suggest"]["did_you_mean_per_misspelt_word"]
            lines += [
                f"Completions (`GET /suggest`'s work) on the {size} articles: p50 {c['p50_ms']}, "
                f"p99 {c['p99_ms']} ms over {c['n']} prefixes; did-you-mean per misspelt word: "
                f"p50 {d['p50_ms']}, p99 {d['p99_ms']} ms.",
                "",
            ]
        if data.get("server"):
            lines += _server_lines(f"{size} articles", data["server"])
    lines += _growth_lines(report["sizes"])
    return "\n".join(lines) + "\n"


def _growth_lines(sizes: dict) -> list[str]:
    """How veille's costs grow between the sizes of one run: time ∝ n^k."""
    measured = []
    for size, data in sizes.items():
        count = parse_size(size)
        index_s = {r["procs"]: r["seconds"] for r in data["indexing"] if r["peer"] == "veille"}
        query = data["queries"].get("veille", {}).get("latency_ms", {}).get("all")
        measured.append((count, size, index_s, query["p50"]["median"] if query else None))
    if len(measured) < 2:
        return []
    lines = [
        "Cost growth (time ∝ n^k between two sizes of this run):",
        "",
        "| from | to | indexing k (procs) | query p50 k |",
        "|---|---|---|---|",
    ]
    for (n1, a, idx1, q1), (n2, b, idx2, q2) in zip(measured, measured[1:], strict=False):
        scale = math.log(n2 / n1)
        index_k = ", ".join(
            f"{math.log(idx2[p] / idx1[p]) / scale:.2f} ({p})" for p in idx1 if p in idx2
        )
        query_k = f"{math.log(q2 / q1) / scale:.2f}" if q1 and q2 else "–"
        lines.append(f"| {a} | {b} | {index_k or '–'} | {query_k} |")
    return lines + [""]


def _fmt(s: dict) -> str:
    return f"{s['median']} ({s['min']}–{s['max']})"


def _cli_lines(what: str, cli: dict) -> list[str]:
    rg = cli["rg_ms"]
    rg_text = _fmt(rg) if isinstance(rg, dict) else rg
    ratio = f", ratio {cli['ratio_veille_to_rg']}" if cli.get("ratio_veille_to_rg") else ""
    return [
        f"`veille search` as a new process on the {what}: {_fmt(cli['veille_ms'])} ms; "
        f"`rg -i` over the same files: {rg_text} ms{ratio}.",
        "",
    ]


def _server_lines(what: str, server: dict) -> list[str]:
    lines = [
        f"Server on the {what} ({server['workers']} worker processes of {server['threads']} "
        f"threads, peak {server['peak_mib']} MiB in all; load from "
        f"{server['levels'][0].get('client', '?')}):",
        "",
        "| clients | requests/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|",
    ]
    for lv in server["levels"]:
        lines.append(
            f"| {lv['clients']} | {lv['rps']} | {lv['p50_ms']} | {lv['p99_ms']} | {lv['errors']} |"
        )
    if server.get("note"):
        lines += ["", f"({server['note']})"]
    return lines + [""]


def write_report(report: dict, out: Path, stem: str) -> None:
    report["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (out / f"{stem}.md").write_text(markdown(report))


# main -----------------------------------------------------------------------------


def bundled_corpus() -> Path:
    """The shared sample articles when ../shared is there, else the installed copy."""
    from veille.corpus import CORPUS_DIR

    return SHARED_CORPUS if SHARED_CORPUS.is_dir() else CORPUS_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size", action="append", type=parse_size, help="1k, 10k, 100k, or a count"
    )
    parser.add_argument("--quick", action="store_true", help="one run, short load, 1k articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs of the query set")
    parser.add_argument("--data", type=Path, default=HERE / ".data", help="generated articles")
    parser.add_argument("--work", type=Path, help="index folders (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--load-seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    sizes = args.size or ([1000] if args.quick else [10_000])
    runs = 1 if args.quick else args.runs
    load_seconds = 1.5 if args.quick else args.load_seconds
    repeats = 3 if args.quick else 10

    peers = [p for p in PEERS if p.available()]
    missing = [f"{p.name} ({p.needs})" for p in PEERS if not p.available()]
    if missing:
        print(f"not measured, not installed: {', '.join(missing)}", file=sys.stderr)
    if not ripgrep():
        print(
            "rg not found: the CLI comparison runs without it (apt-get install ripgrep)",
            file=sys.stderr,
        )
    if SHARED_CORPUS.is_dir():
        print(f"real articles: {SHARED_CORPUS}", file=sys.stderr)
    else:
        print(
            "../shared/ is not beside this checkout: real articles from corpus/ only",
            file=sys.stderr,
        )

    work = args.work or Path(tempfile.mkdtemp(prefix="veille-bench-"))
    stem = "-".join(label(s) for s in sizes) + ("-quick" if args.quick else "")
    report = {
        "machine": machine(),
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "queries_file": str(QUERIES.relative_to(ROOT)),
        "query_count": len(load_queries(QUERIES)),
        "runs": runs,
        "missing": missing,
        "sizes": {},
    }
    try:
        print("bundled corpus", file=sys.stderr)
        corpus = bundled_corpus()
        bundled_index = work / "bundled"
        subprocess.run(
            [VEILLE, "index", "--index", str(bundled_index), str(corpus)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        report["bundled"] = {
            "cli": measure_cli(bundled_index, corpus, repeats),
            "server": measure_server(bundled_index, load_seconds),
        }
        for size in sizes:
            name = label(size)
            print(f"{name} articles", file=sys.stderr)
            docs = generate(args.data / f"{name}-seed{args.seed}", size, args.seed)
            raw = folder_size(docs) - (docs / ".complete").stat().st_size
            size_work = work / name
            procs_list = [1] if args.quick or size < 10_000 else ([1, 2] if size <= 10_000 else [2])
            indexing = measure_indexing(docs, size_work, raw, size, peers, procs_list)
            queries = measure_queries(size_work, peers, runs, procs_list[-1])
            veille_index = size_work / f"veille-p{procs_list[-1]}"
            data = {
                "raw_mb": round(raw / 1e6, 1),
                "indexing": indexing,
                "queries": queries,
                "cli": measure_cli(veille_index, docs, max(1, repeats // 3)),
                "suggest": measure_suggestions(veille_index, args.seed),
            }
            if size <= 10_000 or not args.quick:
                data["server"] = measure_server(veille_index, load_seconds)
            report["sizes"][name] = data
            write_report(report, args.out, stem)  # what is measured so far survives a failure
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    write_report(report, args.out, stem)
    print(markdown(report))
    print(f"written: {args.out / (stem + '.json')}, {args.out / (stem + '.md')}", file=sys.stderr)
    if not args.quick and args.out.resolve() == (HERE / "results").resolve():
        from readme import replace_between

        latest = f"Latest run (`bench/results/{stem}.md`):\n\n{markdown(report)}"
        if replace_between("bench-table", latest):
            print("README.md: performance table updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
