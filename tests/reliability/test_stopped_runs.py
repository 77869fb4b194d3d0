"""`veille index` stopped by SIGTERM or Ctrl-C cleans up as a failed run does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from veille.indexer.store import writing_lock

from ..conftest import found, veille_command, write_articles
from .test_killed_runs import alive, live_children, wait_for
from .test_writers import many_articles


def written_files(ix: Path) -> set[str]:
    return set(os.listdir(ix)) if ix.exists() else set()


@pytest.mark.parametrize(
    ("stop", "rebuild", "procs", "group"),
    [
        (signal.SIGTERM, False, 1, False),
        (signal.SIGINT, False, 1, False),
        (signal.SIGTERM, True, 1, False),
        (signal.SIGTERM, False, 2, False),
        (signal.SIGINT, True, 2, False),
        (signal.SIGINT, False, 2, True),  # Ctrl-C on a terminal: the workers get it too
        (signal.SIGTERM, True, 2, True),  # a service manager stopping every process
    ],
    ids=[
        "term-update",
        "int-update",
        "term-rebuild",
        "term-update-2-procs",
        "int-rebuild-2-procs",
        "int-group-update-2-procs",
        "term-group-rebuild-2-procs",
    ],
)
def test_a_stopped_run_removes_its_temporary_files_and_releases_the_index(
    tmp_path, stop, rebuild, procs, group
):
    ix = tmp_path / "ix"
    first = write_articles(tmp_path / "first", {"keep.txt": "Kiev\nDéjà indexé."})
    subprocess.run([veille_command(), "index", "--index", str(ix), str(first)], check=True)
    before = written_files(ix)
    big = many_articles(tmp_path / "big", 1500, words=60)
    extra = ["--rebuild", str(first)] if rebuild else []
    run = subprocess.Popen(
        [veille_command(), "index", "--index", str(ix), "--procs", str(procs), *extra, str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=group,
    )
    target = tmp_path / "ix.new" if rebuild else ix
    workers: set[int] = set()
    try:  # stop it once it has begun writing (and its workers have started)
        wait_for(lambda: written_files(target) - before, "the run to write")
        if procs > 1:
            workers = wait_for(lambda: live_children(run.pid), "the workers")
    finally:
        if group:
            os.killpg(run.pid, stop)
        else:
            run.send_signal(stop)
        out, err = run.communicate(timeout=120)
    assert run.returncode == 128 + stop
    assert err.splitlines() == [
        f"Error: stopped by {stop.name}: the index at {ix} keeps its last committed state"
    ]
    wait_for(lambda: not alive(workers), "the workers to end", seconds=15)
    assert written_files(ix) == before  # no temporary segment file left
    assert not any(p.name.startswith("ix.") for p in tmp_path.iterdir())
    assert found(ix, "Kiev") == ["keep.txt"]
    with writing_lock(ix, wait=0):  # released: taken at once
        pass


STOP_AT = Path(__file__).with_name("stop_at.py")


def files_of_last_commit(ix: Path) -> set[str]:
    """What a completed commit leaves: its table of contents and segments, the vocabularies
    of it and of the commit before, the index's description and Whoosh's lock file."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    toc = TOC.read(FileStorage(str(ix)), "MAIN")
    segments = {segment.segment_id() for segment in toc.segments}
    generation = toc.generation
    kept = {f"_MAIN_{generation}.toc", f"words-{generation}.tsv", f"words-{generation - 1}.tsv"}
    kept |= {"veille.json", "MAIN_WRITELOCK"}
    return kept | {name for name in os.listdir(ix) if name.split(".")[0] in segments}


@pytest.mark.parametrize(
    ("moment", "stop", "procs"),
    [
        ("writer-opened", signal.SIGTERM, 1),
        ("writer-opened", signal.SIGINT, 2),
        ("worker-started", signal.SIGINT, 2),
        ("worker-started", signal.SIGTERM, 2),
        ("toc-unwritten", signal.SIGTERM, 1),
        ("toc-unwritten", signal.SIGINT, 2),
        ("toc-written", signal.SIGTERM, 1),
        ("toc-written", signal.SIGINT, 2),
        ("in-finalizer", signal.SIGTERM, 1),
        ("in-finalizer", signal.SIGINT, 1),
    ],
    ids=lambda value: getattr(value, "name", str(value)),
)
def test_a_run_stopped_at_its_riskiest_moments_keeps_or_completes_its_commit(
    tmp_path, moment, stop, procs
):
    ix = tmp_path / "ix"
    first = write_articles(tmp_path / "first", {"keep.txt": "Kiev\nDéjà indexé."})
    subprocess.run([veille_command(), "index", "--index", str(ix), str(first)], check=True)
    before = written_files(ix)
    big = many_articles(tmp_path / "big", 300, words=20)
    run = subprocess.run(
        [sys.executable, str(STOP_AT), moment, stop.name, "--index", str(ix)]
        + ["--procs", str(procs), str(big)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 128 + stop, run.stderr
    assert run.stderr.splitlines() == [
        f"Error: stopped by {stop.name}: the index at {ix} keeps its last committed state"
    ]
    if moment == "toc-written":  # the commit was made: it is whole, nothing else is left
        assert len(found(ix, "Odessa", limit=1000)) == 300
        assert written_files(ix) == files_of_last_commit(ix)
    else:
        assert found(ix, "Odessa") == []
        assert written_files(ix) == before
    assert found(ix, "Kiev") == ["keep.txt"]
    with writing_lock(ix, wait=0):  # released: taken at once
        pass
    subprocess.run([veille_command(), "index", "--index", str(ix), str(big)], check=True)
    assert len(found(ix, "Odessa", limit=1000)) == 300
