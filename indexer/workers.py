"""The worker processes of a multi-process write (Whoosh's MpWriter, made safe to kill).

Whoosh's workers wait on a queue they themselves hold open, so a parent killed
with SIGKILL left them running forever, holding the index's lock. Here a worker
ends with its parent (Linux's parent-death signal, and a thread watching for the
parent to change elsewhere), never holds the lock (see ``store.writing_lock``),
and reports an error to its parent instead of printing a traceback: the parent
cancels the write and says what failed in one line. A worker ignores SIGINT and
SIGTERM (from its first instruction: it is started with them held) and is stopped by
its parent with SIGKILL, so a stopped run prints one line, never a worker's traceback.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
import time
from dataclasses import dataclass

from whoosh.multiproc import MpWriter, SubWriterTask

from .pool import with_chunked_runs
from .stopping import ignore_stop_signals, signals_held
from .store import StoreError

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_SECONDS = 0.2  # how often a worker checks that its parent is alive (the fallback)
WAIT_SECONDS = 1.0  # how long the parent waits on a queue before checking its workers


class WorkerFailed(StoreError):
    """A worker process failed or ended: the write is cancelled."""

    def __init__(self, what: str):
        super().__init__(f"{what}; the last committed index is unchanged")


@dataclass
class Failure:
    """What a worker sends its parent instead of its segment when it fails."""

    kind: str
    message: str
    errno: int | None = None
    strerror: str | None = None

    def error(self) -> Exception:
        """The exception the parent raises: an OSError stays one (a full disk is told apart)."""
        if self.errno is not None:
            return OSError(self.errno, self.strerror or self.message)
        return WorkerFailed(f"a worker process failed: {self.kind}: {self.message}")


def end_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` ends, even if it was killed with SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watching thread alone
        pass
    if os.getppid() != parent:  # the parent ended before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


class Worker(SubWriterTask):
    """One worker process: writes a segment of the documents it is sent."""

    def __init__(self, *args, parent: int):
        super().__init__(*args)
        self.parent = parent
        self.daemon = True

    def run(self) -> None:
        end_with_parent(self.parent)
        ignore_stop_signals()  # a stop is the parent's to handle: it kills its workers
        self.ended = False  # the parent's end mark was taken off the queue
        try:
            self._write_segment()
        except BaseException as exc:  # noqa: BLE001  (sent to the parent, which says it)
            if not self.ended:
                self._skip_remaining_jobs()
            self.resultqueue.put(
                Failure(
                    type(exc).__name__,
                    str(exc),
                    getattr(exc, "errno", None),
                    getattr(exc, "strerror", None),
                )
            )

    def _write_segment(self) -> None:
        """Add the documents of every job file, then send the finished segment to the parent."""
        from whoosh.writing import SegmentWriter

        ix = self.storage.open_index(self.indexname)
        writer = self.writer = with_chunked_runs(SegmentWriter(ix, _lk=False, **self.kwargs))
        while (job := self._next_job()) is not None:
            self._process_file(*job)
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment))

    def _next_job(self):
        job = self.jobqueue.get()
        self.ended = job is None
        return job

    def _skip_remaining_jobs(self) -> None:
        """Take the jobs left until the parent's end mark, so the parent never waits on a
        full queue, and delete their files."""
        while (job := self._next_job()) is not None:
            try:
                os.unlink(os.path.join(self.storage.folder, f"{self.indexname}.tmp", job[0]))
            except OSError:
                pass


class SafeMpWriter(MpWriter):
    """Whoosh's multi-process writer (each worker writes its own segment) whose workers
    end with it, and whose commit fails, rather than loses documents, if one fails."""

    def __init__(self, ix, procs: int, **kwargs):
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)

    def _new_task(self):
        task = Worker(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            True,
            parent=os.getpid(),
        )
        with signals_held():  # the worker starts with them held; a stop waits until it is listed
            task.start()
            self.tasks.append(task)
        return task

    def _enqueue(self):
        """Write the buffered documents to a job file and hand it to a worker."""
        import pickle

        from whoosh.util import random_name

        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            for item in self.docbuffer:
                pickle.dump(item, f, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _put(self, job) -> None:
        """Put a job on the queue, waiting while the workers are busy, unless one has ended."""
        while True:
            try:
                self.jobqueue.put(job, timeout=WAIT_SECONDS)
                return
            except queue.Full:
                self._check_workers()

    def _check_workers(self) -> None:
        for task in self.tasks:
            if not task.is_alive():
                raise WorkerFailed(f"a worker process ended unexpectedly (exit {task.exitcode})")

    def _result(self):
        """The next worker's segment, or its failure."""
        while True:
            try:
                return self.resultqueue.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                if not any(task.is_alive() for task in self.tasks):
                    raise WorkerFailed("a worker process ended without its segment") from None

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self._put(None)
        segments = self._merge_segments(mergetype, optimize, merge)
        results = [self._result() for _ in self.tasks]
        for task in self.tasks:
            task.join()
        for result in results:
            if isinstance(result, Failure):
                raise result.error()
        segments += [segment for _, _, segment in results]
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()

    def cancel(self):
        """Stop the workers (their partial files are then removed), then cancel as Whoosh does."""
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.kill()  # workers ignore SIGTERM
            for task in self.tasks:
                task.join()
        finally:
            super().cancel()
