"""
Bytecode policy
===============

Rules about what code may be deployed on the chain, beyond the consensus
limits. A ``DeploymentPolicy`` is asked twice about every creation — a
creation transaction's or a contract's CREATE/CREATE2:

- ``check_initcode(deployer, address, initcode)`` before the initcode runs, and
- ``check_code(deployer, address, code)`` with the code the creation returned,
  before it is stored (a constructor can return any code, so the initcode
  alone says nothing certain about it).

Each returns the reason for a refusal, or ``None``. Admission asks the first
question about a creation transaction, so the sender hears the reason before
paying for anything; the machine asks both questions during execution when the
chain runs its fork through ``with_deployment_policy`` (a refusal ends the
creation as an exceptional halt, ``DeploymentRejected``). Because that changes
the state, a policy is a rule of the chain: every node of it must run the same
one, and it applies to deposits as much as to sequenced transactions.

The policies:

- ``DeployerAllowList``: only listed accounts may create contracts. As in OVM
  1.0's ``OVM_DeployerWhitelist`` (checked by ``ovmCREATE``/``ovmCREATE2`` for
  the creating address), the deployer is whoever executes the creation: the
  sender of a creation transaction, or the contract running CREATE, so a
  listed account's factory contract must itself be listed.
- ``OpcodeDenyList``: code may not contain the named opcodes where they can
  execute (see *Code analysis*).
- ``OVM1_SAFE_BYTECODE``: the rules of OVM 1.0's safety checker, below.
- ``PredeployGuard``: nothing may be created at a predeploy address
  (``system_addresses``); part of every chain's policy.
- ``AllOf``: several policies, the first refusal wins.
  ``chain_deployment_policy`` composes a chain's from its options.

The size limits of EIP-170 (deployed code, 24,576 bytes) and EIP-3860
(initcode, 49,152 bytes) are consensus rules the machine enforces anyway;
admission reports the second up front in geth's words
(``ovm.evm.validation.check_for_pool``).

Code analysis
-------------

Code is read as the EVM reads it, through the one bytecode walker
(``ovm.evm.opcodes.walk``): an instruction's PUSH data is skipped, never
taken for opcodes. Bytes after a halting instruction up to the next JUMPDEST
are unreachable (execution arrives at an instruction only by falling through
or by jumping to a JUMPDEST, and the JUMPDESTs found this way are exactly the
valid jump destinations, since both scans skip PUSH data alike), so they are
not looked at: that is where solc puts its metadata and data sections.

OVM 1.0's safe bytecode
-----------------------

OVM 1.0 ran contracts inside an execution manager contract on L1 and L2, and a
contract had to reach anything specific to the environment — its own address,
the caller, time, block number, storage, other contracts — through calls to
that manager (``ovmADDRESS``, ``ovmCALLER``, ``ovmTIMESTAMP``, ``ovmSLOAD``,
``ovmCALL``, ...), or a fraud proof replaying it on L1 would see different
values. Its ``OVM_SafetyChecker.isBytecodeSafe`` refused code that used the
opcodes directly; ``OVM_ExecutionManager._handleContractCreation`` ran it on
both the creation code ("Contract creation code contains unsafe opcodes") and
the deployed code ("Constructor attempted to deploy unsafe bytecode").
Source: ethereum-optimism/contracts,
``contracts/optimistic-ethereum/OVM/execution/OVM_SafetyChecker.sol`` and
``OVM_ExecutionManager.sol`` (2021). Its rules, reproduced here as data:

1. Allowed anywhere: the opcodes whose bits are set in its
   ``opcodeGateMask`` (``OVM1_ALLOWED_OPCODES``; ``gate_mask`` rebuilds the
   mask from them and the tests compare it with the source's constant). All
   arithmetic, comparison and bitwise opcodes, KECCAK256, CALLVALUE,
   CALLDATA*, CODESIZE, CODECOPY, RETURNDATA*, POP, MLOAD, MSTORE, MSTORE8,
   JUMPI, PC, MSIZE, GAS, JUMPDEST, DUP*, SWAP*, LOG0–LOG4.
2. PUSH1–PUSH32, whose data is skipped.
3. STOP, JUMP, RETURN and INVALID, after which the bytes up to the next
   JUMPDEST are skipped as unreachable.
4. CALLER only as the first byte of one of two exact sequences, the compiled
   forms of a call to the execution manager (``OVM1_CALLER_SEQUENCES``); the
   whole sequence is then skipped.
5. Anything else is unsafe: ADDRESS, BALANCE, ORIGIN, GASPRICE, EXTCODESIZE,
   EXTCODECOPY, EXTCODEHASH, BLOCKHASH, COINBASE, TIMESTAMP, NUMBER,
   DIFFICULTY (now PREVRANDAO), GASLIMIT, CHAINID, SELFBALANCE, SLOAD, SSTORE,
   CREATE, CALL, CALLCODE, DELEGATECALL, CREATE2, STATICCALL, REVERT (it too
   went through the manager, ``ovmREVERT``), SELFDESTRUCT, and every byte
   Istanbul left undefined — which includes the opcodes defined since, BASEFEE,
   BLOBHASH, BLOBBASEFEE, TLOAD, TSTORE, MCOPY and PUSH0: the mask refuses
   them, so this rule set does too.

Code that only the execution manager could run usefully passes these rules;
ordinary solc output does not (it reads CALLER, SLOAD, SSTORE directly). The
rule set is here for fidelity to OVM 1.0 and for chains that want its
sandbox, not as a default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..evm.forks import Fork
from ..evm.opcodes import BY_NAME, IMMEDIATE_SIZES, JUMPDEST, OPCODES, opcode_name, reachable, walk
from .system_addresses import is_predeploy

UNDEFINED_OPCODES = frozenset(range(256)) - OPCODES.keys()
HALTING_OPCODES = UNDEFINED_OPCODES | {code for code, info in OPCODES.items() if info.terminates}
"""Opcodes after which execution never falls through: the terminating ones and undefined bytes."""


def opcode_codes(names: Iterable[str | int]) -> frozenset[int]:
    """Opcode numbers from names ("SSTORE") or numbers; an unknown name is a ``ValueError``."""
    codes = set()
    for name in names:
        if isinstance(name, int):
            codes.add(name)
        elif name.upper() in BY_NAME:
            codes.add(BY_NAME[name.upper()].code)
        else:
            raise ValueError(f"unknown opcode {name!r}")
    return frozenset(codes)


def reachable_instructions(
    code: bytes, halting: frozenset[int] = HALTING_OPCODES
) -> Iterator[tuple[int, int]]:
    """``(offset, opcode)`` of each instruction that can execute: PUSH data and
    the dead code after a ``halting`` opcode are skipped."""
    return reachable(code, halting)


def is_whole_instructions(sequence: bytes) -> bool:
    """``sequence`` ends where an instruction ends (its last PUSH is complete)."""
    return all(pc + 1 + IMMEDIATE_SIZES[op] <= len(sequence) for pc, op in walk(sequence))


def _describe(op: int, pc: int) -> str:
    return f"{opcode_name(op)} (0x{op:02x}) at offset {pc}"


class DeploymentPolicy:
    """Accepts everything; a policy overrides the checks it needs.

    Satisfies ``ovm.evm.forks.base.DeploymentCheck``."""

    def check_initcode(self, deployer: bytes, address: bytes, initcode: bytes) -> str | None:
        return None

    def check_code(self, deployer: bytes, address: bytes, code: bytes) -> str | None:
        return None


class AllOf(DeploymentPolicy):
    """Every policy must accept; the first refusal is the answer."""

    def __init__(self, *policies: DeploymentPolicy) -> None:
        self.policies = policies

    def check_initcode(self, deployer: bytes, address: bytes, initcode: bytes) -> str | None:
        refusals = (p.check_initcode(deployer, address, initcode) for p in self.policies)
        return next((r for r in refusals if r is not None), None)

    def check_code(self, deployer: bytes, address: bytes, code: bytes) -> str | None:
        refusals = (p.check_code(deployer, address, code) for p in self.policies)
        return next((r for r in refusals if r is not None), None)


class CodePolicy(DeploymentPolicy):
    """A rule about what code contains, applied to initcode and deployed code alike."""

    def first_violation(self, code: bytes) -> tuple[int, int] | None:
        """``(offset, opcode)`` of the first instruction that breaks the rule, or ``None``."""
        raise NotImplementedError

    def refusal(self, what: str, pc: int, op: int) -> str:
        raise NotImplementedError

    def _check(self, what: str, code: bytes) -> str | None:
        violation = self.first_violation(code)
        return None if violation is None else self.refusal(what, *violation)

    def check_initcode(self, deployer: bytes, address: bytes, initcode: bytes) -> str | None:
        return self._check("initcode", initcode)

    def check_code(self, deployer: bytes, address: bytes, code: bytes) -> str | None:
        return self._check("deployed code", code)


class PredeployGuard(DeploymentPolicy):
    """Refuses any creation whose address is in the predeploy namespace (asked
    before the initcode runs; the address does not change after). See
    ``system_addresses`` for why this is all it takes."""

    def check_initcode(self, deployer: bytes, address: bytes, initcode: bytes) -> str | None:
        if is_predeploy(address):
            return f"cannot deploy to predeploy address 0x{address.hex()}"
        return None


class DeployerAllowList(DeploymentPolicy):
    """Only the listed accounts (or contracts) may create contracts (asked
    before the initcode runs; the deployer does not change after)."""

    def __init__(self, deployers: Iterable[bytes]) -> None:
        self.deployers = frozenset(bytes(d) for d in deployers)

    def check_initcode(self, deployer: bytes, address: bytes, initcode: bytes) -> str | None:
        if deployer in self.deployers:
            return None
        return f"deployer not allowed: 0x{deployer.hex()} is not on the deployer allow-list"


class OpcodeDenyList(CodePolicy):
    """Code may not contain the given opcodes (names or numbers) where they can execute."""

    def __init__(self, opcodes: Iterable[str | int]) -> None:
        self.denied = opcode_codes(opcodes)

    def first_violation(self, code: bytes) -> tuple[int, int] | None:
        denied = ((pc, op) for pc, op in reachable_instructions(code) if op in self.denied)
        return next(denied, None)

    def refusal(self, what: str, pc: int, op: int) -> str:
        return f"denied opcode: {what} uses {_describe(op, pc)}"


@dataclass(frozen=True)
class SafeBytecodeRules:
    """An allow-list bytecode rule set in the shape of OVM 1.0's safety checker."""

    name: str
    allowed: frozenset[int]
    halting: frozenset[int]
    guarded: dict[int, tuple[bytes, ...]]
    """Opcodes allowed only as the first byte of one of these sequences."""

    def __post_init__(self) -> None:
        # A matched sequence is stepped over as whole instructions of the walk.
        for op, sequences in self.guarded.items():
            for sequence in sequences:
                if sequence[:1] != bytes((op,)) or not is_whole_instructions(sequence):
                    raise ValueError(f"guarded sequence {sequence.hex()} is not whole instructions from 0x{op:02x}")


