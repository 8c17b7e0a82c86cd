"""
Bytecode policy
===============

The code analysis (PUSH data and dead code skipped), each policy on tiny
bytecode and on solc's output from the benchmark fixtures, the OVM 1.0 rule
set checked against the constants of ``OVM_SafetyChecker.sol``, and the
policy enforced by the machine — on a creation transaction's initcode, on the
code it returns, and on a contract's CREATE — under both engines.
"""

from __future__ import annotations

import json

import pytest
from support import BENCH, SENDER, SENDER_KEY, asm, make_env, make_state

from ovm.evm.exceptions import DeploymentRejected
from ovm.evm.forks import CANCUN
from ovm.evm.instructions.system import create_address
from ovm.evm.processor import process_transaction
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction
from ovm.safety import (
    OVM1_RULES,
    OVM1_SAFE_BYTECODE,
    AllOf,
    DeployerAllowList,
    OpcodeDenyList,
    PredeployGuard,
    chain_deployment_policy,
    reachable_instructions,
    with_deployment_policy,
)
from ovm.safety.bytecode_policy import (
    OVM1_CALLER_SEQUENCES,
    OVM1_HALTING_OPCODES,
    SafeBytecodeRules,
    gate_mask,
)
from ovm.transpiler import TranspilingRunner

DEPLOYER = bytes.fromhex("aa" * 20)
ADDRESS = bytes.fromhex("cc" * 20)
ENGINES = {"interpreter": None, "transpiler": TranspilingRunner(threshold=0)}
MASK_256 = (1 << 256) - 1

# The constants of OVM_SafetyChecker.isBytecodeSafe (ethereum-optimism/contracts).
SOURCE_GATE_MASK = ~0xFFFFFFFFFFFFFFFFFFFFFFE000000000FFFFFFFFF070FFFF9C0FFFFEC000F001 & MASK_256
SOURCE_HALTING_MASK = ~0x4008000000000000000000000000000000000000004000000000000000000001 & MASK_256


def fixture_code(name: str) -> bytes:
    """The runtime code of a benchmark contract (solc 0.8.30 output)."""
    test = next(iter(json.loads((BENCH / "fixtures" / f"{name}.json").read_text()).values()))
    return bytes.fromhex(test["pre"]["0x00000000000000000000000000000000000c0de0"]["code"][2:])


def code_check(policy, code: bytes) -> str | None:
    return policy.check_code(DEPLOYER, ADDRESS, code)


# --- code analysis -------------------------------------------------------------------


def test_push_data_is_not_read_as_instructions():
    code = asm("PUSH2 0x55ff", "SSTORE")
    assert list(reachable_instructions(code)) == [(0, 0x61), (3, 0x55)]


def test_dead_code_after_a_halt_is_skipped_up_to_a_jumpdest():
    code = asm("STOP", "SSTORE", "PUSH1 0x5b", "SLOAD", "JUMPDEST", "ADDRESS")
    # the 0x5b inside PUSH1's data is no jump destination; the JUMPDEST at 5 is
    assert list(reachable_instructions(code)) == [(0, 0x00), (5, 0x5B), (6, 0x30)]


def test_undefined_opcodes_halt():
    assert list(reachable_instructions(bytes([0x0C, 0x55]))) == [(0, 0x0C)]


def test_truncated_push_at_the_end():
    assert list(reachable_instructions(bytes([0x7F, 0x55]))) == [(0, 0x7F)]


# --- opcode deny-list ----------------------------------------------------------------


def test_deny_list_names_the_opcode_and_offset():
    code = asm("PUSH1 0x00", "SELFDESTRUCT")
    assert code_check(OpcodeDenyList(["SELFDESTRUCT"]), code) == (
        "denied opcode: deployed code uses SELFDESTRUCT (0xff) at offset 2"
    )


def test_deny_list_checks_initcode_too():
    message = OpcodeDenyList([0x32]).check_initcode(DEPLOYER, ADDRESS, asm("ORIGIN"))
    assert message == "denied opcode: initcode uses ORIGIN (0x32) at offset 0"


def test_deny_list_ignores_push_data_and_dead_code():
    code = asm("PUSH1 0xff", "RETURN", "SELFDESTRUCT")
    assert code_check(OpcodeDenyList(["selfdestruct"]), code) is None


def test_deny_list_ignores_solc_metadata():
    code = fixture_code("compute_fixedpoint")
    metadata = code[-(int.from_bytes(code[-2:], "big") + 2) :]
    assert 0x32 in metadata  # an ORIGIN byte in the metadata hash, never executed
    assert code_check(OpcodeDenyList(["ORIGIN", "CALLER", "SELFDESTRUCT"]), code) is None
    assert code_check(OpcodeDenyList(["SSTORE"]), code).startswith(
        "denied opcode: deployed code uses SSTORE (0x55) at offset"
    )


