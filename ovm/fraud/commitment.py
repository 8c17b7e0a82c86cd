"""
The commitment and its parts
============================

The machine after any step is one 32-byte commitment: ``keccak256`` of the
ABI encoding of ``Machine`` (17 words), whose words are values the step
reads often (pc, gas, stack and memory sizes) and hashes of the parts it
opens only when it needs them (the block, the transaction, the message, the
revertible substate, the suspended callers, the stack below its top, the
memory, the return data). Every part is itself the keccak256 of the ABI
encoding of a flat record of words, or a Merkle root (``ovm.fraud.merkle``,
``ovm.fraud.code``), or an MPT root as Ethereum computes it; so a step's
witness opens exactly what the step touches. ``docs/fraud-proofs.md`` is the
reference: every record here is a table there, field for field.

Words are ABI words: unsigned integers and ``bytes32`` as they are, an
address right-aligned, the refund counter as a two's-complement ``int256``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from ..primitives.crypto import keccak256
from ..trie import EMPTY_TRIE_ROOT
from .merkle import ZERO_WORD

PHASE_RUNNING = 1
PHASE_HALTED = 2
PHASE_BETWEEN = 3
"""Between two transactions of a block (``between``): the next step starts
transaction ``tx_index`` or, once every transaction has run, ends the block."""
PHASE_TX_START = 4
"""A transaction's start, in parts (``pending`` its record)."""
PHASE_TX_END = 5
"""A transaction's end, in parts (``pending`` its record)."""
PHASE_BLOCK_START = 6
"""A block's start, in parts (``pending`` its record)."""
PHASE_BLOCK_END = 7
"""A block's end, in parts (``pending`` its record)."""
PHASE_BLOCK_DONE = 8
"""The block has ended: the trace's last commitment (docs/fraud-proofs.md, "The trace of a block")."""

HALT_SUCCESS = 1
HALT_REVERT = 2
HALT_EXCEPTIONAL = 3

FLAG_STATIC = 1
FLAG_CREATE = 2

BLOCK_HASHES_DEPTH = 8
"""``BlockContext.block_hashes`` is a word tree of this depth: 256 leaves, leaf
``n % 256`` the hash of block ``n`` for the 256 blocks before the block."""

_U256 = 1 << 256


def word(value: int | bytes) -> bytes:
    """One ABI word: an int (negative as two's complement) or up to 32 bytes right-aligned."""
    if isinstance(value, int):
        return (value % _U256).to_bytes(32, "big")
    if len(value) > 32:
        raise ValueError("more than a word")
    return value.rjust(32, b"\x00")


def words(*values: int | bytes) -> bytes:
    return b"".join(word(v) for v in values)


def record_hash(*values: int | bytes) -> bytes:
    """``keccak256(abi.encode(values...))`` of a flat record of words."""
    return keccak256(words(*values))


class Record:
    """A flat record of words whose commitment is the hash of their ABI encoding."""

    def values(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self))

    def encode(self) -> bytes:
        return words(*self.values())

    def hash(self) -> bytes:
        return keccak256(self.encode())


@dataclass(frozen=True)
class ByteView(Record):
    """Bytes ``[offset, offset+size)`` of the word tree with root ``root``.
    Its hash is zero when empty (root and offset do not matter then)."""

    root: bytes
    offset: int
    size: int

    def hash(self) -> bytes:
        return ZERO_WORD if self.size == 0 else keccak256(self.encode())


EMPTY_VIEW = ByteView(ZERO_WORD, 0, 0)


@dataclass(frozen=True)
class BlockContext(Record):
    """What the block gives the EVM, fixed for the whole block. ``header``
    commits to the block's other header inputs (defined by the block-start
    step); ``block_hashes`` is the root of the ring of the last 256 block
    hashes (``ovm.fraud.context.recent_hashes``), which BLOCKHASH opens;
    ``transactions`` the root of the word tree of the block's transactions
    (``ovm.fraud.context.transaction_list``: leaf ``i`` the ``ByteView`` hash
    of transaction ``i``'s EIP-2718 encoding), ``tx_count`` how many."""

    chain_id: int
    coinbase: bytes
    number: int
    timestamp: int
    gas_limit: int
    base_fee: int
    prev_randao: bytes
    blob_base_fee: int
    parent_hash: bytes
    header: bytes
    block_hashes: bytes
    transactions: bytes = ZERO_WORD
    tx_count: int = 0


@dataclass(frozen=True)
class BlockProgress(Record):
    """The block so far: how many transactions, gas, receipts and bloom."""

    tx_index: int = 0
    cumulative_gas_used: int = 0
    blob_gas_used: int = 0
    receipts_root: bytes = EMPTY_TRIE_ROOT
    logs_bloom: bytes = field(default_factory=lambda: keccak256(bytes(256)))


