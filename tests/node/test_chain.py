"""
Blockchain
==========

The node's chain over a real LMDB store in a temporary directory: genesis
and restart, blocks of signed transfers and contract calls, receipts, logs,
calls and state overrides that leave the state root alone, gas estimates that
are exactly what a real transaction needs, EIP-1186 proofs checked by
``verify_proof``, snapshots, rewinds, dev changes that survive a restart, the
state a mined transaction ran on, and pending transactions.
"""

from __future__ import annotations

import pytest

from ovm.chain import Genesis, GenesisAccount, dev_genesis
from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import SEQUENCER_FEE_VAULT
from ovm.evm.exceptions import Revert
from ovm.evm.instructions.system import create_address
from ovm.evm.transactions import (
    FeeMarketTransaction,
    InvalidTransaction,
    transaction_hash,
)
from ovm.node.call import CallRequest, InvalidOverride
from ovm.node.chain import Blockchain
from ovm.node.errors import ChainError, ExecutionReverted, GasEstimationError
from ovm.node.store import ChainStore
from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.state import Account, encode_account
from ovm.transpiler import TranspilingRunner
from ovm.trie import verify_proof

from support import asm, fee_market_tx

CHAIN_ID = 901
NOW = 1_700_000_000
ALICE, BOB, CAROL = dev_accounts()[:3]
DAVE = bytes.fromhex("da" * 20)
TOPIC = b"\x7e" * 32
GWEI = 10**9


def runtime_deployer(runtime: bytes) -> bytes:
    """Initcode that deploys ``runtime``."""
    prefix = asm(
        f"PUSH1 {len(runtime)}", "DUP1", "PUSH1 11", "PUSH1 0", "CODECOPY", "PUSH1 0", "RETURN"
    )
    return prefix + runtime


def error_revert(reason: bytes) -> bytes:
    """Code that reverts with Solidity's ``Error(reason)``."""
    data = (
        bytes.fromhex("08c379a0") + (32).to_bytes(32, "big") + len(reason).to_bytes(32, "big")
        + reason.ljust(32, b"\x00")
    )  # fmt: skip
    prefix = asm(
        f"PUSH1 {len(data)}", "PUSH1 12", "PUSH1 0", "CODECOPY",
        f"PUSH1 {len(data)}", "PUSH1 0", "REVERT",
    )  # fmt: skip
    return prefix + data


# slot 0 := calldata word 0, then LOG1(TOPIC) with that word as data
STORE_AND_LOG = asm(
    "PUSH1 0", "CALLDATALOAD", "DUP1", "PUSH1 0", "SSTORE", "PUSH1 0", "MSTORE",
    f"PUSH32 0x{TOPIC.hex()}", "PUSH1 32", "PUSH1 0", "LOG1", "STOP",
)  # fmt: skip
# return SLOAD(calldata word 0)
READER = asm(
    "PUSH1 0", "CALLDATALOAD", "SLOAD", "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN"
)
# return the caller's balance
BALANCE_OF_CALLER = asm("CALLER", "BALANCE", "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN")
REVERTER = error_revert(b"nope")
# clear slot 1 (a refund)
CLEARER = asm("PUSH1 0", "PUSH1 1", "SSTORE", "STOP")
# slot 0 := 1
CALLEE = asm("PUSH1 1", "PUSH1 0", "SSTORE", "STOP")
LOOP = asm("JUMPDEST", "PUSH1 0", "JUMP")

STORE = bytes.fromhex("c0" * 19 + "01")
REVERTING = bytes.fromhex("c0" * 19 + "02")
REFUNDING = bytes.fromhex("c0" * 19 + "03")
FORWARDER = bytes.fromhex("c0" * 19 + "04")
CALLED = bytes.fromhex("c0" * 19 + "05")
LOOPING = bytes.fromhex("c0" * 19 + "06")
READING = bytes.fromhex("c0" * 19 + "07")

# CALL(gas=all, CALLED) and revert if it failed: needs the 63/64 rule right
FORWARD_ALL = asm(
    "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", f"PUSH20 0x{CALLED.hex()}",
    "GAS", "CALL",
    "ISZERO", "PUSH1 38", "JUMPI", "STOP", "JUMPDEST", "PUSH1 0", "DUP1", "REVERT",
)  # fmt: skip
assert FORWARD_ALL[38] == 0x5B  # the JUMPDEST

