"""
Node context
============

What the RPC modules reach of the node, assembled by whoever starts it (the
``ovm node`` command): the ``Blockchain``, the ``Mempool`` (admission, pending
nonces, its content, and listeners for newly pending transactions), the
``Sequencer`` (``submit``, which in instant mode seals the block before it
returns; ``mine``; listeners for new blocks) and the unlocked dev accounts.
``next_timestamp`` is the timestamp ``evm_setNextBlockTimestamp`` asked for,
until ``evm_mine`` uses it. ``underivable_refused``, when set, is why the dev
methods that change state no replica can derive are refused (a rollup's
sequencer sets it; ``dev.underivable``). ``latest_timestamp``, when set,
answers the latest timestamp a block mined by hand may have (a rollup's
sequencer: its L1 head's time plus the maximum sequencer drift, past which a
block takes no transactions); ``evm_mine``/``anvil_mine`` refuse to mine past it.

Nothing here imports the command line or the rollup: a rollup namespace is
one more module object given to ``RpcServer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from ... import __version__
from ...chain import DevAccount
from ..chain import Blockchain
from ..mempool import Mempool
from ..sequencer import Sequencer

CLIENT_VERSION = f"ovm/{__version__}"


@dataclass
class NodeContext:
    chain: Blockchain
    mempool: Mempool
    sequencer: Sequencer
    dev_accounts: Sequence[DevAccount] = ()
    client_version: str = CLIENT_VERSION
    next_timestamp: int | None = None
    underivable_refused: str | None = None
    latest_timestamp: Callable[[], int] | None = None
