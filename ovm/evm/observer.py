"""
Observers
=========

How to watch the machine run, as revm's ``Inspector`` does: an ``Observer``
set on ``Machine.observer`` is called when a frame starts (``frame_entered``,
before anything of the message happens), before and after each instruction
(``before_step``, ``after_step``) and when a frame has been settled
(``frame_exited``, with a ``FrameExit``). The tracers that format what they
see (geth's struct logs and call tracer) live with the node's ``debug_*``
methods; the machine only makes these calls.

While an observer is set, ``Machine.run`` executes one instruction at a time
in the interpreter (never the transpiled code), so that every instruction is
seen. Without one the machine pays one attribute test per frame entered and
settled, and nothing per instruction.

An observer may end the run at any of its calls by raising ``ExecutionAborted``
(a tracer over its time, step or size budget): the exception leaves the
machine and its state mid-transaction and reaches whoever called ``run`` or
``step``, who must discard that state (tracing runs on a rebuilt state or
inside a call's sandbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .exceptions import EvmError

if TYPE_CHECKING:  # pragma: no cover
    from .frame import Frame


class ExecutionAborted(Exception):
    """Raised by an observer to stop the machine; the message says why.
    Not an ``EvmError``: no frame catches it."""


@dataclass(frozen=True, slots=True)
class FrameExit:
    """How a frame ended: ``halt`` is what stopped its code (``None`` for a
    normal halt), ``error`` what failed the frame in the end (a code-deposit
    failure after a normal halt included), ``gas_at_halt`` its gas when it
    stopped, before code deposit or burning."""

    error: EvmError | None
    halt: EvmError | None
    gas_at_halt: int


class Observer:
    """What an observer sees; the default methods ignore everything."""

    def frame_entered(self, frame: "Frame") -> None: ...

    def before_step(self, frame: "Frame") -> None: ...

    def after_step(self, frame: "Frame") -> None: ...

    def frame_exited(self, frame: "Frame", exit: FrameExit) -> None: ...
