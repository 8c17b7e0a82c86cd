"""
The proposer
============

Posts output roots (``ovm.rollup.output``) of the sequencer's L2 blocks to the
StateCommitmentChain: one every ``interval`` L2 blocks, for blocks already
safe (the sequencer's own derivation found them on L1, exactly as it built
them), so a verifier can always re-derive what an output commits to, and a
block that derivation would replace is never proposed. Before its first
proposal it deposits the bond the chain requires.
"""

from __future__ import annotations

import logging
from typing import Callable

from .l1.data import L1Error
from .l1.contract import Contract
from .output import OutputRoots

log = logging.getLogger("ovm.proposer")

TX_TIMEOUT = 20.0  # seconds


class Proposer:
    def __init__(
        self,
        outputs: OutputRoots,
        scc: Contract,
        key: bytes,
        address: bytes,
        interval: int,
        safe_head: Callable[[], int],
    ) -> None:
        if interval < 1:
            raise ValueError(f"the proposal interval must be at least 1 L2 block, got {interval}")
        self.outputs = outputs
        self.scc = scc
        self.key = key
        self.address = address
        self.interval = interval
        self.safe_head = safe_head

    def last_proposed_block(self) -> int:
        count = self.scc.call("outputCount")
        if not count:
            return 0
        _, _, l2_block = self.scc.call("getOutput", count - 1)
        return l2_block

    def poll(self) -> None:
        """Propose the next due output if its block is safe."""
        target = self.last_proposed_block() + self.interval
        if target > self.safe_head():
            return
        self._ensure_bond()
        root = self.outputs.at(target).root
        self._transact("proposeOutput", root, target)
        log.info("proposed the output of L2 block %d: 0x%s", target, root.hex())

    def _ensure_bond(self) -> None:
        required = self.scc.call("requiredBond")
        bonded = self.scc.call("bond")
        if bonded < required:
            self._transact("depositBond", value=required - bonded)

    def _transact(self, function: str, *args, value: int = 0) -> None:
        """Send and wait a while; a transaction lost (to an L1 reorg, say) is
        simply proposed again on a later round, with a fresh nonce."""
        try:
            self.scc.transact(self.key, function, *args, value=value, timeout=TX_TIMEOUT)
        except L1Error:
            self.scc.client.txs.forget_nonce(self.address)
            raise
