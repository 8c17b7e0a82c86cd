"""web3.py against a running ``ovm node``: the ERC-20 round trip."""

from __future__ import annotations

import asyncio

import pytest
from web3 import AsyncWeb3, Web3
from web3.exceptions import ContractLogicError
from web3.providers.persistent import WebSocketProvider

from ovm.chain.dev_accounts import dev_accounts

OWNER, ALICE = dev_accounts()[0], dev_accounts()[1]
SUPPLY = 10**24


def checksum(address: bytes) -> str:
    return Web3.to_checksum_address(address)


def deploy(w3: Web3, token: dict):
    factory = w3.eth.contract(abi=token["abi"], bytecode=token["bytecode"])
    tx_hash = factory.constructor(SUPPLY).transact({"from": checksum(OWNER.address)})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
    assert receipt.status == 1
    return w3.eth.contract(address=receipt.contractAddress, abi=token["abi"])


def test_deploy_transfer_read_and_decode(node, token):
    w3 = Web3(Web3.HTTPProvider(node.url))
    assert w3.eth.chain_id == 901
    contract = deploy(w3, token)

    # a transfer signed locally and sent raw
    call = contract.functions.transfer(checksum(ALICE.address), 5000)
    estimate = call.estimate_gas({"from": checksum(OWNER.address)})
    tx = call.build_transaction({
        "from": checksum(OWNER.address),
        "nonce": w3.eth.get_transaction_count(checksum(OWNER.address)),
        "gas": estimate,
    })
    signed = w3.eth.account.sign_transaction(tx, OWNER.private_key)
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction), timeout=30)
    assert receipt.status == 1
    assert receipt.gasUsed <= estimate

    assert contract.functions.balanceOf(checksum(ALICE.address)).call() == 5000
    assert contract.functions.balanceOf(checksum(OWNER.address)).call() == SUPPLY - 5000

    events = contract.events.Transfer().get_logs(from_block=receipt.blockNumber, to_block=receipt.blockNumber)
    assert [(e.args["from"], e.args["to"], e.args["value"]) for e in events] == [
        (checksum(OWNER.address), checksum(ALICE.address), 5000)
    ]
    assert contract.events.Transfer().process_receipt(receipt)[0].args["value"] == 5000


def test_revert_reason_is_decoded(node, token):
    w3 = Web3(Web3.HTTPProvider(node.url))
    contract = deploy(w3, token)
    with pytest.raises(ContractLogicError, match="TestToken: always reverts"):
        contract.functions.alwaysReverts().call()
    with pytest.raises(ContractLogicError, match="balance too low"):
        contract.functions.transfer(checksum(OWNER.address), 1).estimate_gas({"from": checksum(ALICE.address)})


def test_logs_subscription_over_websocket(node, token):
    w3 = Web3(Web3.HTTPProvider(node.url))
    contract = deploy(w3, token)

    async def subscribe_then_transfer():
        async with AsyncWeb3(WebSocketProvider(node.ws_url)) as aw3:
            await aw3.eth.subscribe("logs", {"address": contract.address})
            await asyncio.to_thread(
                lambda: w3.eth.wait_for_transaction_receipt(
                    contract.functions.transfer(checksum(ALICE.address), 7).transact(
                        {"from": checksum(OWNER.address)}
                    ),
                    timeout=30,
                )
            )
            async for message in aw3.socket.process_subscriptions():
                return message["result"]

    log = asyncio.run(asyncio.wait_for(subscribe_then_transfer(), timeout=30))
    event = contract.events.Transfer().process_log(log)
    assert (event.args["to"], event.args["value"]) == (checksum(ALICE.address), 7)
