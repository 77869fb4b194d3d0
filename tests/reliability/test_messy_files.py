"""Messy folders and concurrent writers (issue 5, documents and locks: first part)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from veille.indexer.build import index_paths
from veille.indexer.store import StoreError, open_index, write_documents

from ..conftest import found, write_articles


def test_a_symlink_loop_does_not_hang_the_walk(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    (docs / "loop").symlink_to(docs, target_is_directory=True)
    summary = index_paths(tmp_path / "ix", [docs])
    assert summary.indexed == 1


def test_a_second_writer_waits_then_says_so(tmp_path, monkeypatch):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    index_paths(tmp_path / "ix", [docs])
    monkeypatch.setattr("veille.indexer.store.LOCK_WAIT_SECONDS", 0.2)
    ix = open_index(tmp_path / "ix")
    held = ix.writer()
    try:
        with pytest.raises(StoreError, match="being written by another"):
            write_documents(open_index(tmp_path / "ix"), [])
    finally:
        held.cancel()
    assert found(tmp_path / "ix", "Kiev") == ["a.txt"]


def test_killing_an_indexing_run_keeps_the_last_committed_index(tmp_path):
    first = write_articles(tmp_path / "first", {"keep.txt": "Kiev\nDéjà indexé."})
    index_paths(tmp_path / "ix", [first])
    big = write_articles(
        tmp_path / "big",
        {
            f"n{i:04d}.txt": f"Odessa {i}\n" + " ".join(f"mot{i}x{j}" for j in range(400))
            for i in range(800)
        },
    )
    code = (
        "from pathlib import Path; from veille.indexer.build import index_paths; "
        f"index_paths(Path({str(tmp_path / 'ix')!r}), [Path({str(big)!r})], procs=1)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    time.sleep(1.0)  # mid-write: 800 articles of new words take several seconds
    assert proc.poll() is None, "the run ended before it could be killed mid-write"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert found(tmp_path / "ix", "Kiev") == ["keep.txt"]  # the committed state is intact
    summary = index_paths(tmp_path / "ix", [big])  # and the next run needs no clean-up
    assert summary.indexed == 800
    assert len(found(tmp_path / "ix", "Odessa", limit=1000)) == 800
    assert found(tmp_path / "ix", "Kiev") == ["keep.txt"]
    leftovers = [p for p in os.listdir(tmp_path / "ix") if p.endswith(".tmp")]
    assert leftovers == []
