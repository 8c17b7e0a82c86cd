"""
L1 access
=========

How the rollup reaches its L1: a JSON-RPC client for any Ethereum node
(``client``, its reads; ``data``, what the node returns), the transaction
manager that signs and sends (``txmanager``: nonces, blobs, resending,
receipts), contract calls and events by ABI (``abi``, ``contract``), and the
embedded L1 dev chain — the project's own node in L1 mode, in a child process
(``devchain``).
"""

from .client import L1Client
from .contract import Contract, ContractEvent, deploy
from .data import BlockRef, L1Block, L1Error, L1Log, L1Receipt, L1Transaction
from .devchain import DevChain
from .txmanager import TransactionReverted, TxManager

__all__ = [
    "BlockRef",
    "Contract",
    "ContractEvent",
    "DevChain",
    "L1Block",
    "L1Client",
    "L1Error",
    "L1Log",
    "L1Receipt",
    "L1Transaction",
    "TransactionReverted",
    "TxManager",
    "deploy",
]
