"""The Whoosh index on disk: its schema, where it lives, opening it and writing to it."""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import whoosh.codec.base
from whoosh import index as whoosh_index
from whoosh.analysis import IDTokenizer, LowercaseFilter
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.columns import CompressedBytesColumn, TranslatingColumnReader
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema
from whoosh.index import EmptyIndexError, Index, LockError
from whoosh.reading import SegmentReader

from .analysis import ANALYSIS_VERSION, VeilleAnalyzer, data_fingerprint
from .lexicon import WordCounts, remove_unused_vocabularies, vocabulary_path
from .locations import INDEX_ENV, default_index_dir  # noqa: F401  (re-exported)
from .metadata import one_spelling_each
from .pool import with_chunked_runs
from .postings import VeilleCodec, VeillePositions
from .stopping import signals_held

if TYPE_CHECKING:  # reading files is for indexing only: a search does not import it
    from .documents import Document, FileInfo

META_FILE = "veille.json"
# The meta file's flag of an index that veille filled with the bundled articles on first use.
DEMONSTRATION = "demonstration"
SCHEMA_VERSION = 7  # 2: metadata, per-file change information; 3: stories; 5: vocabulary file;
# 6: a long body's stored text split (STORED_BODY_CHARS), dates read from names and text;
# 7: sources stored in their own spelling, indexed in lower case

# The stored ``body`` holds a document's first characters, all that snippets, related
# articles and the leading text read; the rest is in the ``body_rest`` column, read
# only to show the whole document. A 50 MB document then costs a search what a long
# article does (a search read 48 MB of stored text for it: 0.12 s and 100 MB).
STORED_BODY_CHARS = 100_000
TITLE_BOOST = 2.0
LOCK_WAIT_SECONDS = 5.0
# Postings a writer (each writer process) holds in memory before spilling them to
# temporary runs merged at commit, as Whoosh estimates them (a process's memory
# grows about twice as much). 10,000 generated articles in one process: 1024 MB
# indexed them in 68 s with a peak of 700 MiB, 256 in 81 s with 463 MiB, 128 in
# 85 s with 329 MiB: 256 keeps a writer under 500 MiB for a fifth of its speed.
WRITER_MEMORY_MB = 256


def _segment_name(size: int = 16) -> str:
    """A new segment's name, from the system's entropy."""
    import secrets

    return "".join(secrets.choice(whoosh.util.IDCHARS) for _ in range(size))


# Whoosh names new segments with the global `random` module. A program that
# seeds it (hypothesis does, between test cases; so might an application that
# embeds veille) gets the same names again and overwrites the files of a live
# segment: the index is then unreadable. Names come from the system instead.
whoosh.codec.base.random_name = _segment_name

_column_file_exists = W3PerDocReader.has_column


def _has_column(self, fieldname: str) -> bool:
    """A column already open is there, even if a later commit deleted its file."""
    return fieldname in self._colfiles or _column_file_exists(self, fieldname)


# Whoosh asks the disk whether a segment has a column before every use, even one
# it has open: once a merge or a rebuild deletes the old files, a searcher still
# holding them saw its columns as empty (stories not collapsed, no facets).
W3PerDocReader.has_column = _has_column


class WholeColumn:
    """A column reader that reads all its values into memory once it has been asked for
    as many as the segment has documents, so that searches matching much of the index
    pay a list look-up per match instead of a file read (collapsing, facets, BM25F's
    field lengths). A single search never pays more than twice the reads it needs."""

    def __init__(self, reader, doccount: int):
        self.reader, self.doccount = reader, doccount
        self._whole: dict[str, list] = {}  # "value" or "sort_key": every document's
        self._asked = {"value": 0, "sort_key": 0}

    def _read(self, kind: str, read, docnum: int):
        whole = self._whole.get(kind)
        if whole is not None:
            return whole[docnum]
        self._asked[kind] += 1
        if self._asked[kind] > self.doccount:
            whole = self._whole[kind] = [read(n) for n in range(self.doccount)]
            return whole[docnum]
        return read(docnum)

    def __getitem__(self, docnum: int):
        return self._read("value", self.reader.__getitem__, docnum)

    def getter(self):
        """The quickest way to read values by document number: a list's, once read whole."""
        whole = self._whole.get("value")
        return whole.__getitem__ if whole is not None else self.__getitem__

    def sort_key(self, docnum: int):
        return self._read("sort_key", self.reader.sort_key, docnum)

    def __len__(self) -> int:
        return len(self.reader)

    def __iter__(self):
        whole = self._whole.get("value")
        return iter(whole) if whole is not None else iter(self.reader)

    def __getattr__(self, name: str):
        return getattr(self.reader, name)


