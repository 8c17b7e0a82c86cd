"""
Forks over JSON-RPC
===================

A node on a Prague dev genesis: its blocks show ``requestsHash``, a
withdrawal request sent as a transaction lands in the block's requests,
``eth_blobBaseFee`` and ``eth_feeHistory`` answer the blob fields
(``baseFeePerBlobGas``, ``blobGasUsedRatio``),
and ``eth_config`` (EIP-7910) names the fork's blob schedule, precompiles
and system contracts. A node scheduled from Cancun to Prague reports both in
``eth_config`` (the fork id of EIP-6122 moving with the activation), and
calls run under the fork of the block they run on (the BLS12-381
precompiles are there in Prague, not in Cancun).
"""

from __future__ import annotations

import zlib

from rpc_support import node, run
from support import asm

from ovm.chain import ETHEREUM, ChainConfig, dev_accounts, dev_genesis
from ovm.chain.requests import requests_hash
from ovm.chain.system_contracts import WITHDRAWAL_REQUESTS
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, encode_transaction

ALICE = dev_accounts()[0]
PRAGUE = dev_genesis(ChainConfig(forks=ETHEREUM.only("prague")))
FAR = 4_000_000_000  # Prague's time on the scheduled node: after any block these tests make
SCHEDULED = dev_genesis(ChainConfig(forks=ETHEREUM.schedule({"cancun": 0, "prague": FAR})))


# Initcode that STATICCALLs 0x0b with no input and returns whether the call succeeded.
G1ADD_OF_NOTHING = "0x" + asm(
    "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0x0b", "GAS", "STATICCALL",
    "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN",
).hex()  # fmt: skip


def signed(nonce: int, to: bytes, value: int = 0, data: bytes = b"", gas: int = 200_000) -> str:
    tx = FeeMarketTransaction(901, nonce, 10**9, 100 * 10**9, gas, to, value, data, (), 0, 0, 0)
    return "0x" + encode_transaction(sign_transaction(tx, ALICE.private_key, 901)).hex()


def with_node(tmp_path, scenario, genesis):
    async def main():
        async with node(tmp_path, genesis=genesis) as rpc:
            await scenario(rpc)

    run(main())


def test_a_prague_node_commits_to_requests_and_prices_blobs_by_prague(tmp_path):
    async def scenario(rpc):
        request = b"\x42" * 48 + (10**9).to_bytes(8, "big")
        tx_hash = await rpc("eth_sendRawTransaction", signed(0, WITHDRAWAL_REQUESTS.address, 1, request))
        receipt = await rpc("eth_getTransactionReceipt", tx_hash)
        assert receipt["status"] == "0x1"
        block = await rpc("eth_getBlockByNumber", receipt["blockNumber"], False)
        expected = requests_hash([b"\x01" + ALICE.address + b"\x42" * 48 + (10**9).to_bytes(8, "little")])
        assert block["requestsHash"] == "0x" + expected.hex()
        assert await rpc("eth_blobBaseFee") == "0x1"
        history = await rpc("eth_feeHistory", "0x2", "latest", [])
        assert history["baseFeePerBlobGas"] == ["0x1", "0x1", "0x1"]
        assert history["blobGasUsedRatio"] == [0.0, 0.0]

    with_node(tmp_path, scenario, PRAGUE)


def test_eth_config_of_a_prague_node(tmp_path):
    async def scenario(rpc):
        config = await rpc("eth_config")
        assert config["next"] is None and config["last"] is None
        current = config["current"]
        assert current["activationTime"] == 0
        assert current["blobSchedule"] == {"baseFeeUpdateFraction": 5007716, "max": 9, "target": 6}
        assert current["chainId"] == "0x385"
        genesis = await rpc("eth_getBlockByNumber", "0x0", False)
        assert current["forkId"] == "0x%08x" % zlib.crc32(bytes.fromhex(genesis["hash"][2:]))
        assert list(current["precompiles"]) == sorted(current["precompiles"])
        assert current["precompiles"]["BLS12_MAP_FP2_TO_G2"] == "0x" + "00" * 19 + "11"
        assert len(current["precompiles"]) == 17
        assert current["systemContracts"] == {
            "BEACON_ROOTS_ADDRESS": "0x000f3df6d732807ef1319fb7b8bb8522d0beac02",
            "CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS": "0x0000bbddc7ce488642fb579f8b00f3a590007251",
            "DEPOSIT_CONTRACT_ADDRESS": "0x00000000219ab540356cbb839cbe05303d7705fa",
            "HISTORY_STORAGE_ADDRESS": "0x0000f90827f1c53a10cb7a02335b175320002935",
            "WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS": "0x00000961ef480eb55e80d19ad83579a64c007002",
        }

    with_node(tmp_path, scenario, PRAGUE)


def test_eth_config_and_calls_of_a_node_scheduled_for_prague(tmp_path):
    async def scenario(rpc):
        config = await rpc("eth_config")
        current, upcoming = config["current"], config["next"]
        assert current["blobSchedule"]["target"] == 3 and len(current["precompiles"]) == 10
        assert current["systemContracts"] == {"BEACON_ROOTS_ADDRESS": "0x000f3df6d732807ef1319fb7b8bb8522d0beac02"}
        assert upcoming == config["last"] and upcoming["activationTime"] == FAR
        crc = int(current["forkId"], 16)
        assert upcoming["forkId"] == "0x%08x" % zlib.crc32(FAR.to_bytes(8, "big"), crc)
        block = await rpc("eth_getBlockByNumber", "latest", False)
        assert "requestsHash" not in block
        # A call runs under Cancun: 0x0b is an empty account, not yet BLS12 G1ADD.
        assert int(await rpc("eth_call", {"data": G1ADD_OF_NOTHING}), 16) == 1

    with_node(tmp_path, scenario, SCHEDULED)


def test_a_call_on_a_prague_node_meets_the_bls_precompile(tmp_path):
    async def scenario(rpc):
        assert int(await rpc("eth_call", {"data": G1ADD_OF_NOTHING}), 16) == 0  # G1ADD refuses empty input

    with_node(tmp_path, scenario, PRAGUE)
