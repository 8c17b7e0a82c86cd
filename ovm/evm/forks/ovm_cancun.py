"""
OvmCancun
=========

The L2's first fork, for the chains that began on it and stay on it:
Cancun's instructions, gas and precompiles with the OP Stack's L2 rules as of
Ecotone (``ovm.evm.l2.ECOTONE_RULES``: deposits, fee vaults, the Ecotone L1
data fee), and its transaction types: legacy, access list, fee market and
deposit (0x7E). Blob transactions are not accepted, as Ecotone disables them
on L2 (specs ``protocol/exec-engine.md``, "Ecotone: disable
Blob-transactions").
"""

from ..l2 import ECOTONE_RULES
from .cancun import CANCUN

OVM_CANCUN = CANCUN.on_l2("OvmCancun", ECOTONE_RULES)
