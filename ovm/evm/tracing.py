"""
Tracers
=======

Two views of one transaction's execution, in the JSON shapes go-ethereum's
``debug_traceTransaction`` returns, so that tools written for geth (Remix,
Tenderly-style viewers, Foundry, Hardhat plugins) read them unchanged:

* ``trace_struct_logs`` — geth's default "struct logger": one entry per
  instruction, ``{pc, op, gas, gasCost, depth, error?, stack, returnData?,
  memory?, storage?, refund?}``, and ``{gas, failed, returnValue,
  structLogs}`` around them. Formatting follows the cross-client opcode-tracer
  spec (ethereum/execution-apis#762, geth since #34093): ``gas``, ``gasCost``
  and ``depth`` are JSON integers (depth counts from 1); stack words are
  minimal ``0x`` quantities; memory is a list of ``0x``-prefixed 32-byte words
  and appears only with ``enableMemory``; ``storage`` appears on SLOAD and
  SSTORE steps only, holding every slot of the current contract read or
  written so far, as ``0x``-prefixed 32-byte keys and values; ``refund`` and
  ``error`` are left out while empty.
* ``trace_calls`` — geth's ``callTracer``: the tree of call frames, each
  ``{type, from, to, value, gas, gasUsed, input, output, error, revertReason,
  calls, logs}`` with quantities as hex, empty fields left out (``to`` of a
  failed creation included). The top frame's ``gas`` is the transaction's gas
  limit and its ``gasUsed`` the receipt's (refund applied); an inner frame's
  ``gas`` is what it received (a value call's 2300 stipend included) and its
  ``gasUsed`` what it did not give back.

Both take a prepared ``Execution`` and run it to the end with ``Machine.step``
(the interpreter, never the transpiler), returning the tracer's JSON object
and the ``TransactionResult``.

How gasCost is counted
----------------------

An instruction's ``gasCost`` is the frame's gas before it minus the gas after
it, with three adjustments that make it what geth reports:

* a CALL, CALLCODE, DELEGATECALL or STATICCALL costs its own charges (access,
  memory, value transfer, account creation) *plus the gas it forwards* (the
  stipend excluded), measured when the child frame starts, before any of it
  comes back;
* a CREATE or CREATE2 costs its own charges only (32000, initcode words,
  hashing, memory): the forwarded gas is not part of it;
* the instruction that ends a creation frame (RETURN) does not include the
  code deposit, which is charged to the frame after it halts.

On an exceptional halt the frame's remaining gas is burnt; ``gasCost`` is
then what the instruction had charged when it failed (geth shows the cost it
computed, which may exceed the gas there was). Every failing instruction
carries its ``error``; geth writes it only for failures found before the
instruction runs (stack and gas checks), and leaves it out for, e.g., a bad
jump destination. A call that fails before entering its frame (call depth,
insufficient balance) gets no frame of its own in the call tree.

Observing the machine
---------------------

Each tracer is an ``Observer`` (``ovm.evm.observer``) that ``run_observed``
sets on the machine for the run: the machine calls it at every frame entry
and exit and around every instruction.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..state import Log
from .exceptions import (
    AddressCollision,
    CodeSizeExceeded,
    EvmError,
    ExceptionalHalt,
    InvalidContractPrefix,
    InvalidJump,
    InvalidOpcode,
    OutOfGas,
    ReturnDataOutOfBounds,
    Revert,
    StackOverflow,
    StackUnderflow,
    WriteInStaticContext,
)
from .frame import Frame
from .gas import STACK_LIMIT
from .observer import FrameExit, Observer
from .opcodes import BY_NAME, OPCODES, opcode_name
from .processor import Execution, TransactionResult

ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
PANIC_SELECTOR = bytes.fromhex("4e487b71")  # Panic(uint256)
SLOAD = BY_NAME["SLOAD"].code
SSTORE = BY_NAME["SSTORE"].code
LOG_OPS = frozenset(BY_NAME[f"LOG{n}"].code for n in range(5))


class CodeDepositOutOfGas(OutOfGas):
    """A creation's code could not be paid for after its initcode returned."""


# Messages as geth words them (core/vm/errors.go); tools match on them.
ERROR_MESSAGES: dict[type, str] = {
    CodeDepositOutOfGas: "contract creation code storage out of gas",
    OutOfGas: "out of gas",
    InvalidJump: "invalid jump destination",
    WriteInStaticContext: "write protection",
    ReturnDataOutOfBounds: "return data out of bounds",
    InvalidContractPrefix: "invalid code: must not begin with 0xef",
    CodeSizeExceeded: "max code size exceeded",
    AddressCollision: "contract address collision",
    Revert: "execution reverted",
}

# Solidity's panic codes, worded as geth's abi.UnpackRevert words them.
PANIC_REASONS = {
    0x00: "generic panic",
    0x01: "assert(false)",
    0x11: "arithmetic underflow or overflow",
    0x12: "division or modulo by zero",
    0x21: "enum overflow",
    0x22: "invalid encoded storage byte array accessed",
    0x31: "out-of-bounds array access; popping on an empty array",
    0x32: "out-of-bounds access of an array or bytesN",
    0x41: "out of memory",
    0x51: "uninitialized function",
}


# --- shared formatting ----------------------------------------------------------


def hex_data(data: bytes) -> str:
    return "0x" + bytes(data).hex()


