"""
EIP-7702 through a node's JSON-RPC
==================================

A node running Prague, over HTTP: a set-code transaction sent raw is mined and
shown as geth shows it (``authorizationList`` in the transaction, type 0x4 in
the receipt), the authority then runs its delegate's code; ``eth_call`` and
``eth_estimateGas`` take an ``authorizationList`` (exact gas), and refuse an
empty one or one without ``to`` in geth's words; ``eth_sendTransaction`` makes
a type-4 transaction of one; admission refuses what geth's pool refuses
(empty list, type 4 on a Cancun chain, a second in-flight transaction from a
delegated sender or a pending authority, a gapped one, a reserved authority).
"""

from __future__ import annotations

from rpc_support import node, run
from support import asm

from ovm.chain import dev_accounts
from ovm.evm.delegation import designator, sign_authorization
from ovm.evm.forks import PRAGUE
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, SetCodeTransaction, encode_transaction
from ovm.primitives.crypto import private_key_to_address

ALICE, BOB, CAROL = dev_accounts()[0], dev_accounts()[1], dev_accounts()[2]
ALICE_HEX, BOB_HEX = "0x" + ALICE.address.hex(), "0x" + BOB.address.hex()
CHAIN_ID = 901
AUTHORITY_KEY = bytes.fromhex("33" * 32)
AUTHORITY = private_key_to_address(AUTHORITY_KEY)
AUTHORITY_HEX = "0x" + AUTHORITY.hex()

# No calldata: return ADDRESS; with calldata: store its first word in slot 0.
RUNTIME = asm("CALLDATASIZE", "PUSH1 13", "JUMPI", "ADDRESS", "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0",
              "RETURN", "JUMPDEST", "PUSH1 0", "CALLDATALOAD", "PUSH1 0", "SSTORE", "STOP")
assert RUNTIME[13] == 0x5B
INITCODE = asm(f"PUSH1 {len(RUNTIME)}", "PUSH1 12", "PUSH1 0", "CODECOPY",
               f"PUSH1 {len(RUNTIME)}", "PUSH1 0", "RETURN") + RUNTIME


def auth_json(auth) -> dict:
    return {"chainId": hex(auth.chain_id), "address": "0x" + auth.address.hex(), "nonce": hex(auth.nonce),
            "yParity": hex(auth.y_parity), "r": hex(auth.r), "s": hex(auth.s)}


def set_code(nonce: int, authorizations, to: bytes = AUTHORITY, key: bytes = BOB.private_key,
             data: bytes = b"", gas: int = 200_000) -> str:
    tx = SetCodeTransaction(
        chain_id=CHAIN_ID, nonce=nonce, max_priority_fee_per_gas=10**9, max_fee_per_gas=10**10, gas=gas,
        to=to, value=0, data=data, access_list=(), authorization_list=tuple(authorizations),
        y_parity=0, r=0, s=0,
    )  # fmt: skip
    return "0x" + encode_transaction(sign_transaction(tx, key, CHAIN_ID)).hex()


def transfer(nonce: int, key: bytes, to: bytes = ALICE.address) -> str:
    tx = FeeMarketTransaction(chain_id=CHAIN_ID, nonce=nonce, max_priority_fee_per_gas=10**9,
                              max_fee_per_gas=10**10, gas=21000, to=to, value=1, data=b"",
                              access_list=(), y_parity=0, r=0, s=0)
    return "0x" + encode_transaction(sign_transaction(tx, key, CHAIN_ID)).hex()


