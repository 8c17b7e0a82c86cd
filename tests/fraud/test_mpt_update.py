"""
MPT updates from proofs, against ovm.trie
=========================================

Seeded random sequences of inserts, updates and deletes (down to the empty
trie) on secure tries (keccak keys, as the state and storage tries) and on
plain tries (short keys sharing long prefixes, keys of different lengths
that end at a branch's value, one-byte values that make embedded nodes):
for each operation, ``ovm.fraud.mpt.mpt_witness`` makes the witness from
the trie, and the Python reference ``mpt_update`` (and ``mpt_read`` of the key before)
and the Solidity ``MptUpdate`` library on a real anvil (through the test harness
``contracts/MptHarness.sol``) must both give the old value and the root
``ovm.trie`` has after the operation. Tampered witnesses (each proof node
altered, one node short or long, the sibling node altered, missing or
unwanted) are refused by both; a proof of another key of the same root is
either refused by both or gives both the true answer.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import random
import subprocess
from dataclasses import dataclass, replace

import pytest
from support import REPO
from web3.exceptions import ContractLogicError, Web3RPCError

from ovm.fraud.mpt import MptWitness, mpt_read, mpt_update, mpt_witness
from ovm.fraud.opening import WitnessError
from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.trie import SecureTrie, Trie

SLOW = pytest.mark.slow
HARNESS_SOURCES = "tests/fraud/contracts"


@dataclass(frozen=True)
class Op:
    root: bytes
    path: bytes
    witness: MptWitness
    value: bytes
    old: bytes
    new_root: bytes


@pytest.fixture(scope="session")
def harness(l1, tmp_path_factory):
    """The harness contract, compiled once per test session (shared by the
    xdist workers under a lock) and deployed on the session's anvil."""
    sources = [REPO / "contracts/src/lib/RLPReader.sol", REPO / "contracts/src/fraud/MptUpdate.sol",
               REPO / HARNESS_SOURCES / "MptHarness.sol"]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:16]
    shared = tmp_path_factory.getbasetemp().parent / f"mpt-harness-{digest}"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        artifact = shared / "MptHarness.json"
        if not artifact.exists():
            subprocess.run(["node", "contracts/build.mjs", "--root", str(REPO), "--out", str(shared),
                            HARNESS_SOURCES], cwd=REPO, check=True, capture_output=True)
    built = json.loads(artifact.read_text())
    w3 = l1.w3
    factory = w3.eth.contract(abi=built["abi"], bytecode=built["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor().transact({"from": l1.account}))
    return w3.eth.contract(address=receipt.contractAddress, abi=built["abi"])


def on_l1(harness, root: bytes, path: bytes, witness: MptWitness, value: bytes):
    try:
        old, new_root = harness.functions.update(root, path, list(witness.proof), witness.sibling,
                                                 value).call({"gas": 30_000_000})
        return bytes(old), bytes(new_root)
    except (ContractLogicError, Web3RPCError):
        return None


def in_python(root: bytes, path: bytes, witness: MptWitness, value: bytes):
    try:
        return mpt_update(root, path, witness, value)
    except WitnessError:
        return None


def random_keys(rng: random.Random, secure: bool) -> list[bytes]:
    """Keys crowding a few prefixes: for a plain trie short keys over few
    byte values (long shared paths, and some keys prefixes of others)."""
    count = rng.randint(1, 30)
    if secure:
        return [bytes([rng.randrange(4)]) + bytes(rng.randrange(256) for _ in range(rng.choice([1, 20])))
                for _ in range(count)]
    length = rng.choice([1, 2, 3, 32])
    varied = rng.random() < 0.4
    stem = bytes(rng.randrange(256) for _ in range(length))
    keys = []
    for _ in range(count):
        size = rng.randint(0, length) if varied else length
        shared = rng.randint(0, size)
        keys.append(stem[:shared] + bytes(rng.choice((0, 1, 0x10, 0xFF)) for _ in range(size - shared)))
    return keys


def random_value(rng: random.Random) -> bytes:
    return bytes(rng.randrange(1, 256) for _ in range(rng.choice([1, 1, 2, 3, 33, 70])))


def run_sequence(seed: int, steps: int) -> list[Op]:
    """A seeded sequence of operations on one trie, each checked through the
    Python reference against ovm.trie; ends by deleting every key."""
    rng = random.Random(seed)
    secure = seed % 2 == 0
    trie = SecureTrie() if secure else Trie()
    keys = random_keys(rng, secure)
    present: dict[bytes, bytes] = {}
    plan = []
    for _ in range(steps):
        key = rng.choice(keys)
        delete = present and rng.random() < 0.3
        if delete:
            key = rng.choice(sorted(present))
        plan.append((key, b"" if delete or rng.random() < 0.05 else random_value(rng)))
    ops = []
    for key, value in plan + [(key, b"") for key in keys]:
        root = trie.root_hash()
        witness = mpt_witness(trie, key, value)
        path = keccak256(key) if secure else key
        old, new_root = mpt_update(root, path, witness, value)
        if value:
            trie.set(key, value)
            present[key] = value
        else:
            trie.delete(key)
            present.pop(key, None)
        assert new_root == trie.root_hash(), f"seed {seed}: the reference's root is not ovm.trie's"
        ops.append(Op(root, path, witness, value, old, new_root))
    assert trie.root_hash() == keccak256(b"\x80")
    return ops


def check_ops(harness, ops: list[Op]) -> None:
    """Each update on L1, and each read of the key before it (Python and L1)."""
    for op in ops:
        assert on_l1(harness, op.root, op.path, op.witness, op.value) == (op.old, op.new_root)
        assert mpt_read(op.root, op.path, op.witness.proof) == op.old
        assert bytes(harness.functions.read(op.root, op.path, list(op.witness.proof)).call()) == op.old


def tamperings(witness: MptWitness):
    proof = witness.proof
    for i, node in enumerate(proof):
        for where in (0, len(node) // 2, len(node) - 1):
            altered = node[:where] + bytes([node[where] ^ 1]) + node[where + 1:]
            yield replace(witness, proof=proof[:i] + (altered,) + proof[i + 1:])
    if proof:
        yield replace(witness, proof=proof[:-1])
        yield replace(witness, proof=proof[1:])
    yield replace(witness, proof=proof + (proof[-1] if proof else b"\xc0",))
    if witness.sibling:
        yield replace(witness, sibling=b"")
        yield replace(witness, sibling=witness.sibling[:-1] + bytes([witness.sibling[-1] ^ 1]))
    else:
        yield replace(witness, sibling=proof[-1] if proof else b"\x80")


def check_tampered(harness, ops: list[Op], rng: random.Random, sample: int) -> int:
    refused = 0
    for op in rng.sample(ops, min(sample, len(ops))):
        for witness in tamperings(op.witness):
            assert in_python(op.root, op.path, witness, op.value) is None
            assert on_l1(harness, op.root, op.path, witness, op.value) is None
            refused += 1
    return refused


def check_other_proofs(harness, ops: list[Op], rng: random.Random, sample: int) -> None:
    """Another operation's proof under the same root: refused by both, or
    the true answer from both (it proves this key's path too)."""
    by_root: dict[bytes, list[Op]] = {}
    for op in ops:
        by_root.setdefault(op.root, []).append(op)
    pairs = [(a, b) for group in by_root.values() for a in group for b in group if a.path != b.path]
    for op, other in rng.sample(pairs, min(sample, len(pairs))):
        python = in_python(op.root, op.path, other.witness, op.value)
        assert on_l1(harness, op.root, op.path, other.witness, op.value) == python
        assert python in (None, (op.old, op.new_root))


def has_embedded_child(node: bytes) -> bool:
    items = rlp.decode(node)
    return any(type(item) is list for item in (items[:16] if len(items) == 17 else items[1:]))


def ops_with_collapses(ops: list[Op]) -> int:
    return sum(1 for op in ops if op.witness.sibling)


def run(harness, seeds: range, steps: int, tamper_sample: int) -> None:
    ops = [op for seed in seeds for op in run_sequence(seed, steps)]
    assert ops_with_collapses(ops) > 0, "no delete needed a sibling node"
    assert any(has_embedded_child(node) for op in ops for node in op.witness.proof), "no embedded node"
    check_ops(harness, ops)
    rng = random.Random(seeds.start)
    assert check_tampered(harness, ops, rng, tamper_sample) > 0
    check_other_proofs(harness, ops, rng, tamper_sample)


def test_mpt_updates_match_ovm_trie(harness):
    run(harness, range(0, 12), steps=25, tamper_sample=8)


@SLOW
def test_mpt_updates_match_ovm_trie_many(harness):
    run(harness, range(100, 120), steps=40, tamper_sample=20)


def test_a_tampered_proof_for_a_secure_key_is_refused(harness):
    trie = SecureTrie()
    for i in range(40):
        trie.set(i.to_bytes(32, "big"), bytes([1 + i]))
    root = trie.root_hash()
    key = (7).to_bytes(32, "big")
    witness = mpt_witness(trie, key, b"\x99")
    path = keccak256(key)
    assert on_l1(harness, root, path, witness, b"\x99") == in_python(root, path, witness, b"\x99")
    # The same proof for another key (a sibling leaf's) is refused or proves nothing else.
    assert on_l1(harness, root, keccak256((8).to_bytes(32, "big")), witness, b"\x99") is None
    assert on_l1(harness, root, path, replace(witness, proof=witness.proof[:-1]), b"\x99") is None
