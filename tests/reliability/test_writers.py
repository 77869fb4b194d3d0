"""Writers that crash, collide or run out of disk never cost the last committed index."""

from __future__ import annotations

import os
import random
import re
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from veille.indexer.build import index_paths
from veille.indexer.store import StoreError, open_index, write_changes

from ..conftest import found, veille_command, write_articles


def many_articles(folder: Path, count: int, words: int = 400) -> Path:
    """``count`` articles titled 'Odessa N', each of ``words`` words no other article has."""
    return write_articles(
        folder,
        {
            f"n{i:04d}.txt": f"Odessa {i}\n" + " ".join(f"mot{i}x{j}" for j in range(words))
            for i in range(count)
        },
    )


def index_files(directory: Path) -> set[str]:
    return set(os.listdir(directory))


def test_a_second_writer_waits_then_says_so(tmp_path, monkeypatch):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    index_paths(tmp_path / "ix", [docs])
    monkeypatch.setattr("veille.indexer.store.LOCK_WAIT_SECONDS", 0.2)
    ix = open_index(tmp_path / "ix")
    held = ix.writer()
    try:
        with pytest.raises(StoreError, match="being written by another"):
            write_changes(open_index(tmp_path / "ix"), [])
    finally:
        held.cancel()
    assert found(tmp_path / "ix", "Kiev") == ["a.txt"]


@pytest.mark.parametrize("existing", [False, True], ids=["first-run", "existing-index"])
def test_two_index_runs_at_once_never_mix(tmp_path, existing):
    """The second of two `veille index` runs waits for the first, or says it is busy."""
    ix = tmp_path / "ix"
    if existing:
        index_paths(ix, [write_articles(tmp_path / "old", {"keep.txt": "Kiev\nDéjà là."})])
    big = many_articles(tmp_path / "big", 250)
    small = write_articles(tmp_path / "small", {"s.txt": "Lviv\nPetit."})
    cmd = [veille_command(), "index", "--index", str(ix)]
    first = subprocess.Popen([*cmd, str(big)], stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    second = subprocess.run([*cmd, str(small)], capture_output=True, text=True, timeout=120)
    first_err = first.communicate(timeout=120)[1]
    assert first.returncode == 0, first_err
    if second.returncode != 0:  # it waited its 5 s and gave up: one clear line, no traceback
        assert second.returncode == 2
        assert second.stderr.strip().splitlines() == [
            f"Error: the index at {ix} is being written by another `veille index`; "
            "try again when it is done"
        ]
    assert len(found(ix, "Odessa", limit=1000)) == 250
    assert found(ix, "Lviv") == (["s.txt"] if second.returncode == 0 else [])
    if existing:
        assert found(ix, "Kiev") == ["keep.txt"]
    assert not any(p.name.startswith("ix.") for p in tmp_path.iterdir())  # no .new or .old left


# The moments a run is killed at, each recognized on its terminal: while files are
# analysed (its progress bar counts them) and while it commits.
ANALYSING = re.compile(rb"indexing.*?\b\d+/30[01]\b")
COMMITTING = re.compile(rb"writing the index")


def run_until(cmd: list[str], moment: re.Pattern) -> subprocess.Popen:
    """Start ``cmd`` with its stderr on a pseudo-terminal (progress bar at once) and
    return once its output shows ``moment``, the process still running."""
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env={**os.environ, "VEILLE_PROGRESS_AFTER": "0"},
    )
    os.close(follower)
    seen = b""
    try:
        while not moment.search(seen):
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the process ended
                chunk = b""
            if not chunk:
                raise AssertionError(f"the run ended before {moment.pattern!r}: {seen[-300:]!r}")
            seen += chunk
    finally:
        os.close(leader)
    return proc


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_killing_index_runs_at_any_moment_never_loses_the_committed_index(tmp_path):
    """SIGKILL `veille index` runs (updates and rebuilds) while they analyse files and
    while they commit."""
    ix = tmp_path / "ix"
    index_paths(ix, [write_articles(tmp_path / "first", {"keep.txt": "Kiev\nDéjà indexé."})])
    big = many_articles(tmp_path / "big", 300)
    moments = [(m, rebuild) for m in (ANALYSING, COMMITTING) for rebuild in (False, True)]
    for moment, rebuild in moments:
        extra = ["--rebuild", str(tmp_path / "first")] if rebuild else []
        cmd = [veille_command(), "index", "--index", str(ix), "--procs", "1", *extra, str(big)]
        proc = run_until(cmd, moment)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, (moment.pattern, rebuild)  # killed mid-run
        # Whatever the moment, the index holds a whole committed state.
        assert found(ix, "Kiev") == ["keep.txt"], (moment.pattern, rebuild)
        assert len(found(ix, "Odessa", limit=1000)) in (0, 300), (moment.pattern, rebuild)
    summary = index_paths(ix, [big])  # and the next run needs no clean-up
    assert summary.indexed == 300
    assert len(found(ix, "Odessa", limit=1000)) == 300
    assert found(ix, "Kiev") == ["keep.txt"]
    assert not [p for p in os.listdir(ix) if p.endswith(".tmp")]
    assert not any(p.name.startswith("ix.") for p in tmp_path.iterdir())


