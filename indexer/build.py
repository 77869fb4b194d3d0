"""Indexing a set of paths: read what changed, analyse it, write it in one commit."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .analysis import VeilleAnalyzer, build_analyzer
from .documents import (
    SUFFIXES,
    Document,
    FileInfo,
    Unreadable,
    find_files,
    hashed_info,
    is_streamed,
    read_file,
    stat_file,
    stream_jsonl,
)
from .paths import file_key, is_under, printable
from .store import (
    StoreError,
    create_index,
    describe_write_error,
    holds_demonstration,
    holds_something,
    index_analyzer,
    index_exists,
    indexed_files,
    indexed_signatures,
    open_index,
    real_index_folder,
    recover_interrupted_swap,
    remove_unused_files,
    replace_index,
    sibling,
    write_changes,
    writing_lock,
)
from .stories import StoryFinder, remove_spilled_stories, sketch, spilled_stories

Warn = Callable[[str], None]
Progress = Callable[..., None]  # (files done, files in all[, what is being read])
PARALLEL_FROM_FILES = 2000
STORY_CHARS = 30_000  # about 5,000 words: near-duplicates are compared on this much
# Once stories are kept in files, documents are given their stories in batches (the
# files are read once a batch): this many documents, or this much text, at most.
STORY_BATCH_DOCS = 4_096
STORY_BATCH_CHARS = 32_000_000


@dataclass
class IndexSummary:
    """What a run did, counted in files; ``indexed`` counts the documents written."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    indexed: int = 0
    documents: int = 0  # in the index after the run
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    demonstration_removed: bool = False  # the bundled articles made way for the files indexed

    def line(self) -> str:
        files = ", ".join(
            f"{getattr(self, name)} {name}"
            for name in ("added", "updated", "removed", "unchanged", "skipped")
        )
        plural = "s" if self.documents != 1 else ""
        return (
            f"files: {files}; {self.documents} document{plural} in the index "
            f"({self.seconds:.2f} s)"
        )

    def as_json(self) -> dict:
        return {
            name: getattr(self, name)
            for name in ("added", "updated", "removed", "unchanged", "skipped", "indexed")
        } | {"documents": self.documents, "seconds": round(self.seconds, 3)}


def index_paths(
    directory: Path,
    paths: Iterable[Path],
    analyzer: VeilleAnalyzer | None = None,
    rebuild: bool = False,
    warn: Warn | None = None,
    procs: int | None = None,
    progress: Progress | None = None,
    follow_links: bool = False,
    demonstration: bool = False,
) -> IndexSummary:
    """Bring the index at ``directory`` up to date with the article files under ``paths``.

    Only new and changed files are read (a file whose size and modification
    time are unchanged is not opened; one whose bytes hash the same is not
    rewritten), and documents of files that are gone from under ``paths`` are
    removed, all in one commit. ``analyzer`` is the chain to build a new index
    with (``None``: the existing index's, or the default). With ``rebuild`` the
    index is built anew in a separate folder and swapped in only once complete.
    ``procs`` processes analyse the documents (default: one, or up to four for
    large runs). ``progress`` is called as files are done. Files that links lead
    to outside the folders of ``paths`` are skipped unless ``follow_links``.

    ``demonstration`` says ``paths`` are the bundled articles, indexed by veille on
    first use: the index is marked as holding only them, and is left alone if it
    already holds the user's files. An index so marked is replaced by the first
    files the user indexes into it (``summary.demonstration_removed``).
    """
    started = time.perf_counter()
    summary = IndexSummary()
    directory = real_index_folder(directory)
    try:
        with writing_lock(directory), cleaned_up_if_stopped(directory):
            _index(
                directory,
                list(paths),
                analyzer,
                rebuild,
                summary,
                warn,
                procs,
                progress,
                follow_links,
                demonstration,
            )
            summary.documents = open_index(directory).doc_count()
    except OSError as exc:
        raise StoreError(describe_write_error(directory, exc)) from None
    summary.seconds = time.perf_counter() - started
    return summary


@contextmanager
def cleaned_up_if_stopped(directory: Path) -> Iterator[None]:
    """If the block fails or is stopped, whenever it is, remove every file the index's
    last commit does not use (call with the writing lock held)."""
    try:
        yield
    except BaseException:
        remove_unused_files(directory)
        raise


