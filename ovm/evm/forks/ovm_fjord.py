"""
OvmFjord
========

The OP Stack's Fjord on Cancun's EVM: ``OvmCancun`` with Fjord's two
execution changes (specs ``protocol/fjord/overview.md``):

- the L1 data fee by the FastLZ size estimate (``ovm.evm.l2.FJORD_RULES``),
  which GasPriceOracle's ``isFjord`` computes too (``getL1Fee``,
  ``getL1GasUsed``, ``getL1FeeUpperBound``);
- P256VERIFY at 0x100 (RIP-7212) for 3450 gas (``p256verify.FJORD_GAS``),
  half of what Ethereum's Osaka charges for the same precompile.

Fjord's other changes are derivation's, not the EVM's (a constant sequencer
drift, brotli channels, larger channel limits), and ovm's batches are its own
format. Fjord also deprecates the receipts' ``l1GasUsed``; ovm keeps showing
it, as op-geth does, computed as Fjord defines it.
"""

from ..l2 import FJORD_RULES
from ..precompiles import P256VERIFY_ADDRESS, p256verify, p256verify_precompile
from .cancun import CANCUN

FJORD_PRECOMPILES = {P256VERIFY_ADDRESS: p256verify_precompile(p256verify.FJORD_GAS)}

OVM_FJORD = CANCUN.on_l2("OvmFjord", FJORD_RULES, FJORD_PRECOMPILES)
