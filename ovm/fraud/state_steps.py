"""
The state instructions as steps
===============================

The ``extra`` of BALANCE, EXTCODEHASH, SLOAD, SSTORE, TLOAD and TSTORE (``docs/fraud-proofs.md``,
"The witness"), taken from the ``ovm.evm`` state *before* the instruction
runs: the proofs open the pre-step substate (an instruction that halts out
of gas on a cold access leaves the state's sets changed, and the frame's
halt may roll the state back). The sets are built as tries afresh from the
state's sets (``ovm.fraud.state_access`` gives their keys), so that their
roots are the ones ``substate_of`` commits to. SSTORE's original value is
proven under the state before the transaction (``TxContext.original_state_root``).
"""

from __future__ import annotations

from typing import Callable

from ..state import State
from ..trie import SecureTrie, Trie
from ..trie.proof import prove
from .mpt import mpt_witness
from .state_access import PRESENT, STATE_OPS, encode_word, word_address
from .context import UnsupportedStep
from .frame_view import FrameView
from .witness import EXTRA_LAYOUTS, MESSAGE, SUBSTATE, encode_extra

__all__ = ["STATE_OPS", "state_extra"]


def _trie(entries: dict[bytes, bytes]) -> Trie:
    trie = SecureTrie()
    for key, value in entries.items():
        trie.set(key, value)
    return trie


def _transient(state: State) -> Trie:
    return _trie({address + slot.to_bytes(32, "big"): encode_word(value)
                  for (address, slot), value in state.transient.items() if value})


def _warm_slots(state: State) -> Trie:
    return _trie({address + slot.to_bytes(32, "big"): PRESENT for address, slot in state.warm_slots})


def _warm_addresses(state: State) -> Trie:
    return _trie({address: PRESENT for address in state.warm_addresses})


def _storage(state: State, address: bytes) -> Trie:
    """The account's storage trie, built from the state's slots (checked
    against the state's own storage root)."""
    trie = _trie({slot.to_bytes(32, "big"): encode_word(value)
                  for slot, value in state.storage.get(address, {}).items() if value})
    if trie.root_hash() != state.storage_root(address):
        raise UnsupportedStep("a storage trie whose slots are not all loaded")
    return trie


def sstore_extra(view: FrameView, operands: list[int], original: State) -> bytes:
    state = view.frame.state
    address = view.message.address
    slot, new = operands
    warm = prove(_warm_slots(state), address + slot.to_bytes(32, "big"))
    storage = mpt_witness(_storage(state, address), slot.to_bytes(32, "big"), encode_word(new))
    return encode_extra(EXTRA_LAYOUTS["sstore"], [
        view.message.values(), view.substate_record.values(), view.tx.values(), warm, state.prove_account(address),
        list(storage.proof), storage.sibling, original.prove_account(address), original.prove_storage(address, slot),
    ])


def state_extra(view: FrameView, name: str, operands: list[int], original: Callable[[], State]) -> bytes:
    """The ``extra`` of the state instruction ``name`` on ``operands``, before
    it runs (``original``: the state before the transaction, for SSTORE)."""
    if name == "SSTORE":
        return sstore_extra(view, operands, original())
    state = view.frame.state
    message, substate = view.message.values(), view.substate_record.values()
    address = view.message.address
    if name == "TLOAD":
        proof = prove(_transient(state), address + operands[0].to_bytes(32, "big"))
        return encode_extra([MESSAGE, SUBSTATE, "bytes[]"], [message, substate, proof])
    if name == "TSTORE":
        if view.frame.is_static:
            return encode_extra([MESSAGE, SUBSTATE, "bytes[]", "bytes"], [message, substate, [], b""])
        witness = mpt_witness(_transient(state), address + operands[0].to_bytes(32, "big"), encode_word(operands[1]))
        return encode_extra([MESSAGE, SUBSTATE, "bytes[]", "bytes"],
                            [message, substate, list(witness.proof), witness.sibling])
    if name == "SLOAD":
        slot = operands[0]
        warm = prove(_warm_slots(state), address + slot.to_bytes(32, "big"))
        return encode_extra([MESSAGE, SUBSTATE, "bytes[]", "bytes[]", "bytes[]"],
                            [message, substate, warm, state.prove_account(address), state.prove_storage(address, slot)])
    target = word_address(operands[0])
    warm = prove(_warm_addresses(state), target)
    return encode_extra([SUBSTATE, "bytes[]", "bytes[]"], [substate, warm, state.prove_account(target)])
