"""Sorted plain-text tables looked up by binary search: the gazetteer and the variant exceptions.

``indexer/data/gazetteer.txt`` (``key<TAB>place``) and ``variant-exceptions.txt``
(one stem a line) are searched with ``bisect`` over their sorted lines: no
dictionary to build, which keeps ``veille search`` quick to start. A sorted
file (the gazetteer, which is generated) is first searched as it is read, line
boundaries found on the fly; the lines are split out once many words have been
looked up, as when indexing.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

from .tables import DATA_DIR

GAZETTEER_FILE = "gazetteer.txt"
LAST_CHARACTER = chr(0x10FFFF)  # sorts after every character a line holds
MIN_NAME = 4  # shorter words are never looked up: too many are also abbreviations (HIV)
# Marks a gazetteer key that is a name's plain spelling rather than its variant key:
# `=wien<TAB>vena` (Wien's key, ven, is also the French veine's).
SPELLED = "="
# Marks a name as it is written, lower-case with its accents: `~londres<TAB>london`.
# Its plain spelling is a word's (the French londrès), but no word is written so;
# only a word written so is looked up (Londres, not londrès).
WRITTEN = "~"


class SortedTable:
    """A file of lines (``#`` comments, blank lines ignored): ``get(key)`` gives what
    follows ``key<TAB>`` on its line, ``word in table`` says whether a line is that word.

    ``presorted`` says the file is sorted (a generated file): it is searched as text
    until ``SPLIT_AFTER`` look-ups. Otherwise its lines are sorted when first read, so
    a line a user adds anywhere still counts.
    """

    SPLIT_AFTER = 2_000  # a search with snippets looks up a few hundred words

    def __init__(self, path: Path, presorted: bool = False):
        self.path = path
        self.presorted = presorted
        self._text: str | None = None
        self._start = 0
        self._lines: list[str] | None = None
        self._lookups = 0

    def _read(self) -> str:
        if self._text is None:
            try:
                self._text = self.path.read_text("utf-8")
            except OSError:
                self._text = ""
            while self._text.startswith("#", self._start):  # the header
                self._start = self._text.find("\n", self._start) + 1 or len(self._text)
        return self._text

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            # Sorted, comments and blank lines go first, where no key looks; on a
            # generated file, sorted already, this costs about a millisecond.
            lines = self._read().splitlines()
            lines.sort()
            self._lines = lines  # only once sorted: another thread may be looking
        return self._lines

    def _line(self, target: str) -> str | None:
        """The first line at or after ``target`` in sorted order."""
        if self._lines is None and self.presorted and self._lookups < self.SPLIT_AFTER:
            self._lookups += 1
            return self._search_text(target)
        lines = self.lines
        i = bisect_left(lines, target)
        return lines[i] if i < len(lines) else None

    def _search_text(self, target: str) -> str | None:
        text = self._read()
        start = self._offset(target)
        if start >= len(text):
            return None
        end = text.find("\n", start)
        return text[start : len(text) if end < 0 else end]

    def _offset(self, target: str) -> int:
        """Where the first line at or after ``target`` starts in the text (its length if none)."""
        text = self._read()
        lo, hi = self._start, len(text)
        found = len(text)
        while lo < hi:  # lines starting in [lo, hi) are the candidates
            mid = (lo + hi) // 2
            start = text.rfind("\n", lo, mid) + 1 or lo
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            if text[start:end] < target:
                lo = end + 1
            else:
                found, hi = start, start
        return found

    def lines_with_prefix(self, prefix: str) -> list[str]:
        """The lines that start with ``prefix``, in order, found in the text (sorted files)."""
        text = self._read()
        start = self._offset(prefix)
        end = self._offset(prefix + LAST_CHARACTER)
        return text[start:end].splitlines()

    def get(self, key: str) -> str | None:
        target = key + "\t"
        line = self._line(target)
        return line[len(target) :] if line is not None and line.startswith(target) else None

    def values_with_prefix(self, prefix: str, limit: int) -> list[str]:
        """The distinct values of the keys that start with ``prefix``, at most ``limit``."""
        lines, found = self.lines, {}
        i = bisect_left(lines, prefix)
        while i < len(lines) and lines[i].startswith(prefix) and len(found) < limit:
            _, _, value = lines[i].partition("\t")
            if value:
                found[value] = None
            i += 1
        return list(found)

    def __contains__(self, word: str) -> bool:
        return self._line(word) == word


@lru_cache(maxsize=1)
def shipped_gazetteer() -> SortedTable:
    """The place names of ``gazetteer.txt`` (generated by ``tools/make_gazetteer.py``)."""
    return SortedTable(DATA_DIR / GAZETTEER_FILE, presorted=True)


@lru_cache(maxsize=1)
def shipped_exceptions() -> SortedTable:
    """The stems the variant key leaves alone (``variant-exceptions.txt``), which users may edit."""
    return SortedTable(DATA_DIR / "variant-exceptions.txt")