def _index(
    directory: Path,
    paths: list[Path],
    analyzer: VeilleAnalyzer | None,
    rebuild: bool,
    summary: IndexSummary,
    warn: Warn | None,
    procs: int | None,
    progress: Progress | None,
    follow_links: bool,
    demonstration: bool = False,
) -> None:
    def note(message: str) -> None:
        message = printable(message)  # a file name that is not UTF-8
        summary.warnings.append(message)
        if warn:
            warn(message)

    def unlisted(exc: OSError) -> None:
        summary.skipped += 1
        note(f"{exc.filename}: skipped, cannot list the folder: {exc.strerror or exc}")

    def outside(link: Path, target: str) -> None:
        summary.skipped += 1
        note(f"{link}: skipped, a link to {target}, outside the folders indexed (--follow-links)")

    recover_interrupted_swap(directory)
    exists = index_exists(directory)
    if exists:
        remove_spilled_stories(directory)  # of a run killed outright
    if exists and holds_demonstration(directory):
        rebuild = True  # the bundled articles make way for the user's files (or are indexed anew)
        summary.demonstration_removed = not demonstration
    elif exists and demonstration:
        return  # the user's own index: the bundled articles stay out of it
    found = find_files(paths, unlisted, follow_links, outside)
    files = without_index_files(directory, paths, found)
    if procs is None:
        procs = default_procs(len(files))
    reading = Reading(files, summary, note, progress)
    if exists and not rebuild:
        ix = open_index(directory)
        current = index_analyzer(ix)
        if analyzer is not None and analyzer != current:
            raise StoreError(
                "the synonym or variant table differs from the one this index was built "
                "with: add --rebuild to index these paths anew with it"
            )
        known = indexed_files(ix)
        listed = {file_key(path) for path in files}
        roots = [file_key(path) for path in paths]
        gone = [f for f in known if f not in listed and is_under(f, roots)]
        changed = reading.changed(known)
        if not changed and not gone:
            reading.done()
            return
        with spilled_stories(directory) as folder:
            stories = StoryFinder(
                (
                    (path, story, sig)
                    for path, file, story, sig in indexed_signatures(ix)
                    if file not in gone
                ),
                spill_to=folder,
            )
            documents = with_stories(reading.documents(changed, known), stories, current)
            summary.indexed = write_changes(ix, documents, gone, procs)
        summary.removed = len(gone)
    else:
        if not exists and holds_something(directory):
            raise StoreError(f"{directory} exists and is not a veille index; not touching it")
        if analyzer is None:
            analyzer = build_analyzer()
        fresh = sibling(directory, "new")
        try:
            ix = create_index(fresh, analyzer, demonstration)
            with spilled_stories(fresh) as folder:
                stories = StoryFinder(spill_to=folder)
                documents = with_stories(reading.documents(files, {}), stories, analyzer)
                summary.indexed = write_changes(ix, documents, procs=procs, new=True)
            replace_index(fresh, directory)
        finally:
            if fresh.exists():
                shutil.rmtree(fresh, ignore_errors=True)


def with_stories(
    documents: Iterable[Document], stories: StoryFinder, analyzer: VeilleAnalyzer
) -> Iterator[Document]:
    """The documents, each with the story it belongs to (near-duplicates share one)."""
    batch: list[tuple[Document, object, bool]] = []
    chars = 0
    for doc in documents:
        text = f"{doc.title}\n{doc.body[:STORY_CHARS]}"  # the start tells a story apart
        batch.append((doc, *sketch(analyzer.words(text))))
        chars += len(doc.title) + len(doc.body)
        # one at a time until runs are in files: what is read is written at once
        full = STORY_BATCH_DOCS if stories.spilled else 1
        if len(batch) >= full or chars >= STORY_BATCH_CHARS:
            yield from _with_stories_of(batch, stories)
            batch, chars = [], 0
    yield from _with_stories_of(batch, stories)


def _with_stories_of(
    batch: list[tuple[Document, object, bool]], stories: StoryFinder
) -> Iterator[Document]:
    assigned = stories.assign_sketched([(doc.path, sig, long) for doc, sig, long in batch])
    for (doc, _, _), (story, signature) in zip(batch, assigned, strict=True):
        yield replace(doc, story=story, minhash=signature)


