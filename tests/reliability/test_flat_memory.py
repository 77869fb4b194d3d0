"""Indexing a large export keeps what it holds per record small: memory stays flat."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import pytest

from veille.indexer.build import index_paths

from ..conftest import BENCH  # noqa: F401  (puts bench/ on the path)

# Measured (tracemalloc, 2,000 against 8,000 records): 9,000 bytes a record
# before stories were kept compactly, 880 when their band keys and signatures stayed
# in memory (521 of them), 185 since full runs of them go to files (what is left is
# Whoosh's per-document columns and its spilled runs of postings).
MAX_BYTES_PER_RECORD = 400


@pytest.fixture
def small_pool(monkeypatch):
    """Every export is streamed, and the writer's pool of postings is small, so that
    its bounded share is reached early and the growth left is what is kept per record."""
    monkeypatch.setattr("veille.indexer.documents.STREAM_FROM_BYTES", 0, raising=False)
    monkeypatch.setattr("veille.indexer.store.WRITER_MEMORY_MB", 4)
    # and the stories' runs go to files every 512 documents, assigned 256 at a time
    monkeypatch.setattr("veille.indexer.stories.BLOCK", 512)
    monkeypatch.setattr("veille.indexer.stories.BandTable.RUN_SLOTS", 512)
    monkeypatch.setattr("veille.indexer.build.STORY_BATCH_DOCS", 256)


def write_export(path: Path, count: int) -> Path:
    """``count`` small news items (18 words) over a fixed vocabulary, each its own story."""
    from generate import ArticleGenerator

    words = ArticleGenerator(1).vocabulary[:1500]
    rng = random.Random(3)
    with path.open("w", encoding="utf-8") as f:
        for _ in range(count):
            title, body = rng.choices(words, k=5), rng.choices(words, k=13)
            record = {"title": " ".join(title), "body": " ".join(body)}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def indexing_peak(folder: Path, count: int) -> int:
    """Peak bytes allocated while an export of ``count`` records is indexed anew."""
    export = write_export(folder / f"export-{count}.jsonl", count)
    tracemalloc.start()
    try:
        summary = index_paths(folder / f"ix-{count}", [export], procs=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary.indexed == count
    return peak


def test_memory_per_record_stays_small_while_an_export_is_indexed(tmp_path, small_pool):
    indexing_peak(tmp_path, 300)  # tables, caches and imports are loaded once
    small = indexing_peak(tmp_path, 2_000)
    large = indexing_peak(tmp_path, 8_000)
    print(f"{(large - small) / 6_000:.0f} bytes a record")
    assert (large - small) / 6_000 < MAX_BYTES_PER_RECORD