@dataclass(frozen=True)
class TxContext(Record):
    """What the transaction gives the EVM and its end needs, fixed for the
    whole transaction. ``blob_hashes`` is ``keccak256`` of the versioned
    hashes concatenated; ``kind`` the EIP-2718 type (0 legacy, 0x7E a
    deposit); ``nonce`` the sender's nonce before the transaction (a
    deposit's receipt carries it); ``tx_bytes``/``tx_size`` the word tree
    and length of the EIP-2718 encoding (the L1 data fee is computed from
    it); ``floor_gas`` the EIP-7623 calldata floor (0 before Prague and for
    deposits)."""

    origin: bytes
    gas_price: int
    blob_hashes: bytes
    original_state_root: bytes
    tx_hash: bytes
    gas_limit: int = 0
    kind: int = 0
    nonce: int = 0
    tx_bytes: bytes = ZERO_WORD
    tx_size: int = 0
    floor_gas: int = 0

    @staticmethod
    def blob_hashes_commitment(hashes: tuple[bytes, ...]) -> bytes:
        return keccak256(b"".join(hashes))


@dataclass(frozen=True)
class Substate(Record):
    """Everything a reverted frame restores: the world state and the
    transaction's sets, each an MPT root (secure keys), the logs (the root of
    a word tree whose leaf ``i`` is log ``i``'s ``log_leaf``) with their
    count, and the refund counter."""

    state_root: bytes
    transient: bytes
    warm_addresses: bytes
    warm_slots: bytes
    created: bytes
    destructed: bytes
    touched: bytes
    logs: bytes
    log_count: int
    refund: int


@dataclass(frozen=True)
class Message(Record):
    """The message a frame runs: fixed from the frame's entry to its exit."""

    caller: bytes
    address: bytes
    value: int
    calldata_root: bytes
    calldata_offset: int
    calldata_size: int
    depth: int
    flags: int
    entry_substate: bytes
    ret_offset: int
    ret_size: int

    @property
    def calldata(self) -> ByteView:
        return ByteView(self.calldata_root, self.calldata_offset, self.calldata_size)


@dataclass(frozen=True)
class Pending(Record):
    """An instruction split into sub-steps, half-way: which, its operands,
    how many bytes are done, and its source and sponge where it has them."""

    opcode: int
    dest: int
    src: int
    size: int
    done: int
    src_root: bytes = ZERO_WORD
    src_end: int = 0
    sponge: bytes = ZERO_WORD


@dataclass(frozen=True)
class Machine(Record):
    """The commitment's preimage while a frame runs or has just halted."""

    phase: int
    fork: int
    block: bytes
    progress: bytes
    tx: bytes
    substate: bytes
    callers: bytes
    message: bytes
    code_hash: bytes
    pc: int
    gas: int
    stack_size: int
    stack: bytes
    memory_size: int
    memory: bytes
    return_data: bytes
    pending: bytes

    def commitment(self) -> bytes:
        return self.hash()

    def replace(self, **changes) -> "Machine":
        return replace(self, **changes)


def exit_record(status: int, output: ByteView) -> bytes:
    """``pending`` of a halted frame: how it ended and its output."""
    if status == HALT_EXCEPTIONAL:
        output = EMPTY_VIEW
    return record_hash(status, output.root if output.size else ZERO_WORD, output.offset if output.size else 0,
                       output.size)


def halted(machine: Machine, status: int, gas_left: int, output: ByteView = EMPTY_VIEW) -> Machine:
    """The machine once its frame has halted: only what the frame's exit needs."""
    return machine.replace(
        phase=PHASE_HALTED,
        code_hash=ZERO_WORD,
        pc=0,
        gas=0 if status == HALT_EXCEPTIONAL else gas_left,
        stack_size=0,
        stack=ZERO_WORD,
        memory_size=0,
        memory=ZERO_WORD,
        return_data=ZERO_WORD,
        pending=exit_record(status, output),
    )


def between(fork: int, block: bytes, progress: bytes, state_root: bytes) -> Machine:
    """The machine between two transactions: the block, its progress and the
    world state (a ``Substate`` with every set empty, no logs, no refund);
    every frame word zero."""
    substate = Substate(state_root, EMPTY_TRIE_ROOT, EMPTY_TRIE_ROOT, EMPTY_TRIE_ROOT, EMPTY_TRIE_ROOT,
                        EMPTY_TRIE_ROOT, EMPTY_TRIE_ROOT, ZERO_WORD, 0, 0)
    return Machine(PHASE_BETWEEN, fork, block, progress, ZERO_WORD, substate.hash(), ZERO_WORD, ZERO_WORD,
                   ZERO_WORD, 0, 0, 0, ZERO_WORD, 0, ZERO_WORD, ZERO_WORD, ZERO_WORD)


def log_head(address: bytes, topics: tuple[bytes, ...]) -> bytes:
    """``keccak256(abi.encode(address, n, topic1, topic2, topic3, topic4))``: a
    log's address and its ``n`` topics, zeros for the topics it does not have."""
    return record_hash(address, len(topics), *(tuple(topics) + (ZERO_WORD,) * (4 - len(topics))))


def log_leaf(head: bytes, data_root: bytes, data_size: int) -> bytes:
    """A log as the substate's log tree holds it: ``keccak256(abi.encode(head,
    data_root, data_size))``, ``data_root`` the word tree of its data (at offset 0)."""
    return record_hash(head, data_root, data_size)


def stack_push(stack_hash: bytes, value: int) -> bytes:
    """The stack's hash after pushing ``value``: ``keccak256(below ‖ value)``."""
    return keccak256(stack_hash + value.to_bytes(32, "big"))


EMPTY_STACK = ZERO_WORD