def without_index_files(directory: Path, roots: list[Path], files: Iterable[Path]) -> list[Path]:
    """The files found, less those of the index itself (and of a rebuild beside it) when
    the index folder is inside one of the folders indexed."""
    own = [str(directory), str(sibling(directory, "new")), str(sibling(directory, "old"))]
    if not any(is_under(folder, [str(root.resolve())]) for folder in own for root in roots):
        return list(files)
    return [path for path in files if not is_under(str(path.resolve()), own)]


class Reading:
    """Reads the files of a run, counting what it finds in the summary."""

    def __init__(self, files: list[Path], summary: IndexSummary, note: Warn, progress):
        self.files, self.summary, self.note, self.progress = files, summary, note, progress
        self.count = 0

    def tick(self) -> None:
        self.count += 1
        if self.progress:
            self.progress(self.count, len(self.files))

    def done(self) -> None:
        if self.progress:
            self.progress(len(self.files), len(self.files))

    def changed(self, known: dict[str, FileInfo]) -> list[Path]:
        """Files new to the index, or whose size or modification time differ from it."""
        out = []
        for path in self.files:
            old = known.get(file_key(path))
            if old is not None:
                try:
                    now = stat_file(path)
                except OSError:
                    now = None  # reading it will say why it is skipped
                if now is not None and (now.size, now.mtime) == (old.size, old.mtime):
                    self.summary.unchanged += 1
                    self.tick()
                    continue
            out.append(path)
        return out

    def documents(self, files: list[Path], known: dict[str, FileInfo]) -> Iterator[Document]:
        for path in files:
            if _is_streamed(path):
                yield from self._stream(path, known)
                continue
            docs = self._read(path)
            self.tick()
            if docs is None:
                continue
            old = known.get(docs[0].file)
            if old is not None and old.digest == docs[0].info.digest:
                self.summary.unchanged += 1  # touched, not changed
                continue
            if old is None:
                self.summary.added += 1
            else:
                self.summary.updated += 1
            yield from docs

    def _stream(self, path: Path, known: dict[str, FileInfo]) -> Iterator[Document]:
        """The documents of a large JSON Lines export, read a record at a time."""
        try:
            info = hashed_info(path)
        except Unreadable as exc:
            self._skip(path, exc)
            return
        old = known.get(str(path.resolve()))
        if old is not None and old.digest == info.digest:
            self.summary.unchanged += 1
            self.tick()
            return
        counted = False
        try:
            for doc in stream_jsonl(path, info, self._warner(path), self._line_counter(path)):
                if not counted:
                    counted = True
                    self.summary.added += old is None
                    self.summary.updated += old is not None
                yield doc
        except Unreadable as exc:
            if counted:
                self.note(f"{path}: {exc}")
            else:
                self._skip(path, exc)
                return
        self.tick()

    def _warner(self, path: Path) -> Warn:
        return lambda warning: self.note(f"{path}: {warning}")

    def _line_counter(self, path: Path) -> Callable[[int], None]:
        """Shows the lines of a large file read so far with the progress."""

        def lines_read(count: int) -> None:
            if self.progress:
                self.progress(self.count, len(self.files), f"{path.name}: {count:,} lines")

        return lines_read

    def _skip(self, path: Path, exc: Exception) -> None:
        self.summary.skipped += 1
        self.note(f"{path}: skipped, {exc}")
        self.tick()

    def _read(self, path: Path) -> list[Document] | None:
        if not path.name.lower().endswith(SUFFIXES):
            self.summary.skipped += 1
            self.note(f"{path}: skipped, not a file veille reads ({', '.join(SUFFIXES)})")
            return None
        try:
            docs, warnings = read_file(path)
        except Unreadable as exc:
            self.summary.skipped += 1
            self.note(f"{path}: skipped, {exc}")
            return None
        for warning in warnings:
            self.note(f"{path}: {warning}")
        return docs


def _is_streamed(path: Path) -> bool:
    try:
        return is_streamed(path, path.stat().st_size)
    except OSError:
        return False  # reading it will say why it is skipped


def default_procs(files: int) -> int:
    """One process, or up to four (one per core) for runs large enough to gain from them."""
    if files < PARALLEL_FROM_FILES:
        return 1
    return max(1, min(4, os.cpu_count() or 1))
