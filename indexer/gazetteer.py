"""The place names of ``indexer/data/gazetteer.txt``, looked up without loading them all.

The file is sorted by key, so a look-up is a binary search through the mapped
file: opening it costs nothing, which keeps ``veille search`` quick to start.
After many look-ups (indexing), the whole table is read into a dictionary.
"""

from __future__ import annotations

import mmap
from functools import lru_cache
from pathlib import Path

from .tables import DATA_DIR

GAZETTEER_FILE = "gazetteer.txt"
MIN_NAME = 4  # shorter words are never looked up: too many are also abbreviations (HIV)


class Gazetteer:
    """A sorted ``key<TAB>place`` file: ``get(key)`` gives the place's token or None."""

    LOAD_AFTER = 2_000  # look-ups before the table is read whole

    def __init__(self, path: Path):
        self.path = path
        self._map: mmap.mmap | None = None
        self._start = 0
        self._table: dict[str, str] | None = None
        self._lookups = 0

    def get(self, key: str) -> str | None:
        if self._table is not None:
            return self._table.get(key)
        self._lookups += 1
        if self._lookups > self.LOAD_AFTER:
            self._table = self._read_all()
            return self._table.get(key)
        return self._search(key)

    def _open(self) -> mmap.mmap | None:
        if self._map is None:
            try:
                with open(self.path, "rb") as f:
                    self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # missing or empty
                return None
            while self._map[self._start : self._start + 1] == b"#":
                self._start = self._map.find(b"\n", self._start) + 1
        return self._map

    def _search(self, key: str) -> str | None:
        data = self._open()
        if data is None or not key.isascii():
            return None
        target = key.encode() + b"\t"
        lo, hi = self._start, len(data)
        # Invariant: the line of ``target``, if any, starts in [lo, hi).
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo, mid) + 1 if mid > lo else lo
            start = max(start, lo)
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            line = data[start:end]
            if line.startswith(target):
                return line[len(target) :].decode()
            if line < target:
                lo = end + 1
            else:
                hi = start
        return None

    def _read_all(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for line in self.path.read_text("utf-8").splitlines():
            if line and not line.startswith("#"):
                key, _, place = line.partition("\t")
                table[key] = place
        return table

    def __len__(self) -> int:
        if self._table is None:
            self._table = self._read_all()
        return len(self._table)


@lru_cache(maxsize=1)
def shipped_gazetteer() -> Gazetteer:
    return Gazetteer(DATA_DIR / GAZETTEER_FILE)
