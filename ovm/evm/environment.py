"""
Execution environment
=====================

What the EVM sees of the world outside the state: the block it runs in
(``BlockEnv``) and the transaction that started it (``TxContext``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import gas as G

BlockHashes = Callable[[int], bytes]


def no_block_hashes(number: int) -> bytes:
    return b"\x00" * 32


@dataclass(slots=True)
class BlockEnv:
    coinbase: bytes
    number: int
    timestamp: int
    gas_limit: int
    base_fee: int
    prev_randao: bytes
    chain_id: int = 1
    excess_blob_gas: int = 0
    block_hash: BlockHashes = no_block_hashes
    blob_params: G.BlobParams = G.CANCUN_BLOBS  # the block's fork's (``Fork.blobs``)
    blob_base_fee: int = field(init=False)

    def __post_init__(self) -> None:
        self.blob_base_fee = self.blob_params.base_fee(self.excess_blob_gas)


@dataclass(slots=True)
class TxContext:
    origin: bytes
    gas_price: int
    blob_hashes: tuple[bytes, ...] = ()
