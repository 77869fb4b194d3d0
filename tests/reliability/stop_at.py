"""Run `veille index ARGS...` in this process and stop it with SIGNAL at MOMENT.

Usage: python stop_at.py MOMENT SIGNAL ARGS...  (for test_stopped_runs.py)

Each moment is reached by wrapping the function that begins or ends it, and the
process sends itself the signal there, so the stop lands at that moment every time:

- writer-opened: Whoosh's writer has just locked the index and created its files;
- worker-started: a worker process of --procs has just been started, and it is held
  (before any of its own code runs) until its parent has signalled it to stop;
- toc-unwritten: the commit is about to write its table of contents;
- toc-written: the commit has just written it (the commit is made), before it ends;
- in-finalizer: the first document has just been added, and the signal is handled in a
  finalizer (as when it lands while a dropped generator is closed), where Python
  reports the KeyboardInterrupt and drops it.
"""

from __future__ import annotations

import os
import signal
import sys
from functools import wraps

PARENT = os.getpid()


def stop_after(owner, name: str, signum: int, before: bool = False) -> None:
    """Make ``owner.name`` send this process ``signum`` once, after it (or before it)."""
    original = getattr(owner, name)
    sent = []

    @wraps(original)
    def wrapper(*args, **kwargs):
        if before:
            stop()
        result = original(*args, **kwargs)
        stop()
        return result

    def stop() -> None:
        if os.getpid() == PARENT and not sent:
            sent.append(signum)
            os.kill(PARENT, signum)

    setattr(owner, name, wrapper)


class StopWhenDropped:
    """Sends this process a signal from its finalizer."""

    def __init__(self, signum: int):
        self.signum = signum

    def __del__(self):
        os.kill(PARENT, self.signum)  # the handler runs here, in the finalizer


def stop_in_finalizer_after(owner, name: str, signum: int) -> None:
    """Make ``owner.name`` send this process ``signum`` once, after it, from a finalizer."""
    original = getattr(owner, name)
    sent = []

    @wraps(original)
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        if os.getpid() == PARENT and not sent:
            sent.append(signum)
            StopWhenDropped(signum)  # dropped at once
        return result

    setattr(owner, name, wrapper)


def hold_workers_until_stopped() -> None:
    """Keep each forked worker at its first step until its parent has sent it a signal."""
    import multiprocessing

    read_end, write_end = os.pipe()
    os.register_at_fork(after_in_child=lambda: os.read(read_end, 1))
    for name in ("terminate", "kill"):
        original = getattr(multiprocessing.Process, name)

        def signalled(self, _original=original):
            _original(self)
            os.write(write_end, b"x")

        setattr(multiprocessing.Process, name, signalled)


def main() -> None:
    moment, signame, *args = sys.argv[1:]
    signum = signal.Signals[signame]
    if moment == "writer-opened":
        from whoosh.writing import SegmentWriter

        stop_after(SegmentWriter, "__init__", signum)
    elif moment == "worker-started":
        from veille.indexer.workers import SafeMpWriter

        hold_workers_until_stopped()
        stop_after(SafeMpWriter, "_new_task", signum)
    elif moment in ("toc-unwritten", "toc-written"):
        from whoosh.index import TOC

        stop_after(TOC, "write", signum, before=moment == "toc-unwritten")
    elif moment == "in-finalizer":
        from whoosh.writing import SegmentWriter

        stop_in_finalizer_after(SegmentWriter, "add_document", signum)
    else:
        raise SystemExit(f"unknown moment {moment}")
    from veille.query.cli import main as veille

    sys.argv = ["veille", "index", *args]
    veille()


if __name__ == "__main__":
    main()
