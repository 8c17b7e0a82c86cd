"""
Tracers
=======

Three views of one transaction's execution, in the JSON shapes go-ethereum's
``debug_traceTransaction`` returns, so that tools written for geth (Remix,
Tenderly-style viewers, Foundry, Hardhat plugins) read them unchanged:

* ``trace_struct_logs`` — geth's default "struct logger": one entry per
  instruction, ``{pc, op, gas, gasCost, depth, error?, stack, returnData?,
  memory?, storage?, refund?}``, and ``{gas, failed, returnValue,
  structLogs}`` around them. Formatting follows the cross-client opcode-tracer
  spec (ethereum/execution-apis#762, geth since #34093): ``gas``, ``gasCost``
  and ``depth`` are JSON integers (depth counts from 1); stack words are
  minimal ``0x`` quantities; memory is a list of ``0x``-prefixed 32-byte words
  and appears only with ``enableMemory``; ``storage`` appears on SLOAD and
  SSTORE steps only, holding every slot of the current contract read or
  written so far, as ``0x``-prefixed 32-byte keys and values; ``refund`` and
  ``error`` are left out while empty.
* ``trace_calls`` — geth's ``callTracer``: the tree of call frames, each
  ``{type, from, to, value, gas, gasUsed, input, output, error, revertReason,
  calls, logs}`` with quantities as hex, empty fields left out (``to`` of a
  failed creation included). A frame that self-destructs has a last child
  ``{type: "SELFDESTRUCT", from, to: beneficiary, value: the balance sent,
  gas: 0, gasUsed: 0, input: "0x"}``, as on geth. The top frame's ``gas`` is the transaction's gas
  limit and its ``gasUsed`` the receipt's (refund applied); an inner frame's
  ``gas`` is what it received (a value call's 2300 stipend included) and its
  ``gasUsed`` what it did not give back.

* ``trace_prestate`` — geth's ``prestateTracer``, the accounts a transaction
  reached as they were before it, or with ``diffMode`` what it changed
  (``prestate`` has the format and how the "before" is read).

All take a prepared ``Execution`` and run it to the end with ``Machine.step``
(the interpreter, never the transpiler), returning the tracer's JSON object
and the ``TransactionResult``. ``struct_logger`` and ``call_tracer`` hold
them (and ``prestate``); ``running`` the hex helpers and ``run_observed``; ``budget`` the
bounds on a trace's time and size.

How gasCost is counted
----------------------

An instruction's ``gasCost`` is the frame's gas before it minus the gas after
it, with three adjustments that make it what geth reports:

* a CALL, CALLCODE, DELEGATECALL or STATICCALL costs its own charges (access,
  memory, value transfer, account creation) *plus the gas it forwards* (the
  stipend excluded), measured when the child frame starts, before any of it
  comes back;
* a CREATE or CREATE2 costs its own charges only (32000, initcode words,
  hashing, memory): the forwarded gas is not part of it;
* the instruction that ends a creation frame (RETURN) does not include the
  code deposit, which is charged to the frame after it halts.

On an exceptional halt the frame's remaining gas is burnt; ``gasCost`` is
then what the instruction had charged when it failed (geth shows the cost it
computed, which may exceed the gas there was). Every failing instruction
carries its ``error``; geth writes it only for failures found before the
instruction runs (stack and gas checks), and leaves it out for, e.g., a bad
jump destination. A call that fails before entering its frame (call depth,
insufficient balance) gets no frame of its own in the call tree.

Observing the machine
---------------------

Each tracer is an ``Observer`` (``ovm.evm.observer``) that ``run_observed``
sets on the machine for the run: the machine calls it at every frame entry
and exit and around every instruction.
"""

from .budget import TraceBudget, TraceLimitExceeded
from .call_tracer import CallTracerOptions, trace_calls
from .prestate import PrestateOptions, trace_prestate
from .struct_logger import StructLogOptions, trace_struct_logs

__all__ = [
    "CallTracerOptions",
    "PrestateOptions",
    "StructLogOptions",
    "TraceBudget",
    "TraceLimitExceeded",
    "trace_calls",
    "trace_prestate",
    "trace_struct_logs",
]
