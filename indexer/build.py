"""Indexing a set of paths: read the files, analyse them, write them in one commit."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import VeilleAnalyzer, build_analyzer
from .documents import TEXT_SUFFIXES, Document, Unreadable, find_text_files, read_document
from .store import (
    StoreError,
    create_index,
    describe_write_error,
    holds_something,
    index_analyzer,
    index_exists,
    open_index,
    recover_interrupted_swap,
    replace_index,
    sibling,
    write_documents,
    writing_lock,
)

Warn = Callable[[str], None]
PARALLEL_FROM_FILES = 2000


@dataclass
class IndexSummary:
    indexed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"indexed {self.indexed} document{'s' if self.indexed != 1 else ''}, "
            f"skipped {self.skipped}, in {self.seconds:.2f} s"
        )


def index_paths(
    directory: Path,
    paths: Iterable[Path],
    analyzer: VeilleAnalyzer | None = None,
    rebuild: bool = False,
    warn: Warn | None = None,
    procs: int | None = None,
) -> IndexSummary:
    """Index the .txt files under ``paths`` into the index at ``directory``.

    ``analyzer`` is the chain to build a new index with (``None``: the existing
    index's chain, or the default one). Documents already indexed under the
    same path are replaced. With ``rebuild`` the index is built anew in a
    separate folder and swapped in only once complete. ``procs`` processes
    analyse the documents (default: one, or up to four for large runs).
    """
    started = time.perf_counter()
    summary = IndexSummary()
    try:
        with writing_lock(directory):
            _index(directory, paths, analyzer, rebuild, summary, warn, procs)
    except OSError as exc:
        raise StoreError(describe_write_error(directory, exc)) from None
    summary.seconds = time.perf_counter() - started
    return summary


def _index(
    directory: Path,
    paths: Iterable[Path],
    analyzer: VeilleAnalyzer | None,
    rebuild: bool,
    summary: IndexSummary,
    warn: Warn | None,
    procs: int | None,
) -> None:
    def note(message: str) -> None:
        summary.warnings.append(message)
        if warn:
            warn(message)

    def unlisted(exc: OSError) -> None:
        summary.skipped += 1
        note(f"{exc.filename}: skipped, cannot list the folder: {exc.strerror or exc}")

    recover_interrupted_swap(directory)
    files = list(find_text_files(paths, unlisted))
    if procs is None:
        procs = default_procs(len(files))
    exists = index_exists(directory)
    if exists and not rebuild:
        ix = open_index(directory)
        current = index_analyzer(ix)
        if analyzer is not None and analyzer != current:
            raise StoreError(
                "the synonym or variant table differs from the one this index was built "
                "with: add --rebuild to index these paths anew with it"
            )
        summary.indexed = write_documents(ix, _read_all(files, summary, note), procs)
    else:
        if not exists and holds_something(directory):
            raise StoreError(f"{directory} exists and is not a veille index; not touching it")
        if analyzer is None:
            analyzer = build_analyzer()
        fresh = sibling(directory, "new")
        try:
            ix = create_index(fresh, analyzer)
            documents = _read_all(files, summary, note)
            summary.indexed = write_documents(ix, documents, procs, new=True)
            replace_index(fresh, directory)
        finally:
            if fresh.exists():
                shutil.rmtree(fresh, ignore_errors=True)


def default_procs(files: int) -> int:
    """One process, or up to four (one per core) for runs large enough to gain from them."""
    if files < PARALLEL_FROM_FILES:
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def _read_all(files: Iterable[Path], summary: IndexSummary, note: Warn) -> Iterator[Document]:
    for path in files:
        if not path.name.lower().endswith(TEXT_SUFFIXES):
            summary.skipped += 1
            note(f"{path}: skipped, not a .txt file")
            continue
        try:
            doc, warning = read_document(path)
        except Unreadable as exc:
            summary.skipped += 1
            note(f"{path}: skipped, {exc}")
            continue
        if warning:
            note(f"{path}: {warning}")
        yield doc
