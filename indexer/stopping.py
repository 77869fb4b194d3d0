"""Stopping an indexing run at any moment: SIGINT and SIGTERM held back where a step must
not be cut in two, and worker processes that only their parent stops.

A stop (SIGTERM, or Ctrl-C's SIGINT) raises KeyboardInterrupt in the parent wherever it
is (see ``query.cli.stopped_by_signals``); the parent then stops its workers and removes
what its write left. Two steps must not be cut: starting a worker (a worker forked
with the parent's handlers would raise KeyboardInterrupt itself and print a traceback,
or be started unbeknown to the parent), and abandoning a write and removing its files.
Signals arriving during them are held and delivered after.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back in this thread until the block ends; they are then
    delivered. A process started inside the block starts with them held too."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no holding, as before
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_stop_signals() -> None:
    """In a worker started inside ``signals_held``: ignore SIGINT and SIGTERM (a Ctrl-C or
    a SIGTERM sent to the whole process group included; one that came while the worker
    started is dropped), then let signals through. Its parent stops it with SIGKILL."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
