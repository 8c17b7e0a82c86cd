"""
Tracing
=======

geth's struct logs for a small contract with exact gas and gasCost at every
step, and the call tracer over nested calls, a revert with a reason, a
creation, a precompile and a failed deployment; the bounds of a trace (its
deadline and the bytes it may keep, charged before they are kept).
"""

from __future__ import annotations

import json

import pytest
from support import CONTRACT, SENDER, SENDER_KEY, asm, make_env, make_state

from ovm.evm.forks import CANCUN
from ovm.evm.instructions.system import create_address
from ovm.evm.processor import begin_transaction
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction
from ovm.node.errors import decode_revert_reason
from ovm.node.rpc.tracers import (
    CallTracerOptions,
    StructLogOptions,
    TraceBudget,
    TraceLimitExceeded,
    trace_calls,
    trace_struct_logs,
)
from ovm.node.rpc.tracers.call_tracer import CallTracer
from ovm.node.rpc.tracers.running import run_observed
from ovm.node.rpc.tracers.struct_logger import StructLogger

CALLER = bytes.fromhex("2000000000000000000000000000000000000002")
TX_GAS = 100_000
WORD = "0x" + "00" * 32

STORE_AND_RETURN = asm(
    "PUSH1 0x2a", "PUSH1 0x00", "SSTORE",
    "PUSH1 0x00", "SLOAD",
    "PUSH1 0x00", "MSTORE",
    "PUSH1 0x20", "PUSH1 0x00", "RETURN",
)


def error_string(reason: str) -> bytes:
    """ABI-encoded ``Error(reason)``."""
    text = reason.encode()
    padded = text + bytes(-len(text) % 32)
    return (bytes.fromhex("08c379a0") + (32).to_bytes(32, "big")
            + len(text).to_bytes(32, "big") + padded)


def reverting_with(data: bytes) -> bytes:
    """Code that reverts with ``data`` (copied from the code's own tail)."""
    prefix_size = 12
    prefix = asm(
        f"PUSH1 {len(data)}", f"PUSH1 {prefix_size}", "PUSH1 0", "CODECOPY",
        f"PUSH1 {len(data)}", "PUSH1 0", "REVERT",
    )
    assert len(prefix) == prefix_size
    return prefix + data


def call_then_create(target: bytes) -> bytes:
    """CALL ``target`` with all gas, then CREATE a contract with empty code."""
    return asm(
        "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0",
        f"PUSH20 0x{target.hex()}", "GAS", "CALL", "POP",
        "PUSH5 0x60006000f3", "PUSH1 0", "MSTORE",
        "PUSH1 5", "PUSH1 27", "PUSH1 0", "CREATE",
        "STOP",
    )


def prepared(state, to: bytes | None, data: bytes = b"", gas: int = TX_GAS, value: int = 0):
    tx = FeeMarketTransaction(
        chain_id=1, nonce=state.get_nonce(SENDER), max_priority_fee_per_gas=1,
        max_fee_per_gas=10, gas=gas, to=to, value=value, data=data, access_list=(),
        y_parity=0, r=0, s=0,
    )
    tx = sign_transaction(tx, SENDER_KEY, 1)
    return begin_transaction(state, make_env(), tx, CANCUN)


# --- struct logs ------------------------------------------------------------------


def test_struct_logs_have_exact_gas_and_cost_per_step():
    state = make_state({CONTRACT: STORE_AND_RETURN})
    trace, result = trace_struct_logs(prepared(state, CONTRACT))
    steps = [(s["pc"], s["op"], s["gas"], s["gasCost"]) for s in trace["structLogs"]]
    assert steps == [
        (0, "PUSH1", 79000, 3),
        (2, "PUSH1", 78997, 3),
        (4, "SSTORE", 78994, 22100),
        (5, "PUSH1", 56894, 3),
        (7, "SLOAD", 56891, 100),
        (8, "PUSH1", 56791, 3),
        (10, "MSTORE", 56788, 6),
        (11, "PUSH1", 56782, 3),
        (13, "PUSH1", 56779, 3),
        (15, "RETURN", 56776, 0),
    ]
    assert trace["gas"] == result.gas_used == TX_GAS - 56776
    assert trace["failed"] is False
    assert trace["returnValue"] == "0x" + (0x2A).to_bytes(32, "big").hex()
    assert all(s["depth"] == 1 for s in trace["structLogs"])


