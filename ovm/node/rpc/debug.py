"""
The ``debug`` namespace
=======================

``debug_traceTransaction`` re-executes a mined transaction on the state it
ran on (rebuilt from the store) under a tracer; ``debug_traceCall`` traces a
call the way ``eth_call`` runs it. The tracer is geth's struct logger by
default, or ``{"tracer": "callTracer"}`` (``tracers``); the options
are geth's: ``enableMemory``, ``disableStack``, ``disableStorage``,
``enableReturnData``, ``limit``, and ``tracerConfig`` with ``onlyTopCall``
and ``withLog`` for the call tracer. Tracing always interprets, one
instruction at a time.

A tracer may stop a trace by raising ``ExecutionAborted`` (``ovm.evm.observer``)
from any of its calls, e.g. when a bound on its time or size is reached: the
trace is then answered -32000 with the exception's message, and the state it
ran on is discarded (a rebuilt copy, or the call's sandbox).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ...evm.observer import ExecutionAborted
from ...evm.processor import Execution, begin_transaction
from .tracers import CallTracerOptions, StructLogOptions, trace_calls, trace_struct_logs
from .context import NodeContext
from .errors import InvalidParams, ResourceNotFound, ServerError
from .eth import call_request, chain_errors, existing_block
from .params import BlockId, Call, Hash, Json, ParamError, state_overrides
from .server import RpcLimits

Tracer = Callable[[Execution], dict]

STRUCT_LOG_OPTIONS = {
    "enableMemory": "enable_memory",
    "disableStack": "disable_stack",
    "disableStorage": "disable_storage",
    "enableReturnData": "enable_return_data",
}
CALL_TRACER_OPTIONS = {"onlyTopCall": "only_top_call", "withLog": "with_log"}
IGNORED_OPTIONS = frozenset({"timeout", "reexec", "disableMemory", "stateOverrides", "blockOverrides"})


class Debug:
    namespace = "debug"

    def __init__(self, ctx: NodeContext, limits: RpcLimits = RpcLimits()) -> None:
        self._chain = ctx.chain
        self._limits = limits

    def traceTransaction(self, tx_hash: Hash, config: Json = None) -> dict:
        tracer = _tracer(config)
        location = self._chain.transaction(tx_hash)
        if location is None:
            raise ResourceNotFound(f"transaction 0x{tx_hash.hex()} not found")
        chain = self._chain
        state = chain.state_before(location.block_number, location.index)
        env = chain.block_env(location.block_number)
        execution = begin_transaction(state, env, location.tx, chain.fork)
        with _aborted_traces():
            return tracer(execution)

    def traceCall(self, call: Call, block: BlockId = "latest", config: Json = None) -> dict:
        """Trace a call; state overrides go in ``config.stateOverrides``, as on geth."""
        tracer = _tracer(config)
        overrides = _config_overrides(config)
        number = existing_block(self._chain, block).number
        request = call_request(call, self._limits.call_gas_cap)
        with chain_errors(), _aborted_traces():
            return self._chain.trace_call(request, number, overrides, tracer)


@contextmanager
def _aborted_traces() -> Iterator[None]:
    """A trace its tracer stopped is answered with the tracer's reason."""
    try:
        yield
    except ExecutionAborted as exc:
        raise ServerError(str(exc) or "trace aborted") from None


def _tracer(config: Any) -> Tracer:
    """The tracer a geth trace config asks for."""
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise InvalidParams("invalid argument (config): expected an object")
    name = config.get("tracer")
    if name is None:
        options = StructLogOptions(**_options(config, STRUCT_LOG_OPTIONS, {"tracer", "tracerConfig"}),
                                   limit=_limit(config.get("limit", 0)))
        return lambda execution: trace_struct_logs(execution, options)[0]
    if name != "callTracer":
        raise ServerError(f"tracer not found: {name!r} (available: callTracer, or none for struct logs)")
    tracer_config = config.get("tracerConfig") or {}
    if not isinstance(tracer_config, dict):
        raise InvalidParams("invalid argument (config): tracerConfig must be an object")
    call_options = CallTracerOptions(**_options(tracer_config, CALL_TRACER_OPTIONS, set()))
    return lambda execution: trace_calls(execution, call_options)[0]


def _options(config: dict, names: dict[str, str], others: set[str]) -> dict[str, bool]:
    unknown = set(config) - set(names) - others - IGNORED_OPTIONS - {"limit"}
    if unknown:
        raise InvalidParams(f"invalid argument (config): unknown option {sorted(unknown)[0]!r}")
    options = {}
    for key, attribute in names.items():
        value = config.get(key, False)
        if not isinstance(value, bool):
            raise InvalidParams(f"invalid argument (config): {key} must be a boolean")
        options[attribute] = value
    return options


def _limit(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidParams("invalid argument (config): limit must be a non-negative integer")
    return value


def _config_overrides(config: Any) -> dict:
    if not isinstance(config, dict) or config.get("stateOverrides") is None:
        return {}
    try:
        return state_overrides(config["stateOverrides"])
    except ParamError as exc:
        raise InvalidParams(f"invalid argument 2 (config.stateOverrides): {exc}") from None
