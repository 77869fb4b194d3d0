"""Turning a file's bytes into text: UTF-8, UTF-16 with a byte-order mark, or Windows-1252."""

from __future__ import annotations

BINARY_SNIFF = 8192


class Unreadable(Exception):
    """A file that is skipped; the message says why."""


def decode(data: bytes) -> tuple[str, str | None]:
    """Return the text of ``data`` and a warning, or raise Unreadable for binary data.

    UTF-8 (with or without a byte-order mark) is expected; UTF-16 is read when
    it starts with its byte-order mark; other bytes are read as Windows-1252,
    the usual encoding of French text that is not UTF-8.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "read as UTF-16 (byte-order mark)"
        except UnicodeDecodeError:
            raise Unreadable("UTF-16 byte-order mark but not valid UTF-16") from None
    if b"\x00" in data[:BINARY_SNIFF]:
        raise Unreadable("binary file, not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "not valid UTF-8, read as Windows-1252"
