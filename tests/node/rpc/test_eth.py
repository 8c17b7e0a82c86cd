"""
The eth, net, web3, txpool and debug namespaces on a real chain
===============================================================

A node on a fresh store in a temporary directory (instant mode), reached over
HTTP: blocks, balances, a contract deployed with ``eth_sendTransaction``,
calls and reverts, estimates, raw transactions and admission errors, logs and
their bounds, filters, proofs checked against the state root, traces, and the
transaction pool.
"""

from __future__ import annotations

import dataclasses

from rpc_support import RpcFailure, node, run
from support import asm, fee_market_tx, raw_tx_hex

from ovm.chain import dev_accounts
from ovm.node.rpc import RpcLimits
from ovm.node.rpc.server import room_for_deep_answers
from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.trie.proof import verify_proof

ALICE, BOB = dev_accounts()[0], dev_accounts()[1]
ALICE_HEX, BOB_HEX = "0x" + ALICE.address.hex(), "0x" + BOB.address.hex()
TOPIC = "0x" + (0x99).to_bytes(32, "big").hex()
CHAIN_ID = 901


def error_string(reason: str) -> bytes:
    text = reason.encode()
    return (bytes.fromhex("08c379a0") + (32).to_bytes(32, "big") + len(text).to_bytes(32, "big")
            + text + bytes(-len(text) % 32))


REVERT_DATA = error_string("nope")


def runtime() -> bytes:
    """Empty calldata: store 42 in slot 0 and log topic 0x99; one byte: revert
    with Error("nope"); anything else: return slot 0."""
    head = asm("CALLDATASIZE", "ISZERO", "PUSH1 23", "JUMPI",
               "CALLDATASIZE", "PUSH1 1", "EQ", "PUSH1 37", "JUMPI",
               "PUSH1 0", "SLOAD", "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN")
    store = asm("JUMPDEST", "PUSH1 42", "PUSH1 0", "SSTORE",
                "PUSH1 0x99", "PUSH1 0", "PUSH1 0", "LOG1", "STOP")
    revert = asm("JUMPDEST", f"PUSH1 {len(REVERT_DATA)}", "PUSH1 50", "PUSH1 0", "CODECOPY",
                 f"PUSH1 {len(REVERT_DATA)}", "PUSH1 0", "REVERT")
    assert (len(head), len(head + store), len(head + store + revert)) == (23, 37, 50)
    return head + store + revert + REVERT_DATA


RUNTIME = runtime()
INITCODE = asm(f"PUSH1 {len(RUNTIME)}", "PUSH1 12", "PUSH1 0", "CODECOPY",
               f"PUSH1 {len(RUNTIME)}", "PUSH1 0", "RETURN") + RUNTIME


def signed(nonce: int, to: bytes | None, value: int = 0, data: bytes = b"", gas: int = 100_000,
           key: bytes = BOB.private_key, fee_cap: int = 10**10) -> str:
    return raw_tx_hex(fee_market_tx(key, chain_id=CHAIN_ID, to=to, nonce=nonce, value=value, data=data, gas=gas,
                                    max_priority_fee_per_gas=min(10**9, fee_cap), max_fee_per_gas=fee_cap))


