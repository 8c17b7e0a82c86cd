"""Helpers for the EIP-7702 tests: keys, signed authorizations, and one
transaction (type 2 or type 4) run on a chosen engine."""

from __future__ import annotations

from support import CONTRACT, SENDER_KEY, make_env

from ovm.evm.delegation import designator, sign_authorization
from ovm.evm.forks import PRAGUE
from ovm.evm.processor import process_transaction
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import Authorization, FeeMarketTransaction, SetCodeTransaction
from ovm.primitives.crypto import private_key_to_address
from ovm.transpiler import TranspilingRunner

CHAIN_ID = 1  # make_env's
PRICE = 8  # fee cap 10, tip 1, over make_env's base fee 7
AUTHORITY_KEY = bytes.fromhex("11" * 32)
AUTHORITY = private_key_to_address(AUTHORITY_KEY)
OTHER_AUTHORITY_KEY = bytes.fromhex("22" * 32)
OTHER_AUTHORITY = private_key_to_address(OTHER_AUTHORITY_KEY)
DELEGATE = bytes.fromhex("de1e6a7e00000000000000000000000000000001")
ENGINES = {"interpreter": None, "transpiler": TranspilingRunner(threshold=0)}


def authorize(address: bytes, nonce: int = 0, key: bytes = AUTHORITY_KEY, chain_id: int = CHAIN_ID) -> Authorization:
    return sign_authorization(key, chain_id, address, nonce)


def delegate_account(state, authority: bytes = AUTHORITY, to: bytes = DELEGATE, balance: int = 0, nonce: int = 1):
    """Give ``authority`` a delegation designator to ``to`` in the pre-state."""
    state.load_account(authority, nonce, balance, designator(to), {})


def set_code_tx(authorizations, *, to: bytes = CONTRACT, data: bytes = b"", gas: int = 1_000_000,
                value: int = 0, nonce: int = 0, access_list=(), chain_id: int = CHAIN_ID) -> SetCodeTransaction:
    tx = SetCodeTransaction(
        chain_id=chain_id, nonce=nonce, max_priority_fee_per_gas=1, max_fee_per_gas=10, gas=gas, to=to,
        value=value, data=data, access_list=access_list, authorization_list=tuple(authorizations),
        y_parity=0, r=0, s=0,
    )  # fmt: skip
    return sign_transaction(tx, SENDER_KEY, chain_id)


def fee_market_tx(*, to: bytes = CONTRACT, data: bytes = b"", gas: int = 1_000_000, value: int = 0,
                  nonce: int = 0, access_list=()) -> FeeMarketTransaction:
    tx = FeeMarketTransaction(
        chain_id=CHAIN_ID, nonce=nonce, max_priority_fee_per_gas=1, max_fee_per_gas=10, gas=gas, to=to,
        value=value, data=data, access_list=access_list, y_parity=0, r=0, s=0,
    )  # fmt: skip
    return sign_transaction(tx, SENDER_KEY, CHAIN_ID)


def send(state, tx, engine: str = "interpreter", fork=PRAGUE, env=None):
    return process_transaction(state, env or make_env(), tx, fork, code_runner=ENGINES[engine])
