"""Work done ahead in the kernel's idle time, on a thread that gives way to the kernel.

A view that can prepare what a learner's next choice shows (a chart, a readout) hands the
tasks to :class:`IdleWork`. They run one at a time on one thread shared by every view of the
kernel (``jia-idle``), and only while the kernel has nothing else to do: before each task and
at every Python function call inside one (a profile hook on that thread alone), the thread
looks at the kernel's own threads (the main thread, ``IOPub``, ``Shell channel``, ``Control``,
any subshell); while any of them is outside its event loop's ``select`` (a message being read,
a cell or a widget change being handled, an update being sent), the thread sleeps. A key press
therefore never waits for a task (issue 19: with the tasks on the main thread, a key press that
came in mid-task waited up to 40 ms for it, and pushed a few samples of tutorial 8 over
100 ms in Chromium).

Why a thread and not smaller slices on the main thread: the pieces cannot be made small (one
chart draw is 20-35 ms of matplotlib; an informed prior's integrals up to 45 ms), and a
message that arrives during a piece waits for it. On the thread, a message waits for the
interpreter lock at most one switch interval; while tasks run (the kernel otherwise idle) the
thread lowers that interval to 1 ms and restores it whenever it pauses or ends, so the kernel's
threads run with the interval they had whenever they have work.

A task must not touch what the learner's view draws with: it draws on figures of its own and
reads a snapshot of the state it prepares (taken when the task was made), and writes only
to caches keyed by that whole state (so a task overtaken by the learner stores a right answer
for a state no longer shown, never a wrong one for the state shown).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["IdleWork", "kernel_idle"]

_LOG = logging.getLogger(__name__)
#: The kernel's threads that handle messages (ipykernel 7): idle when in ``select``. Kernel
#: subshells (threads named ``subshell-...``; JupyterLab 4.6 opens one, which can receive
#: widget messages) are watched as well.
_KERNEL_THREADS = ("IOPub", "Shell channel", "Control")
_CHECK_EVERY = 0.0005  # seconds between two looks at the kernel's threads inside a task
_PAUSE = 0.005  # seconds slept while the kernel is busy (each look takes the lock)
_SWITCH = 0.001  # the interpreter's switch interval while a task runs alone
_STUCK = 4  # looks (_PAUSE apart) at a kernel thread that does not move: it may wait for us
_PATIENCE = 0.1  # seconds a task gives way to a kernel thread that seems not to move


def _watched() -> set[int]:
    main = threading.main_thread().ident
    idents = {
        t.ident
        for t in threading.enumerate()
        if t.name in _KERNEL_THREADS or t.name.startswith("subshell")
    }
    return {i for i in (main, *idents) if i is not None}


def _busy(watched: set[int]) -> list[tuple[int, int, int]]:
    """Where each of the ``watched`` threads is that is not waiting in its event loop's
    ``select`` (thread, frame, instruction): empty when the kernel is idle."""
    frames = sys._current_frames()
    busy = []
    for ident in watched:
        frame = frames.get(ident)
        if frame is None:
            continue
        code = frame.f_code
        if code.co_name != "select" or not code.co_filename.endswith(
            ("selectors.py", "windows_events.py")
        ):
            busy.append((ident, id(frame), frame.f_lasti))
    return busy


def kernel_idle() -> bool:
    """Whether the kernel's message-handling threads all wait in their event loop's
    ``select`` (nothing read, handled or sent at this moment).

    Examples
    --------
    >>> kernel_idle()  # a doctest runs on the main thread: busy
    False
    """
    return not _busy(_watched())


def _importing(frame: Any) -> bool:
    """Whether ``frame`` or a caller is inside an import (which holds a module's lock)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


class _Worker:
    """The one thread that runs every view's idle work, the last view changed first."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._queues: list[IdleWork] = []  # views with tasks, the last changed last
        self._thread: threading.Thread | None = None
        self._checked = 0.0
        self._go_on = False  # give way no more in this task (a kernel thread waits for it)
        self._switch: float | None = None  # the interval to restore, while lowered
        self._watched: set[int] = set()

    def submit(self, work: IdleWork) -> None:
        with self._ready:
            if work in self._queues:
                self._queues.remove(work)
            self._queues.append(work)
            self._ready.notify()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="jia-idle", daemon=True)
                self._thread.start()

    def _next(self) -> tuple[IdleWork, Callable[[], object], int]:
        with self._ready:
            while True:
                for work in reversed(self._queues):
                    if work._tasks:
                        return work, work._tasks.pop(), work._generation
                self._queues.clear()
                self._ready.wait()

    def _run(self) -> None:
        while True:
            work, task, generation = self._next()
            self._give_way(after=work._not_before)
            if work._generation != generation:  # replaced meanwhile: not wanted any more
                continue
            self._go_on = False
            sys.setprofile(self._hook)  # this thread only, inside a task only
            try:
                task()
            except Exception:  # a task that fails prepares nothing; the view computes on use
                sys.setprofile(None)
                _LOG.exception("idle-time task failed")
            finally:
                sys.setprofile(None)
                self._restore_switch()

    def _hook(self, frame: Any, _event: str, _arg: Any) -> None:
        if (
            not self._go_on
            and time.perf_counter() - self._checked >= _CHECK_EVERY
            and not _importing(frame)
        ):
            self._give_way(in_task=True)

    def _give_way(self, after: float = 0.0, *, in_task: bool = False) -> None:
        """Sleep until the kernel is idle (and the clock is past ``after``).

        Inside a task, a kernel thread busy for ``_PATIENCE`` seconds (longer than a widget
        change takes) that stays at one instruction for ``_STUCK`` looks may be waiting for
        something this task holds (a lock): the task then goes on to its end without giving
        way again (never a deadlock; at worst a shared core during a long cell).
        """
        self._watched = self._watched or _watched()
        before: list[tuple[int, int, int]] = []
        still, start = 0, time.perf_counter()
        while True:
            busy = _busy(self._watched)
            now = time.perf_counter()
            if not busy and now >= after:
                break
            still = still + 1 if busy and busy == before else 0
            if in_task and still >= _STUCK and now - start >= _PATIENCE:
                self._go_on = True
                break
            before = busy
            self._restore_switch()
            time.sleep(_PAUSE)
            self._watched = _watched()  # threads come and go (a kernel restarting)
        if self._switch is None:
            self._switch = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch, _SWITCH))
        self._checked = time.perf_counter()

    def _restore_switch(self) -> None:
        if self._switch is not None:
            sys.setswitchinterval(self._switch)
            self._switch = None


_WORKER = _Worker()


class IdleWork:
    """Tasks run one at a time in the kernel's idle time, so that a learner's next choice
    finds its answer computed (issue 19: a first choice must cost what a repeat costs).

    :meth:`replace` sets the tasks (what the present state makes reachable in one step);
    they start ``delay`` seconds after the last call, on the idle-time thread, which gives way
    to the kernel whenever it has a message (see the module's text). Outside a running event
    loop (a script, a test, a doctest) nothing is scheduled and the tasks are dropped.

    Examples
    --------
    >>> work = IdleWork()
    >>> work.replace([lambda: print("never: no event loop here")])
    >>> work.pending
    0
    """

    def __init__(self, *, delay: float = 0.05) -> None:
        self._tasks: list[Callable[[], object]] = []
        self._delay = delay
        self._not_before = 0.0
        self._generation = 0  # one more on every replace: a task taken before is dropped

    @property
    def pending(self) -> int:
        """How many tasks are still to run."""
        return len(self._tasks)

    def replace(self, tasks: list[Callable[[], object]]) -> None:
        """Drop the tasks not yet run; run ``tasks`` (in order) once the kernel is idle."""
        import asyncio

        try:
            asyncio.get_running_loop()  # the kernel's, while it answers a message
        except RuntimeError:  # no event loop: nothing to prepare for
            self._tasks = []
            return
        with _WORKER._ready:
            self._tasks = list(reversed(tasks))
            self._generation += 1
            self._not_before = time.perf_counter() + self._delay
        _WORKER.submit(self)
