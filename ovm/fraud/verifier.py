"""
The one-step verifier, in Python
================================

``verify_step(pre, witness, oracle)`` is what ``contracts/src/fraud``
computes on L1, written again in Python as the reference: from a
pre-commitment and a witness (``ovm.fraud.witness``) it gives the
post-commitment, or raises ``WitnessError`` when the witness does not open
the pre-commitment (a wrong preimage, stack item, proof, chunk, record …) or
is not the one the step needs. It knows nothing of the step machine: only
the commitment's layout (``ovm.fraud.commitment``), the opcode facts and gas
of ``ovm.evm`` and the code oracle (``lookup(code_hash) -> (size, root)``).

The order of its checks is the one ``docs/fraud-proofs.md`` gives ("An
instruction step"): open the pre-state; fetch the opcode; an undefined
opcode, too little gas for the static cost, too few stack items or too many
halt exceptionally with nothing revealed; otherwise the inputs are revealed,
the static gas charged, and the instruction runs (``verifier_ops``; calls
and return data in ``verifier_calls``). A halted frame's step is its exit
to its caller (``verifier_calls.exit_frame``).
"""

from __future__ import annotations

from ..evm.gas import STACK_LIMIT
from . import verifier_calls, verifier_logs, verifier_ops
from .commitment import HALT_EXCEPTIONAL, PHASE_HALTED, PHASE_RUNNING, halted, stack_push
from .frames import CALL_OPS, RETURNDATACOPY, RETURNDATASIZE
from .merkle import ZERO_WORD, ProofError
from .opening import CodeOracle, Halt, Run, WitnessError, open_code, require
from .rules import fork_of
from .witness import CodeReveal, Witness

__all__ = ["CodeOracle", "WitnessError", "verify_step"]


def verify_step(pre: bytes, witness_bytes: bytes, oracle: CodeOracle) -> bytes:
    """The post-commitment of the step from ``pre`` that ``witness_bytes`` shows."""
    try:
        witness = Witness.decode(witness_bytes)
    except Exception as exc:
        raise WitnessError(f"malformed witness: {exc}") from None
    machine = witness.machine
    require(machine.commitment() == pre, "the witness's machine is not the pre-state")
    require(machine.phase in (PHASE_RUNNING, PHASE_HALTED), "not a phase of a frame")
    try:
        fork_of(machine.fork)
    except ValueError as exc:
        raise WitnessError(str(exc)) from None
    if machine.phase == PHASE_HALTED:
        try:
            return verifier_calls.exit_frame(machine, Run(machine, witness, 0, ZERO_WORD)).commitment()
        except ProofError as exc:
            raise WitnessError(str(exc)) from None
    found = oracle.lookup(machine.code_hash)
    require(found is not None, "code not registered with the oracle")
    run = Run(machine, witness, *found)
    try:
        if machine.pending != ZERO_WORD:
            require(not witness.stack and witness.stack_rest == ZERO_WORD, "a continued step reveals no stack")
            require(witness.code == CodeReveal(), "a continued step reveals no code")
            record = verifier_ops.pending_record(run)
            if verifier_logs.is_log(record.opcode):
                verifier_logs.part(run, record, first=False)
            else:
                verifier_ops.part(run, record, first=False)
        else:
            instruction(run)
    except Halt as halt:
        return halted(machine, halt.status, run.gas, halt.output).commitment()
    except verifier_calls.Enter as enter:
        return enter.machine.commitment()
    except ProofError as exc:
        raise WitnessError(str(exc)) from None
    return run.post().commitment()


def instruction(run: Run) -> None:
    """Fetch, check, reveal and run the instruction at ``pc``."""
    witness = run.witness
    opcode, immediate = fetch(run, witness.code)
    iset = run.fork.instruction_set
    info = iset.info[opcode]
    if (
        info is None
        or run.gas < iset.static_gas[opcode]
        or run.stack_size < info.inputs
        or run.stack_size - info.inputs + info.outputs > STACK_LIMIT
    ):
        require(not witness.stack and witness.stack_rest == ZERO_WORD and not witness.extra,
                "a step that halts at once reveals nothing")
        raise Halt(HALT_EXCEPTIONAL)
    operands = reveal(run, info.inputs)
    run.gas -= iset.static_gas[opcode]
    if verifier_logs.is_log(opcode):
        verifier_logs.execute(run, opcode, operands)
    elif opcode in CALL_OPS:
        verifier_calls.call(run, opcode, operands)
    elif opcode == RETURNDATASIZE:
        verifier_calls.return_data_size(run)
        run.pc += 1
    elif opcode == RETURNDATACOPY:
        verifier_calls.return_data_copy(run, operands)
    else:
        verifier_ops.execute(run, opcode, info, operands, immediate)


def reveal(run: Run, count: int) -> list[int]:
    """Check the witness's top ``count`` stack items and pop them."""
    items = run.witness.stack
    require(len(items) == count, f"the step takes {count} stack items")
    stack = run.witness.stack_rest
    for value in reversed(items):
        stack = stack_push(stack, value)
    require(stack == run.stack, "the stack items do not open the stack")
    run.stack = run.witness.stack_rest
    run.stack_size -= count
    return list(items)


def fetch(run: Run, reveal: CodeReveal) -> tuple[int, bytes]:
    """The opcode at ``pc`` and its PUSH immediate (zeros past the code)."""
    pc = run.pc
    if pc >= run.code_size:
        require(reveal == CodeReveal(), "no code to reveal past the end")
        return 0, b""
    require(reveal.chunks and reveal.first == pc // 32, "the chunk at pc is not revealed")
    opcode = reveal.chunks[0].chunk[pc % 32]
    info = run.fork.instruction_set.info[opcode]
    size = info.immediate if info else 0
    data = open_code(run, reveal, pc, pc + 1 + size)
    return opcode, data[1:]
