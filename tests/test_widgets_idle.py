"""The idle-time thread (jia_teach.widgets._idle): it runs a view's tasks while the event
loop waits, and gives way (sleeps) while the main thread works (issue 19)."""

from __future__ import annotations

import asyncio
import threading
import time

from jia_teach.widgets._idle import IdleWork, kernel_idle


def test_no_event_loop_no_work() -> None:
    work = IdleWork()
    work.replace([lambda: None])
    assert work.pending == 0
    assert kernel_idle() is False  # this test is the main thread's work


def test_tasks_run_in_order_while_the_loop_waits() -> None:
    done: list[int] = []

    async def main() -> None:
        work = IdleWork(delay=0.0)
        work.replace([lambda: done.append(1), lambda: done.append(2)])
        work.replace([lambda: done.append(3), lambda: done.append(4)])  # the first two dropped
        for _ in range(100):
            await asyncio.sleep(0.01)
            if len(done) == 2:
                break

    asyncio.run(main())
    assert done == [3, 4]


def _step() -> float:
    return time.perf_counter()


def test_a_task_pauses_while_the_main_thread_works() -> None:
    """A long task (Python calls) makes no progress while the main thread computes outside
    the event loop's select, and goes on once the loop waits again."""
    stamps: list[float] = []

    def task() -> None:
        end = time.perf_counter() + 0.6
        while time.perf_counter() < end:
            stamps.append(_step())

    async def main() -> tuple[float, float]:
        work = IdleWork(delay=0.0)
        work.replace([task])
        while not stamps:
            await asyncio.sleep(0.005)
        start = time.perf_counter()
        while time.perf_counter() - start < 0.08:  # the main thread busy (no select), as
            sorted(str(i) for i in range(200))  # long as a widget change
        stop = time.perf_counter()
        await asyncio.sleep(0.8)
        return start, stop

    start, stop = asyncio.run(main())
    # a few steps while the task notices (one switch interval, one look), then none
    during = [t for t in stamps if start + 0.02 < t < stop]
    assert len(during) <= 5, len(during)
    assert any(t > stop for t in stamps)  # it went on afterwards


def test_a_main_thread_that_waits_for_a_task_is_not_kept_waiting() -> None:
    """The main thread blocked on a lock the paused task holds: the task goes on after a
    short patience (no deadlock)."""
    lock, inside = threading.Lock(), threading.Event()

    def task() -> None:
        with lock:
            inside.set()
            end = time.perf_counter() + 0.05
            while time.perf_counter() < end:
                _step()

    async def main() -> float:
        IdleWork(delay=0.0).replace([task])
        while not inside.is_set():
            await asyncio.sleep(0.001)
        start = time.perf_counter()
        with lock:  # waits for the task, outside the event loop's select
            pass
        return time.perf_counter() - start

    assert asyncio.run(main()) < 0.5


def test_what_the_bayesian_explorer_draws_ahead_is_what_it_would_draw() -> None:
    """Every picture and readout prepared in idle time (on the idle thread, while the loop
    waits) is the one a view of that state draws itself: same caption, same pixels."""
    import io

    import numpy as np
    from PIL import Image

    from jia_teach.widgets.bayes import BayesExplorer

    async def main() -> BayesExplorer:
        view = BayesExplorer()
        for _ in range(600):  # at most 30 s
            await asyncio.sleep(0.05)
            if view._idle.pending == 0 and len(view._png) > 8:
                break
        await asyncio.sleep(0.3)  # the last task taken ends
        return view

    view = asyncio.run(main())
    assert len(view._png) > 8, "nothing was prepared in idle time"
    for key, (png, caption) in list(view._png.items())[1:9]:
        comparison, prior, _, _, delta = key
        fresh = BayesExplorer(comparison, prior=prior, threshold=100 * delta)
        png2, caption2 = fresh._figure()
        assert caption == caption2
        a, b = (np.asarray(Image.open(io.BytesIO(x))) for x in (png, png2))
        assert a.shape == b.shape and (a == b).all(), key
        html_key = (*key, fresh._auto())
        if html_key in view._html:
            assert view._html[html_key] == fresh._readout_html()
