"""
Calls, exits and return data, as the verifier runs them
=======================================================

The reference verifier's part for call frames (``docs/fraud-proofs.md``,
"Call frames"):

- ``call``: CALL, CALLCODE, DELEGATECALL, STATICCALL. Memory for the input
  and output areas, the target's warm/cold access (an insert into
  ``Substate.warm_addresses`` through an MPT proof), the value's costs, the
  static check, EIP-150's all-but-one-64th; then a call that cannot start
  (depth 1,024, balance) pushes 0, a call to an account without code is
  done at once (success, empty output), and a call to code suspends the
  caller (``frames.push_caller``) and starts the child at pc 0 with a fresh
  stack and memory, its calldata a view of the caller's memory tree;
- ``exit_frame``: a halted child (depth > 0) resumes its caller: gas back,
  1 or 0 pushed, the substate kept (success) or the child's entry substate
  (revert, exceptional halt), the output as the caller's return data and
  copied to ``[ret_offset, ret_offset + min(ret_size, output size))`` of the
  caller's memory, in parts beyond ``COPY_BYTES_PER_STEP`` bytes;
- RETURNDATASIZE and RETURNDATACOPY over the return data's view.

A call moving value (CALL, CALLCODE) also pays 9,000 (and CALL 25,000 to an
empty account), gives the callee a 2,300 stipend, fails on a static frame
(CALL) or without the balance, and moves the value by two MPT updates of
the state (the sender's account, then the recipient's under the new root).
Precompile targets and Prague's delegated code (EIP-7702) are not proven
yet: the witness is refused.
"""

from __future__ import annotations

from dataclasses import replace

from ..evm.gas import (
    CALL_DEPTH_LIMIT,
    CALL_STIPEND,
    CALL_VALUE,
    COLD_ACCOUNT_ACCESS,
    COPY_WORD,
    NEW_ACCOUNT,
    WARM_ACCESS,
)
from ..primitives import rlp
from ..primitives.crypto import EMPTY_KECCAK, keccak256
from ..trie import EMPTY_TRIE_ROOT
from .commitment import (
    EMPTY_STACK,
    EMPTY_VIEW,
    FLAG_STATIC,
    HALT_EXCEPTIONAL,
    HALT_SUCCESS,
    PHASE_RUNNING,
    Machine,
    Message,
    Pending,
    exit_record,
    stack_push,
)
from .frames import (
    CALL,
    CALLCODE,
    DELEGATECALL,
    EMPTY_MEMORY,
    PRESENT,
    RETURNDATACOPY,
    STATICCALL,
    SuspendedFrame,
    canonical_view,
    push_caller,
    view_of,
)
from .merkle import ZERO_WORD
from .mpt import MptWitness, mpt_read, mpt_update
from .opening import Halt, Run, WitnessError, require
from .rules import COPY_BYTES_PER_STEP
from .verifier_ops import copy_part, expand, extra, no_extra, open_message, read_source, write_bytes
from .witness import CodeReveal, WordRange, substate_from_abi

COLD_SURCHARGE = COLD_ACCOUNT_ACCESS - WARM_ACCESS
EMPTY_ACCOUNT = (0, 0, EMPTY_TRIE_ROOT, EMPTY_KECCAK)
"""The account a value moved to an address without one creates."""
ADDRESS_MASK = (1 << 160) - 1


def _address(word: int) -> bytes:
    return (word & ADDRESS_MASK).to_bytes(20, "big")


def _mpt(value: tuple) -> MptWitness:
    return MptWitness(tuple(value[0]), bytes(value[1]))


def _empty_mpt(value: tuple) -> bool:
    return not value[0] and not value[1]


# -- the call step ------------------------------------------------------------------