async def deploy(rpc) -> str:
    tx_hash = await rpc("eth_sendTransaction", {"from": ALICE_HEX, "data": "0x" + INITCODE.hex()})
    receipt = await rpc("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1"
    return receipt["contractAddress"]


def with_node(tmp_path, scenario, **options):
    async def go():
        async with node(tmp_path, **options) as rpc:
            return await scenario(rpc)
    return run(go())


# --- chain and blocks ----------------------------------------------------------------


def test_identity_and_genesis(tmp_path):
    async def scenario(rpc):
        assert await rpc("eth_chainId") == "0x385"
        assert await rpc("net_version") == "901"
        assert await rpc("net_listening") is True
        assert (await rpc("web3_clientVersion")).startswith("ovm/")
        assert await rpc("web3_sha3", "0x") == "0x" + keccak256(b"").hex()
        assert await rpc("eth_blockNumber") == "0x0"
        assert await rpc("eth_syncing") is False
        assert await rpc("eth_accounts") == ["0x" + a.address.hex() for a in dev_accounts()]
        assert await rpc("eth_getBalance", ALICE_HEX, "latest") == hex(10_000 * 10**18)
        assert await rpc("eth_getBalance", ALICE_HEX.upper().replace("0X", "0x")) == hex(10_000 * 10**18)
        block = await rpc("eth_getBlockByNumber", "earliest", False)
        assert block["number"] == "0x0" and block["baseFeePerGas"] == hex(10**9)
        assert block["totalDifficulty"] == "0x0" and block["uncles"] == [] and block["withdrawals"] == []
        for name in ("size", "mixHash", "withdrawalsRoot", "blobGasUsed", "excessBlobGas",
                     "parentBeaconBlockRoot", "logsBloom", "stateRoot"):
            assert name in block
        assert await rpc("eth_getBlockByHash", block["hash"], False) == block
        assert await rpc("eth_getBlockByNumber", "0x5", False) is None
        assert await rpc("eth_getUncleCountByBlockNumber", "latest") == "0x0"
        assert await rpc("eth_getUncleByBlockNumberAndIndex", "latest", "0x0") is None
    with_node(tmp_path, scenario)


def test_send_transaction_deploy_and_read_back(tmp_path):
    async def scenario(rpc):
        address = await deploy(rpc)
        assert await rpc("eth_getCode", address) == "0x" + RUNTIME.hex()
        assert await rpc("eth_getCode", address, "0x0") == "0x"
        assert await rpc("eth_getTransactionCount", ALICE_HEX, "pending") == "0x1"
        block = await rpc("eth_getBlockByNumber", "latest", True)
        (tx,) = block["transactions"]
        assert tx["from"] == ALICE_HEX and tx["to"] is None and tx["blockNumber"] == "0x1"
        assert tx["type"] == "0x2" and tx["input"] == "0x" + INITCODE.hex()
        assert await rpc("eth_getTransactionByHash", tx["hash"]) == tx
        assert await rpc("eth_getTransactionByBlockNumberAndIndex", "0x1", "0x0") == tx
        assert await rpc("eth_getTransactionByBlockHashAndIndex", block["hash"], "0x1") is None
        assert await rpc("eth_getBlockTransactionCountByHash", block["hash"]) == "0x1"
        receipts = await rpc("eth_getBlockReceipts", "latest")
        assert [r["transactionHash"] for r in receipts] == [tx["hash"]]
        assert receipts[0]["effectiveGasPrice"] == tx["gasPrice"]
    with_node(tmp_path, scenario)


def test_call_estimate_logs_and_storage(tmp_path):
    async def scenario(rpc):
        address = await deploy(rpc)
        read = {"to": address, "data": "0x0000"}
        assert await rpc("eth_call", read) == "0x" + "00" * 32
        estimate = int(await rpc("eth_estimateGas", {"from": BOB_HEX, "to": address}), 16)
        assert 21000 + 22100 < estimate < 100_000
        tx_hash = await rpc("eth_sendRawTransaction", signed(0, bytes.fromhex(address[2:])))
        receipt = await rpc("eth_getTransactionReceipt", tx_hash)
        (log,) = receipt["logs"]
        assert log["topics"] == [TOPIC] and log["address"] == address and log["logIndex"] == "0x0"
        assert await rpc("eth_call", read, "latest") == "0x" + (42).to_bytes(32, "big").hex()
        assert await rpc("eth_call", read, "0x1") == "0x" + "00" * 32
        assert await rpc("eth_getStorageAt", address, "0x0") == "0x" + (42).to_bytes(32, "big").hex()
        overridden = {address: {"stateDiff": {"0x" + "00" * 32: "0x" + (7).to_bytes(32, "big").hex()}}}
        assert await rpc("eth_call", read, "latest", overridden) == "0x" + (7).to_bytes(32, "big").hex()
        logs = await rpc("eth_getLogs", {"fromBlock": "0x0", "address": address, "topics": [TOPIC]})
        assert logs == [log]
        assert await rpc("eth_getLogs", {"fromBlock": "0x0", "topics": [["0x" + "11" * 32]]}) == []
        assert await rpc("eth_getLogs", {"blockHash": receipt["blockHash"]}) == [log]
    with_node(tmp_path, scenario)


def test_revert_is_code_3_with_reason_and_data(tmp_path):
    async def scenario(rpc):
        address = await deploy(rpc)
        failure = await rpc.failure("eth_call", {"to": address, "data": "0x01"})
        assert (failure.code, failure.message) == (3, "execution reverted: nope")
        assert failure.data == "0x" + REVERT_DATA.hex()
        estimate = await rpc.failure("eth_estimateGas", {"from": ALICE_HEX, "to": address, "data": "0x01"})
        assert estimate.code == 3 and estimate.message == "execution reverted: nope"
    with_node(tmp_path, scenario)


def test_raw_transaction_admission_errors_pass_through(tmp_path):
    async def scenario(rpc):
        await rpc("eth_sendRawTransaction", signed(0, ALICE.address, value=1))
        again = await rpc.failure("eth_sendRawTransaction", signed(0, ALICE.address, value=1))
        assert again.code == -32000
        assert again.message.startswith(("nonce too low", "already known"))
        poor = await rpc.failure("eth_sendRawTransaction", signed(1, ALICE.address, value=10**30))
        assert poor.code == -32000 and poor.message.startswith("insufficient funds for gas * price + value")
        cheap = await rpc.failure("eth_sendRawTransaction", signed(1, ALICE.address, fee_cap=1))
        assert cheap.message.startswith("max fee per gas less than block base fee")
        garbage = await rpc.failure("eth_sendRawTransaction", "0x02c0")
        assert garbage.code == -32000
        bad = await rpc.failure("eth_sendRawTransaction", "0x0")
        assert bad.code == -32602 and "odd length" in bad.message
        assert await rpc("eth_blockNumber") == "0x1"
    with_node(tmp_path, scenario)


def test_send_transaction_from_a_locked_account_is_refused(tmp_path):
    async def scenario(rpc):
        failure = await rpc.failure("eth_sendTransaction", {"from": "0x" + "12" * 20, "to": BOB_HEX})
        assert failure.code == -32000 and "unknown account" in failure.message
        missing = await rpc.failure("eth_sendTransaction", {"to": BOB_HEX})
        assert missing.code == -32602
        blobs = await rpc.failure("eth_sendTransaction", {"from": ALICE_HEX, "to": BOB_HEX,
                                                          "blobVersionedHashes": ["0x01" + "00" * 31]})
        assert blobs.code == -32000 and "eth_sendTransaction cannot send blobs" in blobs.message
        other_chain = await rpc.failure("eth_sendTransaction", {"from": ALICE_HEX, "to": BOB_HEX, "chainId": "0x1"})
        assert (other_chain.code, other_chain.message) == (-32000, "chainId does not match node's (have=1, want=901)")
        assert await rpc("eth_getTransactionCount", ALICE_HEX, "pending") == "0x0"
    with_node(tmp_path, scenario)


def test_fees(tmp_path):
    async def scenario(rpc):
        assert int(await rpc("eth_gasPrice"), 16) > int(await rpc("eth_maxPriorityFeePerGas"), 16)
        await rpc("eth_sendRawTransaction", signed(0, ALICE.address, value=1))
        history = await rpc("eth_feeHistory", "0x4", "latest", [25, 75])
        assert history["oldestBlock"] == "0x0"
        assert len(history["baseFeePerGas"]) == 3 and len(history["gasUsedRatio"]) == 2
        assert history["reward"][0] == ["0x0", "0x0"]
        assert history["reward"][1] == [hex(10**9)] * 2
        assert (await rpc.failure("eth_feeHistory", "0x1", "latest", [50, 10])).code == -32602
        assert await rpc("eth_blobBaseFee") == "0x1"
    with_node(tmp_path, scenario)


def test_get_logs_bounds(tmp_path):
    async def scenario(rpc):
        for nonce in range(3):
            await rpc("eth_sendRawTransaction", signed(nonce, ALICE.address, value=1))
        too_wide = await rpc.failure("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest"})
        assert too_wide.code == -32005 and "block range too large: 4 blocks, at most 2" in too_wide.message
        reversed_range = await rpc.failure("eth_getLogs", {"fromBlock": "0x2", "toBlock": "0x1"})
        assert reversed_range.code == -32602
        assert await rpc("eth_getLogs", {"fromBlock": "0x9"}) == []
        unknown = await rpc.failure("eth_getLogs", {"blockHash": "0x" + "ab" * 32})
        assert unknown.code == -32001
    with_node(tmp_path, scenario, limits=RpcLimits(max_log_range=2))


