"""
Periodic tasks
==============

One helper for everything the node and the rollup do every so often — the
sequencer's block production, and the rollup's batcher, proposer and
derivation loops — so each of them is a function and an interval:

- ``Periodic(name, interval, tick)`` calls ``tick`` every ``interval``
  seconds on the event loop, from ``start()`` until ``stop()``; with
  ``in_thread=True`` each call runs on a worker thread instead (for ticks
  that block on I/O, such as L1 requests), and the loop stays free.
- The schedule is fixed-rate without bursts: the next call is due
  ``interval`` after the previous one was due, or right away if a slow call
  overran it, never several at once to catch up.
- A tick that raises does not end the task: ``on_error(exc)`` hears of it (by
  default it is logged with its traceback) and the next tick comes on time.
- ``stop()`` cancels the task and waits for it; a call under way on a worker
  thread finishes on its own, as threads cannot be interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Callable

log = logging.getLogger("ovm.node")


class Periodic:
    """Calls ``tick`` periodically (see the module docstring)."""

    def __init__(
        self,
        name: str,
        interval: float,
        tick: Callable[[], object],
        *,
        in_thread: bool = False,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError(f"{name}: the interval must be positive, got {interval}")
        self.name = name
        self.interval = interval
        self.tick = tick
        self.in_thread = in_thread
        self.on_error = on_error or self._log_error
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError(f"{self.name} is already running")
        self._task = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time() + self.interval
        while True:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            try:
                if self.in_thread:
                    await asyncio.to_thread(self.tick)
                else:
                    self.tick()
            except Exception as exc:  # noqa: BLE001 - the task outlives a bad tick
                self.on_error(exc)
            next_at = max(next_at + self.interval, loop.time())

    def _log_error(self, exc: Exception) -> None:
        log.error("%s failed", self.name, exc_info=exc)
