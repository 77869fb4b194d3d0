"""One open searcher per thread, reopened when the index on disk changes.

Whoosh-Reloaded 2.7.5 facts that shape this: a searcher shared by threads
returned corrupt-index and unpickling errors and wrong hits, so each thread
keeps its own; ``Searcher.refresh()`` returns deleted documents and duplicates
after a merge, so it is never called: ``up_to_date()`` (microseconds) is checked
on every request and a stale searcher is closed and a new one opened. A
``veille index --rebuild`` swaps in a new folder whose generation numbers start
again, so the folder's inode is compared too.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh.index import Index
from whoosh.searching import Searcher

from veille.indexer.analysis import VeilleAnalyzer
from veille.indexer.store import index_analyzer, open_index

from .search import open_searcher


@dataclass
class OpenIndex:
    ix: Index
    searcher: Searcher
    analyzer: VeilleAnalyzer
    inode: int


OPEN_ATTEMPTS = 3


class SearcherPool:
    """Hands each thread an up-to-date searcher of the index at ``directory``."""

    def __init__(self, directory: Path):
        # A server lives long: NumPy loaded once lets every search with long posting
        # lists use the array evaluation (query/eager.py), which a fresh process
        # saves for lists long enough to pay for the import.
        import numpy  # noqa: F401

        self.directory = directory
        self._local = threading.local()
        self.opened = 0  # how many searchers were opened, for tests and monitoring

    def current(self) -> OpenIndex:
        """This thread's open index; raises ``StoreError`` if there is no usable index."""
        current: OpenIndex | None = getattr(self._local, "current", None)
        inode = self._inode()
        if current is not None:
            if current.inode == inode and current.searcher.up_to_date():
                return current
            current.searcher.close()
            self._local.current = None
        for attempt in range(OPEN_ATTEMPTS):
            try:
                ix = open_index(self.directory)
                searcher = open_searcher(ix)
                break
            except OSError:  # a commit replaced the files between the listing and the opening
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.01)
                inode = self._inode()
        current = OpenIndex(ix, searcher, index_analyzer(ix), inode)
        self._local.current = current
        self.opened += 1
        return current

    def _inode(self) -> int:
        try:
            return os.stat(self.directory).st_ino
        except OSError:
            return -1