def test_struct_log_stack_storage_and_optional_fields():
    state = make_state({CONTRACT: STORE_AND_RETURN})
    trace, _ = trace_struct_logs(prepared(state, CONTRACT))
    logs = trace["structLogs"]
    assert logs[0]["stack"] == []
    assert logs[2]["stack"] == ["0x2a", "0x0"]
    slot = {WORD: "0x" + (0x2A).to_bytes(32, "big").hex()}
    assert logs[2]["storage"] == slot
    assert logs[4]["storage"] == slot
    assert "storage" not in logs[3]
    assert all("memory" not in s and "error" not in s and "refund" not in s for s in logs)


def test_struct_log_memory_and_disabled_stack():
    state = make_state({CONTRACT: STORE_AND_RETURN})
    options = StructLogOptions(enable_memory=True, disable_stack=True, disable_storage=True)
    trace, _ = trace_struct_logs(prepared(state, CONTRACT), options)
    logs = trace["structLogs"]
    assert logs[6]["op"] == "MSTORE" and "memory" not in logs[6]  # memory before the step
    assert logs[-1]["memory"] == ["0x" + (0x2A).to_bytes(32, "big").hex()]
    assert all("stack" not in s and "storage" not in s for s in logs)


def test_struct_log_limit():
    state = make_state({CONTRACT: STORE_AND_RETURN})
    trace, _ = trace_struct_logs(prepared(state, CONTRACT), StructLogOptions(limit=3))
    assert [s["op"] for s in trace["structLogs"]] == ["PUSH1", "PUSH1", "SSTORE"]


def test_struct_log_refund_counter():
    code = asm("PUSH1 0", "PUSH1 0", "SSTORE", "STOP")
    state = make_state({CONTRACT: code})
    state.load_account(CONTRACT, 1, 0, code, {0: 1})
    trace, result = trace_struct_logs(prepared(state, CONTRACT))
    assert trace["structLogs"][-1]["refund"] == 4800
    assert result.refund == 4800


def test_call_step_costs_the_forwarded_gas_and_create_does_not():
    state = make_state({CALLER: call_then_create(CONTRACT), CONTRACT: STORE_AND_RETURN})
    trace, _ = trace_struct_logs(prepared(state, CALLER))
    logs = trace["structLogs"]
    call = next(s for s in logs if s["op"] == "CALL")
    first_inner = logs[logs.index(call) + 1]
    assert first_inner["depth"] == 2
    cold_call = 2600
    forwarded = first_inner["gas"]
    assert forwarded == (call["gas"] - cold_call) - (call["gas"] - cold_call) // 64
    assert call["gasCost"] == cold_call + forwarded
    create = next(s for s in logs if s["op"] == "CREATE")
    assert create["gasCost"] == 32000 + 2  # one initcode word; memory already paid
    after_create = logs[logs.index(create) + 1 + 3]  # three steps of initcode run at depth 2
    assert after_create["depth"] == 1


def test_struct_log_of_a_failing_step_carries_geth_error():
    state = make_state({CONTRACT: asm("PUSH1 7", "JUMP")})
    trace, result = trace_struct_logs(prepared(state, CONTRACT))
    jump = trace["structLogs"][-1]
    assert jump["op"] == "JUMP" and jump["error"] == "invalid jump destination"
    assert trace["failed"] is True and trace["returnValue"] == "0x"
    assert trace["gas"] == TX_GAS