OVM1_ALLOWED_OPCODES = opcode_codes(
    [
        "ADD", "MUL", "SUB", "DIV", "SDIV", "MOD", "SMOD", "ADDMOD", "MULMOD", "EXP",
        "SIGNEXTEND", "LT", "GT", "SLT", "SGT", "EQ", "ISZERO", "AND", "OR", "XOR", "NOT",
        "BYTE", "SHL", "SHR", "SAR", "KECCAK256", "CALLVALUE", "CALLDATALOAD",
        "CALLDATASIZE", "CALLDATACOPY", "CODESIZE", "CODECOPY", "RETURNDATASIZE",
        "RETURNDATACOPY", "POP", "MLOAD", "MSTORE", "MSTORE8", "JUMPI", "PC", "MSIZE", "GAS",
        "JUMPDEST", "LOG0", "LOG1", "LOG2", "LOG3", "LOG4",
    ]
) | frozenset(range(BY_NAME["DUP1"].code, BY_NAME["SWAP16"].code + 1))

OVM1_HALTING_OPCODES = opcode_codes(["STOP", "JUMP", "RETURN", "INVALID"])

OVM1_CALLER_SEQUENCES = (
    # CALLER POP PUSH1 0x00 PUSH1 0x04 GAS CALL: a call to the identity precompile.
    bytes.fromhex("3350600060045af1"),
    # CALLER PUSH1 0x00 SWAP1 GAS CALL: call the execution manager with the
    # calldata in memory; if the call failed, REVERT with its return data; if
    # it returned exactly one byte, RETURN (abort); otherwise go on.
    bytes.fromhex("336000905af158600e01573d6000803e3d6000fd5b3d6001141558600a015760016000f35b"),
)


