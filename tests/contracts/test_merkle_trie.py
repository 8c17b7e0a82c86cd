"""
Merkle-Patricia proofs in Solidity
==================================

The Solidity Merkle-Patricia verifier (contracts/src/lib/MerkleTrie.sol, through
a harness) against proofs made by ovm's own trie: random secure-trie keys,
short keys whose nodes are embedded in their parents, extension nodes, values
held in branches, absence, and malformed nodes.
"""

from __future__ import annotations

import random

import pytest
from anvil_chain import reverts

from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.trie import Trie, prove, verify_proof


@pytest.fixture(scope="module")
def harness(chain, helpers):
    return chain.deploy(helpers["MerkleTrieHarness"]).functions.get


def build(pairs: dict[bytes, bytes]) -> Trie:
    trie = Trie()
    for key, value in pairs.items():
        trie.set(key, value)
    return trie


def check(harness, trie: Trie, key: bytes) -> tuple[bool, bytes]:
    """The harness's answer for ``key``, asserted equal to ovm.trie's."""
    root, proof = trie.root_hash(), prove(trie, key)
    expected = verify_proof(root, key, proof)
    found, value = harness(key, proof, root).call()
    assert (found, value) == (expected is not None, expected or b""), key.hex()
    return found, value


def test_random_hashed_keys(harness):
    rng = random.Random(5)
    pairs = {rng.randbytes(32): rlp.encode(rng.randbytes(rng.randint(1, 40))) for _ in range(300)}
    trie = build(pairs)
    for key in rng.sample(sorted(pairs), 15):
        assert check(harness, trie, key) == (True, pairs[key])
    for _ in range(8):
        assert check(harness, trie, rng.randbytes(32)) == (False, b"")


def test_random_short_keys(harness):
    """Keys of 1-3 bytes and tiny values: most nodes are embedded in their parents."""
    rng = random.Random(7)
    pairs = {rng.randbytes(rng.randint(1, 3)): rng.randbytes(rng.randint(1, 4)) for _ in range(60)}
    trie = build(pairs)
    for key in rng.sample(sorted(pairs), 15):
        assert check(harness, trie, key) == (True, pairs[key])
    for _ in range(8):
        key = rng.randbytes(rng.randint(1, 3))
        assert check(harness, trie, key) == ((key in pairs), pairs.get(key, b""))


def test_embedded_nodes_extensions_and_branch_values(harness):
    pairs = {
        b"\x01": b"a", b"\x02": b"b", b"\x01\x02": b"c",  # "\x01" ends at a branch holding its value
        b"\xab\xcd\xef\x01": b"d", b"\xab\xcd\xef\x02": b"e",  # an extension over "abcdef0"
        b"\x30" * 40: b"f" * 40,  # a long, hashed leaf beside the small embedded ones
    }
    trie = build(pairs)
    embedded = [key for key in pairs if len(trie.path_nodes(key)) > len(prove(trie, key))]
    assert embedded, "no proof went through an embedded node"
    for key, value in pairs.items():
        assert check(harness, trie, key) == (True, value)
    for absent in (b"\x03", b"\x01\x03", b"\xab\xcd", b"\xab\xcd\xef\x03", b"\x01\x02\x03", b""):
        assert check(harness, trie, absent) == (False, b"")


def test_wrong_root_and_empty_proof_find_nothing(harness):
    trie = build({b"\x01" * 32: b"\x01", b"\x02" * 32: b"\x02"})
    proof = prove(trie, b"\x01" * 32)
    assert harness(b"\x01" * 32, proof, b"\x00" * 32).call() == [False, b""]
    assert harness(b"\x01" * 32, [], trie.root_hash()).call() == [False, b""]


@pytest.mark.parametrize(("node", "reason"), [
    (b"", "RLPReader: empty input"),
    (b"\xc5\x01", "RLPReader: item longer than input"),
    (b"\xb9\x01", "RLPReader: truncated length"),
    (rlp.encode([b"a", b"b"]) + b"\x00", "RLPReader: trailing bytes after item"),
    (rlp.encode(b"not a node"), "RLPReader: not a list"),
    (rlp.encode([b"a", b"b", b"c"]), "MerkleTrie: invalid node"),
    (rlp.encode([b"\x40", b"v"]), "MerkleTrie: invalid path prefix"),
    (rlp.encode([b"", b"v"]), "MerkleTrie: empty node path"),
    (rlp.encode([b"\x00\x12", b"\x01" * 5]), "MerkleTrie: invalid child reference"),
    (rlp.encode([[b"x"], b"v"]), "RLPReader: not a string"),
])
def test_malformed_nodes_revert_with_a_reason(harness, node, reason):
    """A node matching its hash but not a trie node: the proof is malformed, not merely wrong."""
    with reverts(reason):
        harness(b"\x12" * 32, [node], keccak256(node)).call()
