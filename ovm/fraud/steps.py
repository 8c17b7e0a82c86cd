"""
One instruction as steps
========================

``InstructionSteps.run`` executes the frame's next instruction with
``ovm.evm`` (``Machine.step``: the opcode table, the gas and the semantics
stay there) and turns what happened into steps: the commitment before and
after, and, for the steps asked for, the witness. Most instructions are one
step. KECCAK256 over more than ``KECCAK_ONE_STEP_BLOCKS`` blocks and copies
of more than ``COPY_BYTES_PER_STEP`` bytes are several: the first charges
all the gas, pops the operands, grows memory and does the first part; each
later one does the next part; the last pushes the result and moves ``pc``.
Between them ``Machine.pending`` holds what is left (``Pending``).

The half-way states are read off the instruction's result, not computed
again: after part ``j`` of a copy, memory holds the final bytes in the parts
done and the old bytes elsewhere (a copy whose destination lies above its
source runs from its end, as ``memmove`` does, so no part reads bytes an
earlier part wrote); the sponge's state after part ``j`` is that of keccak
over the same bytes. ``ovm.fraud.verifier`` checks each step on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..evm.exceptions import Revert, WriteInStaticContext
from ..evm.forks import Fork
from ..evm.gas import STACK_LIMIT
from ..evm.interpreter import Machine as EvmMachine
from ..evm.observer import FrameExit
from ..evm.opcodes import BY_NAME, opcode_name
from . import sponge
from .commitment import (
    EMPTY_VIEW,
    HALT_EXCEPTIONAL,
    HALT_REVERT,
    HALT_SUCCESS,
    ByteView,
    Machine,
    Pending,
    halted,
)
from .call_steps import CallStep
from .code import CodeRegistry
from .context import UnsupportedStep, log_tree, recent_hashes, substate_of
from .frame_view import FrameView, tree_range
from .frames import CALL_OPS, RETURNDATACOPY, RETURNDATASIZE
from .log_steps import log_steps
from .merkle import WordTree
from .state_steps import STATE_OPS, state_extra
from .rules import COPY_BYTES_PER_STEP, KECCAK_BLOCKS_PER_PART, KECCAK_ONE_STEP_BLOCKS, LOG_OPCODES, is_proven
from .witness import (
    BLOCK,
    CODE_REVEAL,
    LANES,
    MESSAGE,
    PENDING,
    SUBSTATE,
    TX,
    VIEW,
    WORD_RANGE,
    CodeReveal,
    Witness,
    WordRange,
    encode_extra,
)

OP = {name: info.code for name, info in BY_NAME.items()}
KECCAK256, MCOPY, CALLDATACOPY, CODECOPY = OP["KECCAK256"], OP["MCOPY"], OP["CALLDATACOPY"], OP["CODECOPY"]
COPIES = frozenset((MCOPY, CALLDATACOPY, CODECOPY, RETURNDATACOPY))
MESSAGE_OPS = frozenset(OP[n] for n in ("ADDRESS", "CALLER", "CALLVALUE", "CALLDATASIZE"))
BLOCK_OPS = frozenset(OP[n] for n in ("COINBASE", "TIMESTAMP", "NUMBER", "PREVRANDAO", "GASLIMIT", "CHAINID",
                                       "BASEFEE", "BLOBBASEFEE"))
TX_OPS = frozenset(OP[n] for n in ("ORIGIN", "GASPRICE"))
MEMORY_ACCESS = {OP["MLOAD"]: 32, OP["MSTORE"]: 32, OP["MSTORE8"]: 1}
KECCAK_PART_BYTES = KECCAK_BLOCKS_PER_PART * sponge.RATE


@dataclass
class Step:
    """Step ``index``: part ``part`` of ``parts`` of the instruction ``opcode``."""

    index: int
    opcode: int
    part: int
    parts: int
    pre: Machine
    post: Machine
    witness: Witness | None = None
    ending: str = ""
    """How the frame halted in this step ("" while it runs on): ``"success"``,
    ``"Revert"`` or the exceptional halt's class (``"OutOfGas"``, ``"StackUnderflow"``, …)."""
    output: ByteView = EMPTY_VIEW
    """What a halting RETURN or REVERT gives back: a view of the memory's tree."""
    kind: str = ""
    """``"exit"`` (a halted child resuming its caller; ``opcode`` is the caller's
    call) or ``"exit copy"`` (a later part of its output copy); else an instruction's."""
    entered: FrameView | None = None
    """The child frame a call step entered (its view: the post-state)."""

    @property
    def name(self) -> str:
        suffix = f" ({self.part + 1}/{self.parts})" if self.parts > 1 else ""
        return (f"{self.kind} " if self.kind else "") + opcode_name(self.opcode) + suffix


