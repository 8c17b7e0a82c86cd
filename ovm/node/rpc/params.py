"""
Parameter converters
====================

A handler declares what each parameter is with an annotation —
``address: Address``, ``block: BlockId = "latest"`` — and the server converts
the JSON value with the converter the annotation carries
(``Annotated[bytes, address]``) before the call. A converter raises
``ParamError`` with the reason; the server answers -32602 naming the argument
(``invalid argument 0 (address): hex string has length 38, want 40 for an
address``).

Inputs are read leniently where geth's clients differ: quantities may have
leading zeros or be JSON integers, addresses any mix of case (checksums are
not enforced), a block may be a tag, a number, or an EIP-1898 object. Data
and hashes need their ``0x`` prefix and whole bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, Callable

from ...evm.transactions import Authorization
from ...primitives.json_fields import json_type, within
from ...primitives.types import UINT64_MAX, UINT256_MAX

BLOCK_TAGS = ("latest", "pending", "safe", "finalized", "earliest")
HEX_DIGITS = re.compile(r"[0-9a-fA-F]*")


class ParamError(ValueError):
    """A parameter value that cannot be converted; the message says why."""


_field = partial(within, error=ParamError)
"""``_field(convert, value, name)``: the converted value; an error names the field."""


# --- scalars ----------------------------------------------------------------------


def _hex_digits(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ParamError(f"expected a hex string for {what}, got {json_type(value)}")
    if value[:2] not in ("0x", "0X"):
        raise ParamError(f"hex string without 0x prefix for {what}")
    digits = value[2:]
    if not HEX_DIGITS.fullmatch(digits):
        raise ParamError(f"invalid hex string for {what}")
    return digits


def quantity(value: Any, limit: int = UINT256_MAX, what: str = "a quantity") -> int:
    """A non-negative integer: ``0x`` hex (leading zeros allowed) or a JSON integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        digits = _hex_digits(value, what)
        if not digits:
            raise ParamError(f"empty hex string for {what}")
        number = int(digits, 16)
    if number < 0:
        raise ParamError(f"negative number for {what}")
    if number > limit:
        raise ParamError(f"{what} exceeds {limit.bit_length()} bits")
    return number


def uint64(value: Any) -> int:
    return quantity(value, UINT64_MAX, "a 64-bit quantity")


def data(value: Any) -> bytes:
    """``0x``-prefixed hex bytes (``"0x"`` is empty)."""
    digits = _hex_digits(value, "data")
    if len(digits) % 2:
        raise ParamError("hex string of odd length")
    return bytes.fromhex(digits)


def _fixed(value: Any, size: int, what: str) -> bytes:
    digits = _hex_digits(value, what)
    if len(digits) != 2 * size:
        raise ParamError(f"hex string has length {len(digits)}, want {2 * size} for {what}")
    return bytes.fromhex(digits)


def address(value: Any) -> bytes:
    """A 20-byte address in any letter case."""
    return _fixed(value, 20, "an address")


def hash32(value: Any) -> bytes:
    return _fixed(value, 32, "a 32-byte hash")


def storage_slot(value: Any) -> int:
    """A storage key: a quantity or a 32-byte word, as clients send either."""
    digits = _hex_digits(value, "a storage slot") if isinstance(value, str) else None
    if digits is not None and len(digits) > 64:
        raise ParamError("storage slot exceeds 32 bytes")
    return quantity(value, what="a storage slot")


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ParamError(f"expected a boolean, got {json_type(value)}")
    return value


