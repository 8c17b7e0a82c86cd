"""
Trace bounds
============

A ``TraceBudget`` gives a trace a deadline, checked at every instruction in
the tracer's step hook, and a number of bytes of JSON it may keep, charged
before the tracer keeps them (a step's memory and storage before they are
copied, a call's input before it is recorded). Past either, the tracer raises
``TraceLimitExceeded``, an ``ExecutionAborted``, and the machine stops at
once: an endless loop at the gas cap, or memory grown in a loop, costs at most
the budget.
"""

from __future__ import annotations

import math
import time

from ....evm.observer import ExecutionAborted


class TraceLimitExceeded(ExecutionAborted):
    """A trace stopped before the end: past its deadline or its size bound."""


class TraceBudget:
    """What one trace may spend: ``timeout`` seconds from its creation and
    ``max_bytes`` of JSON kept by the tracer (both unbounded by default)."""

    def __init__(self, timeout: float = math.inf, max_bytes: float = math.inf) -> None:
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.max_bytes = max_bytes
        self.used = 0

    def tick(self) -> None:
        """Called at every instruction."""
        if time.monotonic() >= self.deadline:
            raise TraceLimitExceeded(f"execution timeout: the trace ran past {self.timeout:g} s")

    def charge(self, size: int) -> None:
        """Called before the tracer keeps ``size`` more bytes of JSON."""
        self.used += size
        if self.used > self.max_bytes:
            raise TraceLimitExceeded(f"trace too large: more than {self.max_bytes} bytes of JSON")


STEP_BYTES = 100  # a struct log step's fixed fields
WORD_BYTES = 70  # a 32-byte word as a quoted 0x string, with its comma
FRAME_BYTES = 300  # a call frame's fixed fields
