"""
The state instructions against forged proofs
============================================

The differential tests (``test_fraud_verifier_on_l1``) run BALANCE, SLOAD,
TLOAD and TSTORE on the seeded cases and tamper with their witnesses; these
aim at what a cheater would try on purpose, on both verifiers (Python and
the Solidity one on anvil): the proof of another slot or account under the
same root (SSTORE's original value included), a transient delete that collapses a branch given without (or
with a wrong) sibling node, and a write in a static frame, which must halt
and open no trie; and SSTORE through every path of its gas and refunds.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from cases import ISET_CODE, Case, pushes, run_case
from eth_abi import decode, encode
from l1_verifier import Reverted
from programs import OTHER, SENDER, op

from ovm.evm.processor import begin_transaction, process_transaction
from ovm.fraud import Witness, WitnessError, verify_step
from ovm.fraud.commitment import FLAG_STATIC, HALT_EXCEPTIONAL, halted
from ovm.fraud.witness import EXTRA_LAYOUTS, message_from_abi


def only_check(case: Case, name: str):
    machine, _, checks = run_case(case)
    return machine, [check for check in checks if check.name == name]


def refused(l1, machine, check, witness: Witness) -> None:
    with pytest.raises(WitnessError):
        verify_step(check.pre, witness.encode(), machine.registry)
    (answer,) = l1.answers([(check.pre, witness.encode())])
    assert isinstance(answer, Reverted)


def forge(check, layout: str, index: int, value) -> Witness:
    witness = Witness.decode(check.witness)
    values = list(decode(EXTRA_LAYOUTS[layout], witness.extra))
    values[index] = value
    return replace(witness, extra=encode(EXTRA_LAYOUTS[layout], values))


def test_sload_takes_no_other_slots_proof(l1):
    code = pushes([1]) + op("SLOAD") + pushes([3]) + op("SLOAD") + op("STOP")
    machine, checks = only_check(Case("SLOAD twice", code, target=ISET_CODE["SLOAD"]), "SLOAD")
    l1.register(code)
    first, second = checks
    assert l1.answers([(c.pre, c.witness) for c in checks]) == [first.post, second.post]
    other_storage = decode(EXTRA_LAYOUTS["sload"], Witness.decode(first.witness).extra)[4]
    refused(l1, machine, second, forge(second, "sload", 4, other_storage))


def test_balance_takes_no_other_accounts_proof(l1):
    code = pushes([int.from_bytes(OTHER, "big")]) + op("BALANCE") + op("STOP")
    machine, (check,) = only_check(Case("BALANCE", code, target=ISET_CODE["BALANCE"]), "BALANCE")
    l1.register(code)
    state = machine.trace.pre_state()
    begin_transaction(state, machine.trace.env, machine.trace.tx, machine.trace.fork)
    substate = decode(EXTRA_LAYOUTS["balance"], Witness.decode(check.witness).extra)[0]
    assert state.state_root() == substate[0]  # the sender's proof is under the step's own root
    refused(l1, machine, check, forge(check, "balance", 2, state.prove_account(SENDER)))
    refused(l1, machine, check, forge(check, "balance", 2, []))


def test_a_transient_delete_needs_the_collapsing_branchs_child(l1):
    """Two transient slots, then one deleted: the root branch collapses into
    the other slot's leaf, a hashed node the witness must carry."""
    code = pushes([1, 7]) + op("TSTORE") + pushes([2, 8]) + op("TSTORE") + pushes([1, 0]) + op("TSTORE")
    code += pushes([1]) + op("TLOAD") + op("STOP")
    machine, checks = only_check(Case("TSTORE, delete", code, target=ISET_CODE["TSTORE"]), "TSTORE")
    l1.register(code)
    assert l1.answers([(c.pre, c.witness) for c in checks]) == [c.post for c in checks]
    delete = checks[-1]
    sibling = decode(EXTRA_LAYOUTS["tstore"], Witness.decode(delete.witness).extra)[3]
    assert sibling, "the delete needed no sibling node"
    refused(l1, machine, delete, forge(delete, "tstore", 3, b""))
    refused(l1, machine, delete, forge(delete, "tstore", 3, sibling[:-1] + bytes([sibling[-1] ^ 1])))


def test_tstore_in_a_static_frame_halts_and_opens_no_trie(l1):
    """The top frame is never static; a frame that is (a STATICCALL's, a later
    slice) is made here by committing to a static message."""
    code = pushes([5, 1]) + op("TSTORE") + op("STOP")
    machine, (check,) = only_check(Case("TSTORE", code, target=ISET_CODE["TSTORE"]), "TSTORE")
    l1.register(code)
    witness = Witness.decode(check.witness)
    layout = EXTRA_LAYOUTS["tstore"]
    message, substate, _, _ = decode(layout, witness.extra)
    static = replace(message_from_abi(message), flags=FLAG_STATIC)
    pre = replace(witness.machine, message=static.hash())
    honest = replace(witness, machine=pre, extra=encode(layout, [static.values(), substate, [], b""]))
    expected = halted(pre, HALT_EXCEPTIONAL, 0).commitment()
    assert verify_step(pre.commitment(), honest.encode(), machine.registry) == expected
    assert l1.answers([(pre.commitment(), honest.encode())]) == [expected]
    with_proof = replace(honest, extra=encode(layout, [static.values(), substate, [b"\xc0"], b""]))
    with pytest.raises(WitnessError):
        verify_step(pre.commitment(), with_proof.encode(), machine.registry)
    (answer,) = l1.answers([(pre.commitment(), with_proof.encode())])
    assert isinstance(answer, Reverted)


def test_sstore_takes_every_eip2200_path_alike(l1):
    """Slot 0 (originally 0): set, dirty write, restored to 0 (refund); slot 1
    (originally 0x1234): cleared (refund), un-cleared (refund taken back),
    restored (refund), written unchanged; slot 3 written unchanged while cold.
    Every step agrees on both verifiers and the transaction ends as ordinary
    execution ends it, refund included."""
    writes = [(0, 5), (0, 6), (0, 0), (1, 0), (1, 7), (1, 0x1234), (1, 0x1234), (3, 1)]
    code = b"".join(pushes([slot, value]) + op("SSTORE") for slot, value in writes) + op("STOP")
    case = Case("SSTORE paths", code, target=ISET_CODE["SSTORE"])
    machine, checks = only_check(case, "SSTORE")
    l1.register(code)
    assert [c.ending for c in checks] == [""] * len(writes)
    assert l1.answers([(c.pre, c.witness) for c in checks]) == [c.post for c in checks]
    trace = case.trace()
    outcome = machine.run_to_end()
    ordinary = process_transaction(trace.pre_state(), trace.env, trace.tx, trace.fork)
    assert (outcome.result.gas_used, outcome.result.refund) == (ordinary.gas_used, ordinary.refund)
    assert ordinary.refund > 0
    # The original value must be slot 1's own: slot 3's proof under the same original root is refused.
    clear = checks[3]
    slot3_original = decode(EXTRA_LAYOUTS["sstore"], Witness.decode(checks[-1].witness).extra)[8]
    refused(l1, machine, clear, forge(clear, "sstore", 8, slot3_original))