GENESIS = Genesis(
    alloc={
        **dev_genesis().alloc,
        STORE: GenesisAccount(nonce=1, code=STORE_AND_LOG),
        REVERTING: GenesisAccount(nonce=1, code=REVERTER),
        REFUNDING: GenesisAccount(nonce=1, code=CLEARER, storage={1: 42}),
        FORWARDER: GenesisAccount(nonce=1, code=FORWARD_ALL),
        CALLED: GenesisAccount(nonce=1, code=CALLEE),
        LOOPING: GenesisAccount(nonce=1, code=LOOP),
        READING: GenesisAccount(nonce=1, code=READER, storage={0: 11, 5: 55}),
    }
)


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def signed(account, nonce: int, *, to: bytes | None = DAVE, value: int = 0, data: bytes = b"",
           gas: int = 100_000) -> FeeMarketTransaction:  # fmt: skip
    return fee_market_tx(account.private_key, chain_id=CHAIN_ID, to=to, nonce=nonce, value=value, data=data, gas=gas)


def open_chain(path, **options) -> Blockchain:
    return Blockchain(ChainStore.open(path), GENESIS, clock=lambda: NOW, **options)


@pytest.fixture
def chain(tmp_path):
    chain = open_chain(tmp_path / "chain")
    yield chain
    chain.store.close()


def reopen(chain: Blockchain) -> Blockchain:
    chain.store.close()
    return open_chain(chain.store.path)


def send(chain: Blockchain, account=ALICE, **fields):
    """Build a block of one transaction; return its receipt and details."""
    tx = signed(account, chain.state.get_nonce(account.address), **fields)
    built = chain.build_block([tx])
    assert not built.rejected, built.rejected
    _, receipt, details = built.included[0]
    return receipt, details


def head_root_is_consistent(chain: Blockchain) -> bool:
    stored = chain.store.load_state().state_root()
    return chain.state.state_root() == chain.store.state_root() == stored


# --- genesis and restart -------------------------------------------------------------


def test_a_new_chain_starts_at_its_genesis(chain):
    assert chain.head.number == 0 and chain.head.hash == chain.genesis_hash
    assert chain.head.header.state_root == chain.state.state_root()
    assert chain.chain_id == CHAIN_ID and chain.state.get_balance(ALICE.address) == 10_000 * 10**18


def test_restart_resumes_at_the_head(chain):
    send(chain, to=BOB.address, value=5)
    send(chain, to=STORE, data=word(3))
    head, root = chain.head, chain.state.state_root()
    chain = reopen(chain)
    assert chain.head == head and chain.state.state_root() == root == head.header.state_root
    assert chain.state.get_storage(STORE, 0) == 3 and chain.state.get_nonce(ALICE.address) == 2
    chain.store.close()


def test_a_store_of_another_chain_is_refused(chain):
    chain.store.close()
    store = ChainStore.open(chain.store.path)
    with pytest.raises(ChainError, match="holds the chain with genesis"):
        Blockchain(store, dev_genesis())
    store.close()


def test_a_state_that_does_not_match_its_root_is_refused(chain):
    state = chain.state
    state.set_balance(BOB.address, 1)
    chain.store.commit_dev_change(state.take_diff(), b"\x01" * 32)
    chain.store.close()
    store = ChainStore.open(chain.store.path)
    with pytest.raises(ChainError, match="the stored state has root"):
        Blockchain(store, GENESIS)
    store.close()


# --- blocks --------------------------------------------------------------------------


def test_a_block_includes_valid_transactions_and_reports_the_others(chain):
    txs = [signed(ALICE, 0, value=7), signed(ALICE, 5), signed(BOB, 0, value=1), signed(BOB, 0)]
    built = chain.build_block(txs)
    assert [tx for tx, _, _ in built.included] == [txs[0], txs[2]]
    assert built.deferred == [txs[1]]  # nonce too high: maybe later
    [(tx, error)] = built.rejected
    assert tx == txs[3] and "nonce too low" in str(error)
    block = built.block
    assert chain.head == block and block.transactions == (txs[0], txs[2])
    assert block.header.coinbase == SEQUENCER_FEE_VAULT
    assert chain.state.get_balance(SEQUENCER_FEE_VAULT) > 0
    assert block.header.timestamp == NOW and block.header.state_root == chain.state.state_root()
    assert chain.block(1) == chain.block(block.hash) == block
    assert head_root_is_consistent(chain)