def call(run: Run, opcode: int, a: list[int]) -> None:
    if opcode in (CALL, CALLCODE):
        requested, target, value, in_offset, in_size, out_offset, out_size = a
    else:
        requested, target, in_offset, in_size, out_offset, out_size = a
        value = 0
    target = _address(target)
    end = max(in_offset + in_size if in_size else 0, out_offset + out_size if out_size else 0)
    try:
        expand(run, 0, end)
    except Halt:
        no_extra(run)
        raise
    message_value, substate_value, warm, account_proof, touched, own_proof, credit = extra(run, "call")
    message = open_message(run, message_value)
    substate = substate_from_abi(substate_value)
    require(substate.hash() == run.machine.substate, "the substate does not open the commitment")
    require(run.fork.name != "Prague", "calls under Prague (EIP-7702 delegated code) are not proven yet")
    was, warm_root = mpt_update(substate.warm_addresses, keccak256(target), _mpt(warm), PRESENT)
    substate = replace(substate, warm_addresses=warm_root)
    account = _account(substate.state_root, target, account_proof)
    cost = 0 if was else COLD_SURCHARGE
    if value:
        cost += CALL_VALUE
        if opcode == CALL and (account is None or (account[0], account[1], account[3]) == (0, 0, EMPTY_KECCAK)):
            cost += NEW_ACCOUNT
    moves = bool(value)  # CALL and CALLCODE (DELEGATECALL and STATICCALL have value 0 here)
    try:
        run.charge(cost)
        if opcode == CALL and value and message.flags & FLAG_STATIC:
            raise Halt(HALT_EXCEPTIONAL)  # a write in a static frame
    except Halt:
        require(_empty_mpt(touched) and not own_proof and _empty_mpt(credit), "a call that halts moves nothing")
        raise
    code_hash = EMPTY_KECCAK if account is None else account[3]
    available = run.gas - run.gas // 64
    gas = min(requested, available)
    run.gas -= gas
    if moves:
        gas += CALL_STIPEND
        own = _account(substate.state_root, message.address, own_proof)
        require(own is not None, "no proof of the running account")
    else:
        require(not own_proof, "a call moving no value reads no balance")
    run.changes["return_data"] = ZERO_WORD
    if message.depth >= CALL_DEPTH_LIMIT or (moves and own[1] < value):
        require(_empty_mpt(touched) and _empty_mpt(credit), "a call that does not start touches nothing")
        _not_entered(run, substate, gas, 0)
        return
    require(target not in run.fork.precompiles, "calls to precompiles are not proven yet")
    entry = substate.hash()
    touches = message.address if opcode in (CALLCODE, DELEGATECALL) else target
    _, touched_root = mpt_update(substate.touched, keccak256(touches), _mpt(touched), PRESENT)
    substate = replace(substate, touched=touched_root)
    if moves:
        substate = replace(substate, state_root=_transfer(substate.state_root, message.address, own, touches, value,
                                                          own_proof, credit))
    else:
        require(_empty_mpt(credit), "a call moving no value credits nothing")
    if code_hash == EMPTY_KECCAK:
        _not_entered(run, substate, gas, 1)
        return
    child = _child_message(opcode, message, target, value, run.memory, in_offset, in_size, out_offset, out_size,
                           entry)
    frame = SuspendedFrame(run.machine.message, run.machine.code_hash, run.pc, run.gas, run.stack_size, run.stack,
                           run.memory_size, run.memory)
    raise Enter(Machine(
        phase=PHASE_RUNNING, fork=run.machine.fork, block=run.machine.block, progress=run.machine.progress,
        tx=run.machine.tx, substate=substate.hash(), callers=push_caller(run.machine.callers, frame),
        message=child.hash(), code_hash=code_hash, pc=0, gas=gas, stack_size=0, stack=EMPTY_STACK,
        memory_size=0, memory=EMPTY_MEMORY, return_data=ZERO_WORD, pending=ZERO_WORD,
    ))


