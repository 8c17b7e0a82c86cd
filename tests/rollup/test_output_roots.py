"""
Output roots while the chain changes
====================================

``OutputRoots`` is read from worker threads (the proposer, JSON-RPC) while the
sequencer's event loop replaces blocks that derivation derived differently
(rewind, then the derived block). An output looked up at that moment must be
the output of the block the chain has now, never its block hash from before
the replacement with its state from after (which the proposer would then post
as the honest output).
"""

from __future__ import annotations

import threading

from ovm.evm.forks.ovm_cancun import OVM_CANCUN
from ovm.node.chain import Blockchain
from ovm.node.store import ChainStore
from ovm.rollup.genesis import l2_genesis
from ovm.rollup.output import OutputRoots, output_of

GENESIS_TIME = 1_700_000_000


class WatchedLock:
    """A reentrant lock that says when another thread has to wait for it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.contended = threading.Event()

    def __enter__(self) -> "WatchedLock":
        if not self._lock.acquire(blocking=False):
            self.contended.set()
            self._lock.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self._lock.release()


def test_an_output_looked_up_while_its_block_is_replaced_is_the_new_blocks(tmp_path):
    chain = Blockchain(ChainStore.open(tmp_path / "l2"), l2_genesis(timestamp=GENESIS_TIME), OVM_CANCUN)
    chain.lock = WatchedLock()
    for offset in (1, 2):
        chain.build_block([], GENESIS_TIME + offset)
    outputs = OutputRoots(chain)  # nothing remembered: block 1's output comes from history
    looked_up = []
    with chain.lock:  # the event loop, replacing blocks 1 and 2 ...
        reader = threading.Thread(target=lambda: looked_up.append(outputs.at(1)))
        reader.start()  # ... while the proposer asks for block 1's output
        assert chain.lock.contended.wait(30)
        chain.rewind(0)
        outputs.forget_after(0)
        for offset in (5, 6):  # other timestamps: other blocks
            chain.build_block([], GENESIS_TIME + offset)
            outputs.record_head()
    reader.join(30)

    with chain.lock:
        state = chain.store.load_state(before_block=2)
    expected = output_of(state, 1, chain.block(1).hash)
    assert looked_up == [expected]
    assert outputs.at(1) == expected
