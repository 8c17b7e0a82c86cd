"""
The call tracer
===============

geth's ``callTracer``: the tree of call frames of one transaction (see the
package docstring for the format).
"""

from __future__ import annotations

from dataclasses import dataclass

from ....evm.exceptions import EvmError, OutOfGas, Revert
from ....evm.frame import Frame
from ....evm.observer import FrameExit, Observer
from ....evm.opcodes import BY_NAME, opcode_name
from ....evm.processor import Execution, TransactionResult
from ....state import Log
from ...errors import decode_revert_reason
from ..errors import CodeDepositOutOfGas, error_message
from .budget import FRAME_BYTES, WORD_BYTES, TraceBudget
from .running import address_hex, hex_data, run_observed

LOG_OPS = frozenset(BY_NAME[f"LOG{n}"].code for n in range(5))
SELFDESTRUCT = BY_NAME["SELFDESTRUCT"].code


@dataclass(frozen=True, slots=True)
class CallTracerOptions:
    """geth's callTracer config: ``onlyTopCall``, ``withLog``."""

    only_top_call: bool = False
    with_log: bool = False


class CallFrame:
    """One node of the call tree, turned into geth's JSON by ``to_json``."""

    __slots__ = ("type", "sender", "to", "value", "gas", "gas_used", "input", "output",
                 "error", "revert_reason", "calls", "logs")

    def __init__(self, type_: str, sender: bytes, to: bytes, value: int | None,
                 gas: int, data: bytes) -> None:
        self.type = type_
        self.sender = sender
        self.to: bytes | None = to
        self.value = value
        self.gas = gas
        self.gas_used = 0
        self.input = data
        self.output = b""
        self.error: str | None = None
        self.revert_reason: str | None = None
        self.calls: list[CallFrame] = []
        self.logs: list[dict] = []

    def finish(self, output: bytes, error: EvmError | None, message: str | None) -> None:
        """Record how the frame ended (geth's ``processOutput``)."""
        if error is None:
            self.output = output
            return
        self.error = message
        if self.type in ("CREATE", "CREATE2"):
            self.to = None
        if isinstance(error, Revert) and output:
            self.output = output
            self.revert_reason = decode_revert_reason(output)

    def drop_failed_logs(self, parent_failed: bool = False) -> None:
        """Logs of a failed frame, or of any frame inside one, never happened."""
        failed = parent_failed or self.error is not None
        if failed:
            self.logs = []
        for call in self.calls:
            call.drop_failed_logs(failed)

    def to_json(self) -> dict:
        out = {"type": self.type, "from": address_hex(self.sender)}
        if self.to is not None:
            out["to"] = address_hex(self.to)
        if self.value is not None:
            out["value"] = hex(self.value)
        out["gas"] = hex(self.gas)
        out["gasUsed"] = hex(self.gas_used)
        out["input"] = hex_data(self.input)
        if self.output:
            out["output"] = hex_data(self.output)
        if self.error is not None:
            out["error"] = self.error
        if self.revert_reason is not None:
            out["revertReason"] = self.revert_reason
        if self.calls:
            out["calls"] = [call.to_json() for call in self.calls]
        if self.logs:
            out["logs"] = self.logs
        return out


class CallTracer(Observer):
    def __init__(self, execution: Execution, options: CallTracerOptions, budget: TraceBudget | None = None) -> None:
        tx = execution.tx
        self.options = options
        self.budget = budget or TraceBudget()
        self.state = execution.state
        target = tx.to if tx.to is not None else execution.contract_address
        self.top = CallFrame("CALL" if tx.to is not None else "CREATE", execution.sender,
                             target, tx.value, tx.gas, tx.data)
        self._nodes: dict[Frame, tuple[CallFrame, int]] = {}
        self._open: list[CallFrame] = [self.top]
        self._op = 0
        self._stack_size = 0
        self._log_count = 0
        self._selfdestruct: tuple[Frame, bytes, int] | None = None
        machine = execution.machine
        if machine.done:
            error = machine.error
            message = None if error is None else error_message(error)
            self.top.finish(machine.result.output, error, message)
        else:
            self._nodes[machine.frames[0]] = (self.top, machine.frames[0].gas)

    def before_step(self, frame: Frame) -> None:
        self.budget.tick()
        self._op = frame.code[frame.pc]
        self._stack_size = len(frame.stack)
        self._log_count = len(self.state.logs)
        if self._op == SELFDESTRUCT and frame.stack and not self.options.only_top_call:
            beneficiary = (frame.stack[-1] & ((1 << 160) - 1)).to_bytes(20, "big")
            self._selfdestruct = (frame, beneficiary, self.state.get_balance(frame.address))

    def after_step(self, frame: Frame) -> None:
        if not self.options.with_log or self._op not in LOG_OPS:
            return
        if len(self.state.logs) > self._log_count and not (self.options.only_top_call and frame.depth):
            self._record_log(self.state.logs[-1])

    def _record_log(self, log: Log) -> None:
        self.budget.charge(FRAME_BYTES + WORD_BYTES * len(log.topics) + 2 * len(log.data))
        node = self._open[-1]
        node.logs.append({
            "address": address_hex(log.address),
            "topics": [hex_data(topic) for topic in log.topics],
            "data": hex_data(log.data),
            "position": hex(len(node.calls)),
        })

    def frame_entered(self, frame: Frame) -> None:
        if self.options.only_top_call:
            return
        type_ = opcode_name(self._op)
        value = None if type_ == "STATICCALL" else frame.value
        data = frame.bytecode if frame.is_create else frame.data
        self.budget.charge(FRAME_BYTES + 2 * len(data))
        node = CallFrame(type_, frame.caller, frame.address, value, frame.gas, data)
        self._open[-1].calls.append(node)
        self._open.append(node)
        self._nodes[frame] = (node, frame.gas)

    def frame_exited(self, frame: Frame, exit: FrameExit) -> None:
        entry = self._nodes.pop(frame, None)
        if entry is None:
            return
        node, gas_at_entry = entry
        self._record_selfdestruct(frame, node, exit)
        self.budget.charge(2 * len(frame.output))
        node.gas_used = gas_at_entry - frame.gas
        error = exit.error
        if exit.halt is None and isinstance(error, OutOfGas):
            error = CodeDepositOutOfGas()
        message = None if error is None else error_message(error, self._op, self._stack_size)
        node.finish(frame.output, error, message)
        if node is not self.top:
            self._open.pop()

    def _record_selfdestruct(self, frame: Frame, node: CallFrame, exit: FrameExit) -> None:
        """A frame that ended in SELFDESTRUCT gets geth's SELFDESTRUCT child:
        from the contract to the beneficiary, with the balance it sent."""
        pending, self._selfdestruct = self._selfdestruct, None
        if pending is None or pending[0] is not frame or exit.error is not None:
            return
        _, beneficiary, balance = pending
        self.budget.charge(FRAME_BYTES)
        node.calls.append(CallFrame("SELFDESTRUCT", frame.address, beneficiary, balance, 0, b""))

    def result_json(self, result: TransactionResult) -> dict:
        self.top.gas_used = result.gas_used
        if self.options.with_log:
            self.top.drop_failed_logs()
        return self.top.to_json()


def trace_calls(
    execution: Execution, options: CallTracerOptions = CallTracerOptions(), budget: TraceBudget | None = None
) -> tuple[dict, TransactionResult]:
    """Run ``execution`` under geth's callTracer; return the top call frame.
    Raises ``TraceLimitExceeded`` if it runs past ``budget``."""
    tracer = CallTracer(execution, options, budget)
    result = run_observed(execution, tracer)
    return tracer.result_json(result), result
