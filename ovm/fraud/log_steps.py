"""
LOG0 … LOG4 as steps
====================

``log_steps`` turns a LOG that ``ovm.evm`` has run (its ``Log`` appended to
the state) into its steps: its data copied from memory into the data's own
word tree, ``COPY_BYTES_PER_STEP`` bytes a step, and, in the last step, the
log's leaf (``commitment.log_leaf``) written at index ``log_count`` of the
substate's log tree. ``ovm.fraud.verifier_logs`` checks each step; the
layouts of their witnesses are in ``docs/fraud-proofs.md``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..state import Log
from .commitment import Machine, Pending, log_head, log_leaf
from .frame_view import FrameView, tree_range
from .merkle import ZERO_WORD, WordTree
from .rules import COPY_BYTES_PER_STEP
from .witness import MESSAGE, PENDING, SUBSTATE, WORD_RANGE, CodeReveal, Witness, WordRange, encode_extra


def data_parts(size: int) -> list[tuple[int, int]]:
    """The byte ranges of a LOG's data, one per step (one empty range for no data)."""
    if not size:
        return [(0, 0)]
    return [(lo, min(lo + COPY_BYTES_PER_STEP, size)) for lo in range(0, size, COPY_BYTES_PER_STEP)]


def log_steps(view: FrameView, op: int, operands: list[int], log: Log, logs: WordTree, index: int,
              want: Callable[[int], bool], pre: Machine,
              first_witness: Callable[[bytes], Witness | None]) -> list[tuple[Machine, Machine, Witness | None]]:
    """``(pre, post, witness)`` of each step of the LOG ``op`` on ``operands``
    that appended ``log``; ``logs`` is the log tree before it (updated here)."""
    frame = view.frame
    offset, size = operands[0], operands[1]
    head = log_head(log.address, log.topics)
    data = WordTree()
    record = Pending(op, 0, offset, size, 0, data.root, 0, head)
    count = view.substate_record.log_count
    view.gas = frame.gas
    view.pop(len(operands))
    view.memory_size = len(frame.memory)
    parts = data_parts(size)
    out = []
    for j, (lo, hi) in enumerate(parts):
        first, last = j == 0, j == len(parts) - 1
        step_pre = pre if first else view.machine()
        witness = None
        if want(index + j):
            types = [MESSAGE if first else PENDING, WORD_RANGE, WORD_RANGE]
            values = [view.message.values() if first else record.values(), view.memory_range(offset + lo, hi - lo).abi(),
                      tree_range(data, lo, hi - lo).abi()]
            if last:
                slot = WordRange(count, (ZERO_WORD,), tuple(logs.range_proof(count, 1)))
                types += [SUBSTATE, WORD_RANGE]
                values += [view.substate_record.values(), slot.abi()]
            extra = encode_extra(types, values)
            witness = first_witness(extra) if first else Witness(step_pre, [], ZERO_WORD, CodeReveal(), extra)
        for i in range(lo // 32, (hi + 31) // 32):
            data.set_leaf(i, log.data[32 * i:32 * i + 32].ljust(32, b"\x00"))
        if not last:
            record = replace(record, done=hi, src_root=data.root)
            view.pending = record
        else:
            view.pending = None
            logs.set_leaf(count, log_leaf(head, data.root, size))
            view.set_substate(replace(view.substate_record, logs=logs.root, log_count=count + 1))
            view.pc = frame.pc
            view.sync_stack(view.stack_size)
        out.append((step_pre, view.machine(), witness))
    return out
