"""An invalid opcode in ``eth_call`` and ``eth_estimateGas``, in geth's words
(-32000, ``invalid opcode: NAME``, or ``opcode 0x.. not defined`` for a byte
no fork defines): CLZ on a node running Prague, where it is not yet an
instruction, and Osaka's answer for the same code. The estimate once said
only the opcode's number ("30")."""

from __future__ import annotations

import pytest
from rpc_support import node, run

from ovm.chain import ChainConfig, dev_accounts, dev_genesis, schedule_of
from ovm.evm.forks import OSAKA, PRAGUE

SENDER = "0x" + dev_accounts()[1].address.hex()
TARGET = "0x" + "77" * 20
CLZ_OF_ONE = "0x" + bytes([0x60, 0x01, 0x1E, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xF3]).hex()  # PUSH1 1 CLZ, return it


def failures(tmp_path, fork, code: str) -> tuple:
    async def go():
        async with node(tmp_path, genesis=dev_genesis(ChainConfig(forks=schedule_of(fork)))) as rpc:
            call = {"from": SENDER, "to": TARGET}
            override = {TARGET: {"code": code}}
            called = await rpc.failure("eth_call", call, "latest", override)
            estimated = await rpc.failure("eth_estimateGas", call, "latest", override)
            return (called.code, called.message), (estimated.code, estimated.message)
    return run(go())


@pytest.mark.parametrize(("code", "message"), [
    (CLZ_OF_ONE, "invalid opcode: CLZ"),
    ("0xfe", "invalid opcode: INVALID"),
    ("0x0c", "invalid opcode: opcode 0x0c not defined"),
])  # fmt: skip
def test_prague_names_the_invalid_opcode(tmp_path, code, message):
    assert failures(tmp_path, PRAGUE, code) == ((-32000, message), (-32000, message))


def test_osaka_runs_clz(tmp_path):
    async def go():
        async with node(tmp_path, genesis=dev_genesis(ChainConfig(forks=schedule_of(OSAKA)))) as rpc:
            return await rpc("eth_call", {"from": SENDER, "to": TARGET}, "latest", {TARGET: {"code": CLZ_OF_ONE}})
    assert run(go()) == "0x" + (255).to_bytes(32, "big").hex()