def test_struct_log_stack_underflow_message():
    state = make_state({CONTRACT: asm("PUSH1 1", "ADD")})
    trace, _ = trace_struct_logs(prepared(state, CONTRACT))
    assert trace["structLogs"][-1]["error"] == "stack underflow (1 <=> 2)"


def test_struct_logs_of_a_revert_return_its_data():
    data = error_string("nope")
    state = make_state({CONTRACT: reverting_with(data)})
    trace, _ = trace_struct_logs(prepared(state, CONTRACT))
    assert trace["failed"] is True
    assert trace["returnValue"] == "0x" + data.hex()
    assert "error" not in trace["structLogs"][-1]


# --- call tracer ------------------------------------------------------------------


def test_call_tracer_nested_call_with_revert_reason_and_create():
    revert_data = error_string("nope")
    state = make_state({CALLER: call_then_create(CONTRACT), CONTRACT: reverting_with(revert_data)})
    trace, result = trace_calls(prepared(state, CALLER))
    assert trace["type"] == "CALL"
    assert trace["from"] == "0x" + SENDER.hex()
    assert trace["to"] == "0x" + CALLER.hex()
    assert trace["gas"] == hex(TX_GAS)
    assert trace["gasUsed"] == hex(result.gas_used)
    assert trace["value"] == "0x0"
    assert trace["input"] == "0x"
    assert "output" not in trace and "error" not in trace
    inner, created = trace["calls"]
    assert inner["type"] == "CALL"
    assert inner["to"] == "0x" + CONTRACT.hex()
    assert inner["error"] == "execution reverted"
    assert inner["revertReason"] == "nope"
    assert inner["output"] == "0x" + revert_data.hex()
    assert int(inner["gasUsed"], 16) < int(inner["gas"], 16)
    assert created["type"] == "CREATE"
    assert created["to"] == "0x" + create_address(CALLER, 1).hex()
    assert created["input"] == "0x60006000f3"
    assert created["value"] == "0x0"
    assert int(created["gasUsed"], 16) == 3 + 3 + 0  # PUSH1, PUSH1, RETURN of empty code
    assert "output" not in created and "calls" not in created


def test_call_tracer_failed_creation_has_no_to_and_deposit_error():
    # initcode returns 0x6000 bytes of code: EIP-170 allows 0x6000, so ask for one more
    too_big = asm("PUSH2 0x6001", "PUSH1 0", "RETURN")
    state = make_state()
    trace, result = trace_calls(prepared(state, None, data=too_big, gas=1_000_000))
    assert trace["type"] == "CREATE"
    assert "to" not in trace
    assert trace["error"] in ("max code size exceeded", "contract creation code storage out of gas")
    assert not result.success


def test_call_tracer_staticcall_to_precompile_has_no_value():
    code = asm(
        "PUSH1 0x20", "PUSH1 0", "PUSH1 0", "PUSH1 0",
        "PUSH1 0x04", "GAS", "STATICCALL", "STOP",
    )
    state = make_state({CONTRACT: code})
    trace, _ = trace_calls(prepared(state, CONTRACT))
    (identity,) = trace["calls"]
    assert identity["type"] == "STATICCALL"
    assert identity["to"] == "0x" + "00" * 19 + "04"
    assert "value" not in identity
    assert int(identity["gasUsed"], 16) == 15  # identity precompile on empty input


def test_call_tracer_logs_and_only_top_call():
    emitter = asm("PUSH1 0x99", "PUSH1 0", "PUSH1 0", "LOG1", "STOP")
    state = make_state({CALLER: call_then_create(CONTRACT), CONTRACT: emitter})
    trace, _ = trace_calls(prepared(state, CALLER), CallTracerOptions(with_log=True))
    (log,) = trace["calls"][0]["logs"]
    assert log == {"address": "0x" + CONTRACT.hex(), "topics": ["0x" + (0x99).to_bytes(32, "big").hex()],
                   "data": "0x", "position": "0x0"}
    state = make_state({CALLER: call_then_create(CONTRACT), CONTRACT: emitter})
    top_only, _ = trace_calls(prepared(state, CALLER), CallTracerOptions(only_top_call=True, with_log=True))
    assert "calls" not in top_only and "logs" not in top_only


