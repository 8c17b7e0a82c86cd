"""
Call frames
===========

A frame is one message being executed: the message itself (caller, target,
value, input, static flag, depth) and the machine state that runs it (code,
program counter, gas, stack, memory, the return data of its last child call).
Frames live on the machine's explicit frame list, never on the Python stack.

``code`` is padded with 33 zero bytes so that reading an opcode or a PUSH
immediate past the end yields STOP or zeros without a bounds check;
``bytecode`` is the unpadded code object itself, also a cheap dictionary key
for per-code caches (Python computes a bytes object's hash once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .opcodes import jump_destinations

if TYPE_CHECKING:  # pragma: no cover
    from ..state import State
    from .environment import BlockEnv, TxContext
    from .interpreter import Machine

CODE_PADDING = b"\x00" * 33

_JUMPDEST_CACHE: dict[bytes, frozenset[int]] = {}
_JUMPDEST_CACHE_LIMIT = 4096


def cached_jump_destinations(code: bytes) -> frozenset[int]:
    dests = _JUMPDEST_CACHE.get(code)
    if dests is None:
        if len(_JUMPDEST_CACHE) >= _JUMPDEST_CACHE_LIMIT:
            _JUMPDEST_CACHE.clear()
        dests = _JUMPDEST_CACHE[code] = jump_destinations(code)
    return dests


class Frame:
    __slots__ = (
        # message
        "caller",
        "address",
        "code_address",
        "value",
        "data",
        "is_static",
        "depth",
        "is_create",
        "transfers_value",
        # machine state
        "code",
        "bytecode",
        "code_size",
        "jumpdests",
        "pc",
        "gas",
        "stack",
        "memory",
        "return_data",
        "output",
        # bookkeeping
        "checkpoint",
        "ret_offset",
        "ret_size",
        "parent",
        "machine",
        "state",
        "env",
        "tx",
    )

    def __init__(
        self,
        machine: "Machine",
        *,
        caller: bytes,
        address: bytes,
        code_address: bytes,
        value: int,
        data: bytes,
        code: bytes,
        gas: int,
        depth: int,
        is_static: bool = False,
        is_create: bool = False,
        transfers_value: bool = True,
        ret_offset: int = 0,
        ret_size: int = 0,
        parent: "Frame | None" = None,
    ) -> None:
        self.machine = machine
        self.state: State = machine.state
        self.env: BlockEnv = machine.env
        self.tx: TxContext = machine.tx
        self.caller = caller
        self.address = address
        self.code_address = code_address
        self.value = value
        self.data = data
        self.is_static = is_static
        self.depth = depth
        self.is_create = is_create
        self.transfers_value = transfers_value
        self.code = code + CODE_PADDING
        self.bytecode = code
        self.code_size = len(code)
        self.jumpdests: frozenset[int] | None = None
        self.pc = 0
        self.gas = gas
        self.stack: list[int] = []
        self.memory = bytearray()
        self.return_data = b""
        self.output = b""
        self.checkpoint = 0
        self.ret_offset = ret_offset
        self.ret_size = ret_size
        self.parent = parent

    def valid_jumpdests(self) -> frozenset[int]:
        dests = self.jumpdests
        if dests is None:
            dests = self.jumpdests = cached_jump_destinations(self.bytecode)
        return dests

    def __repr__(self) -> str:
        return (
            f"Frame(depth={self.depth}, address=0x{self.address.hex()}, pc={self.pc}, "
            f"gas={self.gas}, stack={len(self.stack)})"
        )
