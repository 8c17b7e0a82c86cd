"""
Dev controls
============

The methods developers reach for on a dev chain, under the names their tools
use: ``evm_*`` (Ganache, Hardhat, anvil), ``anvil_*`` and its ``hardhat_*``
aliases, and ``ovm_*`` with all of them. One implementation serves every
name: ``Hardhat`` is ``Anvil`` under another namespace, and ``Ovm`` has the
methods of both. ``anvil_getBlobsByTransactionHash`` gives back the blobs of
a blob transaction on an L1 node, as anvil does.

Impersonation: ``anvil_impersonateAccount`` (``hardhat_``, ``ovm_``) lets
``eth_sendTransaction`` send from an address whose key the node does not hold,
until ``anvil_stopImpersonatingAccount``. Only a dev chain, whose fork takes
impersonated transactions (plain ``ovm node``), allows it: the transaction
carries a marker in place of a signature (``ovm.evm.signing``), which a rollup's
replicas could not derive, so a rollup's sequencer refuses.

Time: ``evm_increaseTime`` moves the clock of future blocks forward;
``evm_setNextBlockTimestamp`` moves it so that the next block has the given
timestamp (exactly when that block is made by ``evm_mine``; within the
second otherwise) and later blocks follow on from it. The clock only moves
forward: a timestamp behind the node's clock is refused, as is one not after
the head block's.

Arguments are checked before anything is built, as block building checks a
block: ``evm_mine`` and ``anvil_mine`` seal at most ``MAX_MINE_BLOCKS``
blocks per call, and no dev method moves the clock past
``LATEST_TIMESTAMP`` (2^64 - 2^32), so that every block after it still has
136 years of 64-bit timestamps ahead: a chain can never be left where no
block can follow, nor store a timestamp its data directory cannot read back.

On a rollup's sequencer the methods that change state or time in a way no
replica can derive from L1 (balances, code, nonces and storage set by hand,
snapshots and reverts, the clock, blocks mined at a chosen time) are refused
with -32601 and the reason ``NodeContext.underivable_refused`` gives: they
would make every later output root wrong. ``evm_mine`` without a timestamp
stays: the sequencer builds that block as it builds any other. Each block
takes a second of L2 time at least, so mining many at once runs L2 time
ahead of L1; past the maximum sequencer drift a rollup block takes no
transactions (the OP Stack's rule), and every user would wait until L1 time
caught up. So where the context gives ``latest_timestamp`` (a rollup's
sequencer), mining past it is refused with -32602 saying how many blocks fit.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from .context import NodeContext
from .errors import InvalidParams, MethodNotFound, ServerError
from .formatting import data, quantity
from .params import Address, Data, Hash, Json, ParamError, Quantity, Slot, Uint64
from .params import quantity as to_quantity

MAX_MINE_BLOCKS = 10_000
LATEST_TIMESTAMP = 2**64 - 2**32  # 2^32 - 1 seconds before 64 bits run out

F = TypeVar("F", bound=Callable[..., Any])


def underivable(method: F) -> F:
    """Marks a dev method whose change no replica could derive from L1: refused
    where the context says so (a rollup's sequencer), with its reason."""

    @wraps(method)
    def guarded(self: "_DevControls", *args: Any, **kwargs: Any) -> Any:
        self._refuse_underivable(method.__name__)
        return method(self, *args, **kwargs)

    return guarded  # type: ignore[return-value]


class _DevControls:
    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx
        self._chain = ctx.chain

    def _refuse_underivable(self, name: str) -> None:
        reason = self._ctx.underivable_refused
        if reason is not None:
            raise MethodNotFound(f"{getattr(self, 'namespace', 'ovm')}_{name} is not available here: {reason}")

    def _mine(self, count: int, timestamp: int | None) -> None:
        _check_count(count)
        head = self._chain.head.header.timestamp
        if timestamp is not None and timestamp <= head:
            raise ServerError(f"timestamp {timestamp} is not after the head block's ({head})")
        first = timestamp or self._ctx.next_timestamp or self._chain.next_timestamp()
        _check_clock(first + count - 1, f"{count} blocks from timestamp {first}")
        self._check_drift(first, count)
        if timestamp is None:
            timestamp, self._ctx.next_timestamp = self._ctx.next_timestamp, None
        self._ctx.sequencer.mine(count, timestamp)


    def _check_drift(self, first: int, count: int) -> None:
        """Refuse blocks that would run ahead of L1 past the sequencer drift: each
        block takes a second at least, and past the drift blocks take no transactions,
        so every user would wait until L1 time caught up."""
        bound = self._ctx.latest_timestamp
        if bound is None:
            return
        latest = bound()
        if first + count - 1 > latest:
            room = max(0, latest - first + 1)
            raise InvalidParams(
                f"{count} blocks from timestamp {first} would run L2 time to {first + count - 1}, past the L1 "
                f"head's time plus the maximum sequencer drift ({latest}): blocks past it take no transactions; "
                f"at most {room} block(s) can be mined now")


class Evm(_DevControls):
    namespace = "evm"

    def mine(self, timestamp: Json = None) -> str:
        """Seal a block now; ``timestamp`` may be a number or ``{"timestamp", "blocks"}``."""
        count, at = _mine_options(timestamp)
        if at is not None:
            self._refuse_underivable("mine with a timestamp")
        self._mine(count, at)
        return "0x0"

    @underivable
    def snapshot(self) -> str:
        return quantity(self._chain.snapshot())

    @underivable
    def revert(self, snapshot_id: Quantity) -> bool:
        return self._chain.revert(snapshot_id)

    @underivable
    def increaseTime(self, seconds: Quantity) -> str:
        _check_clock(self._chain.next_timestamp() + seconds, f"moving the clock {seconds} s forward")
        return quantity(self._chain.increase_time(seconds))

    @underivable
    def setNextBlockTimestamp(self, timestamp: Uint64) -> None:
        _check_clock(timestamp, f"timestamp {timestamp}")
        head = self._chain.head.header.timestamp
        if timestamp <= head:
            raise ServerError(f"timestamp {timestamp} is not after the head block's ({head})")
        ahead = timestamp - self._chain.next_timestamp()
        if ahead < 0:
            raise ServerError(
                f"timestamp {timestamp} is behind the node's clock ({self._chain.next_timestamp()}): "
                "the clock only moves forward"
            )
        self._chain.increase_time(ahead)
        self._ctx.next_timestamp = timestamp


class Anvil(_DevControls):
    namespace = "anvil"

    @underivable
    def setBalance(self, address: Address, balance: Quantity) -> None:
        self._chain.set_balance(address, balance)

    @underivable
    def setCode(self, address: Address, code: Data) -> None:
        self._chain.set_code(address, code)

    @underivable
    def setNonce(self, address: Address, nonce: Uint64) -> None:
        self._chain.set_nonce(address, nonce)

    @underivable
    def setStorageAt(self, address: Address, slot: Slot, value: Hash) -> bool:
        self._chain.set_storage(address, slot, int.from_bytes(value, "big"))
        return True

    def impersonateAccount(self, address: Address) -> None:
        """Let ``eth_sendTransaction`` send from ``address`` without its key."""
        if not self._chain.next_fork().fork.impersonation:
            raise ServerError("impersonation is only on a dev chain (ovm node): no other node "
                              "could tell who sent a transaction without a signature")
        self._ctx.mempool.impersonating.add(address)

    def stopImpersonatingAccount(self, address: Address) -> None:
        self._ctx.mempool.impersonating.discard(address)

    def getBlobsByTransactionHash(self, tx_hash: Hash) -> list[str] | None:
        """The blobs a blob transaction came with (blocks hold only their hashes):
        how anvil lets a rollup read its blob batches back; null if unknown."""
        sidecar = self._chain.sidecar(tx_hash)
        return None if sidecar is None else [data(blob) for blob in sidecar.blobs]

    def mine(self, blocks: Quantity = 1, interval: Quantity = None) -> None:
        """Seal ``blocks`` blocks now (``interval`` seconds apart if given)."""
        if interval is None:
            self._mine(blocks, None)
            return
        self._refuse_underivable("mine with an interval")
        _check_count(blocks)
        head = self._chain.head.header.timestamp
        _check_clock(head + max(interval, 1) * blocks, f"{blocks} blocks {interval} s apart")
        for _ in range(blocks):
            timestamp = self._chain.head.header.timestamp + max(interval, 1)
            self._mine(1, timestamp)


class Hardhat(Anvil):
    namespace = "hardhat"

    def impersonateAccount(self, address: Address) -> bool:
        """As Hardhat answers: ``true``."""
        super().impersonateAccount(address)
        return True

    def stopImpersonatingAccount(self, address: Address) -> bool:
        """``true`` if the account was impersonated, as Hardhat answers."""
        was = address in self._ctx.mempool.impersonating
        super().stopImpersonatingAccount(address)
        return was


class Ovm(Evm, Anvil):
    namespace = "ovm"


def _check_count(count: int) -> None:
    if not 1 <= count <= MAX_MINE_BLOCKS:
        raise InvalidParams(f"block count must be from 1 to {MAX_MINE_BLOCKS}, got {count}")


def _check_clock(timestamp: int, what: str) -> None:
    if timestamp > LATEST_TIMESTAMP:
        raise InvalidParams(f"{what} would take block timestamps past {LATEST_TIMESTAMP} (2^64 - 2^32), "
                            "the latest a dev method may set")


def _mine_options(value: Any) -> tuple[int, int | None]:
    """``evm_mine``'s argument: nothing, a timestamp, or ``{"timestamp", "blocks"}`` (anvil)."""
    try:
        if value is None:
            return 1, None
        if not isinstance(value, dict):
            return 1, to_quantity(value)
        blocks = to_quantity(value.get("blocks", 1))
        timestamp = value.get("timestamp")
        return blocks, None if timestamp is None else to_quantity(timestamp)
    except ParamError as exc:
        raise InvalidParams(f"invalid argument 0 (timestamp): {exc}") from None