def test_call_tracer_transfer_to_an_account_without_code():
    state = make_state()
    trace, _ = trace_calls(prepared(state, CALLER, value=5))
    assert trace["value"] == "0x5"
    assert trace["gasUsed"] == hex(21000)
    assert "calls" not in trace


def test_revert_reason_decoding():
    assert decode_revert_reason(error_string("out of stock")) == "out of stock"
    panic = bytes.fromhex("4e487b71") + (0x11).to_bytes(32, "big")
    assert decode_revert_reason(panic) == "arithmetic underflow or overflow"
    assert decode_revert_reason(b"\x01\x02") is None
    assert decode_revert_reason(error_string("x")[:40]) is None


# --- bounds -----------------------------------------------------------------------


ENDLESS = asm("JUMPDEST", "PUSH1 0", "JUMP")
# memory grown to 64 KiB by one MSTORE, then an endless loop
BIG_MEMORY_LOOP = asm("PUSH1 1", "PUSH2 0xffe0", "MSTORE", "JUMPDEST", "PUSH1 6", "JUMP")
# an endless loop of calls to CONTRACT with 32 KiB of input each
CALLS_WITH_BIG_INPUT = asm(
    "JUMPDEST", "PUSH1 0", "PUSH1 0", "PUSH2 0x8000", "PUSH1 0", "PUSH1 0",
    f"PUSH20 0x{CONTRACT.hex()}", "PUSH2 0x1000", "CALL", "POP", "PUSH1 0", "JUMP",
)


def test_a_trace_past_its_deadline_stops_at_once():
    state = make_state({CONTRACT: ENDLESS})
    for tracer in (trace_struct_logs, trace_calls):
        with pytest.raises(TraceLimitExceeded, match="execution timeout: the trace ran past 0 s"):
            tracer(prepared(state, CONTRACT, gas=10_000_000), budget=TraceBudget(timeout=0))


@pytest.mark.parametrize("options", [StructLogOptions(), StructLogOptions(enable_memory=True, disable_stack=True)],
                         ids=["stack", "memory"])
def test_struct_logs_stop_before_they_keep_more_than_their_bytes(options):
    code = BIG_MEMORY_LOOP if options.enable_memory else ENDLESS
    execution = prepared(make_state({CONTRACT: code}), CONTRACT, gas=10_000_000)
    logger = StructLogger(execution, options, TraceBudget(max_bytes=20_000))
    with pytest.raises(TraceLimitExceeded, match="trace too large: more than 20000 bytes of JSON"):
        run_observed(execution, logger)
    assert 0 < len(json.dumps(logger.logs)) <= 20_000
    if options.enable_memory:  # the 64 KiB memory was never copied into a step
        assert all("memory" not in step for step in logger.logs)


def test_call_tracer_charges_each_call_s_input_before_keeping_it():
    state = make_state({CALLER: CALLS_WITH_BIG_INPUT, CONTRACT: asm("STOP")})
    execution = prepared(state, CALLER, gas=10_000_000)
    tracer = CallTracer(execution, CallTracerOptions(), TraceBudget(max_bytes=200_000))
    with pytest.raises(TraceLimitExceeded, match="trace too large"):
        run_observed(execution, tracer)
    assert 0 < len(tracer.top.calls) <= 200_000 // (2 * 0x8000)


def test_an_unbounded_budget_changes_nothing():
    state = make_state({CONTRACT: STORE_AND_RETURN})
    bounded, _ = trace_struct_logs(prepared(state, CONTRACT), budget=TraceBudget(timeout=60, max_bytes=10**6))
    assert bounded == trace_struct_logs(prepared(make_state({CONTRACT: STORE_AND_RETURN}), CONTRACT))[0]
