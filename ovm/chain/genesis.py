"""
Genesis
=======

What a chain starts from: its ``ChainConfig`` (chain id, block gas limit,
EIP-1559 parameters, the genesis base fee, its fork schedule, the deposit
contract of EIP-6110) and its ``Genesis`` (allocated accounts, timestamp,
extra data), read from a geth-style JSON file:

.. code-block:: json

    {
      "config": {"chainId": 901, "cancunTime": 0, "pragueTime": 1700000000,
                 "blobSchedule": {"prague": {"target": 6, "max": 9, "baseFeeUpdateFraction": 5007716}},
                 "depositContractAddress": "0x00000000219ab540356cbb839cbe05303d7705fa",
                 "optimism": {"eip1559Elasticity": 6, "eip1559Denominator": 250}},
      "gasLimit": "0x1c9c380",
      "baseFeePerGas": "0x3b9aca00",
      "timestamp": "0x0",
      "extraData": "0x",
      "alloc": {"0xf39f...2266": {"balance": "0x21e19e0c9bab2400000", "nonce": "0x0",
                                  "code": "0x", "storage": {"0x00": "0x01"}}}
    }

Quantities are hex strings, decimal strings or JSON integers, as geth
accepts. ``config.optimism`` is op-geth's place for the base fee parameters
and is optional. The fork schedule is geth's: ``<fork>Time`` for each of
Ethereum's forks ovm runs (``ovm.chain.forks.ETHEREUM``: ``cancunTime``,
``pragueTime``, ``bpo1Time``, …), each at or after the one before; Cancun
runs from genesis, so a file that names no fork is Cancun throughout (as
ovm always ran), and a fork left out is not scheduled. ``blobSchedule``
replaces a fork's blob target, maximum and update fraction (EIP-7840's
form, mainnet's values by default). ``depositContractAddress`` is where
deposit requests come from (EIP-6110; mainnet's by default, where a dev
chain has no code). A chain whose genesis runs Prague or later needs the
request contracts of EIP-7002 and EIP-7251 in its alloc: its blocks call
them. Any mistake is a ``GenesisError`` naming the file and field.

``dev_genesis`` is the default devnet: the ten dev accounts with 10,000 ETH
each, and the system contracts its forks call (``ChainFork.system_contracts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..evm.gas import BlobParams
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
from .forks import CANCUN_ONLY, ETHEREUM, ChainFork, ForkSchedule, ForkScheduleError
from .header import MAX_EXTRA_DATA_BYTES, Header
from .requests import EMPTY_REQUESTS_HASH, MAINNET_DEPOSIT_CONTRACT

ETHER = 10**18
GWEI = 10**9
DEV_BALANCE = 10_000 * ETHER
DEV_CHAIN_ID = 901  # the devnet's L2
MIN_GAS_LIMIT = 5000  # the protocol's floor for a block gas limit


class GenesisError(ValueError):
    """A genesis file that cannot be read or has a malformed field."""


@dataclass(frozen=True, slots=True)
class ChainConfig:
    """``forks``: the fork of each block by its timestamp (``ForkSchedule``;
    Cancun throughout by default). ``deposit_contract``: where EIP-6110's
    deposit requests come from."""

    chain_id: int = DEV_CHAIN_ID
    gas_limit: int = 30_000_000
    base_fee_params: BaseFeeParams = BaseFeeParams()
    initial_base_fee: int = GWEI
    fee_recipient: bytes = SEQUENCER_FEE_VAULT
    forks: ForkSchedule = CANCUN_ONLY
    deposit_contract: bytes = MAINNET_DEPOSIT_CONTRACT


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


# geth's time-activated forks before ovm's first, which a genesis may name (all active).
EARLIER_TIME_FORKS = frozenset({"shanghaiTime"})


def _fork_schedule(config: Fields) -> ForkSchedule:
    """geth's ``<fork>Time`` fields and ``blobSchedule``. A fork ovm does not
    run is refused: its blocks would follow other rules than ovm's."""
    times = {}
    for row in ETHEREUM.rows:
        time = config.get(f"{row.key}Time", _uint64, None)
        if time is not None:
            times[row.key] = time
    blob_schedule = config.get("blobSchedule", _fields, None)
    for name, value in config.items():
        if name.endswith("Time") and name not in EARLIER_TIME_FORKS and value is not None:
            raise GenesisError(
                f"{config.path(name)}: ovm does not run that fork (it runs {', '.join(ETHEREUM.keys)})"
            )
    try:
        schedule = ETHEREUM.schedule(times)
    except ForkScheduleError as exc:
        raise GenesisError(f"config: {exc}") from None
    if blob_schedule is None:
        return schedule
    blobs = {}
    for key, value in blob_schedule.items():
        if key not in ETHEREUM.keys:
            raise GenesisError(f"{blob_schedule.path(key)}: not a fork ovm runs ({', '.join(ETHEREUM.keys)})")
        blobs[key] = _blob_params(value, ETHEREUM.find(key).fork.blobs, blob_schedule.path(key))
    return schedule.with_blobs(blobs)