def test_polling_filters(tmp_path):
    async def scenario(rpc):
        address = await deploy(rpc)
        blocks = await rpc("eth_newBlockFilter")
        logs = await rpc("eth_newFilter", {"address": address})
        pending = await rpc("eth_newPendingTransactionFilter")
        assert await rpc("eth_getFilterChanges", blocks) == []
        tx_hash = await rpc("eth_sendRawTransaction", signed(0, bytes.fromhex(address[2:])))
        head = await rpc("eth_getBlockByNumber", "latest", False)
        assert await rpc("eth_getFilterChanges", blocks) == [head["hash"]]
        assert await rpc("eth_getFilterChanges", blocks) == []
        (log,) = await rpc("eth_getFilterChanges", logs)
        assert log["transactionHash"] == tx_hash
        assert await rpc("eth_getFilterLogs", logs) == [log]
        assert await rpc("eth_getFilterChanges", pending) == [tx_hash]
        assert await rpc("eth_uninstallFilter", logs) is True
        assert await rpc("eth_uninstallFilter", logs) is False
        gone = await rpc.failure("eth_getFilterChanges", logs)
        assert (gone.code, gone.message) == (-32001, "filter not found")
    with_node(tmp_path, scenario)


def test_get_proof_verifies_against_the_state_root(tmp_path):
    async def scenario(rpc):
        address = await deploy(rpc)
        await rpc("eth_sendRawTransaction", signed(0, bytes.fromhex(address[2:])))
        proof = await rpc("eth_getProof", address, ["0x0"], "latest")
        root = bytes.fromhex((await rpc("eth_getBlockByNumber", "latest", False))["stateRoot"][2:])
        nodes = [bytes.fromhex(n[2:]) for n in proof["accountProof"]]
        account = rlp.decode(verify_proof(root, bytes.fromhex(address[2:]), nodes, secure=True))
        assert account[2] == bytes.fromhex(proof["storageHash"][2:])
        assert account[3] == bytes.fromhex(proof["codeHash"][2:]) == keccak256(RUNTIME)
        (slot,) = proof["storageProof"]
        assert slot["value"] == "0x2a"
        slot_nodes = [bytes.fromhex(n[2:]) for n in slot["proof"]]
        value = verify_proof(account[2], bytes(32), slot_nodes, secure=True)
        assert rlp.decode(value) == b"\x2a"
    with_node(tmp_path, scenario)