def test_unknown_opcode_name():
    with pytest.raises(ValueError, match="unknown opcode 'FOO'"):
        OpcodeDenyList(["FOO"])


# --- deployer allow-list, predeploys, composition -------------------------------------


def test_allow_list():
    policy = DeployerAllowList([DEPLOYER])
    assert policy.check_initcode(DEPLOYER, ADDRESS, b"") is None
    assert policy.check_initcode(ADDRESS, DEPLOYER, b"") == (
        f"deployer not allowed: 0x{ADDRESS.hex()} is not on the deployer allow-list"
    )


def test_predeploy_guard():
    predeploy = bytes.fromhex("4200000000000000000000000000000000000016")
    assert PredeployGuard().check_initcode(DEPLOYER, predeploy, b"") == (
        f"cannot deploy to predeploy address 0x{predeploy.hex()}"
    )
    assert PredeployGuard().check_initcode(DEPLOYER, ADDRESS, b"") is None


def test_chain_policy_always_guards_predeploys():
    predeploy = bytes.fromhex("4200000000000000000000000000000000000042")
    message = chain_deployment_policy().check_initcode(DEPLOYER, predeploy, b"")
    assert message == f"cannot deploy to predeploy address 0x{predeploy.hex()}"


def test_all_of_answers_with_the_first_refusal():
    policy = AllOf(OpcodeDenyList(["SSTORE"]), OpcodeDenyList(["SLOAD"]))
    # the first policy's answer, though the second's opcode comes first in the code
    assert code_check(policy, asm("SLOAD", "SSTORE")) == (
        "denied opcode: deployed code uses SSTORE (0x55) at offset 1"
    )
    assert code_check(policy, asm("STOP")) is None


# --- OVM 1.0 safe bytecode -----------------------------------------------------------


def test_ovm1_rules_rebuild_the_safety_checkers_masks():
    assert gate_mask(OVM1_RULES) == SOURCE_GATE_MASK
    assert sum(1 << op for op in OVM1_HALTING_OPCODES) == ~SOURCE_HALTING_MASK & MASK_256


@pytest.mark.parametrize(
    "code",
    [
        asm("PUSH1 0x01", "PUSH1 0x02", "ADD", "PUSH1 0x00", "MSTORE",
            "PUSH1 0x20", "PUSH1 0x00", "RETURN"),  # fmt: skip
        asm("PUSH32 0x" + "55" * 32, "POP", "STOP"),  # unsafe bytes as PUSH data
        asm("JUMP", "SSTORE", "TIMESTAMP", "JUMPDEST", "STOP"),  # dead code after a halt
        OVM1_CALLER_SEQUENCES[0] + asm("POP", "STOP"),
        OVM1_CALLER_SEQUENCES[1] + OVM1_CALLER_SEQUENCES[0],
        b"",
    ],
    ids=["arithmetic", "push-data", "dead-code", "identity-call", "em-call", "empty"],
)
def test_ovm1_safe_code(code):
    assert code_check(OVM1_SAFE_BYTECODE, code) is None


@pytest.mark.parametrize(
    "code, name, offset",
    [
        (asm("PUSH1 0x00", "SLOAD"), "SLOAD", 2),
        (asm("CALLER", "POP"), "CALLER", 0),  # CALLER outside the two sequences
        (OVM1_CALLER_SEQUENCES[0][:-1], "CALLER", 0),  # a sequence cut short
        (asm("PUSH1 0x00", "DUP1", "REVERT"), "REVERT", 3),  # REVERT went through ovmREVERT
        (asm("PUSH0"), "PUSH0", 0),  # undefined in Istanbul, so outside the mask
        (asm("TLOAD"), "TLOAD", 0),
        (asm("RETURN", "JUMPDEST", "TIMESTAMP"), "TIMESTAMP", 2),  # reachable again
        (bytes([0x0C]), "opcode 0x0c not defined", 0),
    ],
)
def test_ovm1_unsafe_code(code, name, offset):
    assert code_check(OVM1_SAFE_BYTECODE, code) == (
        f"unsafe bytecode: deployed code uses {name} (0x{code[offset]:02x}) at offset {offset}, "
        "not allowed by the OVM 1.0 safe-bytecode rules"
    )


@pytest.mark.parametrize("name", ["erc20_transfers", "compute_fixedpoint"])
def test_ovm1_refuses_ordinary_solc_output(name):
    # solc 0.8.30 opens every contract with PUSH1 0x80 PUSH1 0x40 MSTORE CALLVALUE
    # DUP1 ISZERO PUSH2 .. JUMPI PUSH0 — PUSH0 did not exist in OVM 1.0.
    assert OVM1_SAFE_BYTECODE.first_violation(fixture_code(name)) == (12, 0x5F)


