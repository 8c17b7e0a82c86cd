"""
System contracts' code and addresses
====================================

Each EIP deploys its system contract with a keyless legacy transaction (a
chosen ``r = 0x539`` and ``s``): its sender is whoever that signature
recovers to over the transaction, initcode included, and the contract's
address is that sender's first creation. So rebuilding each EIP's deployment
transaction from our runtime code (behind the EIP's short constructor) and
recovering its sender must land on the canonical address: one wrong byte of
code moves the address. Running the constructor must leave exactly our code.
"""

from __future__ import annotations

import dataclasses

import pytest
from support import call_contract, make_state

from ovm.chain.system_contracts import (
    BEACON_ROOTS,
    CONSOLIDATION_REQUESTS,
    HISTORY_STORAGE,
    WITHDRAWAL_REQUESTS,
    EXCESS_INHIBITOR_STORE,
    SystemContract,
)
from ovm.evm.instructions.system import create_address
from ovm.evm.signing import recover_sender
from ovm.evm.transactions import LegacyTransaction

INHIBITOR_PREFIX = EXCESS_INHIBITOR_STORE

# (contract, constructor before the runtime code, the deployment's s, its sender), from the EIPs.
DEPLOYMENTS = [
    (BEACON_ROOTS, "60618060095f395ff3", 0x1B9B6EB1F0, "0b799c86a49deeb90402691f1041aa3af2d3c875"),
    (HISTORY_STORAGE, "60538060095f395ff3", 0xAA12693182426612186309F02CFE8A80A0000,
     "3462413af4609098e1e27a490f554f260213d685"),
    (WITHDRAWAL_REQUESTS, INHIBITOR_PREFIX + "6101f880602d5f395ff3", 0x5FEEB084551E4E03A3581E269BC2EA2F8D0008,
     "8646861a7cf453ddd086874d622b0696de5b9674"),
    (CONSOLIDATION_REQUESTS, INHIBITOR_PREFIX + "61019e80602d5f395ff3", 0xC0730F92DC275B663D377A7CBB141B6600052,
     "13d1913d623e6a9d8811736359e50fd31fe54fca"),
]  # fmt: skip


@pytest.mark.parametrize("contract,constructor,s,sender", DEPLOYMENTS, ids=lambda v: getattr(v, "name", ""))
def test_each_contract_records_its_deployment(contract, constructor, s, sender):
    assert (contract.deployer.hex(), contract.constructor.hex()) == (sender, constructor)
    assert contract.init_code == bytes.fromhex(constructor) + contract.code


def deployment(contract: SystemContract, constructor: str, s: int) -> LegacyTransaction:
    return LegacyTransaction(
        nonce=0, gas_price=0xE8D4A51000, gas=0x3D090, to=None, value=0,
        data=bytes.fromhex(constructor) + contract.code, v=27, r=0x539, s=s,
    )  # fmt: skip


@pytest.mark.parametrize("contract,constructor,s,sender", DEPLOYMENTS, ids=lambda v: getattr(v, "name", ""))
def test_the_code_is_what_the_eip_deployed_at_its_address(contract, constructor, s, sender):
    tx = deployment(contract, constructor, s)
    assert recover_sender(tx).hex() == sender
    assert create_address(recover_sender(tx), 0) == contract.address


def test_a_changed_byte_of_code_would_move_the_address():
    contract, constructor, s, sender = DEPLOYMENTS[1]
    altered = dataclasses.replace(contract, code=contract.code[:-1] + b"\x01")
    assert create_address(recover_sender(deployment(altered, constructor, s)), 0) != contract.address


@pytest.mark.parametrize("contract,constructor,s,sender", DEPLOYMENTS, ids=lambda v: getattr(v, "name", ""))
def test_the_constructor_leaves_exactly_the_code(contract, constructor, s, sender):
    state = make_state()
    result = call_contract(state, to=None, data=bytes.fromhex(constructor) + contract.code, gas=1_000_000)
    assert result.success
    assert state.get_code(result.contract_address) == contract.code
    inhibitor = 2**256 - 1 if constructor.startswith(INHIBITOR_PREFIX) else 0
    assert state.get_storage(result.contract_address, 0) == inhibitor