def test_trace_transaction_struct_logs_and_call_tracer(tmp_path):
    async def scenario(rpc):
        address = await deploy(rpc)
        tx_hash = await rpc("eth_sendRawTransaction", signed(0, bytes.fromhex(address[2:])))
        receipt = await rpc("eth_getTransactionReceipt", tx_hash)
        trace = await rpc("debug_traceTransaction", tx_hash)
        assert trace["gas"] == int(receipt["gasUsed"], 16) and trace["failed"] is False
        sstore = next(step for step in trace["structLogs"] if step["op"] == "SSTORE")
        assert sstore["gasCost"] == 22100
        assert sstore["storage"] == {"0x" + "00" * 32: "0x" + (42).to_bytes(32, "big").hex()}
        calls = await rpc("debug_traceTransaction", tx_hash, {"tracer": "callTracer"})
        assert calls["type"] == "CALL" and calls["to"] == address
        assert calls["gasUsed"] == receipt["gasUsed"]
        unknown = await rpc.failure("debug_traceTransaction", tx_hash, {"tracer": "nope"})
        assert unknown.code == -32000 and "tracer not found" in unknown.message
        missing = await rpc.failure("debug_traceTransaction", "0x" + "00" * 32)
        assert missing.code == -32001
    with_node(tmp_path, scenario)


