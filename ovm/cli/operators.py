"""
A devnet's operator keys and their funding
==========================================

Who deploys the rollup's contracts, posts its batches and proposes its outputs
on an ``ovm devnet``, and where their L1 ETH comes from.

**Keys.** Each role — ``deployer``, ``batcher``, ``proposer`` — gets a fresh
key, unless the operator gives one: in a JSON file (``--operator-keys FILE``,
``{"batcher": "0x…", …}``, any of the three) or in the environment
(``OVM_DEPLOYER_KEY``, ``OVM_BATCHER_KEY``, ``OVM_PROPOSER_KEY``); never on the
command line, where other users of the machine could read it. The devnet
keeps the three in ``operator-keys.json`` in its data directory (readable by
its owner only), so that a resumed devnet signs with the same ones. The public
dev keys are never operators: anyone could then post batches or outputs.

**Funding.** Fresh keys hold nothing. A *funding key* — ``OVM_FUNDING_KEY`` or
``--funding-key-file FILE`` on a shared L1, dev account 0 on the embedded L1 —
is used for one thing only: topping the operators up to what they need (the
deployer, the deployment's gas; the batcher and the proposer,
``--operator-eth`` each, the proposer its bond on top). Accounts that already
hold enough get nothing, so funded keys need no funding key. Nothing able to
pay is a one-line error saying what to give.

Key material never appears in an error message.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from coincurve import PrivateKey

from ..primitives.crypto import private_key_to_address
from ..primitives.json_fields import load_json_file
from ..primitives.types import HexError, hex_to_bytes, to_hex
from ..rollup.l1.client import L1Client, L1Error
from .errors import UsageError

ROLES = ("deployer", "batcher", "proposer")
KEY_ENV = {role: f"OVM_{role.upper()}_KEY" for role in ROLES}
FUNDING_ENV = "OVM_FUNDING_KEY"
KEYS_FILE = "operator-keys.json"
DEPLOYMENT_GAS = 4_000_000  # the three deployments take about 2.9M
TRANSFER_GAS = 21_000
WEI = 10**18


@dataclass(frozen=True, slots=True)
class OperatorKeys:
    deployer: bytes
    batcher: bytes
    proposer: bytes

    def address(self, role: str) -> bytes:
        return private_key_to_address(getattr(self, role))

    def to_json(self) -> dict:
        return {role: to_hex(getattr(self, role)) for role in ROLES}


def parse_key(text: str, where: str) -> bytes:
    """A secp256k1 private key from 0x hex (or bare hex); ``UsageError`` naming
    ``where`` (not the text) if it is not one."""
    text = text.strip()
    try:
        key = hex_to_bytes(text if text.startswith("0x") else "0x" + text)
        if len(key) == 32:
            private_key_to_address(key)
            return key
    except (HexError, ValueError):
        pass
    raise UsageError(f"{where}: not a private key (32 bytes of hex)")


def read_key_file(path: str | Path) -> bytes:
    """The key in a text file holding one hex key."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_key(text, str(path))


def fresh_key() -> bytes:
    return PrivateKey().secret


def _keys_in_file(path: Path) -> dict[str, bytes]:
    return load_json_file(path, _keys, error=UsageError)


def _keys(data: Any) -> dict[str, bytes]:
    if not isinstance(data, dict) or not set(data) <= set(ROLES) or not all(isinstance(v, str) for v in data.values()):
        raise UsageError(f"expected a JSON object with some of {', '.join(ROLES)} as hex keys")
    return {role: parse_key(text, role) for role, text in data.items()}


def operator_keys(datadir: Path, given: str | None, environ: Mapping[str, str]) -> OperatorKeys:
    """The devnet's operator keys: those kept in ``datadir`` (a resumed devnet),
    else the file ``given``, the environment and fresh keys, in that order of
    preference per role. The result is kept in ``datadir``."""
    saved = datadir / KEYS_FILE
    if saved.exists():
        keys = _keys_in_file(saved)
        if set(keys) == set(ROLES):
            return OperatorKeys(**keys)
    from_file = _keys_in_file(Path(given)) if given else {}
    keys = {}
    for role in ROLES:
        if role in from_file:
            keys[role] = from_file[role]
        elif environ.get(KEY_ENV[role]):
            keys[role] = parse_key(environ[KEY_ENV[role]], KEY_ENV[role])
        else:
            keys[role] = fresh_key()
    result = OperatorKeys(**keys)
    write_private(saved, json.dumps(result.to_json(), indent=1) + "\n")
    return result


def funding_key(given: str | None, environ: Mapping[str, str], default: bytes | None) -> bytes | None:
    """The funding key: ``--funding-key-file``, else ``OVM_FUNDING_KEY``, else ``default``."""
    if given:
        return read_key_file(given)
    if environ.get(FUNDING_ENV):
        return parse_key(environ[FUNDING_ENV], FUNDING_ENV)
    return default


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, readable and writable by the owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    os.chmod(path, 0o600)


def deployment_cost(client: L1Client) -> int:
    """Wei the deployer should hold: the deployment's gas at twice the fee cap
    the client offers now (room for the base fee to rise meanwhile)."""
    fee_cap = 2 * client.head().base_fee + client.suggested_tip()
    return 2 * DEPLOYMENT_GAS * fee_cap


def eth(wei: int) -> str:
    return f"{Decimal(wei) / WEI:f} ETH"


def fund(client: L1Client, funder: bytes | None, needs: Mapping[str, tuple[bytes, int]]) -> None:
    """Top up each role's address of ``needs`` (role -> (address, wei)) to its amount from ``funder``."""
    short = {role: (address, need - balance) for role, (address, need) in needs.items()
             if (balance := client.balance(address)) < need}  # fmt: skip
    if not short:
        return
    if funder is None:
        missing = ", ".join(f"{role} 0x{address.hex()} needs {eth(amount)}" for role, (address, amount) in short.items())
        raise UsageError(f"the operator accounts need L1 ETH ({missing}): give a funded key in "
                         f"{FUNDING_ENV} or --funding-key-file FILE to fund them, or funded keys with "
                         "--operator-keys FILE")
    source = private_key_to_address(funder)
    fee_cap = 2 * client.head().base_fee + client.suggested_tip()
    total = sum(amount for _, amount in short.values()) + len(short) * TRANSFER_GAS * fee_cap
    if client.balance(source) < total:
        raise UsageError(f"the funding account 0x{source.hex()} holds {eth(client.balance(source))}; "
                         f"funding the operators takes {eth(total)}")
    try:
        sent = [client.txs.send_transaction(funder, to=address, value=amount, gas=TRANSFER_GAS)
                for address, amount in short.values()]  # fmt: skip
        for tx_hash in sent:
            client.txs.confirm(tx_hash)
    except L1Error as exc:
        raise UsageError(f"funding the operator accounts from 0x{source.hex()}: {exc}") from None
