"""Forks as data: a fork derives from its parent by listing what it changes."""

from __future__ import annotations

import pytest

from ovm.evm.forks import CANCUN, FORKS, OSAKA, OVM_CANCUN, PRAGUE
from ovm.evm.instructions import control_flow, system
from ovm.evm.opcodes import BY_NAME
from ovm.evm.precompiles import MODEXP_ADDRESS, P256VERIFY_ADDRESS, Precompile

ADD, CALL = BY_NAME["ADD"].code, BY_NAME["CALL"].code


def test_derive_reprices_only_what_it_lists():
    fork = CANCUN.derive("Test", reprice={"ADD": 7})
    assert fork.name == "Test"
    assert fork.instruction_set.static_gas[ADD] == 7
    changed = [op for op in range(256) if fork.instruction_set.static_gas[op] != CANCUN.instruction_set.static_gas[op]]
    assert changed == [ADD]
    assert fork.instruction_set.handlers == CANCUN.instruction_set.handlers
    assert CANCUN.instruction_set.static_gas[ADD] == 3


def test_derive_replaces_a_handler_and_adds_precompiles_and_transaction_types():
    def call(f):
        return system.call(f)

    extra = Precompile("extra", lambda data: 1, lambda data: data)
    address = (0x100).to_bytes(20, "big")
    fork = CANCUN.derive("Test", handlers={"CALL": call}, add_precompiles={address: extra},
                         add_transaction_types={4})
    assert fork.instruction_set.handlers[CALL] is call
    assert fork.precompiles[address] is extra and len(fork.precompiles) == len(CANCUN.precompiles) + 1
    assert fork.transaction_types == {0, 1, 2, 3, 4}


def test_an_added_opcode_must_be_listed_as_introduced_by_that_fork():
    with pytest.raises(ValueError, match="since Test"):
        CANCUN.derive("Test", add_opcodes={"ADD": 3})


def test_a_repriced_opcode_must_exist():
    with pytest.raises(ValueError, match="not defined"):
        CANCUN.derive("Test", reprice={"NOPE": 1})


def test_a_handler_must_be_for_a_defined_opcode():
    with pytest.raises(ValueError, match="not defined"):
        CANCUN.derive("Test", handlers={"NOPE": control_flow.invalid})


def test_an_inlined_opcode_cannot_get_an_interpreter_only_handler():
    with pytest.raises(ValueError, match="shared by both engines"):
        CANCUN.derive("Test", handlers={"ADD": control_flow.invalid})


def test_the_l2_twin_shares_the_instruction_set():
    assert OVM_CANCUN.instruction_set is CANCUN.instruction_set


def test_osaka_is_prague_with_what_osaka_lists():
    assert FORKS["Osaka"] is OSAKA
    prague, osaka = PRAGUE.instruction_set, OSAKA.instruction_set
    changed = [op for op in range(256)
               if (prague.info[op], prague.static_gas[op]) != (osaka.info[op], osaka.static_gas[op])]
    assert changed == [BY_NAME["CLZ"].code] and osaka.static_gas[0x1E] == 5
    assert [op for op in range(256) if prague.handlers[op] is not osaka.handlers[op]] == [0x1E]
    differing = {a for a in OSAKA.precompiles if OSAKA.precompiles[a] is not PRAGUE.precompiles.get(a)}
    assert differing == {MODEXP_ADDRESS, P256VERIFY_ADDRESS}
    assert OSAKA.transaction_types == PRAGUE.transaction_types
    assert OSAKA.calldata_floor_per_token == PRAGUE.calldata_floor_per_token == 10
    assert (OSAKA.max_transaction_gas, PRAGUE.max_transaction_gas) == (1 << 24, None)
    assert OSAKA.l2 is None and OSAKA.deployment_check is None
