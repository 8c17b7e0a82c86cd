"""The opcode facts table and the one bytecode walker."""

from __future__ import annotations

from ovm.evm.forks import CANCUN, OSAKA
from ovm.evm.instructions import VALUE_FUNCTIONS
from ovm.evm.instructions.expressions import FRAME_VALUES, PURE
from ovm.evm.opcodes import BY_NAME, JUMPDEST, OPCODES, Kind, jump_destinations, reachable, walk
from support import asm

HALTS = frozenset(op for op, info in OPCODES.items() if info.terminates)


def names_of(kind: Kind) -> set[str]:
    return {info.name for info in OPCODES.values() if info.kind is kind}


def test_inlined_kinds_match_the_shared_semantics():
    assert names_of(Kind.PURE) == set(PURE)
    assert names_of(Kind.FRAME_VALUE) == set(FRAME_VALUES)
    assert names_of(Kind.VALUE_FUNCTION) == set(VALUE_FUNCTIONS)


def test_facts_the_transpiler_used_to_spell_out():
    assert {info.name for info in OPCODES.values() if info.pauses} == {
        "CREATE", "CALL", "CALLCODE", "DELEGATECALL", "CREATE2", "STATICCALL"}
    assert {info.name for info in OPCODES.values() if info.reads_gas} == {
        "GAS", "SSTORE", "CREATE", "CALL", "CALLCODE", "DELEGATECALL", "CREATE2", "STATICCALL"}
    assert {info.name for info in OPCODES.values() if info.terminates} == {
        "STOP", "JUMP", "RETURN", "REVERT", "INVALID", "SELFDESTRUCT"}
    assert [BY_NAME[f"PUSH{n}"].immediate for n in range(33)] == list(range(33))
    assert BY_NAME["JUMPI"].ends_block and BY_NAME["CALL"].ends_block and not BY_NAME["SSTORE"].ends_block
    assert JUMPDEST == 0x5B


def test_since_names_the_fork_that_introduced_the_opcode():
    assert BY_NAME["ADD"].since == "Frontier"
    assert BY_NAME["DELEGATECALL"].since == "Homestead"
    assert BY_NAME["PUSH0"].since == "Shanghai"
    assert {info.name for info in OPCODES.values() if info.since == "Cancun"} == {
        "BLOBHASH", "BLOBBASEFEE", "TLOAD", "TSTORE", "MCOPY"}


def test_cancun_defines_every_opcode_of_the_table_up_to_cancun():
    later = {info.code for info in OPCODES.values() if info.since == "Osaka"}
    assert later == {BY_NAME["CLZ"].code}
    assert {info.code for info in CANCUN.instruction_set.defined()} == set(OPCODES) - later


def test_osaka_defines_every_opcode_of_the_table():
    assert {info.code for info in OSAKA.instruction_set.defined()} == set(OPCODES)


def test_walk_steps_over_push_data():
    code = asm("PUSH2 0x5b5b", "JUMPDEST", "PUSH1 0x5b", "ADD")
    assert list(walk(code)) == [(0, 0x61), (3, 0x5B), (4, 0x60), (6, 0x01)]
    assert jump_destinations(code) == {3}


def test_walk_from_an_offset_and_up_to_an_end():
    code = asm("PUSH1 1", "PUSH1 2", "ADD", "STOP")
    assert list(walk(code, 2)) == [(2, 0x60), (4, 0x01), (5, 0x00)]
    assert list(walk(code, 0, 4)) == [(0, 0x60), (2, 0x60)]


def test_a_push_cut_off_by_the_end_of_code_hides_what_follows():
    assert list(walk(bytes([0x7F, 0x5B, 0x5B]))) == [(0, 0x7F)]
    assert jump_destinations(bytes([0x7F, 0x5B, 0x5B])) == frozenset()


def test_reachable_skips_dead_code_up_to_the_next_jumpdest():
    code = asm("STOP", "ADDRESS", "PUSH1 0x5b", "JUMPDEST", "CALLER")
    assert list(reachable(code, HALTS)) == [(0, 0x00), (4, 0x5B), (5, 0x33)]
