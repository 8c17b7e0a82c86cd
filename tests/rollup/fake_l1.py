"""
An in-memory L1 and L2 for derivation tests
===========================================

``FakeL1`` is an ``L1Source`` with no node behind it: blocks are mined by
hand with the frames, deposits and output deletions they hold, a reorg
replaces the latest blocks, and proposed outputs are a list. ``FakeL2`` is a
``SafeChain`` whose blocks are the attributes derivation gave it, hashed, with
no execution: enough to see which blocks derivation makes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from ovm.evm.transactions import encode_transaction
from ovm.primitives.crypto import keccak256
from ovm.rollup.artifacts import PREDEPLOYS
from ovm.rollup.batch import BlockFrameData
from ovm.rollup.derivation.attributes import BlockAttributes, Rules
from ovm.rollup.derivation.deposits import deposit_transaction
from ovm.rollup.derivation.source import ProposedOutput
from ovm.rollup.l1.data import BlockRef, L1Block, L1Log

L1_BLOCK_TIME = 12
GENESIS_TIME = 1_000_000
BATCHER = bytes.fromhex("bb" * 20)
BRIDGE = bytes.fromhex("b1" * 20)
GAS_LIMIT = 30_000_000
DEPOSIT_GAS = 100_000
FORCED_WITHDRAWAL_GAS = 200_000


def rules(window: int = 4, drift: int = 600, gas_limit: int = GAS_LIMIT) -> Rules:
    return Rules(anchor=0, batcher=BATCHER, sequencing_window=window, max_sequencer_drift=drift,
                 gas_limit=gas_limit)


def transaction_deposited(block: L1Block, log_index: int, sender: bytes, to: bytes, mint: int, value: int,
                          gas: int, data: bytes = b""):
    """The deposit a ``TransactionDeposited`` event at ``log_index`` of ``block`` makes."""
    log = L1Log(BRIDGE, (), b"", block.number, block.hash, bytes(32), 0, log_index, False)
    opaque = mint.to_bytes(32, "big") + value.to_bytes(32, "big") + gas.to_bytes(8, "big") + b"\x00" + data
    args = {"from": sender, "to": to, "version": 0, "opaqueData": opaque}
    return deposit_transaction("TransactionDeposited", args, log)


def deposit(block: L1Block, log_index: int, account: bytes, amount: int, gas: int = DEPOSIT_GAS):
    """The deposit the bridge's ``depositETH`` makes, its event at ``log_index`` of ``block``."""
    return transaction_deposited(block, log_index, account, account, amount, amount, gas)


def forced_withdrawal(account: bytes, amount: int, gas: int = FORCED_WITHDRAWAL_GAS):
    """A forced withdrawal's event, for ``FakeL1.mine(deposits=...)``."""

    def made(block: L1Block, log_index: int):
        call = keccak256(b"withdrawETHTo(address)")[:4] + account.rjust(32, b"\x00")
        return transaction_deposited(block, log_index, account, PREDEPLOYS["L2Bridge"], 0, amount, gas, call)

    return made


