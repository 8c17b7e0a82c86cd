"""
The rollup's index: what an explorer shows of L1 and L2
=======================================================

The explorer's view of the rollup, read from the node's L1 and its own L2
chain:

- **batches**: the inbox's ``BatchAppended`` events, each opened
  (``inbox.batch_data``: calldata, or blobs checked against their versioned
  hashes) to show its size, how well FastLZ compressed it, and the L2 blocks
  it carries;
- **deposits** (and forced withdrawals): the bridge's events, each with the
  hash of the L2 deposit transaction derivation makes of the
  ``TransactionDeposited`` the bridge emits right after it, and where that
  transaction is on L2 (not yet, in an unsafe block, in a safe one) — until
  it is there, how deep its L1 block is (the sequencer takes an L1 block's
  deposits once it is as deep as its ``--confirmations``);
- **outputs**: the state commitment chain's proposals with the L1 time their
  challenge period ends;
- **withdrawals**: the message passer's ``MessagePassed`` logs on L2, with the
  output that covers each, when its challenge period ends and whether L1 paid it.

L1 logs are read once per block range, in chunks: blocks deeper than
``REORG_MARGIN`` below the L1 head are kept, the newer ones read again at
each refresh (so an L1 reorg near the head is followed). L2 logs are kept up
to the safe head, which derivation confirmed on L1, and read again above it,
where the sequencer may still replace blocks. Only the newest ``KEPT``
entries of each kind are kept. Outputs are read by index once, and forgotten
from the first index an ``OutputsDeleted`` event (or a smaller count) removed.
A batch is opened once, when it is first shown.

Everything here runs on a worker thread (L1 reads block), one refresh at a
time under the index's lock; L2 reads hold the chain's lock, as reads from
other threads do, so that a block the sequencer replaces is not read half-way.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable

from ...evm.transactions import DepositTransaction, transaction_hash
from ..artifacts import load
from ..batch import BatchError, decode_batch, encode_block
from ..config import RollupConfig
from ..derivation.deposits import DEPOSIT_EVENT, deposit_transaction
from ..inbox import BLOBS, batch_data
from ..l1.client import L1Client
from ..l1.contract import Contract, ContractEvent
from ..l1.data import L1Error
from ..output import MESSAGE_PASSER
from ..withdrawals import MESSAGE_PASSED, withdrawal_from_log

REORG_MARGIN = 16  # L1 blocks read again at each refresh
LOG_CHUNK = 2_000  # L1 blocks per eth_getLogs
L2_LOG_CHUNK = 10_000
KEPT = 1_000  # entries of each kind kept
DEPOSIT_EVENTS = ("DepositInitiated", "ForcedWithdrawalInitiated")


@dataclass(frozen=True, slots=True)
class Output:
    index: int
    root: bytes
    timestamp: int  # L1 time of the proposal
    l2_block: int


@dataclass(frozen=True, slots=True)
class BatchDetails:
    size: int  # bytes of batch data (compressed frames and their table)
    uncompressed: int  # bytes of the blocks' RLP
    first: int
    last: int
    transactions: int
    blobs: int
    error: str | None = None
    lasting: bool = True  # False: the L1 could not give the data now (kept from being remembered)


@dataclass(frozen=True, slots=True)
class DepositRecord:
    event: ContractEvent  # DepositInitiated or ForcedWithdrawalInitiated
    deposit: DepositTransaction  # of the TransactionDeposited right after it


def deposit_records(events: list[ContractEvent]) -> list[DepositRecord]:
    """Each deposit or forced withdrawal among ``events`` (the bridge's, in log order)
    with the L2 deposit of the ``TransactionDeposited`` the bridge emits right after it."""
    records = []
    for event, following in zip(events, events[1:]):
        if (event.name in DEPOSIT_EVENTS and following.name == DEPOSIT_EVENT
                and following.log.transaction_hash == event.log.transaction_hash):
            deposit = deposit_transaction(following.name, following.args, following.log)
            if deposit is not None:
                records.append(DepositRecord(event, deposit))
    return records


@dataclass(frozen=True, slots=True)
class WithdrawalLog:
    hash: bytes
    nonce: int
    sender: bytes
    recipient: bytes
    amount: int
    l2_block: int
    l2_tx: bytes


class RollupIndex:
    """The explorer's view of one rollup (see the module docstring)."""

    def __init__(self, client: L1Client, config: RollupConfig, chain, safe_head: Callable[[], int]) -> None:
        self.client = client
        self.config = config
        self.chain = chain
        self.safe_head = safe_head
        addresses = config.contracts
        self.bridge = Contract.at(client, load("L1Bridge"), addresses.l1_bridge)
        self.inbox = Contract.at(client, load("BatchInbox"), addresses.batch_inbox)
        self.scc = Contract.at(client, load("StateCommitmentChain"), addresses.state_commitment_chain)
        self.lock = threading.Lock()
        self.l1_head = 0
        self.l1_time = 0
        self._l1_kept_to = config.l1_anchor.number - 1  # L1 blocks kept: up to here
        self._batches: deque[ContractEvent] = deque(maxlen=KEPT)
        self._deposits: deque[DepositRecord] = deque(maxlen=KEPT)
        self._recent: list[ContractEvent] = []  # events of the blocks above _l1_kept_to
        self._recent_deposits: list[DepositRecord] = []
        self._deleted_from: int | None = None
        self._outputs: list[Output] = []
        self._batch_details: dict[tuple[bytes, int], BatchDetails] = {}
        self._l2_kept_to = 0
        self._withdrawals: deque[WithdrawalLog] = deque(maxlen=KEPT)
        self._recent_withdrawals: list[WithdrawalLog] = []
        self._paid: set[bytes] = set()

    # -- refreshing -------------------------------------------------------------------

    def refresh(self) -> None:
        """Read what is new on L1 and L2 (call under ``lock``)."""
        head = self.client.head()
        self.l1_head, self.l1_time = head.number, head.timestamp
        self._read_l1_events(head.number)
        self._read_outputs()
        if self._outputs:  # proposed in a block after the head read above: L1 time is at least that block's
            self.l1_time = max(self.l1_time, self._outputs[-1].timestamp)
        self._read_withdrawals()

    def _read_l1_events(self, head: int) -> None:
        keep_to = max(self._l1_kept_to, head - REORG_MARGIN)
        kept = self._l1_events(self._l1_kept_to + 1, keep_to)
        for event in kept:
            self._keep(event)
        self._deposits.extend(deposit_records(kept))
        self._l1_kept_to = keep_to
        self._recent = self._l1_events(keep_to + 1, head)
        self._recent_deposits = deposit_records(self._recent)
        for event in self._recent:
            if event.name == "OutputsDeleted":
                self._outputs_deleted(event.args["fromIndex"])

    def _keep(self, event: ContractEvent) -> None:
        if event.name == "BatchAppended":
            self._batches.append(event)
        elif event.name == "OutputsDeleted":
            self._outputs_deleted(event.args["fromIndex"])

    def _l1_events(self, first: int, last: int) -> list[ContractEvent]:
        contracts = {c.address: c for c in (self.bridge, self.inbox, self.scc)}
        events = []
        for start in range(first, last + 1, LOG_CHUNK):
            logs = self.client.logs(address=list(contracts), from_block=start, to_block=min(last, start + LOG_CHUNK - 1))
            for entry in sorted(logs, key=lambda item: (item.block_number, item.log_index)):
                event = contracts[entry.address].decode(entry) if entry.address in contracts else None
                if event is not None:
                    events.append(event)
        return events

    def _outputs_deleted(self, from_index: int) -> None:
        del self._outputs[from_index:]

    def _read_outputs(self) -> None:
        count = self.scc.call("outputCount")
        del self._outputs[count:]
        while len(self._outputs) < count:
            index = len(self._outputs)
            root, timestamp, l2_block = self.scc.call("getOutput", index)
            self._outputs.append(Output(index, bytes(root), timestamp, l2_block))

    def _read_withdrawals(self) -> None:
        with self.chain.lock:  # one chain: the sequencer may replace unsafe blocks on the event loop
            head = self.chain.head.number
            safe = min(self.safe_head(), head)
            if safe > self._l2_kept_to:
                self._withdrawals.extend(self._l2_withdrawals(self._l2_kept_to + 1, safe))
                self._l2_kept_to = safe
            self._recent_withdrawals = self._l2_withdrawals(self._l2_kept_to + 1, head)

    def _l2_withdrawals(self, first: int, last: int) -> list[WithdrawalLog]:
        found = []
        for start in range(first, last + 1, L2_LOG_CHUNK):
            end = min(last, start + L2_LOG_CHUNK - 1)
            for record in self.chain.logs(start, end, {MESSAGE_PASSER}, [{MESSAGE_PASSED}]):
                withdrawal = withdrawal_from_log(record.log.topics, record.log.data, record.block_number)
                if withdrawal is None:
                    continue
                found.append(WithdrawalLog(
                    hash=withdrawal.hash, nonce=withdrawal.nonce, sender=withdrawal.l2_sender,
                    recipient=withdrawal.l1_recipient, amount=withdrawal.amount,
                    l2_block=record.block_number, l2_tx=record.tx_hash,
                ))  # fmt: skip
        return found

    # -- views ------------------------------------------------------------------------

    def outputs(self, limit: int) -> list[dict]:
        return [self._output_json(output) for output in reversed(self._outputs[-limit:])]

    def _output_json(self, output: Output) -> dict:
        ends = output.timestamp + self.config.challenge_period
        return {
            "index": output.index,
            "root": "0x" + output.root.hex(),
            "l2Block": output.l2_block,
            "proposedAt": output.timestamp,
            "challengePeriodEnds": ends,
            "secondsLeft": max(0, ends - self.l1_time),
            "finalized": self.l1_time >= ends,
        }

    def batches(self, limit: int) -> list[dict]:
        events = [*self._batches, *(e for e in self._recent if e.name == "BatchAppended")][-limit:]
        return [self._batch_json(event) for event in reversed(events)]

    def _batch_json(self, event: ContractEvent) -> dict:
        log = event.log
        key = (log.transaction_hash, log.log_index)
        details = self._batch_details.get(key)
        if details is None:
            details = self._open_batch(event)
            if details.lasting:
                self._batch_details[key] = details
                while len(self._batch_details) > KEPT:
                    del self._batch_details[next(iter(self._batch_details))]
        return {
            "index": event.args["index"],
            "l1Block": log.block_number,
            "l1Tx": "0x" + log.transaction_hash.hex(),
            "kind": "blobs" if event.args["kind"] == BLOBS else "calldata",
            "dataHash": "0x" + bytes(event.args["dataHash"]).hex(),
            "size": details.size,
            "uncompressedSize": details.uncompressed,
            "blobs": details.blobs,
            "firstBlock": details.first,
            "lastBlock": details.last,
            "transactions": details.transactions,
            "error": details.error,
        }

    def _open_batch(self, event: ContractEvent) -> BatchDetails:
        blobs = 0
        try:
            if event.args["kind"] == BLOBS:
                tx = self.client.transaction(event.log.transaction_hash)
                blobs = len(tx.blob_versioned_hashes) if tx is not None else 0
            data = batch_data(self.client, self.inbox, event, self.config.batcher.address)
            if data is None:
                return BatchDetails(0, 0, -1, -1, 0, blobs, "not a batch of the rollup's batcher")
            blocks = decode_batch(data)
        except BatchError as exc:
            return BatchDetails(0, 0, -1, -1, 0, blobs, str(exc))
        except L1Error as exc:  # the L1 node lacks the blobs now, or is not answering: try again later
            return BatchDetails(0, 0, -1, -1, 0, blobs, str(exc), lasting=False)
        return BatchDetails(
            size=len(data), uncompressed=sum(len(encode_block(block)) for block in blocks),
            first=blocks[0].number, last=blocks[-1].number,
            transactions=sum(len(block.transactions) for block in blocks), blobs=blobs,
        )  # fmt: skip

    def deposits(self, limit: int) -> list[dict]:
        records = [*self._deposits, *self._recent_deposits][-limit:]
        safe = self.safe_head()
        return [self._deposit_json(record, safe) for record in reversed(records)]

    def _deposit_json(self, record: DepositRecord, safe: int) -> dict:
        event, deposit = record.event, record.deposit
        l2_hash = transaction_hash(deposit)
        with self.chain.lock:
            location = self.chain.transaction(l2_hash)
        l2_block = None if location is None else location.block_number
        status = "l1" if l2_block is None else "safe" if l2_block <= safe else "l2"
        return {
            "kind": "deposit" if event.name == "DepositInitiated" else "forced withdrawal",
            "l1Block": event.log.block_number,
            "l1Tx": "0x" + event.log.transaction_hash.hex(),
            "l1Depth": self.l1_head - event.log.block_number,
            "from": "0x" + _address(event.args["from"]).hex(),
            "l2Account": "0x" + deposit.sender.hex(),
            "amount": str(event.args["amount"]),
            "nonce": event.args["nonce"],
            "l2Tx": "0x" + bytes(l2_hash).hex(),
            "l2Block": l2_block,
            "status": status,
        }

    def withdrawals(self, limit: int) -> list[dict]:
        entries = [*self._withdrawals, *self._recent_withdrawals][-limit:]
        return [self._withdrawal_json(entry) for entry in reversed(entries)]

    def _withdrawal_json(self, withdrawal: WithdrawalLog) -> dict:
        output = next((o for o in self._outputs if o.l2_block >= withdrawal.l2_block), None)
        ends = None if output is None else output.timestamp + self.config.challenge_period
        if self._is_paid(withdrawal.hash):
            status = "finalized"
        elif output is None:
            status = "waiting for an output"
        elif self.l1_time < ends:
            status = "in challenge period"
        else:
            status = "ready to finalize"
        return {
            "hash": "0x" + withdrawal.hash.hex(),
            "nonce": withdrawal.nonce,
            "from": "0x" + withdrawal.sender.hex(),
            "to": "0x" + withdrawal.recipient.hex(),
            "amount": str(withdrawal.amount),
            "l2Block": withdrawal.l2_block,
            "l2Tx": "0x" + withdrawal.l2_tx.hex(),
            "outputIndex": None if output is None else output.index,
            "challengePeriodEnds": ends,
            "secondsLeft": None if ends is None else max(0, ends - self.l1_time),
            "status": status,
        }

    def _is_paid(self, withdrawal_hash: bytes) -> bool:
        if withdrawal_hash not in self._paid and self.bridge.call("finalizedWithdrawals", withdrawal_hash):
            self._paid.add(withdrawal_hash)
        return withdrawal_hash in self._paid


def _address(value) -> bytes:
    """eth_abi gives addresses as checksummed text."""
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)
