"""
Rollup configuration
====================

What every rollup service must agree on — the sequencer, batch submitter,
proposer and replica — kept in one ``rollup.json`` (the OP Stack keeps the
same kind of facts in its ``rollup.json``):

.. code-block:: json

    {
      "l1_chain_id": 900,
      "l2_chain_id": 901,
      "contracts": {"l1_bridge": "0x…", "batch_inbox": "0x…", "state_commitment_chain": "0x…"},
      "batcher": {"address": "0x…", "private_key": "0x…"},
      "proposer": {"address": "0x…"},
      "l1_anchor": {"number": 12, "hash": "0x…", "timestamp": 1700000000},
      "l2_genesis": {"number": 0, "hash": "0x…", "timestamp": 1700000000},
      "l2_block_time": 2,
      "sequencing_window": 3600,
      "max_sequencer_drift": 600,
      "challenge_period": 604800,
      "proposal_interval": 1800,
      "l2_dev_accounts": false
    }

- ``l1_anchor`` is the L1 block the L2 genesis is anchored to: derivation
  reads L1 from the block after it.
- ``l2_block_time`` is in seconds (L2 timestamps are whole seconds);
  ``sequencing_window`` counts L1 blocks: a batch must land within that many
  L1 blocks of its L1 origin, or derivation fills the gap with blocks holding
  only deposits; ``challenge_period`` is in seconds, as in the
  StateCommitmentChain; ``proposal_interval`` counts L2 blocks between
  proposed outputs.
- ``max_sequencer_drift`` (seconds, the OP Stack's name and default) bounds
  how far an L2 block's timestamp may run ahead of its L1 origin's. Files
  written before it existed may leave it out (the default applies).
- ``l2_dev_accounts``: whether the L2 genesis gives the ten dev accounts
  10,000 ETH each (nothing behind it on L1: only for a devnet on its own L1).
  Files written before it existed leave it out and mean true.
- An operator's ``private_key`` is there on a devnet only (the services sign
  with it); elsewhere keys come from the operator, and the field is left out.

Every field is required except the keys, ``max_sequencer_drift`` and ``l2_dev_accounts``. Numbers are JSON integers, hashes and
addresses ``0x`` hex. A bad file is a ``RollupConfigError`` with a one-line
message naming the file and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..chain.genesis import DEV_CHAIN_ID
from ..primitives.crypto import private_key_to_address
from ..primitives.json_fields import Fields, load_json_file
from ..primitives.types import HexError, hex_to_bytes, to_hex
from .l1.data import BlockRef
from .l1.devchain import L1_CHAIN_ID

L2_CHAIN_ID = DEV_CHAIN_ID
L2_BLOCK_TIME = 2
SEQUENCING_WINDOW = 3600  # L1 blocks: 12 hours of 12 s blocks, the OP Stack's
CHALLENGE_PERIOD = 7 * 24 * 3600  # seconds
PROPOSAL_INTERVAL = 1800  # L2 blocks: an hour of 2 s blocks
MAX_SEQUENCER_DRIFT = 600  # seconds, the OP Stack's


class RollupConfigError(ValueError):
    """A rollup configuration that cannot be read or has a bad field."""


@dataclass(frozen=True, slots=True)
class RollupContracts:
    """The addresses of the rollup's L1 contracts."""

    l1_bridge: bytes
    batch_inbox: bytes
    state_commitment_chain: bytes


@dataclass(frozen=True, slots=True)
class Operator:
    """An account that posts to L1 (batcher, proposer); its ``key`` on a devnet only."""

    address: bytes
    key: bytes | None = None


@dataclass(frozen=True, slots=True)
class RollupConfig:
    """The rollup's parameters (see the module docstring)."""

    contracts: RollupContracts
    batcher: Operator
    proposer: Operator
    l1_anchor: BlockRef
    l2_genesis: BlockRef
    l1_chain_id: int = L1_CHAIN_ID
    l2_chain_id: int = L2_CHAIN_ID
    l2_block_time: int = L2_BLOCK_TIME
    sequencing_window: int = SEQUENCING_WINDOW
    challenge_period: int = CHALLENGE_PERIOD
    proposal_interval: int = PROPOSAL_INTERVAL
    max_sequencer_drift: int = MAX_SEQUENCER_DRIFT
    l2_dev_accounts: bool = True

    def __post_init__(self) -> None:
        _check(self)

    def to_json(self) -> dict:
        return {
            "l1_chain_id": self.l1_chain_id,
            "l2_chain_id": self.l2_chain_id,
            "contracts": {
                "l1_bridge": to_hex(self.contracts.l1_bridge),
                "batch_inbox": to_hex(self.contracts.batch_inbox),
                "state_commitment_chain": to_hex(self.contracts.state_commitment_chain),
            },
            "batcher": _operator_json(self.batcher),
            "proposer": _operator_json(self.proposer),
            "l1_anchor": _block_ref_json(self.l1_anchor),
            "l2_genesis": _block_ref_json(self.l2_genesis),
            "l2_block_time": self.l2_block_time,
            "sequencing_window": self.sequencing_window,
            "challenge_period": self.challenge_period,
            "proposal_interval": self.proposal_interval,
            "max_sequencer_drift": self.max_sequencer_drift,
            "l2_dev_accounts": self.l2_dev_accounts,
        }

    def save(self, path: str | Path) -> None:
        """Write ``rollup.json``."""
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n")


# --- checks of values built in Python ------------------------------------------------


