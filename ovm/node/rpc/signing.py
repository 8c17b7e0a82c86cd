"""
Signing for the unlocked accounts
=================================

What a wallet asks a dev node to sign with the keys it holds (the dev
accounts, unlocked as on anvil and Hardhat), as geth and anvil answer it:

* ``eth_sign(address, data)`` and ``personal_sign(data, address)``: an
  EIP-191 personal message, ``keccak256("\\x19Ethereum Signed Message:\\n"
  ‖ len(data) ‖ data)``; ``data`` is hex, or (as MetaMask takes it) text;
* ``eth_signTypedData_v4(address, typedData)``: EIP-712 structured data, as
  an object or its JSON text, hashed by eth-account's ``encode_typed_data``;
* ``eth_signTransaction(tx)``: the transaction ``eth_sendTransaction`` would
  send (see ``eth``), signed but not sent; the answer is its raw network form
  (the hex string ethers and viem read, as anvil gives it).

A signature is 65 bytes ``r ‖ s ‖ v`` with ``v`` 27 or 28. An address the node
holds no key for is -32000 ("unknown account"); malformed data or typed data
-32602 with the reason.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from eth_account.messages import encode_typed_data

from ...chain import DevAccount
from ...primitives.crypto import keccak256, sign
from .errors import InvalidParams, ServerError
from .context import NodeContext
from .params import Address, Json, ParamError
from .params import data as to_data

PERSONAL_MESSAGE_PREFIX = b"\x19Ethereum Signed Message:\n"


def key_of(accounts: Sequence[DevAccount], address: bytes) -> bytes:
    """The private key of an unlocked account; -32000 for any other address."""
    for account in accounts:
        if account.address == address:
            return account.private_key
    raise ServerError(f"unknown account 0x{address.hex()}: only the dev accounts are unlocked")


def signature(msg_hash: bytes, private_key: bytes) -> str:
    """``r ‖ s ‖ v`` (v = 27 + y parity), as wallets return a message signature."""
    y_parity, r, s = sign(msg_hash, private_key)
    return "0x" + (r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes((27 + y_parity,))).hex()


def message_bytes(value: Any, argument: str) -> bytes:
    """A message to sign: hex data, or any other string as its UTF-8 text."""
    if not isinstance(value, str):
        raise InvalidParams(f"invalid argument {argument}: expected a hex string or text")
    if value.startswith(("0x", "0X")):
        try:
            return to_data(value)
        except ParamError as exc:
            raise InvalidParams(f"invalid argument {argument}: {exc}") from None
    return value.encode()


def personal_message_hash(message: bytes) -> bytes:
    """EIP-191 version 0x45: what ``eth_sign`` and ``personal_sign`` sign."""
    return keccak256(PERSONAL_MESSAGE_PREFIX + str(len(message)).encode() + message)


def typed_data_hash(value: Any) -> bytes:
    """EIP-712: ``keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message))``."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise InvalidParams(f"invalid argument 1 (typedData): not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise InvalidParams("invalid argument 1 (typedData): expected an object or its JSON text")
    missing = [name for name in ("types", "primaryType", "domain", "message") if name not in value]
    if missing:
        raise InvalidParams(f"invalid argument 1 (typedData): missing {', '.join(missing)}")
    try:
        encoded = encode_typed_data(full_message=value)
    except Exception as exc:  # eth-account raises many types for malformed data; all mean bad input
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidParams(f"invalid argument 1 (typedData): {reason[:200]}") from None
    return keccak256(b"\x19" + encoded.version + encoded.header + encoded.body)


class Personal:
    """``personal_sign``: the one ``personal`` method wallets still use."""

    namespace = "personal"

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx

    def sign(self, message: Json, address: Address, password: Json = None) -> str:
        """``password`` is accepted, as geth takes one, and ignored: the account is unlocked."""
        key = key_of(self._ctx.dev_accounts, address)
        return signature(personal_message_hash(message_bytes(message, "0 (data)")), key)
