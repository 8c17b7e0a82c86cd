"""
Prague (provisional)
====================

Cancun with three of Prague's changes: the BLS12-381 precompiles at 0x0b–0x11
(EIP-2537, ``ovm.evm.precompiles.bls12_381``); the calldata floor
(EIP-7623): a transaction uses at least 21000 gas plus 10 per calldata token
(a zero byte is one token, any other byte four), and its gas limit must cover
that floor; and code delegation (EIP-7702, ``ovm.evm.delegation``): set-code
transactions (type 4), calls that run a delegate's code, a delegated sender
and target.

The rest of Prague is not here yet: the
block-hash history contract (EIP-2935), the new blob counts (EIP-7691), the
withdrawal and consolidation request contracts (EIP-7002, EIP-7251), among
others. This object is provisional, to be rebuilt on the fork data with them.
"""

from .. import gas as G
from ..instructions.system import CALLS_FOLLOWING_DELEGATION
from ..precompiles import BLS12_381_PRECOMPILES
from ..transactions import SetCodeTransaction
from .cancun import CANCUN

PRAGUE = CANCUN.derive(
    "Prague",
    add_precompiles=BLS12_381_PRECOMPILES,
    calldata_floor_per_token=G.TX_DATA_FLOOR_PER_TOKEN,
    add_transaction_types=(SetCodeTransaction.TYPE,),
    handlers=CALLS_FOLLOWING_DELEGATION,
    code_delegation=True,
)
