"""Finding article files and reading them into documents with their metadata."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, TextIO

from .dates import article_date
from .decoding import DETECT_SAMPLE, Unreadable, text_encoding
from .formats import SUFFIXES, Article, json_line_article, read_articles
from .metadata import count_words, file_date, guess_language, parse_date, source_name
from .paths import file_key, is_under, printable

__all__ = [
    "Document",
    "FileInfo",
    "Unreadable",
    "file_key",
    "find_files",
    "printable",
    "read_file",
    "SUFFIXES",
]

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
    # where the date comes from: "document" (its metadata), "name" (its file's name),
    # "text" (its first lines), "path" (its folders) or "file" (the file's time)
    date_from: str = "file"
    language: str = ""
    words: int = 0
    extra: dict = field(default_factory=dict)
    story: str = ""  # documents of one story (near-duplicates) share it; see stories.py
    minhash: bytes = b""  # the signature the story was found with


def find_files(
    paths: Iterable[Path],
    on_error: Callable[[OSError], None] | None = None,
    follow_links: bool = False,
    on_outside: Callable[[Path, str], None] | None = None,
) -> Iterator[Path]:
    """Yield the article files named, and those in the folders named, recursively and sorted.

    Hidden files and folders are left out; a folder that cannot be listed is
    passed to ``on_error``. A file reached twice (through a link) is yielded
    once. A link that leads out of the folders named is passed to ``on_outside``
    with where it leads, unless ``follow_links``.
    """
    paths = list(paths)
    roots = [os.path.realpath(path) for path in paths if path.is_dir()]
    seen: set[str] = set()
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for root, dirs, files in os.walk(path, onerror=on_error):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.lower().endswith(SUFFIXES) or name.startswith("."):
                    continue
                file = Path(root, name)
                real = os.path.realpath(file)
                if real in seen:
                    continue
                seen.add(real)
                if follow_links or is_under(real, roots) or not file.is_symlink():
                    yield file
                elif on_outside:
                    on_outside(file, real)


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
    file = file_key(path)
    documents = [make_document(article, file, info, warnings) for article in articles]
    return documents, warnings


def make_document(article: Article, file: str, info: FileInfo, warnings: list[str]) -> Document:
    """The document of one article of ``file``; a date it gives that cannot be read is warned of."""
    date, date_from = _date_of(article, file, info, warnings)
    text = f"{article.title}\n{article.body}"
    return Document(
        path=f"{file}#{article.key}" if article.key else file,
        file=file,
        title=article.title,
        body=article.body,
        info=info,
        source=source_name(article.source, article.url),
        url=article.url or "",
        date=date,
        date_from=date_from,
        language=guess_language(text),
        words=count_words(text),
        extra=article.extra,
    )


_USED = {
    "name": "the date in its file's name is used",
    "text": "the date in its first lines is used",
    "path": "the date in its folders' names is used",
    "file": "the file's date is used",
}


def _date_of(article, file: str, info: FileInfo, warnings: list[str]) -> tuple[datetime, str]:
    """A document's date and where it comes from: its metadata, else its file's name, its
    first lines or its folders, else (last resort) the file's modification time."""
    date = parse_date(article.date)
    if date is not None:
        return date, "document"
    date, where = article_date(file, article.body)
    if date is None:
        date, where = file_date(info.mtime), "file"
    if article.date:
        warnings.append(f"date {article.date!r} not understood: {_USED[where]}")
    return date, where


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
    file = file_key(path)
    found = False
    try:
        with path.open("rb") as f:
            encoding, warning = text_encoding(f.read(DETECT_SAMPLE))
            f.seek(0)
            if warning:
                warn(warning)
            for number, line in enumerate(_lines(f, encoding), start=1):
                if number % PROGRESS_LINES == 0:
                    lines_read(number)
                warnings: list[str] = []
                if isinstance(line, bytes):
                    line = _decode_line(line, number, warnings)
                article = json_line_article(number, line.rstrip("\r\n"), warnings)
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


def _lines(f: BinaryIO, encoding: str | None) -> Iterator[bytes] | TextIO:
    """The file's lines: bytes, each decoded on its own, or text of a UTF-16 file."""
    if encoding is None:
        return f
    # lines end at \n only, as in the bytes: a lone \r or U+2028 stays in its record
    return io.TextIOWrapper(f, encoding=encoding, errors="replace", newline="\n")


def _decode_line(raw: bytes, number: int, warnings: list[str]) -> str:
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append(f"line {number} not valid UTF-8, read as Windows-1252")
        return raw.decode("cp1252", errors="replace")
