"""
Calls and exits as steps
========================

The step machine's side of call frames (``docs/fraud-proofs.md``, "Call
frames"); ``ovm.fraud.verifier_calls`` is the verifier's.

``CallStep`` takes what a call's witness opens *before* ``ovm.evm`` runs the
call instruction (the substate's sets, the target's and, with a value, the
running account's proofs and the recipient's after the debit), and,
after it, makes the step: the caller halted (out of gas, a value in a
static frame), the call done at once (depth limit or too little balance: 0
pushed; no code: 1), or the child entered, whose
``FrameView`` starts at pc 0 with its calldata a view of the caller's memory
tree and its message committing to the substate it restores on failure.

``exit_steps`` makes the steps after a child halted: the exit, which resumes
the caller with the child's gas, 1 or 0, the substate ``ovm.evm`` settled,
the output as its return data and copied into its memory, and, when that
copy is longer than ``COPY_BYTES_PER_STEP``, the copy's later parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evm.frame import Frame
from ..state.account import Account
from ..state.state import encode_account
from ..trie import SecureTrie
from ..evm.gas import memory_cost
from ..evm.forks import Fork
from .code import CodeRegistry
from .commitment import (
    EMPTY_VIEW,
    FLAG_STATIC,
    HALT_EXCEPTIONAL,
    HALT_REVERT,
    HALT_SUCCESS,
    ByteView,
    Machine,
    Message,
    Pending,
)
from .context import UnsupportedStep, substate_of
from .frame_view import FrameView, tree_range
from .frames import (
    CALL,
    CALLCODE,
    DELEGATECALL,
    RETURNDATACOPY,
    PRESENT,
    STATICCALL,
    SuspendedFrame,
    push_caller,
    set_insert_witness,
)
from .merkle import ZERO_WORD
from .mpt import MptWitness, mpt_witness
from .rules import COPY_BYTES_PER_STEP, MEMORY_LIMIT
from .witness import (
    EXTRA_LAYOUTS,
    MESSAGE,
    PENDING,
    SUSPENDED_FRAME,
    VIEW,
    WORD_RANGE,
    CodeReveal,
    Witness,
    encode_extra,
)

EMPTY_MPT = ((), b"")


def _address(word: int) -> bytes:
    return (word % (1 << 160)).to_bytes(20, "big")


def _mpt_abi(witness: MptWitness) -> tuple:
    return (list(witness.proof), witness.sibling)


@dataclass
class CallStep:
    """A call instruction about to run on ``view``'s frame with ``operands`` (top first)."""

    view: FrameView
    opcode: int
    operands: list[int]
    fork: Fork

    def __post_init__(self) -> None:
        a = self.operands
        if self.opcode in (CALL, CALLCODE):
            self.target, value = _address(a[1]), a[2]
            self.in_offset, self.in_size, self.out_offset, self.out_size = a[3:7]
        else:
            self.target, value = _address(a[1]), 0
            self.in_offset, self.in_size, self.out_offset, self.out_size = a[2:6]
        self.value = value
        if self.fork.name == "Prague":
            raise UnsupportedStep("a call under Prague (EIP-7702 delegated code): not proven in this slice")
        if self.target in self.fork.precompiles:
            raise UnsupportedStep("a call to a precompile: not proven in this slice")
        state = self.view.frame.state
        self.warm_before = set(state.warm_addresses)
        self.touched_before = set(state.touched)
        self.account_proof = state.prove_account(self.target)
        self.own_proof, self.credit = [], EMPTY_MPT
        if value:
            sender = self.view.message.address
            self.own_proof = state.prove_account(sender)
            if state.get_balance(sender) >= value:
                recipient = sender if self.opcode == CALLCODE else self.target
                self.credit = _mpt_abi(credit_witness(state, sender, recipient, value))
        self.memory_fails = self._memory_fails()

    def _memory_fails(self) -> bool:
        """Whether growing memory for the input and output areas runs out of gas."""
        end = max(self.in_offset + self.in_size if self.in_size else 0,
                  self.out_offset + self.out_size if self.out_size else 0)
        view = self.view
        if end > MEMORY_LIMIT:
            return True
        gas = view.gas - self.fork.instruction_set.static_gas[self.opcode]
        words = (end + 31) // 32
        return words * 32 > view.memory_size and memory_cost(words) - memory_cost(view.memory_size // 32) > gas

    def extra(self, halted: bool, started: bool) -> bytes:
        """The call's ``extra``: nothing if it ran out of gas growing memory;
        no touch, balance or credit if it halted; no touch or credit if it did
        not start (depth, balance)."""
        view = self.view
        if halted and self.memory_fails:
            return b""
        warm = _mpt_abi(set_insert_witness(self.warm_before, self.target))
        touched, own, credit = EMPTY_MPT, [] if halted else self.own_proof, EMPTY_MPT
        if started and not halted:
            touches = view.message.address if self.opcode in (CALLCODE, DELEGATECALL) else self.target
            touched = _mpt_abi(set_insert_witness(self.touched_before, touches))
            credit = self.credit
        return encode_extra(EXTRA_LAYOUTS["call"], [view.message.values(), view.substate_record.values(), warm,
                                                    self.account_proof, touched, own, credit])

    def child(self, frame: Frame, entry_substate: bytes, registry: CodeRegistry) -> FrameView:
        """The view of the entered child frame (its first step's pre-state)."""
        view, message = self.view, self.view.message
        if self.opcode == DELEGATECALL:
            caller, address, value = message.caller, message.address, message.value
        elif self.opcode == CALLCODE:
            caller, address, value = message.address, message.address, self.value
        else:
            caller, address, value = message.address, self.target, self.value
        static = message.flags & FLAG_STATIC or self.opcode == STATICCALL
        child_message = Message(
            caller=caller, address=address, value=value,
            calldata_root=view.memory.root if self.in_size else ZERO_WORD,
            calldata_offset=self.in_offset if self.in_size else 0, calldata_size=self.in_size,
            depth=message.depth + 1, flags=FLAG_STATIC if static else 0, entry_substate=entry_substate,
            ret_offset=self.out_offset if self.out_size else 0, ret_size=self.out_size,
        )
        assert (frame.caller, frame.address, frame.value, frame.depth, frame.is_static) == (
            caller, address, value, child_message.depth, bool(static)), "the child is not the call's message"
        suspended = SuspendedFrame(view.message_hash, view.code.code_hash, view.frame.pc - 1, view.gas,
                                   view.stack_size, view.stack_hash(view.stack_size), view.memory_size,
                                   view.memory.root)
        fields = dict(view.fields, substate=substate_of(frame.state),
                      callers=push_caller(view.callers, suspended), message=child_message,
                      return_view=EMPTY_VIEW, return_tree=None)
        child = FrameView(frame, code=registry.register(frame.bytecode), calldata=view.memory, **fields)
        child.suspended = suspended
        return child


def credit_witness(state, sender: bytes, recipient: bytes, value: int) -> MptWitness:
    """The witness of the recipient's account in the state trie once ``value``
    has left the sender's: the second of a transfer's two updates (an insert
    or an update, never a delete, so the proof of its path is all of it)."""
    trie = SecureTrie()
    for address, account in state.accounts.items():
        if account is not None:
            trie.set(address, encode_account(account, state.storage_root(address)))
    if trie.root_hash() != state.state_root():
        raise AssertionError("the accounts do not make the state root")
    own = state.accounts[sender]
    debited = Account(own.nonce, own.balance - value, own.code)
    trie.set(sender, encode_account(debited, state.storage_root(sender)))
    return mpt_witness(trie, recipient, PRESENT)


# -- exits ------------------------------------------------------------------------------


def exit_steps(index: int, want, parent: FrameView, child: FrameView, halted_machine: Machine, ending: str,
               output: ByteView) -> list:
    """The exit step resuming ``parent`` after ``child`` halted in ``halted_machine``
    (``ovm.evm`` has settled the child and resumed the parent), and the later
    parts of a long output copy."""
    from .steps import Step  # the step record (steps imports this module)

    if ending == "success":
        status = HALT_SUCCESS
    elif ending == "Revert":
        status = HALT_REVERT
    else:
        status = HALT_EXCEPTIONAL
        output = EMPTY_VIEW
    frame = parent.frame
    message = child.message
    size = min(message.ret_size, output.size)
    parts = [(j, min(j + COPY_BYTES_PER_STEP, size)) for j in range(0, size, COPY_BYTES_PER_STEP)] or [(0, 0)]
    suspended = child.suspended
    below = parent.callers
    parent.set_substate(substate_of(frame.state))
    parent.gas = frame.gas
    parent.sync_stack(suspended.stack_size)
    parent.return_view = output
    parent.return_tree = child.memory
    parent.return_data = output.hash()
    steps = []
    for j, (lo, hi) in enumerate(parts):
        pre = halted_machine if j == 0 else parent.machine()
        witness = None
        if want(index + j):
            source = tree_range(child.memory, output.offset + lo, hi - lo).abi()
            dest = parent.memory_range(message.ret_offset + lo, hi - lo).abi()
            if j == 0:
                extra = encode_extra([MESSAGE, SUSPENDED_FRAME, "bytes32", "uint256", VIEW, WORD_RANGE, WORD_RANGE],
                                     [message.values(), suspended.values(), below, status,
                                      (output.root, output.offset, output.size) if output.size else (ZERO_WORD, 0, 0),
                                      source, dest])
                witness = Witness(pre, [], ZERO_WORD, CodeReveal(), extra)
            else:
                extra = encode_extra([PENDING, WORD_RANGE, WORD_RANGE], [parent.pending.values(), source, dest])
                witness = Witness(pre, [], ZERO_WORD, CodeReveal(), extra)
        if hi > lo:
            start = message.ret_offset + lo
            parent.write_bytes(start, bytes(frame.memory[start:message.ret_offset + hi]))
        if hi < size:
            parent.pc = frame.pc - 1
            parent.pending = Pending(RETURNDATACOPY, message.ret_offset, output.offset, size, hi, output.root,
                                     output.offset + output.size)
        else:
            parent.pc = frame.pc
            parent.pending = None
        steps.append(Step(index + j, RETURNDATACOPY if j else suspended_opcode(parent), j, len(parts), pre,
                          parent.machine(), witness, kind="exit" if j == 0 else "exit copy"))
    return steps


def suspended_opcode(view: FrameView) -> int:
    """The call instruction the resumed frame is on."""
    return view.frame.code[view.frame.pc - 1]