ENDLESS_AT = "0x" + "ab" * 20
ENDLESS = {ENDLESS_AT: {"code": "0x5b600056"}}  # JUMPDEST PUSH1 0 JUMP


def test_traces_are_bounded_in_time_and_size(tmp_path):
    async def scenario(rpc):
        call = {"to": ENDLESS_AT, "gas": hex(50_000_000)}
        late = await rpc.failure("debug_traceCall", call, "latest", {"timeout": "100ms", "limit": 1, "stateOverrides": ENDLESS})
        assert (late.code, late.message) == (-32005, "execution timeout: the trace ran past 0.1 s")
        calls = await rpc.failure("debug_traceCall", call, "latest",
                                  {"tracer": "callTracer", "timeout": "0.1s", "stateOverrides": ENDLESS})
        assert (calls.code, calls.message) == (-32005, "execution timeout: the trace ran past 0.1 s")
        large = await rpc.failure("debug_traceCall", call, "latest", {"stateOverrides": ENDLESS})
        assert (large.code, large.message) == (-32005, "trace too large: more than 50000 bytes of JSON")
        limited = await rpc("debug_traceCall", {**call, "gas": hex(30_000)}, "latest",
                            {"limit": 5, "stateOverrides": ENDLESS})
        assert len(limited["structLogs"]) == 5 and limited["failed"] is True
        assert await rpc("eth_chainId") == "0x385"
    with_node(tmp_path, scenario, limits=RpcLimits(max_trace_bytes=50_000))


def test_a_call_tree_as_deep_as_gas_allows_comes_back_whole(tmp_path):
    self_call = "0x600080808080305af100"  # CALL(gas, self, 0, 0, 0, 0, 0), STOP

    async def scenario(rpc):
        with room_for_deep_answers():  # the client's json needs the room too
            tree = await rpc("debug_traceCall", {"to": ENDLESS_AT, "gas": hex(50_000_000)}, "latest",
                             {"tracer": "callTracer", "stateOverrides": {ENDLESS_AT: {"code": self_call}}})
        depth = 0
        while tree.get("calls"):
            (tree,) = tree["calls"]
            depth += 1
        assert depth > 500  # JSON nested over 1,000 deep: more than Python's default recursion limit
    with_node(tmp_path, scenario)


def test_trace_timeouts_are_go_durations_up_to_the_node_s_maximum(tmp_path):
    async def scenario(rpc):
        call = {"to": ENDLESS_AT, "gas": hex(30_000)}
        for timeout in ("1m30s", "10s", "500ms", "1.5s"):
            trace = await rpc("debug_traceCall", call, "latest", {"timeout": timeout, "limit": 1})
            assert trace["failed"] is False
        for timeout, reason in ((5, "must be a duration"), ("soon", "must be a duration"), ("5", "must be a duration"),
                                ("2m", "timeout 2m is longer than this node allows (90s)")):
            failure = await rpc.failure("debug_traceCall", call, "latest", {"timeout": timeout})
            assert failure.code == -32602 and reason in failure.message
    with_node(tmp_path, scenario, limits=RpcLimits(max_trace_timeout=90))


