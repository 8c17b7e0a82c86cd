"""
Interpreter and transpiler, side by side, on generated programs.

Random bytecode (seeded, so failures reproduce) biased towards programs that
do something: pushes of interesting words, arithmetic, stack shuffles, memory,
storage, logs, GAS, CLZ, jumps to real and bogus destinations, calls into
another generated contract — directly or through accounts that delegate to it
or to a precompile (EIP-7702), whose code is read too — calls of the precompiles Prague and Osaka add
(BLS12-381 at 0x0b–0x11, P256VERIFY at 0x100, modexp as Osaka prices it) with
valid inputs copied from a data contract (go-ethereum's vectors) or with
garbage, and every way to halt. Each program runs as a real transaction on
both paths; the state root, gas used, logs, output and outcome must be
identical — under Cancun, Prague and Osaka in turn (before Osaka CLZ is an
invalid opcode, before Prague the BLS12-381 addresses are empty accounts and
the delegations are code that fails),
under a test fork that reprices every opcode, and when code is translated a
few bytes at a time (regions, exits to the interpreter and back, a program
that runs out of budget half-way).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from ovm.evm.delegation import designator
from ovm.evm.forks import CANCUN, OSAKA, PRAGUE
from ovm.evm.opcodes import BY_NAME
from ovm.transpiler import Budget, ProgramCache, TranspilingRunner
from support import CONTRACT, REPRICED_CANCUN, call_contract, make_state

OTHER = bytes.fromhex("2000000000000000000000000000000000000002")
DATA = bytes.fromhex("3000000000000000000000000000000000000003")  # code: valid precompile inputs
DELEGATED = bytes.fromhex("3000000000000000000000000000000000000005")  # delegates to OTHER
DELEGATED_TO_PRECOMPILE = bytes.fromhex("3000000000000000000000000000000000000004")  # to SHA256
TARGETS = [OTHER, OTHER, DELEGATED, DELEGATED_TO_PRECOMPILE]
WORDS = [0, 1, 2, 31, 32, 255, 256, (1 << 255), (1 << 256) - 1, (1 << 255) - 1, 0x40, 7]
PURE = ["ADD", "MUL", "SUB", "DIV", "SDIV", "MOD", "SMOD", "ADDMOD", "MULMOD", "EXP",
        "SIGNEXTEND", "LT", "GT", "SLT", "SGT", "EQ", "ISZERO", "AND", "OR", "XOR", "NOT",
        "BYTE", "SHL", "SHR", "SAR", "CLZ"]
OTHERS = ["POP", "MLOAD", "MSTORE", "MSTORE8", "SLOAD", "SSTORE", "TLOAD", "TSTORE", "MSIZE",
          "GAS", "PC", "CALLER", "CALLVALUE", "CALLDATASIZE", "CALLDATALOAD", "ADDRESS",
          "RETURNDATASIZE", "KECCAK256", "LOG0", "LOG1", "MCOPY", "SELFBALANCE", "CODESIZE"]
HALTS = ["STOP", "RETURN", "REVERT", "INVALID", "SELFDESTRUCT"]
FORKS = (CANCUN, PRAGUE, OSAKA)


def _precompile_inputs() -> tuple[bytes, list[tuple[int, int, int]]]:
    """The data contract's code, and (precompile, offset, size) of a valid input in it
    for modexp, each BLS12-381 operation and P256VERIFY."""
    vectors = Path(__file__).parents[1] / "evm" / "precompiles" / "vectors"

    def first(file: str, name: str | None = None) -> bytes:
        entries = json.loads((vectors / file).read_text())
        return bytes.fromhex(next(v["Input"] for v in entries if v.get("Expected") and name in (None, v["Name"])))

    inputs = [(0x05, first("modexp_eip7883.json", "nagydani-1-pow0x10001")),
              (0x05, first("modexp_eip7883.json", "mod-32-exp-36"))]
    for number, family in enumerate(("G1Add", "G1MultiExp", "G2Add", "G2MultiExp", "Pairing", "MapG1", "MapG2")):
        inputs.append((0x0B + number, first(f"bls{family}.json")))
    inputs.append((0x100, first("p256Verify.json")))
    code, places = b"", []
    for number, data in inputs:
        places.append((number, len(code), len(data)))
        code += data
    return code, places


DATA_CODE, PRECOMPILE_INPUTS = _precompile_inputs()


def op(name: str) -> bytes:
    return bytes((BY_NAME[name].code,))


def push(value: int) -> bytes:
    size = max(1, (value.bit_length() + 7) // 8)
    return bytes((0x5F + size,)) + value.to_bytes(size, "big")


def random_program(rng: random.Random, length: int) -> bytes:
    code = bytearray()
    jumpdests = []
    if rng.random() < 0.3:
        code += precompile_call(rng)  # before anything can end the program
    for _ in range(length):
        roll = rng.random()
        if roll < 0.30:
            code += push(rng.choice(WORDS) if rng.random() < 0.7 else rng.getrandbits(rng.choice((8, 64, 256))))
        elif roll < 0.50:
            code += op(rng.choice(PURE))
        elif roll < 0.62:
            code += op(f"DUP{rng.randint(1, 6)}") if rng.random() < 0.5 else op(f"SWAP{rng.randint(1, 6)}")
        elif roll < 0.80:
            code += op(rng.choice(OTHERS))
        elif roll < 0.86:
            jumpdests.append(len(code))
            code += op("JUMPDEST")
        elif roll < 0.93:
            target = rng.choice(jumpdests) if jumpdests and rng.random() < 0.8 else rng.randint(0, 300)
            code += push(target) + op(rng.choice(("JUMP", "JUMPI")))
        elif roll < 0.945:
            code += precompile_call(rng)
        elif roll < 0.96:
            # CALL(gas, target, value, in, insize, out, outsize)
            target = int.from_bytes(rng.choice(TARGETS), "big")
            code += push(32) + push(0) + push(32) + push(0) + push(rng.choice((0, 1))) + push(target)
            code += op("GAS") + op(rng.choice(("CALL", "STATICCALL", "DELEGATECALL")))
        elif roll < 0.975:
            code += push(int.from_bytes(rng.choice(TARGETS), "big")) + op(rng.choice(("EXTCODESIZE", "EXTCODEHASH")))
        else:
            code += op(rng.choice(HALTS))
    return bytes(code)


def precompile_call(rng: random.Random) -> bytes:
    """A call of one of the newer precompiles (or a Cancun one), with a valid
    input (now and then cut short) copied from the data contract, or with
    whatever memory holds; with all the gas or a little."""
    number, offset, size = rng.choice(PRECOMPILE_INPUTS)
    if rng.random() < 0.3:
        number = rng.choice((0x01, 0x02, 0x04, 0x05, 0x0A, 0x0B, 0x0F, 0x11, 0x100))
    if rng.random() < 0.2:
        size -= rng.randint(1, 3)
    code = b""
    if rng.random() < 0.85:
        # EXTCODECOPY(data, 0, offset, size)
        code += push(size) + push(offset) + push(0) + push(int.from_bytes(DATA, "big")) + op("EXTCODECOPY")
    gas = op("GAS") if rng.random() < 0.8 else push(rng.choice((0, 100, 3000, 6899, 6900, 40_000)))
    # STATICCALL(gas, precompile, 0, size, 0, 64), or CALL with a value of 0
    value = push(0) if rng.random() < 0.3 else b""
    call = "CALL" if value else "STATICCALL"
    return code + push(64) + push(0) + push(size) + push(0) + value + push(number) + gas + op(call)


def run(code: bytes, other: bytes, runner, fork=CANCUN):
    state = make_state({OTHER: other, DATA: DATA_CODE})
    state.load_account(DELEGATED, 1, 5, designator(OTHER), {})
    state.load_account(DELEGATED_TO_PRECOMPILE, 1, 0, designator((2).to_bytes(20, "big")), {})
    state.load_account(CONTRACT, 1, 10**18, code, {0: 1, 1: 2})
    result = call_contract(state, None, gas=300_000, data=bytes(range(40)), value=3, code_runner=runner,
                           fork=fork)
    return (
        state.state_root(),
        result.gas_used,
        result.success,
        type(result.error).__name__,
        result.output,
        [(log.address, log.topics, log.data) for log in result.logs],
    )


@pytest.mark.parametrize("seed", range(1000))
def test_same_outcome_on_both_paths(seed: int):
    rng = random.Random(seed)
    code = random_program(rng, rng.randint(5, 60))
    other = random_program(rng, rng.randint(5, 30))
    fork = FORKS[seed % len(FORKS)]
    assert run(code, other, TranspilingRunner(threshold=0), fork) == run(code, other, None, fork)


@pytest.mark.parametrize("seed", range(1000, 1200))
def test_same_outcome_on_both_paths_under_a_repriced_fork(seed: int):
    rng = random.Random(seed)
    code = random_program(rng, rng.randint(5, 60))
    other = random_program(rng, rng.randint(5, 30))
    runner = TranspilingRunner(threshold=0)
    assert run(code, other, runner, REPRICED_CANCUN) == run(code, other, None, REPRICED_CANCUN)


def looping_program(rng: random.Random) -> bytes:
    """A loop over a random body of many small blocks: balanced stack
    effects, forward jumps (constant and computed, taken or not) over dead
    bytes, storage, GAS, calls; the counter lives in memory."""
    body = bytearray()
    fixups = []  # (offset of a PUSH2 immediate, label)
    labels = {}
    for label in range(rng.randint(4, 14)):
        roll = rng.random()
        if roll < 0.3:
            body += push(rng.choice(WORDS)) + push(rng.choice(WORDS)) + op(rng.choice(PURE)) + op("POP")
        elif roll < 0.45:
            body += op("GAS") + push(rng.randint(0, 3)) + op("SSTORE")
        elif roll < 0.55:
            body += push(rng.randint(0, 3)) + op("SLOAD") + push(rng.randint(4, 6)) + op("SSTORE")
        elif roll < 0.65:
            body += push(0) + push(0) + push(0) + push(0) + push(0) + push(int.from_bytes(OTHER, "big"))
            body += push(5000) + op("CALL") + op("POP")
        if rng.random() < 0.5:
            # a jump to the next label over a few dead bytes
            kind = rng.choice(("JUMP", "JUMPI", "computed", "computed", "computed", "computed to no JUMPDEST"))
            if kind == "JUMPI":
                body += push(rng.choice((0, 1)))
            body += op("PUSH2")
            fixups.append((len(body), label))
            body += b"\x00\x00"
            if kind == "computed to no JUMPDEST":
                body += op("CALLDATASIZE") + op("ADD")  # the frame ends on an invalid jump
            elif kind == "computed":
                body += op("CALLDATASIZE") + op("ADD") + op("CALLDATASIZE") + op("SWAP1") + op("SUB")
            body += op("JUMPI" if kind == "JUMPI" else "JUMP")
            body += bytes(rng.choice((0x01, 0x30, 0x50, 0xFE, 0x0C)) for _ in range(rng.randint(0, 5)))
        labels[label] = len(body)
        body += op("JUMPDEST")
    head = push(rng.randint(3, 40)) + push(0) + op("MSTORE")
    loop = len(head)
    tail = (push(0) + op("MLOAD") + push(1) + op("SWAP1") + op("SUB") + op("DUP1") + push(0) + op("MSTORE")
            + op("PUSH2") + loop.to_bytes(2, "big") + op("JUMPI") + op("STOP"))
    code = bytearray(head + op("JUMPDEST") + body + tail)
    start = loop + 1
    for offset, label in fixups:
        code[start + offset : start + offset + 2] = (start + labels[label]).to_bytes(2, "big")
    return bytes(code)


TINY_REGIONS = {
    "regions of 16 bytes": Budget(region_bytes=16, region_source=400),
    "regions of one block": Budget(region_bytes=64, region_source=1),
    "three regions at most": Budget(region_bytes=24, region_source=400, program_regions=3),
}


@pytest.mark.parametrize("budget", TINY_REGIONS.values(), ids=TINY_REGIONS.keys())
@pytest.mark.parametrize("threshold", [0, 1])
@pytest.mark.parametrize("seed", range(2000, 2060))
def test_same_outcome_when_translated_a_region_at_a_time(seed: int, threshold: int, budget: Budget):
    rng = random.Random(seed)
    code = looping_program(rng) if seed % 3 else random_program(rng, rng.randint(20, 120))
    other = random_program(rng, rng.randint(5, 30))
    runner = TranspilingRunner(ProgramCache(budget=budget), threshold=threshold)
    assert run(code, other, runner) == run(code, other, None)