def gate_mask(rules: SafeBytecodeRules) -> int:
    """The safety checker's ``opcodeGateMask``: bit ``n`` set if opcode ``n`` is
    allowed anywhere (PUSHes, halting and guarded opcodes have their own cases)."""
    return sum(1 << op for op in rules.allowed)


class SafeBytecode(CodePolicy):
    """Refuses code that breaks a ``SafeBytecodeRules`` set."""

    def __init__(self, rules: SafeBytecodeRules) -> None:
        self.rules = rules

    def first_violation(self, code: bytes) -> tuple[int, int] | None:
        """The scan is the safety checker's: a guarded opcode must start one of
        its sequences, which is then skipped whole; a halting opcode skips the
        dead code after it; an allowed opcode or a PUSH (with its data) moves
        on; anything else is unsafe."""
        rules = self.rules
        resume, live = 0, True
        for pc, op in walk(code):
            if pc < resume:  # inside a guarded sequence already matched
                continue
            if not live:
                if op != JUMPDEST:
                    continue
                live = True
            if op in rules.guarded:
                sequence = next((s for s in rules.guarded[op] if code.startswith(s, pc)), None)
                if sequence is None:
                    return pc, op
                resume = pc + len(sequence)
            elif op in rules.halting:
                live = False
            elif op not in rules.allowed and not IMMEDIATE_SIZES[op]:
                return pc, op
        return None

    def refusal(self, what: str, pc: int, op: int) -> str:
        return (
            f"unsafe bytecode: {what} uses {_describe(op, pc)}, "
            f"not allowed by the {self.rules.name} rules"
        )


