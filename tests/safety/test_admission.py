"""
Transaction admission
=====================

Every refusal of ``admit`` with its exact message (geth's words), each through
the network form a client sends, plus what is admitted: all three L2 types,
unprotected legacy transactions, a gap within the limit, a transaction given
decoded. The pool's own refusals are in ``tests/node/test_mempool.py``.
"""

from __future__ import annotations

import dataclasses

import pytest
from support import fee_market_tx, legacy_tx

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm import gas as G
from ovm.evm.blobs import (
    BYTES_PER_BLOB,
    BlobSidecar,
    encode_network_form,
    make_sidecar,
)
from ovm.evm.kzg import FIELD_ELEMENTS_PER_BLOB, versioned_hash
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import (
    AccessListTransaction,
    BlobTransaction,
    encode_transaction,
    transaction_hash,
)
from ovm.primitives import rlp
from ovm.primitives.crypto import SECP256K1_N, keccak256
from ovm.safety import (
    L1_TRANSACTION_TYPES,
    MAX_TX_SIZE,
    OVM1_SAFE_BYTECODE,
    AdmissionError,
    admit,
    chain_deployment_policy,
    system_addresses,
)
from ovm.state import State

CHAIN_ID = 901
BASE_FEE = 10**9
GAS_LIMIT = 30_000_000
ALICE, BOB = dev_accounts()[:2]
TO = bytes.fromhex("bb" * 20)
BALANCE = 10**18
NOT_ON_CURVE_R = 5  # no point on secp256k1 has x = 5


def fee_market(key: bytes = ALICE.private_key, chain_id: int = CHAIN_ID, **fields):
    values = dict(to=TO, value=1, max_priority_fee_per_gas=1, max_fee_per_gas=2 * BASE_FEE)
    return fee_market_tx(key, chain_id=chain_id, **{**values, **fields})


def legacy(chain_id: int | None = CHAIN_ID, **fields):
    return legacy_tx(ALICE.private_key, chain_id=chain_id, **{"to": TO, "value": 1, "gas_price": BASE_FEE, **fields})


def raw(tx) -> bytes:
    return encode_transaction(tx)


@pytest.fixture
def state() -> State:
    state = State()
    state.load_account(ALICE.address, 0, BALANCE, b"", {})
    return state


def admit_raw(data: bytes, state: State, **options):
    return admit(
        data, state, chain_id=CHAIN_ID, base_fee=BASE_FEE, block_gas_limit=GAS_LIMIT, **options
    )


def refusal(data: bytes, state: State, **options) -> str:
    with pytest.raises(AdmissionError) as error:
        admit_raw(data, state, **options)
    return str(error.value)


# --- admitted ----------------------------------------------------------------------


def test_admitted_carries_transaction_sender_and_hash(state):
    tx = fee_market()
    admitted = admit_raw(raw(tx), state)
    assert admitted.tx == tx and admitted.sender == ALICE.address
    assert admitted.hash == transaction_hash(tx)


def test_decoded_transaction_is_admitted_too(state):
    tx = fee_market()
    assert admit_raw(tx, state).hash == transaction_hash(tx)


@pytest.mark.parametrize(
    "tx",
    [
        legacy(),
        legacy(chain_id=None),  # unprotected, as deterministic-deployment factories are sent
        sign_transaction(
            AccessListTransaction(CHAIN_ID, 0, BASE_FEE, 30000, TO, 0, b"", ((TO, ()),), 0, 0, 0),
            ALICE.private_key, CHAIN_ID,
        ),
    ],
    ids=["legacy-eip155", "legacy-unprotected", "access-list"],
)
def test_other_l2_types_are_admitted(state, tx):
    assert admit_raw(raw(tx), state).sender == ALICE.address


def test_gap_within_the_limit_is_admitted(state):
    assert admit_raw(raw(fee_market(nonce=64)), state).tx.nonce == 64


def test_gap_is_measured_from_the_pool_nonce(state):
    admitted = admit_raw(raw(fee_market(nonce=100)), state, pool_nonce=lambda sender: 40)
    assert admitted.tx.nonce == 100


# --- refused: size, type and decoding ------------------------------------------------


def test_oversized_data(state):
    data = raw(fee_market(data=bytes(128 * 1024), gas=GAS_LIMIT))
    assert refusal(data, state) == f"oversized data: transaction size {len(data)}, limit 131072"


def test_size_limit_is_configurable(state):
    data = raw(fee_market())
    assert refusal(data, state, max_tx_size=100) == (
        f"oversized data: transaction size {len(data)}, limit 100"
    )


def test_unknown_type_byte(state):
    assert refusal(b"\x05" + rlp.encode([]), state) == "transaction type not supported: type 5"


