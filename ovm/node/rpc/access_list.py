"""
Access lists
============

``eth_createAccessList`` as geth answers it (``internal/ethapi``
``AccessList`` with ``logger.AccessListTracer``): run the call, note what it
touches, run it again with that access list (which changes its gas, and so
perhaps its path), until the list no longer grows; answer the list, the gas
the call used with it (refund applied, as in a receipt), and the failure of
the last run (``error``: "execution reverted", ...) if it failed.

What is noted, at each instruction, as geth's tracer notes it (in reverted
frames too): the slot of an SLOAD or SSTORE, under the address whose storage
it is; the address a BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH or
SELFDESTRUCT names; the address a CALL, CALLCODE, DELEGATECALL or STATICCALL
calls. An address is listed without slots only if it is not the sender, the
call's target (the new contract's address for a creation) or a precompile:
those are warm anyway. Addresses appear in the order first touched, slots in
ascending order.

The runs interpret (an observer sees every instruction), so all of them
together get ``timeout`` seconds, as geth bounds a call with its RPC EVM
timeout (5 s): past it the answer is -32000 "execution aborted (timeout)".
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

from ...evm.frame import Frame
from ...evm.instructions.system import create_address
from ...evm.observer import ExecutionAborted, Observer
from ...evm.opcodes import BY_NAME
from ...evm.processor import Execution
from ..call import CallRequest, CallResult, observed_call_result
from .errors import error_message

ADDRESS_MASK = (1 << 160) - 1
STORAGE_OPS = frozenset(BY_NAME[name].code for name in ("SLOAD", "SSTORE"))
ACCOUNT_OPS = frozenset(BY_NAME[name].code for name in
                        ("BALANCE", "EXTCODESIZE", "EXTCODECOPY", "EXTCODEHASH", "SELFDESTRUCT"))  # fmt: skip
CALL_OPS = frozenset(BY_NAME[name].code for name in ("CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"))
MAX_ROUNDS = 64  # the list only grows, so it settles; this bounds a pathological call
CLOCK_EVERY = 1024  # instructions between looks at the clock

AccessEntries = dict[bytes, set[int]]
RunCall = Callable[[CallRequest, Callable[[Execution], tuple[AccessEntries, CallResult]]],
                   tuple[AccessEntries, CallResult]]  # fmt: skip


class AccessListTracer(Observer):
    """What one run touches, starting from ``initial``; see the module docstring."""

    def __init__(self, initial: AccessEntries, excluded: set[bytes], deadline: float) -> None:
        self.entries: AccessEntries = {}
        self.excluded = excluded
        self.deadline = deadline
        self.steps = 0
        for address, slots in initial.items():
            if slots:
                self.entries.setdefault(address, set()).update(slots)
            else:
                self._add_address(address)

    def _add_address(self, address: bytes) -> None:
        if address not in self.excluded:
            self.entries.setdefault(address, set())

    def before_step(self, frame: Frame) -> None:
        self.steps += 1
        if self.steps % CLOCK_EVERY == 0 and time.monotonic() > self.deadline:
            raise ExecutionAborted("execution aborted (timeout)")
        op, stack = frame.code[frame.pc], frame.stack
        if op in STORAGE_OPS and stack:
            self.entries.setdefault(frame.address, set()).add(stack[-1])
        elif op in ACCOUNT_OPS and stack:
            self._add_address((stack[-1] & ADDRESS_MASK).to_bytes(20, "big"))
        elif op in CALL_OPS and len(stack) >= 5:
            self._add_address((stack[-2] & ADDRESS_MASK).to_bytes(20, "big"))


def create_access_list(request: CallRequest, run: RunCall, precompiles: set[bytes], timeout: float) -> dict:
    """geth's ``eth_createAccessList`` answer for ``request``; ``run`` runs a
    request with a ``finish`` (``Blockchain.trace_call`` on the chosen block).
    Raises ``ExecutionAborted`` past ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    entries: AccessEntries = {}
    for address, keys in request.access_list:
        entries.setdefault(address, set()).update(int.from_bytes(key, "big") for key in keys)

    def traced(execution: Execution) -> tuple[AccessEntries, CallResult]:
        tx = execution.tx
        target = tx.to if tx.to is not None else create_address(execution.sender, tx.nonce)
        tracer = AccessListTracer(entries, {execution.sender, target, *precompiles}, deadline)
        return tracer.entries, observed_call_result(execution, tracer)

    for _ in range(MAX_ROUNDS):
        listed = tuple((address, tuple(s.to_bytes(32, "big") for s in sorted(slots)))
                       for address, slots in entries.items())  # fmt: skip
        found, result = run(_with_access_list(request, listed), traced)
        if found == entries:
            break
        entries = found
    answer = {
        "accessList": [{"address": "0x" + address.hex(), "storageKeys": ["0x" + key.hex() for key in keys]}
                       for address, keys in listed],  # fmt: skip
        "gasUsed": hex(result.gas_used),
    }
    if result.error is not None:
        answer["error"] = error_message(result.error)
    return answer


def _with_access_list(request: CallRequest, access_list: tuple) -> CallRequest:
    return replace(request, access_list=access_list)
