"""
Hostile JSON-RPC: what the corpus sends and how it judges the answers
======================================================================

The corpus (``test_hostile_rpc.py``, and ``test_hostile_rpc_destructive.py``
for the slow tier) sends hostile and malformed requests to a real ``ovm
node`` started under a 3 GiB memory limit, and judges every answer the same
way: the standard code, a message naming the problem (a substring given by
the case), no Python text in it, within ``ANSWER_TIMEOUT`` seconds. After
each case the node must still be alive, still answer, have written no
Python text to its log, and have stayed under ``MEMORY_BOUND`` of resident
memory at its peak.

``parameter_cases`` derives a case for every parameter of every method the
node serves (too many arguments, a missing one, each argument replaced by
values no converter but a free-form one accepts), so a method added later is
covered without editing the corpus.
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import requests

from ovm.node.rpc import NodeContext, RpcServer, default_modules
from ovm.node.rpc import params as P

MEMORY_LIMIT = 3 << 30  # RLIMIT_DATA of the node under test
MEMORY_BOUND = 1 << 30  # the node's peak resident memory over a corpus
ANSWER_TIMEOUT = 60  # seconds; a batch is cut off after 30 s, a trace after at most 60 s
CHAIN_ID = "0x385"

PYTHON_TEXT = re.compile(
    r"Traceback|File \"|\b[A-Za-z]*(Error|Exception)\b|NoneType|object has no attribute|invalid literal for"
    r"|unsupported operand|not subscriptable|positional argument|keyword argument|object at 0x|sys\.set_int"
)

ADDRESS = "0x" + "00" * 19 + "01"
HASH = "0x" + "00" * 32


# --- judging answers ------------------------------------------------------------------


def assert_no_python_text(text: str) -> None:
    match = PYTHON_TEXT.search(text)
    assert match is None, f"Python text {match.group(0)!r} in {text[:300]!r}"


def assert_error(answer: Any, code: int, message: str, request_id: Any = ...) -> None:
    """``answer`` is an error response with ``code`` whose message contains ``message``."""
    assert isinstance(answer, dict) and "error" in answer, f"want error {code} ({message}), got {str(answer)[:300]}"
    error = answer["error"]
    assert error["code"] == code, f"want code {code} ({message}), got {error}"
    assert message in error["message"], f"want {message!r} in the message, got {error['message']!r}"
    assert_no_python_text(error["message"])
    if request_id is not ...:
        assert answer["id"] == request_id


def request(method: str, *params: Any, request_id: Any = 1) -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": list(params)}


def post(url: str, body: Any, headers: dict | None = None) -> tuple[int, Any]:
    """POST ``body`` (JSON-encoded unless bytes or text); the status and the
    answer (parsed JSON, or the text when it is not JSON; None when empty)."""
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    response = requests.post(url, data=data, headers={"Content-Type": "application/json", **(headers or {})},
                             timeout=ANSWER_TIMEOUT)
    text = response.text
    if not text:
        return response.status_code, None
    try:
        return response.status_code, json.loads(text)
    except ValueError:
        return response.status_code, text


def call(url: str, method: str, *params: Any) -> Any:
    """The answer to one request."""
    status, answer = post(url, request(method, *params))
    assert status == 200, (status, answer)
    return answer


def raw_http(host: str, port: int, data: bytes) -> bytes:
    """Send ``data`` as it is on a new connection; what comes back until the
    server closes it (it does after an error, or a request that asks it to)."""
    with socket.create_connection((host, port), timeout=ANSWER_TIMEOUT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# --- the node's health ------------------------------------------------------------------


@dataclass
class Watch:
    """Follows one node: its process, its log (read on from where the last
    check stopped) and its memory."""

    node: Any  # conftest.NodeProcess
    log_offset: int = 0

    @property
    def log_path(self) -> Path:
        return Path(self.node.log.name)

    def new_log(self) -> str:
        self.node.log.flush()
        with open(self.log_path, "rb") as log:
            log.seek(self.log_offset)
            text = log.read()
        self.log_offset += len(text)
        return text.decode(errors="replace")

    def peak_memory(self) -> int:
        """The node's peak resident memory, in bytes (``VmHWM``)."""
        status = Path(f"/proc/{self.node.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) * 1024

    def assert_healthy(self) -> None:
        assert self.node.process.poll() is None, f"the node exited with {self.node.process.returncode}"
        assert call(self.node.url, "eth_chainId")["result"] == CHAIN_ID
        assert_no_python_text(self.new_log())
        assert self.peak_memory() < MEMORY_BOUND, f"the node's memory peaked at {self.peak_memory() >> 20} MiB"


# --- parameters of every method -------------------------------------------------------------


def served_methods() -> dict:
    """The methods ``ovm node`` serves (its default modules), by name."""
    return RpcServer(default_modules(NodeContext(None, None, None))).methods  # type: ignore[arg-type]


SAMPLES: dict[Callable, Any] = {
    P.quantity: "0x1",
    P.uint64: "0x1",
    P.data: "0x",
    P.address: ADDRESS,
    P.hash32: HASH,
    P.storage_slot: "0x0",
    P.boolean: False,
    P.block_id: "latest",
    P.block_number_or_tag: "latest",
    P.call_object: {"to": ADDRESS},
    P.log_filter: {},
    P.state_overrides: {},
    P.identifier: "0x1",
    P.text: "newHeads",
    P.any_json: None,
}
BAD_VALUES = {
    "nested-arrays": [[[]]],
    "object": {"a": {}},
    "negative": -1,
    "2^256": 2**256,
    "65-hex-digits": "0x" + "f" * 65,
    "fraction": 1.5,
    "true": True,
}


def sample(convert: Callable) -> Any:
    """A value ``convert`` accepts, to fill the arguments before the one under test."""
    if convert.__qualname__ == "list_of.<locals>.convert_list":
        return ["0x0"]
    if convert not in SAMPLES:
        raise AssertionError(f"the corpus has no sample value for the converter {convert.__qualname__}")
    return SAMPLES[convert]


def _accepts(convert: Callable, value: Any) -> bool:
    """Whether ``convert`` takes ``value``: only free-form parameters (any JSON, a text) and a boolean's own do."""
    return (convert is P.any_json or (convert is P.text and isinstance(value, str))
            or (convert is P.boolean and isinstance(value, bool)))


@dataclass(frozen=True)
class ParamCase:
    method: str
    name: str
    params: Any
    message: str


def parameter_cases(method) -> list[ParamCase]:
    """The cases of one method: too many arguments, params not an array, a
    missing required argument, and each argument replaced by each bad value."""
    samples = [sample(convert) for _, convert, _ in method.params]
    want = len(method.params)
    cases = [
        ParamCase(method.name, "too-many", [*samples, "0x1"], f"too many arguments, want at most {want}"),
        ParamCase(method.name, "params-object", {"a": 1}, "invalid params: expected an array of arguments"),
    ]
    if method.required:
        name = method.params[0][0]
        cases.append(ParamCase(method.name, "missing", [], f"missing value for required argument 0 ({name})"))
    for i, (name, convert, _) in enumerate(method.params):
        values = dict(BAD_VALUES, **({"null": None} if i < method.required else {}))
        for label, value in values.items():
            if not _accepts(convert, value):
                params = [*samples[:i], value, *samples[i + 1 : method.required]]
                cases.append(ParamCase(method.name, f"{name}={label}", params, f"invalid argument {i} ({name}): "))
    return cases


# --- code for execution cases ----------------------------------------------------------------


LOOP = "0x5b600056"  # JUMPDEST PUSH1 0 JUMP
GROWING_MEMORY_LOOP = "0x5b60015952600056"  # JUMPDEST PUSH1 1 MSIZE MSTORE PUSH1 0 JUMP
HUGE_MSTORE = "0x60016501000000000052"  # MSTORE(2^40, 1)
SELF_CALL = "0x600080808080305af100"  # CALL(gas, self, 0, 0, 0, 0, 0) and STOP: as deep as gas allows
CALLING_LOOP = "0x5b60008080808060045af1506000 56".replace(" ", "")  # CALL(gas, 0x04, 0, 0, 0, 0, 0), POP, again


def returning(size: int) -> str:
    """Code that returns ``size`` zero bytes."""
    return f"0x62{size:06x}6000f3"  # PUSH3 size PUSH1 0 RETURN


def looping_code(size: int) -> str:
    """``size`` bytes of code that loop for ever through ``size / 4`` basic
    blocks (JUMPDEST PUSH1 1 POP, ..., JUMP back to 0): hot code to translate."""
    return "0x" + "5b600150" * ((size - 3) // 4) + "600056"


def overrides(address: str, code: str) -> dict:
    return {address: {"code": code}}


def words(*values: int) -> str:
    return "".join(value.to_bytes(32, "big").hex() for value in values)
