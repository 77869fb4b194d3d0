"""A multi-process `veille index` killed at any moment leaves no process and no lock behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from ..conftest import found, veille_command, write_articles
from .test_writers import many_articles

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

GRACE_SECONDS = 15  # for workers to end after their parent: far more than the 0.2 s they take


def process_table() -> dict[int, tuple[int, str]]:
    """{pid: (parent pid, state)} of every process, from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path("/proc", entry, "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            table[int(entry)] = (int(fields[1]), fields[0])
    return table


def live_children(pid: int) -> set[int]:
    return {p for p, (parent, state) in process_table().items() if parent == pid and state != "Z"}


def alive(pids: set[int]) -> set[int]:
    table = process_table()
    return {p for p in pids if p in table and table[p][1] != "Z"}


def wait_for(condition, what: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize(
    ("rebuild", "workers"),
    [(False, 1), (False, 2), (True, 2)],
    ids=["update-first-worker", "update-both-workers", "rebuild-both-workers"],
)
def test_killing_the_parent_of_a_multi_process_run_ends_its_workers(tmp_path, rebuild, workers):
    ix = tmp_path / "ix"
    first = write_articles(tmp_path / "first", {"keep.txt": "Kiev\nDéjà indexé."})
    subprocess.run([veille_command(), "index", "--index", str(ix), str(first)], check=True)
    big = many_articles(tmp_path / "big", 900, words=60)
    extra = ["--rebuild", str(first)] if rebuild else []
    parent = subprocess.Popen(
        [veille_command(), "index", "--index", str(ix), "--procs", "2", *extra, str(big)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started = wait_for(
            lambda: (kids := live_children(parent.pid)) and len(kids) >= workers and kids,
            f"{workers} worker(s) of the run",
        )
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + GRACE_SECONDS
    while alive(started) and time.monotonic() < deadline:
        time.sleep(0.05)
    orphans = alive(started)
    for pid in orphans:  # so that a failure leaves nothing running
        os.kill(pid, signal.SIGKILL)
    assert not orphans, "workers outlived their killed parent"
    assert found(ix, "Kiev") == ["keep.txt"]  # the committed index is whole

    again = subprocess.run(
        [veille_command(), "index", "--index", str(ix), "--procs", "2", str(big)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr  # no clean-up needed: the lock is free
    assert len(found(ix, "Odessa", limit=1000)) == 900
    assert found(ix, "Kiev") == ["keep.txt"]
    assert not any(p.name.startswith("ix.") for p in tmp_path.iterdir())