def test_base_fee_and_timestamps_of_the_next_block(chain):
    expected = chain.next_base_fee()
    block = chain.build_block([]).block
    assert block.header.base_fee_per_gas == expected
    assert chain.next_timestamp() == NOW + 1  # a second after the head, though the clock stands
    assert chain.increase_time(100) == 100 and chain.increase_time(20) == 120
    assert chain.next_timestamp() == NOW + 120
    assert reopen(chain).next_timestamp() == NOW + 120


def test_an_explicit_timestamp_must_follow_the_parent(chain):
    chain.build_block([], timestamp=NOW + 10)
    with pytest.raises(ValueError, match="not after the parent"):
        chain.build_block([], timestamp=NOW + 10)


def test_a_failed_commit_leaves_the_head_state_as_stored(chain, monkeypatch):
    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(chain.store, "commit_block", broken)
    with pytest.raises(OSError):
        chain.build_block([signed(ALICE, 0, value=1)])
    assert chain.state.get_nonce(ALICE.address) == 0 and chain.head.number == 0
    assert chain.state.state_root() == chain.head.header.state_root


def test_transpiled_code_builds_the_same_blocks(tmp_path):
    txs = [signed(ALICE, 0, to=STORE, data=word(9)), signed(ALICE, 1, to=FORWARDER, gas=200_000)]
    blocks = []
    for name, runner in (("interpreted", None), ("transpiled", TranspilingRunner(threshold=0))):
        chain = open_chain(tmp_path / name, code_runner=runner)
        blocks.append(chain.build_block(txs).block)
        chain.store.close()
    assert blocks[0] == blocks[1]


# --- receipts, transactions and logs -------------------------------------------------


def test_deployment_calls_receipts_and_logs(chain):
    deploy = signed(ALICE, 0, to=None, data=runtime_deployer(STORE_AND_LOG), gas=200_000)
    calls = [signed(ALICE, 1, to=STORE, data=word(5)), signed(BOB, 0, to=STORE, data=word(6))]
    first = chain.build_block([deploy]).block
    second = chain.build_block(calls).block
    contract = create_address(ALICE.address, 0)
    assert chain.state.get_code(contract) == STORE_AND_LOG

    record = chain.receipt(transaction_hash(deploy))
    assert record.details.contract_address == contract and record.header == first.header
    location = chain.transaction(transaction_hash(calls[1]))
    assert (location.tx, location.block_number, location.block_hash, location.index) == (
        calls[1], 2, second.hash, 1,
    )  # fmt: skip
    receipts = chain.block_receipts(second.hash)
    assert [r.details.first_log_index for r in receipts] == [0, 1]
    assert [r.receipt.logs[0].data for r in receipts] == [word(5), word(6)]

    logs = chain.logs(0, 2, {STORE}, [{TOPIC}])
    assert [(r.log.data, r.block_number, r.tx_hash, r.tx_index, r.log_index) for r in logs] == [
        (word(5), 2, transaction_hash(calls[0]), 0, 0),
        (word(6), 2, transaction_hash(calls[1]), 1, 1),
    ]
    assert chain.logs(0, 2, {contract}) == [] and chain.logs(0, 1, {STORE}) == []
    assert chain.receipt(b"\x00" * 32) is None and chain.transaction(b"\x00" * 32) is None


@pytest.mark.parametrize(
    "tag, number",
    [
        ("latest", 2), ("pending", 2), ("safe", 2), ("finalized", 2),
        ("earliest", 0), ("0x1", 1), (7, 7),
    ],  # fmt: skip
)
def test_block_tags(chain, tag, number):
    chain.build_block([])
    chain.build_block([])
    assert chain.resolve_block_tag(tag) == number


@pytest.mark.parametrize("tag", ["newest", "0xzz", -1, True, "-3"])
def test_unknown_block_tags(chain, tag):
    with pytest.raises(ValueError):
        chain.resolve_block_tag(tag)


# --- calls and overrides -------------------------------------------------------------


