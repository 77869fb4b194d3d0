"""Finding article files and reading them into documents with their metadata."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .decoding import Unreadable
from .formats import SUFFIXES, Article, json_line_article, read_articles
from .metadata import count_words, file_date, guess_language, parse_date, source_name

__all__ = ["Document", "FileInfo", "Unreadable", "find_files", "read_file", "SUFFIXES"]

# A JSON Lines export this large is read a record at a time (a 1,000,000-record
# export read whole took 2 GB); smaller files are read whole, like the others.
STREAM_FROM_BYTES = 8 * 1024 * 1024
HASH_BLOCK = 1024 * 1024
PROGRESS_LINES = 1000


@dataclass(frozen=True)
class FileInfo:
    """What tells whether a file changed since it was indexed."""

    size: int
    mtime: float
    digest: str = ""  # SHA-1 of the bytes; "" when not read


@dataclass(frozen=True)
class Document:
    path: str  # the key: the file's absolute path, plus "#line-N" for a record of an export
    file: str  # the file it was read from
    title: str
    body: str
    info: FileInfo
    source: str = ""
    url: str = ""
    date: datetime | None = None
    date_from: str = "file"  # "document" when the document gives its date
    language: str = ""
    words: int = 0
    extra: dict = field(default_factory=dict)
    story: str = ""  # documents of one story (near-duplicates) share it; see stories.py
    minhash: bytes = b""  # the signature the story was found with


def find_files(
    paths: Iterable[Path], on_error: Callable[[OSError], None] | None = None
) -> Iterator[Path]:
    """Yield the article files named, and those in the folders named, recursively and sorted.

    Hidden files and folders are left out; a folder that cannot be listed is
    passed to ``on_error``.
    """
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path, onerror=on_error):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                        yield Path(root, name)
        else:
            yield path


def stat_file(path: Path) -> FileInfo:
    stat = path.stat()
    return FileInfo(stat.st_size, stat.st_mtime)


def read_file(path: Path) -> tuple[list[Document], list[str]]:
    """The documents in one file, and warnings; raises Unreadable to skip the file."""
    try:
        data = path.read_bytes()
        info = stat_file(path)
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    info = FileInfo(info.size, info.mtime, hashlib.sha1(data).hexdigest())
    articles, warnings = read_articles(path.name, data)
    file = str(path.resolve())
    documents = [make_document(article, file, info, warnings) for article in articles]
    return documents, warnings


def make_document(article: Article, file: str, info: FileInfo, warnings: list[str]) -> Document:
    """The document of one article of ``file``; a date it gives that cannot be read is warned of."""
    date = parse_date(article.date)
    if article.date and date is None:
        warnings.append(f"date {article.date!r} not understood: the file's date is used")
    text = f"{article.title}\n{article.body}"
    return Document(
        path=f"{file}#{article.key}" if article.key else file,
        file=file,
        title=article.title,
        body=article.body,
        info=info,
        source=source_name(article.source, article.url),
        url=article.url or "",
        date=date or file_date(info.mtime),
        date_from="document" if date else "file",
        language=guess_language(text),
        words=count_words(text),
        extra=article.extra,
    )


def is_streamed(path: Path, size: int) -> bool:
    """Whether a file is read a record at a time: a JSON Lines export that large."""
    return size >= STREAM_FROM_BYTES and path.name.lower().endswith(".jsonl")


def hashed_info(path: Path) -> FileInfo:
    """The file's size, modification time and hash, reading it in blocks."""
    digest = hashlib.sha1()
    try:
        info = stat_file(path)
        with path.open("rb") as f:
            while block := f.read(HASH_BLOCK):
                digest.update(block)
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    return FileInfo(info.size, info.mtime, digest.hexdigest())


def stream_jsonl(
    path: Path, info: FileInfo, warn: Callable[[str], None], lines_read: Callable[[int], None]
) -> Iterator[Document]:
    """The documents of a JSON Lines export, one record at a time, so that memory does not
    grow with the file; problems are passed to ``warn`` as they are met, and the count of
    lines read to ``lines_read`` every PROGRESS_LINES lines."""
    file = str(path.resolve())
    found = False
    try:
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                if number % PROGRESS_LINES == 0:
                    lines_read(number)
                warnings: list[str] = []
                article = json_line_article(number, _decode_line(raw, number, warnings))
                if isinstance(article, Article):
                    found = True
                    yield make_document(article, file, info, warnings)
                elif article is not None:
                    warnings.append(article)
                for warning in warnings:
                    warn(warning)
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    if not found:
        raise Unreadable("no article records (objects with a title or a body)")


def _decode_line(raw: bytes, number: int, warnings: list[str]) -> str:
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append(f"line {number} not valid UTF-8, read as Windows-1252")
        return raw.decode("cp1252", errors="replace")
