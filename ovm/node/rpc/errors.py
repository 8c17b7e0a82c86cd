"""
JSON-RPC errors
===============

Every failure a client can see is an ``RpcError`` with a code from JSON-RPC
2.0 or EIP-1474 and a one-line message; the server turns it into the
``{"code", "message", "data"?}`` object of a response. Handlers raise these;
anything else that escapes a handler is a bug, logged by the server and
answered with ``InternalError``.

``ExecutionReverted`` is code 3 with the revert data in ``data``, as geth
answers ``eth_call`` and ``eth_estimateGas``; its message names the reason
when the data is an ``Error(string)`` (or a ``Panic(uint256)``).
"""

from __future__ import annotations

from typing import Any

from ...evm.tracing import decode_revert_reason

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


class ExecutionReverted(RpcError):
    code = EXECUTION_REVERTED

    def __init__(self, output: bytes) -> None:
        reason = decode_revert_reason(output)
        message = "execution reverted" if reason is None else f"execution reverted: {reason}"
        super().__init__(message, "0x" + bytes(output).hex())
        self.output = output
