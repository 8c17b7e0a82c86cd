"""
System calls
============

A system call is a message the protocol sends at a fixed point of a block,
outside any transaction: from ``SYSTEM_ADDRESS``, with ``SYSTEM_CALL_GAS``,
no value and no fee, its gas not counted in the block. Afterwards the
accounts it touched that are empty are deleted (EIP-161), as after a
transaction.

Cancun has one (EIP-4788): at the start of every block, the parent beacon
block root from the header goes to the beacon-roots contract, which stores
it under the block's timestamp. Where no contract is deployed at
``BEACON_ROOTS_ADDRESS`` the call runs no code and changes nothing. The OP
Stack makes the same call on L2 since Ecotone (with the L1 origin's parent
beacon block root in the L2 header).
"""

from __future__ import annotations

from ..evm.environment import BlockEnv, TxContext
from ..evm.forks import Fork
from ..evm.frame import Frame
from ..evm.interpreter import CodeRunner, Machine
from ..state import State

SYSTEM_ADDRESS = bytes.fromhex("fffffffffffffffffffffffffffffffffffffffe")
SYSTEM_CALL_GAS = 30_000_000
BEACON_ROOTS_ADDRESS = bytes.fromhex("000f3df6d732807ef1319fb7b8bb8522d0beac02")


def system_call(
    state: State, env: BlockEnv, fork: Fork, target: bytes, data: bytes,
    code_runner: CodeRunner | None = None,
) -> bytes:
    """Run the code at ``target`` on ``data`` as the system; returns its output."""
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
    return result.output


def store_beacon_root(
    state: State, env: BlockEnv, fork: Fork, parent_beacon_block_root: bytes,
    code_runner: CodeRunner | None = None,
) -> None:
    """EIP-4788: give the beacon-roots contract the block's parent beacon block root."""
    system_call(state, env, fork, BEACON_ROOTS_ADDRESS, parent_beacon_block_root, code_runner)