OVM1_RULES = SafeBytecodeRules(
    name="OVM 1.0 safe-bytecode",
    allowed=OVM1_ALLOWED_OPCODES,
    halting=OVM1_HALTING_OPCODES,
    guarded={BY_NAME["CALLER"].code: OVM1_CALLER_SEQUENCES},
)
OVM1_SAFE_BYTECODE = SafeBytecode(OVM1_RULES)


def chain_deployment_policy(
    *,
    allowed_deployers: Iterable[bytes] | None = None,
    denied_opcodes: Iterable[str | int] = (),
    ovm1_safe_bytecode: bool = False,
) -> DeploymentPolicy:
    """A chain's policy: predeploys are always guarded; the rest is optional."""
    policies: list[DeploymentPolicy] = [PredeployGuard()]
    if allowed_deployers is not None:
        policies.append(DeployerAllowList(allowed_deployers))
    if denied_opcodes:
        policies.append(OpcodeDenyList(denied_opcodes))
    if ovm1_safe_bytecode:
        policies.append(OVM1_SAFE_BYTECODE)
    return AllOf(*policies)


DEFAULT_DEPLOYMENT_POLICY = chain_deployment_policy()


def with_deployment_policy(fork: Fork, policy: DeploymentPolicy) -> Fork:
    """``fork`` with ``policy`` consulted by the machine at every creation."""
    return dataclasses.replace(fork, deployment_check=policy)