def test_blob_transactions_are_not_supported_on_l2(state):
    blob = BlobTransaction(
        CHAIN_ID, 0, 1, BASE_FEE, 21000, TO, 0, b"", (), 1, (b"\x01" + bytes(31),), 0, 0, 0
    )
    data = raw(sign_transaction(blob, ALICE.private_key, CHAIN_ID))
    assert refusal(data, state) == "transaction type not supported: type 3"


# --- blob transactions on an L1 ------------------------------------------------------


def blob_transaction(sidecar: BlobSidecar, **fields):
    values = dict(
        chain_id=CHAIN_ID, nonce=0, max_priority_fee_per_gas=1, max_fee_per_gas=2 * BASE_FEE, gas=21000,
        to=TO, value=0, data=b"", access_list=(), max_fee_per_blob_gas=10,
        blob_versioned_hashes=tuple(versioned_hash(c) for c in sidecar.commitments), y_parity=0, r=0, s=0,
    )  # fmt: skip
    values.update(fields)
    return sign_transaction(BlobTransaction(**values), ALICE.private_key, CHAIN_ID)


@pytest.fixture(scope="module")
def sidecar() -> BlobSidecar:
    varied = b"".join(b"\x00" + keccak256(i.to_bytes(2, "big"))[:31] for i in range(FIELD_ELEMENTS_PER_BLOB))
    return make_sidecar([bytes(BYTES_PER_BLOB), varied])


def test_an_l1_admits_a_blob_transaction_with_its_sidecar(state, sidecar):
    tx = blob_transaction(sidecar)
    admitted = admit_raw(encode_network_form(tx, sidecar), state, transaction_types=L1_TRANSACTION_TYPES)
    assert admitted.tx == tx and admitted.sidecar == sidecar
    assert admitted.hash == transaction_hash(tx)


def test_blob_transaction_without_its_sidecar(state, sidecar):
    data = raw(blob_transaction(sidecar))
    assert refusal(data, state, transaction_types=L1_TRANSACTION_TYPES) == "missing sidecar in blob transaction"


def test_sidecar_of_other_blobs(state, sidecar):
    other = make_sidecar([bytes(BYTES_PER_BLOB)])
    data = encode_network_form(blob_transaction(sidecar), dataclasses.replace(
        sidecar, blobs=sidecar.blobs[:1] + other.blobs, commitments=sidecar.commitments[:1] + other.commitments,
    ))
    hash1 = versioned_hash(sidecar.commitments[1]).hex()
    assert refusal(data, state, transaction_types=L1_TRANSACTION_TYPES) == (
        f"invalid transaction: blob sidecar: commitment 1 does not match blob hash 0x{hash1}"
    )


def test_sidecar_with_a_wrong_proof(state, sidecar):
    bad = dataclasses.replace(sidecar, proofs=sidecar.proofs[::-1])
    data = encode_network_form(blob_transaction(sidecar), bad)
    assert refusal(data, state, transaction_types=L1_TRANSACTION_TYPES) == (
        "invalid transaction: blob sidecar: invalid KZG proof"
    )


def test_the_size_limit_leaves_the_blobs_out(state, sidecar):
    data = encode_network_form(blob_transaction(sidecar), sidecar)
    assert len(data) > MAX_TX_SIZE
    assert admit_raw(data, state, transaction_types=L1_TRANSACTION_TYPES).sidecar == sidecar


def test_malformed_encoding(state):
    assert refusal(b"\xc0", state) == (
        "invalid transaction: LegacyTransaction: expected 9 fields, got 0"
    )


# --- refused: stateless rules --------------------------------------------------------


def test_initcode_size(state):
    data = raw(fee_market(to=None, data=bytes(G.MAX_INITCODE_SIZE + 1), gas=GAS_LIMIT))
    assert refusal(data, state) == "max initcode size exceeded: code size 49153, limit 49152"


def test_gas_above_block_limit(state):
    data = raw(fee_market(gas=GAS_LIMIT + 1))
    assert refusal(data, state) == "exceeds block gas limit: gas 30000001, limit 30000000"


def test_tip_above_fee_cap(state):
    data = raw(fee_market(max_priority_fee_per_gas=3, max_fee_per_gas=2))
    assert refusal(data, state) == (
        "max priority fee per gas higher than max fee per gas: "
        "maxPriorityFeePerGas: 3, maxFeePerGas: 2"
    )


@pytest.mark.parametrize(
    "tx", [fee_market(chain_id=1), legacy(chain_id=1)], ids=["typed", "legacy-eip155"]
)
def test_wrong_chain_id(state, tx):
    assert refusal(raw(tx), state) == "invalid sender: invalid chain id for signer: have 1 want 901"