def obj(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise ParamError(f"expected an object for {what}, got {json_type(value)}")
    return value


def any_json(value: Any) -> Any:
    return value


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ParamError(f"expected a string, got {json_type(value)}")
    return value


def list_of(convert: Callable[[Any], Any]) -> Callable[[Any], list]:
    """A converter of JSON arrays whose items ``convert`` converts."""

    def convert_list(value: Any) -> list:
        if not isinstance(value, list):
            raise ParamError(f"expected an array, got {json_type(value)}")
        return [_field(convert, item, f"[{i}]") for i, item in enumerate(value)]

    return convert_list


def identifier(value: Any) -> str:
    """A filter or subscription id: a hex quantity, compared in canonical form."""
    return hex(quantity(value, what="an id"))


# --- blocks -----------------------------------------------------------------------


BlockRef = str | int | bytes
"""A tag (``"latest"`` ...), a block number, or a block hash."""


def block_number_or_tag(value: Any) -> str | int:
    if isinstance(value, str) and value in BLOCK_TAGS:
        return value
    if isinstance(value, str) and not value.startswith(("0x", "0X")):
        raise ParamError(f"invalid block tag {value[:20]!r}: want one of {', '.join(BLOCK_TAGS)} "
                         "or a hex block number")
    return quantity(value, UINT64_MAX, "a block number")


def block_id(value: Any) -> BlockRef:
    """A tag, a number, or an EIP-1898 ``{blockNumber}`` / ``{blockHash}`` object."""
    if not isinstance(value, dict):
        return block_number_or_tag(value)
    if "blockHash" in value and "blockNumber" in value:
        raise ParamError("blockHash and blockNumber are mutually exclusive")
    if "blockHash" in value:
        if "requireCanonical" in value:
            boolean(value["requireCanonical"])
        return hash32(value["blockHash"])
    if "blockNumber" in value:
        return block_number_or_tag(value["blockNumber"])
    raise ParamError("block object needs blockHash or blockNumber")


# --- objects ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallObject:
    """A transaction call object (``eth_call``, ``eth_estimateGas``,
    ``eth_sendTransaction``); ``None`` where the client left a field out."""

    sender: bytes | None = None
    to: bytes | None = None
    gas: int | None = None
    gas_price: int | None = None
    max_fee_per_gas: int | None = None
    max_priority_fee_per_gas: int | None = None
    value: int | None = None
    data: bytes | None = None
    nonce: int | None = None
    access_list: tuple | None = None
    chain_id: int | None = None
    type: int | None = None
    blob_versioned_hashes: tuple[bytes, ...] | None = None
    max_fee_per_blob_gas: int | None = None
    authorization_list: tuple | None = None  # of ``ovm.evm.transactions.Authorization``


def blob_hashes(value: Any) -> tuple[bytes, ...]:
    if not isinstance(value, list):
        raise ParamError(f"expected an array, got {json_type(value)}")
    return tuple(_field(hash32, item, f"[{i}]") for i, item in enumerate(value))


CALL_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "from": ("sender", address),
    "to": ("to", address),
    "gas": ("gas", uint64),
    "gasPrice": ("gas_price", quantity),
    "maxFeePerGas": ("max_fee_per_gas", quantity),
    "maxPriorityFeePerGas": ("max_priority_fee_per_gas", quantity),
    "value": ("value", quantity),
    "nonce": ("nonce", uint64),
    "chainId": ("chain_id", quantity),
    "type": ("type", uint64),
    "blobVersionedHashes": ("blob_versioned_hashes", blob_hashes),
    "maxFeePerBlobGas": ("max_fee_per_blob_gas", quantity),
}
# A blob transaction's sidecar (cast and viem send it along): the call needs only the hashes.
IGNORED_CALL_FIELDS = frozenset({"blobs", "commitments", "proofs", "cellProofs", "sidecar", "hash"})


def access_list(value: Any) -> tuple:
    if not isinstance(value, list):
        raise ParamError(f"expected an array, got {json_type(value)}")
    entries = []
    for i, entry in enumerate(value):
        entry = obj(entry, f"entry {i}")
        keys = entry.get("storageKeys", [])
        if not isinstance(keys, list):
            raise ParamError(f"[{i}].storageKeys: expected an array")
        entries.append((
            _field(address, entry.get("address"), f"[{i}].address"),
            tuple(_field(hash32, key, f"[{i}].storageKeys[{j}]") for j, key in enumerate(keys)),
        ))
    return tuple(entries)


AUTHORIZATION_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "chainId": ("chain_id", quantity),
    "address": ("address", address),
    "nonce": ("nonce", uint64),
    "yParity": ("y_parity", lambda value: quantity(value, 0xFF, "an 8-bit quantity")),
    "r": ("r", quantity),
    "s": ("s", quantity),
}
"""geth's JSON of an EIP-7702 authorization (``SetCodeAuthorization``), every
field required; other keys (a ``v`` some clients add) are ignored, as geth does."""


def authorization(value: Any) -> Authorization:
    fields = obj(value, "an authorization")
    values = {}
    for key, (name, convert) in AUTHORIZATION_FIELDS.items():
        if fields.get(key) is None:
            raise ParamError(f"missing required field '{key}' for SetCodeAuthorization")
        values[name] = _field(convert, fields[key], key)
    return Authorization(**values)


def authorization_list(value: Any) -> tuple:
    if not isinstance(value, list):
        raise ParamError(f"expected an array, got {json_type(value)}")
    return tuple(_field(authorization, item, f"[{i}]") for i, item in enumerate(value))


def call_object(value: Any) -> CallObject:
    """A call object; ``input`` and ``data`` are synonyms but must agree."""
    fields = obj(value, "a transaction call")
    values: dict[str, Any] = {}
    for key, raw in fields.items():
        if raw is None or key in IGNORED_CALL_FIELDS or key in ("input", "data", "accessList", "authorizationList"):
            continue
        if key not in CALL_FIELDS:
            raise ParamError(f"unknown field {key!r} in transaction call")
        name, convert = CALL_FIELDS[key]
        values[name] = _field(convert, raw, key)
    inputs = {key: _field(data, fields[key], key) for key in ("input", "data") if fields.get(key) is not None}
    if len(set(inputs.values())) > 1:
        raise ParamError('both "data" and "input" are set and not equal')
    if inputs:
        values["data"] = next(iter(inputs.values()))
    if fields.get("accessList") is not None:
        values["access_list"] = _field(access_list, fields["accessList"], "accessList")
    if fields.get("authorizationList") is not None:
        values["authorization_list"] = _field(authorization_list, fields["authorizationList"], "authorizationList")
    if values.get("gas_price") is not None and (
        values.get("max_fee_per_gas") is not None or values.get("max_priority_fee_per_gas") is not None
    ):
        raise ParamError("both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
    return CallObject(**values)


def _slots(value: Any) -> dict[int, int]:
    slots = obj(value, "storage")
    return {_word(key): _word(word) for key, word in slots.items()}


def _word(value: Any) -> int:
    return int.from_bytes(hash32(value), "big")


OVERRIDE_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "balance": quantity,
    "nonce": uint64,
    "code": data,
    "state": _slots,
    "stateDiff": _slots,
}