_open_column_reader = SegmentReader.column_reader


def _column_reader(self, fieldname, column=None, reverse=False, translate=True):
    """A segment's column reader, made once per reader (so once per searcher)."""
    cache = self.__dict__.setdefault("_veille_columns", {})
    key = (fieldname, column, reverse, translate)
    found = cache.get(key)
    if found is None:
        raw = cache.get((fieldname, column, reverse, False))
        if raw is None:
            opened = _open_column_reader(self, fieldname, column, reverse, translate=False)
            raw = cache[fieldname, column, reverse, False] = WholeColumn(
                opened, self.doc_count_all()
            )
        found = raw
        if translate:  # as Whoosh does it, so that merging finds the raw column under it
            translating = self.schema[fieldname].from_column_value
            found = cache[key] = TranslatingColumnReader(raw, translating)
    return found


def _lengths_reader(self, fieldname, column):
    """A segment's column of field lengths (for BM25F), made once and read whole when worth it."""
    if fieldname not in self._readers:
        if not self.has_column(fieldname):
            return None
        column_reader = self.column_reader(fieldname, column)
        self._readers[fieldname] = WholeColumn(column_reader, self._doccount)
    return self._readers[fieldname]


# Whoosh makes a new column reader each time one is asked for, and a search asks
# for several per segment (collapsing stories, facets, sorting by date): each
# reads the column's header and value tables again, 0.7-0.8 ms at 10,000
# articles. A segment's columns never change, so each is made once per reader;
# and every value a search reads is a read from the file, 3-5 µs in Python, for
# each match: a reader kept by a server reads the columns it uses whole.
SegmentReader.column_reader = _column_reader
W3PerDocReader._cached_reader = _lengths_reader


class StoreError(Exception):
    """The index cannot be opened or written; the message says why and what to do."""


def make_schema(analyzer: VeilleAnalyzer) -> Schema:
    """Searched text, filters and facets (ID fields with columns), and what is only shown."""
    return Schema(
        path=ID(stored=True, unique=True, sortable=True),
        file=ID(stored=True, sortable=True),
        title=_text(analyzer, TITLE_BOOST),
        body=_text(analyzer),
        # shown as the site spells it, indexed in lower case: filters ignore case
        source=ID(stored=True, sortable=True, analyzer=IDTokenizer() | LowercaseFilter()),
        language=ID(stored=True, sortable=True),
        date=DATETIME(stored=True, sortable=True),
        month=ID(sortable=True),  # "2025-08": facet counts by month
        dated=ID(sortable=True),  # "1" when the date is the document's, not its file's time
        date_from=STORED(),
        url=STORED(),
        words=STORED(),
        extra=STORED(),
        size=STORED(),
        mtime=STORED(),
        fileinfo=COLUMN(),  # size, modification time and hash, read without the stored text
        story=ID(stored=True, sortable=True),  # near-duplicates share it: results collapse on it
        minhash=COLUMN(),  # the story signature, for comparing documents indexed later
        headline=COLUMN(),  # the title, for listing a story's versions without their text
        body_rest=COLUMN(CompressedBytesColumn()),  # the body past STORED_BODY_CHARS
    )


def _text(analyzer: VeilleAnalyzer, boost: float = 1.0) -> TEXT:
    """A searched text field: stored, with positions (for phrases) as ``VeillePositions``."""
    field = TEXT(analyzer=analyzer, stored=True, field_boost=boost)
    field.format = VeillePositions(field_boost=boost)
    return field


