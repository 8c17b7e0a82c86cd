"""
JSON-RPC errors
===============

Every failure a client can see is an ``RpcError`` with a code from JSON-RPC
2.0 or EIP-1474 and a one-line message; the server turns it into the
``{"code", "message", "data"?}`` object of a response. Handlers raise these;
anything else that escapes a handler is a bug, logged by the server and
answered with ``InternalError``.

A reverted call (``ovm.node.errors.ExecutionReverted``) goes out through
``reverted``: code 3 with the revert data in ``data``, as geth answers
``eth_call`` and ``eth_estimateGas``; its message names the reason when the
data is an ``Error(string)`` or a ``Panic(uint256)``.
``error_message`` words an EVM error as geth does, for failed calls and traces.
"""

from __future__ import annotations

from typing import Any

from ...evm.exceptions import (
    AddressCollision,
    CodeSizeExceeded,
    EvmError,
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
from ...evm.gas import STACK_LIMIT
from ...evm.opcodes import OPCODES, opcode_name
from ..errors import ExecutionReverted

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_ERROR = -32000
RESOURCE_NOT_FOUND = -32001
REQUEST_TIMEOUT = -32002  # geth's code for a request (in a batch) not served in time
RESPONSE_TOO_LARGE = -32003  # geth's code for a batch whose answer passed its size bound
LIMIT_EXCEEDED = -32005
EXECUTION_REVERTED = 3


class RpcError(Exception):
    """An error response: ``code``, ``message`` and optional ``data``."""

    code = SERVER_ERROR

    def __init__(self, message: str, data: Any = None, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data
        if code is not None:
            self.code = code

    def to_json(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class ParseError(RpcError):
    code = PARSE_ERROR


class InvalidRequest(RpcError):
    code = INVALID_REQUEST


class MethodNotFound(RpcError):
    code = METHOD_NOT_FOUND


class InvalidParams(RpcError):
    code = INVALID_PARAMS


class InternalError(RpcError):
    code = INTERNAL_ERROR


class ServerError(RpcError):
    """-32000: the request was understood but cannot be served (for example a
    transaction the node does not admit; its message passes through verbatim)."""

    code = SERVER_ERROR


class ResourceNotFound(RpcError):
    code = RESOURCE_NOT_FOUND


class LimitExceeded(RpcError):
    code = LIMIT_EXCEEDED


class RequestTimeout(RpcError):
    code = REQUEST_TIMEOUT


class ResponseTooLarge(RpcError):
    code = RESPONSE_TOO_LARGE


def reverted(error: ExecutionReverted) -> RpcError:
    """A reverted call as geth answers it: code 3, the chain's message (naming
    the reason), and the revert data."""
    return RpcError(str(error), "0x" + bytes(error.output).hex(), EXECUTION_REVERTED)


# --- EVM errors in geth's words ---------------------------------------------------


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


def error_message(error: EvmError, op: int | None = None, stack_size: int = 0) -> str:
    """geth's wording of ``error``; ``op`` and ``stack_size`` describe the
    instruction that failed, where there was one."""
    if isinstance(error, StackUnderflow) and op is not None:
        return f"stack underflow ({stack_size} <=> {OPCODES[op].inputs})"
    if isinstance(error, StackOverflow) and op is not None:
        info = OPCODES[op]
        return f"stack limit reached {stack_size} ({STACK_LIMIT + info.inputs - info.outputs})"
    if isinstance(error, InvalidOpcode):
        if op is None and error.args and isinstance(error.args[0], int):
            op = error.args[0]  # the instruction that raised it names itself
        return "invalid opcode: " + opcode_name(op) if op is not None else "invalid opcode"
    for cls, message in ERROR_MESSAGES.items():
        if isinstance(error, cls):
            return message
    return str(error) or type(error).__name__  # a precompile's or deployment check's reason
