"""
Gas estimates
=============

``eth_estimateGas``: the least gas limit with which a call succeeds, found by
running it (``ovm.node.call``) with limits chosen by binary search, starting
from the gas it used with the most and one optimistic guess, as geth does.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

from ..evm import gas as G
from ..evm.environment import BlockEnv
from ..evm.exceptions import OutOfGas, Revert
from ..evm.forks import Fork
from ..evm.interpreter import CodeRunner
from ..evm.transactions import InvalidTransaction
from ..state import State
from .call import CallRequest, CallResult, overridden, run_call
from .errors import ChainError, ExecutionReverted, GasEstimationError


def estimate_gas(
    state: State,
    env: BlockEnv,
    request: CallRequest,
    overrides: Mapping | None,
    fork: Fork,
    code_runner: CodeRunner | None = None,
) -> int:
    """The least gas limit with which ``request`` succeeds, by binary search
    as geth does it (but to the exact unit)."""
    hi = _gas_cap(state, env, request, overrides, fork.max_transaction_gas)

    def run(gas: int) -> CallResult:
        limited = dataclasses.replace(request, gas=gas)
        return run_call(state, env, limited, overrides, fork, code_runner)

    def succeeds(gas: int) -> bool:
        try:
            return run(gas).success
        except InvalidTransaction:
            return False  # e.g. intrinsic gas too low

    result = run(hi)
    if not result.success:
        raise _estimation_failure(result, hi)
    lo = result.gas_used - 1
    optimistic = (result.gas_used + result.refund + G.CALL_STIPEND) * 64 // 63
    if optimistic < hi:
        if succeeds(optimistic):
            hi = optimistic
        else:
            lo = optimistic
    while lo + 1 < hi:
        mid = min((lo + hi) // 2, 2 * lo)  # most transactions need little more than they use
        if succeeds(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _gas_cap(state: State, env: BlockEnv, request: CallRequest, overrides, fork_cap: int | None) -> int:
    """The request's gas (or the block's), capped by the fork's cap on a
    transaction's gas (EIP-7825, as geth caps it) and by what the sender can pay for."""
    cap = env.gas_limit if request.gas is None else request.gas
    if fork_cap is not None:
        cap = min(cap, fork_cap)
    if not request.priced or not request.fee_cap:
        return cap
    sender = request.sender
    balance = overridden(overrides, sender, "balance", state.get_balance(sender))
    if request.value > balance:
        raise InvalidTransaction("insufficient funds for transfer")
    return min(cap, (balance - request.value) // request.fee_cap)


def _estimation_failure(result: CallResult, cap: int) -> ChainError:
    if isinstance(result.error, Revert):
        return ExecutionReverted(result.output)
    if isinstance(result.error, OutOfGas):
        return GasEstimationError(f"gas required exceeds allowance ({cap})")
    return GasEstimationError(str(result.error) or type(result.error).__name__)
