"""
LOG0 … LOG4, as the verifier runs them
======================================

A LOG appends a leaf to the substate's log tree (``Substate.logs``, a word
tree whose leaf ``i`` is log ``i``): ``log_leaf(head, data_root,
data_size)``, ``head`` the hash of its address and topics and ``data_root``
the word tree of its data. The data is copied from memory into that tree at
most ``COPY_BYTES_PER_STEP`` bytes a step, as a copy is: up to that size the
LOG is one step; beyond, its first step charges all the gas, pops the
operands, grows memory and copies the first part, each later step the next,
and the last appends the leaf. Between them ``Pending = (LOGn, 0, offset,
size, done, data_root so far, 0, head)``.

Gas and order are ``ovm.evm``'s (``instructions.log``): the static gas (375
and 375 a topic) is charged before; then 8 a byte of data, then memory
expansion (either short: out of gas, nothing more revealed); then a static
frame halts (``WriteInStaticContext``), the message alone revealed.
"""

from __future__ import annotations

from dataclasses import replace

from ..evm.gas import LOG_DATA_BYTE
from .commitment import FLAG_STATIC, HALT_EXCEPTIONAL, Pending, log_head, log_leaf
from .merkle import WORD_TREE_DEPTH, ZERO, range_root
from .opening import Halt, Run, WitnessError, require
from .rules import COPY_BYTES_PER_STEP, LOG_OPCODES
from .verifier_ops import expand, extra, finish, open_message, open_words, read_bytes
from .witness import MESSAGE, WordRange, decode_extra, substate_from_abi

MESSAGE_BYTES = 11 * 32
EMPTY_DATA_ROOT = ZERO[WORD_TREE_DEPTH]
"""The root of the data tree of no bytes, where each LOG's data tree starts."""


def is_log(opcode: int) -> bool:
    return opcode in LOG_OPCODES


def execute(run: Run, opcode: int, a: list[int]) -> None:
    """A LOG whose static gas is charged and whose operands (top first) are popped."""
    offset, size, topics = a[0], a[1], tuple(t.to_bytes(32, "big") for t in a[2:])
    run.charge(LOG_DATA_BYTE * size)
    expand(run, offset, size)
    message = open_message(run, _message_head(run))
    if message.flags & FLAG_STATIC:
        require(len(run.witness.extra) == MESSAGE_BYTES, "a static frame's LOG opens the message only")
        raise Halt(HALT_EXCEPTIONAL)
    record = Pending(opcode, 0, offset, size, 0, EMPTY_DATA_ROOT, 0, log_head(message.address, topics))
    part(run, record, first=True)


def part(run: Run, record: Pending, first: bool) -> None:
    """Copy the next part of the data into its tree; the last part appends the log."""
    size, done = record.size, record.done
    hi = min(done + COPY_BYTES_PER_STEP, size)
    last = hi == size
    layout = ("log" if last else "log-first") if first else ("log-last" if last else "log-continue")
    values = extra(run, layout)[1:]  # after the message or the pending record, both opened already
    source, data = values[0], values[1]
    if size:
        chunk = read_bytes(run.memory, source, record.src + done, hi - done)
        data_root = write_words(record.src_root, data, done, chunk)
    else:
        require(WordRange.from_abi(source) == WordRange() and WordRange.from_abi(data) == WordRange(),
                "no data to reveal")
        data_root = record.src_root
    if not last:
        run.pending = replace(record, done=hi, src_root=data_root).hash()
        return
    append(run, values[2], values[3], log_leaf(record.sponge, data_root, size))
    finish(run)


def write_words(root: bytes, value: tuple, offset: int, data: bytes) -> bytes:
    """The root of the word tree ``root`` after writing ``data`` at ``offset``, through the range ``value``."""
    words, old = open_words(root, value, offset, len(data))
    start = offset - 32 * words.first
    new = old[:start] + data + old[start + len(data):]
    return range_root(WORD_TREE_DEPTH, words.first, [new[i:i + 32] for i in range(0, len(new), 32)], words.siblings)


def append(run: Run, substate_value: tuple, slot_value: tuple, leaf: bytes) -> None:
    """Write ``leaf`` at index ``log_count`` of the substate's log tree (a zero leaf there)."""
    substate = substate_from_abi(substate_value)
    require(substate.hash() == run.machine.substate, "the substate does not open the commitment")
    slot = WordRange.from_abi(slot_value)
    require(slot.first == substate.log_count and slot.words == (bytes(32),), "not the next log's empty leaf")
    require(range_root(WORD_TREE_DEPTH, slot.first, slot.words, slot.siblings) == substate.logs,
            "the log slot does not open the log tree")
    logs = range_root(WORD_TREE_DEPTH, slot.first, [leaf], slot.siblings)
    run.substate = replace(substate, logs=logs, log_count=substate.log_count + 1).hash()


def _message_head(run: Run) -> tuple:
    """The message at the head of the ``extra`` (11 static words)."""
    try:
        return decode_extra([MESSAGE], run.witness.extra[:MESSAGE_BYTES])[0]
    except Exception as exc:
        raise WitnessError(f"malformed message: {exc}") from None
