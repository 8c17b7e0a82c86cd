"""
The ``optimism`` namespace
==========================

The rollup's view of a node, in op-node's shapes so that OP Stack tools read
it: ``optimism_outputAtBlock`` (an output root and what it commits to),
``optimism_syncStatus`` (the L1 and L2 heads: unsafe = built, safe = derived
from batches on L1, finalized = derived from L1 data L1 has finalized; the
``safe`` and ``finalized`` block tags name the same blocks),
``optimism_rollupConfig`` (without the operators' keys) and
``optimism_withdrawalProof``: for a withdrawal hash, the withdrawal, where it
happened, the final output that covers it and the storage proof under that
output, with ``proof``, the ready ``L1Bridge.finalizeWithdrawal`` argument
(-32001 for a hash the chain does not hold, -32000 with the reason while no
final output covers it yet).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from ..node.rpc.errors import ResourceNotFound, ServerError
from ..node.rpc.formatting import data, quantity
from ..node.rpc.params import BlockNumberOrTag, Hash
from .config import Operator, RollupConfig
from .l1.contract import Contract
from .l1.data import L1Error
from .output import OutputRoots
from .withdrawals import Proof, WithdrawalError, WithdrawalIndex, local_proof


@dataclass
class SyncStatus:
    l1_head: int = 0
    l1_derived: int = 0
    unsafe_l2: int = 0
    safe_l2: int = 0
    finalized_l2: int = 0
    finalized_l1: int = 0
    batch_backlog: int = 0


class Optimism:
    namespace = "optimism"

    def __init__(
        self, chain, outputs: OutputRoots, config: RollupConfig, status: Callable[[], SyncStatus], scc: Contract
    ) -> None:
        self._chain = chain
        self._outputs = outputs
        self._config = config
        self._status = status
        self._scc = scc
        self._withdrawals = WithdrawalIndex(chain)

    def outputAtBlock(self, block: BlockNumberOrTag) -> dict:
        number = self._chain.resolve_block_tag(block)
        try:
            output = self._outputs.at(number)
        except LookupError as exc:
            raise ResourceNotFound(str(exc)) from None
        return {
            "version": data(bytes(32)),
            "outputRoot": data(output.root),
            "blockRef": self._ref(number),
            "withdrawalStorageRoot": data(output.message_passer_storage_root),
            "stateRoot": data(output.state_root),
            "syncStatus": self.syncStatus(),
        }

    def syncStatus(self) -> dict:
        status = self._status()
        return {
            "head_l1": {"number": quantity(status.l1_head)},
            "current_l1": {"number": quantity(status.l1_derived)},
            "finalized_l1": {"number": quantity(status.finalized_l1)},
            "unsafe_l2": self._ref(status.unsafe_l2),
            "safe_l2": self._ref(status.safe_l2),
            "finalized_l2": self._ref(status.finalized_l2),
            "batch_backlog": quantity(status.batch_backlog),
        }

    def rollupConfig(self) -> dict:
        config = self._config
        public = dataclasses.replace(
            config, batcher=Operator(config.batcher.address), proposer=Operator(config.proposer.address)
        )
        return public.to_json()

    def withdrawalProof(self, withdrawal_hash: Hash) -> dict:
        located = self._withdrawals.find(withdrawal_hash)
        if located is None:
            raise ResourceNotFound(f"withdrawal 0x{withdrawal_hash.hex()} not found on this chain "
                                   f"(up to L2 block {self._chain.head.number})")
        try:
            proof = local_proof(self._chain, self._outputs, self._scc, located.withdrawal)
        except WithdrawalError as exc:
            raise ServerError(f"withdrawal 0x{withdrawal_hash.hex()}: {exc}") from None
        except L1Error as exc:
            raise ServerError(f"cannot read the StateCommitmentChain on L1: {exc}") from None
        return _proof_json(proof, located.tx_hash)

    def _ref(self, number: int) -> dict:
        block = self._chain.block(number)
        if block is None:
            return {"number": quantity(number)}
        return {
            "hash": data(block.hash),
            "number": quantity(number),
            "parentHash": data(block.header.parent_hash),
            "timestamp": quantity(block.header.timestamp),
        }


def _proof_json(proof: Proof, tx_hash: bytes) -> dict:
    withdrawal = proof.withdrawal
    return {
        "withdrawal": {
            "nonce": quantity(withdrawal.nonce),
            "sender": data(withdrawal.l2_sender),
            "target": data(withdrawal.l1_recipient),
            "value": quantity(withdrawal.amount),
            "gasLimit": quantity(withdrawal.gas_limit),
            "data": data(withdrawal.data),
            "withdrawalHash": data(withdrawal.hash),
        },
        "l2BlockNumber": quantity(withdrawal.l2_block),
        "transactionHash": data(tx_hash),
        "outputIndex": quantity(proof.output_index),
        "outputBlockNumber": quantity(proof.output_l2_block),
        "outputRootProof": {
            "version": data(bytes(32)),
            "stateRoot": data(proof.state_root),
            "messagePasserStorageRoot": data(proof.storage_root),
            "latestBlockhash": data(proof.block_hash),
        },
        "withdrawalProof": [data(node) for node in proof.nodes],
        "proof": data(proof.encoded()),
    }
