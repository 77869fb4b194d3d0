"""Files as the index names them: absolute paths, links resolved, printable."""

from __future__ import annotations

import os
from pathlib import Path


def file_key(path: Path | str) -> str:
    """The key of a file in the index: its absolute path, links resolved, printable.

    Bytes of a name that are not UTF-8 are written as ``\\xNN`` escapes (``caf\\xe9.txt``),
    so the key can be stored, printed and sent as JSON. A link that loops is kept as named.
    """
    return printable(os.path.realpath(path))


def printable(text: str) -> str:
    """``text`` with the undecodable bytes of file names (surrogates) as ``\\xNN`` escapes."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # surrogates that do not stand for bytes
        return text.encode("utf-8", "replace").decode("utf-8")


def is_under(path: str, roots: list[str]) -> bool:
    """Whether ``path`` is one of ``roots`` or inside one of them."""
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
