"""
System calls
============

A system call is a message the protocol sends at a fixed point of a block,
outside any transaction: from ``SYSTEM_ADDRESS``, with ``SYSTEM_CALL_GAS``,
no value and no fee, its gas not counted in the block. Afterwards the
accounts it touched that are empty are deleted (EIP-161), as after a
transaction. Which calls a block makes is its fork's (``ovm.chain.forks``).

At the start of a block (``StartCall``), before its first transaction:

- EIP-4788 (from Cancun): the header's parent beacon block root goes to the
  beacon-roots contract, which stores it under the block's timestamp. The OP
  Stack makes the same call on L2 since Ecotone (with the L1 origin's parent
  beacon block root in the L2 header).
- EIP-2935 (from Prague, and the OP Stack's Isthmus): the parent's hash goes
  to the block-hash history contract, which stores it under the parent's
  number.

Where no contract is deployed the start calls run no code and change
nothing, and a failing one changes nothing either: they are *unchecked*.
The calls at the end of a block that produce requests (EIP-7002, EIP-7251;
``ovm.chain.requests``) are *checked* (``checked_system_call``): a block in
which the contract has no code, or the call fails, is invalid.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Callable, Protocol

from ..evm.environment import BlockEnv, TxContext
from ..evm.forks import Fork
from ..evm.frame import Frame
from ..evm.interpreter import CodeRunner, Machine
from ..state import State
from .block import InvalidBlock, Rule
from .system_contracts import BEACON_ROOTS, HISTORY_STORAGE, SystemContract

SYSTEM_ADDRESS = bytes.fromhex("fffffffffffffffffffffffffffffffffffffffe")
SYSTEM_CALL_GAS = 30_000_000
BEACON_ROOTS_ADDRESS = BEACON_ROOTS.address
HISTORY_STORAGE_ADDRESS = HISTORY_STORAGE.address


@dataclass(frozen=True, slots=True)
class SystemCallResult:
    success: bool
    output: bytes


def system_call(
    state: State, env: BlockEnv, fork: Fork, target: bytes, data: bytes,
    code_runner: CodeRunner | None = None,
) -> SystemCallResult:
    """Run the code at ``target`` on ``data`` as the system."""
    state.begin_transaction()
    machine = Machine(state, env, TxContext(origin=SYSTEM_ADDRESS, gas_price=0), fork, code_runner)
    frame = Frame(
        machine, caller=SYSTEM_ADDRESS, address=target, code_address=target, value=0,
        data=data, code=state.get_code(target), gas=SYSTEM_CALL_GAS, depth=0,
        transfers_value=False,
    )  # fmt: skip
    if machine.enter(frame):
        machine.run()
    for address in state.touched:
        account = state.get_account(address)
        if account is not None and account.is_empty():
            state.destroy_account(address)
    result = machine.result
    assert result is not None, "enter or run finishes the outermost frame"
    return SystemCallResult(machine.error is None, result.output)


def checked_system_call(
    state: State, env: BlockEnv, fork: Fork, contract: SystemContract,
    code_runner: CodeRunner | None = None,
) -> bytes:
    """Call ``contract`` with no data and return its output; ``InvalidBlock``
    if it has no code or the call fails (EIP-7002, EIP-7251)."""
    if not state.get_code(contract.address):
        raise InvalidBlock(
            f"the {contract.name} contract at 0x{contract.address.hex()} has no code", Rule.SYSTEM_CALL
        )
    result = system_call(state, env, fork, contract.address, b"", code_runner)
    if not result.success:
        raise InvalidBlock(f"the system call to the {contract.name} contract failed", Rule.SYSTEM_CALL)
    return result.output


class BlockStart(Protocol):
    """What a start call reads of the block being built (``BlockBuilder``)."""

    parent_hash: bytes
    parent_beacon_block_root: bytes


@dataclass(frozen=True, slots=True)
class StartCall:
    """An unchecked system call at the start of a block: ``contract`` is given
    ``data(block)``."""

    contract: SystemContract
    data: Callable[[BlockStart], bytes]

    def make(
        self, state: State, env: BlockEnv, fork: Fork, block: BlockStart, code_runner: CodeRunner | None = None
    ) -> None:
        system_call(state, env, fork, self.contract.address, self.data(block), code_runner)


STORE_BEACON_ROOT = StartCall(BEACON_ROOTS, attrgetter("parent_beacon_block_root"))  # EIP-4788
STORE_PARENT_HASH = StartCall(HISTORY_STORAGE, attrgetter("parent_hash"))  # EIP-2935
