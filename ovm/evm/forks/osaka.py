"""
Osaka
=====

Prague with Osaka's changes to the EVM and to transactions:

* CLZ (EIP-7939, 0x1e): the number of leading zero bits of a word (256 for
  zero), for 5 gas; its semantics are an expression both engines share
  (``ovm.evm.instructions.expressions``);
* P256VERIFY at 0x100 (EIP-7951), 6900 gas (``ovm.evm.precompiles.p256verify``);
* modexp (0x05) repriced (EIP-7883) and bounded to operands of 1024 bytes
  (EIP-7823) (``ovm.evm.precompiles.modexp.OSAKA``);
* a transaction's gas limit capped at 2**24 (EIP-7825): a block refuses a
  transaction above it, and the pool refuses it as geth does.

Osaka's block-level changes (the blob base fee's floor, EIP-7918; the blob
schedule and its parameter-only forks) are the chain's business
(``ovm.chain``), not this object's.
"""

from .. import gas as G
from ..precompiles import OSAKA_PRECOMPILES
from .prague import PRAGUE

OSAKA = PRAGUE.derive(
    "Osaka",
    add_opcodes={"CLZ": G.LOW},
    add_precompiles=OSAKA_PRECOMPILES,
    max_transaction_gas=G.MAX_TRANSACTION_GAS,
)
