"""
The periodic-task helper the sequencer and the rollup's loops share: ticks on
the event loop or on a worker thread, a failing tick reported and survived,
start and stop.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from ovm.node.periodic import Periodic

FAST = 0.01


async def until(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(FAST)


def test_ticks_until_stopped_on_the_loop_thread():
    async def scenario():
        threads = []
        task = Periodic("t", FAST, lambda: threads.append(threading.get_ident()))
        task.start()
        assert task.running
        await until(lambda: len(threads) >= 3)
        await task.stop()
        count = len(threads)
        await asyncio.sleep(5 * FAST)
        assert len(threads) == count and not task.running
        assert set(threads) == {threading.get_ident()}

    asyncio.run(scenario())


def test_a_tick_in_a_thread_leaves_the_loop_free():
    async def scenario():
        threads = []
        task = Periodic("t", FAST, lambda: threads.append(threading.get_ident()), in_thread=True)
        task.start()
        await until(lambda: len(threads) >= 2)
        await task.stop()
        assert threading.get_ident() not in threads

    asyncio.run(scenario())


def test_a_failing_tick_is_reported_and_the_next_comes():
    async def scenario():
        calls, errors = [], []

        def tick():
            calls.append(1)
            if len(calls) == 1:
                raise ValueError("first one fails")

        task = Periodic("t", FAST, tick, on_error=errors.append)
        task.start()
        await until(lambda: len(calls) >= 3)
        await task.stop()
        assert [str(e) for e in errors] == ["first one fails"]

    asyncio.run(scenario())


def test_start_twice_and_bad_intervals_are_refused():
    with pytest.raises(ValueError, match="positive"):
        Periodic("t", 0, lambda: None)

    async def scenario():
        task = Periodic("t", FAST, lambda: None)
        task.start()
        with pytest.raises(RuntimeError, match="already running"):
            task.start()
        await task.stop()
        task.start()  # and again after a stop
        await task.stop()

    asyncio.run(scenario())
