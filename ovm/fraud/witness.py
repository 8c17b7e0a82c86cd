"""
Witnesses
=========

What a step's verifier is shown, in the ABI form the Solidity verifier
decodes (``OneStepVerifier.step(bytes32 pre, bytes witness)``):

    witness = abi.encode(Machine pre, uint256[] stack, bytes32 stackRest,
                         CodeReveal code, bytes extra)

``pre`` is the preimage of the pre-step commitment; ``stack`` the stack's
top items the step takes (top first) and ``stackRest`` the hash of the
stack below them; ``code`` the chunks holding the instruction at ``pc``
with their range proof; ``extra`` what the instruction itself opens (memory
words, the message, the block, a jump destination, a copy's source, …), its
layout fixed per instruction (``docs/fraud-proofs.md``, "Witnesses"). A part
the step does not use must be empty: no reveal (``stack = []``,
``stackRest = 0``), no chunks (``CodeReveal(0, [], [], [])``), no extra
(``b""``), so that every byte of a witness is checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eth_abi import decode, encode

from .code import CodeChunk
from .commitment import BlockContext, Machine, Message, Pending, Substate, TxContext
from .merkle import ZERO_WORD

MACHINE = "(uint256,uint256,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,uint256,uint256,uint256,bytes32,uint256,bytes32,bytes32,bytes32)"  # noqa: E501
CODE_REVEAL = "(uint256,bytes32[],bytes32[],bytes32[])"
WORD_RANGE = "(uint256,bytes32[],bytes32[])"
MESSAGE = "(address,address,uint256,bytes32,uint256,uint256,uint256,uint256,bytes32,uint256,uint256)"
BLOCK = "(uint256,address,uint256,uint256,uint256,uint256,bytes32,uint256,bytes32,bytes32,bytes32,bytes32,uint256)"
TX = "(address,uint256,bytes32,bytes32,bytes32,uint256,uint256,uint256,bytes32,uint256,uint256)"
SUBSTATE = "(bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,uint256,int256)"
PENDING = "(uint256,uint256,uint256,uint256,uint256,bytes32,uint256,bytes32)"
LANES = "uint64[25]"
MPT_WITNESS = "(bytes[],bytes)"
VIEW = "(bytes32,uint256,uint256)"
SUSPENDED_FRAME = "(bytes32,bytes32,uint256,uint256,uint256,bytes32,uint256,bytes32)"
WITNESS = [MACHINE, "uint256[]", "bytes32", CODE_REVEAL, "bytes"]


@dataclass(frozen=True)
class CodeReveal:
    """Consecutive chunks of a code tree from chunk ``first``, with their range proof."""

    first: int = 0
    chunks: tuple[CodeChunk, ...] = ()
    siblings: tuple[bytes, ...] = ()

    def abi(self) -> tuple:
        return (self.first, [c.chunk for c in self.chunks], [c.mask for c in self.chunks], list(self.siblings))

    @classmethod
    def from_abi(cls, value: tuple) -> "CodeReveal":
        first, chunks, masks, siblings = value
        if len(chunks) != len(masks):
            raise ValueError("code reveal: as many masks as chunks")
        return cls(first, tuple(CodeChunk(c, m) for c, m in zip(chunks, masks)), tuple(siblings))


@dataclass(frozen=True)
class WordRange:
    """Consecutive words of a word tree from word ``first``, with their range proof."""

    first: int = 0
    words: tuple[bytes, ...] = ()
    siblings: tuple[bytes, ...] = ()

    def abi(self) -> tuple:
        return (self.first, list(self.words), list(self.siblings))

    @classmethod
    def from_abi(cls, value: tuple) -> "WordRange":
        return cls(value[0], tuple(value[1]), tuple(value[2]))


def _address(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else bytes.fromhex(value[2:])


def record_abi(record) -> tuple:
    return record.values()


def message_from_abi(value: tuple) -> Message:
    v = list(value)
    v[0], v[1] = _address(v[0]), _address(v[1])
    return Message(*v)


def block_from_abi(value: tuple) -> BlockContext:
    v = list(value)
    v[1] = _address(v[1])
    return BlockContext(*v)


def tx_from_abi(value: tuple) -> TxContext:
    v = list(value)
    v[0] = _address(v[0])
    return TxContext(*v)


@dataclass
class Witness:
    """A step's witness before encoding (and after decoding)."""

    machine: Machine
    stack: list[int] = field(default_factory=list)
    stack_rest: bytes = ZERO_WORD
    code: CodeReveal = field(default_factory=CodeReveal)
    extra: bytes = b""

    def encode(self) -> bytes:
        return encode(WITNESS, [self.machine.values(), self.stack, self.stack_rest, self.code.abi(), self.extra])

    @classmethod
    def decode(cls, data: bytes) -> "Witness":
        machine, stack, rest, code, extra = decode(WITNESS, data)
        return cls(Machine(*machine), list(stack), rest, CodeReveal.from_abi(code), extra)


