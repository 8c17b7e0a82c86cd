"""
The running frame as the commitment sees it
===========================================

``FrameView`` keeps, beside an ``ovm.evm`` frame, what its commitment needs
and would be slow to recompute: the memory's word tree (updated only where
an instruction wrote), the hash of every prefix of the stack (so popping and
pushing rehash only the top), the code's chunk tree and the calldata's word
tree. Its ``pc``, ``gas`` and sizes are its own copies: between the
sub-steps of one instruction the commitment is half-way while the
``ovm.evm`` frame has already run the whole instruction.
"""

from __future__ import annotations

from ..evm.frame import Frame
from .code import CodeTree
from .commitment import (
    EMPTY_STACK,
    EMPTY_VIEW,
    ByteView,
    PHASE_RUNNING,
    BlockContext,
    BlockProgress,
    Machine,
    Message,
    Pending,
    Substate,
    TxContext,
    stack_push,
)
from .merkle import ZERO_WORD, WordTree, word_span
from .witness import CodeReveal, WordRange


class FrameView:
    """The commitment of one running frame, kept in step with ``frame``."""

    def __init__(self, frame: Frame, *, fork: int, block: BlockContext, progress: BlockProgress, tx: TxContext,
                 blob_hashes: tuple[bytes, ...], substate: Substate, callers: bytes, message: Message, code: CodeTree,
                 calldata: WordTree, return_view: ByteView = EMPTY_VIEW, return_tree: WordTree | None = None) -> None:
        self.frame = frame
        self.fork = fork
        self.block = block
        self.block_hash = block.hash()
        self.progress = progress
        self.progress_hash = progress.hash()
        self.tx = tx
        self.tx_hash = tx.hash()
        self.blob_hashes = blob_hashes
        self.substate_record = substate
        self.substate = substate.hash()
        self.callers = callers
        self.message = message
        self.message_hash = message.hash()
        self.code = code
        self.calldata = calldata
        self.memory = WordTree.of_bytes(frame.memory)
        self.memory_size = len(frame.memory)
        self.stack_hashes = [EMPTY_STACK]
        self.stack_size = 0
        self.sync_stack(0)
        self.pc = frame.pc
        self.gas = frame.gas
        self.return_view = return_view
        self.return_tree = return_tree
        """The word tree the return data is a view of (the memory of the callee that returned it)."""
        self.return_data = return_view.hash()
        if frame.return_data and return_tree is None:
            raise ValueError("a frame with return data needs the tree it is a view of")
        self.pending: Pending | None = None
        self.suspended = None
        """The caller as suspended by the call that entered this frame (``frames.SuspendedFrame``)."""

    @property
    def fields(self) -> dict:
        """What a checkpoint keeps to rebuild this view around a restored frame."""
        return dict(fork=self.fork, block=self.block, progress=self.progress, tx=self.tx,
                    blob_hashes=self.blob_hashes, substate=self.substate_record, callers=self.callers,
                    message=self.message, return_view=self.return_view, return_tree=self.return_tree)

    def machine(self) -> Machine:
        return Machine(
            phase=PHASE_RUNNING,
            fork=self.fork,
            block=self.block_hash,
            progress=self.progress_hash,
            tx=self.tx_hash,
            substate=self.substate,
            callers=self.callers,
            message=self.message_hash,
            code_hash=self.code.code_hash,
            pc=self.pc,
            gas=self.gas,
            stack_size=self.stack_size,
            stack=self.stack_hashes[self.stack_size],
            memory_size=self.memory_size,
            memory=self.memory.root,
            return_data=self.return_data,
            pending=ZERO_WORD if self.pending is None else self.pending.hash(),
        )

    def set_substate(self, substate: Substate) -> None:
        """The substate after an instruction changed it (``fields``, and so checkpoints, take it too)."""
        self.substate_record = substate
        self.substate = substate.hash()

    # -- stack ----------------------------------------------------------------

    def stack_hash(self, size: int) -> bytes:
        """The hash of the bottom ``size`` items."""
        return self.stack_hashes[size]

    def sync_stack(self, keep: int) -> None:
        """Take the frame's stack, whose bottom ``keep`` items are unchanged."""
        stack = self.frame.stack
        hashes = self.stack_hashes
        del hashes[keep + 1:]
        for value in stack[keep:]:
            hashes.append(stack_push(hashes[-1], value))
        self.stack_size = len(stack)

    def pop(self, count: int) -> None:
        self.stack_size -= count

    # -- memory ---------------------------------------------------------------

    def sync_memory(self, offset: int, size: int) -> None:
        """Take the frame's memory words covering ``[offset, offset+size)``."""
        if not size:
            return
        memory = self.frame.memory
        first, count = word_span(offset, size)
        for index in range(first, first + count):
            self.memory.set_leaf(index, bytes(memory[32 * index:32 * index + 32]))

    def write_bytes(self, offset: int, data: bytes) -> None:
        """Write ``data`` at ``offset`` in the tree only (a sub-step's part of a copy)."""
        if not data:
            return
        first, count = word_span(offset, len(data))
        for index in range(first, first + count):
            current = bytearray(self.memory.leaf(index))
            lo, hi = max(offset, 32 * index), min(offset + len(data), 32 * index + 32)
            current[lo - 32 * index:hi - 32 * index] = data[lo - offset:hi - offset]
            self.memory.set_leaf(index, bytes(current))

    def memory_range(self, offset: int, size: int) -> WordRange:
        return tree_range(self.memory, offset, size)

    # -- code -----------------------------------------------------------------

    def code_reveal(self, start: int, end: int) -> CodeReveal:
        first, chunks, siblings = self.code.reveal(start, end)
        return CodeReveal(first if chunks else 0, tuple(chunks), tuple(siblings))


def tree_range(tree: WordTree, offset: int, size: int) -> WordRange:
    """The words of ``tree`` covering bytes ``[offset, offset+size)`` with their proof (empty if size is 0)."""
    if size <= 0:
        return WordRange()
    first, count = word_span(offset, size)
    return WordRange(first, tuple(tree.leaf(i) for i in range(first, first + count)),
                     tuple(tree.range_proof(first, count)))
