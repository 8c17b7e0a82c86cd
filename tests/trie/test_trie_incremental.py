"""
Incremental hashing and stores
==============================

Random sequences of sets and deletes: after each batch the incremental root
equals the root built from scratch, reads and ordered queries agree with a
dict, and a trie reopened from its store at a committed root behaves the same.
"""

from __future__ import annotations

import bisect
import random

import pytest

import ovm.trie.nodes
from ovm.primitives.crypto import keccak256
from ovm.trie import EMPTY_TRIE_ROOT, MemoryNodeStore, MissingNodeError, SecureTrie, Trie, trie_root

# Few distinct bytes and short keys make keys that are prefixes of each other
# (branch values) and short values make embedded nodes.
KEY_BYTES = b"\x00\x01\x10\x7f\x80\xff"


def _small_key(rng: random.Random) -> bytes:
    return bytes(rng.choice(KEY_BYTES) for _ in range(rng.randint(0, 4)))


def _value(rng: random.Random) -> bytes:
    return rng.randbytes(rng.choice((1, 2, 5, 20, 40, 80)))


def _apply_batch(rng: random.Random, trie: Trie, model: dict[bytes, bytes], make_key) -> None:
    for _ in range(rng.randint(1, 25)):
        roll = rng.random()
        if model and roll < 0.3:
            key = rng.choice(sorted(model))
            del model[key]
            if roll < 0.15:
                trie.delete(key)
            else:
                trie.set(key, b"")
        elif roll < 0.35:
            key = make_key(rng)  # usually absent
            trie.delete(key)
            model.pop(key, None)
        else:
            key = make_key(rng)
            model[key] = _value(rng)
            trie.set(key, model[key])


def _check(trie: Trie, model: dict[bytes, bytes]) -> None:
    assert trie.root_hash() == trie_root(model)
    assert list(trie.items()) == sorted(model.items())
    for key, value in model.items():
        assert trie.get(key) == value


def _long_key(rng: random.Random) -> bytes:
    return rng.randbytes(32)


@pytest.mark.parametrize("make_key", [_small_key, _long_key], ids=["short-keys", "32-byte-keys"])
@pytest.mark.parametrize("seed", range(12))
def test_root_after_each_batch_matches_from_scratch(seed: int, make_key) -> None:
    rng = random.Random(seed)
    trie = Trie()
    model: dict[bytes, bytes] = {}
    for _ in range(30):
        _apply_batch(rng, trie, model, make_key)
        _check(trie, model)


@pytest.mark.parametrize("seed", range(8))
def test_reopened_trie_matches(seed: int) -> None:
    rng = random.Random(seed)
    store = MemoryNodeStore()
    trie = Trie(store)
    model: dict[bytes, bytes] = {}
    for _ in range(15):
        _apply_batch(rng, trie, model, _small_key)
        root = trie.commit()
        assert root == trie_root(model)
        trie = Trie(store, root)  # go on from the store: nodes load lazily
        assert trie.root_hash() == root
        _check(trie, model)


def test_reopened_secure_trie() -> None:
    rng = random.Random(7)
    store = MemoryNodeStore()
    trie = SecureTrie(store)
    model = {rng.randbytes(20): rng.randbytes(70) for _ in range(300)}
    for key, value in model.items():
        trie.set(key, value)
    root = trie.commit()
    assert root == trie_root(model, secure=True)
    reopened = SecureTrie(store, root)
    assert all(reopened.get(key) == value for key, value in model.items())
    assert reopened.get(b"absent") is None


def test_short_root_is_stored_under_its_hash() -> None:
    store = MemoryNodeStore()
    trie = Trie(store)
    trie.set(b"\x01", b"\x02")
    root = trie.commit()
    assert store.get(root) is not None
    assert Trie(store, root).get(b"\x01") == b"\x02"


def test_empty_trie() -> None:
    trie = Trie()
    assert trie.root_hash() == EMPTY_TRIE_ROOT == trie_root({})
    assert trie.commit() == EMPTY_TRIE_ROOT
    assert trie.get(b"") is None
    assert list(trie.items()) == []
    assert trie.next_key(b"") is None and trie.prev_key(b"\xff") is None
    trie.set(b"a", b"1")
    trie.delete(b"a")
    assert trie.root_hash() == EMPTY_TRIE_ROOT


def test_trie_root_takes_pairs_in_order() -> None:
    pairs = [(b"a", b"1"), (b"b", b"2"), (b"a", b"3"), (b"b", b"")]
    assert trie_root(pairs) == trie_root({b"a": b"3"})


@pytest.mark.parametrize("seed", range(6))
def test_next_and_prev_key(seed: int) -> None:
    rng = random.Random(seed)
    model = {_small_key(rng): b"v" for _ in range(rng.randint(1, 60))}
    trie = Trie()
    for key in model:
        trie.set(key, b"v")
    keys = sorted(model)
    for _ in range(200):
        query = _small_key(rng)
        after = bisect.bisect_right(keys, query)
        before = bisect.bisect_left(keys, query)
        assert trie.next_key(query) == (keys[after] if after < len(keys) else None)
        assert trie.prev_key(query) == (keys[before - 1] if before else None)


class _CountingStore(MemoryNodeStore):
    def __init__(self) -> None:
        super().__init__()
        self.puts = 0

    def put(self, node_hash: bytes, encoding: bytes) -> None:
        self.puts += 1
        super().put(node_hash, encoding)


def _large_trie(store: MemoryNodeStore) -> tuple[Trie, list[bytes]]:
    rng = random.Random(1)
    trie = Trie(store)
    keys = [rng.randbytes(32) for _ in range(3000)]
    for key in keys:
        trie.set(key, rng.randbytes(32))
    return trie, keys


def test_root_hash_rehashes_only_the_changed_path(monkeypatch: pytest.MonkeyPatch) -> None:
    trie, keys = _large_trie(MemoryNodeStore())
    trie.root_hash()
    hashed = []
    monkeypatch.setattr(ovm.trie.nodes, "keccak256", lambda data: hashed.append(data) or keccak256(data))
    trie.set(keys[0], b"new value that is long enough to be hashed")
    trie.root_hash()
    assert 1 <= len(hashed) <= 5  # the path to one key of 3,000: about 4 nodes
    hashed.clear()
    trie.set(keys[1], trie.get(keys[1]))  # same value: nothing changes
    trie.root_hash()
    assert hashed == []


def test_commit_writes_only_new_nodes() -> None:
    store = _CountingStore()
    trie, keys = _large_trie(store)
    trie.commit()
    assert store.puts == len(store)
    store.puts = 0
    trie.set(keys[0], b"\x01" * 40)
    trie.root_hash()
    assert store.puts == 0  # root_hash never writes
    trie.commit()
    assert 1 <= store.puts <= 5
    store.puts = 0
    trie.commit()
    assert store.puts == 0


def test_missing_node_is_reported() -> None:
    trie = Trie(MemoryNodeStore(), keccak256(b"no such node"))
    with pytest.raises(MissingNodeError, match="not in the store"):
        trie.get(b"key")


def test_root_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Trie(root=b"\x00" * 31)
