"""A large JSON Lines export is read a record at a time, with progress, and indexed whole."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import pytest

from veille.indexer.build import IndexSummary, Reading, index_paths
from veille.indexer.store import open_index

from ..conftest import found


@pytest.fixture
def streamed(monkeypatch):
    """Exports of any size are streamed (as those of 8 MB or more are)."""
    monkeypatch.setattr("veille.indexer.documents.STREAM_FROM_BYTES", 0, raising=False)


def write_export(path: Path, count: int, bad_lines: tuple[int, ...] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for i in range(1, count + 1):
            if i in bad_lines:
                f.write("{not json\n")
            else:
                record = {"title": f"Note {i}", "body": f"Odessa garanties numéro{i}"}
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def reading_peak(path: Path) -> int:
    """Peak bytes allocated while the documents of the file are read one by one."""
    reading = Reading([path], IndexSummary(), lambda message: None, None)
    tracemalloc.start()
    try:
        count = sum(1 for _ in reading.documents([path], {}))
        return tracemalloc.get_traced_memory()[1] if count else 0
    finally:
        tracemalloc.stop()


def test_memory_read_does_not_grow_with_the_records(tmp_path, streamed):
    small = reading_peak(write_export(tmp_path / "small.jsonl", 2_000))
    large = reading_peak(write_export(tmp_path / "large.jsonl", 20_000))
    assert small > 0
    assert large < 2 * small  # read whole, ten times the records took ten times the memory


def test_a_streamed_export_is_indexed_whole_with_its_bad_lines_named(tmp_path, streamed):
    export = write_export(tmp_path / "docs" / "notes.jsonl", 3_000, bad_lines=(7, 2_500))
    calls = []
    warnings = []
    summary = index_paths(
        tmp_path / "ix",
        [export.parent],
        warn=warnings.append,
        progress=lambda *args: calls.append(args),
    )
    assert (summary.added, summary.indexed) == (1, 2_998)
    assert open_index(tmp_path / "ix").doc_count() == 2_998
    assert found(tmp_path / "ix", "numéro2999") == ["notes.jsonl#line-2999"]
    assert warnings == [
        f"{export}: line 7 skipped, not JSON: Expecting property name enclosed in double quotes "
        "at column 2 (char 1)",
        f"{export}: line 2500 skipped, not JSON: Expecting property name enclosed in double "
        "quotes at column 2 (char 1)",
    ]
    assert (0, 1, "notes.jsonl: 2,000 lines") in calls  # progress within the one file
    assert calls[-1] == (1, 1)

    os.utime(export)  # touched, same bytes: not read again
    again = index_paths(tmp_path / "ix", [export.parent])
    assert (again.unchanged, again.indexed) == (1, 0)
    write_export(export, 10)  # changed: its documents replaced
    changed = index_paths(tmp_path / "ix", [export.parent])
    assert (changed.updated, changed.indexed, changed.documents) == (1, 10, 10)


def test_an_export_without_records_is_skipped_with_a_warning(tmp_path, streamed):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.jsonl").write_text("[1, 2]\n\n", "utf-8")
    (docs / "a.txt").write_text("Kiev\nA", "utf-8")
    warnings = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    assert (summary.added, summary.skipped) == (1, 1)
    assert warnings == [
        f"{docs / 'empty.jsonl'}: line 1 skipped, no title or body",
        f"{docs / 'empty.jsonl'}: skipped, no article records (objects with a title or a body)",
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_streamed_utf16_export_is_read_as_utf16(tmp_path, streamed, encoding):
    """An export saved as UTF-16 (by a Windows tool), with or without a byte-order mark,
    is read a record at a time like a UTF-8 one; a binary file named .jsonl is skipped."""
    docs = tmp_path / "docs"
    docs.mkdir()
    records = [{"title": f"Note {i}", "body": f"Trêve à Odessa, numéro{i}"} for i in range(300)]
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (docs / "notes.jsonl").write_bytes(lines.encode(encoding))
    (docs / "data.jsonl").write_bytes(bytes(range(256)) * 64)
    warnings = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    assert (summary.indexed, summary.skipped) == (300, 1)
    how = (
        "UTF-16 (byte-order mark)"
        if encoding == "utf-16"
        else f"{encoding.upper()} (no byte-order mark)"
    )
    assert warnings == [
        f"{docs / 'data.jsonl'}: skipped, binary file, not text",
        f"{docs / 'notes.jsonl'}: read as {how}",
    ]
    assert found(tmp_path / "ix", "numéro299") == ["notes.jsonl#line-300"]
    assert found(tmp_path / "ix", "trêve", limit=500) != []