def test_a_call_returns_output_and_logs_and_changes_nothing(chain):
    root = chain.state.state_root()
    result = chain.call(CallRequest(sender=ALICE.address, to=STORE, data=word(4)))
    assert result.success and result.error is None and result.output == b""
    assert [log.data for log in result.logs] == [word(4)] and result.gas_used > 21000
    assert chain.state.get_storage(STORE, 0) == 0 and chain.state.get_nonce(ALICE.address) == 0
    assert chain.state.state_root() == root
    created = chain.call(CallRequest(data=runtime_deployer(READER)))
    assert created.success and created.output == READER
    assert chain.state.state_root() == root and head_root_is_consistent(chain)


def test_a_call_that_reverts(chain):
    result = chain.call(CallRequest(to=REVERTING))
    assert not result.success and isinstance(result.error, Revert)
    assert b"nope" in result.output and result.logs == []


def test_overrides_are_seen_by_the_call_and_then_forgotten(chain):
    root = chain.state.state_root()

    def read(slot: int, overrides=None) -> int:
        result = chain.call(CallRequest(to=READING, data=word(slot)), overrides=overrides)
        return int.from_bytes(result.output, "big")

    assert (read(0), read(5)) == (11, 55)
    diff, replace = {READING: {"stateDiff": {0: 7}}}, {READING: {"state": {0: 7}}}
    assert (read(0, diff), read(5, diff)) == (7, 55)
    assert (read(0, replace), read(5, replace)) == (7, 0)
    assert read(3, {DAVE: {"code": READER, "state": {3: 33}}, READING: {"code": READER}}) == 0
    overrides = {DAVE: {"code": BALANCE_OF_CALLER}, CAROL.address: {"balance": 12, "nonce": 9}}
    caller_balance = chain.call(CallRequest(sender=CAROL.address, to=DAVE), overrides=overrides)
    assert int.from_bytes(caller_balance.output, "big") == 12
    assert chain.state.state_root() == root and head_root_is_consistent(chain)
    assert chain.state.get_code(DAVE) == b"" and chain.state.get_nonce(CAROL.address) == 0


@pytest.mark.parametrize(
    "override, message",
    [
        ({"state": {}, "stateDiff": {}}, "both 'state' and 'stateDiff'"),
        ({"balanse": 1}, "unknown override"),
    ],
)
def test_malformed_overrides(chain, override, message):
    root = chain.state.state_root()
    with pytest.raises(InvalidOverride, match=message):
        chain.call(CallRequest(to=READING), overrides={READING: override})
    assert chain.state.state_root() == root


def test_calls_are_checked_as_geth_checks_them(chain):
    poor = CallRequest(sender=DAVE, to=BOB.address, value=1)
    with pytest.raises(InvalidTransaction, match="insufficient funds for gas \\* price \\+ value"):
        chain.call(poor)
    assert chain.call(CallRequest(sender=DAVE, to=BOB.address)).success  # unpriced: free
    with pytest.raises(InvalidTransaction, match="insufficient funds"):
        chain.call(CallRequest(sender=DAVE, to=BOB.address, gas_price=GWEI))
    with pytest.raises(InvalidTransaction, match="max fee per gas less than block base fee"):
        chain.call(CallRequest(sender=ALICE.address, to=BOB.address, max_fee=1, max_priority_fee=1))
    with pytest.raises(InvalidTransaction, match="intrinsic gas too low: have 20000, want 21000"):
        chain.call(CallRequest(to=BOB.address, gas=20_000))
    with pytest.raises(InvalidTransaction, match="max priority fee per gas higher"):
        chain.call(CallRequest(ALICE.address, BOB.address, max_fee=GWEI, max_priority_fee=2 * GWEI))
    priced = chain.call(CallRequest(sender=ALICE.address, to=BOB.address, gas_price=2 * GWEI))
    assert priced.success and priced.gas_used == 21000


def test_a_call_on_an_older_block_sees_its_state(chain):
    send(chain, to=STORE, data=word(1))
    send(chain, to=STORE, data=word(2))
    reader = {STORE: {"code": READER}}
    request = CallRequest(to=STORE, data=word(0))
    at = [chain.call(request, block=n, overrides=reader).output for n in (0, 1, 2)]
    assert at == [word(0), word(1), word(2)]
    with pytest.raises(ChainError, match="block 3 not found"):
        chain.call(CallRequest(to=STORE), block=3)


