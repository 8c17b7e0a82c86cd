"""
The ``debug`` namespace
=======================

``debug_traceTransaction`` re-executes a mined transaction on the state it
ran on (rebuilt from the store) under a tracer; ``debug_traceBlockByNumber``
and ``debug_traceBlockByHash`` do so for each transaction of a block in turn
(``[{txHash, result}]``); ``debug_traceCall`` traces a call the way
``eth_call`` runs it. The tracer is geth's struct logger by default,
``{"tracer": "callTracer"}`` or ``{"tracer": "prestateTracer"}``
(``tracers``); the options are geth's: ``enableMemory``, ``disableStack``,
``disableStorage``, ``enableReturnData``, ``limit``, and ``tracerConfig``
with ``onlyTopCall`` and ``withLog`` for the call tracer, ``diffMode``,
``disableCode`` and ``disableStorage`` for the prestate tracer. Tracing always interprets, one
instruction at a time.

A trace is bounded (``RpcLimits``): it stops after ``timeout`` (a Go
duration, ``"5s"`` by default as on geth, at most ``max_trace_timeout``) or
once it would keep more than ``max_trace_bytes`` of JSON, and the answer is
-32005 saying which; nothing past the bound is spent. The tracers enforce the
bounds through ``ExecutionAborted`` (``ovm.evm.observer``): any other abort is
answered -32000 with its message. Either way the state the trace ran on is
discarded (a rebuilt copy, or the call's sandbox).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ...evm.observer import ExecutionAborted
from ...chain import Block
from ...evm.processor import Execution, begin_transaction
from ...evm.transactions import transaction_hash
from .tracers import (
    CallTracerOptions,
    PrestateOptions,
    StructLogOptions,
    TraceBudget,
    TraceLimitExceeded,
    trace_calls,
    trace_prestate,
    trace_struct_logs,
)
from ..chain import Blockchain
from .context import NodeContext
from .errors import InvalidParams, LimitExceeded, ResourceNotFound, ServerError
from .eth import call_request, chain_errors, existing_block
from .formatting import data
from .params import BlockId, BlockNumberOrTag, Call, Hash, Json, ParamError, state_overrides
from .server import RpcLimits, room_for_deep_answers

Tracer = Callable[[Execution], dict]

STRUCT_LOG_OPTIONS = {
    "enableMemory": "enable_memory",
    "disableStack": "disable_stack",
    "disableStorage": "disable_storage",
    "enableReturnData": "enable_return_data",
}
CALL_TRACER_OPTIONS = {"onlyTopCall": "only_top_call", "withLog": "with_log"}
PRESTATE_OPTIONS = {"diffMode": "diff_mode", "disableCode": "disable_code", "disableStorage": "disable_storage"}
NAMED_TRACERS = {
    "callTracer": (trace_calls, CallTracerOptions, CALL_TRACER_OPTIONS),
    "prestateTracer": (trace_prestate, PrestateOptions, PRESTATE_OPTIONS),
}
IGNORED_OPTIONS = frozenset({"reexec", "disableMemory", "stateOverrides", "blockOverrides"})
DURATION = re.compile(r"(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+")
DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


class Debug:
    namespace = "debug"

    def __init__(self, ctx: NodeContext, limits: RpcLimits = RpcLimits()) -> None:
        self._chain = ctx.chain
        self._limits = limits

    def traceTransaction(self, tx_hash: Hash, config: Json = None) -> dict:
        return trace_mined(self._chain, tx_hash, _tracer(config, self._limits))

    def traceBlockByNumber(self, block: BlockNumberOrTag, config: Json = None) -> list[dict]:
        return self._trace_block(existing_block(self._chain, block), config)

    def traceBlockByHash(self, block_hash: Hash, config: Json = None) -> list[dict]:
        return self._trace_block(existing_block(self._chain, block_hash), config)

    def _trace_block(self, block: Block, config: Json) -> list[dict]:
        """Every transaction of the block traced in turn, each on the state the
        ones before it left: ``[{txHash, result}]`` as geth answers."""
        tracer = _tracer(config, self._limits)
        if block.number == 0:
            raise ServerError("genesis is not traceable")
        state, env, fork = self._chain.block_start(block.number)
        traces = []
        for tx in block.transactions:
            execution = begin_transaction(state, env, tx, fork)
            with _bounded():
                traces.append({"txHash": data(transaction_hash(tx)), "result": tracer(execution)})
        return traces

    def traceCall(self, call: Call, block: BlockId = "latest", config: Json = None) -> dict:
        """Trace a call; state overrides go in ``config.stateOverrides``, as on geth."""
        tracer = _tracer(config, self._limits)
        overrides = _config_overrides(config)
        number = existing_block(self._chain, block).number
        request = call_request(call, self._limits.call_gas_cap)
        with chain_errors(), _bounded():
            return self._chain.trace_call(request, number, overrides, tracer)


def trace_mined(chain: Blockchain, tx_hash: bytes, tracer: Tracer) -> dict:
    """Run a mined transaction again, on the state it ran on, under ``tracer``;
    -32001 if there is no such transaction."""
    location = chain.transaction(tx_hash)
    if location is None:
        raise ResourceNotFound(f"transaction 0x{tx_hash.hex()} not found")
    state = chain.state_before(location.block_number, location.index)
    env, fork = chain.block_setting(location.block_number)
    execution = begin_transaction(state, env, location.tx, fork)
    with _bounded():
        return tracer(execution)


@contextmanager
def _bounded() -> Iterator[None]:
    """A trace within its budget, with room for a call tree as deep as the EVM's;
    a trace its tracer stopped is answered with the tracer's reason."""
    try:
        with room_for_deep_answers():
            yield
    except TraceLimitExceeded as exc:
        raise LimitExceeded(str(exc)) from None
    except ExecutionAborted as exc:
        raise ServerError(str(exc) or "trace aborted") from None


