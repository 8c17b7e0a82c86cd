"""
The verifier's tables are ovm.evm's
===================================

The Solidity verifier holds its own copy of what it must share with the step
machine: per fork, each opcode's immediate size, stack inputs and outputs and
static gas (``Opcodes.sol``), and how much one step may do
(``StepsMemory.sol``). Asked on anvil, they equal ``ovm.fraud.rules``'
(which reads them from ``ovm.evm``), opcode by opcode.
"""

from __future__ import annotations

import random

from ovm.fraud import rules
from ovm.fraud.rules import FORK_IDS, fork_of
from ovm.rollup.artifacts import load


def test_the_opcode_table_on_l1_is_ovm_evms(l1):
    """Every fork's table: all 256 entries for the first fork of each instruction
    set, and for a fork that shares one, 0x1e (CLZ) and a random sample."""
    checked = set()
    sample = random.Random(3)
    for fork_id in FORK_IDS.values():
        iset = fork_of(fork_id).instruction_set
        opcodes = range(256) if id(iset) not in checked else sorted({0x1E, *sample.sample(range(256), 31)})
        checked.add(id(iset))
        with l1.w3.batch_requests() as batch:
            for opcode in opcodes:
                batch.add(l1.verifier.functions.opcodeInfo(fork_id, opcode))
            answers = batch.execute()
        for opcode, (defined, immediate, inputs, outputs, static_gas) in zip(opcodes, answers):
            info = iset.info[opcode]
            expected = (False, 0, 0, 0, 0) if info is None else (
                True, info.immediate, info.inputs, info.outputs, iset.static_gas[opcode])
            assert (defined, immediate, inputs, outputs, static_gas) == expected, (fork_id, hex(opcode))


def test_the_step_bounds_on_l1_are_the_rules(l1):
    memory_ops = l1.w3.eth.contract(address=l1.verifier.functions.memoryOps().call(), abi=load("StepsMemory").abi)
    assert memory_ops.functions.KECCAK_ONE_STEP_BLOCKS().call() == rules.KECCAK_ONE_STEP_BLOCKS
    assert memory_ops.functions.KECCAK_BLOCKS_PER_PART().call() == rules.KECCAK_BLOCKS_PER_PART
    assert memory_ops.functions.COPY_BYTES_PER_STEP().call() == rules.COPY_BYTES_PER_STEP