@dataclass
class FakeL1:
    """An ``L1Source`` in memory (see the module docstring)."""

    blocks: list[L1Block] = field(default_factory=list)
    frames_in: dict[bytes, list[BlockFrameData]] = field(default_factory=dict)
    deposits_in: dict[bytes, list] = field(default_factory=dict)
    deleted_in: dict[bytes, int] = field(default_factory=dict)
    outputs: list[ProposedOutput] = field(default_factory=list)
    fork: int = 0  # changes the hashes of blocks mined after a reorg
    finalized: int = 0  # the number of the last finalized block

    def __post_init__(self) -> None:
        if not self.blocks:
            self.blocks.append(self._block(0, bytes(32), GENESIS_TIME))

    @property
    def anchor(self) -> BlockRef:
        return self.blocks[0].ref

    @property
    def head(self) -> L1Block:
        return self.blocks[-1]

    def _block(self, number: int, parent_hash: bytes, timestamp: int) -> L1Block:
        block_hash = keccak256(b"fake L1" + bytes([self.fork]) + number.to_bytes(8, "big") + parent_hash)
        return L1Block(number, block_hash, parent_hash, timestamp, 7, 0, 0, ())

    def mine(self, frames=(), deposits=(), *, timestamp: int | None = None, deleted: int | None = None) -> L1Block:
        """A new block holding ``frames`` and, for each ``(account, amount[, gas])`` of
        ``deposits``, a deposit (or a ``forced_withdrawal``); ``deleted`` outputs from
        that index on."""
        head = self.head
        block = self._block(head.number + 1, head.hash, timestamp or head.timestamp + L1_BLOCK_TIME)
        self.blocks.append(block)
        self.frames_in[block.hash] = list(frames)
        self.deposits_in[block.hash] = [
            d(block, i) if callable(d) else deposit(block, i, *d) for i, d in enumerate(deposits)
        ]
        if deleted is not None:
            self.deleted_in[block.hash] = deleted
            del self.outputs[deleted:]
        return block

    def mine_until(self, number: int) -> None:
        while self.head.number < number:
            self.mine()

    def reorg(self, depth: int) -> None:
        """The last ``depth`` blocks replaced by empty ones (other hashes)."""
        self.fork += 1
        del self.blocks[-depth:]
        for _ in range(depth):
            self.mine()

    def propose(self, root: bytes, l2_block: int) -> None:
        self.outputs.append(ProposedOutput(len(self.outputs), root, l2_block))

    # -- L1Source ------------------------------------------------------------------------

    def head_number(self) -> int:
        return self.head.number

    def block(self, number: int) -> L1Block | None:
        return self.blocks[number] if 0 <= number < len(self.blocks) else None

    def finalized_number(self) -> int:
        return self.finalized

    def frames(self, block: L1Block) -> list[BlockFrameData]:
        return list(self.frames_in.get(block.hash, ()))

    def deposits(self, block: L1Block) -> list:
        return list(self.deposits_in.get(block.hash, ()))

    def outputs_deleted(self, block: L1Block) -> int | None:
        return self.deleted_in.get(block.hash)

    def output_count(self) -> int:
        return len(self.outputs)

    def output(self, index: int) -> ProposedOutput:
        return self.outputs[index]


@dataclass(frozen=True)
class FakeBlock:
    number: int
    hash: bytes
    header: SimpleNamespace
    transactions: tuple


class FakeL2:
    """A ``SafeChain`` in memory: blocks are hashed attributes, nothing runs."""

    def __init__(self, genesis_time: int = GENESIS_TIME) -> None:
        self.blocks = [FakeBlock(0, keccak256(b"genesis"), SimpleNamespace(timestamp=genesis_time), ())]

    def safe_block(self) -> FakeBlock:
        return self.blocks[-1]

    def restore_safe(self, number: int) -> int:
        return self.blocks[-1].number

    def apply(self, attributes: BlockAttributes) -> None:
        parent = self.blocks[-1]
        assert attributes.number == parent.number + 1
        body = b"".join(encode_transaction(tx) for tx in attributes.transactions)
        block_hash = keccak256(parent.hash + attributes.timestamp.to_bytes(8, "big") + body)
        self.blocks.append(FakeBlock(attributes.number, block_hash, SimpleNamespace(timestamp=attributes.timestamp),
                                     tuple(attributes.transactions)))

    def rewind(self, number: int) -> None:
        del self.blocks[number + 1 :]

    def output_root(self, number: int) -> bytes:
        return keccak256(b"output" + self.blocks[number].hash)


def frame(number: int, origin: L1Block, timestamp: int, transactions=()) -> BlockFrameData:
    return BlockFrameData(number, timestamp, origin.number, origin.hash, tuple(transactions))
