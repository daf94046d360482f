"""The threads of the file pipeline: read ahead, write behind (the two cores of a laptop).

``jia-teach score`` runs in three stages, each in its own thread, handing blocks on through
bounded queues so that memory stays a few blocks whatever the file's size:

1. :class:`ReadAhead`: read, check and parse the next block (Arrow's C parser releases the
   GIL);
2. the caller's thread: score the block (numpy) and format its decisions;
3. :class:`WriteBehind`: join each block's fields into rows and write them (Arrow's join and
   the ``write`` system call release the GIL). Every :data:`WRITEBACK` bytes written to a
   file are handed to the disk at once and dropped from the page cache once there
   (``posix_fadvise(POSIX_FADV_DONTNEED)``), so the final ``fsync`` of the atomic output
   waits for little, the pages are reused for the next blocks (fresh ones cost more than
   the copy, above all in a virtual machine) and a large output does not push the user's
   other files out of memory.

Order is kept (one thread per stage, first in first out) and an error in any stage is raised
in the caller's thread, with its own type, at the next hand-over; the caller then discards the
output (:mod:`jia_teach.io.atomic`). Both workers are daemon threads that check a stop flag
at every hand-over, so Ctrl-C is never held up by a full queue.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

__all__ = ["ReadAhead", "WriteBehind"]

#: Bytes written between two hand-overs to the disk (see the module docstring).
WRITEBACK = 16 << 20
#: How long a worker waits on a full queue before it looks at the stop flag again.
_POLL = 0.1


def _put(q: queue.Queue, item: Any, stop: threading.Event) -> bool:
    """Put ``item`` in ``q`` unless ``stop`` is set first; whether it was put."""
    while not stop.is_set():
        try:
            q.put(item, timeout=_POLL)
            return True
        except queue.Full:
            continue
    return False


class ReadAhead:
    """(chunk, prepare(chunk)) for each chunk, the next ones read and prepared in a worker
    thread while this one is scored and written. The worker starts at once (so it reads
    while the caller is still importing or checking) and at most ``depth`` chunks wait
    ahead, so memory stays about ``depth + 1`` blocks. It is a daemon thread: a read that
    never returns (a FIFO nobody closes) cannot hold up Ctrl-C or the exit. :meth:`close`
    (also at the end, on an error and when garbage-collected) stops it at its next
    hand-over.

    Examples
    --------
    >>> list(ReadAhead(iter([1, 2, 3]), lambda x: x * 10))
    [(1, 10), (2, 20), (3, 30)]
    """

    def __init__(
        self, chunks: Iterator[Any], prepare: Callable[[Any], Any], depth: int = 1
    ) -> None:
        self._ready: queue.Queue[tuple[Any, Any, BaseException | None]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._done = False
        ready, stop = self._ready, self._stop

        def work() -> None:
            try:
                for chunk in chunks:
                    if not _put(ready, (chunk, prepare(chunk), None), stop):
                        return
                _put(ready, (None, None, None), stop)
            except BaseException as exc:  # handed to the consumer, raised there
                _put(ready, (None, None, exc), stop)

        threading.Thread(target=work, name="jia-teach-read", daemon=True).start()

    def __iter__(self) -> ReadAhead:
        return self

    def __next__(self) -> tuple[Any, Any]:
        if self._done:
            raise StopIteration
        chunk, prepared, exc = self._ready.get()
        if exc is not None or chunk is None:
            self.close()
            if exc is not None:
                raise exc
            raise StopIteration
        return chunk, prepared

    def limit(self, depth: int) -> None:
        """From now on at most ``depth`` chunks wait ahead (the worker waits for room)."""
        with self._ready.mutex:
            self._ready.maxsize = depth

    def close(self) -> None:
        """Stop the worker at its next hand-over (nothing more is read or prepared)."""
        self._done = True
        self._stop.set()

    def __del__(self) -> None:
        self._stop.set()


class WriteBehind:
    """Write jobs to ``handle`` in order, in one worker thread, at most ``depth`` waiting.

    A job is a callable returning the bytes-like pieces to write (it runs in the worker, so
    its own work, such as Arrow's row join, overlaps the caller's next block). Only the worker
    touches ``handle`` until :meth:`drain` returns. The first error of a job (a full disk) is
    raised by the next :meth:`submit` or :meth:`drain`; later jobs are dropped.

    Examples
    --------
    >>> import io
    >>> out = io.BytesIO()
    >>> w = WriteBehind(out)
    >>> w.submit(lambda: [b"a,b\\n"])
    >>> w.submit(lambda: (b"1,", b"2\\n"))
    >>> w.drain()
    >>> out.getvalue()
    b'a,b\\n1,2\\n'
    """

    def __init__(self, handle: IO[bytes], depth: int = 1) -> None:
        self.handle = handle
        self._jobs: queue.Queue[Callable[[], Iterable[Any]] | None] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._fd: int | None = None  # the file's descriptor; -1 when not a file
        self._dropped = self._handed = 0  # offsets: dropped from the cache / handed to the disk

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                job = self._jobs.get(timeout=_POLL)
            except queue.Empty:
                continue
            try:
                if job is None:
                    return
                if self._error is None:
                    for piece in job():
                        self.handle.write(piece)
                    self._write_back()
            except BaseException as exc:  # raised in the caller's thread
                self._error = exc
            finally:
                self._jobs.task_done()

    def _write_back(self) -> None:
        """Start the writeback of what was written since the last call (every
        :data:`WRITEBACK` bytes) and drop the range before it, on disk by now, from the cache."""
        if self._fd is None:
            try:
                self._fd = self.handle.fileno()
                os.lseek(self._fd, 0, os.SEEK_CUR)  # a pipe or terminal: not a file
            except (AttributeError, OSError, ValueError):
                self._fd = -1
        if self._fd < 0:
            return
        self.handle.flush()
        end = os.lseek(self._fd, 0, os.SEEK_CUR)
        if end - self._handed < WRITEBACK:
            return
        try:  # writeback of [handed, end) starts; [dropped, handed) is dropped if written
            os.posix_fadvise(self._fd, self._dropped, end - self._dropped, os.POSIX_FADV_DONTNEED)
        except OSError:
            self._fd = -1  # not supported here: the final fsync does it all
        self._dropped, self._handed = self._handed, end

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self.stop()
            raise error

    def submit(self, job: Callable[[], Iterable[Any]]) -> None:
        """Queue ``job`` (waits while ``depth`` jobs are queued); raise an earlier job's error."""
        self._raise()
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="jia-teach-write", daemon=True)
            self._thread.start()
        _put(self._jobs, job, self._stop)

    def drain(self) -> None:
        """Wait until every queued job is written; raise the first error of any."""
        if self._thread is not None:
            self._jobs.join()
        self._raise()

    def stop(self) -> None:
        """Drop the jobs not started and wait for the one being written (if any) to end."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()
