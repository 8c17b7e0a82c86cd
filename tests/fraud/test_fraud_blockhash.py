"""
BLOCKHASH against the block's ring of its last 256 hashes
=========================================================

``BlockContext.block_hashes`` is the root of a 256-leaf word tree, leaf
``n % 256`` the hash of block ``n`` for the 256 blocks before the block; a
BLOCKHASH step opens one leaf, or none when the number is outside them (it
pushes 0). Checked: the values BLOCKHASH returns through the step machine
are ordinary execution's (the ring's edges, inside and outside), every step
agrees on L1, and a tampered witness — or the valid proof of another
block's leaf — is refused by both verifiers.
"""

from __future__ import annotations

import random
from dataclasses import replace

from cases import Case, run_case
from eth_abi import decode, encode
from programs import NUMBER, block_hash, op, push
from tamper import tamperings
from test_fraud_trace_exact import assert_exact
from test_fraud_verifier_on_l1 import check_on_l1

from ovm.evm.processor import process_transaction
from ovm.fraud import Witness, WitnessError, verify_step
from ovm.fraud.witness import EXTRA_LAYOUTS

BLOCKHASH = 0x40
NUMBERS = [NUMBER - 1, NUMBER - 256, NUMBER - 257, NUMBER, NUMBER + 1, 0, 150, (1 << 256) - 1]


def returning_hashes(numbers: list[int]) -> bytes:
    """Code storing BLOCKHASH of each number in memory, then returning them."""
    code = b"".join(push(n) + op("BLOCKHASH") + push(32 * i) + op("MSTORE") for i, n in enumerate(numbers))
    return code + push(32 * len(numbers)) + push(0) + op("RETURN")


def test_blockhash_returns_what_ordinary_execution_does(l1):
    case = Case("BLOCKHASH edges", returning_hashes(NUMBERS), target=None)
    assert_exact(case.trace())
    machine, steps, _ = run_case(case)
    output = steps[-1].output
    assert output.size == 32 * len(NUMBERS)
    seen = check_on_l1(l1, [case])
    assert seen[("BLOCKHASH", "")] == len(NUMBERS)
    # the values themselves: inside the ring the chain's hash, outside 0
    trace = case.trace()
    result = process_transaction(trace.pre_state(), trace.env, trace.tx, trace.fork)
    expected = [block_hash(n) if NUMBER - 256 <= n < NUMBER else bytes(32) for n in NUMBERS]
    assert result.output == b"".join(expected)


def _blockhash_check(number: int):
    case = Case(f"BLOCKHASH {number}", push(number) + op("BLOCKHASH") + op("STOP"), target=BLOCKHASH)
    machine, _, checks = run_case(case)
    (check,) = checks
    return case, machine, check


def test_a_tampered_blockhash_witness_is_caught(l1):
    sample = random.Random(9)
    honest, tampered = [], []
    for number in (NUMBER - 1, NUMBER - 256, NUMBER - 257):
        case, machine, check = _blockhash_check(number)
        l1.register(case.code)
        for what, altered in tamperings(Witness.decode(check.witness), sample):
            encoded = altered.encode()
            try:
                python = verify_step(check.pre, encoded, machine.registry)
            except WitnessError:
                python = None
            assert python != check.post, f"{number}: the Python verifier took {what}"
            honest.append(check)
            tampered.append((f"{number}: {what}", encoded))
    answers = l1.answers([(check.pre, encoded) for check, (_, encoded) in zip(honest, tampered)])
    taken = [what for check, (what, _), answer in zip(honest, tampered, answers) if answer == check.post]
    assert not taken, taken


def test_another_blocks_leaf_is_refused(l1):
    """The valid ring proof of block n-1's leaf given for block n (and an
    in-range leaf offered for an out-of-range number): both verifiers refuse."""
    layout = EXTRA_LAYOUTS["blockhash"]
    case, machine, check = _blockhash_check(NUMBER - 5)
    _, _, other = _blockhash_check(NUMBER - 6)
    l1.register(case.code)
    witness = Witness.decode(check.witness)
    block, _ = decode(layout, witness.extra)
    _, leaf = decode(layout, Witness.decode(other.witness).extra)
    forged = replace(witness, extra=encode(layout, [block, leaf])).encode()
    outside_case, outside_machine, outside = _blockhash_check(NUMBER - 300)
    l1.register(outside_case.code)
    outside_witness = Witness.decode(outside.witness)
    forged_outside = replace(outside_witness, extra=encode(layout, [block, leaf])).encode()
    for pre, bad, registry in ((check.pre, forged, machine.registry), (outside.pre, forged_outside,
                                                                       outside_machine.registry)):
        try:
            python = verify_step(pre, bad, registry)
        except WitnessError:
            python = None
        assert python is None
    answers = l1.answers([(check.pre, forged), (outside.pre, forged_outside), (check.pre, check.witness)])
    assert answers[2] == check.post
    assert answers[0] != check.post and answers[1] != outside.post