def test_txpool_shows_a_queued_transaction(tmp_path):
    async def scenario(rpc):
        raw = signed(1, ALICE.address, value=1)  # nonce 0 missing: it waits
        tx_hash = await rpc("eth_sendRawTransaction", raw)
        content = await rpc("txpool_content")
        assert content["pending"] == {}
        assert content["queued"][BOB_HEX]["1"]["hash"] == tx_hash
        assert await rpc("txpool_status") == {"pending": "0x0", "queued": "0x1"}
        assert (await rpc("eth_getTransactionByHash", tx_hash))["blockHash"] is None
        assert await rpc("eth_getTransactionCount", BOB_HEX, "pending") == "0x0"
    with_node(tmp_path, scenario)


def test_block_tags_and_state_at_older_blocks(tmp_path):
    async def scenario(rpc):
        await rpc("eth_sendRawTransaction", signed(0, ALICE.address, value=5))
        await rpc("eth_sendRawTransaction", signed(1, ALICE.address, value=5))
        start = 10_000 * 10**18
        assert int(await rpc("eth_getBalance", ALICE_HEX, "0x1"), 16) == start + 5
        assert int(await rpc("eth_getBalance", ALICE_HEX, {"blockNumber": "0x2"}), 16) == start + 10
        for tag in ("safe", "finalized", "pending"):
            assert (await rpc("eth_getBlockByNumber", tag, False))["number"] == "0x2"
        missing = await rpc.failure("eth_getBalance", ALICE_HEX, "0x7")
        assert missing.code == -32001
    with_node(tmp_path, scenario)


def test_call_gas_is_capped(tmp_path):
    gas_left = asm("GAS", "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN")
    target = "0x" + "77" * 20

    async def scenario(rpc):
        call = {"to": target, "gas": "0x" + "f" * 16}
        answer = await rpc("eth_call", call, None, {target: {"code": "0x" + gas_left.hex()}})
        assert int(answer, 16) == 100_000 - 21_000 - 2  # the cap, less intrinsic gas and GAS
    with_node(tmp_path, scenario, limits=dataclasses.replace(RpcLimits(), call_gas_cap=100_000))


def test_unknown_block_is_an_error_for_state_but_null_for_blocks(tmp_path):
    async def scenario(rpc):
        assert await rpc("eth_getBlockByHash", "0x" + "00" * 32, True) is None
        failure = await rpc.failure("eth_getCode", ALICE_HEX, {"blockHash": "0x" + "00" * 32})
        assert failure.code == -32001
    with_node(tmp_path, scenario)


def test_rpc_failure_type():
    failure = RpcFailure({"code": 3, "message": "m", "data": "0x"})
    assert (failure.code, failure.data) == (3, "0x")


def test_a_tracer_that_stops_the_trace_gets_an_error_and_changes_nothing(tmp_path, monkeypatch):
    from ovm.evm.observer import ExecutionAborted
    from ovm.node.rpc.tracers.struct_logger import StructLogger

    def over_budget(self, frame):
        raise ExecutionAborted("execution timeout")

    async def scenario(rpc):
        address = await deploy(rpc)
        tx_hash = await rpc("eth_sendRawTransaction", signed(0, bytes.fromhex(address[2:])))
        root = (await rpc("eth_getBlockByNumber", "latest", False))["stateRoot"]
        monkeypatch.setattr(StructLogger, "before_step", over_budget)
        for method, params in [("debug_traceTransaction", [tx_hash]),
                               ("debug_traceCall", [{"to": address}, "latest"])]:
            stopped = await rpc.failure(method, *params)
            assert stopped.code == -32000 and stopped.message == "execution timeout"
        assert rpc.ctx.chain.state.state_root() == bytes.fromhex(root[2:])
        assert (await rpc("eth_call", {"to": address})) == "0x"
    with_node(tmp_path, scenario)
