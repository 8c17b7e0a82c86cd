"""
OvmCancun
=========

The L2's fork: Cancun's instructions, gas and precompiles with the OP Stack's
L2 rules as of Ecotone (``ovm.evm.l2.ECOTONE_RULES``: deposits, fee vaults,
the L1 data fee), and its transaction types: legacy, access list, fee market
and deposit (0x7E). Blob transactions are not accepted, as Ecotone disables
them on L2 (specs ``protocol/exec-engine.md``, "Ecotone: disable
Blob-transactions").
"""

import dataclasses

from ..l2 import ECOTONE_RULES
from ..transactions import DepositTransaction
from .cancun import CANCUN

OVM_CANCUN = dataclasses.replace(
    CANCUN,
    name="OvmCancun",
    transaction_types=frozenset({0, 1, 2, DepositTransaction.TYPE}),
    l2=ECOTONE_RULES,
)