def document_fields(doc: Document) -> dict:
    """The field values Whoosh stores and indexes for ``doc``."""
    info = doc.info
    return {
        "path": doc.path,
        "file": doc.file,
        "title": doc.title,
        "body": doc.body,
        "_stored_body": doc.body[:STORED_BODY_CHARS],
        "body_rest": doc.body[STORED_BODY_CHARS:].encode("utf-8"),
        "source": doc.source,
        "language": doc.language,
        "date": doc.date,
        "month": doc.date.strftime("%Y-%m") if doc.date else "",
        "dated": "0" if doc.date_from == "file" else "1",
        "date_from": doc.date_from,
        "url": doc.url,
        "words": doc.words,
        "extra": doc.extra,
        "size": info.size,
        "mtime": info.mtime,
        "fileinfo": f"{info.size}:{info.mtime!r}:{info.digest}".encode(),
        "story": doc.story or doc.path,
        "minhash": doc.minhash,
        "headline": doc.title.encode("utf-8"),
    }


def column_rows(ix: Index, *names: str) -> list[tuple]:
    """The values of some columns (sortable fields) for every document, without reading
    the stored text."""
    with ix.reader() as reader:
        if not reader.doc_count():
            return []
        columns = [reader.column_reader(name, translate=True) for name in names]
        return [tuple(column[docnum] for column in columns) for docnum in reader.all_doc_ids()]


def indexed_files(ix: Index) -> dict[str, FileInfo]:
    """Every file the index holds documents of, with its size, time and hash when indexed."""
    from .documents import FileInfo

    files: dict[str, FileInfo] = {}
    for name, info in column_rows(ix, "file", "fileinfo"):
        if name not in files:
            size, mtime, digest = info.decode().split(":")
            files[name] = FileInfo(int(size), float(mtime), digest)
    return files


def holds_something(directory: Path) -> bool:
    """Whether ``directory`` is a file, or a folder with anything in it."""
    return directory.is_file() or (directory.is_dir() and any(directory.iterdir()))


def index_exists(directory: Path) -> bool:
    """Whether ``directory`` holds a Whoosh index (a table of contents), without opening it."""
    return directory.is_dir() and any(directory.glob("_MAIN_*.toc"))


def open_index(directory: Path) -> Index:
    """Open an existing veille index, or raise StoreError saying what is wrong."""
    if not directory.exists():
        raise StoreError(f"no index at {directory}: run `veille index PATH...` first")
    if not index_exists(directory):
        raise StoreError(f"{directory} is not a veille index")
    _check_meta(directory)
    try:
        return whoosh_index.open_dir(str(directory))
    except (EmptyIndexError, OSError, ValueError, EOFError) as exc:
        raise StoreError(f"cannot open the index at {directory}: {exc}") from None
    except Exception as exc:  # an unpickling error from a damaged or foreign index
        raise StoreError(f"cannot open the index at {directory}: {type(exc).__name__}") from None


