"""
Chain errors
============

What the node's chain refuses (``ChainError``), and the two ways a call can
fail to give an answer: it reverts (``ExecutionReverted``, with the revert
data and its reason), or no gas limit lets it succeed (``GasEstimationError``).

``decode_revert_reason`` reads revert data as Solidity writes it: the message
of ``Error(string)``, or the meaning of a ``Panic(uint256)`` code; the RPC
errors, the call tracer and the L1 client all read reasons with it.
"""

from __future__ import annotations

from ..evm.exceptions import EvmError

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


class ChainError(Exception):
    """The chain cannot do what was asked (another genesis in the store, a state
    root that does not match, a block or state that is not there)."""


class ExecutionReverted(ChainError):
    """The call reverted; ``output`` holds the revert data, ``reason`` what
    it says (``decode_revert_reason``), which the message names."""

    def __init__(self, output: bytes) -> None:
        self.reason = decode_revert_reason(output)
        suffix = "" if self.reason is None else f": {self.reason}"
        super().__init__("execution reverted" + suffix)
        self.output = output


class GasEstimationError(ChainError):
    """No gas limit up to the cap lets the call succeed; ``error`` is the EVM's
    error that stopped it, if one did (the RPC layer words it as geth does)."""

    def __init__(self, message: str, error: EvmError | None = None) -> None:
        super().__init__(message)
        self.error = error


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