def word_hex(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()


def address_hex(address: bytes) -> str:
    return "0x" + address.hex()


def decode_revert_reason(data: bytes) -> str | None:
    """The message of ``Error(string)`` or the meaning of ``Panic(uint256)``
    revert data, or ``None`` if the data is neither."""
    selector, body = data[:4], data[4:]
    if selector == PANIC_SELECTOR and len(body) == 32:
        code = int.from_bytes(body, "big")
        return PANIC_REASONS.get(code, f"unknown panic code: {code:#x}")
    if selector != ERROR_SELECTOR or len(body) < 64:
        return None
    offset = int.from_bytes(body[:32], "big")
    if offset + 32 > len(body):
        return None
    length = int.from_bytes(body[offset : offset + 32], "big")
    if offset + 32 + length > len(body):
        return None
    return body[offset + 32 : offset + 32 + length].decode("utf-8", errors="replace")


def error_message(error: EvmError, op: int | None = None, stack_size: int = 0) -> str:
    """geth's wording of ``error``; ``op`` and ``stack_size`` describe the
    instruction that failed, where there was one."""
    if isinstance(error, StackUnderflow) and op is not None:
        return f"stack underflow ({stack_size} <=> {OPCODES[op].inputs})"
    if isinstance(error, StackOverflow) and op is not None:
        info = OPCODES[op]
        return f"stack limit reached {stack_size} ({STACK_LIMIT + info.inputs - info.outputs})"
    if isinstance(error, InvalidOpcode):
        return "invalid opcode: " + opcode_name(op) if op is not None else "invalid opcode"
    for cls, message in ERROR_MESSAGES.items():
        if isinstance(error, cls):
            return message
    return str(error) or type(error).__name__  # a precompile's or deployment check's reason


# --- driving the machine --------------------------------------------------------


def run_observed(execution: Execution, observer: Observer) -> TransactionResult:
    """Run a prepared execution one instruction at a time under ``observer``."""
    machine = execution.machine
    machine.observer = observer
    try:
        return execution.run()
    finally:
        machine.observer = None


# --- the struct logger ----------------------------------------------------------


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
    def __init__(self, execution: Execution, options: StructLogOptions) -> None:
        self.state = execution.state
        self.options = options
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
        self._frame = frame
        self._op = op = frame.code[frame.pc]
        self._gas_before = frame.gas
        self._gas_after = None
        self._error = None
        self._stack_size = len(frame.stack)
        self._step = None if self._full else self._capture(frame, op)

    def _capture(self, frame: Frame, op: int) -> dict:
        options = self.options
        step = {
            "pc": frame.pc,
            "op": opcode_name(op),
            "gas": frame.gas,
            "gasCost": 0,
            "depth": frame.depth + 1,
        }
        if not options.disable_stack:
            step["stack"] = [hex(word) for word in frame.stack]
        if options.enable_return_data and frame.return_data:
            step["returnData"] = hex_data(frame.return_data)
        if options.enable_memory and frame.memory:
            memory = frame.memory
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
    execution: Execution, options: StructLogOptions = StructLogOptions()
) -> tuple[dict, TransactionResult]:
    """Run ``execution`` under geth's struct logger; return its result object."""
    logger = StructLogger(execution, options)
    result = run_observed(execution, logger)
    reverted = isinstance(result.error, Revert)
    trace = {
        "gas": result.gas_used,
        "failed": not result.success,
        "returnValue": hex_data(result.output if result.success or reverted else b""),
        "structLogs": logger.logs,
    }
    return trace, result


# --- the call tracer ------------------------------------------------------------


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
    def __init__(self, execution: Execution, options: CallTracerOptions) -> None:
        tx = execution.tx
        self.options = options
        self.state = execution.state
        target = tx.to if tx.to is not None else execution.contract_address
        self.top = CallFrame("CALL" if tx.to is not None else "CREATE", execution.sender,
                             target, tx.value, tx.gas, tx.data)
        self._nodes: dict[Frame, tuple[CallFrame, int]] = {}
        self._open: list[CallFrame] = [self.top]
        self._op = 0
        self._stack_size = 0
        self._log_count = 0
        machine = execution.machine
        if machine.done:
            error = machine.error
            message = None if error is None else error_message(error)
            self.top.finish(machine.result.output, error, message)
        else:
            self._nodes[machine.frames[0]] = (self.top, machine.frames[0].gas)

    def before_step(self, frame: Frame) -> None:
        self._op = frame.code[frame.pc]
        self._stack_size = len(frame.stack)
        self._log_count = len(self.state.logs)

    def after_step(self, frame: Frame) -> None:
        if not self.options.with_log or self._op not in LOG_OPS:
            return
        if len(self.state.logs) > self._log_count and not (self.options.only_top_call and frame.depth):
            self._record_log(self.state.logs[-1])

    def _record_log(self, log: Log) -> None:
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
        node = CallFrame(type_, frame.caller, frame.address, value, frame.gas, data)
        self._open[-1].calls.append(node)
        self._open.append(node)
        self._nodes[frame] = (node, frame.gas)

    def frame_exited(self, frame: Frame, exit: FrameExit) -> None:
        entry = self._nodes.pop(frame, None)
        if entry is None:
            return
        node, gas_at_entry = entry
        node.gas_used = gas_at_entry - frame.gas
        error = exit.error
        if exit.halt is None and isinstance(error, OutOfGas):
            error = CodeDepositOutOfGas()
        message = None if error is None else error_message(error, self._op, self._stack_size)
        node.finish(frame.output, error, message)
        if node is not self.top:
            self._open.pop()

    def result_json(self, result: TransactionResult) -> dict:
        self.top.gas_used = result.gas_used
        if self.options.with_log:
            self.top.drop_failed_logs()
        return self.top.to_json()


def trace_calls(
    execution: Execution, options: CallTracerOptions = CallTracerOptions()
) -> tuple[dict, TransactionResult]:
    """Run ``execution`` under geth's callTracer; return the top call frame."""
    tracer = CallTracer(execution, options)
    result = run_observed(execution, tracer)
    return tracer.result_json(result), result

