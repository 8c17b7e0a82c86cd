"""
Merkle proofs
=============

Inclusion and exclusion proofs verify against the root; tampered, truncated,
padded and misdirected proofs raise :class:`ProofError`; no proof shows a
value other than the one the trie holds.
"""

from __future__ import annotations

import random

import pytest

from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.trie import EMPTY_TRIE_ROOT, MemoryNodeStore, ProofError, SecureTrie, Trie, prove, verify_proof

KEY_BYTES = b"\x00\x01\x10\x7f\x80\xff"


def _random_trie(seed: int, trie: Trie) -> dict[bytes, bytes]:
    """Short keys and values of mixed sizes, so paths hold embedded nodes."""
    rng = random.Random(seed)
    model = {}
    for _ in range(rng.randint(1, 80)):
        key = bytes(rng.choice(KEY_BYTES) for _ in range(rng.randint(0, 4)))
        model[key] = rng.randbytes(rng.choice((1, 3, 10, 40)))
        trie.set(key, model[key])
    return model


def _queries(model: dict[bytes, bytes]) -> list[bytes]:
    absent = [b"", b"\x00", b"\x01\x02", b"\xff\xff\xff\xff\xff", b"\x10\x10\x10"]
    return sorted(set(model) | set(absent))


@pytest.mark.parametrize("seed", range(25))
def test_inclusion_and_exclusion(seed: int) -> None:
    trie = Trie()
    model = _random_trie(seed, trie)
    root = trie.root_hash()
    for key in _queries(model):
        assert verify_proof(root, key, prove(trie, key)) == model.get(key)


@pytest.mark.parametrize("seed", range(5))
def test_secure_trie(seed: int) -> None:
    rng = random.Random(seed)
    trie = SecureTrie()
    model = {rng.randbytes(20): rng.randbytes(rng.choice((1, 70))) for _ in range(200)}
    for key, value in model.items():
        trie.set(key, value)
    root = trie.root_hash()
    for key in [*list(model)[:50], b"absent"]:
        proof = prove(trie, key)
        assert verify_proof(root, keccak256(key), proof) == model.get(key)
        assert verify_proof(root, key, proof, secure=True) == model.get(key)


def test_proof_from_a_reopened_trie_is_the_same() -> None:
    store = MemoryNodeStore()
    trie = Trie(store)
    model = _random_trie(3, trie)
    root = trie.commit()
    reopened = Trie(store, root)
    for key in _queries(model):
        assert prove(reopened, key) == prove(trie, key)


def test_proof_lists_only_hashed_nodes() -> None:
    trie = Trie()
    model = _random_trie(4, trie)
    for key in _queries(model):
        proof = prove(trie, key)
        assert all(len(node) >= 32 for node in proof[1:])


def test_empty_trie() -> None:
    assert prove(Trie(), b"key") == []
    assert verify_proof(EMPTY_TRIE_ROOT, b"key", []) is None
    assert verify_proof(EMPTY_TRIE_ROOT, b"key", [b"\x80"]) is None
    with pytest.raises(ProofError, match="empty trie"):
        verify_proof(EMPTY_TRIE_ROOT, b"key", [rlp.encode([b"\x20", b"v"])])


def _deep_proofs(seed: int) -> tuple[bytes, dict[bytes, bytes], dict[bytes, list[bytes]]]:
    trie = Trie()
    rng = random.Random(seed)
    model = {rng.randbytes(32): rng.randbytes(32) for _ in range(500)}
    for key, value in model.items():
        trie.set(key, value)
    proofs = {key: prove(trie, key) for key in list(model)[:40]}
    return trie.root_hash(), model, proofs


def test_tampered_node_is_rejected() -> None:
    root, model, proofs = _deep_proofs(1)
    for key, proof in proofs.items():
        for index, node in enumerate(proof):
            tampered = list(proof)
            tampered[index] = node[:-1] + bytes((node[-1] ^ 1,))
            with pytest.raises(ProofError, match=f"proof node {index} does not hash to"):
                verify_proof(root, key, tampered)


def test_truncated_proof_is_rejected() -> None:
    root, model, proofs = _deep_proofs(2)
    for key, proof in proofs.items():
        for length in range(len(proof)):
            with pytest.raises(ProofError, match="proof ends"):
                verify_proof(root, key, proof[:length])


def test_extra_nodes_are_rejected() -> None:
    root, model, proofs = _deep_proofs(3)
    key, proof = next(iter(proofs.items()))
    with pytest.raises(ProofError, match="1 node.* past the end"):
        verify_proof(root, key, [*proof, proof[-1]])


def test_proof_against_another_root_is_rejected() -> None:
    root, model, proofs = _deep_proofs(4)
    other_root, _, _ = _deep_proofs(5)
    for key, proof in proofs.items():
        with pytest.raises(ProofError, match="proof node 0 does not hash to the root"):
            verify_proof(other_root, key, proof)


def test_a_proof_shows_no_other_value() -> None:
    trie = Trie()
    model = _random_trie(6, trie)
    root = trie.root_hash()
    keys = _queries(model)
    for proven in keys:
        proof = prove(trie, proven)
        for key in keys:
            try:
                shown = verify_proof(root, key, proof)
            except ProofError:
                continue
            assert shown == model.get(key)


def test_node_that_is_not_a_trie_node() -> None:
    node = rlp.encode([b"\x01", b"\x02", b"\x03" * 40])
    with pytest.raises(ProofError, match="proof node 0 is not a trie node"):
        verify_proof(keccak256(node), b"key", [node])


def test_root_of_wrong_length() -> None:
    with pytest.raises(ProofError, match="32 bytes"):
        verify_proof(b"\x00" * 20, b"key", [])
