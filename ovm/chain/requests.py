"""
Execution-layer requests
========================

EIP-7685 (from Prague): a block gathers *requests* for the consensus layer,
each ``type byte ‖ data``, and its header commits to them by
``requests_hash = sha256(sha256(r_0) ‖ sha256(r_1) ‖ …)`` over the requests
with data, in ascending type order (a type with no data is left out, so a
block with none has ``sha256(b"")``). A fork's request sources say where each
type comes from (``ovm.chain.forks``); on Ethereum since Prague:

- type 0x00, deposits (EIP-6110): the ``DepositEvent`` logs of the chain's
  deposit contract (``ChainConfig.deposit_contract``, mainnet's by default),
  each turned into ``pubkey ‖ withdrawal_credentials ‖ amount ‖ signature
  ‖ index`` (192 bytes); a log of that contract with the event's topic but
  not its exact ABI layout makes the block invalid;
- type 0x01, withdrawal requests (EIP-7002), and type 0x02, consolidation
  requests (EIP-7251): what the system call at the end of the block returns
  from each queue contract (``system_call.checked_system_call``).

The embedded L1 dev chain has no beacon chain and no deposit contract: no
log ever comes from the deposit address, so its blocks have no deposit
requests; withdrawal and consolidation requests can be queued (their fees
are paid to the queue contracts, as on mainnet) and appear in the header's
``requests_hash``, but no consensus layer acts on them.

The OP Stack's L2 (Isthmus) keeps the header field but no-ops EIP-7685: no
sources, so ``requests_hash`` is always ``sha256(b"")`` (specs
``protocol/isthmus/exec-engine.md``, "Block Sealing"): an L2 has no
validators to deposit to, exit or consolidate, and its deposits come from L1
by deposit transactions instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Protocol, Sequence

from ..evm.environment import BlockEnv
from ..evm.forks import Fork
from ..evm.interpreter import CodeRunner
from ..state import State
from .block import InvalidBlock, Rule
from .receipt import Receipt
from .system_call import checked_system_call
from .system_contracts import CONSOLIDATION_REQUESTS, WITHDRAWAL_REQUESTS, SystemContract

DEPOSIT_REQUEST_TYPE = 0x00
WITHDRAWAL_REQUEST_TYPE = 0x01
CONSOLIDATION_REQUEST_TYPE = 0x02
MAINNET_DEPOSIT_CONTRACT = bytes.fromhex("00000000219ab540356cbb839cbe05303d7705fa")
# keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)")
DEPOSIT_EVENT_TOPIC = bytes.fromhex("649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5")
EMPTY_REQUESTS_HASH = hashlib.sha256(b"").digest()

# The DepositEvent's ABI encoding: five dynamic ``bytes`` (offset, then length
# and padded data), always this layout from the deposit contract.
DEPOSIT_EVENT_LENGTH = 576
DEPOSIT_FIELDS = (  # (name, offset of its length word, size)
    ("pubkey", 160, 48),
    ("withdrawal credentials", 256, 32),
    ("amount", 320, 8),
    ("signature", 384, 96),
    ("index", 512, 8),
)


def requests_hash(requests: Iterable[bytes]) -> bytes:
    """EIP-7685's commitment to ``requests`` (each ``type ‖ data``, data not empty)."""
    outer = hashlib.sha256()
    for request in requests:
        outer.update(hashlib.sha256(request).digest())
    return outer.digest()


def deposit_request(log_data: bytes) -> bytes:
    """The 192-byte deposit request of a DepositEvent's data; ``InvalidBlock``
    if the data is not the event's layout."""
    if len(log_data) != DEPOSIT_EVENT_LENGTH:
        raise InvalidBlock(f"deposit event data is {len(log_data)} bytes, not {DEPOSIT_EVENT_LENGTH}", Rule.REQUESTS)
    request = b""
    for i, (name, offset, size) in enumerate(DEPOSIT_FIELDS):
        if int.from_bytes(log_data[32 * i : 32 * i + 32], "big") != offset:
            raise InvalidBlock(f"deposit event: the {name} offset is not {offset}", Rule.REQUESTS)
        if int.from_bytes(log_data[offset : offset + 32], "big") != size:
            raise InvalidBlock(f"deposit event: the {name} is not {size} bytes", Rule.REQUESTS)
        request += log_data[offset + 32 : offset + 32 + size]
    return request


class BlockEnd(Protocol):
    """What a request source reads of the block being built (``BlockBuilder``)."""

    state: State
    env: BlockEnv
    fork: Fork
    code_runner: CodeRunner | None

    @property
    def receipts(self) -> Sequence[Receipt]: ...
    deposit_contract: bytes


class RequestSource(Protocol):
    @property
    def type(self) -> int: ...

    def collect(self, block: BlockEnd) -> bytes:
        """The data of this type's requests in ``block`` (may be empty)."""
        ...

    def contract(self, deposit_contract: bytes) -> tuple[str, bytes]:
        """The contract the requests come from: its ``eth_config`` name and address."""
        ...


@dataclass(frozen=True, slots=True)
class DepositRequests:
    """EIP-6110: the deposit contract's DepositEvent logs, in block order."""

    type: int = DEPOSIT_REQUEST_TYPE

    def collect(self, block: BlockEnd) -> bytes:
        return b"".join(
            deposit_request(log.data)
            for receipt in block.receipts
            for log in receipt.logs
            if log.address == block.deposit_contract and log.topics[:1] == (DEPOSIT_EVENT_TOPIC,)
        )

    def contract(self, deposit_contract: bytes) -> tuple[str, bytes]:
        return "DEPOSIT_CONTRACT_ADDRESS", deposit_contract


@dataclass(frozen=True, slots=True)
class QueueRequests:
    """EIP-7002, EIP-7251: what the queue contract's end-of-block system call returns."""

    type: int
    queue: SystemContract

    def collect(self, block: BlockEnd) -> bytes:
        return checked_system_call(block.state, block.env, block.fork, self.queue, block.code_runner)

    def contract(self, deposit_contract: bytes) -> tuple[str, bytes]:
        return self.queue.config_name, self.queue.address


PRAGUE_REQUESTS: tuple[RequestSource, ...] = (
    DepositRequests(),
    QueueRequests(WITHDRAWAL_REQUEST_TYPE, WITHDRAWAL_REQUESTS),
    QueueRequests(CONSOLIDATION_REQUEST_TYPE, CONSOLIDATION_REQUESTS),
)


def collect_requests(sources: Sequence[RequestSource], block: BlockEnd) -> list[bytes]:
    """Each source's requests as ``type ‖ data``, those without data left out."""
    requests = []
    for source in sources:
        data = source.collect(block)
        if data:
            requests.append(bytes((source.type,)) + data)
    return requests
