"""Peak resident memory of each process of a command (the main one and its children).

    python bench/memory.py -- veille index --index /tmp/ix bench/.data/100k-seed1

Polls /proc every 0.3 s (Linux) and prints, as JSON, the wall seconds and the
peak MiB of the main process and of each child, so that a multi-process run
(`veille index --procs N`) shows what each writer holds. `ru_maxrss` of the
children gives only the largest of them.

    python bench/memory.py --log run.tsv -- veille index --index /tmp/ix export.jsonl

``--log`` also writes, every 10 seconds, the seconds elapsed, the main process's
resident MiB and the MiB it has read (of an export read once, how far it is).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def rss_mib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                found += [int(c) for c in listed.read().split()]
    except OSError:
        pass
    return found


def read_mib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/io") as io:
            for line in io:
                if line.startswith("rchar"):
                    return int(line.split()[1]) // (1024 * 1024)
    except OSError:
        pass
    return 0


def main(argv: list[str]) -> None:
    log = None
    if argv[:1] == ["--log"] and len(argv) > 1:
        log, argv = open(argv[1], "w"), argv[2:]
    command = argv[1:] if argv and argv[0] == "--" else argv
    if not command:
        sys.exit("usage: python bench/memory.py [--log FILE] -- COMMAND [ARG...]")
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peaks: dict[str, int] = {}
    logged = started
    while proc.poll() is None:
        for pid in [proc.pid, *children(proc.pid)]:
            name = "main" if pid == proc.pid else f"child {pid}"
            peaks[name] = max(peaks.get(name, 0), rss_mib(pid))
        if log and time.perf_counter() - logged >= 10:
            logged = time.perf_counter()
            row = (round(logged - started), rss_mib(proc.pid), read_mib(proc.pid))
            print(*row, sep="\t", file=log, flush=True)
        time.sleep(0.3)
    print(
        json.dumps(
            {
                "command": command,
                "exit": proc.returncode,
                "seconds": round(time.perf_counter() - started, 1),
                "peak_mib": peaks,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
