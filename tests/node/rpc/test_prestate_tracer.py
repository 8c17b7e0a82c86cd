"""
geth's prestateTracer, over HTTP
================================

A block of two transactions to a contract that rewrites two slots (one to
zero), reads a third, forwards its value to a fresh account and calls an
account that holds only storage (empty by EIP-161, so the call deletes it).
``debug_traceTransaction`` with the ``prestateTracer`` must give the state
before each transaction, and in ``diffMode`` exactly what each changed, in
geth's shape; ``debug_traceBlockByNumber``/``ByHash`` the same per
transaction, each on the state the one before left. Every value is checked
against ``eth_getBalance``/``eth_getStorageAt``/``eth_getTransactionCount``
at the blocks around it.
"""

from __future__ import annotations

from rpc_support import node, run
from support import asm

from ovm.chain import dev_accounts
from ovm.primitives.crypto import keccak256

SENDER = "0x" + dev_accounts()[0].address.hex()
ALICE = "0x" + dev_accounts()[1].address.hex()
CONTRACT = "0x" + "c0" * 20
PAYEE = "0x" + "f1" * 20  # no account before
HOLLOW = "0x" + "e1" * 20  # only storage: empty, so a call deletes it
VALUE = 1000
CODE = asm(
    "PUSH1 9", "PUSH1 1", "SSTORE",  # slot 1: 5 → 9
    "PUSH1 0", "PUSH1 2", "SSTORE",  # slot 2: 7 → 0
    "PUSH1 3", "SLOAD", "POP",  # slot 3 read, stays 0
    "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", "CALLVALUE", f"PUSH20 {PAYEE}", "GAS", "CALL", "POP",
    "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", f"PUSH20 {HOLLOW}", "GAS", "CALL", "POP",
    "STOP",
)
PRESTATE = {"tracer": "prestateTracer"}
DIFF = {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}}


def word(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()


async def two_transactions(rpc) -> tuple[list[str], int, str]:
    """The block's transaction hashes, its number and the coinbase."""
    await rpc("eth_sendTransaction", {"from": SENDER, "to": ALICE, "value": "0x1"})
    await rpc("evm_mine")  # the coinbase and the sender's nonce exist before the block traced
    await rpc("anvil_setCode", CONTRACT, "0x" + CODE.hex())
    await rpc("anvil_setStorageAt", CONTRACT, "0x1", word(5))
    await rpc("anvil_setStorageAt", CONTRACT, "0x2", word(7))
    await rpc("anvil_setStorageAt", HOLLOW, "0x0", word(1))
    hashes = [await rpc("eth_sendTransaction", {"from": SENDER, "to": CONTRACT, "value": hex(VALUE),
                                                "gas": hex(200_000)}) for _ in range(2)]
    await rpc("evm_mine")
    block = await rpc("eth_getBlockByNumber", "latest", False)
    assert block["transactions"] == hashes
    return hashes, int(block["number"], 16), block["miner"]


def test_prestate_and_diff_mode_match_the_chain(tmp_path):
    async def go():
        async with node(tmp_path, instant=False) as rpc:
            hashes, number, coinbase = await two_transactions(rpc)
            before, after = hex(number - 1), hex(number)

            async def balance(address, block):
                return await rpc("eth_getBalance", address, block)

            code = {"code": "0x" + CODE.hex(), "codeHash": "0x" + keccak256(CODE).hex()}
            first = await rpc("debug_traceTransaction", hashes[0], PRESTATE)
            assert first == {
                SENDER: {"balance": await balance(SENDER, before), "nonce": 1},
                CONTRACT: {"balance": "0x0", **code, "storage": {word(1): word(5), word(2): word(7), word(3): word(0)}},
                HOLLOW: {"balance": "0x0"},
                coinbase: {"balance": await balance(coinbase, before)},
            }  # the payee did not exist: no pre-state

            diff = await rpc("debug_traceTransaction", hashes[0], DIFF)
            receipts = [await rpc("eth_getTransactionReceipt", h) for h in hashes]
            fee = [int(r["gasUsed"], 16) * int(r["effectiveGasPrice"], 16) for r in receipts]
            sender_between = int(await balance(SENDER, before), 16) - fee[0] - VALUE
            tip = [int(r["gasUsed"], 16) * (int(r["effectiveGasPrice"], 16) - int(
                (await rpc("eth_getBlockByNumber", after, False))["baseFeePerGas"], 16)) for r in receipts]
            coinbase_between = int(await balance(coinbase, before), 16) + tip[0]
            assert diff == {
                "pre": {
                    SENDER: {"balance": await balance(SENDER, before), "nonce": 1},
                    CONTRACT: {"balance": "0x0", **code, "storage": {word(1): word(5), word(2): word(7)}},
                    HOLLOW: {"balance": "0x0"},  # deleted: in pre, not in post
                    coinbase: {"balance": await balance(coinbase, before)},
                },
                "post": {
                    SENDER: {"balance": hex(sender_between), "nonce": 2},
                    CONTRACT: {"storage": {word(1): word(9)}},  # slot 2 went to zero: left out
                    PAYEE: {"balance": hex(VALUE)},  # created: in post only
                    coinbase: {"balance": hex(coinbase_between)},
                },
            }
            assert await rpc("eth_getStorageAt", CONTRACT, "0x1", after) == word(9)
            assert await rpc("eth_getStorageAt", CONTRACT, "0x2", after) == word(0)

            second = await rpc("debug_traceTransaction", hashes[1], DIFF)  # on the state the first left
            assert second == {
                "pre": {
                    SENDER: {"balance": hex(sender_between), "nonce": 2},
                    PAYEE: {"balance": hex(VALUE)},
                    coinbase: {"balance": hex(coinbase_between)},
                },
                "post": {
                    SENDER: {"balance": await balance(SENDER, after), "nonce": 3},
                    PAYEE: {"balance": await balance(PAYEE, after)},
                    coinbase: {"balance": await balance(coinbase, after)},
                },
            }
            assert await rpc("eth_getTransactionCount", SENDER, after) == "0x3"

            block_hash = (await rpc("eth_getBlockByNumber", after, False))["hash"]
            for config in (DIFF, PRESTATE, {"tracer": "callTracer"}):
                expected = [{"txHash": h, "result": await rpc("debug_traceTransaction", h, config)} for h in hashes]
                assert await rpc("debug_traceBlockByNumber", after, config) == expected
                assert await rpc("debug_traceBlockByHash", block_hash, config) == expected

    run(go())


def test_code_and_storage_can_be_left_out(tmp_path):
    async def go():
        async with node(tmp_path, instant=False) as rpc:
            hashes, _, _ = await two_transactions(rpc)
            config = {"tracer": "prestateTracer", "tracerConfig": {"disableCode": True, "disableStorage": True}}
            trace = await rpc("debug_traceTransaction", hashes[0], config)
            assert trace[CONTRACT] == {"balance": "0x0"}
            assert all("code" not in account and "storage" not in account for account in trace.values())

    run(go())