@pytest.mark.parametrize(
    "tx",
    [
        dataclasses.replace(fee_market(), y_parity=2),
        dataclasses.replace(fee_market(), r=0),
        dataclasses.replace(fee_market(), r=SECP256K1_N),
        dataclasses.replace(fee_market(), s=0),
        dataclasses.replace(fee_market(), s=SECP256K1_N - fee_market().s),  # upper half
        dataclasses.replace(legacy(), v=29),
    ],
    ids=["y-parity-2", "r-zero", "r-n", "s-zero", "s-upper-half", "legacy-v-29"],
)
def test_signature_values(state, tx):
    assert refusal(raw(tx), state) == "invalid sender: invalid transaction v, r, s values"


def test_signature_that_recovers_nobody(state):
    data = raw(dataclasses.replace(fee_market(), r=NOT_ON_CURVE_R))
    assert refusal(data, state).startswith("invalid sender: invalid signature")


def test_intrinsic_gas(state):
    data = raw(fee_market(data=b"\x01\x00", gas=21000))
    assert refusal(data, state) == "intrinsic gas too low: gas 21000, minimum needed 21020"


# --- refused: sender and deployment --------------------------------------------------


def test_system_sender(state, monkeypatch):
    monkeypatch.setattr(
        system_addresses, "SYSTEM_SENDERS", system_addresses.SYSTEM_SENDERS | {ALICE.address}
    )
    assert refusal(raw(fee_market()), state) == (
        f"invalid sender: 0x{ALICE.address.hex()} is a system address"
    )


def test_depositor_account_is_a_system_sender():
    assert system_addresses.is_system_sender(
        bytes.fromhex("DeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001")
    )


def test_initcode_goes_to_the_deployment_policy(state):
    initcode = bytes.fromhex("4260005500")  # TIMESTAMP PUSH1 0 SSTORE STOP
    data = raw(fee_market(to=None, data=initcode, gas=100_000))
    assert refusal(data, state, deployment_policy=OVM1_SAFE_BYTECODE) == (
        "unsafe bytecode: initcode uses TIMESTAMP (0x42) at offset 0, "
        "not allowed by the OVM 1.0 safe-bytecode rules"
    )


def test_deployer_allow_list(state):
    policy = chain_deployment_policy(allowed_deployers=[BOB.address])
    data = raw(fee_market(to=None, data=b"", gas=100_000))
    assert refusal(data, state, deployment_policy=policy) == (
        f"deployer not allowed: 0x{ALICE.address.hex()} is not on the deployer allow-list"
    )


def test_calls_are_not_deployments(state):
    policy = chain_deployment_policy(allowed_deployers=[])
    assert admit_raw(raw(fee_market(data=b"\xff", gas=30000)), state, deployment_policy=policy)


# --- refused: against the state -------------------------------------------------------


def test_fee_cap_below_base_fee(state):
    data = raw(fee_market(max_fee_per_gas=BASE_FEE - 1))
    assert refusal(data, state) == (
        f"max fee per gas less than block base fee: address 0x{ALICE.address.hex()}, "
        f"maxFeePerGas: {BASE_FEE - 1}, baseFee: {BASE_FEE}"
    )


def test_nonce_too_low(state):
    state.set_nonce(ALICE.address, 3)
    assert refusal(raw(fee_market(nonce=1)), state) == (
        f"nonce too low: address 0x{ALICE.address.hex()}, tx: 1 state: 3"
    )


def test_nonce_gap_beyond_the_limit(state):
    assert refusal(raw(fee_market(nonce=65)), state) == (
        f"nonce too high: address 0x{ALICE.address.hex()}, tx: 65 state: 0, next: 0, max gap: 64"
    )


def test_nonce_gap_limit_is_configurable(state):
    message = refusal(raw(fee_market(nonce=3)), state, max_nonce_gap=2, pool_nonce=lambda a: 0)
    assert message.endswith("tx: 3 state: 0, next: 0, max gap: 2")


def test_sender_with_code(state):
    state.set_code(ALICE.address, b"\x00")
    assert refusal(raw(fee_market()), state) == (
        f"sender not an eoa: address 0x{ALICE.address.hex()}"
    )


def test_insufficient_funds(state):
    tx = fee_market(value=BALANCE)
    want = 21000 * 2 * BASE_FEE + BALANCE
    assert refusal(raw(tx), state) == (
        f"insufficient funds for gas * price + value: address 0x{ALICE.address.hex()} "
        f"have {BALANCE} want {want}"
    )


def test_unknown_sender_has_no_funds(state):
    assert refusal(raw(fee_market(key=BOB.private_key)), state).startswith(
        f"insufficient funds for gas * price + value: address 0x{BOB.address.hex()} have 0 want "
    )


def test_admission_error_is_a_value_error():
    assert issubclass(AdmissionError, ValueError)