# --- gas estimates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        dict(to=BOB.address, value=1),
        dict(to=STORE, data=word(77)),
        dict(to=REFUNDING),  # needs the gas before its refund
        dict(to=FORWARDER),  # needs 64/63 of the callee's gas
        dict(to=None, data=runtime_deployer(STORE_AND_LOG)),
    ],
)
def test_the_estimate_is_exactly_the_gas_a_transaction_needs(chain, fields):
    estimate = chain.estimate_gas(CallRequest(sender=ALICE.address, **fields))
    snapshot = chain.snapshot()
    short = chain.build_block([signed(ALICE, 0, gas=estimate - 1, **fields)])
    assert short.rejected or short.included[0][1].status == 0
    assert chain.revert(snapshot)
    receipt, _ = send(chain, gas=estimate, **fields)
    assert receipt.status == 1


def test_estimating_a_revert_raises_it_with_its_reason(chain):
    with pytest.raises(ExecutionReverted, match="execution reverted: nope") as caught:
        chain.estimate_gas(CallRequest(to=REVERTING))
    assert caught.value.output.startswith(bytes.fromhex("08c379a0"))


def test_estimating_a_call_that_never_ends(chain):
    with pytest.raises(GasEstimationError, match="gas required exceeds allowance \\(100000\\)"):
        chain.estimate_gas(CallRequest(to=LOOPING, gas=100_000))


def test_estimates_are_capped_by_what_the_sender_can_pay(chain):
    price = chain.head.header.base_fee_per_gas
    request = CallRequest(sender=DAVE, to=STORE, data=word(1), gas_price=price)
    with pytest.raises(GasEstimationError, match="gas required exceeds allowance \\(30000\\)"):
        chain.estimate_gas(request, overrides={DAVE: {"balance": 30_000 * price}})
    with pytest.raises(InvalidTransaction, match="insufficient funds for transfer"):
        chain.estimate_gas(CallRequest(sender=DAVE, to=BOB.address, value=1, gas_price=price))


# --- proofs --------------------------------------------------------------------------


def test_account_and_storage_proofs_verify_against_the_state_root(chain):
    send(chain, to=STORE, data=word(5))
    root = chain.head.header.state_root
    proof = chain.account_proof(STORE, [0, 1])
    account = Account(proof.nonce, proof.balance, STORE_AND_LOG)
    leaf = verify_proof(root, keccak256(STORE), proof.account_proof)
    assert leaf == encode_account(account, proof.storage_hash)
    assert proof.code_hash == keccak256(STORE_AND_LOG)
    present, absent = proof.storage_proof
    assert (present.key, present.value, absent.value) == (0, 5, 0)
    value = verify_proof(proof.storage_hash, keccak256(word(0)), present.proof)
    assert value == rlp.encode(rlp.int_to_be(5))
    assert verify_proof(proof.storage_hash, keccak256(word(1)), absent.proof) is None

    missing = chain.account_proof(DAVE, [0])
    assert verify_proof(root, DAVE, missing.account_proof, secure=True) is None
    assert missing.storage_proof[0].proof == [] and missing.balance == 0 == missing.nonce


# --- snapshots, rewinds and dev changes ----------------------------------------------


def test_revert_restores_the_exact_state_of_the_snapshot(chain):
    send(chain, to=BOB.address, value=1)
    head, root = chain.head, chain.state.state_root()
    snapshot = chain.snapshot()
    send(chain, to=STORE, data=word(8))
    chain.set_balance(DAVE, 5)
    send(chain, account=BOB, to=CAROL.address, value=3)
    assert chain.revert(snapshot)
    assert chain.head == head and chain.state.state_root() == root == head.header.state_root
    assert chain.state.get_storage(STORE, 0) == 0 and not chain.state.account_exists(DAVE)
    assert not chain.revert(snapshot) and not chain.revert(12345)
    assert reopen(chain).head == head


