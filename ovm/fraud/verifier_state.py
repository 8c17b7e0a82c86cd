"""
The state instructions, as the verifier runs them
=================================================

BALANCE, SLOAD, TLOAD and TSTORE (``docs/fraud-proofs.md``, "The witness"):
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
from ..evm.instructions.storage import COLD_SLOAD_SURCHARGE
from .commitment import FLAG_STATIC, HALT_EXCEPTIONAL, Message, Substate
from .mpt import MptWitness, mpt_read, mpt_update
from .opening import Halt, Run, WitnessError, require
from .state_access import (
    PRESENT,
    account_key,
    decode_word,
    encode_word,
    read_account,
    slot_key,
    storage_key,
    word_address,
)
from .witness import EXTRA_LAYOUTS, decode_extra, message_from_abi, substate_from_abi


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
    """Run BALANCE, SLOAD, TLOAD or TSTORE (static gas charged, operands popped)."""
    if name == "TLOAD":
        message_value, substate_value, proof = _extra(run, "tload")
        message, substate = _message(run, message_value), _substate(run, substate_value)
        run.push(decode_word(mpt_read(substate.transient, slot_key(message.address, a[0]), tuple(proof))))
    elif name == "TSTORE":
        tstore(run, a)
    elif name == "SLOAD":
        sload(run, a)
    elif name == "BALANCE":
        balance(run, a)
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


def balance(run: Run, a: list[int]) -> None:
    substate_value, warm_proof, account_proof = _extra(run, "balance")
    substate = _substate(run, substate_value)
    address = word_address(a[0])
    was_warm, warm_root = mpt_update(substate.warm_addresses, account_key(address), MptWitness(tuple(warm_proof)),
                                     PRESENT)
    account = read_account(substate.state_root, address, account_proof)
    if not was_warm:
        run.charge(COLD_ACCOUNT_SURCHARGE)
    run.push(account.balance if account is not None else 0)
    run.substate = replace(substate, warm_addresses=warm_root).hash()