def limit_file_size(max_bytes: int):
    """A preexec_fn that makes writing past ``max_bytes`` in one file fail, like a full disk."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


@pytest.mark.parametrize(
    "options", [[], ["--rebuild"], ["--procs", "2"]], ids=["update", "rebuild", "two-processes"]
)
def test_a_full_disk_during_a_write_gives_one_line_and_keeps_the_index(tmp_path, options):
    ix = tmp_path / "ix"
    index_paths(ix, [write_articles(tmp_path / "first", {"keep.txt": "Kiev\nDéjà indexé."})])
    before = index_files(ix)
    big = many_articles(tmp_path / "big", 150)
    result = subprocess.run(
        [veille_command(), "index", "--index", str(ix), *options, str(big)],
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size(200_000),
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot write the index at {ix}: the disk is full (or a file-size limit was "
        "reached); the last committed index is unchanged"
    ]
    assert found(ix, "Kiev") == ["keep.txt"]
    assert found(ix, "Odessa") == []
    assert index_files(ix) == before  # the failed segment's files were removed at once
    assert not any(p.name.startswith("ix.") for p in tmp_path.iterdir())
    assert index_paths(ix, [big]).indexed == 150  # with room again, the same run succeeds
    assert len(found(ix, "Odessa", limit=1000)) == 150


def small_articles(folder: Path, count: int) -> Path:
    """``count`` short articles sharing a vocabulary of 300 words: a segment of each
    worker's share is larger than a batch of them sent to it."""
    rng = random.Random(1)
    vocabulary = [f"mot{j}" for j in range(300)]
    return write_articles(
        folder,
        {
            f"n{i:04d}.txt": f"Odessa {i}\n" + " ".join(rng.choices(vocabulary, k=80))
            for i in range(count)
        },
    )


def test_a_full_disk_in_the_worker_processes_gives_one_line_and_keeps_the_index(tmp_path):
    """The workers, not the parent, reach the limit: the run fails whole, in one line."""
    ix = tmp_path / "ix"
    index_paths(ix, [write_articles(tmp_path / "first", {"keep.txt": "Kiev\nDéjà indexé."})])
    before = index_files(ix)
    docs = small_articles(tmp_path / "small", 3000)
    result = subprocess.run(
        [veille_command(), "index", "--index", str(ix), "--procs", "2", str(docs)],
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size(600_000),
        timeout=300,
    )
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot write the index at {ix}: the disk is full (or a file-size limit was "
        "reached); the last committed index is unchanged"
    ]
    assert result.returncode == 2
    assert found(ix, "Kiev") == ["keep.txt"]
    assert index_files(ix) == before
    assert index_paths(ix, [docs], procs=2).indexed == 3000
    assert open_index(ix).doc_count() == 3001
    assert found(ix, "Odessa 2999", match="all") == ["n2999.txt"]