# -- the ``extra`` layouts ------------------------------------------------------


def encode_extra(types: list[str], values: list) -> bytes:
    return encode(types, values)


def decode_extra(types: list[str], data: bytes) -> tuple:
    return decode(types, data)


EXTRA_LAYOUTS: dict[str, list[str]] = {
    "jump": [CODE_REVEAL],
    "message": [MESSAGE],
    "calldataload": [MESSAGE, WORD_RANGE],
    "block": [BLOCK],
    "blockhash": [BLOCK, WORD_RANGE],
    "tx": [TX],
    "blobhash": [TX, "bytes32[]"],
    "selfbalance": [MESSAGE, SUBSTATE, "bytes[]"],
    "balance": [SUBSTATE, "bytes[]", "bytes[]"],
    "sload": [MESSAGE, SUBSTATE, "bytes[]", "bytes[]", "bytes[]"],
    "sstore": [MESSAGE, SUBSTATE, TX, "bytes[]", "bytes[]", "bytes[]", "bytes", "bytes[]", "bytes[]"],
    "tload": [MESSAGE, SUBSTATE, "bytes[]"],
    "tstore": [MESSAGE, SUBSTATE, "bytes[]", "bytes"],
    "memory": [WORD_RANGE],
    "keccak": [WORD_RANGE],
    "keccak-continue": [PENDING, LANES, WORD_RANGE],
    "calldatacopy": [MESSAGE, WORD_RANGE, WORD_RANGE],
    "calldatacopy-continue": [PENDING, WORD_RANGE, WORD_RANGE],
    "codecopy": [CODE_REVEAL, WORD_RANGE],
    "codecopy-continue": [PENDING, CODE_REVEAL, WORD_RANGE],
    "mcopy": [WORD_RANGE, WORD_RANGE],
    "mcopy-continue": [PENDING, WORD_RANGE, WORD_RANGE],
    "log": [MESSAGE, WORD_RANGE, WORD_RANGE, SUBSTATE, WORD_RANGE],
    "log-first": [MESSAGE, WORD_RANGE, WORD_RANGE],
    "log-continue": [PENDING, WORD_RANGE, WORD_RANGE],
    "log-last": [PENDING, WORD_RANGE, WORD_RANGE, SUBSTATE, WORD_RANGE],
    "call": [MESSAGE, SUBSTATE, MPT_WITNESS, "bytes[]", MPT_WITNESS, "bytes[]", MPT_WITNESS],
    "exit": [MESSAGE, SUSPENDED_FRAME, "bytes32", "uint256", VIEW, WORD_RANGE, WORD_RANGE],
    "returndatasize": [VIEW],
    "returndatacopy": [VIEW, WORD_RANGE, WORD_RANGE],
    "returndatacopy-continue": [PENDING, WORD_RANGE, WORD_RANGE],
}
"""The ``extra`` of each witness kind, as ABI types (see ``docs/fraud-proofs.md``)."""


def substate_from_abi(value: tuple) -> Substate:
    return Substate(*value)


def pending_from_abi(value: tuple) -> Pending:
    return Pending(*value)
