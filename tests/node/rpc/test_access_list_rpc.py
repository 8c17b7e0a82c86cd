"""
``eth_createAccessList``
========================

geth's answer on a real node: the slots and addresses a call touches (in
reverted frames too), without the sender, the target and the precompiles,
and the gas the call uses with that list, checked against the receipt of the
same transaction sent with it.
"""

from __future__ import annotations

from rpc_support import node, run
from support import asm

from ovm.chain import dev_accounts
from ovm.node.rpc import RpcLimits

ALICE = dev_accounts()[0]
ALICE_HEX = "0x" + ALICE.address.hex()
TARGET, CALLEE, WATCHED = "0x" + "a1" * 20, "0x" + "b2" * 20, "0x" + "c3" * 20
IDENTITY = "0x" + "00" * 19 + "04"


def word(n: int) -> str:
    return "0x" + n.to_bytes(32, "big").hex()


def call_code(op: str, address: str, value: bool) -> list[str]:
    return ["PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", *(["PUSH1 0"] if value else []),
            f"PUSH20 {address}", "GAS", op, "POP"]


# The callee reads its slot 5 and WATCHED's balance, then reverts.
CALLEE_CODE = asm("PUSH1 5", "SLOAD", "POP", f"PUSH20 {WATCHED}", "BALANCE", "POP", "PUSH1 0", "PUSH1 0", "REVERT")
# The target writes its slot 1, calls the callee and the identity precompile, and reads the caller's balance.
TARGET_CODE = asm("PUSH1 7", "PUSH1 1", "SSTORE", *call_code("CALL", CALLEE, True),
                  *call_code("STATICCALL", IDENTITY, False), "CALLER", "BALANCE", "POP", "STOP")


def with_node(tmp_path, scenario, limits=None):
    async def go():
        async with node(tmp_path, limits=limits) as rpc:
            await rpc("anvil_setCode", TARGET, "0x" + TARGET_CODE.hex())
            await rpc("anvil_setCode", CALLEE, "0x" + CALLEE_CODE.hex())
            return await scenario(rpc)
    return run(go())


def test_the_list_is_what_the_call_touches_and_its_gas_is_the_receipts(tmp_path):
    async def scenario(rpc):
        answer = await rpc("eth_createAccessList", {"from": ALICE_HEX, "to": TARGET})
        assert answer["accessList"] == [
            {"address": TARGET, "storageKeys": [word(1)]},
            {"address": CALLEE, "storageKeys": [word(5)]},
            {"address": WATCHED, "storageKeys": []},
        ]
        assert "error" not in answer
        tx_hash = await rpc("eth_sendTransaction", {"from": ALICE_HEX, "to": TARGET, "gas": hex(200_000),
                                                    "accessList": answer["accessList"]})
        receipt = await rpc("eth_getTransactionReceipt", tx_hash)
        assert receipt["status"] == "0x1" and receipt["gasUsed"] == answer["gasUsed"]
        # an access list given is kept and completed; the slot written before now reads as set
        given = [{"address": WATCHED, "storageKeys": [word(9)]}]
        again = await rpc("eth_createAccessList", {"from": ALICE_HEX, "to": TARGET, "accessList": given}, "0x0")
        assert {entry["address"]: entry["storageKeys"] for entry in again["accessList"]} == {
            TARGET: [word(1)], CALLEE: [word(5)], WATCHED: [word(9)]}
    with_node(tmp_path, scenario)


def test_a_failing_call_gets_its_list_and_its_error(tmp_path):
    async def scenario(rpc):
        answer = await rpc("eth_createAccessList", {"from": ALICE_HEX, "to": CALLEE})
        assert answer["accessList"] == [{"address": CALLEE, "storageKeys": [word(5)]},
                                        {"address": WATCHED, "storageKeys": []}]
        assert answer["error"] == "execution reverted"
        bad = await rpc.failure("eth_createAccessList", {"from": ALICE_HEX, "to": "0x12"})
        assert bad.code == -32602
        unknown = await rpc.failure("eth_createAccessList", {"to": TARGET}, "0x99")
        assert unknown.code == -32001
        poor = await rpc.failure("eth_createAccessList", {"from": "0x" + "11" * 20, "to": TARGET, "value": "0x1"})
        assert poor.code == -32000 and "insufficient funds" in poor.message
    with_node(tmp_path, scenario)


def test_a_call_that_runs_too_long_is_aborted_and_the_node_serves_on(tmp_path):
    async def scenario(rpc):
        spinner = "0x" + "5f" * 20
        await rpc("anvil_setCode", spinner, "0x" + asm("JUMPDEST", "PUSH1 0", "JUMP").hex())
        aborted = await rpc.failure("eth_createAccessList", {"from": ALICE_HEX, "to": spinner})
        assert (aborted.code, aborted.message) == (-32000, "execution aborted (timeout)")
        assert await rpc("eth_getCode", spinner) != "0x"  # and nothing of the call is left in the state
        answer = await rpc("eth_createAccessList", {"from": ALICE_HEX, "to": TARGET})
        assert len(answer["accessList"]) == 3
    with_node(tmp_path, scenario, limits=RpcLimits(trace_timeout=0.5))
