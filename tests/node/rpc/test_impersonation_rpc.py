"""
Impersonation
=============

``anvil_impersonateAccount`` and its ``hardhat_`` alias on a dev chain (a
fork with ``impersonation``, as plain ``ovm node`` runs): ``eth_sendTransaction``
sends from an address without its key until the impersonation stops. The
impersonation marker is no key: a raw transaction carrying it for an address
not impersonated is refused, and a chain without impersonation (a rollup's)
refuses the method and every such transaction.
"""

from __future__ import annotations

import dataclasses

import pytest
from rpc_support import node, run
from support import fee_market_tx, raw_tx_hex

from ovm.chain import CANCUN_ONLY, ChainConfig, dev_accounts, dev_genesis
from ovm.evm.signing import impersonation_signed, recover_sender
from ovm.evm.transactions import InvalidSender, decode_transaction
from ovm.evm.validation import validate_transaction

ALICE, BOB = dev_accounts()[0], dev_accounts()[1]
BOB_HEX = "0x" + BOB.address.hex()
WHALE = "0x" + "3e" * 20  # an address nobody holds a key for
DEV_FORKS = CANCUN_ONLY.map_forks(lambda fork: dataclasses.replace(fork, impersonation=True))
CHAIN_ID = 901


def with_node(tmp_path, scenario, forks=DEV_FORKS):
    async def go():
        async with node(tmp_path, genesis=dev_genesis(ChainConfig(forks=forks))) as rpc:
            return await scenario(rpc)
    return run(go())


def marked(sender: bytes, nonce: int = 0) -> str:
    """A raw transfer to Alice with the impersonation marker for ``sender``."""
    tx = fee_market_tx(ALICE.private_key, chain_id=CHAIN_ID, to=ALICE.address, nonce=nonce, value=10**18)
    return raw_tx_hex(impersonation_signed(tx, sender, CHAIN_ID))


@pytest.mark.parametrize("namespace, answers", [("anvil", (None, None)), ("hardhat", (True, True))])
def test_an_impersonated_account_sends_without_its_key(tmp_path, namespace, answers):
    async def scenario(rpc):
        await rpc("anvil_setBalance", WHALE, hex(10**20))
        assert await rpc(f"{namespace}_impersonateAccount", WHALE) == answers[0]
        tx_hash = await rpc("eth_sendTransaction", {"from": WHALE, "to": BOB_HEX, "value": hex(10**18)})
        receipt = await rpc("eth_getTransactionReceipt", tx_hash)
        assert receipt["status"] == "0x1" and receipt["from"] == WHALE
        assert (await rpc("eth_getTransactionByHash", tx_hash))["from"] == WHALE
        assert int(await rpc("eth_getTransactionCount", WHALE), 16) == 1
        assert await rpc(f"{namespace}_stopImpersonatingAccount", WHALE) == answers[1]
        after = await rpc.failure("eth_sendTransaction", {"from": WHALE, "to": BOB_HEX, "value": "0x1"})
        assert after.code == -32000 and "unknown account" in after.message
        # what was sent stays valid: a trace re-executes it as the impersonated sender's
        trace = await rpc("debug_traceTransaction", tx_hash, {"tracer": "callTracer"})
        assert trace["from"] == WHALE
    with_node(tmp_path, scenario)


def test_the_marker_is_no_key(tmp_path):
    async def scenario(rpc):
        # Bob is rich and not impersonated: a raw transaction marked as his is refused
        stolen = await rpc.failure("eth_sendRawTransaction", marked(BOB.address))
        assert stolen.code == -32000 and "invalid sender" in stolen.message
        await rpc("anvil_impersonateAccount", BOB_HEX)
        assert await rpc("eth_sendRawTransaction", marked(BOB.address))  # the node's own rule while it lasts
        await rpc("anvil_stopImpersonatingAccount", BOB_HEX)
        again = await rpc.failure("eth_sendRawTransaction", marked(BOB.address, nonce=1))
        assert again.code == -32000 and "invalid sender" in again.message
        # an impersonated dev account still signs with its key: its transactions are valid anywhere
        await rpc("anvil_impersonateAccount", BOB_HEX)
        tx_hash = await rpc("eth_sendTransaction", {"from": BOB_HEX, "to": BOB_HEX})
        raw = bytes.fromhex((await rpc("eth_getRawTransactionByHash", tx_hash))[2:])
        assert recover_sender(decode_transaction(raw)) == BOB.address
        await rpc("anvil_stopImpersonatingAccount", BOB_HEX)
        signing = await rpc.failure("eth_signTransaction", {"from": WHALE, "to": BOB_HEX})
        assert signing.code == -32000  # no key, no signature
        bad = await rpc.failure("anvil_impersonateAccount", "0x1234")
        assert bad.code == -32602
    with_node(tmp_path, scenario)


def test_a_chain_without_impersonation_refuses_it(tmp_path):
    async def scenario(rpc):
        refused = await rpc.failure("anvil_impersonateAccount", BOB_HEX)
        assert refused.code == -32000 and "only on a dev chain" in refused.message
        stolen = await rpc.failure("eth_sendRawTransaction", marked(BOB.address))
        assert stolen.code == -32000 and "invalid sender" in stolen.message
    with_node(tmp_path, scenario, forks=CANCUN_ONLY)


def test_only_a_fork_with_impersonation_executes_a_marked_transaction():
    tx = fee_market_tx(ALICE.private_key, chain_id=CHAIN_ID, to=ALICE.address)
    marked_tx = impersonation_signed(tx, BOB.address, CHAIN_ID)
    assert validate_transaction(marked_tx, CHAIN_ID, impersonation=True) == BOB.address
    try:  # elsewhere the marker is recovered as any signature would be, as Ethereum would: never Bob
        elsewhere = validate_transaction(marked_tx, CHAIN_ID)
    except InvalidSender:
        elsewhere = None
    assert elsewhere != BOB.address
    assert recover_sender(tx) == ALICE.address  # a real signature is untouched
    zero = impersonation_signed(tx, bytes(20), CHAIN_ID)
    assert validate_transaction(zero, CHAIN_ID, impersonation=True) == bytes(20)
    top = impersonation_signed(tx, b"\xff" * 20, CHAIN_ID)
    assert validate_transaction(top, CHAIN_ID, impersonation=True) == b"\xff" * 20