def test_dev_changes_survive_a_restart_and_the_next_block_commits_to_them(chain):
    send(chain, to=BOB.address, value=1)
    chain.set_balance(DAVE, 10**18)
    chain.set_nonce(DAVE, 4)
    chain.set_code(CAROL.address, READER)
    chain.set_storage(CAROL.address, 2, 22)
    chain.set_storage(bytes.fromhex("ee" * 20), 1, 1)  # creates the account
    root = chain.state.state_root()
    assert root != chain.head.header.state_root
    chain = reopen(chain)
    assert chain.state.state_root() == root and chain.state.get_nonce(DAVE) == 4
    assert chain.state.get_balance(DAVE) == 10**18 and chain.state.get_code(CAROL.address) == READER
    assert chain.state.get_storage(CAROL.address, 2) == 22
    block = chain.build_block([]).block
    assert chain.state.state_root() == block.header.state_root
    chain.store.close()


def test_dev_values_are_range_checked(chain):
    with pytest.raises(ValueError, match="balance -1 is out of range"):
        chain.set_balance(DAVE, -1)
    with pytest.raises(ValueError, match="nonce"):
        chain.set_nonce(DAVE, 2**64)
    with pytest.raises(ValueError, match="time increase"):
        chain.increase_time(-5)


def test_rewind_deletes_blocks_and_restores_their_parent_state(chain):
    send(chain, to=STORE, data=word(1))
    first = chain.head
    tx = signed(ALICE, 1, to=STORE, data=word(2))
    chain.build_block([tx])
    chain.set_storage(STORE, 9, 9)
    chain.rewind(1)
    assert chain.head == first and chain.state.state_root() == first.header.state_root
    assert chain.block(2) is None and chain.transaction(transaction_hash(tx)) is None
    assert chain.state.get_storage(STORE, 0) == 1 and chain.state.get_storage(STORE, 9) == 0
    assert head_root_is_consistent(chain)


def test_an_empty_account_with_storage_is_wiped_and_rewound(chain):
    ghost = bytes.fromhex("99" * 20)
    chain.set_storage(ghost, 1, 1)
    snapshot = chain.snapshot()
    root = chain.state.state_root()
    send(chain, to=ghost)  # touches the empty account: EIP-161 deletes it and its storage
    assert not chain.state.account_exists(ghost) and head_root_is_consistent(chain)
    assert chain.revert(snapshot)
    assert chain.state.get_storage(ghost, 1) == 1 and chain.state.state_root() == root


# --- tracing support -----------------------------------------------------------------


def test_state_before_a_mined_transaction(chain):
    send(chain, to=BOB.address, value=1)
    chain.set_balance(DAVE, 77)  # between blocks: part of the next block's pre-state
    txs = [signed(ALICE, 1, to=STORE, data=word(1)), signed(ALICE, 2, to=STORE, data=word(2)),
           signed(BOB, 0, to=DAVE, value=3)]  # fmt: skip
    block = chain.build_block(txs).block
    chain.build_block([signed(ALICE, 3, value=1)])

    before = [chain.state_before(2, i) for i in range(4)]
    assert before[0].get_balance(DAVE) == 77 and before[0].get_storage(STORE, 0) == 0
    assert before[1].get_storage(STORE, 0) == 1 and before[2].get_storage(STORE, 0) == 2
    assert before[3].get_balance(DAVE) == 80
    assert before[3].state_root() == block.header.state_root
    assert chain.state_before(1, 0).state_root() == chain.block(0).header.state_root
    env = chain.block_env(2)
    header = block.header
    assert (env.number, env.timestamp) == (2, header.timestamp)
    assert env.base_fee == header.base_fee_per_gas
    with pytest.raises(ChainError, match="no transaction 4"):
        chain.state_before(2, 4)
    with pytest.raises(ChainError, match="block 9 not found"):
        chain.state_before(9, 0)


# --- pending transactions ------------------------------------------------------------


def test_pending_transactions_are_kept_until_included(chain):
    txs = [signed(ALICE, 0, value=1), signed(ALICE, 1, value=1), signed(BOB, 0, value=1)]
    hashes = [chain.remember_pending(tx) for tx in txs]
    assert hashes == [transaction_hash(tx) for tx in txs]
    assert chain.forget_pending(hashes[2])
    chain = reopen(chain)
    assert chain.pending_transactions() == txs[:2]
    chain.build_block(txs[:1])
    assert chain.pending_transactions() == txs[1:2]
    chain.store.close()