def _tracer(config: Any, limits: RpcLimits) -> Tracer:
    """The tracer a geth trace config asks for, bounded by ``limits``."""
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise InvalidParams("invalid argument (config): expected an object")
    timeout = _timeout(config.get("timeout"), limits)

    def budget() -> TraceBudget:  # made as the trace starts: its deadline counts from then
        return TraceBudget(timeout, limits.max_trace_bytes)

    name = config.get("tracer")
    if name is None:
        options = StructLogOptions(**_options(config, STRUCT_LOG_OPTIONS, {"tracer", "tracerConfig", "timeout"}),
                                   limit=_limit(config.get("limit", 0)))
        return lambda execution: trace_struct_logs(execution, options, budget())[0]
    if not isinstance(name, str) or name not in NAMED_TRACERS:
        raise ServerError(f"tracer not found: {name!r} (available: callTracer, prestateTracer, "
                          "or none for struct logs)")
    tracer_config = config.get("tracerConfig") or {}
    if not isinstance(tracer_config, dict):
        raise InvalidParams("invalid argument (config): tracerConfig must be an object")
    run, options_type, names = NAMED_TRACERS[name]
    named_options = options_type(**_options(tracer_config, names, set()))
    return lambda execution: run(execution, named_options, budget())[0]


def _timeout(value: Any, limits: RpcLimits) -> float:
    """A trace's ``timeout``: a Go duration (``"10s"``, ``"1m30s"``, ``"500ms"``)."""
    if value is None:
        return limits.trace_timeout
    if not isinstance(value, str) or not DURATION.fullmatch(value):
        raise InvalidParams('invalid argument (config): timeout must be a duration such as "10s" or "500ms"')
    seconds = sum(float(number) * SECONDS[unit] for number, unit in DURATION_PART.findall(value))
    if seconds > limits.max_trace_timeout:
        raise InvalidParams(f"invalid argument (config): timeout {value} is longer than this node allows "
                            f"({limits.max_trace_timeout:g}s)")
    return seconds


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
