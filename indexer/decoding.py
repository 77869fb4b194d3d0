"""Turning a file's bytes into text: UTF-8, UTF-16 (with a byte-order mark or detected), or
Windows-1252."""

from __future__ import annotations

BINARY_SNIFF = 8192
DETECT_SAMPLE = 65536  # charset-normalizer reads this much: 1.5 ms, where a 50 MB file took 2 s
# UTF-16 text in an alphabet has a zero byte in every space, digit and punctuation
# mark (in French, nearly every character): at least a tenth of its characters, 90%
# of its zero bytes on one side. UTF-8 text with a stray NUL byte has a few.
UTF16_ZERO_SHARE = 0.1
UTF16_ZERO_SIDE = 0.9
UTF16_MIN_ZEROS = 8
ENCODINGS = {"utf_16_le": "UTF-16-LE", "utf_16_be": "UTF-16-BE"}


class Unreadable(Exception):
    """A file that is skipped; the message says why."""


def decode(data: bytes) -> tuple[str, str | None]:
    """Return the text of ``data`` and a warning, or raise Unreadable for binary data.

    UTF-8 (with or without a byte-order mark) is expected; UTF-16 is read when
    it starts with its byte-order mark, or when its zero bytes and
    charset-normalizer say so; other bytes are read as Windows-1252, the usual
    encoding of French text that is not UTF-8.
    """
    encoding, warning = text_encoding(data[:DETECT_SAMPLE])
    if encoding is None:
        try:
            return data.decode("utf-8-sig"), None
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace"), "not valid UTF-8, read as Windows-1252"
    try:
        return data.decode(encoding), warning
    except UnicodeDecodeError:
        if encoding == "utf-16":
            raise Unreadable("UTF-16 byte-order mark but not valid UTF-16") from None
        raise Unreadable("binary file, not text") from None


def text_encoding(head: bytes) -> tuple[str | None, str | None]:
    """How to read a file, from its first bytes: a UTF-16 codec and the warning that says
    so, or (None, None) for UTF-8 (falling back to Windows-1252); Unreadable for binary
    data. UTF-16 is read when the bytes start with its byte-order mark, or when their
    zero bytes and charset-normalizer say so."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "read as UTF-16 (byte-order mark)"
    if b"\x00" not in head[:BINARY_SNIFF]:
        return None, None
    encoding = utf16_byte_order(head)
    if encoding is not None:
        from charset_normalizer import from_bytes  # only files with zero bytes need it

        best = from_bytes(head).best()
        if best is not None and best.encoding == encoding:
            return encoding, f"read as {ENCODINGS[encoding]} (no byte-order mark)"
    raise Unreadable("binary file, not text")


def utf16_byte_order(sample: bytes) -> str | None:
    """'utf_16_le' or 'utf_16_be' when the zero bytes fall where UTF-16 text has them.

    ASCII characters and the accented letters of Latin-1 have one zero byte in
    UTF-16: the second of two (little-endian) or the first (big-endian).
    """
    if len(sample) % 2:
        return None
    zeros = {"utf_16_be": sample[0::2].count(0), "utf_16_le": sample[1::2].count(0)}
    order = max(zeros, key=zeros.get)
    side, total = zeros[order], sum(zeros.values())
    enough = side >= max(UTF16_MIN_ZEROS, UTF16_ZERO_SHARE * len(sample) / 2)
    return order if enough and side >= UTF16_ZERO_SIDE * total else None
