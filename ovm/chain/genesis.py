"""
Genesis
=======

What a chain starts from: its ``ChainConfig`` (chain id, block gas limit,
EIP-1559 parameters, the genesis base fee, whether blocks make the
beacon-roots system call) and its ``Genesis`` (allocated
accounts, timestamp, extra data), read from a geth-style JSON file:

.. code-block:: json

    {
      "config": {"chainId": 901, "optimism": {"eip1559Elasticity": 6, "eip1559Denominator": 250}},
      "gasLimit": "0x1c9c380",
      "baseFeePerGas": "0x3b9aca00",
      "timestamp": "0x0",
      "extraData": "0x",
      "alloc": {"0xf39f...2266": {"balance": "0x21e19e0c9bab2400000", "nonce": "0x0",
                                  "code": "0x", "storage": {"0x00": "0x01"}}}
    }

Quantities are hex strings, decimal strings or JSON integers, as geth
accepts. ``config.optimism`` is op-geth's place for the base fee parameters
and is optional. Any mistake is a ``GenesisError`` naming the file and field.

``dev_genesis`` is the default devnet: the ten dev accounts with 10,000 ETH each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Mapping

from ..evm.forks import Fork
from ..evm.l2 import SEQUENCER_FEE_VAULT  # the coinbase of every L2 block
from ..primitives.json_fields import Fields, load_json_file
from ..primitives.types import (
    UINT64_MAX,
    UINT256_MAX,
    ZERO_ADDRESS,
    ZERO_HASH,
    HexError,
    hex_to_address,
    hex_to_bytes,
    hex_to_int,
)
from ..state import State
from .base_fee import BaseFeeParams
from .block import Block, header_withdrawals_root
from .dev_accounts import dev_accounts
from .header import MAX_EXTRA_DATA_BYTES, Header

ETHER = 10**18
GWEI = 10**9
DEV_BALANCE = 10_000 * ETHER
DEV_CHAIN_ID = 901  # the devnet's L2
MIN_GAS_LIMIT = 5000  # the protocol's floor for a block gas limit


class GenesisError(ValueError):
    """A genesis file that cannot be read or has a malformed field."""


@dataclass(frozen=True, slots=True)
class ChainConfig:
    """``beacon_roots``: every block starts with the EIP-4788 system call
    (``system_call.store_beacon_root``), as on Ethereum since Cancun and on
    OP Stack chains since Ecotone."""

    chain_id: int = DEV_CHAIN_ID
    gas_limit: int = 30_000_000
    base_fee_params: BaseFeeParams = BaseFeeParams()
    initial_base_fee: int = GWEI
    fee_recipient: bytes = SEQUENCER_FEE_VAULT
    beacon_roots: bool = True


@dataclass(frozen=True, slots=True)
class GenesisAccount:
    balance: int = 0
    nonce: int = 0
    code: bytes = b""
    storage: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Genesis:
    config: ChainConfig = ChainConfig()
    alloc: Mapping[bytes, GenesisAccount] = field(default_factory=dict)
    timestamp: int = 0
    extra_data: bytes = b""
    coinbase: bytes = ZERO_ADDRESS
    prev_randao: bytes = ZERO_HASH


# --- field parsers ----------------------------------------------------------------


def _fields(value: Any, where: str) -> Fields:
    return Fields(value, where, error=GenesisError, name="genesis")


def _quantity(value: Any, where: str, limit: int = UINT256_MAX) -> int:
    """A non-negative integer from a JSON integer or a hex or decimal string."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise GenesisError(f"{where}: expected a number or a hex string")
    try:
        number = hex_to_int(value) if isinstance(value, str) else value
    except HexError as exc:
        raise GenesisError(f"{where}: {exc}") from None
    if not 0 <= number <= limit:
        raise GenesisError(f"{where}: {number} is out of range")
    return number


_uint64 = partial(_quantity, limit=UINT64_MAX)