def test_ovm1_checks_initcode_too():
    assert OVM1_SAFE_BYTECODE.check_initcode(DEPLOYER, ADDRESS, asm("NUMBER")).startswith(
        "unsafe bytecode: initcode uses NUMBER (0x43) at offset 0"
    )


# --- enforced by the machine -----------------------------------------------------------


def returning(runtime: bytes) -> bytes:
    """Initcode that returns ``runtime`` (at most 32 bytes) as the contract's code."""
    n = len(runtime)
    return asm(
        f"PUSH{n} 0x{runtime.hex()}", "PUSH1 0x00", "MSTORE",
        f"PUSH1 {n}", f"PUSH1 {32 - n}", "RETURN",
    )  # fmt: skip


def factory(initcode: bytes) -> bytes:
    """A contract that CREATEs with ``initcode`` (at most 32 bytes), the result in slot 0."""
    n = len(initcode)
    return asm(
        f"PUSH{n} 0x{initcode.hex()}", "PUSH1 0x00", "MSTORE",
        f"PUSH1 {n}", f"PUSH1 {32 - n}", "PUSH1 0x00", "CREATE", "PUSH1 0x00", "SSTORE", "STOP",
    )  # fmt: skip


def send(state, fork, runner, *, to: bytes | None, data: bytes = b"", gas: int = 200_000):
    tx = FeeMarketTransaction(1, state.get_nonce(SENDER), 1, 10, gas, to, 0, data, (), 0, 0, 0)
    tx = sign_transaction(tx, SENDER_KEY, 1)
    return process_transaction(state, make_env(), tx, fork, code_runner=runner)


def deploy(state, initcode: bytes, fork, runner):
    return send(state, fork, runner, to=None, data=initcode)


DENY_SELFDESTRUCT = with_deployment_policy(CANCUN, OpcodeDenyList(["SELFDESTRUCT"]))
BAD_RUNTIME = asm("CALLER", "SELFDESTRUCT")


@pytest.mark.parametrize("runner", ENGINES.values(), ids=ENGINES.keys())
def test_returned_code_is_checked_before_it_is_stored(runner):
    state = make_state()
    result = deploy(state, returning(BAD_RUNTIME), DENY_SELFDESTRUCT, runner)
    assert isinstance(result.error, DeploymentRejected)
    assert str(result.error) == "denied opcode: deployed code uses SELFDESTRUCT (0xff) at offset 1"
    assert (result.success, result.gas_used) == (False, 200_000)
    assert state.get_code(create_address(SENDER, 0)) == b""
    assert state.get_nonce(SENDER) == 1


@pytest.mark.parametrize("runner", ENGINES.values(), ids=ENGINES.keys())
def test_initcode_is_checked_before_it_runs(runner):
    state = make_state()
    result = deploy(state, asm("PUSH1 0x00", "SELFDESTRUCT"), DENY_SELFDESTRUCT, runner)
    assert str(result.error) == "denied opcode: initcode uses SELFDESTRUCT (0xff) at offset 2"
    assert not state.account_exists(create_address(SENDER, 0))


@pytest.mark.parametrize("runner", ENGINES.values(), ids=ENGINES.keys())
def test_allowed_code_deploys(runner):
    state = make_state()
    result = deploy(state, returning(asm("CALLER", "STOP")), DENY_SELFDESTRUCT, runner)
    assert result.success
    assert state.get_code(create_address(SENDER, 0)) == asm("CALLER", "STOP")


@pytest.mark.parametrize("runner", ENGINES.values(), ids=ENGINES.keys())
@pytest.mark.parametrize(
    "fork, created", [(DENY_SELFDESTRUCT, False), (CANCUN, True)], ids=["policy", "no-policy"]
)
def test_a_contracts_create_is_checked(runner, fork, created):
    state = make_state({ADDRESS: factory(returning(BAD_RUNTIME))})
    # a refused CREATE pushes 0, like any failed one; the call goes on
    assert send(state, fork, runner, to=ADDRESS, gas=300_000).success
    child = create_address(ADDRESS, 1)
    assert state.get_storage(ADDRESS, 0) == (int.from_bytes(child, "big") if created else 0)
    assert state.get_code(child) == (BAD_RUNTIME if created else b"")


def test_a_guarded_sequence_must_be_whole_instructions():
    # The walker steps over a matched sequence; one ending inside PUSH data
    # would leave it at a byte that is not an instruction.
    with pytest.raises(ValueError, match="not whole instructions"):
        SafeBytecodeRules("cut", OVM1_RULES.allowed, OVM1_RULES.halting, {0x33: (bytes.fromhex("336100"),)})
    with pytest.raises(ValueError, match="not whole instructions"):
        SafeBytecodeRules("other opcode", OVM1_RULES.allowed, OVM1_RULES.halting, {0x33: (bytes.fromhex("3050"),)})
