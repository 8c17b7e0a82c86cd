"""Shared helpers for the test suite: fixture paths, tiny-bytecode runners,
signed-transaction builders, the JSON-RPC client and free loopback ports
that tests of real processes use, and the test-helper contracts compiled with
the project's build script."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from ovm.evm.environment import BlockEnv
from ovm.evm.forks import CANCUN
from ovm.evm.opcodes import BY_NAME
from ovm.evm.processor import process_transaction
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import (
    FeeMarketTransaction,
    LegacyTransaction,
    Transaction,
    encode_transaction,
)
from ovm.primitives.crypto import private_key_to_address
from ovm.state import State

REPO = Path(__file__).resolve().parents[1]
ETHEREUM_TESTS = REPO.parent / "shared" / "fixtures" / "ethereum-tests"
BENCH = REPO.parent / "shared" / "bench"
BUILD_SCRIPT = REPO / "contracts" / "build.mjs"

GWEI = 10**9

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
    tx = fee_market_tx(SENDER_KEY, chain_id=1, to=to, nonce=state.get_nonce(SENDER) if nonce is None else nonce,
                       value=value, data=data, gas=gas, max_priority_fee_per_gas=1, max_fee_per_gas=10)
    return process_transaction(state, env or make_env(), tx, fork, code_runner=code_runner)


# --- signed transactions ----------------------------------------------------------


def fee_market_tx(key: bytes, *, chain_id: int, to: bytes | None, **fields: Any) -> FeeMarketTransaction:
    """A type-2 (EIP-1559) transaction signed with ``key``: nonce 0, 0 wei, no
    data, 21,000 gas, a 1 gwei tip and a 10 gwei fee cap, but for the
    ``FeeMarketTransaction`` fields given."""
    values = dict(nonce=0, max_priority_fee_per_gas=GWEI, max_fee_per_gas=10 * GWEI, gas=21_000, value=0, data=b"",
                  access_list=())
    values.update(fields)
    tx = FeeMarketTransaction(chain_id=chain_id, to=to, y_parity=0, r=0, s=0, **values)
    return sign_transaction(tx, key, chain_id)


def legacy_tx(key: bytes, *, chain_id: int | None, to: bytes | None, **fields: Any) -> LegacyTransaction:
    """A legacy transaction signed with ``key`` (EIP-155 unless ``chain_id`` is
    None): nonce 0, 0 wei, no data, 21,000 gas at 10 gwei, but for the
    ``LegacyTransaction`` fields given."""
    values = dict(nonce=0, gas_price=10 * GWEI, gas=21_000, value=0, data=b"")
    values.update(fields)
    return sign_transaction(LegacyTransaction(to=to, v=0, r=0, s=0, **values), key, chain_id)


def raw_tx_hex(tx: Transaction) -> str:
    """The network form, as ``eth_sendRawTransaction`` takes it."""
    return "0x" + encode_transaction(tx).hex()


# --- processes ---------------------------------------------------------------------


def run_ovm(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The ``ovm`` command run to its end from the repository, its output captured as text."""
    return subprocess.run([sys.executable, "-m", "ovm.cli.main", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rpc(url: str, method: str, *params: Any, timeout: float = 30) -> Any:
    """One JSON-RPC call over HTTP; its result, or ``RuntimeError`` with the error object."""
    reply = requests.post(
        url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}, timeout=timeout
    ).json()
    if "error" in reply:
        raise RuntimeError(reply["error"])
    return reply["result"]


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


# Between the two GAS readings of ``staticcall_probe``: five pushes and
# CALLDATASIZE (17), STATICCALL's access to a warm address (100) and the second GAS (2).
PROBE_OVERHEAD = 17 + 100 + 2


def staticcall_probe(target: int, call_gas: int) -> bytes:
    """Code that copies its calldata to memory, STATICCALLs ``target`` with it
    and ``call_gas``, and returns three words — success, the gas the call took
    (``PROBE_OVERHEAD`` included), the output's size — then the output."""
    return asm(
        "CALLDATASIZE", "PUSH1 0", "PUSH1 0", "CALLDATACOPY",
        "GAS",
        "PUSH1 0", "PUSH1 0", "CALLDATASIZE", "PUSH1 0", f"PUSH2 {target}", f"PUSH4 {call_gas}",
        "STATICCALL",
        "GAS",
        "SWAP1", "PUSH1 0", "MSTORE",
        "SWAP1", "SUB", "PUSH1 32", "MSTORE",
        "RETURNDATASIZE", "PUSH1 64", "MSTORE",
        "RETURNDATASIZE", "PUSH1 0", "PUSH1 96", "RETURNDATACOPY",
        "RETURNDATASIZE", "PUSH1 96", "ADD", "PUSH1 0", "RETURN",
    )  # fmt: skip


def call_precompile(target: int, data: bytes, fork, code_runner=None, call_gas: int = 100_000,
                    gas: int = 1_000_000) -> tuple[int, int, bytes]:
    """STATICCALL ``target`` with ``data`` from a contract, in a transaction under
    ``fork``: (success, the gas the call took, its output)."""
    result = call_contract(make_state(), staticcall_probe(target, call_gas), data=data, fork=fork,
                           code_runner=code_runner, gas=gas)
    assert result.success, result.error
    out = result.output
    success, taken, size = (int.from_bytes(out[i : i + 32], "big") for i in (0, 32, 64))
    assert len(out) == 96 + size
    return success, taken - PROBE_OVERHEAD, out[96:]


def compile_sources(out_dir: Path, *source_dirs: str) -> dict[str, dict]:
    """Compiles the given repo-relative source directories with the project's build
    script into ``out_dir`` and returns the artifacts by contract name."""
    subprocess.run(
        ["node", str(BUILD_SCRIPT), "--root", str(REPO), "--out", str(out_dir), *source_dirs],
        check=True,
        capture_output=True,
    )
    return {path.stem: json.loads(path.read_text()) for path in out_dir.glob("*.json")}
