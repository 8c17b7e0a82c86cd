"""
Store schema
============

The named sub-databases of the chain store, the keys that index them and the
names of its meta records (the table of what each holds is in the package
docstring, ``ovm.node.store``). Numbers in keys are 8-byte big-endian, so
LMDB's key order is block order.
"""

from __future__ import annotations

from typing import NamedTuple

MAP_SIZE = 64 << 30  # sparse: the file grows with the data, not with the map
LOCK_FILE = "ovm.lock"
NUMBER_BYTES = 8
CHANGES_BYTES = 4
INDEX_BYTES = 4
SLOT_BYTES = 32
ADDRESS_BYTES = 20

META_HEAD = b"head"
META_GENESIS = b"genesis"
META_STATE_ROOT = b"state_root"
META_TIME_OFFSET = b"time_offset"
META_NEXT_SNAPSHOT = b"next_snapshot"
META_NEXT_ARRIVAL = b"next_arrival"


class StoreError(Exception):
    """The store cannot be opened, or refuses a write that would break the chain."""


class Tables(NamedTuple):
    """The named sub-databases of the environment (see the package docstring)."""

    headers: object
    bodies: object
    canonical: object
    receipts: object
    transactions: object
    accounts: object
    code: object
    storage: object
    undo: object
    pending: object
    sidecars: object
    snapshots: object
    meta: object
    address_txs: object
    tx_addresses: object


class Position(NamedTuple):
    """Where the state is: after block ``number`` and ``changes`` dev changes on it."""

    number: int
    changes: int = 0

    def key(self) -> bytes:
        return number_key(self.number) + self.changes.to_bytes(CHANGES_BYTES, "big")

    @classmethod
    def from_key(cls, key: bytes) -> "Position":
        return cls(be_int(key[:NUMBER_BYTES]), be_int(key[NUMBER_BYTES:]))


def number_key(number: int) -> bytes:
    return number.to_bytes(NUMBER_BYTES, "big")


def slot_key(address: bytes, slot: int) -> bytes:
    return address + slot.to_bytes(SLOT_BYTES, "big")


def be_int(data: bytes) -> int:
    return int.from_bytes(data, "big")
