"""
Running a tracer
================

``run_observed`` runs a prepared execution under a tracer (an ``Observer``
set on the machine for the run), and the hex forms and revert decoding the
tracers' JSON shares.
"""

from __future__ import annotations

from ....evm.observer import Observer
from ....evm.processor import Execution, TransactionResult

ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
PANIC_SELECTOR = bytes.fromhex("4e487b71")  # Panic(uint256)

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


def run_observed(execution: Execution, observer: Observer) -> TransactionResult:
    """Run a prepared execution one instruction at a time under ``observer``."""
    machine = execution.machine
    machine.observer = observer
    try:
        return execution.run()
    finally:
        machine.observer = None
