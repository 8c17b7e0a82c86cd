"""
Machine snapshots
=================

A mid-transaction machine serialised to bytes, deterministically, and resumed
from them. Fraud proofs bisect over instruction steps, so both parties must be
able to name the machine's whole state after any step by one hash.

The snapshot holds, as one RLP structure:

- every frame on the frame list (message, code, pc, gas, stack, memory,
  return data, journal checkpoint, where the parent wants its output);
- the transaction's journal, which by itself says which addresses and slots
  are warm, which accounts are touched, created and self-destructed, and which
  logs were emitted (all of these start empty with the transaction);
- the current values of every account, storage slot and transient slot the
  journal mentions, and the refund counter.

Resuming needs what the snapshot is relative to: the world state as it was
before the transaction, the block and the transaction — the same inputs a
verifier has from the chain. ``commitment`` is the keccak256 of the snapshot.
"""

from __future__ import annotations

from typing import Callable

from ..primitives import rlp
from ..primitives.crypto import keccak256
from ..state import Log, State
from ..state import journal as J
from ..state.account import Account
from .frame import Frame
from .interpreter import Machine
from .processor import Execution

VERSION = b"\x01"
_int = rlp.int_to_be


def _uint(data: bytes) -> int:
    return int.from_bytes(data, "big")


def _signed(value: int) -> bytes:
    """Zig-zag encoding, for the one signed quantity (the refund counter)."""
    return _int(value * 2 if value >= 0 else -value * 2 - 1)


def _unsigned_to_signed(data: bytes) -> int:
    n = _uint(data)
    return n // 2 if n % 2 == 0 else -(n + 1) // 2


def commitment(snapshot_bytes: bytes) -> bytes:
    return keccak256(snapshot_bytes)


# -- encoding -----------------------------------------------------------------


def _encode_frame(f: Frame) -> list:
    return [
        f.caller,
        f.address,
        f.code_address,
        _int(f.value),
        f.data,
        _int(f.is_static),
        _int(f.depth),
        _int(f.is_create),
        _int(f.transfers_value),
        f.bytecode,
        _int(f.pc),
        _int(f.gas),
        [_int(word) for word in f.stack],
        bytes(f.memory),
        f.return_data,
        f.output,
        _int(f.checkpoint),
        _int(f.ret_offset),
        _int(f.ret_size),
    ]


def _encode_entry(entry: tuple) -> list:
    tag = entry[0]
    if tag == J.LOG:
        log = entry[1]
        return [_int(tag), [log.address, list(log.topics), log.data]]
    if tag == J.REFUND:
        return [_int(tag), _signed(entry[1])]
    return [_int(tag)] + [x if isinstance(x, bytes) else _int(x) for x in entry[1:]]


def _journal_keys(journal: list[tuple]) -> tuple[list[bytes], list[tuple[bytes, int]], list[tuple[bytes, int]]]:
    """The accounts, storage slots and transient slots the journal mentions."""
    accounts, slots, transient = set(), set(), set()
    for entry in journal:
        tag = entry[0]
        if tag in (J.ACCOUNT_CREATED, J.BALANCE, J.NONCE, J.CODE):
            accounts.add(entry[1])
        elif tag == J.STORAGE:
            slots.add((entry[1], entry[2]))
        elif tag == J.TRANSIENT:
            transient.add((entry[1], entry[2]))
    return sorted(accounts), sorted(slots), sorted(transient)


def snapshot(machine: Machine) -> bytes:
    """The machine and its transaction's state changes, as canonical bytes."""
    state = machine.state
    accounts, slots, transient = _journal_keys(state.journal)
    current_accounts = []
    for address in accounts:
        account = state.get_account(address)
        if account is None:
            current_accounts.append([address, b""])
        else:
            current_accounts.append(
                [address, b"\x01", _int(account.nonce), _int(account.balance), account.code]
            )
    return rlp.encode(
        [
            VERSION,
            [_encode_frame(f) for f in machine.frames],
            [_encode_entry(e) for e in state.journal],
            current_accounts,
            [[a, _int(k), _int(state.get_storage(a, k))] for a, k in slots],
            [[a, _int(k), _int(state.get_transient(a, k))] for a, k in transient],
            _signed(state.refund),
        ]
    )


# -- decoding -----------------------------------------------------------------


def _decode_entry(item: list) -> tuple:
    tag = _uint(item[0])
    if tag == J.LOG:
        address, topics, data = item[1]
        return (tag, Log(address, tuple(topics), data))
    if tag == J.REFUND:
        return (tag, _unsigned_to_signed(item[1]))
    if tag == J.CODE:
        return (tag, item[1], item[2])
    # The first field is an address; the rest are numbers.
    return (tag, item[1], *(_uint(value) for value in item[2:]))


def _restore_frame(machine: Machine, item: list, parent: Frame | None) -> Frame:
    (caller, address, code_address, value, data, is_static, depth, is_create,
     transfers_value, code, pc, gas, stack, memory, return_data, output,
     checkpoint, ret_offset, ret_size) = item
    frame = Frame(
        machine,
        caller=caller,
        address=address,
        code_address=code_address,
        value=_uint(value),
        data=data,
        code=code,
        gas=_uint(gas),
        depth=_uint(depth),
        is_static=bool(_uint(is_static)),
        is_create=bool(_uint(is_create)),
        transfers_value=bool(_uint(transfers_value)),
        ret_offset=_uint(ret_offset),
        ret_size=_uint(ret_size),
        parent=parent,
    )
    frame.pc = _uint(pc)
    frame.stack = [_uint(word) for word in stack]
    frame.memory = bytearray(memory)
    frame.return_data = return_data
    frame.output = output
    frame.checkpoint = _uint(checkpoint)
    return frame


def restore(snapshot_bytes: bytes, machine: Machine) -> None:
    """Load a snapshot into a fresh ``machine`` whose state is the pre-transaction state."""
    version, frames, journal, accounts, slots, transient, refund = rlp.decode(snapshot_bytes)
    if version != VERSION:
        raise ValueError(f"unsupported snapshot version {version.hex()}")
    machine.state.restore_substate(
        [_decode_entry(e) for e in journal],
        {
            record[0]: Account(_uint(record[2]), _uint(record[3]), record[4]) if record[1] else None
            for record in accounts
        },
        {(a, _uint(k)): _uint(v) for a, k, v in slots},
        {(a, _uint(k)): _uint(v) for a, k, v in transient},
        _unsigned_to_signed(refund),
    )
    machine.frames = []
    parent = None
    for item in frames:
        parent = _restore_frame(machine, item, parent)
        machine.frames.append(parent)


def run_with_snapshots(execution: Execution, rebuild_state: Callable[[], State], every: int = 7):
    """Run ``execution`` one instruction at a time; every ``every`` steps,
    snapshot the machine and continue from the snapshot on a freshly rebuilt
    pre-transaction state. Returns ``(result, final_state)``."""

    steps = 0
    while not execution.machine.done:
        execution.machine.step()
        steps += 1
        if steps % every == 0 and not execution.machine.done:
            blob = snapshot(execution.machine)
            resumed = execution.restarted(rebuild_state())
            restore(blob, resumed.machine)
            execution = resumed
    return execution.settle(), execution.state
