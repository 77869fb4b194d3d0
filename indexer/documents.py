"""Reading text files into documents: title, body, path, size and modification time."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = (".txt",)
BINARY_SNIFF = 8192


@dataclass(frozen=True)
class Document:
    path: str
    title: str
    body: str
    size: int
    mtime: float


class Unreadable(Exception):
    """A file that is skipped; the message says why."""


def find_text_files(
    paths: Iterable[Path], on_error: Callable[[OSError], None] | None = None
) -> Iterator[Path]:
    """Yield the .txt files named, and those inside the folders named, recursively and sorted.

    A folder that cannot be listed is passed to ``on_error`` and left out.
    """
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path, onerror=on_error):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(TEXT_SUFFIXES) and not name.startswith("."):
                        yield Path(root, name)
        else:
            yield path


def read_document(path: Path) -> tuple[Document, str | None]:
    """Read one text file; return the document and a warning, or raise Unreadable.

    UTF-8 (with or without a byte-order mark) is expected; UTF-16 is read when
    it starts with its byte-order mark; other bytes are read as Windows-1252,
    the usual encoding of French text that is not UTF-8.
    """
    try:
        data = path.read_bytes()
        stat = path.stat()
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    warning = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unreadable("UTF-16 byte-order mark but not valid UTF-16") from None
        warning = "read as UTF-16 (byte-order mark)"
    elif b"\x00" in data[:BINARY_SNIFF]:
        raise Unreadable("binary file, not text")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            warning = "not valid UTF-8, read as Windows-1252"
    title, body = split_title(text)
    if not title:
        raise Unreadable("empty file")
    doc = Document(str(path.resolve()), title, body, stat.st_size, stat.st_mtime)
    return doc, warning


def split_title(text: str) -> tuple[str, str]:
    """Title is the first non-empty line; the body is everything after it."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip():
            return line.strip(), "\n".join(lines[i + 1 :]).strip()
    return "", ""
