"""
The step machine
================

``StepMachine`` runs a transaction with ``ovm.evm`` one instruction at a
time and turns it into the steps of the fraud-proof trace
(``ovm.fraud.steps``): commitment ``i`` is the machine before step ``i``,
commitment ``i+1`` after it. This slice traces the transaction from its top
frame's first instruction to its halt, the frames its calls enter included
(a runner per frame: a call step pushes the callee's, its halt pops it and
``call_steps.exit_steps`` resumes the caller); the steps before it
(transaction start) and after it (transaction end) are later slices', as are
instructions that change accounts or touch storage or logs
(``UnsupportedStep`` says which).

``run_to_end()`` runs every step and then settles the transaction as
``ovm.evm`` does, for checking that the step machine changes nothing.

Nothing of the trace is kept: ``steps()`` replays it from the start, and
``commitment(i)`` and ``witness(i)`` replay to step ``i``, from the nearest
checkpoint when ``index()`` has taken some (a snapshot of the ``ovm.evm``
machine, ``ovm.evm.snapshot``, every ``checkpoint_every`` instructions of
the top frame, taken while no callee runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

from ..evm.environment import BlockEnv
from ..evm.forks import Fork
from ..evm.frame import Frame
from ..evm.observer import FrameExit, Observer
from ..evm.processor import Execution, TransactionResult, begin_transaction
from ..evm.snapshot import restore, snapshot
from ..evm.transactions import Transaction
from ..state import State
from .code import CodeRegistry
from .commitment import FLAG_CREATE, FLAG_STATIC, BlockProgress, Message, Substate
from .context import UnsupportedStep, block_context, substate_of, transaction_bytes, tx_context
from .frame_view import FrameView
from .merkle import ZERO_WORD, WordTree
from .rules import fork_id
from .call_steps import exit_steps
from .steps import InstructionSteps, Step
from .witness import Witness

MAX_GAS = 1 << 64


@dataclass(frozen=True)
class TraceInput:
    """A transaction to trace and what its commitment takes from its block:
    ``pre_state`` builds the state before the transaction (afresh at each call)."""

    pre_state: Callable[[], State]
    env: BlockEnv
    tx: Transaction
    fork: Fork
    parent_hash: bytes = ZERO_WORD
    header: bytes = ZERO_WORD
    progress: BlockProgress = field(default_factory=BlockProgress)


@dataclass(frozen=True)
class Outcome:
    """The whole trace run to its end: the step that halted the frame, the
    frame's memory tree then (it opens the output view of the halted
    commitment), and the transaction settled after it as ``ovm.evm`` settles it."""

    last: Step
    memory: WordTree
    result: TransactionResult
    state: State
    substate: Substate
    """The substate the halted commitment holds (the frame's logs appended)."""


@dataclass(frozen=True)
class _Checkpoint:
    index: int
    snapshot: bytes
    fields: dict


class _Watch(Observer):
    """Sees frames enter (to commit to the substate a failed frame restores)
    and the running frame halt."""

    def __init__(self) -> None:
        self.entry_substate: bytes | None = None
        self.runners: list[InstructionSteps] = []

    def frame_entered(self, frame: Frame) -> None:
        if frame.depth == 0:
            self.entry_substate = substate_of(frame.state).hash()
        elif self.runners:
            self.runners[-1].entry_substate = substate_of(frame.state).hash()

    def frame_exited(self, frame: Frame, exit: FrameExit) -> None:
        if self.runners and frame is self.runners[-1].view.frame:
            self.runners[-1].exit = exit


class StepMachine:
    """The steps of one transaction's top frame (see the module docstring)."""

    def __init__(self, trace: TraceInput, registry: CodeRegistry | None = None) -> None:
        self.trace = trace
        self.registry = registry if registry is not None else CodeRegistry()
        self.fork_id = fork_id(trace.fork)
        self.block = block_context(trace.env, trace.parent_hash, trace.header)
        self.tx_bytes, self.calldata_view = transaction_bytes(trace.tx)
        self.calldata_tree = WordTree.of_bytes(self.tx_bytes)
        self.checkpoints: list[_Checkpoint] = []
        self.step_count: int | None = None
        self._execution: Execution | None = None
        self._original: State | None = None

    def _original_state(self) -> State:
        """The state before the transaction (built once: SSTORE proves original values in it)."""
        if self._original is None:
            self._original = self.trace.pre_state()
            self._original.state_root()
        return self._original

    # -- starting ---------------------------------------------------------------

    def _begin(self) -> tuple[Execution, list[InstructionSteps]]:
        trace = self.trace
        state = trace.pre_state()
        original_root = state.state_root()
        watch = _Watch()
        execution = begin_transaction(state, trace.env, trace.tx, trace.fork, observer=watch)
        self._execution = execution
        machine = execution.machine
        if machine.done:
            raise UnsupportedStep("a transaction whose top frame runs no code")
        frame = machine.frames[0]
        if frame.gas >= MAX_GAS:
            raise UnsupportedStep("a frame with 2^64 gas or more")
        message = Message(
            caller=frame.caller,
            address=frame.address,
            value=frame.value,
            calldata_root=self.calldata_view.root,
            calldata_offset=self.calldata_view.offset,
            calldata_size=self.calldata_view.size,
            depth=0,
            flags=(FLAG_STATIC if frame.is_static else 0) | (FLAG_CREATE if frame.is_create else 0),
            entry_substate=watch.entry_substate,
            ret_offset=0,
            ret_size=0,
        )
        fields = dict(
            fork=self.fork_id,
            block=self.block,
            progress=trace.progress,
            tx=tx_context(execution, original_root),
            blob_hashes=tuple(machine.tx.blob_hashes),
            substate=substate_of(state),
            callers=ZERO_WORD,
            message=message,
        )
        return execution, self._attach(execution, watch, fields)

    def _attach(self, execution: Execution, watch: _Watch, fields: dict) -> list[InstructionSteps]:
        """The runners of the frames, from the top frame's: ``_run`` pushes and pops the others."""
        machine = execution.machine
        frame = machine.frames[0]
        view = FrameView(frame, code=self.registry.register(frame.bytecode), calldata=self.calldata_tree, **fields)
        machine.observer = watch
        watch.runners.append(InstructionSteps(view, machine, self.trace.fork, self.registry, self._original_state))
        return watch.runners

    def _resume(self, checkpoint: _Checkpoint) -> list[InstructionSteps]:
        if self._execution is None:
            self._begin()
        resumed = self._execution.restarted(self.trace.pre_state())
        restore(checkpoint.snapshot, resumed.machine)
        return self._attach(resumed, _Watch(), checkpoint.fields)

    # -- running ----------------------------------------------------------------

    def steps(self, want: Callable[[int], bool] = lambda index: False, start: int = 0) -> Iterator[Step]:
        """The steps from the start (or from the checkpoint at or before
        ``start``), with witnesses for the indexes ``want`` picks."""
        checkpoint = None
        for candidate in self.checkpoints:
            if candidate.index <= start:
                checkpoint = candidate
        if checkpoint is None:
            _, runners = self._begin()
            index = 0
        else:
            runners = self._resume(checkpoint)
            index = checkpoint.index
        yield from self._run(runners, index, want)

    def _run(self, runners: list[InstructionSteps], index: int, want, on_boundary=None) -> Iterator[Step]:
        """The steps from the running frame's next instruction to the top frame's halt:
        a call entering code pushes the child's runner, a child's halt pops it and
        resumes its caller (``call_steps.exit_steps``)."""
        evm = runners[0].evm
        while evm.frames:
            runner = runners[-1]
            if on_boundary is not None and len(runners) == 1:
                on_boundary(index, runner)
            for step in runner.run(index, want):
                yield step
                index += 1
            if step.entered is not None:
                runners.append(InstructionSteps(step.entered, evm, self.trace.fork, self.registry,
                                               self._original_state))
            elif runner.exit is not None and len(runners) > 1:
                runners.pop()
                for resumed in exit_steps(index, want, runners[-1].view, runner.view, step.post, step.ending,
                                          step.output):
                    yield resumed
                    index += 1

    def index(self, checkpoint_every: int = 1000) -> int:
        """Run the whole trace once, keeping a checkpoint every
        ``checkpoint_every`` instructions; returns the number of steps."""
        self.checkpoints = []
        instructions = 0

        def on_boundary(index: int, runner: InstructionSteps) -> None:
            nonlocal instructions
            if instructions % checkpoint_every == 0 and index:
                self.checkpoints.append(_Checkpoint(index, snapshot(runner.evm), runner.view.fields))
            instructions += 1

        _, runners = self._begin()
        count = 0
        for _ in self._run(runners, 0, lambda index: False, on_boundary):
            count += 1
        self.step_count = count
        return count

    def run_to_end(self) -> Outcome:
        """Every step, then the transaction's end (``Execution.settle``)."""
        execution, runners = self._begin()
        top = runners[0]
        last = None
        for step in self._run(runners, 0, lambda index: False):
            last = step
        if last is None or not execution.machine.done:
            raise AssertionError("the trace ended before its frame halted")
        return Outcome(last, top.view.memory, execution.settle(), execution.state, top.view.substate_record)

    def _step(self, index: int, witness: bool) -> Step:
        for step in self.steps(lambda i: witness and i == index, start=index):
            if step.index == index:
                return step
        raise IndexError(f"the trace has no step {index}")

    def commitment(self, index: int) -> bytes:
        """The commitment before step ``index`` (after the last step for ``index == step_count``)."""
        if index == 0:
            return self._step(0, False).pre.commitment()
        return self._step(index - 1, False).post.commitment()

    def witness(self, index: int) -> Witness:
        return self._step(index, True).witness