def _check(config: RollupConfig) -> None:
    """The rules JSON input is held to, for a config built in code as well."""
    for name in ("l1_chain_id", "l2_chain_id", "l2_block_time", "sequencing_window", "proposal_interval",
                 "max_sequencer_drift"):
        if getattr(config, name) < 1:
            raise RollupConfigError(f"{name}: must be positive, got {getattr(config, name)}")
    if config.challenge_period < 0:
        raise RollupConfigError(f"challenge_period: must not be negative, got {config.challenge_period}")
    if config.l1_chain_id == config.l2_chain_id:
        raise RollupConfigError(f"l1_chain_id and l2_chain_id are both {config.l1_chain_id}")
    for name in ("l1_bridge", "batch_inbox", "state_commitment_chain"):
        _check_size(f"contracts.{name}", getattr(config.contracts, name), 20)
    for name in ("batcher", "proposer"):
        _check_operator(name, getattr(config, name))
    for name in ("l1_anchor", "l2_genesis"):
        _check_block_ref(name, getattr(config, name))


def _check_size(where: str, value: bytes, size: int) -> None:
    if len(value) != size:
        raise RollupConfigError(f"{where}: expected {size} bytes, got {len(value)}")


def _check_block_ref(where: str, ref: BlockRef) -> None:
    _check_size(f"{where}.hash", ref.hash, 32)
    for name in ("number", "timestamp"):
        if getattr(ref, name) < 0:
            raise RollupConfigError(f"{where}.{name}: must not be negative, got {getattr(ref, name)}")


def _check_operator(where: str, operator: Operator) -> None:
    _check_size(f"{where}.address", operator.address, 20)
    if operator.key is None:
        return
    _check_size(f"{where}.private_key", operator.key, 32)
    try:
        owner = private_key_to_address(operator.key)
    except ValueError:
        raise RollupConfigError(f"{where}.private_key: not a valid secp256k1 key") from None
    if owner != operator.address:
        raise RollupConfigError(
            f"{where}.private_key: belongs to {to_hex(owner)}, not to {where}.address {to_hex(operator.address)}"
        )


# --- JSON ------------------------------------------------------------------------------


def _operator_json(operator: Operator) -> dict:
    out = {"address": to_hex(operator.address)}
    if operator.key is not None:
        out["private_key"] = to_hex(operator.key)
    return out


def _block_ref_json(ref: BlockRef) -> dict:
    return {"number": ref.number, "hash": to_hex(ref.hash), "timestamp": ref.timestamp}


def _fields(value: Any, where: str) -> Fields:
    return Fields(value, where, error=RollupConfigError, name="the configuration")


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RollupConfigError(f"{where}: expected an integer, got {json.dumps(value)}")
    return value


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise RollupConfigError(f"{where}: expected true or false, got {json.dumps(value)}")
    return value


def _hex_bytes(size: int) -> Callable[[Any, str], bytes]:
    def parse(value: Any, where: str) -> bytes:
        try:
            raw = hex_to_bytes(value) if isinstance(value, str) and value.startswith("0x") else None
        except HexError:
            raw = None
        if raw is None or len(raw) != size:
            raise RollupConfigError(f"{where}: expected {size} bytes of 0x hex, got {json.dumps(value)}")
        return raw

    return parse


_address = _hex_bytes(20)
_hash = _hex_bytes(32)


def _contracts(value: Any, where: str) -> RollupContracts:
    fields = _fields(value, where)
    contracts = RollupContracts(
        l1_bridge=fields.take("l1_bridge", _address),
        batch_inbox=fields.take("batch_inbox", _address),
        state_commitment_chain=fields.take("state_commitment_chain", _address),
    )
    fields.done()
    return contracts


def _operator(value: Any, where: str) -> Operator:
    fields = _fields(value, where)
    operator = Operator(fields.take("address", _address), fields.get("private_key", _hash, None))
    fields.done()
    return operator


def _block_ref(value: Any, where: str) -> BlockRef:
    fields = _fields(value, where)
    ref = BlockRef(fields.take("number", _integer), fields.take("hash", _hash), fields.take("timestamp", _integer))
    fields.done()
    return ref


def parse_config(data: Any) -> RollupConfig:
    """A ``RollupConfig`` from parsed JSON; ``RollupConfigError`` names the bad field."""
    fields = _fields(data, "")
    config = RollupConfig(
        l1_chain_id=fields.take("l1_chain_id", _integer),
        l2_chain_id=fields.take("l2_chain_id", _integer),
        contracts=fields.take("contracts", _contracts),
        batcher=fields.take("batcher", _operator),
        proposer=fields.take("proposer", _operator),
        l1_anchor=fields.take("l1_anchor", _block_ref),
        l2_genesis=fields.take("l2_genesis", _block_ref),
        l2_block_time=fields.take("l2_block_time", _integer),
        sequencing_window=fields.take("sequencing_window", _integer),
        challenge_period=fields.take("challenge_period", _integer),
        proposal_interval=fields.take("proposal_interval", _integer),
        max_sequencer_drift=fields.get("max_sequencer_drift", _integer, MAX_SEQUENCER_DRIFT),
        l2_dev_accounts=fields.get("l2_dev_accounts", _boolean, True),
    )
    fields.done()
    return config


def load_config(path: str | Path) -> RollupConfig:
    """Read ``rollup.json``; every problem is a one-line ``RollupConfigError`` naming the file."""
    return load_json_file(path, parse_config, error=RollupConfigError)
