"""
Contract ABI
============

Calls and events of the rollup's contracts in Solidity's ABI, from the JSON
ABI their artifacts carry: a function's selector and calldata (and back: the
arguments of a call), its decoded result, constructor arguments, an event's
topic and its decoded fields. The encoding itself is ``eth_abi``'s (the field's library); this module only finds
the ABI entry by name and turns it into the canonical type strings
(``(bytes32,uint64,uint8)`` for a struct, ``uint8`` for an enum).

Values follow the project's conventions both ways: addresses are 20-byte
``bytes`` (``eth_abi`` would give hex strings), hashes and ``bytes`` are
``bytes``, integers ``int``, structs tuples. An indexed event field of a
reference type (``bytes``, ``string``, arrays, structs) is only its hash in the
topic, so it is returned as those 32 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from eth_abi import decode, encode
from eth_abi.exceptions import DecodingError, EncodingError
from eth_abi.grammar import BasicType, TupleType, parse

from ...primitives.crypto import keccak256
from ...primitives.types import hex_to_bytes


class AbiError(ValueError):
    """A function or event the ABI does not have, or values that do not fit its types."""


@dataclass(frozen=True, slots=True)
class Event:
    """A decoded event: its name and fields by name."""

    name: str
    args: dict[str, Any]


# --- entries and types ---------------------------------------------------------------


def canonical_type(param: dict) -> str:
    """The ABI type string of one parameter, structs spelled out as tuples."""
    kind = param["type"]
    if not kind.startswith("tuple"):
        return kind
    inner = ",".join(canonical_type(component) for component in param["components"])
    return f"({inner}){kind[len('tuple'):]}"


def _types(params: Sequence[dict]) -> list[str]:
    return [canonical_type(param) for param in params]


def signature(entry: dict) -> str:
    """``name(type,...)``: what a selector or event topic hashes."""
    return f"{entry['name']}({','.join(_types(entry['inputs']))})"


def entry(abi: Sequence[dict], kind: str, name: str) -> dict:
    """The ABI entry of function or event ``name`` (overloads are not used by our contracts)."""
    for candidate in abi:
        if candidate.get("type") == kind and candidate.get("name") == name:
            return candidate
    raise AbiError(f"the ABI has no {kind} named {name!r}")


def selector(abi: Sequence[dict], function: str) -> bytes:
    return keccak256(signature(entry(abi, "function", function)).encode())[:4]


def event_topic(abi: Sequence[dict], event: str) -> bytes:
    """``topics[0]`` of event ``event``'s logs."""
    return keccak256(signature(entry(abi, "event", event)).encode())


# --- values --------------------------------------------------------------------------


def _encode(types: list[str], args: Sequence[Any], what: str) -> bytes:
    if len(args) != len(types):
        raise AbiError(f"{what} takes {len(types)} arguments ({', '.join(types)}), got {len(args)}")
    try:
        return encode(types, list(args))
    except (EncodingError, TypeError, ValueError) as exc:
        raise AbiError(f"{what}: {exc}") from None


def _decode(types: list[str], data: bytes, what: str) -> tuple:
    try:
        values = decode(types, data)
    except (DecodingError, TypeError, ValueError) as exc:
        raise AbiError(f"{what}: cannot decode {len(data)} bytes as ({','.join(types)}): {exc}") from None
    return tuple(_native(parse(kind), value) for kind, value in zip(types, values))


def _native(kind: TupleType | BasicType, value: Any) -> Any:
    """``value`` with addresses as 20-byte ``bytes``, recursively."""
    if kind.is_array:
        return tuple(_native(kind.item_type, item) for item in value)
    if isinstance(kind, TupleType):
        return tuple(_native(component, item) for component, item in zip(kind.components, value))
    if kind.base == "address":
        return hex_to_bytes(value)
    return value


def encode_call(abi: Sequence[dict], function: str, args: Sequence[Any] = ()) -> bytes:
    """Calldata: the selector and the encoded arguments."""
    inputs = _types(entry(abi, "function", function)["inputs"])
    return selector(abi, function) + _encode(inputs, args, function)


def decode_arguments(abi: Sequence[dict], function: str, calldata: bytes) -> tuple:
    """The arguments of a call to ``function`` (what ``encode_call`` encoded); ``AbiError``
    if ``calldata`` calls another function."""
    if calldata[:4] != selector(abi, function):
        raise AbiError(f"the input does not call {function} (selector 0x{calldata[:4].hex()})")
    return _decode(_types(entry(abi, "function", function)["inputs"]), calldata[4:], function)


def decode_result(abi: Sequence[dict], function: str, output: bytes) -> Any:
    """A call's output: None for no value, the value for one, a tuple for several."""
    values = _decode(_types(entry(abi, "function", function)["outputs"]), output, function)
    if len(values) <= 1:
        return values[0] if values else None
    return values


def encode_constructor(abi: Sequence[dict], bytecode: bytes, args: Sequence[Any] = ()) -> bytes:
    """Creation code followed by the encoded constructor arguments."""
    constructors = [candidate for candidate in abi if candidate.get("type") == "constructor"]
    inputs = _types(constructors[0]["inputs"]) if constructors else []
    return bytes(bytecode) + _encode(inputs, args, "constructor")


def decode_event(abi: Sequence[dict], topics: Sequence[bytes], data: bytes) -> Event | None:
    """The event a log records, or None if ``topics[0]`` is none of the ABI's events."""
    for candidate in abi:
        if candidate.get("type") == "event" and not candidate.get("anonymous") and topics:
            if keccak256(signature(candidate).encode()) == topics[0]:
                return _decode_event(candidate, topics[1:], data)
    return None


def _hashed_in_topic(kind: TupleType | BasicType) -> bool:
    """Solidity puts the hash of an indexed reference type (array, struct, bytes, string) in its topic."""
    if kind.is_array or isinstance(kind, TupleType):
        return True
    return kind.base == "string" or (kind.base == "bytes" and kind.sub is None)


def _decode_event(event: dict, indexed_topics: Sequence[bytes], data: bytes) -> Event:
    name = event["name"]
    indexed = [param for param in event["inputs"] if param.get("indexed")]
    unindexed = [param for param in event["inputs"] if not param.get("indexed")]
    if len(indexed_topics) != len(indexed):
        raise AbiError(f"{name}: expected {len(indexed)} indexed topics, got {len(indexed_topics)}")
    values = dict(zip((param["name"] for param in unindexed), _decode(_types(unindexed), data, name)))
    for param, topic in zip(indexed, indexed_topics):
        kind = canonical_type(param)
        values[param["name"]] = topic if _hashed_in_topic(parse(kind)) else _decode([kind], topic, name)[0]
    return Event(name, {param["name"]: values[param["name"]] for param in event["inputs"]})