async def deploy(rpc) -> bytes:
    tx_hash = await rpc("eth_sendTransaction", {"from": ALICE_HEX, "data": "0x" + INITCODE.hex()})
    receipt = await rpc("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1"
    return bytes.fromhex(receipt["contractAddress"][2:])


def with_node(tmp_path, scenario, **options):
    async def go():
        async with node(tmp_path, fork=PRAGUE, **options) as rpc:
            return await scenario(rpc)
    return run(go())


def test_a_delegation_sent_raw_then_a_call_through_the_authority(tmp_path):
    async def scenario(rpc):
        delegate = await deploy(rpc)
        auth = sign_authorization(AUTHORITY_KEY, CHAIN_ID, delegate, 0)
        tx_hash = await rpc("eth_sendRawTransaction", set_code(0, [auth], data=(7).to_bytes(32, "big")))
        receipt = await rpc("eth_getTransactionReceipt", tx_hash)
        assert receipt["status"] == "0x1" and receipt["type"] == "0x4"
        assert "authorizationList" not in receipt
        # 21000 + 25000, 32 bytes of calldata (one nonzero: 16 + 31 × 4), the delegate's
        # CALLDATASIZE, PUSH1, JUMPI, JUMPDEST, PUSH1, CALLDATALOAD, PUSH1 and SSTORE (cold, 0 -> 7)
        assert int(receipt["gasUsed"], 16) == 21000 + 25000 + 16 + 124 + 2 + 3 + 10 + 1 + 3 + 3 + 3 + 22100
        tx = await rpc("eth_getTransactionByHash", tx_hash)
        assert tx["type"] == "0x4" and tx["to"] == AUTHORITY_HEX and tx["from"] == BOB_HEX
        assert tx["authorizationList"] == [auth_json(auth)]
        assert tx["maxFeePerGas"] == hex(10**10) and tx["maxPriorityFeePerGas"] == hex(10**9)
        assert await rpc("eth_getCode", AUTHORITY_HEX) == "0x" + designator(delegate).hex()
        assert await rpc("eth_getTransactionCount", AUTHORITY_HEX) == "0x1"
        assert await rpc("eth_getStorageAt", AUTHORITY_HEX, "0x0") == "0x" + (7).to_bytes(32, "big").hex()
        # later calls to the authority run the delegate's code as the authority
        assert await rpc("eth_call", {"to": AUTHORITY_HEX}) == "0x" + AUTHORITY.rjust(32, b"\0").hex()
        block = await rpc("eth_getBlockByNumber", receipt["blockNumber"], True)
        assert block["transactions"][0]["authorizationList"] == [auth_json(auth)]
    with_node(tmp_path, scenario)


def test_call_and_estimate_with_an_authorization_list(tmp_path):
    async def scenario(rpc):
        delegate = await deploy(rpc)
        auth = sign_authorization(AUTHORITY_KEY, CHAIN_ID, delegate, 0)
        call = {"from": BOB_HEX, "to": AUTHORITY_HEX, "authorizationList": [auth_json(auth)]}
        assert await rpc("eth_call", call) == "0x" + AUTHORITY.rjust(32, b"\0").hex()
        assert await rpc("eth_call", {"from": BOB_HEX, "to": AUTHORITY_HEX}) == "0x"
        # 21000 + 25000 + ADDRESS, PUSH, JUMPI (not taken) and the return: 2 + 3 + 10 + 2 + 3 + 6 + 3 + 3
        assert await rpc("eth_estimateGas", call) == hex(21000 + 25000 + 32)
        assert await rpc("eth_getCode", AUTHORITY_HEX) == "0x"  # nothing stays
    with_node(tmp_path, scenario)


def test_call_refusals_in_geth_s_words(tmp_path):
    async def scenario(rpc):
        empty = await rpc.failure("eth_call", {"from": BOB_HEX, "to": AUTHORITY_HEX, "authorizationList": []})
        assert empty.message == f"EIP-7702 transaction with empty auth list (sender {BOB_HEX})"
        auth = auth_json(sign_authorization(AUTHORITY_KEY, CHAIN_ID, ALICE.address, 0))
        creation = await rpc.failure("eth_call", {"from": BOB_HEX, "data": "0x00", "authorizationList": [auth]})
        assert creation.message == f"EIP-7702 transaction cannot be used to create contract (sender {BOB_HEX})"
        priced = await rpc.failure("eth_call", {"to": AUTHORITY_HEX, "gasPrice": "0x1", "authorizationList": [auth]})
        assert priced.message == "both gasPrice and authorizationList specified"
        missing = dict(auth)
        del missing["yParity"]
        bad = await rpc.failure("eth_call", {"to": AUTHORITY_HEX, "authorizationList": [missing]})
        assert bad.code == -32602 and "missing required field 'yParity' for SetCodeAuthorization" in bad.message
        too_wide = dict(auth, nonce=hex(1 << 64))
        wide = await rpc.failure("eth_call", {"to": AUTHORITY_HEX, "authorizationList": [too_wide]})
        assert wide.code == -32602 and "authorizationList: [0]: nonce" in wide.message
    with_node(tmp_path, scenario)


def test_send_transaction_with_an_authorization_list(tmp_path):
    async def scenario(rpc):
        delegate = await deploy(rpc)
        auth = sign_authorization(AUTHORITY_KEY, CHAIN_ID, delegate, 0)
        tx_hash = await rpc("eth_sendTransaction", {"from": BOB_HEX, "to": AUTHORITY_HEX,
                                                    "authorizationList": [auth_json(auth)]})
        tx = await rpc("eth_getTransactionByHash", tx_hash)
        assert tx["type"] == "0x4" and tx["authorizationList"] == [auth_json(auth)]
        assert await rpc("eth_getCode", AUTHORITY_HEX) == "0x" + designator(delegate).hex()
    with_node(tmp_path, scenario)


def test_admission_of_set_code_transactions(tmp_path):
    async def scenario(rpc):
        empty = await rpc.failure("eth_sendRawTransaction", set_code(0, []))
        assert empty.message == "set code tx must have at least one authorization tuple"
    with_node(tmp_path, scenario)

    async def on_cancun(rpc):
        auth = sign_authorization(AUTHORITY_KEY, CHAIN_ID, ALICE.address, 0)
        refused = await rpc.failure("eth_sendRawTransaction", set_code(0, [auth]))
        assert refused.message == "transaction type not supported: type 4"
        call = await rpc.failure("eth_call", {"to": AUTHORITY_HEX, "authorizationList": [auth_json(auth)]})
        assert "authorizationList needs Prague" in call.message

    async def go():
        async with node(tmp_path / "cancun") as rpc:
            await on_cancun(rpc)
    run(go())


def test_a_delegated_sender_may_have_one_transaction_in_flight(tmp_path):
    """The authority, once delegated, funds itself and sends; the pool keeps one at a time."""
    async def scenario(rpc):
        delegate = await deploy(rpc)
        auth = sign_authorization(AUTHORITY_KEY, CHAIN_ID, delegate, 0)
        await rpc("eth_sendRawTransaction", set_code(0, [auth]))
        await rpc("eth_sendTransaction", {"from": ALICE_HEX, "to": AUTHORITY_HEX, "value": hex(10**18),
                                          "data": "0x"})  # fmt: skip
        assert await rpc("eth_getTransactionCount", AUTHORITY_HEX) == "0x1"
        # no blocks from here on: the transactions stay in the pool
        rpc.ctx.sequencer.instant = False
        gapped = await rpc.failure("eth_sendRawTransaction", transfer(2, AUTHORITY_KEY))
        assert gapped.message == "gapped-nonce tx from delegated accounts"
        first = transfer(1, AUTHORITY_KEY)
        await rpc("eth_sendRawTransaction", first)
        second = await rpc.failure("eth_sendRawTransaction", transfer(2, AUTHORITY_KEY))
        assert second.message == "in-flight transaction limit reached for delegated accounts"
        replacement = await rpc.failure("eth_sendRawTransaction", transfer(1, AUTHORITY_KEY, BOB.address))
        assert replacement.message.startswith("replacement transaction underpriced")
    with_node(tmp_path, scenario)


def test_a_pending_authority_may_have_one_transaction_in_flight(tmp_path):
    """CAROL is named by a pooled authorization: she may send one transaction,
    and an authorization of hers cannot join a pool holding two of hers."""
    async def scenario(rpc):
        rpc.ctx.sequencer.instant = False
        carol_auth = sign_authorization(CAROL.private_key, CHAIN_ID, ALICE.address, 0)
        await rpc("eth_sendRawTransaction", set_code(0, [carol_auth], to=ALICE.address))
        await rpc("eth_sendRawTransaction", transfer(0, CAROL.private_key))
        limited = await rpc.failure("eth_sendRawTransaction", transfer(1, CAROL.private_key))
        assert limited.message == "in-flight transaction limit reached for delegated accounts"

    with_node(tmp_path / "one", scenario)

    async def reserved(rpc):
        rpc.ctx.sequencer.instant = False
        await rpc("eth_sendRawTransaction", transfer(0, CAROL.private_key))
        await rpc("eth_sendRawTransaction", transfer(1, CAROL.private_key))
        carol_auth = sign_authorization(CAROL.private_key, CHAIN_ID, ALICE.address, 2)
        refused = await rpc.failure("eth_sendRawTransaction", set_code(0, [carol_auth], to=ALICE.address))
        assert refused.message == "authority already reserved"

    with_node(tmp_path / "two", reserved)


