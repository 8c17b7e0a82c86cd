"""
The struct logger
=================

geth's default tracer: one entry per instruction (see the package docstring
for the format and how ``gasCost`` is counted).
"""

from __future__ import annotations

from dataclasses import dataclass

from ....evm.exceptions import EvmError, ExceptionalHalt, Revert
from ....evm.frame import Frame
from ....evm.observer import FrameExit, Observer
from ....evm.opcodes import BY_NAME, opcode_name
from ....evm.processor import Execution, TransactionResult
from ..errors import error_message
from .budget import STEP_BYTES, WORD_BYTES, TraceBudget
from .running import hex_data, run_observed, word_hex

SLOAD = BY_NAME["SLOAD"].code
SSTORE = BY_NAME["SSTORE"].code


@dataclass(frozen=True, slots=True)
class StructLogOptions:
    """geth's logger config: ``enableMemory``, ``disableStack``,
    ``disableStorage``, ``enableReturnData``, ``limit`` (0: unlimited)."""

    enable_memory: bool = False
    disable_stack: bool = False
    disable_storage: bool = False
    enable_return_data: bool = False
    limit: int = 0


class StructLogger(Observer):
    def __init__(self, execution: Execution, options: StructLogOptions, budget: TraceBudget | None = None) -> None:
        self.state = execution.state
        self.options = options
        self.budget = budget or TraceBudget()
        self.logs: list[dict] = []
        self._storage: dict[bytes, dict[int, int]] = {}
        self._step: dict | None = None
        self._frame: Frame | None = None
        self._gas_before = 0
        self._gas_after: int | None = None
        self._error: EvmError | None = None
        self._op = 0
        self._stack_size = 0

    @property
    def _full(self) -> bool:
        return bool(self.options.limit) and len(self.logs) >= self.options.limit

    def before_step(self, frame: Frame) -> None:
        self.budget.tick()
        self._frame = frame
        self._op = op = frame.code[frame.pc]
        self._gas_before = frame.gas
        self._gas_after = None
        self._error = None
        self._stack_size = len(frame.stack)
        self._step = None if self._full else self._capture(frame, op)

    def _capture(self, frame: Frame, op: int) -> dict:
        options = self.options
        budget = self.budget
        budget.charge(STEP_BYTES)
        step = {
            "pc": frame.pc,
            "op": opcode_name(op),
            "gas": frame.gas,
            "gasCost": 0,
            "depth": frame.depth + 1,
        }
        if not options.disable_stack:
            stack = step["stack"] = [hex(word) for word in frame.stack]  # at most 1024 words: charged after
            budget.charge(sum(map(len, stack)) + 3 * len(stack))
        if options.enable_return_data and frame.return_data:
            budget.charge(2 * len(frame.return_data))
            step["returnData"] = hex_data(frame.return_data)
        if options.enable_memory and frame.memory:
            memory = frame.memory
            budget.charge(len(memory) // 32 * WORD_BYTES)
            step["memory"] = [hex_data(memory[i : i + 32]) for i in range(0, len(memory), 32)]
        if not options.disable_storage and op in (SLOAD, SSTORE):
            storage = self._storage_seen(frame, op)
            if storage is not None:
                step["storage"] = storage
        if self.state.refund:
            step["refund"] = self.state.refund
        return step

    def _storage_seen(self, frame: Frame, op: int) -> dict[str, str] | None:
        """Record the slot an SLOAD reads or an SSTORE writes; return every
        slot of this contract seen so far."""
        stack = frame.stack
        if len(stack) < (1 if op == SLOAD else 2):
            return None
        key = stack[-1]
        value = self.state.get_storage(frame.address, key) if op == SLOAD else stack[-2]
        seen = self._storage.setdefault(frame.address, {})
        seen[key] = value
        self.budget.charge(2 * WORD_BYTES * len(seen))
        return {word_hex(k): word_hex(v) for k, v in seen.items()}

    def frame_entered(self, frame: Frame) -> None:
        if frame.parent is not self._frame or self._gas_after is not None:
            return
        forwarded = frame.gas if frame.is_create else 0
        self._gas_after = frame.parent.gas + forwarded

    def frame_exited(self, frame: Frame, exit: FrameExit) -> None:
        if frame is self._frame and self._gas_after is None:
            self._gas_after = exit.gas_at_halt
            self._error = exit.halt

    def after_step(self, frame: Frame) -> None:
        step = self._step
        if step is None:
            return
        gas_after = frame.gas if self._gas_after is None else self._gas_after
        step["gasCost"] = self._gas_before - gas_after
        if isinstance(self._error, ExceptionalHalt):
            step["error"] = error_message(self._error, self._op, self._stack_size)
        self.logs.append(step)


def trace_struct_logs(
    execution: Execution, options: StructLogOptions = StructLogOptions(), budget: TraceBudget | None = None
) -> tuple[dict, TransactionResult]:
    """Run ``execution`` under geth's struct logger; return its result object.
    Raises ``TraceLimitExceeded`` if it runs past ``budget``."""
    logger = StructLogger(execution, options, budget)
    result = run_observed(execution, logger)
    reverted = isinstance(result.error, Revert)
    trace = {
        "gas": result.gas_used,
        "failed": not result.success,
        "returnValue": hex_data(result.output if result.success or reverted else b""),
        "structLogs": logger.logs,
    }
    return trace, result
