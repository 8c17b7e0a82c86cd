"""
The state instructions, as the verifier runs them
=================================================

BALANCE, EXTCODEHASH, SLOAD, SSTORE, TLOAD and TSTORE (``docs/fraud-proofs.md``, "The witness"):
each opens the substate, reads what it needs through MPT proofs
(``ovm.fraud.mpt``) and, where it warms an address or slot or writes
transient storage, sets the substate's new root. Every proof in the witness
is checked before any gas is charged, so that a step that runs out of gas
on a cold access has checked all its witness too. Keys and encodings:
``ovm.fraud.state_access``.
"""

from __future__ import annotations

from dataclasses import replace

from ..evm.instructions.environment import COLD_SURCHARGE as COLD_ACCOUNT_SURCHARGE
from ..evm import gas as G
from ..evm.instructions.storage import COLD_SLOAD_SURCHARGE, sstore_refund
from ..primitives import rlp
from .commitment import FLAG_STATIC, HALT_EXCEPTIONAL, Message, Substate
from ..trie import EMPTY_TRIE_ROOT
from .mpt import MptWitness, mpt_read, mpt_update
from .opening import Halt, Run, WitnessError, require
from .state_access import (
    PRESENT,
    account_key,
    code_hash_word,
    decode_word,
    encode_word,
    read_account,
    slot_key,
    storage_key,
    word_address,
)
from .witness import EXTRA_LAYOUTS, decode_extra, message_from_abi, substate_from_abi, tx_from_abi


def _extra(run: Run, layout: str) -> tuple:
    try:
        return decode_extra(EXTRA_LAYOUTS[layout], run.witness.extra)
    except Exception as exc:
        raise WitnessError(f"malformed extra ({layout}): {exc}") from None


def _message(run: Run, value: tuple) -> Message:
    message = message_from_abi(value)
    require(message.hash() == run.machine.message, "the message does not open the commitment")
    return message


def _substate(run: Run, value: tuple) -> Substate:
    substate = substate_from_abi(value)
    require(substate.hash() == run.substate, "the substate does not open the commitment")
    return substate


def execute(run: Run, name: str, a: list[int]) -> None:
    """Run BALANCE, EXTCODEHASH, SLOAD, SSTORE, TLOAD or TSTORE (static gas charged, operands popped)."""
    if name == "TLOAD":
        message_value, substate_value, proof = _extra(run, "tload")
        message, substate = _message(run, message_value), _substate(run, substate_value)
        run.push(decode_word(mpt_read(substate.transient, slot_key(message.address, a[0]), tuple(proof))))
    elif name == "TSTORE":
        tstore(run, a)
    elif name == "SLOAD":
        sload(run, a)
    elif name in ("BALANCE", "EXTCODEHASH"):
        account_value(run, name, a)
    elif name == "SSTORE":
        sstore(run, a)
    else:
        raise WitnessError(f"{name} is not a state instruction")


def tstore(run: Run, a: list[int]) -> None:
    message_value, substate_value, proof, sibling = _extra(run, "tstore")
    message, substate = _message(run, message_value), _substate(run, substate_value)
    if message.flags & FLAG_STATIC:
        require(not proof and not sibling, "a write in a static frame opens no trie")
        raise Halt(HALT_EXCEPTIONAL)
    _, root = mpt_update(substate.transient, slot_key(message.address, a[0]), MptWitness(tuple(proof), sibling),
                         encode_word(a[1]))
    run.substate = replace(substate, transient=root).hash()


def sload(run: Run, a: list[int]) -> None:
    message_value, substate_value, warm_proof, account_proof, storage_proof = _extra(run, "sload")
    message, substate = _message(run, message_value), _substate(run, substate_value)
    was_warm, warm_root = mpt_update(substate.warm_slots, slot_key(message.address, a[0]),
                                     MptWitness(tuple(warm_proof)), PRESENT)
    account = read_account(substate.state_root, message.address, account_proof)
    require(account is not None, "no proof of the running account")
    value = decode_word(mpt_read(account.storage_root, storage_key(a[0]), tuple(storage_proof)))
    if not was_warm:
        run.charge(COLD_SLOAD_SURCHARGE)
    run.push(value)
    run.substate = replace(substate, warm_slots=warm_root).hash()


def account_value(run: Run, name: str, a: list[int]) -> None:
    """BALANCE or EXTCODEHASH: the account's balance or code hash word."""
    substate_value, warm_proof, account_proof = _extra(run, "balance")
    substate = _substate(run, substate_value)
    address = word_address(a[0])
    was_warm, warm_root = mpt_update(substate.warm_addresses, account_key(address), MptWitness(tuple(warm_proof)),
                                     PRESENT)
    account = read_account(substate.state_root, address, account_proof)
    if not was_warm:
        run.charge(COLD_ACCOUNT_SURCHARGE)
    if name == "EXTCODEHASH":
        run.push(code_hash_word(account))
    else:
        run.push(account.balance if account is not None else 0)
    run.substate = replace(substate, warm_addresses=warm_root).hash()


def sstore_cost(warm: bool, original: int, current: int, new: int) -> int:
    """SSTORE's gas (EIP-2929 warmth, EIP-2200 as amended by EIP-3529), as ``ovm.evm`` charges it."""
    cost = 0 if warm else G.COLD_SLOAD
    if current == new or original != current:
        return cost + G.WARM_ACCESS
    return cost + (G.SSTORE_SET if original == 0 else G.SSTORE_RESET)


def sstore(run: Run, a: list[int]) -> None:
    """Every proof is checked first; then the stipend guard, the static frame
    and the gas; then the slot is warmed, the refund counter moved, the
    storage trie written and the account's storage root in the state trie."""
    (message_value, substate_value, tx_value, warm_proof, account_proof, storage_proof, sibling,
     original_account_proof, original_storage_proof) = _extra(run, "sstore")
    message, substate = _message(run, message_value), _substate(run, substate_value)
    tx = tx_from_abi(tx_value)
    require(tx.hash() == run.machine.tx, "the transaction context does not open the commitment")
    slot, new = a
    was_warm, warm_root = mpt_update(substate.warm_slots, slot_key(message.address, slot),
                                     MptWitness(tuple(warm_proof)), PRESENT)
    account = read_account(substate.state_root, message.address, account_proof)
    require(account is not None, "no proof of the running account")
    stored, storage_root = mpt_update(account.storage_root, storage_key(slot), MptWitness(tuple(storage_proof), sibling),
                                      encode_word(new))
    current = decode_word(stored)
    original_account = read_account(tx.original_state_root, message.address, original_account_proof)
    original_root = original_account.storage_root if original_account is not None else EMPTY_TRIE_ROOT
    original = decode_word(mpt_read(original_root, storage_key(slot), tuple(original_storage_proof)))
    if run.gas <= G.SSTORE_STIPEND_GUARD or message.flags & FLAG_STATIC:
        raise Halt(HALT_EXCEPTIONAL)
    run.charge(sstore_cost(bool(was_warm), original, current, new))
    refund = substate.refund + (sstore_refund(original, current, new) if current != new else 0)
    encoded = rlp.encode([rlp.int_to_be(account.nonce), rlp.int_to_be(account.balance), storage_root,
                          account.code_hash])
    _, state_root = mpt_update(substate.state_root, account_key(message.address), MptWitness(tuple(account_proof)),
                               encoded)
    run.substate = replace(substate, state_root=state_root, warm_slots=warm_root, refund=refund).hash()
