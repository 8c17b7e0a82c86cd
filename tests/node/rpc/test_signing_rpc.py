"""
Signing with the unlocked accounts
==================================

``eth_sign``, ``personal_sign``, ``eth_signTypedData_v4`` and
``eth_signTransaction`` on a real node over HTTP, each signature checked by
recovering its signer with eth-account (an independent implementation), and
each bad input answered with its specific error.
"""

from __future__ import annotations

import json

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from rpc_support import node, run

from ovm.chain import dev_accounts
from ovm.evm.signing import recover_sender
from ovm.evm.transactions import FeeMarketTransaction, decode_transaction

ALICE, BOB = dev_accounts()[0], dev_accounts()[1]
ALICE_HEX, BOB_HEX = "0x" + ALICE.address.hex(), "0x" + BOB.address.hex()
STRANGER = "0x" + "42" * 20

PERMIT = {
    "types": {
        "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                         {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
        "Permit": [{"name": "owner", "type": "address"}, {"name": "spender", "type": "address"},
                   {"name": "value", "type": "uint256"}, {"name": "nonce", "type": "uint256"},
                   {"name": "deadline", "type": "uint256"}],
    },
    "primaryType": "Permit",
    "domain": {"name": "Token", "version": "1", "chainId": 901, "verifyingContract": "0x" + "cc" * 20},
    "message": {"owner": ALICE_HEX, "spender": BOB_HEX, "value": 10**18, "nonce": 0, "deadline": 2**40},
}


def with_node(tmp_path, scenario):
    async def go():
        async with node(tmp_path) as rpc:
            return await scenario(rpc)
    return run(go())


def test_messages_and_typed_data_recover_to_the_signer(tmp_path):
    async def scenario(rpc):
        hex_message = "0x" + b"hello ovm".hex()
        signed = await rpc("personal_sign", hex_message, ALICE_HEX)
        assert Account.recover_message(encode_defunct(b"hello ovm"), signature=signed) == Account.from_key(
            ALICE.private_key).address
        assert await rpc("eth_sign", ALICE_HEX, hex_message) == signed  # the same EIP-191 message
        assert await rpc("personal_sign", "hello ovm", ALICE_HEX, "any password") == signed  # text, as MetaMask
        assert int(signed[-2:], 16) in (27, 28) and len(signed) == 2 + 130
        typed = await rpc("eth_signTypedData_v4", BOB_HEX, PERMIT)
        signer = Account.recover_message(encode_typed_data(full_message=PERMIT), signature=typed)
        assert signer.lower() == BOB_HEX
        assert await rpc("eth_signTypedData_v4", BOB_HEX, json.dumps(PERMIT)) == typed  # its JSON text, as ethers
    with_node(tmp_path, scenario)


def test_sign_transaction_signs_what_send_would_send_and_sends_nothing(tmp_path):
    async def scenario(rpc):
        raw = await rpc("eth_signTransaction", {"from": ALICE_HEX, "to": BOB_HEX, "value": "0x7"})
        tx = decode_transaction(bytes.fromhex(raw[2:]))
        assert isinstance(tx, FeeMarketTransaction) and recover_sender(tx) == ALICE.address
        assert (tx.nonce, tx.value, tx.to, tx.chain_id, tx.gas) == (0, 7, BOB.address, 901, 21_000)
        assert await rpc("eth_blockNumber") == "0x0"  # signed, not sent
        tx_hash = await rpc("eth_sendRawTransaction", raw)
        assert (await rpc("eth_getTransactionReceipt", tx_hash))["status"] == "0x1"
    with_node(tmp_path, scenario)


BAD = [
    ("personal_sign", ["0x1234", STRANGER], -32000, "unknown account"),
    ("eth_sign", [STRANGER, "0x1234"], -32000, "unknown account"),
    ("eth_signTypedData_v4", [STRANGER, PERMIT], -32000, "unknown account"),
    ("eth_signTransaction", [{"from": STRANGER, "to": BOB_HEX}], -32000, "unknown account"),
    ("eth_signTransaction", [{"to": BOB_HEX}], -32602, '"from" is required'),
    ("personal_sign", ["0x12345", ALICE_HEX], -32602, "invalid argument 0"),
    ("personal_sign", [5, ALICE_HEX], -32602, "expected a hex string or text"),
    ("eth_sign", [ALICE_HEX], -32602, "missing value for required argument 1"),
    ("eth_signTypedData_v4", [ALICE_HEX, "{not json"], -32602, "not JSON"),
    ("eth_signTypedData_v4", [ALICE_HEX, []], -32602, "expected an object"),
    ("eth_signTypedData_v4", [ALICE_HEX, {"types": {}}], -32602, "missing primaryType, domain, message"),
    ("eth_signTypedData_v4", [ALICE_HEX, {**PERMIT, "primaryType": "Nope"}], -32602, "invalid argument 1"),
    ("eth_signTypedData_v4", [ALICE_HEX, {**PERMIT, "message": {**PERMIT["message"], "value": "lots"}}],
     -32602, "invalid argument 1"),
]


@pytest.mark.parametrize("method, params, code, message", BAD, ids=[f"{m}-{i}" for i, (m, *_) in enumerate(BAD)])
def test_bad_requests_get_specific_errors(tmp_path, method, params, code, message):
    async def scenario(rpc):
        failure = await rpc.failure(method, *params)
        assert failure.code == code and message in failure.message, failure.message
    with_node(tmp_path, scenario)
