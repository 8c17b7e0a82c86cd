"""
OvmIsthmus
==========

The OP Stack's Isthmus: Prague's EVM (``ovm.evm.forks.prague``) on the L2,
with what the OP Stack forks from Fjord to Isthmus change in execution:

- Fjord: the FastLZ L1 data fee and P256VERIFY at 0x100 for 3450 gas
  (``OvmFjord``);
- Granite: bn254 pairing (0x08) fails on more than 112,687 bytes of input;
- Isthmus (``protocol/isthmus/exec-engine.md``): the header's
  ``withdrawalsRoot`` is the L2ToL1MessagePasser's storage root
  (``ovm.evm.l2.ISTHMUS_RULES``); the BLS12-381 precompiles at Prague's
  addresses with input limits (G1 MSM 513,760 bytes, G2 MSM 488,448, pairing
  235,008); the EIP-2935 block-hash history as on Ethereum's Prague; the
  EIP-7623 calldata floor; set-code transactions (EIP-7702) where Prague has
  them. Blob transactions stay refused on L2.

What ovm does not take, and why:

- Isthmus's operator fee (a fee per gas to an OperatorFeeVault, set from
  SystemConfig through a new L1-info format): it is for OP Stack variants
  with costs the L1 data fee does not see (alt-DA, ZK proving); ovm posts its
  data to Ethereum and is kept honest by fraud proofs, so the L1 data fee and
  the base fee cover what it costs, and the L1-info deposit keeps Ecotone's
  format.
- Execution-layer requests (EIP-6110, EIP-7002, EIP-7251): Isthmus runs none
  of their system calls and its header's ``requestsHash`` is ``sha256('')``,
  an empty list; ovm's L2 does the same.
- Holocene's EIP-1559 parameters in ``extraData`` and Jovian's minimum base
  fee and DA footprint limit: all are set through the OP Stack's SystemConfig
  and carried in the header's ``extraData`` or a new L1-info format; ovm's fee
  parameters are fixed in its genesis and rollup config, so there is nothing
  to carry. Jovian's lower precompile input limits go with Jovian.
"""

from ..l2 import (
    BLS12_G1_MSM_MAX_INPUT,
    BLS12_G2_MSM_MAX_INPUT,
    BLS12_PAIRING_MAX_INPUT,
    BN254_PAIRING_MAX_INPUT,
    ISTHMUS_RULES,
    input_limited,
)
from .ovm_fjord import FJORD_PRECOMPILES
from .prague import PRAGUE


def _address(number: int) -> bytes:
    return number.to_bytes(20, "big")


_INPUT_LIMITS = {
    _address(0x08): BN254_PAIRING_MAX_INPUT,
    _address(0x0C): BLS12_G1_MSM_MAX_INPUT,
    _address(0x0E): BLS12_G2_MSM_MAX_INPUT,
    _address(0x0F): BLS12_PAIRING_MAX_INPUT,
}

ISTHMUS_PRECOMPILES = {
    **FJORD_PRECOMPILES,
    **{address: input_limited(PRAGUE.precompiles[address], limit) for address, limit in _INPUT_LIMITS.items()},
}

OVM_ISTHMUS = PRAGUE.on_l2("OvmIsthmus", ISTHMUS_RULES, ISTHMUS_PRECOMPILES)
