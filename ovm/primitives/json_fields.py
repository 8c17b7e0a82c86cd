"""
JSON fields
===========

Reading parsed JSON field by field so that every error names the field it is
about: ``config.chainId: missing``, ``contracts.l1_bridge: expected 20 bytes
of 0x hex, got "0x01"``, ``[0].storageKeys[1]: hex string of odd length``.
The genesis file, ``rollup.json`` and JSON-RPC parameters are all read this
way; ``load_json_file`` reads a file, naming it in every error. Errors are raised in the caller's own class (``GenesisError``,
``RollupConfigError``, ``ParamError``), so each keeps its own error type.

Two styles, for two kinds of parser:

- ``Fields`` reads one JSON object whose parsers take ``(value, where)``,
  ``where`` being the field's dotted path, and build their messages from it
  (a document: genesis, rollup configuration);
- ``within`` runs a converter that takes only the value and puts the field's
  name in front of its error (a JSON-RPC parameter's converters).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")
D = TypeVar("D")


def field_path(where: str, key: str) -> str:
    """``key`` inside the object at ``where`` (``""``: the document itself)."""
    return f"{where}.{key}" if where else key


def json_type(value: Any) -> str:
    """What a JSON value is, for an error message (``a string``, ``null``, ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def load_json_file(path: str | Path, parse: Callable[[Any], T], *, error: type[ValueError]) -> T:
    """The JSON file at ``path``, parsed by ``parse``; an unreadable file,
    invalid JSON or an ``error`` from ``parse`` is one ``error`` naming the file."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    try:
        return parse(data)
    except error as exc:
        raise error(f"{path}: {exc}") from None


def within(convert: Callable[[Any], T], value: Any, name: str, *, error: type[ValueError]) -> T:
    """``convert(value)``; an ``error`` it raises gets ``name: `` in front."""
    try:
        return convert(value)
    except error as exc:
        raise error(f"{name}: {exc}") from None


class Fields:
    """One JSON object at ``where`` being read: each field is taken once, by
    name, and parsed with its path. ``done`` makes any field left over an
    error; a reader that allows other fields (a geth genesis has many) does
    not call it. ``name`` is what a message calls the object when ``where``
    is empty (the document itself)."""

    def __init__(self, value: Any, where: str, *, error: type[ValueError], name: str = "the document") -> None:
        if not isinstance(value, dict):
            raise error(f"{where or name}: expected an object")
        self.value = dict(value)
        self.where = where
        self.error = error

    def path(self, key: str) -> str:
        return field_path(self.where, key)

    def take(self, key: str, parse: Callable[[Any, str], T]) -> T:
        """A required field, parsed."""
        if key not in self.value:
            raise self.error(f"{self.path(key)}: missing")
        return parse(self.value.pop(key), self.path(key))

    def get(self, key: str, parse: Callable[[Any, str], T], default: D) -> T | D:
        """An optional field, parsed, or ``default`` when it is absent (a JSON
        ``null`` is present, and its parser judges it)."""
        if key not in self.value:
            return default
        return parse(self.value.pop(key), self.path(key))

    def items(self) -> Iterator[tuple[str, Any]]:
        """The fields not taken yet (an object whose keys are data: accounts, slots)."""
        return iter(list(self.value.items()))

    def done(self) -> None:
        """Every field has been taken; any other is an unknown field."""
        if self.value:
            unknown = ", ".join(sorted(self.path(key) for key in self.value))
            raise self.error(f"unknown field {unknown}")
