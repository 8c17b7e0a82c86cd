"""Shared helpers for the test suite: fixture paths, tiny-bytecode runners, and the
test-helper contracts compiled with the project's build script."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ovm.evm.environment import BlockEnv
from ovm.evm.forks import CANCUN
from ovm.evm.opcodes import BY_NAME
from ovm.evm.processor import process_transaction
from ovm.evm.transactions import FeeMarketTransaction, sign_transaction
from ovm.primitives.crypto import private_key_to_address
from ovm.state import State

REPO = Path(__file__).resolve().parents[1]
ETHEREUM_TESTS = REPO.parent / "shared" / "fixtures" / "ethereum-tests"
BENCH = REPO.parent / "shared" / "bench"
BUILD_SCRIPT = REPO / "contracts" / "build.mjs"

SENDER_KEY = bytes.fromhex("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")
SENDER = private_key_to_address(SENDER_KEY)
CONTRACT = bytes.fromhex("1000000000000000000000000000000000000001")
COINBASE = bytes.fromhex("2adc25665018aa1fe0e6bc666dac8fc2697ff9ba")


def make_env(**overrides) -> BlockEnv:
    values = dict(
        coinbase=COINBASE,
        number=1,
        timestamp=1000,
        gas_limit=30_000_000,
        base_fee=7,
        prev_randao=b"\x00" * 32,
        chain_id=1,
    )
    values.update(overrides)
    return BlockEnv(**values)


def make_state(contracts: dict[bytes, bytes] | None = None, balance: int = 10**20) -> State:
    state = State()
    state.load_account(SENDER, 0, balance, b"", {})
    for address, code in (contracts or {}).items():
        state.load_account(address, 1, 0, code, {})
    return state


def call_contract(state: State, code_or_none=None, *, to: bytes = CONTRACT, data: bytes = b"",
                  gas: int = 1_000_000, value: int = 0, nonce: int | None = None, env=None,
                  code_runner=None, fork=CANCUN):
    """Send one signed type-2 transaction to ``to`` and return its result."""
    if code_or_none is not None:
        state.load_account(to, 1, 0, code_or_none, {})
    tx = FeeMarketTransaction(
        chain_id=1,
        nonce=state.get_nonce(SENDER) if nonce is None else nonce,
        max_priority_fee_per_gas=1,
        max_fee_per_gas=10,
        gas=gas,
        to=to,
        value=value,
        data=data,
        access_list=(),
        y_parity=0,
        r=0,
        s=0,
    )
    tx = sign_transaction(tx, SENDER_KEY, 1)
    return process_transaction(state, env or make_env(), tx, fork, code_runner=code_runner)


def load_known_failures(path: Path) -> dict[str, str]:
    """A conformance suite's known failures: ``case id  reason`` per line; ``#`` starts a comment."""
    known = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            case, _, reason = line.partition(" ")
            known[case] = reason.strip()
    return known


def _repriced_cancun():
    static_gas = CANCUN.instruction_set.static_gas
    reprice = {op.name: static_gas[op.code] + 1 + op.code % 5 for op in CANCUN.instruction_set.defined()}
    return CANCUN.derive("RepricedCancun", reprice=reprice)


REPRICED_CANCUN = _repriced_cancun()
"""A test fork: Cancun with the static gas of every opcode raised by 1 to 5."""


def asm(*lines: str) -> bytes:
    """Assemble mnemonics ("PUSH1 0x02", "ADD", ...) into bytecode."""
    code = bytearray()
    for line in lines:
        name, *arg = line.split()
        info = BY_NAME[name]
        code.append(info.code)
        if info.immediate:
            code += int(arg[0], 0).to_bytes(info.immediate, "big")
    return bytes(code)


def nested_rlp_lists(depth: int, core: bytes = b"\xc0") -> bytes:
    """RLP of ``depth`` lists, each holding the next, around the item ``core``."""
    data = core
    for _ in range(depth):
        size = len(data)
        if size < 56:
            data = bytes([0xC0 + size]) + data
        else:
            length = size.to_bytes((size.bit_length() + 7) // 8, "big")
            data = bytes([0xF7 + len(length)]) + length + data
    return data


def compile_sources(out_dir: Path, *source_dirs: str) -> dict[str, dict]:
    """Compiles the given repo-relative source directories with the project's build
    script into ``out_dir`` and returns the artifacts by contract name."""
    subprocess.run(
        ["node", str(BUILD_SCRIPT), "--root", str(REPO), "--out", str(out_dir), *source_dirs],
        check=True,
        capture_output=True,
    )
    return {path.stem: json.loads(path.read_text()) for path in out_dir.glob("*.json")}