class Enter(Exception):
    """The call step starts a child frame: the machine after it."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine


def _not_entered(run: Run, substate, gas: int, result: int) -> None:
    """A call that runs no code: its gas back, ``result`` pushed."""
    run.gas += gas
    run.substate = substate.hash()
    run.push(result)
    run.pc += 1


def _account(state_root: bytes, address: bytes, proof) -> tuple | None:
    """``(nonce, balance, storage_root, code_hash)`` of ``address`` from its proof (None: no account)."""
    return decode_account(mpt_read(state_root, keccak256(address), tuple(proof)))


def decode_account(encoded: bytes) -> tuple | None:
    if not encoded:
        return None
    try:
        fields = rlp.decode(encoded)
    except Exception as exc:
        raise WitnessError(f"not an account: {exc}") from None
    require(isinstance(fields, list) and len(fields) == 4 and all(isinstance(f, bytes) for f in fields)
            and len(fields[0]) <= 32 and len(fields[1]) <= 32 and len(fields[2]) == 32 and len(fields[3]) == 32,
            "not an account")
    return int.from_bytes(fields[0], "big"), int.from_bytes(fields[1], "big"), fields[2], fields[3]


def encode_account(account: tuple) -> bytes:
    nonce, balance, storage_root, code_hash = account
    return rlp.encode([rlp.int_to_be(nonce), rlp.int_to_be(balance), storage_root, code_hash])


def _transfer(state_root: bytes, sender: bytes, own: tuple, recipient: bytes, value: int, own_proof, credit) -> bytes:
    """The state root after moving ``value`` from ``sender`` (its account ``own``,
    proven by ``own_proof``) to ``recipient`` (proven by ``credit`` after the debit)."""
    debited = (own[0], own[1] - value, own[2], own[3])
    _, root = mpt_update(state_root, keccak256(sender), MptWitness(tuple(own_proof)), encode_account(debited))
    witness = _mpt(credit)
    account = decode_account(mpt_read(root, keccak256(recipient), witness.proof)) or EMPTY_ACCOUNT
    credited = (account[0], account[1] + value, account[2], account[3])
    return mpt_update(root, keccak256(recipient), witness, encode_account(credited))[1]


def _child_message(opcode: int, message: Message, target: bytes, value: int, memory: bytes, in_offset: int,
                   in_size: int, out_offset: int, out_size: int, entry: bytes) -> Message:
    if opcode == DELEGATECALL:
        caller, address, value = message.caller, message.address, message.value
    elif opcode == CALLCODE:
        caller, address = message.address, message.address
    else:
        caller, address = message.address, target
    static = message.flags & FLAG_STATIC or opcode == STATICCALL
    return Message(
        caller=caller, address=address, value=value,
        calldata_root=memory if in_size else ZERO_WORD, calldata_offset=in_offset if in_size else 0,
        calldata_size=in_size, depth=message.depth + 1, flags=FLAG_STATIC if static else 0,
        entry_substate=entry, ret_offset=out_offset if out_size else 0, ret_size=out_size,
    )


# -- the exit step --------------------------------------------------------------------


def exit_frame(machine: Machine, run: Run) -> Machine:
    """The caller resumed after its child halted (``machine`` is halted)."""
    witness = run.witness
    require(not witness.stack and witness.stack_rest == ZERO_WORD, "an exit reveals no stack")
    require(witness.code == CodeReveal(), "an exit reveals no code")
    message_value, frame_value, below, status, out_value, source, dest = extra(run, "exit")
    child = open_message(run, message_value)
    require(child.depth > 0, "the top frame's halt ends the transaction (not proven yet)")
    frame = SuspendedFrame(*frame_value)
    require(push_caller(below, frame) == machine.callers, "the suspended frame does not open the callers")
    out = view_of(out_value)
    require(status in (1, 2, 3) and canonical_view(out) and (status != HALT_EXCEPTIONAL or out == EMPTY_VIEW),
            "not an exit record")
    require(exit_record(status, out) == machine.pending, "the exit record does not open the commitment")
    size = min(child.ret_size, out.size)
    run.memory, run.memory_size = frame.memory, frame.memory_size
    pc, pending = frame.pc + 1, ZERO_WORD
    if size:
        part = min(size, COPY_BYTES_PER_STEP)
        data = read_source(out.root, source, out.offset, out.offset + out.size, part)
        write_bytes(run, dest, child.ret_offset, data)
        if part < size:
            pc = frame.pc
            pending = Pending(RETURNDATACOPY, child.ret_offset, out.offset, size, part, out.root,
                              out.offset + out.size).hash()
    else:
        require(WordRange.from_abi(source) == WordRange() and WordRange.from_abi(dest) == WordRange(),
                "no output to copy")
    return machine.replace(
        phase=PHASE_RUNNING,
        substate=machine.substate if status == HALT_SUCCESS else child.entry_substate,
        callers=below,
        message=frame.message,
        code_hash=frame.code_hash,
        pc=pc,
        gas=frame.gas + machine.gas,
        stack_size=frame.stack_size + 1,
        stack=stack_push(frame.stack, 1 if status == HALT_SUCCESS else 0),
        memory_size=run.memory_size,
        memory=run.memory,
        return_data=out.hash(),
        pending=pending,
    )


# -- return data ------------------------------------------------------------------------


def open_return_data(run: Run, value: tuple):
    view = view_of(value)
    require(canonical_view(view) and view.hash() == run.machine.return_data,
            "the return data view does not open the commitment")
    return view


def return_data_size(run: Run) -> None:
    (value,) = extra(run, "returndatasize")
    run.push(open_return_data(run, value).size)


def return_data_copy(run: Run, a: list[int]) -> None:
    """RETURNDATACOPY: out of bounds halts before any gas is charged; then a
    copy from the view's tree as CALLDATACOPY's, in parts when large."""
    view_value, source, dest = extra(run, "returndatacopy")
    view = open_return_data(run, view_value)
    dest_offset, offset, size = a
    reads_nothing = WordRange.from_abi(source) == WordRange() and WordRange.from_abi(dest) == WordRange()
    if offset + size > view.size:
        require(reads_nothing, "a copy out of bounds reads nothing")
        raise Halt(HALT_EXCEPTIONAL)
    if not size:
        require(reads_nothing, "an empty copy reads nothing")
        run.pc += 1
        return
    try:
        run.charge(COPY_WORD * ((size + 31) // 32))
        expand(run, dest_offset, size)
    except Halt:
        require(reads_nothing, "a copy out of gas reads nothing")
        raise
    record = Pending(RETURNDATACOPY, dest_offset, view.offset + offset, size, 0, view.root, view.offset + view.size)
    copy_part(run, record, True, (source, dest))
