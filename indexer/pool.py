"""The writer's postings buffer, spilled to disk in sorted runs a chunk at a time.

Whoosh's writer keeps postings in memory up to its ``limitmb`` and then writes
them, sorted, to a run file that the commit merges back. It pickles each posting
on its own, and the commit unpickles them one by one: at 10,000 articles on one
writer that was 15% of indexing time. Here a run is written as pickled lists of
``CHUNK`` postings and read back a list at a time; runs are merged few enough at a
time that their chunks in memory take no more than the buffer did.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator

from whoosh.writing import PostingPool, SegmentWriter

CHUNK = 8192  # postings per pickled list
# Whoosh's estimate of a posting's size in memory (fields, term, value), in bytes:
# the commit merges at most as many runs at once as the buffer holds chunks, so
# that the chunks read together never take more than the buffer did.
POSTING_BYTES = 140
# The fixed part of Whoosh's estimate of one posting (tuple, strings, numbers).
_POSTING_OVERHEAD = 28 + 4 * 5 + 21 + 26 + 18 + 16 + 21


class ChunkedPostingPool(PostingPool):
    """Whoosh's ``PostingPool`` whose runs are written and read a chunk of postings at a time."""

    def _write_run(self, f, items: Iterable[tuple]) -> None:
        try:
            chunk: list[tuple] = []
            for item in items:
                chunk.append(item)
                if len(chunk) >= CHUNK:
                    pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                    chunk = []
            if chunk:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()

    def add(self, item: tuple) -> None:
        """Whoosh's ``PostingPool.add`` (the same size estimate, so the same spills),
        without its type checks: the postings come from the writer's own fields."""
        fieldname, tbytes, _, _, vbytes = item
        self.fieldnames.add(fieldname)
        size = _POSTING_OVERHEAD + len(fieldname) + 2 * len(tbytes) + len(vbytes or b"")
        self.currentsize += size
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def items(self, maxfiles: int = 128):
        chunks = int(self.limit // (CHUNK * POSTING_BYTES))
        return super().items(maxfiles=max(2, min(maxfiles, chunks)))

    def _read_run(self, path: str) -> Iterator[tuple]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


def with_chunked_runs(writer: SegmentWriter) -> SegmentWriter:
    """``writer`` with its (still empty) postings buffer replaced by a ``ChunkedPostingPool``."""
    chunked = ChunkedPostingPool(writer.pool.tempstore, writer.pool.segment)
    chunked.limit = writer.pool.limit
    writer.pool = chunked
    return writer
