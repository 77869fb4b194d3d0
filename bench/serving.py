"""Start `veille serve` as a separate process on a free loopback port, and stop it.

Used by the benchmarks, the soak and the tests that talk to a real socket.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

VEILLE = str(Path(sys.executable).parent / "veille")


@dataclass
class Server:
    address: str  # http://127.0.0.1:PORT
    process: subprocess.Popen
    log: list[str] = field(default_factory=list)  # stderr lines, read as they come


@contextmanager
def started_server(
    index: Path, *options: str, veille: str = VEILLE, start_seconds: float = 30
) -> Iterator[Server]:
    """Run `veille serve --index INDEX --port 0 OPTIONS...` until the block ends."""
    proc = subprocess.Popen(
        [veille, "serve", "--index", str(index), "--port", "0", *options],
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    address = None
    deadline = time.monotonic() + start_seconds
    try:
        while address is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            log.append(line)
            m = re.search(r"on (http://\S+?)/ ", line)
            address = m.group(1) if m else None
        if address is None:
            raise RuntimeError(f"veille serve did not start: {''.join(log)[-2000:]}")
        reader = threading.Thread(target=lambda: log.extend(proc.stderr), daemon=True)
        reader.start()
        yield Server(address, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
