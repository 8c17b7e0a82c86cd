"""
Chain store
===========

The node's database: one LMDB environment in a data directory, with a named
sub-database per kind of record, behind one facade, ``ChainStore``
(``chain_store``); ``schema`` names the tables and keys, ``codecs`` encodes
rows and receipts, and ``blocks``, ``flat_state``, ``pending`` and ``logs``
read and write their tables within the facade's transactions. Numbers in
keys are 8-byte big-endian, so LMDB's key order is block order.

=============  ==========================  ================================================
database       key                         value
=============  ==========================  ================================================
headers        block hash                  RLP header
bodies         block hash                  RLP body (``[transactions, [], []]``)
canonical      number                      block hash
receipts       block hash                  RLP list of ``[consensus receipt, details]``
transactions   tx hash                     block hash ‖ index (4 bytes)
accounts       address                     RLP ``[nonce, balance, code hash]``
code           code hash                   code
storage        address ‖ slot (32 bytes)   value (minimal big-endian; a zero slot is absent)
undo           position (12 bytes)         RLP ``[state root before, accounts, slots]``
pending        tx hash                     arrival number (8 bytes) ‖ network form (blobs included)
sidecars       tx hash                     network form of an included blob transaction
snapshots      snapshot id (8 bytes)       position
meta           name                        head hash, genesis hash, state root, counters
address_txs    address ‖ number ‖ index    the nonce if the address sent it, else empty
tx_addresses   number ‖ index              the addresses indexed for the transaction
=============  ==========================  ================================================

``address_index`` keeps the last two: every transaction an address took part
in (sent, received, created, or touched by a call inside it), for an
explorer's address history (``ots_searchTransactions*``).

State is kept flat (accounts, code, storage), not as trie nodes: the node
keeps the whole state in memory (``State``) and rebuilds its tries at start-up
(``load_state``), so the store only needs the values.

Positions and undo records
--------------------------

The state is at a *position* ``(number, changes)``: after block ``number`` and
``changes`` dev changes (``commit_dev_change``: a balance or code set by hand)
on top of it. Every write of state leaves an undo record at its position —
block ``n`` at ``(n, 0)``, the k-th dev change after it at ``(n, k)`` — with
the old value of every account and slot it overwrote (empty: absent) and the
state root before it. Undoing the records above a position, newest first,
brings the flat state back to that position exactly (``rewind``, snapshots);
undoing them in memory gives the state an older block ran on
(``load_state(before_block=...)``). Genesis has no record: it is the bottom.

Atomicity and durability
------------------------

Each block is committed in one LMDB write transaction: header, body,
receipts, indexes, state diff, undo record, the removal of its transactions
from ``pending`` and the new head. LMDB writes new pages copy-on-write and
makes them current by writing a meta page last, so a process killed at any
instant reopens the store at its last committed transaction.

By default the environment is opened without ``fsync`` (LMDB's ``sync=False``,
``metasync=False``): a commit returns once its pages are written to the file,
that is, to the kernel's page cache. A killed process (SIGKILL, a crash of
Python) loses nothing that committed, because the page cache belongs to the
kernel and reaches the disk after the process is gone; only a kernel crash or
power loss can lose the last commits (LMDB keeps the database consistent as
long as the file system preserves write order). ``fsync=True`` makes every
commit wait for the disk. ``close`` always syncs.

Measured on the dev machine (``python tests/node/test_store_scale.py`` prints
the figures; a 64 GiB map, sparse): ``commit_block`` of a block of 1 transfer
takes 0.13 ms without fsync and 0.5 ms with it; of 200 transfers, 5.0 ms and
5.8 ms (mostly RLP encoding of receipts and body; executing the 200 transfers
takes about 25 ms). Opening a chain of 10,000 accounts takes 0.13 s; with a
storage slot in each account, 0.4 s, most of it building the tries for the
state root.

Only one process may open a data directory at a time (an ``flock`` on
``ovm.lock`` in it); readers of the same process share the environment.
"""

from .address_index import TxPage, TxPlace
from .blocks import ReceiptRecord, TxLocation
from .chain_store import ChainStore
from .logs import LogRecord, Topics, log_matches
from .schema import Position, StoreError

__all__ = [
    "ChainStore",
    "LogRecord",
    "Position",
    "ReceiptRecord",
    "StoreError",
    "Topics",
    "TxLocation",
    "TxPage",
    "TxPlace",
    "log_matches",
]
