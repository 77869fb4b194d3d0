"""Where a news article's date is written when its metadata gives none: in its file's
name or folders (``2024-03-01-kharkov.txt``, ``2024/03/01/``) or in its first lines (a
dateline such as ``PARIS, 1er mars 2024 (AFP)``, ``Publié le 24 août 2025``,
``August 24, 2025``), in French or English. The file's time is only the last resort:
after a copy, a clone or an install it is today."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from unidecode import unidecode

from .tables import data_text

HEAD_CHARS = 300  # of a body's start where a dateline may stand
FIRST_YEAR, LAST_YEAR = 1900, 2100

_PATH_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)([-_./]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)"
)
_NUMERIC_DATE = re.compile(
    r"(?<!\d)(0?[1-9]|[12]\d|3[01])[/.](0?[1-9]|1[0-2])[/.]((?:19|20)\d\d)(?!\d)"
)
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?!\d)")


@lru_cache(maxsize=1)
def _months() -> tuple[dict[str, int], re.Pattern, re.Pattern]:
    """Month names to numbers, and the two word orders they are written in."""
    names: dict[str, int] = {}
    for line in data_text("months.txt").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" in line:
            number, _, words = line.partition(":")
            for word in words.split():
                names[word] = int(number)
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    day_first = re.compile(
        rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)?\s+({alternatives})\.?,?\s+((?:19|20)\d\d)\b"
    )
    month_first = re.compile(
        rf"\b({alternatives})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b"
    )
    return names, day_first, month_first


def _day(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime(year, month, day) if FIRST_YEAR <= year <= LAST_YEAR else None
    except ValueError:  # 31 April
        return None


def article_date(path: str, body: str) -> tuple[datetime | None, str]:
    """The date a file's name, its body's first lines or its folders give, and which
    (``"name"``, ``"text"``, ``"path"``); (None, "") when none does."""
    folder, _, name = path.replace("\\", "/").rpartition("/")
    for found, where in ((path_date(name), "name"), (text_date(body), "text")):
        if found:
            return found, where
    found = path_date(folder)
    return (found, "path") if found else (None, "")


def path_date(path: str) -> datetime | None:
    """The date a file's name or folders give (the last one, nearest the file)."""
    found = None
    for m in _PATH_DATE.finditer(path):
        found = _day(int(m.group(1)), int(m.group(3)), int(m.group(4))) or found
    return found


def text_date(text: str) -> datetime | None:
    """The first date written in a text's first HEAD_CHARS characters, or None."""
    head = unidecode(text[:HEAD_CHARS]).lower()
    names, day_first, month_first = _months()
    found: list[tuple[int, datetime]] = []
    for m in day_first.finditer(head):
        day = _day(int(m.group(3)), names[m.group(2)], int(m.group(1)))
        if day:
            found.append((m.start(), day))
    for m in month_first.finditer(head):
        day = _day(int(m.group(3)), names[m.group(1)], int(m.group(2)))
        if day:
            found.append((m.start(), day))
    for m in _ISO_DATE.finditer(head):
        day = _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if day:
            found.append((m.start(), day))
    for m in _NUMERIC_DATE.finditer(head):  # day first, as in French and most of Europe
        day = _day(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if day:
            found.append((m.start(), day))
    return min(found, key=lambda f: f[0])[1] if found else None
