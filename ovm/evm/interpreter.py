"""
The machine
===========

Runs one message (a transaction's call or creation) to completion over an
explicit list of frames. An instruction that calls or creates pushes a child
frame and raises ``FrameSwitch``; the loop then runs the child, and when the
child halts its result is delivered to the parent (gas returned, success flag
pushed, output copied) before the parent resumes. No Python recursion is
involved, so 1024-deep call chains cost nothing special, and the machine can
stop after any instruction (``step``), be serialised (``snapshot``) and be
resumed from that form (``snapshot.restore_machine``). An ``Observer``
(``observer``) set on the machine sees frames start and end and every
instruction run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ..state import State
from ..state import journal as J
from .environment import BlockEnv, TxContext
from .exceptions import (
    CodeSizeExceeded,
    DeploymentRejected,
    EvmError,
    ExceptionalHalt,
    FrameSwitch,
    InvalidContractPrefix,
    OutOfGas,
    PrecompileFailure,
    StackUnderflow,
    Stop,
)
from .frame import Frame
from .gas import CODE_DEPOSIT_BYTE, MAX_CODE_SIZE
from .observer import FrameExit, Observer
from .precompiles import Precompile, PrecompileError

if TYPE_CHECKING:  # pragma: no cover
    from .forks.base import Fork

RIPEMD160_ADDRESS = (3).to_bytes(20, "big")


class CodeRunner(Protocol):
    """Another way to run a frame's code (the transpiler): same semantics as
    ``Machine.interpret``, ending the same way — by raising."""

    def run(self, machine: "Machine", frame: Frame) -> None: ...


class Machine:
    """Executes frames for one transaction against a journaled ``State``.

    Code runs in the interpreter unless a ``code_runner`` is given; ``step``
    always interprets, one instruction at a time, and so does ``run`` while an
    ``observer`` is set."""

    def __init__(
        self,
        state: State,
        env: BlockEnv,
        tx: TxContext,
        fork: "Fork",
        code_runner: CodeRunner | None = None,
    ) -> None:
        self.state = state
        self.env = env
        self.tx = tx
        self.fork = fork
        self.instructions = fork.instruction_set.handlers
        self.static_gas = fork.instruction_set.static_gas
        self.precompiles = fork.precompiles
        self.deployment_check = fork.deployment_check
        self.code_runner = code_runner
        self.frames: list[Frame] = []
        self.result: Frame | None = None
        self.error: EvmError | None = None
        self.observer: Observer | None = None

    @property
    def done(self) -> bool:
        return self.result is not None

    # -- entering and leaving frames -----------------------------------------

    def enter(self, frame: Frame, delegated: bool = False) -> bool:
        """Start a message. Returns True if ``frame`` was pushed and must run
        next, False if it already finished (precompile, empty code).

        A ``delegated`` frame runs a delegate's code (EIP-7702): a delegate
        that is a precompile runs nothing, as if its code were empty."""
        if self.observer is not None:
            self.observer.frame_entered(frame)
        state = self.state
        frame.checkpoint = len(state.journal)
        address = frame.address
        if frame.is_create:
            state.mark_created(address)
            state.set_nonce(address, 1)
        state.touch(address)
        if frame.transfers_value and frame.value:
            state.transfer(frame.caller, address, frame.value)
        if frame.is_create and self.deployment_check is not None:
            reason = self.deployment_check.check_initcode(frame.caller, address, frame.code)
            if reason is not None:
                self._finish(frame, DeploymentRejected(reason))
                return False
        precompile = None if frame.is_create else self.precompiles.get(frame.code_address)
        if precompile is not None:
            self._finish(frame, None if delegated else self._run_precompile(frame, precompile))
            return False
        if not frame.code_size:
            self._finish(frame, None)
            return False
        self.frames.append(frame)
        return True

    @staticmethod
    def _run_precompile(frame: Frame, precompile: Precompile) -> EvmError | None:
        cost = precompile.gas(frame.data)
        if cost > frame.gas:
            return OutOfGas()
        frame.gas -= cost
        try:
            frame.output = precompile.run(frame.data)
        except PrecompileError as exc:
            return PrecompileFailure(str(exc))
        return None

    def _finish(self, frame: Frame, error: EvmError | None) -> None:
        """Settle a halted frame and deliver its result to its parent."""
        observer = self.observer
        if observer is None:
            self._settle(frame, error)
            return
        gas_at_halt = frame.gas
        final = self._settle(frame, error)
        observer.frame_exited(frame, FrameExit(final, error, gas_at_halt))

    def _settle(self, frame: Frame, error: EvmError | None) -> EvmError | None:
        """``_finish`` proper; returns the frame's final error (a failed code
        deposit after a normal halt included)."""
        if error is None and frame.is_create:
            error = self._deposit_code(frame)
        if error is not None:
            self._discard(frame, error)
        frames = self.frames
        if frames and frames[-1] is frame:
            frames.pop()
        parent = frame.parent
        if parent is None:
            self.result = frame
            self.error = error
            return error
        parent.gas += frame.gas
        if frame.is_create:
            if error is None:
                parent.return_data = b""
                parent.stack.append(int.from_bytes(frame.address, "big"))
            else:
                parent.return_data = frame.output
                parent.stack.append(0)
            return error
        output = frame.output
        parent.return_data = output
        parent.stack.append(0 if error is not None else 1)
        size = frame.ret_size
        if size and output:
            if len(output) < size:
                size = len(output)
            offset = frame.ret_offset
            parent.memory[offset : offset + size] = output[:size]
        return error

    def _deposit_code(self, frame: Frame) -> EvmError | None:
        """Store the code a creation returned, or say why it cannot be."""
        code = frame.output
        if code[:1] == b"\xef":
            return InvalidContractPrefix()
        cost = CODE_DEPOSIT_BYTE * len(code)
        if cost > frame.gas:
            return OutOfGas()
        if len(code) > MAX_CODE_SIZE:
            return CodeSizeExceeded()
        check = self.deployment_check
        if check is not None:
            reason = check.check_code(frame.caller, frame.address, code)
            if reason is not None:
                return DeploymentRejected(reason)
        frame.gas -= cost
        self.state.set_code(frame.address, code)
        return None

    def _discard(self, frame: Frame, error: EvmError) -> None:
        """Undo a failed frame's changes; an exceptional halt also burns its gas."""
        state = self.state
        keeps_ripemd_touch = frame.address == RIPEMD160_ADDRESS or (
            J.TOUCHED,
            RIPEMD160_ADDRESS,
        ) in state.journal[frame.checkpoint :]
        state.rollback(frame.checkpoint)
        if isinstance(error, ExceptionalHalt):
            frame.gas = 0
            frame.output = b""
        if keeps_ripemd_touch:
            # Block 2675119 cleared the empty RIPEMD160 account although the call
            # touching it failed; that touch is exempt from reverting ever since.
            state.touch(RIPEMD160_ADDRESS)

    # -- running -------------------------------------------------------------

    def run(self) -> Frame:
        """Run until the outermost frame halts; return it (see ``error``)."""
        if self.observer is not None:
            return self._run_observed()
        frames = self.frames
        runner = self.code_runner
        while frames:
            f = frames[-1]
            try:
                if runner is None:
                    self.interpret(f, self.instructions)
                else:
                    runner.run(self, f)
            except FrameSwitch:
                continue
            except Stop:
                self._finish(f, None)
            except EvmError as error:
                self._finish(f, error)
            except IndexError:
                self._finish(f, StackUnderflow())
        return self.result

    def _run_observed(self) -> Frame:
        """``run`` one instruction at a time, so the observer sees each."""
        while self.frames:
            self.step()
        return self.result

    def interpret(self, f: Frame, instructions: tuple) -> None:
        """The interpreter loop: run ``f`` from its pc until an instruction
        raises (a halt, an error, or a frame switch)."""
        code = f.code
        static_gas = self.static_gas
        while True:
            pc = f.pc
            op = code[pc]
            gas = f.gas - static_gas[op]
            if gas < 0:
                raise OutOfGas
            f.gas = gas
            f.pc = pc + 1
            instructions[op](f)

    def step(self) -> bool:
        """Execute exactly one instruction of the current frame (including
        settling the frame if it halts). Returns True when the message is done."""
        f = self.frames[-1]
        observer = self.observer
        if observer is not None:
            observer.before_step(f)
        try:
            pc = f.pc
            op = f.code[pc]
            gas = f.gas - self.static_gas[op]
            if gas < 0:
                raise OutOfGas
            f.gas = gas
            f.pc = pc + 1
            self.instructions[op](f)
        except FrameSwitch:
            pass
        except Stop:
            self._finish(f, None)
        except EvmError as error:
            self._finish(f, error)
        except IndexError:
            self._finish(f, StackUnderflow())
        if observer is not None:
            observer.after_step(f)
        return not self.frames