# -- how instructions split ----------------------------------------------------


def copy_parts(size: int, backward: bool) -> list[tuple[int, int]]:
    """The byte ranges ``[lo, hi)`` of a copy of ``size`` bytes, one per step, in order."""
    step = COPY_BYTES_PER_STEP
    count = max(1, -(-size // step))
    if backward:
        return [(max(size - (j + 1) * step, 0), size - j * step) for j in range(count)]
    return [(j * step, min((j + 1) * step, size)) for j in range(count)]


def keccak_parts(size: int) -> list[tuple[int, int]]:
    """The data ranges ``[lo, hi)`` each KECCAK256 step hashes or absorbs (the
    last adds the padding): one step up to ``KECCAK_ONE_STEP_BLOCKS`` blocks,
    else ``KECCAK_BLOCKS_PER_PART`` blocks a step."""
    blocks = sponge.block_count(size)
    if blocks <= KECCAK_ONE_STEP_BLOCKS:
        return [(0, size)]
    count = -(-blocks // KECCAK_BLOCKS_PER_PART)
    return [(j * KECCAK_PART_BYTES, min((j + 1) * KECCAK_PART_BYTES, size)) for j in range(count)]


def copy_source(view: FrameView, op: int, operands: list[int]) -> tuple[int, int]:
    """``(src, src_end)`` of a copy in its source's coordinates: byte ``src+k``
    of the source is copied to ``dest+k``, and bytes at ``src_end`` and beyond read as zero."""
    if op == MCOPY:
        return operands[1], 0
    if op == CALLDATACOPY:
        calldata = view.message.calldata
        return calldata.offset + min(operands[1], calldata.size), calldata.offset + calldata.size
    if op == RETURNDATACOPY:
        returned = view.return_view
        return returned.offset + operands[1], returned.offset + returned.size
    return min(operands[1], view.code.size), view.code.size


class InstructionSteps:
    """Runs the next instruction of ``view``'s frame on ``evm`` and returns its steps."""

    def __init__(self, view: FrameView, evm: EvmMachine, fork: Fork, registry: CodeRegistry,
                 original: Callable) -> None:
        self.view = view
        self.original = original  # the state before the transaction (SSTORE's original values)
        self.evm = evm
        self.fork = fork
        self.registry = registry
        self.exit: FrameExit | None = None  # set by the trace's observer when the frame halts
        self._recent: WordTree | None = None  # the ring of block hashes, made at the first BLOCKHASH
        self._logs: tuple[int, WordTree] | None = None  # the log tree and its count once a LOG ran
        self.entry_substate: bytes | None = None  # set by the observer when a call enters a frame
        self.call: CallStep | None = None

    def run(self, index: int, want: Callable[[int], bool]) -> list[Step]:
        view, frame = self.view, self.view.frame
        iset = self.fork.instruction_set
        pc = frame.pc
        op = frame.code[pc]
        if not is_proven(self.fork, op):
            raise UnsupportedStep(f"{opcode_name(op)} at pc {pc}: not proven in this slice")
        info = iset.info[op]
        pre = view.machine()
        size = view.stack_size
        reveals = (
            info is not None
            and view.gas >= iset.static_gas[op]
            and size >= info.inputs
            and size - info.inputs + info.outputs <= STACK_LIMIT
        )
        operands = [frame.stack[-1 - i] for i in range(info.inputs)] if reveals else []
        state_op = info is not None and info.name in STATE_OPS
        before = state_extra(view, info.name, operands, self.original) if state_op and reveals and want(index) else None
        self.call = CallStep(view, op, operands, self.fork) if reveals and op in CALL_OPS else None
        self.exit = self.entry_substate = None
        self.evm.step()
        exit = self.exit

        def witness(extra: bytes = b"") -> Witness | None:
            if not want(index):
                return None
            code = view.code_reveal(pc, pc + 1 + (info.immediate if info else 0))
            if not reveals:
                return Witness(pre, [], bytes(32), code, b"")
            inputs = len(operands)
            return Witness(pre, operands, view.stack_hash(size - inputs), code, extra)

        if reveals and exit is None and (op in COPIES or op == KECCAK256) and operands[-1]:
            return self._split(op, operands, index, want, pre, witness)
        if reveals and exit is None and op in LOG_OPCODES:
            made = log_steps(view, op, operands, frame.state.logs[-1], self._log_tree(), index, want, pre, witness)
            return [Step(index + j, op, j, len(made), *step) for j, step in enumerate(made)]
        extra = self._extra(op, operands, exit) if reveals and want(index) and not state_op else before or b""
        if exit is not None:
            ending = "success" if exit.halt is None else type(exit.halt).__name__
            post, output = self._halted(pre, op, operands, exit)
            return [Step(index, op, 0, 1, pre, post, witness(extra), ending, output)]
        if op in MEMORY_ACCESS and operands:
            view.sync_memory(operands[0], MEMORY_ACCESS[op])
        view.memory_size = len(frame.memory)
        view.sync_stack(size - (info.inputs if info else 0))
        view.gas = frame.gas
        if self.call is not None:
            return [self._call_step(index, op, pre, witness(extra), size - info.inputs)]
        view.pc = frame.pc
        if state_op:
            view.set_substate(substate_of(frame.state))
        return [Step(index, op, 0, 1, pre, view.machine(), witness(extra))]

    def _call_step(self, index: int, op: int, pre: Machine, witness: Witness | None, popped: int) -> Step:
        """A call that did not halt its frame: it entered a child, or it is done."""
        view, frames = self.view, self.evm.frames
        if frames[-1] is not view.frame:
            view.sync_stack(popped)
            child = self.call.child(frames[-1], self.entry_substate, self.registry)
            return Step(index, op, 0, 1, pre, child.machine(), witness, entered=child)
        view.pc = view.frame.pc
        view.set_substate(substate_of(view.frame.state))
        view.return_view, view.return_tree, view.return_data = EMPTY_VIEW, None, EMPTY_VIEW.hash()
        return Step(index, op, 0, 1, pre, view.machine(), witness)

    # -- halts ----------------------------------------------------------------

    def _halted(self, pre: Machine, op: int, operands: list[int], exit: FrameExit) -> tuple[Machine, ByteView]:
        if exit.halt is None:
            status = HALT_SUCCESS
        elif isinstance(exit.halt, Revert):
            status = HALT_REVERT
        else:
            status = HALT_EXCEPTIONAL
        output = EMPTY_VIEW
        if status != HALT_EXCEPTIONAL and op in (OP["RETURN"], OP["REVERT"]) and operands[1]:
            output = ByteView(self.view.memory.root, operands[0], operands[1])
        return halted(pre, status, exit.gas_at_halt, output), output

    # -- what an instruction opens --------------------------------------------

    def _extra(self, op: int, operands: list[int], exit: FrameExit | None) -> bytes:
        """The ``extra`` of a one-step instruction whose operands were revealed."""
        view = self.view
        if op in CALL_OPS:
            return self.call.extra(exit is not None, self.entry_substate is not None)
        if op == RETURNDATASIZE:
            return encode_extra([VIEW], [self._return_view_abi()])
        if op == RETURNDATACOPY:  # out of bounds, out of gas, or no bytes: the view only
            return encode_extra([VIEW, WORD_RANGE, WORD_RANGE],
                                [self._return_view_abi(), WordRange().abi(), WordRange().abi()])
        if op in MESSAGE_OPS:
            return encode_extra([MESSAGE], [view.message.values()])
        if op == OP["CALLDATALOAD"]:
            return encode_extra([MESSAGE, WORD_RANGE], [view.message.values(), self._calldata_word(operands[0])])
        if op in BLOCK_OPS:
            return encode_extra([BLOCK], [view.block.values()])
        if op in TX_OPS:
            return encode_extra([TX], [view.tx.values()])
        if op == OP["SELFBALANCE"]:
            proof = view.frame.state.prove_account(view.message.address)
            return encode_extra([MESSAGE, SUBSTATE, "bytes[]"],
                                [view.message.values(), view.substate_record.values(), proof])
        if op in LOG_OPCODES:  # halted: out of gas (nothing more) or in a static frame (the message)
            static = exit is not None and isinstance(exit.halt, WriteInStaticContext)
            return encode_extra([MESSAGE], [view.message.values()]) if static else b""
        if op == OP["BLOCKHASH"]:
            return encode_extra([BLOCK, WORD_RANGE], [view.block.values(), self._block_hash_word(operands[0])])
        if op == OP["BLOBHASH"]:
            return encode_extra([TX, "bytes32[]"], [view.tx.values(), list(view.blob_hashes)])
        if op in (OP["JUMP"], OP["JUMPI"]):
            destination = operands[0]
            if (op == OP["JUMPI"] and not operands[1]) or destination >= view.code.size:
                return b""
            return encode_extra([CODE_REVEAL], [view.code_reveal(destination, destination + 1).abi()])
        if op in MEMORY_ACCESS and exit is None:
            return encode_extra([WORD_RANGE], [view.memory_range(operands[0], MEMORY_ACCESS[op]).abi()])
        return b""

    def _log_tree(self) -> WordTree:
        """The substate's log tree before the LOG just run (kept from the last one)."""
        logs = self.view.frame.state.logs[:-1]
        if self._logs is None or self._logs[0] != len(logs):
            self._logs = (len(logs), log_tree(logs))
        tree = self._logs[1]
        if tree.root != self.view.substate_record.logs:
            raise AssertionError("the log tree is not the substate's")
        self._logs = (len(logs) + 1, tree)
        return tree

    def _block_hash_word(self, number: int) -> tuple:
        """The ring's leaf of block ``number``, or an empty range if BLOCKHASH gives 0 for it."""
        current = self.view.block.number
        if not current - 256 <= number < current:
            return WordRange().abi()
        if self._recent is None:
            self._recent = recent_hashes(self.view.frame.env)
        leaf = number % 256
        return WordRange(leaf, (self._recent.leaf(leaf),), tuple(self._recent.range_proof(leaf, 1))).abi()
    def _return_view_abi(self) -> tuple:
        returned = self.view.return_view
        return (returned.root, returned.offset, returned.size) if returned.size else (bytes(32), 0, 0)

    def _calldata_word(self, offset: int) -> tuple:
        calldata = self.view.message.calldata
        if offset >= calldata.size:
            return WordRange().abi()
        start = calldata.offset + offset
        end = min(start + 32, calldata.offset + calldata.size)
        return tree_range(self.view.calldata, start, end - start).abi()

    # -- instructions split into parts ------------------------------------------

    def _split(self, op, operands, index, want, pre, first_witness) -> list[Step]:
        view, frame = self.view, self.view.frame
        inputs = len(operands)
        size = operands[-1]
        if op == KECCAK256:
            parts = keccak_parts(size)
            src, src_end, dest = operands[0], 0, 0
            data = bytes(frame.memory[operands[0]:operands[0] + size])
            padded = sponge.padded(data)
            lanes = sponge.fresh()
        else:
            dest = operands[0]
            src, src_end = copy_source(view, op, operands)
            parts = copy_parts(size, op == MCOPY and dest > src)
        record = Pending(op, dest, src, size, 0, self._source_root(op), src_end)
        view.gas = frame.gas
        view.pop(inputs)
        view.memory_size = len(frame.memory)
        steps, done = [], 0
        for j, (lo, hi) in enumerate(parts):
            step_pre = pre if j == 0 else view.machine()
            witness = None
            if want(index + j):
                if j == 0:
                    witness = first_witness(self._part_extra(op, record, lo, hi, None, first=True))
                else:
                    witness = Witness(step_pre, [], bytes(32), CodeReveal(),
                                      self._part_extra(op, record, lo, hi, lanes if op == KECCAK256 else None))
            if op == KECCAK256:
                blocks = padded[lo:hi] if j < len(parts) - 1 else padded[lo:]
                for b in range(0, len(blocks), sponge.RATE):
                    sponge.absorb_block(lanes, blocks[b:b + sponge.RATE])
            else:
                view.write_bytes(dest + lo, bytes(frame.memory[dest + lo:dest + hi]))
            done += hi - lo
            if j < len(parts) - 1:
                record = replace(record, done=done, sponge=sponge.state_commitment(lanes) if op == KECCAK256
                                 else record.sponge)
                view.pending = record
            else:
                view.pending = None
                view.pc = frame.pc
                view.sync_stack(view.stack_size)
                if op == KECCAK256 and sponge.digest(lanes) != frame.stack[-1].to_bytes(32, "big"):
                    raise AssertionError("the sponge's hash is not KECCAK256's")
            steps.append(Step(index + j, op, j, len(parts), step_pre, view.machine(), witness))
        return steps

    def _source_root(self, op: int) -> bytes:
        if op == CALLDATACOPY:
            return self.view.message.calldata_root
        if op == CODECOPY:
            return self.view.code.root
        if op == RETURNDATACOPY:
            return self.view.return_view.root
        return bytes(32)

    def _part_extra(self, op, record: Pending, lo: int, hi: int, lanes, first: bool = False) -> bytes:
        """The ``extra`` of one part of a split instruction."""
        view = self.view
        head_types, head = ([], []) if first else ([PENDING], [record.values()])
        if op == KECCAK256:
            memory = view.memory_range(record.src + lo, hi - lo).abi()
            if first:
                return encode_extra([WORD_RANGE], [memory])
            return encode_extra([PENDING, LANES, WORD_RANGE], [record.values(), list(lanes), memory])
        dest = view.memory_range(record.dest + lo, hi - lo).abi()
        if op == MCOPY:
            source = view.memory_range(record.src + lo, hi - lo).abi()
            return encode_extra(head_types + [WORD_RANGE, WORD_RANGE], head + [source, dest])
        start, end = record.src + lo, min(record.src + hi, record.src_end)
        if op == CODECOPY:
            source = view.code_reveal(start, end).abi() if start < end else CodeReveal().abi()
            return encode_extra(head_types + [CODE_REVEAL, WORD_RANGE], head + [source, dest])
        tree = view.return_tree if op == RETURNDATACOPY else view.calldata
        source = tree_range(tree, start, end - start).abi() if start < end else WordRange().abi()
        if first and op == RETURNDATACOPY:
            return encode_extra([VIEW, WORD_RANGE, WORD_RANGE], [self._return_view_abi(), source, dest])
        if first:
            return encode_extra([MESSAGE, WORD_RANGE, WORD_RANGE], [view.message.values(), source, dest])
        return encode_extra([PENDING, WORD_RANGE, WORD_RANGE], head + [source, dest])