def _blob_params(value: Any, default: BlobParams, where: str) -> BlobParams:
    entry = _fields(value, where)
    target = entry.take("target", _uint64)
    maximum = entry.take("max", _uint64)
    fraction = entry.take("baseFeeUpdateFraction", _uint64)
    if not 0 < target <= maximum or fraction == 0:
        raise GenesisError(f"{where}: needs 0 < target <= max and a positive baseFeeUpdateFraction")
    # A transaction's cap (EIP-7594) and the reserve price (EIP-7918) are the fork's, not the schedule's.
    return BlobParams(target, maximum, fraction, default.max_per_transaction, default.base_cost)


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
        deposit_contract=config.get("depositContractAddress", _address, default.deposit_contract),
        forks=_fork_schedule(config),
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
    genesis = Genesis(
        config=_chain_config(root),
        alloc=root.take("alloc", _alloc),
        timestamp=root.get("timestamp", _uint64, 0),
        extra_data=extra_data,
        coinbase=root.get("coinbase", _address, ZERO_ADDRESS),
        prev_randao=prev_randao,
    )
    _check_request_contracts(genesis)
    return genesis


def _check_request_contracts(genesis: Genesis) -> None:
    """A genesis at a fork whose blocks call request contracts must hold them
    (else no block could be made: those calls are checked)."""
    row = genesis.config.forks.at(genesis.timestamp)
    for contract in row.block.required_contracts:
        account = genesis.alloc.get(contract.address)
        if account is None or not account.code:
            raise GenesisError(
                f"alloc: {row.name} at genesis calls the {contract.name} contract, but "
                f"0x{contract.address.hex()} has no code"
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


def genesis_block(genesis: Genesis, state: State) -> Block:
    """Block 0: no parent, no transactions, ``state``'s root; the header as
    the genesis's fork makes it (at a fork with requests, the hash of none;
    on Isthmus, the L2ToL1MessagePasser's storage root as the withdrawals
    root, as the spec's "Genesis Block" says)."""
    fork = genesis.config.forks.at(genesis.timestamp)
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
        requests_hash=None if fork.block.requests is None else EMPTY_REQUESTS_HASH,
        withdrawals_root=header_withdrawals_root(fork.fork, state, ()),
    )
    return Block(header, ())


def system_contract_alloc(forks: Iterable[ChainFork]) -> dict[bytes, GenesisAccount]:
    """The system contracts a chain that runs ``forks`` starts with, as
    deployed contracts (nonce 1)."""
    return {contract.address: GenesisAccount(nonce=1, code=contract.code) for row in forks for contract in row.system_contracts}


def dev_account_alloc() -> dict[bytes, GenesisAccount]:
    """Each dev account with 10,000 ETH."""
    return {account.address: GenesisAccount(balance=DEV_BALANCE) for account in dev_accounts()}


def dev_genesis(config: ChainConfig = ChainConfig(), timestamp: int = 0) -> Genesis:
    """The devnet genesis: each dev account holds 10,000 ETH, and the system
    contracts are there for the forks of ``config``."""
    alloc = {**dev_account_alloc(), **system_contract_alloc(config.forks.forks)}
    return Genesis(config=config, alloc=alloc, timestamp=timestamp)