def _check_meta(directory: Path) -> None:
    try:
        meta = json.loads((directory / META_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        raise StoreError(f"{directory} is not a veille index (no readable {META_FILE})") from None
    if (meta.get("analysis_version"), meta.get("schema_version")) != (
        ANALYSIS_VERSION,
        SCHEMA_VERSION,
    ):
        raise StoreError(
            f"the index at {directory} was built by another version of veille: "
            "run `veille index --rebuild PATH...` on the folders it holds"
        )
    if meta.get("analysis_data", data_fingerprint()) != data_fingerprint():
        raise StoreError(
            f"the index at {directory} was built with other spelling rules or name tables "
            "(indexer/data/): run `veille index --rebuild PATH...` on the folders it holds"
        )


def read_meta(directory: Path) -> dict:
    """The index's meta file as a dict; empty if it is missing or unreadable."""
    try:
        meta = json.loads((directory / META_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def holds_demonstration(directory: Path) -> bool:
    """Whether the index at ``directory`` holds only the bundled articles, indexed there by
    veille on first use (not by the user): the first files the user indexes replace them."""
    return index_exists(directory) and read_meta(directory).get(DEMONSTRATION) is True


def is_current(directory: Path) -> bool:
    """Whether the index at ``directory`` was built by this version of veille and its tables."""
    try:
        _check_meta(directory)
    except StoreError:
        return False
    return True


def create_index(directory: Path, analyzer: VeilleAnalyzer, demonstration: bool = False) -> Index:
    """Create an empty index; refuse to overwrite a folder that holds something else.
    ``demonstration`` marks it as holding only the bundled articles."""
    if holds_something(directory) and not index_exists(directory):
        raise StoreError(f"{directory} exists and is not a veille index; not touching it")
    directory.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(directory), make_schema(analyzer))
    meta = {
        "analysis_version": ANALYSIS_VERSION,
        "schema_version": SCHEMA_VERSION,
        "analysis_data": data_fingerprint(),
    }
    if demonstration:
        meta[DEMONSTRATION] = True
    (directory / META_FILE).write_text(json.dumps(meta) + "\n", "utf-8")
    return ix


def replace_index(fresh: Path, directory: Path) -> None:
    """Put the index built in ``fresh`` in place of the one in ``directory``.

    The old index stays whole until the new one is complete, so a rebuild that
    fails or is interrupted loses nothing. Where the system can (Linux), the two
    folders are exchanged in one step, so a server never sees the path empty.
    """
    if directory.exists() and _exchange(fresh, directory):
        shutil.rmtree(fresh, ignore_errors=True)
        return
    old = sibling(directory, "old")
    if old.exists():
        shutil.rmtree(old)
    if directory.exists():
        directory.rename(old)
    fresh.rename(directory)
    if old.exists():
        shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False if unsupported."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


# Descriptors of the locks this process holds on an index. A forked child (a
# worker of a multi-process write) gets copies of them, and a lock lasts while
# any copy is open: workers outliving a killed parent kept the index locked.
_PARENT_ONLY_FDS: set[int] = set()


def _drop_parent_only_fds() -> None:
    """In a forked child: point the lock descriptors at /dev/null, releasing its copies."""
    if not _PARENT_ONLY_FDS:
        return
    null = os.open(os.devnull, os.O_RDONLY)
    for fd in list(_PARENT_ONLY_FDS):
        try:
            os.dup2(null, fd)
        except OSError:
            pass
    os.close(null)
    _PARENT_ONLY_FDS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_parent_only_fds)


def _hold_in_this_process_only(lock) -> int | None:
    """Keep a Whoosh lock's descriptor out of forked children; its number, to forget later."""
    fd = getattr(lock, "fd", None)
    if isinstance(fd, int):
        _PARENT_ONLY_FDS.add(fd)
        return fd
    return None


@contextmanager
def writing_lock(directory: Path, wait: float | None = None) -> Iterator[None]:
    """Let one `veille index` at a time write the index at ``directory``.

    The lock is an fcntl lock on a hidden file beside the folder (it must exist
    before the folder does, and survive a rebuild's swap). The kernel releases
    it when its process ends, even by SIGKILL, so a stale lock never blocks a
    later run and a live writer's lock is never taken over. A second run waits
    up to ``wait`` seconds, then fails with a clear message.
    """
    try:
        import fcntl
    except ImportError:  # no fcntl (Windows): rely on Whoosh's own write lock
        yield
        return
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    directory.parent.mkdir(parents=True, exist_ok=True)
    lock_path = directory.with_name(f".{directory.name}.lock")
    with open(lock_path, "a") as handle:
        _PARENT_ONLY_FDS.add(handle.fileno())
        try:
            _take_lock(handle, directory, wait)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            _PARENT_ONLY_FDS.discard(handle.fileno())


def _take_lock(handle, directory: Path, wait: float) -> None:
    """Take the fcntl lock on ``handle``, waiting up to ``wait`` seconds for another run."""
    import fcntl

    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"the index at {directory} is being written by another "
                    "`veille index`; try again when it is done"
                ) from None
            time.sleep(0.05)


NO_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def describe_write_error(directory: Path, exc: OSError) -> str:
    """One line saying why writing the index failed, and that nothing was lost."""
    if exc.errno in NO_SPACE:
        reason = "the disk is full (or a file-size limit was reached)"
    else:
        reason = exc.strerror or str(exc)
    return f"cannot write the index at {directory}: {reason}; the last committed index is unchanged"


def write_changes(
    ix: Index,
    documents: Iterable[Document],
    gone: Iterable[str] = (),
    procs: int = 1,
    new: bool = False,
) -> int:
    """In one commit, remove the documents of the files in ``gone`` and of every file
    ``documents`` come from, then add ``documents``; return how many were added.

    ``procs`` > 1 analyses documents in that many processes (Whoosh's
    multi-process writer, each writing its own segment). ``new`` says the index
    is empty, so nothing needs removing. Any failure cancels the write: the
    index keeps its last committed state and is left unlocked.
    """
    try:
        writer = _writer(ix, procs)
    except LockError:
        raise StoreError(
            "the index is being written by another `veille index`; try again when it is done"
        ) from None
    held = None
    count = 0
    cleared: set[str] = set()
    written = vocabulary_path(ix.storage.folder, writer.generation)
    try:
        held = _hold_in_this_process_only(writer.writelock)
        words = current_words(ix, new)
        with ix.searcher() as before:
            if not new:
                for file in gone:
                    _forget_words(words, before, file)
                    writer.delete_by_term("file", file)
            for doc in documents:
                if not new and doc.file not in cleared:
                    _forget_words(words, before, doc.file)
                    writer.delete_by_term("file", doc.file)  # the file's earlier documents
                    cleared.add(doc.file)
                writer.add_document(**document_fields(doc))
                words.add(doc.title, doc.body)
                count += 1
        words.write(written)  # before the commit: a searcher of the new commit finds it
        writer.commit()
    except BaseException:
        with signals_held():  # a second Ctrl-C does not cut the clean-up short
            abandon(writer)
            remove_unused_files(ix.storage.folder)  # ``written`` too, unless committed
        raise
    finally:
        _PARENT_ONLY_FDS.discard(held)
    remove_unused_vocabularies(ix.storage.folder, writer.generation)
    return count


def _writer(ix: Index, procs: int):
    """A Whoosh writer of one process, or of ``procs`` (each worker writing its own segment)."""
    # compound=False: Whoosh copies each part of a compound segment file into
    # memory for every searcher that opens it (a 100k-article index cost a
    # server 0.5 GiB per thread); separate files are memory-mapped instead.
    # VeilleCodec: posting blocks whose document numbers a query decodes without
    # their positions (see postings.py); older segments stay readable as they are.
    options = {
        "timeout": LOCK_WAIT_SECONDS,
        "limitmb": WRITER_MEMORY_MB,
        "compound": False,
        "codec": VeilleCodec(),
    }
    if procs > 1:
        from .workers import SafeMpWriter

        return SafeMpWriter(ix, procs=procs, batchsize=256, **options)
    return with_chunked_runs(ix.writer(**options))


def current_words(ix: Index, new: bool = False) -> WordCounts:
    """The word counts of the index's last commit: from its vocabulary file, or counted
    again from the stored texts if the file is missing (a run killed between the two)."""
    if new:
        return WordCounts()
    try:
        return WordCounts.read(vocabulary_path(ix.storage.folder, ix.latest_generation()))
    except (OSError, ValueError):
        words = WordCounts()
        with ix.reader() as reader:
            for docnum, fields in reader.iter_docs():
                words.add(fields.get("title", ""), whole_body(reader, docnum, fields))
        return words


def _forget_words(words: WordCounts, searcher, file: str) -> None:
    """Take the words of a file's indexed documents out of the counts."""
    for docnum in searcher.document_numbers(file=file):
        fields = searcher.stored_fields(docnum)
        words.add(fields.get("title", ""), whole_body(searcher.reader(), docnum, fields), -1)


def whole_body(reader, docnum: int, fields: dict) -> str:
    """A document's whole text: its stored start and the rest from its column."""
    body = fields.get("body", "")
    if len(body) < STORED_BODY_CHARS or not reader.has_column("body_rest"):
        return body
    return body + reader.column_reader("body_rest", translate=False)[docnum].decode("utf-8")


def remove_unused_files(directory: Path | str) -> None:
    """Delete every file of the index at ``directory`` that its last commit does not use:
    segments and tables of contents of other commits, temporary files and folders, and
    vocabularies of other commits than the last two. Call with the writing lock held.

    A failed or stopped write leaves its partial segment behind; after a disk-full
    error the space it holds is wanted back now, not at the next commit. The files
    a commit names are never touched, whenever the write was stopped.
    """
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import _DEF_INDEX_NAME as name
    from whoosh.index import TOC, clean_files

    folder = Path(directory)
    if not index_exists(folder):
        return
    with signals_held():
        try:
            storage = FileStorage(str(folder))
            toc = TOC.read(storage, name)
        except Exception:  # an unreadable commit: touch nothing
            return
        try:
            clean_files(storage, name, toc.generation, toc.segments)
            shutil.rmtree(folder / f"{name}.tmp", ignore_errors=True)
            for unfinished in folder.glob(f"_{name}_*.toc.*"):  # a table of contents, half written
                unfinished.unlink(missing_ok=True)
            remove_unused_vocabularies(folder, toc.generation)
        except OSError:  # best effort: the next commit cleans up too
            pass


def real_index_folder(directory: Path) -> Path:
    """The folder an index path names, symbolic links resolved, so that a rebuild swaps
    that folder (never the link) and the lock is the same whichever path leads to it."""
    real = directory.expanduser().resolve()
    if real == real.parent:
        raise StoreError(
            f"{directory} is the root of the file system: give the index a folder of its own"
        )
    return real


def sibling(directory: Path, suffix: str) -> Path:
    """The folder beside the index where a rebuild is made (``new``) or an old one set aside."""
    return directory.with_name(f"{directory.name}.{suffix}")


def recover_interrupted_swap(directory: Path) -> None:
    """Clear what an interrupted run left beside the index (call with the writing lock held).

    Only the two-rename swap (systems without an atomic exchange) can be cut
    between its steps, leaving the index only in ``.old``: it is put back.
    """
    old = sibling(directory, "old")
    if old.exists() and not directory.exists() and index_exists(old):
        old.rename(directory)
    for leftover in (sibling(directory, "new"), old):
        if leftover.exists():
            shutil.rmtree(leftover)


def abandon(writer) -> None:
    """Cancel a writer whatever state it is in, and release its lock."""
    if getattr(writer, "is_closed", False):
        return
    try:
        writer.cancel()
    except Exception:
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            try:
                lock.release()
            except Exception:
                pass
        writer.is_closed = True


def index_analyzer(ix: Index) -> VeilleAnalyzer:
    """The chain the index was built with (its tables are stored in the schema)."""
    analyzer = ix.schema["body"].analyzer
    if not isinstance(analyzer, VeilleAnalyzer):
        raise StoreError("the index was not built by veille: run `veille index --rebuild`")
    return analyzer


def indexed_signatures(ix: Index) -> list[tuple[str, str, str, bytes]]:
    """(path, file, story, signature) of every document, from the index's columns."""
    return column_rows(ix, "path", "file", "story", "minhash")


def index_stats(directory: Path) -> dict:
    """What the index at ``directory`` holds: counts, sources, languages, dates, size."""
    from collections import Counter
    from datetime import datetime, timezone

    ix = open_index(directory)
    rows = column_rows(ix, "file", "source", "language", "date")
    documents = len(rows)
    files = {file for file, _, _, _ in rows}
    sources = Counter(one_spelling_each(Counter(source or "(none)" for _, source, _, _ in rows)))
    languages = Counter(language or "(unknown)" for _, _, language, _ in rows)
    days = [day for _, _, _, day in rows if day is not None]
    first, last = (min(days), max(days)) if days else (None, None)
    size = sum(p.stat().st_size for p in directory.iterdir() if p.is_file())
    updated = datetime.fromtimestamp(ix.last_modified(), timezone.utc)
    return {
        "index": str(directory),
        "documents": documents,
        "files": len(files),
        "sources": dict(sources.most_common()),
        "languages": dict(languages.most_common()),
        "first_date": first.date().isoformat() if first else None,
        "last_date": last.date().isoformat() if last else None,
        "size_bytes": size,
        "last_update": updated.isoformat(timespec="seconds"),
    }