def state_overrides(value: Any) -> dict[bytes, dict[str, Any]]:
    """geth's state override set, values converted:
    ``{address: {"balance": int, "nonce": int, "code": bytes, "state" | "stateDiff": {slot: value}}}``."""
    if value is None:
        return {}
    overrides = {}
    for key, raw in obj(value, "state overrides").items():
        account = obj(raw, f"override of {key}")
        unknown = set(account) - set(OVERRIDE_CONVERTERS)
        if unknown:
            raise ParamError(f"{key}: unknown override field {sorted(unknown)[0]!r}")
        if account.get("state") is not None and account.get("stateDiff") is not None:
            raise ParamError(f"{key}: has both 'state' and 'stateDiff'")
        overrides[_field(address, key, "override address")] = {
            name: _field(OVERRIDE_CONVERTERS[name], raw_value, f"{key}.{name}")
            for name, raw_value in account.items()
            if raw_value is not None
        }
    return overrides


def _optional(fields: dict, key: str, convert: Callable[[Any], Any], where: str) -> Any:
    raw = fields.get(key)
    return None if raw is None else _field(convert, raw, f"{where}.{key}")


@dataclass(frozen=True, slots=True)
class LogFilter:
    """A log filter: a block range or one block hash, addresses (empty: any)
    and topic positions, each ``None`` (any) or a tuple of alternatives."""

    from_block: str | int = "latest"
    to_block: str | int = "latest"
    block_hash: bytes | None = None
    addresses: tuple[bytes, ...] = ()
    topics: tuple[tuple[bytes, ...] | None, ...] = field(default_factory=tuple)


MAX_TOPICS = 4


def _topic_position(value: Any, i: int) -> tuple[bytes, ...] | None:
    if value is None:
        return None
    if isinstance(value, list):
        if not value or any(v is None for v in value):
            return None  # [] or a null alternative matches anything
        return tuple(_field(hash32, v, f"topics[{i}]") for v in value)
    return (_field(hash32, value, f"topics[{i}]"),)


def log_filter(value: Any) -> LogFilter:
    fields = obj(value, "a filter")
    unknown = set(fields) - {"fromBlock", "toBlock", "blockHash", "address", "topics"}
    if unknown:
        raise ParamError(f"unknown field {sorted(unknown)[0]!r} in filter")
    block_hash = _optional(fields, "blockHash", hash32, "filter")
    if block_hash is not None and (fields.get("fromBlock") is not None or fields.get("toBlock") is not None):
        raise ParamError("cannot specify both blockHash and fromBlock/toBlock")
    raw_address = fields.get("address")
    if raw_address is None:
        addresses: tuple[bytes, ...] = ()
    elif isinstance(raw_address, list):
        addresses = tuple(_field(address, a, f"address[{i}]") for i, a in enumerate(raw_address))
    else:
        addresses = (_field(address, raw_address, "address"),)
    raw_topics = fields.get("topics") or []
    if not isinstance(raw_topics, list):
        raise ParamError("topics: expected an array")
    if len(raw_topics) > MAX_TOPICS:
        raise ParamError(f"topics: at most {MAX_TOPICS} positions, got {len(raw_topics)}")
    from_block = _optional(fields, "fromBlock", block_number_or_tag, "filter")
    to_block = _optional(fields, "toBlock", block_number_or_tag, "filter")
    return LogFilter(
        from_block="latest" if from_block is None else from_block,
        to_block="latest" if to_block is None else to_block,
        block_hash=block_hash,
        addresses=addresses,
        topics=tuple(_topic_position(t, i) for i, t in enumerate(raw_topics)),
    )


# --- annotations handlers use --------------------------------------------------------


Quantity = Annotated[int, quantity]
Uint64 = Annotated[int, uint64]
Data = Annotated[bytes, data]
Address = Annotated[bytes, address]
Hash = Annotated[bytes, hash32]
Slot = Annotated[int, storage_slot]
Bool = Annotated[bool, boolean]
BlockNumberOrTag = Annotated["str | int", block_number_or_tag]
BlockId = Annotated["str | int | bytes", block_id]
Call = Annotated[CallObject, call_object]
StateOverrides = Annotated["dict[bytes, dict[str, Any]]", state_overrides]
Slots = Annotated["list[int]", list_of(storage_slot)]
Id = Annotated[str, identifier]
Text = Annotated[str, text]
Filter = Annotated[LogFilter, log_filter]
Json = Annotated[Any, any_json]
