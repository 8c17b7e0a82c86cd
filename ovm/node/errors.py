"""
Chain errors
============

What the node's chain refuses (``ChainError``), and the two ways a call can
fail to give an answer: it reverts (``ExecutionReverted``, with the revert
data and its reason), or no gas limit lets it succeed (``GasEstimationError``).
"""

from __future__ import annotations

ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string), Solidity's revert reason


class ChainError(Exception):
    """The chain cannot do what was asked (another genesis in the store, a state
    root that does not match, a block or state that is not there)."""


class ExecutionReverted(ChainError):
    """The call reverted; ``output`` holds the revert data."""

    def __init__(self, output: bytes) -> None:
        reason = revert_reason(output)
        super().__init__("execution reverted" + ("" if reason is None else f": {reason}"))
        self.output = output


class GasEstimationError(ChainError):
    """No gas limit up to the cap lets the call succeed."""


def revert_reason(output: bytes) -> str | None:
    """The message of a Solidity ``Error(string)`` revert, or None."""
    if output[:4] != ERROR_SELECTOR or len(output) < 4 + 64:
        return None
    offset = int.from_bytes(output[4:36], "big")
    start = 4 + offset + 32
    if offset > len(output) or start > len(output):
        return None
    length = int.from_bytes(output[4 + offset : start], "big")
    if start + length > len(output):
        return None
    return output[start : start + length].decode("utf-8", "replace")