def _data(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise GenesisError(f"{where}: expected a hex string")
    try:
        return hex_to_bytes(value)
    except HexError as exc:
        raise GenesisError(f"{where}: {exc}") from None


def _address(text: Any, where: str) -> bytes:
    if not isinstance(text, str):
        raise GenesisError(f"{where}: expected a hex address")
    try:
        return hex_to_address(text)
    except HexError as exc:
        raise GenesisError(f"{where}: {exc}") from None


# --- sections ---------------------------------------------------------------------


def _storage(value: Any, where: str) -> dict[int, int]:
    slots = _fields(value, where)
    return {
        _quantity(key, f"{slots.path(key)} (key)"): _quantity(word, slots.path(key))
        for key, word in slots.items()
    }


def _account(value: Any, where: str) -> GenesisAccount:
    account = _fields(value, where)
    return GenesisAccount(
        balance=account.get("balance", _quantity, 0),
        nonce=account.get("nonce", _uint64, 0),
        code=account.get("code", _data, b""),
        storage=account.get("storage", _storage, {}),
    )


def _alloc(value: Any, where: str) -> dict[bytes, GenesisAccount]:
    accounts = _fields(value, where)
    return {
        _address(key, accounts.path(key)): _account(account, accounts.path(key))
        for key, account in accounts.items()
    }


def _optimism(value: Any, where: str) -> BaseFeeParams:
    """op-geth's ``config.optimism`` parameters (Ethereum's where left out)."""
    default = BaseFeeParams()
    optimism = _fields(value, where)
    params = (
        optimism.get("eip1559Elasticity", _quantity, default.elasticity_multiplier),
        optimism.get("eip1559Denominator", _quantity, default.max_change_denominator),
    )
    if 0 in params:
        raise GenesisError(f"{where}: elasticity and denominator must be positive")
    return BaseFeeParams(*params)


def _chain_config(root: Fields) -> ChainConfig:
    config = root.take("config", _fields)
    default = ChainConfig()
    chain_id = config.take("chainId", _quantity)
    if chain_id == 0:
        raise GenesisError(f"{config.path('chainId')}: must not be 0")
    gas_limit = root.get("gasLimit", _uint64, default.gas_limit)
    if gas_limit < MIN_GAS_LIMIT:
        raise GenesisError(f"gasLimit: {gas_limit} is below the minimum {MIN_GAS_LIMIT}")
    return ChainConfig(
        chain_id=chain_id,
        gas_limit=gas_limit,
        base_fee_params=config.get("optimism", _optimism, BaseFeeParams()),
        initial_base_fee=root.get("baseFeePerGas", _quantity, default.initial_base_fee),
    )


def parse_genesis(data: Any) -> Genesis:
    """A ``Genesis`` from parsed JSON; ``GenesisError`` names the bad field.
    Fields it does not use (geth's ``difficulty``, ``nonce``, ...) are let be."""
    root = _fields(data, "")
    extra_data = root.get("extraData", _data, b"")
    if len(extra_data) > MAX_EXTRA_DATA_BYTES:
        raise GenesisError(
            f"extraData: {len(extra_data)} bytes, at most {MAX_EXTRA_DATA_BYTES} allowed"
        )
    prev_randao = root.get("mixHash", _data, ZERO_HASH)
    if len(prev_randao) != 32:
        raise GenesisError("mixHash: expected 32 bytes")
    return Genesis(
        config=_chain_config(root),
        alloc=root.take("alloc", _alloc),
        timestamp=root.get("timestamp", _uint64, 0),
        extra_data=extra_data,
        coinbase=root.get("coinbase", _address, ZERO_ADDRESS),
        prev_randao=prev_randao,
    )


def load_genesis(path: str | Path) -> Genesis:
    """Read and parse a genesis JSON file."""
    return load_json_file(path, parse_genesis, error=GenesisError)


# --- state and block --------------------------------------------------------------


def genesis_state(genesis: Genesis) -> State:
    state = State()
    for address, account in genesis.alloc.items():
        storage = dict(account.storage)
        state.load_account(address, account.nonce, account.balance, account.code, storage)
    return state


def genesis_block(genesis: Genesis, state: State, fork: Fork | None = None) -> Block:
    """Block 0: no parent, no transactions, ``state``'s root; the header's
    withdrawals root as ``fork`` makes it (Isthmus: the L2ToL1MessagePasser's
    storage root, as the spec's "Genesis Block" says)."""
    header = Header(
        parent_hash=ZERO_HASH,
        coinbase=genesis.coinbase,
        state_root=state.state_root(),
        number=0,
        gas_limit=genesis.config.gas_limit,
        timestamp=genesis.timestamp,
        extra_data=genesis.extra_data,
        prev_randao=genesis.prev_randao,
        base_fee_per_gas=genesis.config.initial_base_fee,
        withdrawals_root=header_withdrawals_root(fork, state, ()),
    )
    return Block(header, ())


def dev_genesis(config: ChainConfig = ChainConfig(), timestamp: int = 0) -> Genesis:
    """The devnet genesis: each dev account holds 10,000 ETH."""
    alloc = {account.address: GenesisAccount(balance=DEV_BALANCE) for account in dev_accounts()}
    return Genesis(config=config, alloc=alloc, timestamp=timestamp)
