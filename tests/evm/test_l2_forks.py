"""
The L2's forks
==============

``OvmCancun`` as it was (Ecotone's rules on Cancun), ``OvmFjord`` (Fjord's fee
and P256VERIFY at 0x100 for RIP-7212's 3450 gas) and ``OvmIsthmus`` (Prague's
EVM with Fjord's and Isthmus's L2 rules, and the Granite and Isthmus limits on
precompile input), each exercised through a transaction on both engines.
"""

from __future__ import annotations

import pytest

from ovm.evm.forks import CANCUN, FORKS, OVM_CANCUN, OVM_FJORD, OVM_ISTHMUS, PRAGUE
from ovm.evm.l2 import (
    BLS12_G1_MSM_MAX_INPUT,
    BLS12_PAIRING_MAX_INPUT,
    BN254_PAIRING_MAX_INPUT,
    ECOTONE_RULES,
    FJORD_RULES,
    ISTHMUS_RULES,
    L2_TO_L1_MESSAGE_PASSER,
)
from ovm.evm.precompiles import P256VERIFY_ADDRESS
from ovm.transpiler import TranspilingRunner

from support import call_contract, make_state
from evm.precompiles.test_precompile_p256verify import signed_input

ENGINES = {"interpreter": None, "transpiled": TranspilingRunner()}
VALID = (1).to_bytes(32, "big")


def address(number: int) -> bytes:
    return number.to_bytes(20, "big")


def test_ovm_cancun_is_unchanged():
    assert OVM_CANCUN.name == "OvmCancun" and OVM_CANCUN.l2 is ECOTONE_RULES
    assert OVM_CANCUN.precompiles == CANCUN.precompiles and P256VERIFY_ADDRESS not in OVM_CANCUN.precompiles
    assert OVM_CANCUN.transaction_types == {0, 1, 2, 0x7E} and OVM_CANCUN.calldata_floor_per_token == 0
    assert ECOTONE_RULES.withdrawals_root_account is None


def test_each_l2_fork_runs_its_ethereum_forks_instructions():
    assert OVM_FJORD.instruction_set is CANCUN.instruction_set
    assert OVM_ISTHMUS.instruction_set is PRAGUE.instruction_set
    assert OVM_ISTHMUS.calldata_floor_per_token == PRAGUE.calldata_floor_per_token > 0
    assert (OVM_FJORD.l2, OVM_ISTHMUS.l2) == (FJORD_RULES, ISTHMUS_RULES)
    assert ISTHMUS_RULES.withdrawals_root_account == L2_TO_L1_MESSAGE_PASSER


def test_blob_transactions_stay_refused_and_deposits_accepted():
    for fork in (OVM_FJORD, OVM_ISTHMUS):
        assert 3 not in fork.transaction_types and 0x7E in fork.transaction_types
        assert fork.transaction_types == (fork_base(fork).transaction_types - {3}) | {0x7E}


def fork_base(fork):
    return CANCUN if fork.instruction_set is CANCUN.instruction_set else PRAGUE


def test_the_forks_are_known_by_name():
    assert {"OvmCancun", "OvmFjord", "OvmIsthmus"} <= FORKS.keys()


# --- P256VERIFY ------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fork", [OVM_FJORD, OVM_ISTHMUS], ids=lambda f: f.name)
def test_p256verify_at_0x100_for_3450_gas(fork, engine):
    data = b"".join(signed_input())
    state = make_state()
    result = call_contract(state, to=P256VERIFY_ADDRESS, data=data, fork=fork, code_runner=ENGINES[engine])
    assert result.success and result.output == VALID
    assert fork.precompiles[P256VERIFY_ADDRESS].gas(data) == 3450
    # On Isthmus the EIP-7623 floor (10 per token) is above 21000 + calldata + 3450.
    floor = 21_000 + fork.calldata_floor_per_token * (data.count(0) + 4 * (len(data) - data.count(0)))
    assert result.gas_used == max(floor, _intrinsic(data) + 3450)


def _intrinsic(data: bytes) -> int:
    return 21_000 + 4 * data.count(0) + 16 * (len(data) - data.count(0))


def test_ovm_cancun_has_no_p256verify():
    data = b"".join(signed_input())
    result = call_contract(make_state(), to=P256VERIFY_ADDRESS, data=data, fork=OVM_CANCUN)
    assert result.success and result.output == b"" and result.gas_used == _intrinsic(data)


# --- precompile input limits -------------------------------------------------------------


@pytest.mark.parametrize(
    "number, limit",
    [(0x08, BN254_PAIRING_MAX_INPUT), (0x0C, BLS12_G1_MSM_MAX_INPUT), (0x0F, BLS12_PAIRING_MAX_INPUT)],
    ids=["bn254-pairing", "bls12-g1-msm", "bls12-pairing"],
)
def test_isthmus_refuses_input_over_the_limit(number, limit):
    """One byte over the limit fails and uses all the call's gas; on Prague the
    same input reaches the precompile (and fails for its own reason, the
    length not being a whole number of points, with the same gas)."""
    precompile = OVM_ISTHMUS.precompiles[address(number)]
    with pytest.raises(Exception, match="at most"):
        precompile.run(bytes(limit + 1))
    with pytest.raises(Exception) as ethereum:
        PRAGUE.precompiles[address(number)].run(bytes(limit + 1))
    assert "at most" not in str(ethereum.value)
    assert precompile.gas(bytes(limit + 1)) == PRAGUE.precompiles[address(number)].gas(bytes(limit + 1))


def test_input_at_the_limit_still_runs():
    pairing = OVM_ISTHMUS.precompiles[address(0x08)]
    whole = BN254_PAIRING_MAX_INPUT - BN254_PAIRING_MAX_INPUT % 192  # pairs of 192 bytes
    assert pairing.run(bytes(whole)) == VALID  # the empty product of pairings of infinities


def test_an_over_long_pairing_fails_the_call_on_isthmus_only():
    data = bytes(BN254_PAIRING_MAX_INPUT + 1 + 191 - (BN254_PAIRING_MAX_INPUT + 1 + 191) % 192)
    gas = 30_000_000
    isthmus = call_contract(make_state(), to=address(0x08), data=data, gas=gas, fork=OVM_ISTHMUS)
    prague = call_contract(make_state(), to=address(0x08), data=data, gas=gas, fork=PRAGUE)
    assert prague.success and prague.output == VALID
    assert not isthmus.success and isthmus.gas_used == gas
